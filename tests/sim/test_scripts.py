"""Scripts: @mock directives, determinism by seed, result columns, empty code."""

from __future__ import annotations

import hashlib
import re

import pytest

from linkis_mock.sim.linkis.scripts import (
    DEFAULT_COLUMNS,
    DEFAULT_ERROR,
    Column,
    DirectiveError,
    Outcome,
    build_script,
    code_digest,
    is_effectively_empty,
    parse_directives,
)
from linkis_mock.sim.settings import Timings

TIMINGS = Timings()
DIGEST = code_digest(3, "show tables")  # what seeds generated rows: a job's (Job.digest)


# ---- parse_directives ------------------------------------------------------------------


def test_parse_directives_reads_key_value_pairs() -> None:
    code = "--@mock outcome=Failed rows=5\nselect 1"
    assert parse_directives(code) == {"outcome": "Failed", "rows": "5"}


@pytest.mark.parametrize(
    "line",
    ["#@mock retry=1", "-- @mock retry=1", "  #  @mock   retry=1  ", "--@mock\tretry=1"],
)
def test_directive_prefixes_and_spacing(line: str) -> None:
    assert parse_directives(f"print(1)\n{line}\n") == {"retry": "1"}


def test_quoted_values_keep_their_spaces() -> None:
    code = """--@mock outcome=Failed error="disk full on node 3" queue='1.5'"""
    assert parse_directives(code) == {
        "outcome": "Failed",
        "error": "disk full on node 3",
        "queue": "1.5",
    }


def test_later_directives_override_earlier_ones() -> None:
    code = "--@mock rows=1 duration=3\nselect 1\n#@mock rows=9"
    assert parse_directives(code) == {"rows": "9", "duration": "3"}


@pytest.mark.parametrize(
    "code",
    ["select 1", "-- mock rows=1", "--@mockery rows=1", "select '--@mock rows=1'", "@mock rows=1"],
)
def test_non_directive_lines_are_ignored(code: str) -> None:
    assert parse_directives(code) == {}


def test_word_without_equals_is_a_directive_error() -> None:
    with pytest.raises(DirectiveError, match="expected key=value, got 'fast'"):
        parse_directives("--@mock fast")
    with pytest.raises(DirectiveError, match="expected key=value, got '=3'"):
        parse_directives("--@mock =3")


def test_unbalanced_quote_is_a_directive_error() -> None:
    with pytest.raises(DirectiveError, match="cannot read"):
        parse_directives('--@mock error="oops')


# ---- build_script --------------------------------------------------------------------


def test_defaults_without_directives() -> None:
    script = build_script("select 1", 0, TIMINGS)
    assert script.outcome is Outcome.SUCCEED
    assert script.queue_s == TIMINGS.queue
    assert script.running_s == TIMINGS.running
    assert script.retries == 0
    assert script.error == DEFAULT_ERROR
    assert script.directive_problem is None
    assert 3 <= script.rows <= 10
    assert 1 <= len(script.stage_tasks) <= 3
    assert all(2 <= tasks <= 8 for tasks in script.stage_tasks)


def test_defaults_follow_the_configured_timings() -> None:
    script = build_script("select 1", 0, Timings(queue=4.0, running=9.5))
    assert (script.queue_s, script.running_s) == (4.0, 9.5)


def test_every_directive_is_applied() -> None:
    code = '--@mock outcome=Failed error="boom: bad thing" duration=5 queue=0 rows=0 retry=2\nx'
    script = build_script(code, 0, TIMINGS)
    assert script.outcome is Outcome.FAILED
    assert script.error == "boom: bad thing"
    assert script.running_s == 5.0
    assert script.queue_s == 0.0
    assert script.rows == 0
    assert script.retries == 2
    assert script.directive_problem is None


@pytest.mark.parametrize("outcome", ["Succeed", "Failed", "Cancelled", "Timeout"])
def test_all_four_outcomes_are_accepted(outcome: str) -> None:
    assert build_script(f"--@mock outcome={outcome}", 0, TIMINGS).outcome.value == outcome


def test_empty_error_falls_back_to_the_default_error() -> None:
    assert build_script('--@mock outcome=Failed error=""', 0, TIMINGS).error == DEFAULT_ERROR


@pytest.mark.parametrize("rows", ["0", "1000000", "0042"])
def test_rows_bounds_accepted(rows: str) -> None:
    assert build_script(f"--@mock rows={rows}", 0, TIMINGS).rows == int(rows)


@pytest.mark.parametrize(
    ("directive", "problem"),
    [
        ("color=red", "unknown key(s) color"),
        ("zeta=1 alpha=2", "unknown key(s) alpha, zeta"),
        ("outcome=Success", "outcome must be one of Succeed, Failed, Cancelled, Timeout"),
        ("outcome=failed", "outcome must be one of"),
        ("duration=abc", "duration must be a number of seconds, got 'abc'"),
        ("duration=-1", "duration must be between 0 and"),
        ("queue=nan", "queue must be between 0 and"),
        ("queue=1e9", "queue must be between 0 and"),
        ("rows=-1", "rows must be a whole number from 0 to 1000000, got '-1'"),
        ("rows=1000001", "rows must be a whole number from 0 to 1000000"),
        ("rows=1.5", "rows must be a whole number"),
        ("rows=", "rows must be a whole number"),
        ("retry=3", "retry must be a whole number from 0 to 2, got '3'"),
        ("retry=-1", "retry must be a whole number from 0 to 2"),
        ("fast", "expected key=value"),
        ('error="x', "cannot read"),
    ],
)
def test_invalid_directives_make_a_failing_script(directive: str, problem: str) -> None:
    script = build_script(f"--@mock {directive}\nselect 1", 0, TIMINGS)
    assert script.outcome is Outcome.FAILED
    assert script.error.startswith("Invalid @mock directive: ")
    assert script.directive_problem is not None
    assert problem in script.directive_problem
    assert script.error == f"Invalid @mock directive: {script.directive_problem}"
    assert script.rows == 0
    assert script.retries == 0


