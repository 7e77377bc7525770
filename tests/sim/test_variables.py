"""Variable substitution (interceptor #9): the worked examples of the reference, the errors,
the value types, and a property over any code (docs/reference/linkis-interceptors.md §8;
expected texts from Linkis' VariableUtils and the examples run against it, never from the
mock).

The examples were taken at 2026-08-19 16:13:38 in the cluster's zone; the mock's entrance
runs in UTC (§8.8), so its clock is set to that wall time in UTC.
"""

from __future__ import annotations

import calendar
import contextlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkis_mock.sim.clock import Clock
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.interceptors import chain, dates, java
from linkis_mock.sim.linkis.interceptors.chain import Submission
from linkis_mock.sim.linkis.interceptors.dates import CodedVariableError, Moment
from linkis_mock.sim.linkis.interceptors.operations import OperationFailedError
from linkis_mock.sim.linkis.interceptors.variables import substitute
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.simulator import Simulator
from tests.helpers.sim import INSTANCE

EXAMPLE_CLOCK_MS = calendar.timegm((2026, 8, 19, 16, 13, 38)) * 1000
HADOOP = Caller("hadoop", admin=True)
SCRIPT_BANNER = "*" * 36 + "SCRIPT CODE" + "*" * 36
RUN_DATE = {"run_date": "20260819"}


def example_sim() -> Simulator:
    return Simulator(SimSettings(instance=INSTANCE), Clock(EXAMPLE_CLOCK_MS, frozen=True))


def body(
    code: str, run_type: str, creator: str, variables: dict[str, str] | None
) -> dict[str, Any]:
    params: dict[str, Any] = {} if variables is None else {"variable": variables}
    return {
        "executionContent": {"code": code, "runType": run_type},
        "labels": {"engineType": "spark-2.4.3", "userCreator": f"hadoop-{creator}"},
        "params": params,
    }


def script_code(sim: Simulator, exec_id: str) -> str:
    """The code between the first two SCRIPT CODE banners of the job's log: the code after
    substitution (docs/reference/linkis-interceptors.md §9)."""
    log = sim.entrance.reads.log(exec_id, 1, -1, False).data["log"]
    assert isinstance(log, str)
    lines = log.split("\n")
    start = lines.index(SCRIPT_BANNER) + 1
    return "\n".join(lines[start : lines.index(SCRIPT_BANNER, start)])


def substituted(code: str, run_type: str, creator: str, variables: dict[str, str] | None) -> str:
    sim = example_sim()
    reply = sim.entrance.submitter.submit(body(code, run_type, creator, variables), HADOOP, False)
    exec_id = reply.data["execID"]
    assert isinstance(exec_id, str)
    return script_code(sim, exec_id)


