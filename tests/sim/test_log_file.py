"""`filesystem/openLog`'s splitting of a log file (linkis_mock/sim/linkis/log_file.py):
which levels a `logLevel` asks for, and which of the four texts each line goes to
(docs/reference/linkis-console.md §6; FsRestfulApi.java:1476-1569, WorkspaceUtil.java:33-79)."""

from __future__ import annotations

import pytest

from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.log_file import ALL, levels_asked, split_levels
from tests.helpers.sim import ALICE, BOB, HADOOP, at, make_sim, submit

ERROR, WARN, INFO = 0, 1, 2
EVERY = frozenset({ALL})
INFO_LINE = (
    "2024-05-01 10:05:33.005 INFO Job with jobId : 123 and execID : IDE_hadoop_spark_0 submitted "
)
ERROR_LINE = "2024-05-01 10:05:40.005 ERROR Sorry, your job executed failed with reason: boom"
WARN_LINE = "2024-05-01 10:05:36.005 WARN Job 123 failed with a retryable engine error"
TRACE_LINE = "\tat Foo.bar(Foo.java:1)"


def split(*lines: str, asked: frozenset[int] = EVERY) -> list[str]:
    return split_levels(list(lines), asked)


def text(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)


# ---- levels_asked -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("log_level", "expected"),
    [
        (None, {ALL}),  # the default is all
        ("", {ALL}),
        ("all", {ALL}),
        ("ALL", {ALL}),
        (" a l l ", {ALL}),  # spaces are removed before anything else
        ("error", {ERROR}),
        ("Warn", {WARN}),
        ("INFO", {INFO}),
        ("error,info", {ERROR, INFO}),
        (" error , WARN ", {ERROR, WARN}),
        ("error,error", {ERROR}),
        ("error,all", {ERROR, ALL}),
        ("debug,warn", {WARN}),  # an unknown name is skipped
        ("debug", {ALL}),  # none known: all
        ("warning", {ALL}),  # only the exact names count
        (",,,", {ALL}),
    ],
)
def test_levels_asked(log_level: str | None, expected: set[int]) -> None:
    assert levels_asked(log_level) == frozenset(expected)


def test_level_order_is_error_warn_info_all() -> None:
    assert (ERROR, WARN, INFO, ALL) == (0, 1, 2, 3)
    assert levels_asked("error") == {0} and levels_asked("info") == {2}


# ---- split_levels -------------------------------------------------------------------------


def test_the_reference_example() -> None:
    """Three lines, the third a stack-trace line (docs/reference/linkis-console.md §6)."""
    assert split(INFO_LINE, ERROR_LINE, TRACE_LINE) == [
        text(ERROR_LINE, TRACE_LINE),
        "",
        text(INFO_LINE),
        text(INFO_LINE, ERROR_LINE, TRACE_LINE),
    ]


def test_every_line_ends_with_a_newline_and_empty_levels_are_empty() -> None:
    assert split() == ["", "", "", ""]
    log = split(WARN_LINE)
    assert log == ["", text(WARN_LINE), "", text(WARN_LINE)]
    assert all(part == "" or part.endswith("\n") for part in split(INFO_LINE, TRACE_LINE))


def test_a_line_of_a_level_sets_the_current_level() -> None:
    log = split(INFO_LINE, "info more", ERROR_LINE, TRACE_LINE, WARN_LINE, "warn more")
    assert log[ERROR] == text(ERROR_LINE, TRACE_LINE)
    assert log[WARN] == text(WARN_LINE, "warn more")
    assert log[INFO] == text(INFO_LINE, "info more")
    assert log[ALL] == text(INFO_LINE, "info more", ERROR_LINE, TRACE_LINE, WARN_LINE, "warn more")


def test_lines_before_the_first_level_line_go_to_all_only() -> None:
    log = split("no header yet", TRACE_LINE, INFO_LINE)
    assert log == ["", "", text(INFO_LINE), text("no header yet", TRACE_LINE, INFO_LINE)]


def test_system_lines_are_not_levels_they_follow_the_current_one() -> None:
    system_error = "2024-05-01 10:05:41.005 SYSTEM-ERROR engine lost"
    system_warn = "2024-05-01 10:05:41.006 SYSTEM-WARN queue is busy"
    assert split(system_error) == ["", "", "", text(system_error)]
    log = split(INFO_LINE, system_error, system_warn)
    assert log[INFO] == text(INFO_LINE, system_error, system_warn)
    assert log[ERROR] == log[WARN] == ""


def test_a_blank_line_gives_two_newlines() -> None:
    log = split(INFO_LINE, "", ERROR_LINE)
    assert log[INFO] == INFO_LINE + "\n" + "\n\n"
    assert log[ALL] == INFO_LINE + "\n\n\n" + ERROR_LINE + "\n"
    assert split("") == ["", "", "", "\n\n"]  # before any level: ALL only


