"""The entrance's interceptor chain in the simulator: each interceptor that is on by
default, in order, with its refusals, log lines and effects; the taskID and the job-history
row of a refused job; the bodies the real parser refuses (docs/reference/linkis-
interceptors.md; expected values from the reference and the Linkis source)."""

from __future__ import annotations

from typing import Any

import pytest

from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.history import ListRequest
from linkis_mock.sim.simulator import Simulator
from tests.helpers.sim import (
    ALICE,
    GENERIC_PREFIX,
    at,
    exec_id_of,
    make_sim,
    state_of,
)

SCRIPT_BANNER = "*" * 36 + "SCRIPT CODE" + "*" * 36
VARIABLE_BANNER = "*" * 36 + "Variable" + "*" * 36
NOT_LIMITED = "The code you submit will not be limited by the limit"
LIMIT_ADDED = "You submitted a sql without limit, DSS will add limit 5000 to your sql"
LIMIT_LOWERED = (
    "You submitted a sql with limit exceeding 5000, it is not allowed. DSS will change your "
    "limit to 5000"
)
# 2024-05-01 10:05:33 UTC (tests.helpers.sim.START_MS): the header of every line written at
# submit, with the minutes where the milliseconds belong (§9).
TS = "2024-05-01 10:05:33.005"
SHELL_BLACKLISTED = "Shell code contains blacklisted code(shell中包含黑名单代码)"


def body(
    code: str,
    *,
    run_type: str = "sql",
    creator: str = "IDE",
    engine: str = "spark-2.4.3",
    params: Any = None,
    user: str = "alice",
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "executionContent": {"code": code, "runType": run_type},
        "labels": {"engineType": engine, "userCreator": f"{user}-{creator}"},
    }
    if params is not None:
        request["params"] = params
    return request


def accepted(sim: Simulator, request: dict[str, Any], caller: Caller = ALICE) -> tuple[str, int]:
    reply = sim.entrance.submitter.submit(request, caller, False)
    exec_id, task_id = reply.data["execID"], reply.data["taskID"]
    assert isinstance(exec_id, str) and isinstance(task_id, int)
    return exec_id, task_id


def refused(sim: Simulator, request: dict[str, Any], via_execute: bool = False) -> LinkisError:
    with pytest.raises(LinkisError) as info:
        sim.entrance.submitter.submit(request, ALICE, via_execute)
    return info.value


def coded(code: int, desc: str) -> str:
    return f"error code(错误码): {code}, error message(错误信息): {desc}."


def log_lines(sim: Simulator, exec_id: str) -> list[str]:
    """The job's log lines as the log endpoint shows them: blank lines are counted but not
    shown (linkis-entrance.md §6)."""
    log = sim.entrance.reads.log(exec_id, 1, -1, False).data["log"]
    assert isinstance(log, str)
    return log.split("\n")


def listed_code(sim: Simulator, task_id: int) -> str | None:
    task = next(
        t
        for t in sim.entrance.history.job_list(ListRequest(), ALICE).data["tasks"]
        if t["taskID"] == task_id
    )
    code = task["executionCode"]
    assert code is None or isinstance(code, str)
    return code


def failed_row(sim: Simulator, task_id: int) -> dict[str, Any]:
    """The refused job's row as the history list shows it (with its code)."""
    tasks = sim.entrance.history.job_list(ListRequest(), ALICE).data["tasks"]
    row = next(t for t in tasks if t["taskID"] == task_id)
    assert row["status"] == "Failed" and row["progress"] == "1.0", row
    assert row["execId"] is None and row["strongerExecId"] is None, row
    return dict(row)


# ---- the log block (§9) ------------------------------------------------------------------


def test_the_interceptors_lines_head_the_log_twice() -> None:
    sim = make_sim()
    exec_id, task_id = accepted(
        sim, body("select '${run_date}'", params={"variable": {"run_date": "20200228"}})
    )
    block = [
        f"{TS} INFO Program is substituting variables for you",
        f"{TS} INFO Variables substitution ended successfully",
        f"{TS} INFO Job variables is",
        VARIABLE_BANNER,
        "run_date=20200228",
        VARIABLE_BANNER,  # after an empty line, not shown
        f"{TS} INFO You have submitted a new job, script code (after variable substitution) is",
        SCRIPT_BANNER,
        "select '20200228'",
        SCRIPT_BANNER,
        f"{TS} WARN {LIMIT_ADDED}",
        f"{TS} INFO SQL code check has passed",
    ]
    lines = log_lines(sim, exec_id)
    assert lines[: 2 * len(block)] == block + block
    assert lines[2 * len(block)] == (
        f"{TS} INFO Job with jobId : {task_id} and execID : IDE_alice_spark_0 submitted "
    )


