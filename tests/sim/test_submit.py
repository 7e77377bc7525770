"""Submit/execute: validation, taskID use, legacy format, executeUser
(docs/reference/linkis-entrance.md §3.1, §5.1, §5.2)."""

from __future__ import annotations

from typing import Any

import pytest

from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.history import ListRequest
from linkis_mock.sim.simulator import Simulator
from tests.helpers.sim import (
    ALICE,
    APP_PREFIX,
    HADOOP,
    at,
    exec_id_of,
    make_sim,
    state_of,
    submit,
    submit_body,
)

EMPTY_CODE = "The param executionCode cannot be empty (参数 executionCode 不能为空)"
NO_ENGINE = "Label params invalid You need to specify engineTypeLabel in labels,such as spark-2.4.3"
NO_RUN_TYPE = "Label params invalid You need to specify runType in execution content, such as sql"
LEGACY_EMPTY = (
    "The param executionCode and scriptPath cannot be empty at the same time"
    "(参数 executionCode 和 scriptPath 不能同时为空)"
)


def coded(code: int, desc: str) -> str:
    return f"error code(错误码): {code}, error message(错误信息): {desc}."


def submit_error(
    sim: Simulator, body: dict[str, Any], caller: Caller = ALICE, via_execute: bool = False
) -> LinkisError:
    with pytest.raises(LinkisError) as info:
        sim.entrance.submitter.submit(body, caller, via_execute)
    return info.value


def assert_coded(error: LinkisError, code: int, desc: str) -> None:
    assert error.message == coded(code, desc)
    assert error.status == 1
    assert error.data == {
        "errorMsg": {
            "level": 2,
            "errCode": code,
            "desc": desc,
            "ip": "127.0.0.1",
            "port": 9104,
            "serviceKind": "linkis-cg-entrance",
        }
    }


def next_task_id(sim: Simulator) -> int:
    return submit(sim, ALICE)[1]


def test_successful_submit_reply() -> None:
    sim = make_sim()
    reply = sim.entrance.submitter.submit(submit_body("show tables"), ALICE, False)
    assert reply.message == "OK"
    assert reply.data == {"execID": exec_id_of("IDE_alice_spark_0"), "taskID": 1}
    assert type(reply.data["taskID"]) is int


# ---- body-parse errors: no taskID consumed ------------------------------------------------


def body_without(path: str) -> dict[str, Any]:
    body = submit_body()
    section, _, key = path.partition(".")
    if key:
        del body[section][key]
    else:
        del body[section]
    return body


BODY_ERRORS: list[tuple[str, dict[str, Any], int, str]] = [
    ("labels missing", body_without("labels"), 20008, "params cannot be empty ,  labels is null"),
    (
        "labels empty",
        {**submit_body(), "labels": {}},
        20008,
        "params cannot be empty ,  labels is null",
    ),
    (
        "labels null",
        {**submit_body(), "labels": None},
        20008,
        "params cannot be empty ,  labels is null",
    ),
    ("no code key", body_without("executionContent.code"), 20010, EMPTY_CODE),
    ("no executionContent fields", {**submit_body(), "executionContent": {}}, 20010, EMPTY_CODE),
    (
        "blank code",
        {**submit_body(), "executionContent": {"code": " \n\t", "runType": "sql"}},
        20007,
        EMPTY_CODE,
    ),
    (
        "empty code",
        {**submit_body(), "executionContent": {"code": "", "runType": "sql"}},
        20007,
        EMPTY_CODE,
    ),
    ("no engineType", {**submit_body(), "labels": {"userCreator": "alice-IDE"}}, 20009, NO_ENGINE),
    ("blank engineType", {**submit_body(), "labels": {"engineType": " "}}, 20009, NO_ENGINE),
    ("no runType", body_without("executionContent.runType"), 20009, NO_RUN_TYPE),
    (
        "labels checked before code",
        {"executionContent": {"runType": "sql"}},
        20008,
        "params cannot be empty ,  labels is null",
    ),
    (
        "code checked before engineType",
        {"executionContent": {"runType": "sql"}, "labels": {"userCreator": "alice-IDE"}},
        20010,
        EMPTY_CODE,
    ),
    (
        "engineType checked before runType",
        {"executionContent": {"code": "x"}, "labels": {"userCreator": "alice-IDE"}},
        20009,
        NO_ENGINE,
    ),
]