# The reference's §5.4 table, rows 1-10, and its Scala line: (run type, creator, variables,
# input, after substitution). "⏎" there is "\n" here.
WORKED_EXAMPLES = [
    pytest.param(
        "sql", "IDE", RUN_DATE,
        "select * from t where ds='${run_date}' and ds2='${run_date-1}' and d3='${run_date+1}'",
        "select * from t where ds='20260819' and ds2='20260818' and d3='20260820'",
        id="1-run-date-arithmetic",
    ),
    pytest.param(
        "hql", "Schedulis", RUN_DATE,
        "dt >= '${run_date_std-7}' and dt <= '${run_date_std}'",
        "dt >= '2026-08-12' and dt <= '2026-08-19'",
        id="2-std-date",
    ),
    pytest.param(
        "sql", "IDE", {"run_date": "20260331"},
        "${run_month_begin} ${run_month_end} ${run_month_begin-1} ${run_month_end-1} "
        "${run_month_end_std-1} ${run_month_begin_std+1}",
        "20260301 20260331 20260201 20260228 2026-02-28 2026-04-01",
        id="3-month-bounds",
    ),
    pytest.param(
        "sql", "IDE", RUN_DATE,
        "${run_quarter_begin} ${run_quarter_end} ${run_quarter_begin-1} ${run_quarter_end_std+1} "
        "${run_half_year_end_std-1} ${run_year_begin_std-1} ${run_year_end+1}",
        "20260701 20260930 20260401 2026-12-31 2026-06-30 2025-01-01 20271231",
        id="4-quarters-half-years-years",
    ),
    pytest.param(
        "sql", "IDE", RUN_DATE,
        "${run_today} ${run_today_std} ${run_mon-1} ${run_mon_end} ${run_month_now_begin} "
        "${run_month_now_end} ${run_last_mon_now} ${run_mon_now}",
        "20260820 2026-08-20 202607 202612 20260701 20260731 202607 202608",
        id="5-today-and-months",
    ),
    pytest.param(
        "sql", "IDE", None,
        "${run_date} ${run_date_std} ${run_today} ${run_today_h} ${run_today_h_std} "
        "${run_today_h-2} ${run_today_h_std+10}",
        "20260818 2026-08-18 20260819 2026081916 2026-08-19 16 2026081914 2026-08-20 02",
        id="6-defaults-from-the-clock",
    ),
    pytest.param(
        "sql", "IDE",
        {**RUN_DATE, "n": "10", "m": "3", "r": "2.50", "e": "1e3", "p": "+5", "code": "007",
         "city": "bj"},
        "${n*3}, ${n/4}, ${n/3}, ${n-m}, ${r}, ${r*2}, ${e}, ${p}, '${code+1}', '${city+_x}'",
        "30, 2.5, 3.333333333333333333333333333333333, 7, 2.50, 5, 1000, 5, '0071', 'bj_x'",
        id="7-numbers-and-text",
    ),
    pytest.param(
        "sql", "IDE", {**RUN_DATE, "dt": "20250101"},
        "--@set dt=20260101\n--@set run_date=20260301\n"
        "select '${dt}', '${run_date}', '${run_month_begin}' from t",
        "--@set dt=20260101\n--@set run_date=20260301\n"
        "select '20260101', '20260301', '20260301' from t",
        id="8-code-set-beats-params",
    ),
    pytest.param(
        "py", "IDE", {**RUN_DATE, "b": "x"},
        "#@set a=1\n# comment ${a}\nprint(${a} + ${c})\nprint('${b}')",
        "#@set a=1\n# comment 1\nprint(1 + ${c})\nprint('x')",
        id="9-python-comments-kept-undefined-left",
    ),
    pytest.param(
        "shell", "IDE", RUN_DATE,
        "#@set f=/tmp/x\necho ${run_date} &{yyyy-MM-dd%-1d} &{yyyyMM%-1M} ${f} ${HOME} ${user}",
        "#@set f=/tmp/x\necho 20260819 2026-08-18 202607 /tmp/x ${HOME} hadoop",
        id="10-shell-date-formats",
    ),
    pytest.param(
        "scala", "IDE", RUN_DATE, "//@set n=5\nval x = ${n+1}", "val x = 6", id="scala",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("run_type", "creator", "variables", "code", "after"), WORKED_EXAMPLES)
def test_the_references_worked_examples(
    run_type: str, creator: str, variables: dict[str, str] | None, code: str, after: str
) -> None:
    result = substituted(code, run_type, creator, variables)
    # The Scala line of the reference shows the code line only; its @set line stays too.
    assert result == after if run_type != "scala" else result.endswith(after)


def test_the_scala_example_keeps_its_set_line() -> None:
    result = substituted("//@set n=5\nval x = ${n+1}", "scala", "IDE", RUN_DATE)
    assert result == "//@set n=5\nval x = 6"


# ---- the rules one by one, on the substitution itself ------------------------------------

NOW = Moment.of(EXAMPLE_CLOCK_MS)


def sub(code: str, variables: dict[str, str] | None = None, code_type: str = "sql") -> str:
    merged = {"user": "hadoop", "execute_user": "hadoop", "submit_user": "hadoop"}
    return substitute(code, code_type, {**merged, **(variables or {})}, NOW)


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("20261301", "20270101"),  # month 13 carries over (§8.5)
        ("2026-08-19", "20251208"),  # month "-0", day "8"
        ("20260229", "20260301"),
    ],
)
def test_run_date_is_read_leniently(given: str, shown: str) -> None:
    assert sub("'${run_date}'", {"run_date": given}) == f"'{shown}'"