@pytest.mark.parametrize("directive", ["rows=\u00b2", "retry=\u00b3"])
def test_non_ascii_digits_are_an_invalid_directive(directive: str) -> None:
    script = build_script(f"--@mock {directive}", 0, TIMINGS)
    assert script.outcome is Outcome.FAILED
    assert script.error.startswith("Invalid @mock directive")


# ---- determinism ---------------------------------------------------------------------


def test_same_code_and_seed_give_the_same_script() -> None:
    one = build_script("select a, b from t", 7, TIMINGS)
    two = build_script("select a, b from t", 7, TIMINGS)
    assert one is two  # shared: jobs whose code is equal hold one script
    digest = code_digest(7, "select a, b from t")
    assert [one.row(i, digest) for i in range(5)] == [two.row(i, digest) for i in range(5)]


def test_scripts_of_different_code_are_shared_when_they_run_alike() -> None:
    scripts = [build_script(f"select {n}", 0, TIMINGS) for n in range(400)]
    assert all(script.digest is None for script in scripts)  # derived from the job's code
    alike = {(s.rows, s.stage_tasks): s for s in scripts}
    assert all(s is alike[(s.rows, s.stage_tasks)] for s in scripts)
    assert len({id(s) for s in scripts}) == len(alike) < 400


def test_different_seeds_give_different_values() -> None:
    scripts = [build_script("select 1", seed, TIMINGS) for seed in range(6)]
    digests = [code_digest(seed, "select 1") for seed in range(6)]
    assert len(set(digests)) == 6
    scores = {s.row(0, digest)[2] for s, digest in zip(scripts, digests, strict=True)}
    assert len(scores) == 6
    shapes = {(s.rows, s.stage_tasks) for s in scripts}
    assert len(shapes) > 1


def test_the_digest_is_the_sha256_of_the_seed_and_the_code() -> None:
    assert code_digest(3, "select 1") == hashlib.sha256(b"3\x00select 1").hexdigest()
    assert code_digest(0, "select 1") != code_digest(0, "select 2")


def test_rows_of_the_default_columns() -> None:
    script = build_script("show tables", 3, TIMINGS)
    assert script.columns == DEFAULT_COLUMNS
    for index in range(4):
        row = script.row(index, DIGEST)
        assert row[0] == str(index + 1)
        assert row[1] == f"name{index + 1}"
        assert re.fullmatch(r"\d{1,3}\.\d{2}|1000\.00", row[2])
        assert 0 <= float(row[2]) <= 1000
    assert script.row(2, DIGEST) == script.row(2, DIGEST)
    assert script.row(2, DIGEST) != script.row(2, code_digest(4, "show tables"))


# ---- columns -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "names"),
    [
        ("select a, b from t", ("a", "b")),
        ("SELECT t.id AS x, name FROM db.t", ("x", "name")),
        ("select distinct a from t", ("a",)),
        ("--@mock rows=2\n-- a comment\nselect  k ,\n v\nfrom t", ("k", "v")),
        ("  select x from t where y = 1", ("x",)),
    ],
)
def test_columns_of_a_plain_select(code: str, names: tuple[str, ...]) -> None:
    columns = build_script(code, 0, TIMINGS).columns
    assert tuple(c.name for c in columns) == names
    assert columns[0].data_type == "int"
    assert all(c.data_type == "string" for c in columns[1:])


def test_select_a_b_gives_int_then_string() -> None:
    script = build_script("select a, b from t", 0, TIMINGS)
    assert script.columns == (Column("a", "int"), Column("b", "string"))
    assert script.row(0, DIGEST) == ["1", "b1"]
    assert script.row(9, DIGEST) == ["10", "b10"]


@pytest.mark.parametrize(
    "code",
    [
        "select * from t",
        "select count(*) from t",
        "select 1",
        "show tables",
        "select a, from t",
        "use db;\nselect a from t",
    ],
)
def test_other_code_gets_the_default_columns(code: str) -> None:
    assert build_script(code, 0, TIMINGS).columns == DEFAULT_COLUMNS


# ---- is_effectively_empty --------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["", "   \n\t\n", "-- only a comment", "# py comment\n// js comment\n\n-- x"]
)
def test_effectively_empty(code: str) -> None:
    assert is_effectively_empty(code)


@pytest.mark.parametrize(
    "code", ["select 1", "-- c\nselect 1", "--@mock outcome=Failed", "#@mock rows=1", "print(1)"]
)
def test_not_effectively_empty(code: str) -> None:
    assert not is_effectively_empty(code)