@pytest.mark.parametrize(
    "line",
    [
        "2024-05-01 10:05:33.005 INFO x",
        "2024-5-1 10:05:33.005 INFO x",  # month and day may have one digit
        "1999-12-31 23:59:59.999 INFO x",
        "2024-05-01 10:05:33.005INFO x",  # the spaces before the level are optional
        "2024-05-01 10:05:33.005    INFO x",
        "2024-05-01 10:05:33.005 INFO",  # nothing after the level
        "2024-05-01 10:05:33.005 INFORMATION",  # then anything
        "2024-05-01 10:05:33.005 INFO [main] x: y ",
    ],
)
def test_lines_that_are_info(line: str) -> None:
    assert split(line) == ["", "", text(line), text(line)]


@pytest.mark.parametrize(
    "line",
    [
        "2024-05-01 10:05:33 INFO no milliseconds",
        "2024-05-01 10:05:33.05 INFO two digits of milliseconds",
        "2024-13-01 10:05:33.005 INFO month 13",
        "2024-05-32 10:05:33.005 INFO day 32",
        "2124-05-01 10:05:33.005 INFO year 2124",
        "24-05-01 10:05:33.005 INFO two-digit year",
        "2024-05-01 10:65:33.005 INFO minute 65",
        "2024-05-01T10:05:33.005 INFO a T, not a space",
        " 2024-05-01 10:05:33.005 INFO a leading space",
        "2024-05-01 10:05:33.005 info lower case",
        "2024-05-01 10:05:33.005 [main] INFO a thread first",
        "INFO no date",
    ],
)
def test_lines_that_are_no_level(line: str) -> None:
    assert split(line) == ["", "", "", text(line)]
    assert split(ERROR_LINE, line)[ERROR] == text(ERROR_LINE, line)  # they follow the current


def test_the_three_levels_are_recognised_alike() -> None:
    for index, name in ((ERROR, "ERROR"), (WARN, "WARN"), (INFO, "INFO")):
        line = f"2024-5-1 10:05:33.005 {name} x"
        expected = ["", "", "", text(line)]
        expected[index] = text(line)
        assert split(line) == expected


# ---- split_levels with some levels asked ---------------------------------------------------

LINES = (INFO_LINE, ERROR_LINE, TRACE_LINE, WARN_LINE, "warn more")


@pytest.mark.parametrize(
    "asked",
    [
        frozenset({ERROR}),
        frozenset({WARN}),
        frozenset({INFO}),
        frozenset({ERROR, INFO}),
        frozenset({ERROR, WARN, INFO}),
    ],
)
def test_only_the_levels_asked_are_filled(asked: frozenset[int]) -> None:
    full = split(*LINES)
    assert all(full)
    assert split(*LINES, asked=asked) == [full[i] if i in asked else "" for i in range(4)]


@pytest.mark.parametrize("asked", [EVERY, frozenset({ERROR, ALL}), frozenset({INFO, WARN, ALL})])
def test_asking_for_all_fills_every_text(asked: frozenset[int]) -> None:
    assert split(*LINES, asked=asked) == split(*LINES)


# ---- LogFiles.open_log on a simulated job --------------------------------------------------


def test_open_log_is_the_entrance_log_with_newlines() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE, '--@mock outcome=Failed error="boom"\nselect 1')
    at(sim, 5000)
    path = sim.entrance.history.job_history(task_id, ALICE, False).data["task"]["logPath"]
    assert isinstance(path, str)
    log = sim.entrance.logs.open_log(path, None, None, ALICE).data["log"]
    entrance = sim.entrance.reads.log(exec_id, 1, -1, True).data["log"]
    assert isinstance(entrance, list)
    # The file has the interceptors' empty lines, which the entrance's reader counts but
    # does not show (linkis-entrance.md §6).
    assert log[ALL].replace("\n\n\n", "\n") == text(*entrance[3].split("\n"))
    assert "\n\n\n" in log[ALL]
    assert log[ERROR] == text(*entrance[0].split("\n"))
    assert log[ERROR].endswith(" ERROR Sorry, your job executed failed with reason: boom\n")


def test_open_log_readers() -> None:
    sim = make_sim()
    _, task_id = submit(sim, ALICE)
    path = sim.entrance.history.job_history(task_id, ALICE, False).data["task"]["logPath"]
    assert isinstance(path, str)
    own = sim.entrance.logs.open_log(path, None, None, ALICE).data
    assert sim.entrance.logs.open_log(path, None, None, HADOOP).data == own
    assert sim.entrance.logs.open_log(path, "alice", None, HADOOP).data == own
    # A plain user's proxyUser is ignored; an admin's is who reads.
    readers: list[tuple[Caller, str | None]] = [(BOB, None), (BOB, "alice"), (HADOOP, "bob")]
    for caller, proxy in readers:
        with pytest.raises(LinkisError) as refused:
            sim.entrance.logs.open_log(path, proxy, None, caller)
        assert refused.value.data["errorMsg"]["errCode"] == 80018