def test_a_long_run_date_is_read_as_a_short_one_and_not_kept() -> None:
    """The text may go on after the date (§8.5). What dates are read into is kept for the
    next submit, but only for short texts: a shared mock must not keep megabytes a body
    sent."""
    long_run_date = "20260819" + "x" * 100_000
    assert sub("'${run_today}'", RUN_DATE) == "'20260820'"
    kept = (dates.parse.kept(), dates.reformat.kept())
    assert sub("'${run_today}'", {"run_date": long_run_date}) == "'20260820'"
    assert sub("'${run_date}'", {"run_date": long_run_date}) == "'20260819'"
    after = (
        dates.parse.kept(),
        dates.reformat.kept(),
    )
    assert after == kept


def test_run_date_defaults_to_yesterday_on_the_entrances_clock() -> None:
    # 2026-08-20 00:30 UTC: yesterday is the 19th, whatever the zone of the test machine.
    just_after_midnight = Moment.of(calendar.timegm((2026, 8, 20, 0, 30, 0)) * 1000)
    merged = {"user": "u", "execute_user": "u", "submit_user": "u"}
    assert substitute("${run_date} ${run_today_h}", "sql", merged, just_after_midnight) == (
        "20260819 2026082000"
    )


def test_user_is_the_execute_user_even_over_a_code_set() -> None:
    assert sub("--@set user=mallory\nselect '${user}'") == "--@set user=mallory\nselect 'hadoop'"


def test_a_code_set_of_execute_user_wins_over_the_real_one() -> None:
    assert sub("--@set execute_user=x\n${execute_user} ${submit_user}").endswith("x hadoop")


def test_built_ins_replace_a_value_given_under_their_name() -> None:
    given = {"run_date": "20260819", "run_month_begin": "x"}
    assert sub("'${run_month_begin}'", given) == "'20260801'"


def test_run_today_h_is_taken_verbatim_from_the_variables() -> None:
    assert sub("${run_today_h} ${run_today_h_std}", {"run_today_h": "2026010203"}) == (
        "2026010203 2026-01-02 03"
    )


def test_the_month_end_of_run_mon_is_december() -> None:
    assert sub("${run_mon_end} ${run_mon_end-1} ${run_mon_end_std}", RUN_DATE) == (
        "202612 202612 2026-12"
    )


def test_spaces_inside_a_token_and_a_variable_operand() -> None:
    assert sub("'${ run_date - n }'", {**RUN_DATE, "n": "2"}) == "'20260817'"


@pytest.mark.parametrize(
    ("value", "shown"),
    [("+5", "5"), ("1e3", "1000"), ("2.50", "2.50"), ("007", "007"), ("0.5", "0.5"),
     ("-0.50", "-0.50"), (".5", "0.5"), ("1" * 40, "1" * 40)],
)  # fmt: skip
def test_value_types(value: str, shown: str) -> None:
    assert sub("'${v}'", {"v": value}) == f"'{shown}'"


def test_numbers_keep_34_significant_digits() -> None:
    assert sub("'${n/7}'", {"n": "1"}) == "'0.1428571428571428571428571428571429'"
    assert sub("'${n*n}'", {"n": "99999999999999999"}) == "'9999999999999999800000000000000001'"


def test_an_undefined_name_is_left_as_written() -> None:
    assert sub("select ${nope}, ${nope+1}, '${x'") == "select ${nope}, ${nope+1}, '${x'"


def test_shell_forms_are_not_tokens() -> None:
    assert sub("echo ${x:-d} ${#a} ${a/b/c}", code_type="shell") == "echo ${x:-d} ${#a} ${a/b/c}"


def test_code_of_no_language_is_returned_untouched() -> None:
    assert sub("  ${run_date}  ", RUN_DATE, code_type="markdown") == "  ${run_date}  "


def test_the_code_is_stripped() -> None:
    assert sub("\n\t select 1 \u2003\n", code_type="sql") == "select 1"


@pytest.mark.parametrize(
    ("pattern", "shown"),
    [
        ("&{yyyyMMdd}", "20260819"),
        ("&{yyyy-MM-dd HH:mm:ss}", "2026-08-19 16:13:38"),
        ("&{yyyy-MM-dd%-1d%+2H}", "2026-08-18"),
        ("&{yyyy-MM-dd HH%+10H}", "2026-08-20 02"),
        ("&{yyyyMM%-1y}", "202508"),
        ("&{yyyy 'week' MMM EEE}", "2026 week Aug Wed"),
        ("&{yyyy-MM%xd}", "&{yyyy-MM%xd}"),  # a bad number: left as it is
        ("&{bbbb}", "&{bbbb}"),  # an unknown letter: left as it is
        ("&{yyyy}&{MM}", "202608"),
    ],
)
def test_date_formats(pattern: str, shown: str) -> None:
    assert sub(pattern, RUN_DATE) == shown