def test_the_user_variables_supplied_are_replaced_and_said_so() -> None:
    sim = make_sim()
    variables = {"submit_user": "x", "execute_user": "y"}
    exec_id, _ = accepted(sim, body("select '${submit_user}'", params={"variable": variables}))
    lines = log_lines(sim, exec_id)
    assert lines[1:3] == [
        f"{TS} INFO submitUser variable will be replaced by system value:alice -> x",
        f"{TS} INFO executeUser variable will be replaced by system value:alice -> y",
    ]
    assert "select 'alice'" in lines


def test_a_non_ide_job_is_not_limited_and_its_log_says_so() -> None:
    sim = make_sim()
    exec_id, task_id = accepted(sim, body("select * from t", creator="Schedulis"))
    lines = log_lines(sim, exec_id)
    # The block's last line, trimmed with it (EntranceServer.scala:175): no trailing space.
    end = lines.index(f"{TS} WARN {NOT_LIMITED}")
    assert lines[end - 2 : end + 2] == [
        "select * from t",
        SCRIPT_BANNER,
        f"{TS} WARN {NOT_LIMITED}",
        f"{TS} INFO Program is substituting variables for you",  # the block again
    ]
    at(sim, 1000)
    assert listed_code(sim, task_id) == "select * from t"


@pytest.mark.parametrize(("run_type", "engine"), [("py", "python-python2"), ("scala", "spark")])
def test_every_language_of_a_non_ide_creator_gets_the_warning(run_type: str, engine: str) -> None:
    sim = make_sim()
    exec_id, _ = accepted(
        sim, body("x = 1", run_type=run_type, engine=engine, creator="nodeexecution")
    )
    assert f"{TS} WARN {NOT_LIMITED}" in log_lines(sim, exec_id)


# ---- the IDE's SQL limit and comment stripping (§11, §12) -----------------------------------


def test_ide_sql_is_limited_and_history_shows_it_after_the_first_status_update() -> None:
    sim = make_sim()
    exec_id, task_id = accepted(sim, body("select * from t"))
    assert listed_code(sim, task_id) == "select * from t"  # as inserted
    at(sim, 200)  # Scheduled: the first status update writes the processed code
    assert state_of(sim, exec_id) == "Scheduled"
    assert listed_code(sim, task_id) == "select * from t limit 5000"
    extra = sim.entrance.history.extra_info(task_id, ALICE).data["metricsMap"]
    assert extra["executionCode"] == "select * from t limit 5000"


def test_the_references_limit_example() -> None:
    code = (
        "select * from a;\nselect * from b limit 10;\nSELECT * FROM c LIMIT 100000;\n"
        "show tables;\nselect count(*) from d -- cnt"
    )
    sim = make_sim()
    exec_id, task_id = accepted(sim, body(code))
    at(sim, 200)
    assert listed_code(sim, task_id) == (
        "select * from a limit 5000;\nselect * from b limit 10;\nSELECT * FROM c LIMIT 5000;\n"
        "show tables;\nselect count(*) from d limit 5000"
    )
    lines = log_lines(sim, exec_id)
    assert lines.count(f"{TS} WARN {LIMIT_ADDED}") == 2  # once per block
    assert lines.count(f"{TS} WARN {LIMIT_LOWERED}") == 2


@pytest.mark.parametrize(
    ("code", "final"),
    [
        ("select 1;\n-- end", "select 1 limit 5000;\n"),
        ("select * from t limit 10 offset 5", "select * from t limit 10 offset 5 limit 5000"),
        ("select * from (select * from t limit 10) x",
         "select * from (select * from t limit 10) x limit 5000"),
        ("select a from t limit 6000;", "select a from t limit 5000"),
        ("with x as (select 1) select * from x", "with x as (select 1) select * from x"),
        ("select 'a;b' from t", "select 'a;b' from t limit 5000"),
        # double quotes do not protect a comment; the limit is added to what is left
        ('select "c--d", 1 from t', 'select "c limit 5000'),
    ],
)  # fmt: skip
def test_limits_and_comments(code: str, final: str) -> None:
    sim = make_sim()
    _, task_id = accepted(sim, body(code))
    at(sim, 200)
    assert listed_code(sim, task_id) == final


def test_the_full_export_switch_turns_limits_off() -> None:
    sim = make_sim()
    exec_id, task_id = accepted(sim, body("--set ide.engine.no.limit.allow=true\nselect 1"))
    at(sim, 200)
    assert listed_code(sim, task_id) == "select 1"
    assert (
        f"{TS} WARN please pay attention ,SQL full export mode opened(请注意,SQL全量导出模式打开)"
        in log_lines(sim, exec_id)
    )


