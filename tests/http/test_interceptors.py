"""The entrance's interceptor chain over HTTP: each row of issue 26's table answered as the
real server answers it, the log block, the history's processed code, the result's limit,
and each user's global variables through the console's endpoints and the admin API
(docs/reference/linkis-interceptors.md; expected values from the reference and the Linkis
source)."""

from __future__ import annotations

import calendar
from typing import Any

import httpx

from linkis_mock.testing import Mock
from tests.helpers.linkis import (
    GENERIC_PREFIX,
    all_log_lines,
    check,
    check_generic,
    error_msg,
    ok,
    port_of,
    texts,
)

SUBMIT = "/api/entrance/submit"
EXECUTE = "/api/entrance/execute"
VR = "Variable replacement failed!(变量替换失败！)"
SCRIPT_BANNER = "*" * 36 + "SCRIPT CODE" + "*" * 36
VARIABLE_BANNER = "*" * 36 + "Variable" + "*" * 36
LIMIT_ADDED = "You submitted a sql without limit, DSS will add limit 5000 to your sql"
NOT_LIMITED = "The code you submit will not be limited by the limit"
SHELL_BLACKLISTED = "Shell code contains blacklisted code(shell中包含黑名单代码)"
# The console's own legacy body (linkis-web consoleComponent/console.vue:186-202).
CONSOLE_BODY = {
    "executeApplicationName": "spark",
    "executionCode": "show tables",
    "runType": "sql",
    "params": None,
    "source": {"scriptPath": None},
    "fromLine": 1,
}
# What Linkis' own MCP client sends: no executionContent, no params.
MCP_BODY = {"executeUser": "alice", "executionCode": "show tables", "engineType": "spark"}


def body(
    code: str,
    *,
    run_type: str = "sql",
    creator: str = "IDE",
    engine: str = "spark-2.4.3",
    variables: dict[str, str] | None = None,
) -> dict[str, Any]:
    request: dict[str, Any] = {
        "executionContent": {"code": code, "runType": run_type},
        "labels": {"engineType": engine, "userCreator": f"alice-{creator}"},
    }
    if variables is not None:
        request["params"] = {"variable": variables}
    return request


def accepted(client: httpx.Client, request: dict[str, Any]) -> tuple[str, int]:
    data = ok(client.post("/entrance/submit", json=request), SUBMIT)
    return data["execID"], data["taskID"]


def coded_reply(
    mock: Mock, code: int, desc: str, method: str, shown: tuple[int, str] | None = None
) -> dict[str, Any]:
    """The body of a coded refusal: the message shows the cause when it is coded too."""
    shown_code, shown_desc = shown or (code, desc)
    return {
        "method": method,
        "status": 1,
        "message": f"error code(错误码): {shown_code}, error message(错误信息): {shown_desc}.",
        "data": {"errorMsg": error_msg(mock, code, desc)},
    }


def listed(client: httpx.Client, task_id: int) -> dict[str, Any]:
    data = ok(client.get("/jobhistory/list", params={"taskID": task_id}), "/api/jobhistory/list")
    assert len(data["tasks"]) == 1, data
    task: dict[str, Any] = data["tasks"][0]
    return task


def next_task_id(client: httpx.Client) -> int:
    return accepted(client, body("select 1"))[1]


# ---- the table of issue 26, row by row --------------------------------------------------