def test_json_code_has_every_scalar_written_as_a_string() -> None:
    code = '{"a":"x","n":5,"d":"&{yyyyMMdd}","l":[true,null,1.5e10]}'
    assert sub(code, RUN_DATE, code_type="json") == (
        '{"a":"\\"x\\"","n":"5","d":"\\"20260819\\"","l":["true","null","1.5E10"]}'
    )


# ---- errors: their codes and texts (§8.9) -------------------------------------------------

VR = "Variable replacement failed!(变量替换失败！)"


def wrapped(code: int, desc: str) -> str:
    return (
        f"{VR}LinkisCommonErrorException: errCode: {code} ,desc: {desc} ,ip: 127.0.0.1 "
        f",port: 9104 ,serviceKind: linkis-cg-entrance"
    )


# (code, variables, message the client reads, errorMsg.desc); from the reference's §5.6.
SUBSTITUTION_ERRORS = [
    pytest.param(
        "select '${run_date-}'", {},
        "error code(错误码): 20042, error message(错误信息): [${run_date-}] "
        "expression is not right, "
        "please check.",
        wrapped(20042, "[${run_date-}] expression is not right, please check"),
        id="20042",
    ),
    pytest.param(
        "select ${run_date*2}", {},
        "error code(错误码): 20046, error message(错误信息): DateType is not supported to use:*.",
        wrapped(20046, "DateType is not supported to use:*"),
        id="20046-date",
    ),
    pytest.param(
        "select ${run_month_begin/2}", {},
        "error code(错误码): 20046, error message(错误信息): MonthType is not supported to use:/.",
        wrapped(20046, "MonthType is not supported to use:/"),
        id="20046-month",
    ),
    pytest.param(
        "select ${s*2}", {"s": "x"},
        "error code(错误码): 20049, error message(错误信息): String class "
        "is not supported to use:*.",
        wrapped(20049, "String class is not supported to use:*"),
        id="20049",
    ),
    pytest.param(
        "select ${run_date+abc}", {},
        f'error code(错误码): 20050, error message(错误信息): {VR}NumberFormatException: For input '
        'string: "abc".',
        f'{VR}NumberFormatException: For input string: "abc"',
        id="number-format",
    ),
    pytest.param(
        "--@set a=b=c\nselect 1", {},
        "error code(错误码): 20044, error message(错误信息): --@set a=b=c var defined uncorrectly.",
        wrapped(20044, "--@set a=b=c var defined uncorrectly"),
        id="20044",
    ),
    pytest.param(
        "--@set a\nselect 1", {},
        "error code(错误码): 20045, error message(错误信息): var was defined uncorrectly:--@set a.",
        wrapped(20045, "var was defined uncorrectly:--@set a"),
        id="20045",
    ),
    pytest.param(
        "select 1", {"run_date": "2026/08/19"},
        f'error code(错误码): 20050, error message(错误信息): '
        f'{VR}ParseException: Unparseable date: '
        '"2026/08/19".',
        f'{VR}ParseException: Unparseable date: "2026/08/19"',
        id="parse",
    ),
    pytest.param(
        "${sql}", {"sql": "select 1"},
        f"error code(错误码): 20050, error message(错误信息): "
        f"{VR}ArrayIndexOutOfBoundsException: 0.",
        f"{VR}ArrayIndexOutOfBoundsException: 0",
        id="only-tokens",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("code", "variables", "message", "desc"), SUBSTITUTION_ERRORS)
def test_substitution_errors_are_20050_with_their_cause(
    code: str, variables: dict[str, str], message: str, desc: str
) -> None:
    sim = Simulator(SimSettings(instance=INSTANCE), Clock(EXAMPLE_CLOCK_MS, frozen=True))
    with pytest.raises(LinkisError) as info:
        sim.entrance.submitter.submit(
            body(code, "sql", "IDE", {**RUN_DATE, **variables}), HADOOP, False
        )
    error = info.value
    assert error.message == message
    assert error.data["errorMsg"]["errCode"] == 20050
    assert error.data["errorMsg"]["desc"] == desc
    row = sim.entrance.history.job_history(1, HADOOP, False).data["task"]
    assert (row["status"], row["errCode"], row["errDesc"]) == ("Failed", 20050, desc)


def test_a_code_set_of_run_today_h_is_a_class_cast() -> None:
    with pytest.raises(java.JavaError) as info:
        sub("--@set run_today_h=2026081916\nselect 1")
    assert info.value.root_message == (
        "ClassCastException: org.apache.linkis.common.variable.BigDecimalValue cannot be cast "
        "to org.apache.linkis.common.variable.HourType"
    )


def test_code_ending_in_two_adjacent_tokens_fails_as_in_linkis() -> None:
    with pytest.raises(java.JavaError) as info:
        sub("echo ${a}${b}", {"a": "1", "b": "2"}, code_type="shell")
    assert info.value.root_message == "ArrayIndexOutOfBoundsException: 1"


# ---- a property: only the documented errors, and code without variables is only stripped ----

DOCUMENTED = (CodedVariableError, java.JavaError, OperationFailedError)
CODE_TYPES = ["sql", "hql", "py", "python", "shell", "sh", "scala", "java", "json", "", "txt"]
PIECES = st.sampled_from(
    ["${", "}", "&{", "%", "-", "+", "*", "/", "=", ";", "\n", " ", "'", "--@set ", "#@set ",
     "//@set ", "!!@set ", "run_date", "run_today_h", "n", "s", "yyyy", "MM", "dd", "HH", "1",
     "-1d", "0", "x", "{", "[", "]", '"', ":", ","]
)  # fmt: skip
CODE = st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=30).map("".join)
VALUES = st.one_of(st.sampled_from(["20260819", "2", "abc", "", "007", "1e3"]), st.text(max_size=8))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    code=CODE,
    code_type=st.sampled_from(CODE_TYPES),
    variables=st.dictionaries(st.sampled_from(["run_date", "n", "s", "run_today_h"]), VALUES),
)
def test_substitution_raises_only_the_documented_errors(
    code: str, code_type: str, variables: dict[str, str]
) -> None:
    with contextlib.suppress(*DOCUMENTED):
        sub(code, variables, code_type)