def test_comments_are_stripped_from_sql_of_any_creator_only() -> None:
    sim = make_sim()
    _, sql = accepted(sim, body("select 1 -- one\n/* two\n */ # three", creator="Schedulis"))
    _, python = accepted(sim, body("print(1)  # one", run_type="python", creator="Schedulis"))
    at(sim, 200)
    assert listed_code(sim, sql) == "select 1 \n "
    assert listed_code(sim, python) == "print(1)  # one"


def test_the_result_holds_the_limit_the_chain_added() -> None:
    sim = make_sim()
    exec_id, task_id = accepted(sim, body("select id from t\n--@mock rows=7000"))
    at(sim, 5000)
    assert state_of(sim, exec_id) == "Succeed"
    root = sim.entrance.history.job_history(task_id, ALICE, False).data["task"]["resultLocation"]
    assert isinstance(root, str)
    result = sim.entrance.results.open_file(f"{root}/_0.dolphin", ALICE, 1, 10_000).data
    assert result["totalLine"] == 5000
    _, unlimited = accepted(sim, body("select id from t\n--@mock rows=7000", creator="Schedulis"))
    at(sim, 10000)
    root = sim.entrance.history.job_history(unlimited, ALICE, False).data["task"]["resultLocation"]
    assert (
        sim.entrance.results.open_file(f"{root}/_0.dolphin", ALICE, 1, 10_000).data["totalLine"]
        == 7000
    )


def test_mock_directives_are_read_from_the_code_as_submitted() -> None:
    sim = make_sim()
    exec_id, task_id = accepted(sim, body("select 1\n--@mock outcome=Failed duration=1"))
    at(sim, 200)
    assert listed_code(sim, task_id) == "select 1 limit 5000"  # the directive is gone
    at(sim, 3000)
    assert state_of(sim, exec_id) == "Failed"


def test_ide_sql_of_only_comments_is_20015() -> None:
    sim = make_sim()
    desc = "execute code is null, nothing will be execute!(执行代码为空，没有任何代码会被执行)"
    error = refused(sim, body("-- nothing\n--@mock outcome=Failed"))
    assert error.message == coded(20015, desc)
    row = failed_row(sim, 1)
    assert (row["errCode"], row["errDesc"], row["executionCode"]) == (20015, desc, None)


def test_sql_of_another_creator_with_only_comments_is_30010() -> None:
    sim = make_sim()
    error = refused(sim, body("-- nothing", creator="Schedulis"))
    assert error.data["errorMsg"]["errCode"] == 30010
    assert failed_row(sim, 1)["errCode"] == 30010


def test_a_limit_beyond_an_int_is_20039() -> None:
    sim = make_sim()
    error = refused(sim, body("select * from t limit 3000000000"))
    desc = (
        'Failed to analysis task,because:NumberFormatException: For input string: "3000000000"'
        "(分析任务失败)!"
    )
    assert error.message == coded(20039, desc)
    assert failed_row(sim, 1)["errDesc"] == desc


# ---- the checks (§5-§7) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "run_type", "engine"),
    [
        ("rm -rf /tmp/x", "shell", "shell-1"),
        ("# rm later", "sh", "shell-1"),
        ("echo hive", "shell", "shell-1"),
        ("./run.sh", "shell", "spark-2.4.3"),
        ("for i in 1 2", "sql", "shell-1"),  # any code for the shell engine
    ],
)
def test_the_shell_blacklist_is_50081(code: str, run_type: str, engine: str) -> None:
    sim = make_sim()
    error = refused(sim, body(code, run_type=run_type, engine=engine))
    assert error.message == coded(50081, SHELL_BLACKLISTED)
    row = failed_row(sim, 1)
    assert (row["errCode"], row["errDesc"], row["executionCode"]) == (
        50081,
        SHELL_BLACKLISTED,
        code,
    )
    assert accepted(sim, body("select 1"))[1] == 2  # the taskID was used


@pytest.mark.parametrize("code", ["ls;rm x", "echo ${run_date}"])
def test_the_shell_blacklist_reads_single_space_words(code: str) -> None:
    sim = make_sim()
    accepted(sim, body(code, run_type="shell", engine="shell-1"))


def test_the_shell_blacklist_runs_before_substitution() -> None:
    sim = make_sim()
    request = body(
        "echo ${w}", run_type="shell", engine="shell-1", params={"variable": {"w": "rm"}}
    )
    exec_id, _ = accepted(sim, request)
    assert "echo rm" in log_lines(sim, exec_id)


