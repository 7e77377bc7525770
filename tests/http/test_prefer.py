"""The Prefer header (Prism's vocabulary): force a documented reply, change nothing."""

from __future__ import annotations

import re

import pytest

from linkis_mock.specs import LINKIS_SPEC, load_spec
from linkis_mock.testing import Mock

SUBMIT = {
    "executionContent": {"code": "select 1", "runType": "sql"},
    "labels": {"engineType": "spark-2.4.3"},
}
VIAS_TASKS = "/v2/0123456789abcdef0123456789abcdef/tasks"


def linkis_spec_operations() -> list[tuple[str, str]]:
    spec = load_spec(LINKIS_SPEC)
    return [
        (method.upper(), path.replace("{id}", "x").replace("{taskID}", "1"))
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post"}
    ]


@pytest.mark.parametrize(("method", "path"), linkis_spec_operations())
def test_every_linkis_operation_can_be_forced_to_fail(
    running_mock: Mock, method: str, path: str
) -> None:
    reply = running_mock.http.request(
        method, running_mock.api_url + path, headers={"Prefer": "code=500"}, timeout=10
    )
    assert reply.status_code == 500
    assert reply.json() == {
        "method": "/api/rest_j/v1/entrance/submit",
        "status": 1,
        "message": "operation failed(操作失败)：internal server error",
        "data": {},
    }


def test_a_forced_reply_changes_nothing(mock: Mock) -> None:
    client = mock.as_token("alice")
    forced = client.post("/entrance/submit", json=SUBMIT, headers={"Prefer": "code=200"})
    assert forced.status_code == 200
    assert forced.json()["data"]["taskID"] == 1  # the spec's example
    running = client.get("/entrance/operation/metrics/runningtask").json()["data"]
    assert running == {"runningTaskNumber": 0, "isCompleted": True}
    real = client.post("/entrance/submit", json=SUBMIT).json()["data"]
    assert real["taskID"] == 1  # the forced submit allocated no taskID


def test_a_named_example_is_picked_from_any_documented_status(mock: Mock) -> None:
    reply = mock.client().post(
        "/user/login", json={}, headers={"Prefer": "example=wrongCredentials"}
    )
    assert reply.status_code == 400
    assert reply.json()["message"] == "wrong user name or password(用户名或密码错误)！"
    assert "set-cookie" not in reply.headers


def test_code_and_example_together(mock: Mock) -> None:
    reply = mock.client().post(
        "/user/login", json={}, headers={"Prefer": "code=200, example=alreadyLoggedIn"}
    )
    assert reply.status_code == 200
    assert reply.json()["data"] == {"userName": "hadoop"}


@pytest.mark.parametrize(
    ("prefer", "listed"),
    [
        ("code=418", "documented codes: 200, 400, 413, 414, 431, 500"),
        ("example=nope", "examples: admin, user, alreadyLoggedIn, userNameEmpty"),
        ("code=200; example=wrongCredentials", "examples: admin, user, alreadyLoggedIn"),
    ],
)
def test_an_undocumented_choice_says_what_is_available(
    mock: Mock, prefer: str, listed: str
) -> None:
    reply = mock.client().post("/user/login", json={}, headers={"Prefer": prefer})
    assert reply.status_code == 400
    body = reply.json()
    assert (body["status"], body["method"], body["data"]) == (1, "/api/user/login", {})
    assert body["message"].startswith("Prefer: ")
    assert listed in body["message"]


def test_vias_replies_are_forced_in_the_huawei_shape(mock: Mock) -> None:
    forced = mock.http.get(mock.base_url + VIAS_TASKS, headers={"Prefer": "code=500"})
    assert forced.status_code == 500
    assert forced.json()["error_code"] == "VIAS.00010006"
    assert re.fullmatch(r"[0-9a-f]{32}", forced.headers["x-request-id"])
    refused = mock.http.get(mock.base_url + VIAS_TASKS, headers={"Prefer": "code=404"})
    assert refused.status_code == 400
    body = refused.json()
    assert body["error_code"] == "VIAS.00010001"
    assert body["detail"].endswith(
        "documented codes: 200, 400, 401, 403, 413, 414, 431, 500, 502, 503, 504"
    )


def test_without_a_code_or_example_the_operation_runs(mock: Mock) -> None:
    reply = mock.as_token("alice").get(
        "/entrance/operation/metrics/runningtask", headers={"Prefer": "return=minimal"}
    )
    assert reply.json()["data"] == {"runningTaskNumber": 0, "isCompleted": True}
