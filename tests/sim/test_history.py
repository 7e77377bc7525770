"""Job history and the result filesystem (docs/reference/linkis-entrance.md §8.1, §8.2, §8.3)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.messages import HISTORY_NOT_FOUND
from linkis_mock.sim.simulator import Simulator
from tests.helpers.sim import ALICE, BOB, HADOOP, START_MS, at, make_sim, submit

# What brief=true sets (TaskConversions.scala:388-403); every other member is null.
BRIEF_KEYS = {
    "taskID",
    "status",
    "progress",
    "resultLocation",
    "logPath",
    "errCode",
    "errDesc",
    "execId",
    "umUser",
    "executeUser",
}
# QueryTaskVO.java:25-81: Jackson writes every member.
ALL_KEYS = BRIEF_KEYS | {
    "instance",
    "engineInstance",
    "executionCode",
    "createdTime",
    "updatedTime",
    "engineType",
    "executeApplicationName",
    "requestApplicationName",
    "runType",
    "paramsJson",
    "costTime",
    "strongerExecId",
    "sourceJson",
    "sourceTailor",
    "engineStartTime",
    "labels",
    "canRetry",
    "observeInfo",
    "isReuse",
    "requestStartTime",
    "requestEndTime",
    "requestSpendTime",
    "metrics",
    "engineLogPath",
    "ecmInstance",
    "ticketId",
    "subJobs",
}
RESULT_DIR = "hdfs:///tmp/linkis/alice/linkis/20240501_100533/IDE/1"


def task(
    sim: Simulator, task_id: int, caller: Caller = ALICE, brief: bool = False
) -> dict[str, Any]:
    reply = sim.entrance.history.job_history(task_id, caller, brief)
    assert reply.message == "OK"
    row = dict(reply.data["task"])
    return row


def succeeded(
    code: str = "select a, b from t", caller: Caller = ALICE, **settings: Any
) -> tuple[Simulator, str]:
    """A finished job and its resultLocation."""
    sim = make_sim(**settings)
    _, task_id = submit(sim, caller, code)
    at(sim, 3000)
    location = task(sim, task_id, caller)["resultLocation"]
    assert isinstance(location, str)
    return sim, location


# ---- job history ----------------------------------------------------------------------


def test_history_row_of_a_fresh_job() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE, "show tables")
    row = task(sim, task_id)
    assert set(row) == ALL_KEYS
    assert type(row["taskID"]) is int and row["taskID"] == task_id
    assert row["status"] == "Inited"
    assert row["progress"] == "0.0"
    assert row["resultLocation"] is None
    assert row["errCode"] is None and row["errDesc"] is None
    assert row["createdTime"] == row["updatedTime"] == START_MS
    assert row["costTime"] == 0
    assert row["execId"] == "IDE_alice_spark_0"
    assert row["strongerExecId"] == exec_id
    assert (row["umUser"], row["executeUser"]) == ("alice", "alice")
    assert row["logPath"].endswith(f"/{task_id}.log")
    assert row["engineInstance"] is None
    assert row["executionCode"] is None  # {id}/get leaves the column out (the code switch)
    assert row["instance"] == "127.0.0.1:9104"
    assert row["executeApplicationName"] == row["engineType"] == "spark"
    assert json.loads(row["sourceJson"]) == {}
    assert json.loads(row["paramsJson"]) == {}
    assert row["labels"] == ["engineType:spark-2.4.3", "userCreator:alice-IDE", "codeType:sql"]
    assert row["runType"] == "sql"
    assert row["canRetry"] is False
    assert row["isReuse"] is None  # no engine yet
    assert row["requestStartTime"] == START_MS and row["requestEndTime"] is None
    assert json.loads(row["metrics"]) == {"submitTime": "2024-05-01T10:05:33+0000"}
    assert row["engineStartTime"] is None and row["subJobs"] is None


def test_params_and_source_are_json_strings() -> None:
    sim = make_sim()
    body = {
        "executionContent": {"code": "select 1", "runType": "sql"},
        "labels": {"engineType": "spark"},
        "params": {"variable": {"testvar": "hello"}},
        "source": {"scriptPath": "file:///home/alice/测试.sql"},
    }
    task_id = sim.entrance.submitter.submit(body, ALICE, False).data["taskID"]
    row = task(sim, task_id)
    assert json.loads(row["paramsJson"]) == {"variable": {"testvar": "hello"}}
    assert json.loads(row["sourceJson"]) == {"scriptPath": "file:///home/alice/测试.sql"}


def test_history_while_running() -> None:
    sim = make_sim()
    _, task_id = submit(sim, ALICE)
    at(sim, 2000)
    row = task(sim, task_id)
    assert row["status"] == "Running"
    assert row["progress"] == "0.5"
    assert row["errCode"] is None
    assert row["resultLocation"] is None
    assert row["costTime"] == 2000
    assert row["updatedTime"] == START_MS + 1000  # the move to Running
    assert row["engineInstance"] == "127.0.0.1:41761"


def test_progress_is_a_string_between_0_and_1() -> None:
    sim = make_sim()
    _, task_id = submit(sim, ALICE)
    for offset in range(0, 3200, 100):
        at(sim, offset)
        progress = task(sim, task_id, brief=True)["progress"]
        assert isinstance(progress, str)
        assert 0.0 <= float(progress) <= 1.0
    assert progress == "1.0"


def test_history_of_a_succeeded_job() -> None:
    sim, location = succeeded()
    row = task(sim, 1)
    assert row["status"] == "Succeed"
    assert row["progress"] == "1.0"
    assert location == RESULT_DIR
    assert row["errCode"] is None and row["errDesc"] is None
    assert row["costTime"] == 3000
    assert row["updatedTime"] == START_MS + 3000
    at(sim, 60_000)
    assert task(sim, 1)["costTime"] == 3000  # frozen once final


@pytest.mark.parametrize(
    ("code", "status", "err_desc"),
    [
        ('--@mock outcome=Failed error="no such table"\nselect 1', "Failed", "no such table"),
        ("--@mock outcome=Cancelled\nselect 1", "Cancelled", "Job is killed by user!"),
        ("--@mock outcome=Timeout\nselect 1", "Timeout", None),
    ],
)
def test_non_succeed_terminal_rows_carry_err_desc(
    code: str, status: str, err_desc: str | None
) -> None:
    sim = make_sim()
    _, task_id = submit(sim, ALICE, code)
    at(sim, 3000)
    row = task(sim, task_id, brief=True)
    assert row["status"] == status
    assert row["progress"] == "1.0"
    assert row["resultLocation"] is None
    assert isinstance(row["errDesc"], str) and row["errDesc"]
    if err_desc is not None:
        assert row["errDesc"] == err_desc
    if status == "Failed":
        assert isinstance(row["errCode"], int)


def test_killed_job_row() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE)
    at(sim, 1500)
    sim.entrance.actions.kill(exec_id, task_id, ALICE)
    row = task(sim, task_id)
    assert row["status"] == "Running"
    assert row["errCode"] is None
    at(sim, 2500)
    row = task(sim, task_id)
    assert row["status"] == "Cancelled"
    assert row["errDesc"] == "Job is killed by user!"
    assert row["resultLocation"] is None
    # From the metrics' second-precision dates: 10:05:35 - 10:05:33 (TaskConversions:279-326).
    assert row["costTime"] == 2000


def test_brief_drops_the_informational_fields() -> None:
    sim = make_sim()
    _, task_id = submit(sim, ALICE)
    at(sim, 2000)
    brief = task(sim, task_id, brief=True)
    assert set(brief) == ALL_KEYS
    full = task(sim, task_id)
    assert {k: brief[k] for k in BRIEF_KEYS} == {k: full[k] for k in BRIEF_KEYS}
    others = {k: brief[k] for k in ALL_KEYS - BRIEF_KEYS - {"canRetry"}}
    assert others == dict.fromkeys(others)
    assert brief["canRetry"] is False
    assert full["createdTime"] == START_MS and full["labels"]


def test_history_visibility() -> None:
    sim = make_sim()
    _, task_id = submit(sim, ALICE)
    for caller, unknown in ((BOB, task_id), (ALICE, 999), (HADOOP, 999)):
        with pytest.raises(LinkisError) as info:
            sim.entrance.history.job_history(unknown, caller, False)
        assert info.value.message == HISTORY_NOT_FOUND
        assert info.value.message == (
            "The corresponding job was not found, or there may be no permission to view the "
            "job(没有找到对应的job，也可能是没有查看该job的权限)"
        )
        assert info.value.status == 1
    assert task(sim, task_id, HADOOP)["umUser"] == "alice"
    # History and department admins read any job by id (QueryRestfulApi.java:113-118) ...
    for admin in (Caller("h2", history_admin=True), Caller("d2", department_admin=True)):
        assert task(sim, task_id, admin)["taskID"] == task_id
    # ... a login admin with neither role does not.
    with pytest.raises(LinkisError):
        sim.entrance.history.job_history(task_id, Caller("hadoop2", admin=True), False)


# ---- getDirFileTrees ------------------------------------------------------------------


@pytest.mark.parametrize("path", [None, "", "   "])
def test_dir_file_trees_blank_path_is_80004(path: str | None) -> None:
    sim = make_sim()
    with pytest.raises(LinkisError) as info:
        sim.entrance.results.dir_file_trees(path, ALICE)
    assert info.value.message.startswith("error code(错误码): 80004, error message(错误信息): ")
    assert info.value.data["errorMsg"]["errCode"] == 80004
    assert info.value.status == 1


def test_dir_file_trees_shape() -> None:
    sim, location = succeeded("--@mock rows=7\nselect a, b from t")
    reply = sim.entrance.results.dir_file_trees(location, ALICE)
    assert reply.message == "OK"
    tree = reply.data["dirFileTrees"]
    assert tree is not None and tree["children"] is not None
    child = tree["children"][0]
    assert child["properties"] is not None
    size = child["properties"]["size"]
    assert isinstance(size, str) and size.isdigit() and int(size) > 0
    assert tree == {
        "name": "1",
        "path": RESULT_DIR,
        "properties": None,
        "isLeaf": False,
        "parentPath": None,
        "children": [
            {
                "name": "_0.dolphin",
                "path": f"{RESULT_DIR}/_0.dolphin",
                "isLeaf": True,
                "children": None,
                "parentPath": RESULT_DIR,
                "properties": {"size": size, "modifytime": str(START_MS + 3000)},
            }
        ],
    }


@pytest.mark.parametrize(
    "path",
    [
        "hdfs:///nowhere",
        "hdfs:///tmp/linkis/alice/linkis/20240501_100533/IDE/2",
        "hdfs:///tmp/linkis/alice/linkis/20240501_100534/IDE/1",
        "hdfs:///tmp/linkis/bob/linkis/20240501_100533/IDE/1",
        f"{RESULT_DIR}/../1",
        f"{RESULT_DIR}/_0.dolphin",
        "/",
    ],
)
def test_dir_file_trees_missing_directory_is_null(path: str) -> None:
    sim, _ = succeeded()
    reply = sim.entrance.results.dir_file_trees(path, ALICE)
    assert (reply.message, reply.data) == ("OK", {"dirFileTrees": None})


def test_no_result_directory_before_success() -> None:
    sim = make_sim()
    submit(sim, ALICE)
    at(sim, 2000)
    assert sim.entrance.results.dir_file_trees(RESULT_DIR, ALICE).data == {"dirFileTrees": None}
    at(sim, 3000)
    assert sim.entrance.results.dir_file_trees(RESULT_DIR, ALICE).data["dirFileTrees"] is not None


def test_failed_job_has_no_result_directory() -> None:
    sim = make_sim()
    submit(sim, ALICE, "--@mock outcome=Failed\nselect 1")
    at(sim, 3000)
    assert sim.entrance.results.dir_file_trees(RESULT_DIR, ALICE).data == {"dirFileTrees": None}


def test_traversal_to_another_result_directory_gives_nothing() -> None:
    sim = make_sim()
    submit(sim, ALICE)
    submit(sim, ALICE, engine="hive")
    at(sim, 3000)
    first = task(sim, 1)["resultLocation"]
    assert sim.entrance.results.dir_file_trees(f"{first}/../2", ALICE).data == {
        "dirFileTrees": None
    }
    with pytest.raises(LinkisError) as info:
        sim.entrance.results.open_file(f"{first}/../2/_0.dolphin", ALICE, 1, 5000)
    assert "fileContent" not in info.value.data


def test_another_users_result_directory_is_80010() -> None:
    sim, location = succeeded()
    with pytest.raises(LinkisError) as info:
        sim.entrance.results.dir_file_trees(location, BOB)
    assert info.value.message.startswith("error code(错误码): 80010, ")
    assert info.value.data["errorMsg"]["errCode"] == 80010
    tree = sim.entrance.results.dir_file_trees(location, HADOOP).data["dirFileTrees"]
    assert tree is not None and tree["name"] == "1"


# ---- openFile -------------------------------------------------------------------------


def test_open_file_returns_a_table() -> None:
    sim, location = succeeded("--@mock rows=3\nselect a, b from t")
    reply = sim.entrance.results.open_file(f"{location}/_0.dolphin", ALICE, 1, 5000)
    assert reply.message == "OK"
    assert reply.data == {
        "metadata": [
            {"columnName": "a", "comment": "NULL", "dataType": "int"},
            {"columnName": "b", "comment": "NULL", "dataType": "string"},
        ],
        "fileContent": [["1", "b1"], ["2", "b2"], ["3", "b3"]],
        "type": "2",
        "totalLine": 3,
        "page": 1,
        "totalPage": 0,
        "totalColumn": 2,
    }


def test_open_file_paging() -> None:
    sim, location = succeeded("--@mock rows=7\nselect a, b from t")
    path = f"{location}/_0.dolphin"
    pages = [sim.entrance.results.open_file(path, ALICE, page, 3).data for page in (1, 2, 3, 4)]
    assert [[row[0] for row in p["fileContent"]] for p in pages] == [
        ["1", "2", "3"],
        ["4", "5", "6"],
        ["7"],
        [],
    ]
    assert [p["page"] for p in pages] == [1, 2, 3, 4]
    assert all(p["totalPage"] == 0 and p["type"] == "2" for p in pages)


def test_open_file_with_zero_rows() -> None:
    sim, location = succeeded("--@mock rows=0\nselect a from t")
    data = sim.entrance.results.open_file(f"{location}/_0.dolphin", ALICE, 1, 5000).data
    assert data["fileContent"] == []
    assert data["metadata"] == [{"columnName": "a", "comment": "NULL", "dataType": "int"}]


def test_open_file_rows_are_deterministic_by_seed() -> None:
    def content(seed: int) -> list[list[str]]:
        sim, location = succeeded("--@mock rows=5\nselect 1", seed=seed)
        rows = sim.entrance.results.open_file(f"{location}/_0.dolphin", ALICE, 1, 5000).data
        assert isinstance(rows["metadata"], list)
        assert [m["columnName"] for m in rows["metadata"]] == ["id", "name", "score"]
        result = rows["fileContent"]
        assert isinstance(result, list)
        return result

    assert content(1) == content(1)
    assert content(1) != content(2)
    assert all(isinstance(v, str) for row in content(1) for v in row)


@pytest.mark.parametrize("path", [None, "", " "])
def test_open_file_blank_path_is_80004(path: str | None) -> None:
    sim = make_sim()
    with pytest.raises(LinkisError) as info:
        sim.entrance.results.open_file(path, ALICE, 1, 5000)
    assert info.value.data["errorMsg"]["errCode"] == 80004


@pytest.mark.parametrize("suffix", ["", "/_1.dolphin", "/../1/_0.dolphin", "/x/_0.dolphin"])
def test_open_file_on_anything_else_gives_no_data(suffix: str) -> None:
    sim, location = succeeded()
    with pytest.raises(LinkisError) as info:
        sim.entrance.results.open_file(f"{location}{suffix}", ALICE, 1, 5000)
    assert info.value.status == 1
    assert info.value.message.startswith("error code(错误码): ")
    assert "fileContent" not in info.value.data


def test_open_another_users_result_is_80010() -> None:
    sim, location = succeeded()
    with pytest.raises(LinkisError) as info:
        sim.entrance.results.open_file(f"{location}/_0.dolphin", BOB, 1, 5000)
    assert info.value.data["errorMsg"]["errCode"] == 80010
    as_admin = sim.entrance.results.open_file(f"{location}/_0.dolphin", HADOOP, 1, 5000).data
    as_owner = sim.entrance.results.open_file(f"{location}/_0.dolphin", ALICE, 1, 5000).data
    assert as_admin == as_owner
    assert as_admin["fileContent"]
