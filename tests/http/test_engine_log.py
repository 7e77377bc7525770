"""`POST linkisManager/openEngineLog` over HTTP: the console's engine-log tab
(EMRestfulApi.java:402-522, EngineConnLogOperator.scala; spec operation openEngineLog)."""

from __future__ import annotations

from typing import Any

import httpx

from linkis_mock.testing import Mock
from tests.helpers.linkis import check, file_log_lines, history_of, instance_of, ok, submit

METHOD = "/api/linkisManager/openEngineLog"
ECM_ROOT = "/appcom/tmp"


def console_body(task: dict[str, Any], log_type: str = "stdout", **extra: Any) -> dict[str, Any]:
    """The body globalHistoryManagement/log.vue:96-107 sends for a job's record."""
    parameters = {
        "pageSize": 1000,
        "fromLine": 0,
        "logType": log_type,
        "logDirSuffix": task["engineLogPath"],
        "ticketId": task["ticketId"],
        **extra,
    }
    return {
        "applicationName": "linkis-cg-engineconn",
        "emInstance": task["ecmInstance"],
        "instance": task["engineInstance"],
        "parameters": parameters,
    }


def engine_log(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    return ok(client.post("/linkisManager/openEngineLog", json=body), METHOD)


def finished_job(
    mock: Mock, client: httpx.Client, code: str = "select 1"
) -> tuple[str, dict[str, Any]]:
    exec_id, task_id = submit(client, code)
    mock.advance(10)
    task = history_of(client, task_id)
    assert task["status"] == "Succeed", task
    return exec_id, task


def test_the_record_names_the_engine_log_directory(mock: Mock) -> None:
    client = mock.as_token("alice")
    _, task = finished_job(mock, client)
    day, ticket = task["engineLogPath"].split("/")[1], task["ticketId"]
    # <user>/<yyyyMMdd>/<engineType>/<ticketId>/logs, relative to the ECM's root (AMUtils.scala)
    assert task["engineLogPath"] == f"alice/{day}/spark/{ticket}/logs", task
    assert len(day) == 8 and day.isdigit(), task
    metrics = task["metrics"]
    assert f'"engineconnMap":{{"{ticket}":{{"ticketId":"{ticket}"' in metrics, metrics


def test_stdout_is_the_jobs_log_in_file_order(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, task = finished_job(mock, client)
    data = engine_log(client, console_body(task))
    assert data["isError"] is False and data["errorMsg"] == "", data
    result = data["result"]
    expected = file_log_lines(client, exec_id)
    assert result["logs"] == expected
    assert result["rows"] == result["endLine"] == len(expected)
    assert result["logPath"] == f"{ECM_ROOT}/{task['engineLogPath']}/stdout"


def test_paging_from_the_end_gives_pages_in_file_order(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, task = finished_job(mock, client, "select 1\n--@mock log_lines=20")
    lines = file_log_lines(client, exec_id)
    assert len(lines) > 12
    page = engine_log(client, console_body(task, pageSize=5, fromLine=1))["result"]
    assert page["logs"] == lines[-5:] and page["rows"] == 5 and page["endLine"] == 5
    page = engine_log(client, console_body(task, pageSize=5, fromLine=6))["result"]
    assert page["logs"] == lines[-10:-5] and page["endLine"] == 10
    forwards = engine_log(client, console_body(task, pageSize=4, fromLine=3, enableTail=False))
    assert forwards["result"]["logs"] == lines[2:6]


def test_last_rows_and_keywords(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, task = finished_job(mock, client)
    lines = file_log_lines(client, exec_id)
    last = engine_log(client, console_body(task, lastRows=3))["result"]
    assert last == {"logs": lines[-3:], "rows": 3}
    only = engine_log(client, console_body(task, onlyKeywords="Scheduled,Running"))["result"]
    assert only["logs"] == [line for line in lines if "Scheduled" in line or "Running" in line]
    assert only["logs"], lines


def test_ecm_errors_are_inside_a_successful_reply(mock: Mock) -> None:
    client = mock.as_token("alice")
    _, task = finished_job(mock, client)
    assert engine_log(client, console_body(task, "gc"))["result"]["logs"] == []
    missing = engine_log(client, console_body(task, "yarnApp"))
    path = f"{ECM_ROOT}/{task['engineLogPath']}/yarnApp"
    assert missing == {
        "result": {},
        "isError": True,
        "errorMsg": (
            f"ECMErrorException: errCode: 11110 ,desc: LogFile {path} does not exist or is not a"
            f" file.(LogFile {path} 不存在或不是文件.) ,ip: 127.0.0.1 ,port: 9102 ,serviceKind:"
            " linkis-cg-engineconnmanager"
        ),
    }
    too_many = engine_log(client, console_body(task, lastRows=5001))
    assert too_many["isError"] is True
    assert "errCode: 11110 ,desc: Cannot fetch more than 5000 lines" in too_many["errorMsg"]
    negative = engine_log(client, console_body(task, pageSize=-1))
    assert negative["errorMsg"] == "IllegalArgumentException: Illegal Capacity: -1"
    # An empty logDirSuffix is not an absent one: the root itself has no such file.
    empty = engine_log(client, console_body(task, logDirSuffix=""))
    assert empty["isError"] is True and f"LogFile {ECM_ROOT}//stdout " in empty["errorMsg"]


def test_a_job_without_an_engine_yet_has_no_engine_log(mock: Mock) -> None:
    client = mock.as_token("alice")
    _, task_id = submit(client, "select 1\n--@mock duration=30")
    mock.advance(2)
    running = history_of(client, task_id)
    assert running["status"] == "Running"
    assert engine_log(client, console_body(running))["isError"] is False
    queued_id = submit(client, "select 2\n--@mock queue=30")[1]
    queued = history_of(client, queued_id)
    assert queued["engineLogPath"] is None and queued["ticketId"] is None, queued


def test_the_managers_checks_are_plain_errors(mock: Mock) -> None:
    client = mock.as_token("alice")
    _, task = finished_job(mock, client)
    host, port = instance_of(mock).rsplit(":", 1)  # the manager is served by the mock too

    def refused(body: dict[str, Any], message: str) -> None:
        reply = client.post("/linkisManager/openEngineLog", json=body)
        check(reply, status=1, message=message, method=METHOD)

    body = console_body(task, "access")
    manager = f"ip: {host} ,port: {port} ,serviceKind: linkis-cg-linkismanager"
    refused(body, f"errCode: 210003 ,desc: param error(参数错误) ,{manager}")
    refused(
        {**console_body(task), "instance": ""},
        f"errCode: 21001 ,desc: instance cannot be null(请求参数instance不能为空) ,{manager}",
    )
    refused(
        {**console_body(task), "applicationName": ""},
        "errCode: 21001 ,desc: applicationName cannot be null"
        f"(请求参数applicationName不能为空) ,{manager}",
    )
    engine = task["engineInstance"]
    refused(
        {**console_body(task), "emInstance": "10.0.0.9:9102"},
        f"ECM node :[{engine}]  does not exist, Unable to open engine log"
        f"(ECM节点:[{engine}] 异常，无法打开日志，可能是该节点服务重启或者服务异常导致)",
    )


def test_without_a_suffix_the_engine_is_looked_up_by_instance(mock: Mock) -> None:
    alice, bob, hadoop = (mock.as_token(user) for user in ("alice", "bob", "hadoop"))
    exec_id, task = finished_job(mock, alice)
    body = console_body(task)
    del body["parameters"]["logDirSuffix"]
    assert engine_log(alice, body)["result"]["logs"] == file_log_lines(alice, exec_id)
    assert engine_log(hadoop, body)["result"]["rows"] > 0  # a history admin
    check(
        bob.post("/linkisManager/openEngineLog", json=body),
        status=1,
        message=f"You have no permission to get log with path:{task['engineLogPath']} in ECM:"
        "ServiceInstance(linkis-cg-engineconnmanager, 127.0.0.1:9102, 0)",
        method=METHOD,
    )
    check(
        alice.post("/linkisManager/openEngineLog", json={**body, "instance": "127.0.0.1:1"}),
        status=1,
        message="EC instance: 127.0.0.1:1 not exist ",
        method=METHOD,
    )


def test_a_suffix_reads_the_log_whoever_asks(mock: Mock) -> None:
    """With logDirSuffix the real manager makes no ownership check (EMRestfulApi.java:486)."""
    alice, bob = mock.as_token("alice"), mock.as_token("bob")
    exec_id, task = finished_job(mock, alice)
    assert engine_log(bob, console_body(task))["result"]["logs"] == file_log_lines(alice, exec_id)
    # java.io.File ignores repeated and trailing slashes
    slashed = task["engineLogPath"].replace("/", "//") + "/"
    assert engine_log(bob, console_body(task, logDirSuffix=slashed))["isError"] is False


def test_a_body_without_the_required_members_is_malformed(mock: Mock) -> None:
    client = mock.as_token("alice")
    reply = client.post("/linkisManager/openEngineLog", json={"instance": "x"})
    assert reply.status_code == 400
    assert reply.json()["status"] == 1
    assert "is a required property" in reply.json()["message"]
    assert mock.client().post("/linkisManager/openEngineLog", json={}).status_code == 401