def test_variables_are_substituted_and_shown_in_the_log_block_twice(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, task_id = accepted(
        client, body("select '${run_date}'", variables={"run_date": "20200228"})
    )
    lines = texts(all_log_lines(client, exec_id))
    block = [
        "Program is substituting variables for you",
        "Variables substitution ended successfully",
        "Job variables is",
        VARIABLE_BANNER,
        "run_date=20200228",
        VARIABLE_BANNER,
        "You have submitted a new job, script code (after variable substitution) is",
        SCRIPT_BANNER,
        "select '20200228'",
        SCRIPT_BANNER,
        LIMIT_ADDED,
        "SQL code check has passed",
    ]
    assert lines[: 2 * len(block)] == block + block
    assert lines[2 * len(block)].startswith(f"Job with jobId : {task_id} and execID : ")
    mock.advance(1)
    assert listed(client, task_id)["executionCode"] == "select '20200228' limit 5000"


def test_ide_sql_gets_the_limit_in_the_history_list(mock: Mock) -> None:
    client = mock.as_token("alice")
    _, task_id = accepted(client, body("select * from t"))
    assert listed(client, task_id)["executionCode"] == "select * from t"  # Inited: as inserted
    mock.advance(1)
    assert listed(client, task_id)["executionCode"] == "select * from t limit 5000"
    extra = ok(
        client.get("/jobhistory/job-extra-info", params={"jobId": task_id}),
        "/api/jobhistory/job-extra-info",
    )
    assert extra["metricsMap"]["executionCode"] == "select * from t limit 5000"


def test_a_non_ide_creator_is_warned_and_not_limited(mock: Mock) -> None:
    client = mock.as_token("alice")
    for creator in ("Schedulis", "nodeexecution"):
        exec_id, task_id = accepted(client, body("select * from t", creator=creator))
        log = ok(
            client.get(f"/entrance/{exec_id}/log", params={"fromLine": 1, "size": -1}),
            f"/api/entrance/{exec_id}/log",
        )["log"]
        warnings = log[1].split("\n")
        assert texts(warnings) == [NOT_LIMITED, NOT_LIMITED], warnings
        assert all(" WARN " in line for line in warnings)
        mock.advance(1)
        assert listed(client, task_id)["executionCode"] == "select * from t"


def test_blacklisted_shell_code_is_refused_with_50081_and_uses_a_task_id(mock: Mock) -> None:
    client = mock.as_token("alice")
    reply = client.post(
        "/entrance/submit", json=body("rm -rf /tmp/x", run_type="shell", engine="shell-1")
    )
    assert reply.status_code == 400
    assert reply.json() == coded_reply(mock, 50081, SHELL_BLACKLISTED, SUBMIT)
    row = listed(client, 1)
    assert (row["status"], row["errCode"], row["errDesc"]) == ("Failed", 50081, SHELL_BLACKLISTED)
    assert row["executionCode"] == "rm -rf /tmp/x" and row["strongerExecId"] is None
    assert next_task_id(client) == 2


def test_an_operator_without_an_operand_is_20042(mock: Mock) -> None:
    client = mock.as_token("alice")
    reply = client.post("/entrance/submit", json=body("select '${run_date-}'"))
    cause = "[${run_date-}] expression is not right, please check"
    desc = (
        f"{VR}LinkisCommonErrorException: errCode: 20042 ,desc: {cause} ,ip: 127.0.0.1 "
        f",port: {port_of(mock)} ,serviceKind: linkis-cg-entrance"
    )
    assert reply.status_code == 400
    assert reply.json() == coded_reply(mock, 20050, desc, SUBMIT, (20042, cause))
    row = listed(client, 1)
    assert (row["status"], row["errCode"], row["errDesc"]) == ("Failed", 20050, desc)


def test_the_consoles_own_execute_body_is_a_null_pointer_with_no_task_id(mock: Mock) -> None:
    client = mock.as_token("alice")
    reply = client.post("/entrance/execute", json=CONSOLE_BODY)
    assert check_generic(reply, mock, "NullPointerException", "") == "NullPointerException: "
    assert reply.json()["message"] == f"{GENERIC_PREFIX}NullPointerException: "
    assert next_task_id(client) == 1


def test_the_mcp_clients_body_is_a_null_pointer_on_both_urls(mock: Mock) -> None:
    client = mock.as_token("alice")
    for path in ("/entrance/execute", "/entrance/submit"):
        check_generic(client.post(path, json=MCP_BODY), mock, "NullPointerException", "")
    assert next_task_id(client) == 1


def test_params_null_on_submit_is_20039_and_leaves_a_failed_row(mock: Mock) -> None:
    client = mock.as_token("alice")
    request = body("select 1")
    request["params"] = None
    reply = client.post("/entrance/submit", json=request)
    desc = "Failed to analysis task,because:NullPointerException: (分析任务失败)!"
    assert reply.status_code == 400
    assert reply.json() == coded_reply(mock, 20039, desc, SUBMIT)
    row = listed(client, 1)
    assert (row["status"], row["errCode"], row["errDesc"]) == ("Failed", 20039, desc)
    assert next_task_id(client) == 2


def test_the_consoles_body_with_params_runs(mock: Mock) -> None:
    client = mock.as_token("alice")
    data = ok(client.post("/entrance/execute", json={**CONSOLE_BODY, "params": {}}), EXECUTE)
    assert data["taskID"] == 1


# ---- the result honours the limit -------------------------------------------------------------


def test_rows_above_the_limit_the_chain_added_are_cut_to_it(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, task_id = accepted(client, body("select id from t\n--@mock rows=6000 duration=1"))
    mock.advance(5)
    location = ok(client.get(f"/jobhistory/{task_id}/get"), f"/api/jobhistory/{task_id}/get")[
        "task"
    ]["resultLocation"]
    page = ok(
        client.get(
            "/filesystem/openFile", params={"path": f"{location}/_0.dolphin", "pageSize": 10000}
        ),
        "/api/filesystem/openFile",
    )
    assert page["totalLine"] == 5000
    assert "Res:_0.dolphin written, 5000 rows" in texts(all_log_lines(client, exec_id))


# ---- global variables: the console's page and the admin API ------------------------------------


def test_the_consoles_global_variables_feed_the_jobs(mock: Mock) -> None:
    client = mock.as_token("alice")
    listed_before = ok(
        client.get("/variable/listGlobalVariable"), "/api/variable/listGlobalVariable"
    )
    assert listed_before == {"globalVariables": []}
    saved = client.post(
        "/variable/saveGlobalVariable",
        json={
            "globalVariables": [
                {"key": "run_date", "value": "20200101"},
                {"key": "c", "value": "x"},
            ]
        },
    )
    assert ok(saved, "/api/variable/saveGlobalVariable") == {}
    assert ok(client.get("/variable/listGlobalVariable"), "/api/variable/listGlobalVariable") == {
        "globalVariables": [
            {"keyID": 1, "key": "run_date", "valueID": 1, "value": "20200101"},
            {"keyID": 2, "key": "c", "valueID": 2, "value": "x"},
        ]
    }
    exec_id, _ = accepted(client, body("select '${run_date}', '${c}'", variables={"c": "y"}))
    assert "select '20200101', 'y'" in texts(all_log_lines(client, exec_id))
    assert mock.admin("GET", "/variables/alice") == {
        "user": "alice",
        "variables": {"run_date": "20200101", "c": "x"},
    }


def test_a_blank_variable_is_refused_by_the_public_service(mock: Mock) -> None:
    client = mock.as_token("alice")
    reply = client.post("/variable/saveGlobalVariable", json={"globalVariables": [{"key": "a"}]})
    text = "Key or value cannot be empty"
    check(
        reply,
        status=1,
        message=f"{GENERIC_PREFIX}VariableException: {text}",
        method=None,
        data={"errorMsg": {**error_msg(mock, 0, text), "serviceKind": "linkis-ps-publicservice"}},
    )
    reply = client.post("/variable/saveGlobalVariable", json={})
    assert reply.json()["message"] == f"{GENERIC_PREFIX}NullPointerException: "


def test_the_admin_api_sets_a_users_variables(mock: Mock) -> None:
    reply = mock.admin("PUT", "/variables/bob", json={"variables": {"n": "10"}})
    assert reply == {"user": "bob", "variables": {"n": "10"}}
    client = mock.as_token("bob")
    data = ok(client.post("/entrance/submit", json={**body("select ${n*2} x"), "labels": {
        "engineType": "spark-2.4.3"}}), SUBMIT)  # fmt: skip
    assert "select 20 x" in texts(all_log_lines(client, data["execID"]))
    refused = mock.admin_request("PUT", "/variables/bob", json={"variables": {"n": " "}})
    assert refused.status_code == 400
    mock.reset()
    assert mock.admin("GET", "/variables/bob") == {"user": "bob", "variables": {}}


def test_run_date_defaults_to_yesterday_in_utc(mock: Mock) -> None:
    # The reference's examples were taken at 2026-08-19 16:13:38; the mock's entrance runs
    # in UTC (docs/reference/linkis-interceptors.md §8.8): its clock is put there.
    state = mock.admin("GET", "/snapshot")
    state["clock"] = {"nowMs": calendar.timegm((2026, 8, 19, 16, 13, 38)) * 1000, "frozen": True,
                      "speed": 1}  # fmt: skip
    mock.admin("PUT", "/snapshot", json=state)
    client = mock.as_token("alice")
    exec_id, _ = accepted(client, body("select '${run_date}', '${run_today_h}', '&{HH:mm}'"))
    assert "select '20260818', '2026081916', '16:13'" in texts(all_log_lines(client, exec_id))