@pytest.mark.parametrize(
    ("body", "code", "desc"), [case[1:] for case in BODY_ERRORS], ids=[c[0] for c in BODY_ERRORS]
)
@pytest.mark.parametrize("via_execute", [False, True])
def test_body_parse_errors(body: dict[str, Any], code: int, desc: str, via_execute: bool) -> None:
    sim = make_sim()
    assert_coded(submit_error(sim, body, via_execute=via_execute), code, desc)
    # No taskID and no job were consumed.
    assert next_task_id(sim) == 1
    assert sim.entrance.metrics.running_task().data["runningTaskNumber"] == 1


def test_engine_version_in_20009_comes_from_config() -> None:
    versions = {"spark": "3.2.1"}
    sim = make_sim(engine_versions=versions)
    error = submit_error(sim, {**submit_body(), "labels": {"userCreator": "alice-IDE"}})
    assert error.message == coded(20009, NO_ENGINE.replace("2.4.3", "3.2.1"))


def test_code_type_label_replaces_run_type() -> None:
    sim = make_sim()
    body = {
        "executionContent": {"code": "show tables"},
        "labels": {"engineType": "hive", "codeType": "hql"},
    }
    reply = sim.entrance.submitter.submit(body, ALICE, False)
    row = sim.entrance.history.job_history(reply.data["taskID"], ALICE, False).data["task"]
    assert row["runType"] == "hql"


def test_user_creator_defaults_to_execute_user_ide() -> None:
    sim = make_sim()
    body = {
        "executionContent": {"code": "show tables", "runType": "sql"},
        "labels": {"engineType": "spark"},
    }
    reply = sim.entrance.submitter.submit(body, ALICE, False)
    assert reply.data["execID"] == exec_id_of("IDE_alice_spark_0")
    row = sim.entrance.history.job_history(1, ALICE, False).data["task"]
    assert row["labels"] is not None and "userCreator:alice-IDE" in row["labels"]
    assert row["requestApplicationName"] == "IDE"


# ---- interceptor errors: taskID consumed, Failed row left behind ---------------------------


def assert_failed_row(
    sim: Simulator, task_id: int, code: int, desc: str, caller: Caller = ALICE
) -> None:
    row = sim.entrance.history.job_history(task_id, caller, False).data["task"]
    assert row["taskID"] == task_id
    assert row["status"] == "Failed"
    assert row["errCode"] == code
    assert row["errDesc"] == desc
    assert row["progress"] == "1.0"
    assert row["resultLocation"] is None
    # The status fallback finds it by taskID; the entrance itself does not hold it.
    status = sim.entrance.reads.status(exec_id_of("IDE_alice_spark_99"), task_id).data["status"]
    assert status == "Failed"


def test_50080_user_creator_not_the_execute_user() -> None:
    sim = make_sim()
    body = submit_body(user="bob")
    desc = (
        "SubmitUser : alice must be the same as ExecuteUser : alice , and user : bob in "
        "userCreatorLabel."
    )
    assert_coded(submit_error(sim, body), 50080, desc)
    assert_failed_row(sim, 1, 50080, desc)
    assert sim.entrance.metrics.running_task().data["runningTaskNumber"] == 0
    # The next job gets taskID 2 and the group index is still 0.
    exec_id, task_id = submit(sim, ALICE)
    assert (exec_id, task_id) == (exec_id_of("IDE_alice_spark_0"), 2)


def test_user_creator_compare_is_case_insensitive() -> None:
    sim = make_sim()
    reply = sim.entrance.submitter.submit(submit_body(user="ALICE"), ALICE, False)
    assert reply.data["taskID"] == 1
    assert state_of(sim, reply.data["execID"]) == "Inited"


