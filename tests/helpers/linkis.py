"""Helpers shared by the test_http_* behaviour tests (no tests here).

Every helper talks to the real mock server over HTTP through the conftest
fixtures; nothing here reaches into the simulator.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from linkis_mock.testing import API, Mock

APP = "linkis-cg-entrance"
SESSION_COOKIE = "linkis_user_session_ticket_id_v1"
NOT_LOGGED_IN = "You are not logged in, please login first(您尚未登录，请先登录)!"
GENERIC_PREFIX = "operation failed(操作失败)s！the reason(原因)："
LOGIN_OK = "login successful(登录成功)！"
ENVELOPE_KEYS = {"method", "status", "message", "data"}
HTTP_OF_STATUS = {0: 200, 1: 400, -1: 401}

STATUS_UNKNOWN_JOB = (
    "Get job by ID error and cannot obtain the corresponding task status."
    "(获取job时发生异常，不能获取相应的任务状态)"
)
PROGRESS_UNKNOWN_JOB = (
    "The job corresponding to the ID is empty, and the corresponding task progress cannot be "
    "obtained.(ID 对应的job为空，不能获取相应的任务进度)"
)
LOG_UNKNOWN_JOB = (
    "The job you just executed has ended. This interface no longer provides a query. It is "
    "recommended that you download the log file for viewing.(您刚刚执行的job已经结束，本接口不再"
    "提供查询，建议您下载日志文件进行查看)"
)
KILL_OK = "Successfully killed the job(成功kill了job)"
KILL_FORCED = "Forced Kill task (强制杀死任务)"
KILL_FAILED = (
    "An exception occurred while killing the job, kill failed(kill job的时候出现了异常，kill失败)"
)
KILL_UNKNOWN_JOB = "Get job by ID error, kill failed.(获取job时发生异常，kill失败)"
HISTORY_NOT_FOUND = (
    "The corresponding job was not found, or there may be no permission to view the job"
    "(没有找到对应的job，也可能是没有查看该job的权限)"
)
STATE_SCHEDULED = "Your job is Scheduled. Please wait it to run.(您的任务已经调度运行中)"
STATE_RUNNING = "Your job is Running now. Please wait it to complete.(您的任务已经在运行中)"
STATE_SUCCEED = "Congratulations. Your job completed with status Success."
STATE_RETRY = "Your job is turn to retry. Please wait it to schedule."
KILLED_LINES = (
    "Sorry, your job executed failed with reason: Job is killed by user!",
    "Job is killed by user!",
)


def finished_line(state: str) -> str:
    return f"Sorry. Your job completed with a status {state}. You can view logs for the reason."


def instance_of(mock: Mock) -> str:
    """The entrance instance `<host>:<port>` of the running mock."""
    parts = urlsplit(mock.base_url)
    return f"{parts.hostname}:{parts.port}"


def port_of(mock: Mock) -> int:
    port = urlsplit(mock.base_url).port
    assert port is not None
    return port


def exec_id_for(mock: Mock, short_exec_id: str) -> str:
    """The execID of docs/reference/linkis-entrance.md §3.2: exec_id + len(app) +
    len(instance) (3 digits each) + app + instance + short id."""
    instance = instance_of(mock)
    return f"exec_id{len(APP):03d}{len(instance):03d}{APP}{instance}{short_exec_id}"


def envelope(reply: httpx.Response) -> dict[str, Any]:
    """The reply body, checked to be a JSON Linkis envelope with exactly four members."""
    assert reply.headers["content-type"].startswith("application/json"), reply.headers
    body = reply.json()
    assert isinstance(body, dict), body
    assert set(body) == ENVELOPE_KEYS, body
    assert isinstance(body["data"], dict), body
    return body


def check(
    reply: httpx.Response,
    *,
    status: int,
    message: str,
    method: str | None,
    data: dict[str, Any] | None = None,
    http: int | None = None,
) -> dict[str, Any]:
    """Asserts the whole envelope (data only when given) and the HTTP status; returns data."""
    body = envelope(reply)
    expected_http = http if http is not None else HTTP_OF_STATUS[status]
    assert reply.status_code == expected_http, reply.text
    assert body["status"] == status, body
    assert body["message"] == message, body
    assert body["method"] == method, body
    if data is not None:
        assert body["data"] == data, body
    result: dict[str, Any] = body["data"]
    return result


def ok(reply: httpx.Response, method: str | None, message: str = "OK") -> dict[str, Any]:
    return check(reply, status=0, message=message, method=method)


def error_msg(mock: Mock, code: int, desc: str) -> dict[str, Any]:
    return {
        "level": 2,
        "errCode": code,
        "desc": desc,
        "ip": urlsplit(mock.base_url).hostname,
        "port": port_of(mock),
        "serviceKind": APP,
    }


def check_coded(
    reply: httpx.Response, mock: Mock, code: int, desc: str, method: str | None
) -> None:
    """A Linkis coded error: ST=1 / HTTP 400 and data.errorMsg
    (docs/reference/linkis-entrance.md §1)."""
    check(
        reply,
        status=1,
        message=f"error code(错误码): {code}, error message(错误信息): {desc}.",
        method=method,
        data={"errorMsg": error_msg(mock, code, desc)},
    )


def check_generic(
    reply: httpx.Response,
    mock: Mock,
    exception_class: str | None = None,
    text: str | None = None,
) -> str:
    """The generic 400 (docs/reference/linkis-entrance.md §1): method null, data.errorMsg with
    errCode 0; returns the reason."""
    body = envelope(reply)
    assert reply.status_code == 400, reply.text
    assert body["status"] == 1, body
    assert body["method"] is None, body
    message: str = body["message"]
    assert message.startswith(GENERIC_PREFIX), body
    reason = message[len(GENERIC_PREFIX) :]
    if exception_class is not None:
        assert reason.startswith(f"{exception_class}: "), body
        detail = reason[len(exception_class) + 2 :]
        if text is not None:
            assert detail == text, body
        assert body["data"]["errorMsg"] == error_msg(mock, 0, detail), body
    else:
        error = body["data"]["errorMsg"]
        assert error["errCode"] == 0 and error["level"] == 2, body
        assert error["serviceKind"] == APP, body
    return reason


def entrance_method(path: str) -> str:
    """The `method` the entrance writes: `/api` + the path without the gateway prefix."""
    return "/api" + path


def full_path(path: str) -> str:
    return API + path


def submit_body(
    code: str = "select 1",
    engine: str = "spark-2.4.3",
    user_creator: str | None = None,
    run_type: str = "sql",
) -> dict[str, Any]:
    labels: dict[str, str] = {"engineType": engine}
    if user_creator is not None:
        labels["userCreator"] = user_creator
    return {"executionContent": {"code": code, "runType": run_type}, "labels": labels}


def submit(
    client: httpx.Client,
    code: str = "select 1",
    engine: str = "spark-2.4.3",
    user_creator: str | None = None,
) -> tuple[str, int]:
    """Submits a job; returns (execID, taskID)."""
    reply = client.post("/entrance/submit", json=submit_body(code, engine, user_creator))
    data = ok(reply, "/api/entrance/submit")
    exec_id, task_id = data["execID"], data["taskID"]
    assert isinstance(exec_id, str) and isinstance(task_id, int), data
    return exec_id, task_id


def state_of(client: httpx.Client, exec_id: str) -> str:
    data = ok(client.get(f"/entrance/{exec_id}/status"), f"/api/entrance/{exec_id}/status")
    assert data["execID"] == exec_id
    state: str = data["status"]
    return state


def history_of(client: httpx.Client, task_id: int, brief: bool = False) -> dict[str, Any]:
    params = {"brief": "true"} if brief else {}
    reply = client.get(f"/jobhistory/{task_id}/get", params=params)
    data = ok(reply, f"/api/jobhistory/{task_id}/get")
    task: dict[str, Any] = data["task"]
    return task


def log_data(client: httpx.Client, exec_id: str, **params: str | int) -> dict[str, Any]:
    reply = client.get(f"/entrance/{exec_id}/log", params=params)
    return ok(reply, f"/api/entrance/{exec_id}/log")


def all_log_lines(client: httpx.Client, exec_id: str) -> list[str]:
    """Every log line so far (the ALL element of the 4-element array)."""
    log = log_data(client, exec_id, fromLine=1, size=-1)["log"]
    assert isinstance(log, list) and len(log) == 4, log
    all_text: str = log[3]
    return all_text.split("\n") if all_text else []


def texts(lines: list[str]) -> list[str]:
    """Log lines without their `<date> <time> LEVEL ` header (lines without one are kept)."""
    result = []
    for line in lines:
        parts = line.split(" ", 3)
        has_header = len(parts) == 4 and parts[0][:1].isdigit() and parts[1][:1].isdigit()
        result.append(parts[3] if has_header else line)
    return result


VARIABLE_BANNER = "*" * 36 + "Variable" + "*" * 36


def file_log_lines(client: httpx.Client, exec_id: str) -> list[str]:
    """Every line of the job's log file, the empty ones too: the log endpoint counts but
    does not show them (linkis-entrance.md §6). The only empty ones are those the
    interceptors write before the second banner of their variables section, once in each
    copy of their lines (docs/reference/linkis-interceptors.md §9)."""
    lines: list[str] = []
    banners = 0
    for line in all_log_lines(client, exec_id):
        if line == VARIABLE_BANNER:
            banners += 1
            if banners % 2 == 0:
                lines.append("")
        lines.append(line)
    return lines