@pytest.mark.parametrize(
    "code", ["sc.stop()", "System.exit(1)", "sc.cancelAllJobs ()", "Runtime.getRuntime"]
)
def test_scala_that_stops_the_context_is_20050(code: str) -> None:
    sim = make_sim()
    error = refused(sim, body(code, run_type="scala"))
    assert error.message == coded(20050, "spark code check failed")


def test_scala_is_checked_again_after_substitution() -> None:
    sim = make_sim()
    request = body("System${d}exit(0)", run_type="scala", params={"variable": {"d": "_"}})
    error = refused(sim, request)
    assert error.message == coded(20074, "scala code can not use System.exit")
    assert failed_row(sim, 1)["executionCode"] == "System_exit(0)"  # substituted by then


def test_a_user_creator_of_another_user_is_50080_after_the_shell_check() -> None:
    sim = make_sim()
    error = refused(sim, body("rm x", run_type="shell", engine="shell-1", user="bob"))
    assert error.data["errorMsg"]["errCode"] == 50081


def test_the_tenant_variable_becomes_a_label() -> None:
    sim = make_sim()
    _, task_id = accepted(sim, body("select 1", params={"variable": {"tenant": "t1"}}))
    labels = sim.entrance.history.job_history(task_id, ALICE, False).data["task"]["labels"]
    assert labels is not None and "tenant:t1" in labels


# ---- AISQL and params (§10, §15) -----------------------------------------------------------


def test_aisql_from_the_ide_runs_on_spark_3_4_4() -> None:
    sim = make_sim()
    exec_id, task_id = accepted(sim, body("select 1", run_type="aisql", engine="hive-2.3.3"))
    assert exec_id == exec_id_of("IDE_alice_spark_0")
    labels = sim.entrance.history.job_history(task_id, ALICE, False).data["task"]["labels"]
    assert labels is not None and "engineType:spark-3.4.4" in labels
    lines = log_lines(sim, exec_id)
    start = lines.index(f"{TS} INFO current code is aiSql task.")
    assert lines[start - 1 : start + 4] == [
        SCRIPT_BANNER,
        f"{TS} INFO current code is aiSql task.",
        f"{TS} INFO use spark-3.4.4 by intelligent selection.",
        f"{TS} WARN {LIMIT_ADDED}",
        f"{TS} INFO SQL code check has passed",
    ]


def test_aisql_with_a_hive_template_runs_on_hive() -> None:
    sim = make_sim()
    startup = {"ec.resource.name": "tpl", "hive.exec.parallel": "true"}
    request = body("select 1", run_type="aisql", params={"configuration": {"startup": startup}})
    exec_id, _ = accepted(sim, request)
    assert exec_id == exec_id_of("IDE_alice_hive_0")
    assert f"{TS} INFO use hive-2.3.3 by set tpl template." in log_lines(sim, exec_id)


def test_params_null_on_submit_is_20039_after_substitution() -> None:
    sim = make_sim()
    request = body("select 1")
    request["params"] = None
    error = refused(sim, request)
    desc = "Failed to analysis task,because:NullPointerException: (分析任务失败)!"
    assert error.message == coded(20039, desc)
    row = failed_row(sim, 1)
    assert (row["errCode"], row["errDesc"], row["executionCode"]) == (20039, desc, "select 1")
    request = body("select '${run_date-}'")
    request["params"] = None
    assert refused(sim, request).message.startswith("error code(错误码): 20042,")


@pytest.mark.parametrize(
    "request_body",
    [
        # linkis-web console.vue's own body (consoleComponent/console.vue:186-202)
        {"executeApplicationName": "spark", "executionCode": "show tables", "runType": "sql",
         "params": None, "source": {"scriptPath": None}, "fromLine": 1},
        # Linkis' MCP client
        {"executeUser": "alice", "executionCode": "show tables", "engineType": "spark"},
    ],
)  # fmt: skip
@pytest.mark.parametrize("via_execute", [True, False])
def test_a_legacy_body_without_params_is_a_null_pointer_with_no_task_id(
    request_body: dict[str, Any], via_execute: bool
) -> None:
    sim = make_sim()
    error = refused(sim, request_body, via_execute)
    assert error.message == f"{GENERIC_PREFIX}NullPointerException: "
    assert error.data["errorMsg"]["errCode"] == 0
    assert accepted(sim, body("select 1"))[1] == 1  # no taskID was used


def test_a_legacy_body_with_empty_params_runs() -> None:
    sim = make_sim()
    request = {"executeApplicationName": "spark", "executionCode": "show tables", "params": {}}
    assert sim.entrance.submitter.submit(request, ALICE, True).data["taskID"] == 1