@pytest.mark.parametrize("code", ["-- just a comment", "/* a */\n# b\n   "])
def test_30010_code_empty_after_preprocessing(code: str) -> None:
    """SQL of another creator than the IDE is not limited, only stripped of comments: a
    blank result is 30010 (EntranceServer.scala:192-197; linkis-interceptors.md §2.1)."""
    sim = make_sim()
    error = submit_error(sim, submit_body(code, creator="Schedulis"))
    assert error.message.startswith(
        "error code(错误码): 30010, error message(错误信息): Submitting the execution code, "
        "after code preprocessing, the real execution code is empty, please check the executed "
        "code("
    )
    assert error.message.endswith(")!.")
    assert error.data["errorMsg"]["errCode"] == 30010
    assert_failed_row(sim, 1, 30010, error.data["errorMsg"]["desc"])
    assert next_task_id(sim) == 2


@pytest.mark.parametrize("code", ["-- just a comment", "--@mock outcome=Failed"])
def test_ide_sql_of_only_comments_is_20015(code: str) -> None:
    """The IDE's SQL limit finds no statement (Explain.scala:216-221), `--@mock` lines
    being comments too (linkis-interceptors.md §11)."""
    sim = make_sim()
    desc = "execute code is null, nothing will be execute!(执行代码为空，没有任何代码会被执行)"
    assert_coded(submit_error(sim, submit_body(code)), 20015, desc)
    assert_failed_row(sim, 1, 20015, desc)


def test_directive_only_python_runs_as_its_directive_says() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE, "#@mock outcome=Failed", run_type="python")
    at(sim, 3000)
    assert state_of(sim, exec_id) == "Failed"


def test_failed_row_has_no_exec_ids_and_is_private() -> None:
    sim = make_sim()
    submit_error(sim, submit_body(user="bob"))
    row = sim.entrance.history.job_history(1, ALICE, True).data["task"]
    assert row["execId"] is None
    assert row["strongerExecId"] is None
    assert row["umUser"] == "alice"
    with pytest.raises(LinkisError):
        sim.entrance.history.job_history(1, Caller("bob"), True)


# ---- legacy format (docs/reference/linkis-entrance.md §5.2) --------------------------------------


def legacy(**fields: Any) -> dict[str, Any]:
    """A legacy body, with the `params` the real parser needs (linkis-interceptors.md §15)."""
    return {
        "executeApplicationName": "spark",
        "executionCode": "show tables",
        "params": {},
        **fields,
    }


def test_legacy_execute_success() -> None:
    sim = make_sim()
    reply = sim.entrance.submitter.submit(
        legacy(executeApplicationName="hive", runType="hql", fromLine=1), ALICE, True
    )
    assert reply.message == "OK"
    assert reply.data == {"execID": exec_id_of("IDE_alice_hive_0"), "taskID": 1}
    row = sim.entrance.history.job_history(1, ALICE, False).data["task"]
    assert row["engineType"] == "hive"
    # A list of "key:value" (TaskConversions.scala:266-268); codeType comes from runType.
    assert row["labels"] == ["userCreator:alice-IDE", "engineType:hive-2.3.3", "codeType:hql"]
    assert row["runType"] == "hql"
    assert row["requestApplicationName"] == "IDE"
    assert row["executionCode"] is None  # {id}/get leaves it out; the lists carry it
    listed = sim.entrance.history.job_list(ListRequest(), ALICE).data["tasks"]
    assert [t["executionCode"] for t in listed] == ["show tables"]


def test_legacy_run_type_defaults_to_sql() -> None:
    sim = make_sim()
    sim.entrance.submitter.submit(legacy(), ALICE, True)
    assert sim.entrance.history.job_history(1, ALICE, False).data["task"]["runType"] == "sql"


def test_legacy_request_application_name_is_the_creator() -> None:
    sim = make_sim()
    reply = sim.entrance.submitter.submit(
        legacy(requestApplicationName="nodeexecution"), ALICE, True
    )
    assert reply.data["execID"] == exec_id_of("nodeexecution_alice_spark_0")


def test_legacy_body_on_submit_is_parsed_as_legacy() -> None:
    sim = make_sim()
    reply = sim.entrance.submitter.submit(legacy(), ALICE, False)
    assert reply.data["execID"] == exec_id_of("IDE_alice_spark_0")