PLAIN = st.text(max_size=60).filter(
    lambda text: not ("${" in text or "&{" in text or "@set" in text)
)


@settings(max_examples=400, deadline=None)
@given(code=PLAIN, code_type=st.sampled_from([t for t in CODE_TYPES if t not in ("json", "")]))
def test_code_without_variables_comes_out_stripped_only(code: str, code_type: str) -> None:
    result = sub(code, RUN_DATE, code_type)
    if code_type == "txt":  # no language: untouched
        assert result == code
    else:
        assert result == java.strip(code)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    code=CODE.filter(lambda text: text.strip() != ""),
    code_type=st.sampled_from([t for t in CODE_TYPES if t]),
    variables=st.dictionaries(st.sampled_from(["run_date", "n", "s", "run_today_h"]), VALUES),
)
def test_through_the_chain_a_failed_substitution_is_20050_with_a_documented_cause(
    code: str, code_type: str, variables: dict[str, str]
) -> None:
    submission = Submission(
        code=code,
        code_type=code_type,
        creator="Schedulis",  # not limited: only substitution and comments act on SQL
        engine="spark",
        engine_version="2.4.3",
        label_user="alice",
        submit_user="alice",
        execute_user="alice",
        params={"variable": variables},
        global_variables={},
        now_ms=EXAMPLE_CLOCK_MS,
        instance=INSTANCE,
    )
    try:
        chain.run(submission)
    except chain.RefusalError as refusal:
        if not refusal.desc.startswith(VR):  # the checks before and after substitution
            assert code_type in ("scala", "shell", "sh"), (refusal.code, refusal.desc)
            assert refusal.code in (50081, 20050, 20074), (refusal.code, refusal.desc)
            return
        assert refusal.code == 20050
        assert refusal.shown[0] in (20041, 20042, 20044, 20045, 20046, 20049, 20050)