@pytest.mark.parametrize("code", [None, ""])
def test_legacy_20007_code_and_script_path_both_empty(code: str | None) -> None:
    sim = make_sim()
    body = legacy(executionCode=code)
    assert_coded(submit_error(sim, body, via_execute=True), 20007, LEGACY_EMPTY)
    assert next_task_id(sim) == 1


def test_legacy_blank_code_is_not_20007_but_20015() -> None:
    """20007 wants an empty code (StringUtils.isEmpty, CommonEntranceParser.scala:267-277);
    a blank one reaches the IDE's SQL limit, which finds nothing to run."""
    sim = make_sim()
    error = submit_error(sim, legacy(executionCode="   "), via_execute=True)
    assert error.data["errorMsg"]["errCode"] == 20015


def test_legacy_20007_is_checked_before_the_engine_and_params() -> None:
    sim = make_sim()
    body = {"executionCode": ""}
    assert_coded(submit_error(sim, body, via_execute=True), 20007, LEGACY_EMPTY)


def test_legacy_script_path_with_empty_code_is_30010() -> None:
    """With a script path an empty code passes the parser, but it has no runType (read
    only with code, :278-287), so no interceptor touches it, and it is blank: 30010."""
    sim = make_sim()
    body = legacy(executionCode="", source={"scriptPath": "file:///home/alice/a.sql"})
    error = submit_error(sim, body, via_execute=True)
    assert error.data["errorMsg"]["errCode"] == 30010


def test_legacy_empty_code_with_other_creator_reaches_30010() -> None:
    sim = make_sim()
    body = legacy(executionCode="", requestApplicationName="Schedulis")
    error = submit_error(sim, body, via_execute=True)
    assert error.data["errorMsg"]["errCode"] == 30010
    assert sim.entrance.history.job_history(1, ALICE, True).data["task"]["status"] == "Failed"


def test_legacy_50079_without_execute_application_name() -> None:
    sim = make_sim()
    body = {"executionCode": "show tables", "params": {}}
    assert_coded(submit_error(sim, body, via_execute=True), 50079, "engineTypeLabel must be need")
    assert_failed_row(sim, 1, 50079, "engineTypeLabel must be need")
    assert next_task_id(sim) == 2


# ---- executeUser ----------------------------------------------------------------------


def test_execute_user_is_ignored_without_an_admin_token() -> None:
    sim = make_sim()
    body = {**submit_body(), "executeUser": "bob"}
    del body["labels"]["userCreator"]
    reply = sim.entrance.submitter.submit(body, ALICE, False)
    assert reply.data["execID"] == exec_id_of("IDE_alice_spark_0")
    row = sim.entrance.history.job_history(1, ALICE, True).data["task"]
    assert (row["umUser"], row["executeUser"]) == ("alice", "alice")


def test_execute_user_is_ignored_for_an_admin_without_an_admin_token() -> None:
    sim = make_sim()
    body = {**submit_body(user="hadoop"), "executeUser": "bob"}
    reply = sim.entrance.submitter.submit(body, HADOOP, False)
    assert reply.data["execID"] == exec_id_of("IDE_hadoop_spark_0")


def test_execute_user_is_honoured_with_an_admin_token() -> None:
    sim = make_sim()
    caller = Caller("alice", admin_token=True)
    body = {**submit_body(), "executeUser": "bob"}
    del body["labels"]["userCreator"]
    reply = sim.entrance.submitter.submit(body, caller, False)
    assert reply.data["execID"] == APP_PREFIX + "IDE_bob_spark_0"
    row = sim.entrance.history.job_history(1, caller, False).data["task"]
    assert (row["umUser"], row["executeUser"]) == ("alice", "bob")
    assert row["labels"] is not None and "userCreator:bob-IDE" in row["labels"]


def test_admin_token_execute_user_must_match_user_creator() -> None:
    sim = make_sim()
    caller = Caller("alice", admin_token=True)
    body = {**submit_body(user="alice"), "executeUser": "bob"}
    desc = (
        "SubmitUser : alice must be the same as ExecuteUser : bob , and user : alice in "
        "userCreatorLabel."
    )
    assert_coded(submit_error(sim, body, caller), 50080, desc)
