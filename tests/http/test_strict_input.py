"""Input that Python reads differently from browsers and the JSON standard: malformed
`Cookie` headers, and bodies outside RFC 8259. Each gets a clear answer in the API's own
format, and nothing accepted can make a later request fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linkis_mock.testing import Mock, in_process
from tests.helpers.linkis import submit

SESSION = "linkis_user_session_ticket_id_v1"
TOKEN = {"Token-Code": "LINKIS-AUTH", "Token-User": "alice"}
VIAS = {"X-Auth-Token": "vias-dev-token"}
JSON = {"Content-Type": "application/json"}
SUBMIT = "/api/rest_j/v1/entrance/submit"
CREATE = "/v2/0123456789abcdef0123456789abcdef/services/c-intrusion-detection-cloud/tasks"
VALID_SUBMIT = '{"executionContent": {"code": "select 1", "runType": "sql"}, %s}'

# Around a valid session cookie: what http.cookies.SimpleCookie refuses and browsers send.
COOKIE_NOISE = [
    "{ticket}; $Foo=bar",
    "$Version=1; {ticket}",
    '{ticket}; a="b',
    "a=b,c=d; {ticket}",
    "a=\tb; {ticket}",
    "{ticket}; x=\\\\; y=[]",
    "=; ;; {ticket}; ==",
    "é=ü; {ticket}",
]


def _ticket(mock: Mock, user: str = "alice") -> str:
    reply = mock.http.post(
        mock.api_url + "/user/login", json={"userName": user, "password": user}, timeout=10
    )
    return f"{SESSION}={reply.cookies[SESSION]}"


@pytest.mark.parametrize("noise", COOKIE_NOISE)
def test_noise_around_a_valid_session_cookie_still_logs_in(mock: Mock, noise: str) -> None:
    cookie = noise.format(ticket=_ticket(mock))
    exec_id, _ = submit(mock.as_token("alice"))
    headers = {b"Cookie": cookie.encode("utf-8")}
    # The security layer, the fast lane (status) and the full stack (progress) agree.
    for path in ("/user/userInfo", f"/entrance/{exec_id}/status", f"/entrance/{exec_id}/progress"):
        reply = mock.http.get(mock.api_url + path, headers=headers)
        assert reply.status_code == 200, (path, reply.text)
        assert reply.json()["status"] == 0


@pytest.mark.parametrize("noise", COOKIE_NOISE)
def test_noise_without_a_valid_session_cookie_is_the_real_401(mock: Mock, noise: str) -> None:
    headers = {b"Cookie": noise.format(ticket=f"{SESSION}=forged").encode("utf-8")}
    reply = mock.http.get(mock.api_url + "/user/userInfo", headers=headers)
    assert reply.status_code == 401
    assert reply.json()["status"] == -1


def test_journal_faults_and_cors_read_the_same_cookie_as_security(mock: Mock) -> None:
    cookie = COOKIE_NOISE[0].format(ticket=_ticket(mock))
    mock.admin(
        "POST",
        "/faults",
        json={
            "operationId": "getUserInfo",
            "action": "status",
            "status": 503,
            "user": "alice",
            "times": 1,
        },
    )
    headers = {"Cookie": cookie, "Origin": "http://localhost:5173"}
    faulted = mock.http.get(mock.api_url + "/user/userInfo", headers=headers)
    assert faulted.status_code == 503  # the rule saw alice
    assert faulted.headers["access-control-allow-origin"] == "http://localhost:5173"
    answered = mock.http.get(mock.api_url + "/user/userInfo", headers=headers)
    assert answered.status_code == 200
    entries = mock.admin("GET", "/journal", params={"operationId": "getUserInfo"})["entries"]
    assert [(e["user"], e["status"]) for e in entries] == [("alice", 503), ("alice", 200)]


# Bodies Python's json module takes and the policy refuses (linkis_mock/contract/json_policy.py).
NON_STANDARD = {
    "NaN": (b'"params": {"x": NaN}', "Non-standard token 'NaN'"),
    "Infinity": (b'"params": {"x": Infinity}', "Non-standard token 'Infinity'"),
    "-Infinity": (b'"params": {"x": -Infinity}', "Non-standard token '-Infinity'"),
    "overflowing number": (b'"params": {"x": 1e999}', "Numeric value (1e999) out of range"),
    "5000-digit integer": (b'"params": {"x": ' + b"7" * 5000 + b"}", "out of range of long"),
    "integer past 64 bits": (b'"params": {"x": 9223372036854775808}', "out of range of long"),
    "lone surrogate": (b'"params": {"x": "\\ud800"}', "Invalid UTF-16 surrogate \\ud800"),
    "lone surrogate key": (b'"params": {"\\udfff": 1}', "Invalid UTF-16 surrogate \\udfff"),
    "too deep": (b'"params": {"x": ' + b"[" * 120 + b"]" * 120 + b"}", "nesting depth"),
}
REASON = "operation failed(操作失败)s！the reason(原因)：HttpMessageNotReadableException: "


@pytest.mark.parametrize("member", NON_STANDARD.values(), ids=NON_STANDARD.keys())
def test_non_standard_json_is_a_linkis_400_naming_the_problem(
    mock: Mock, member: tuple[bytes, str]
) -> None:
    text, problem = member
    body = (VALID_SUBMIT % '"labels": {"engineType": "spark"}, %s').encode() % text
    reply = mock.http.post(mock.base_url + SUBMIT, content=body, headers={**TOKEN, **JSON})
    assert reply.status_code == 400, reply.text
    message = reply.json()["message"]
    assert message.startswith(REASON + "JSON parse error: "), message
    assert problem in message, message
    assert reply.json()["data"]["errorMsg"]["desc"] == message[len(REASON) :]
    assert mock.admin("GET", "/jobs")["jobs"] == []  # nothing was submitted


@pytest.mark.parametrize("member", NON_STANDARD.values(), ids=NON_STANDARD.keys())
def test_non_standard_json_is_a_vias_400_naming_the_problem(
    mock: Mock, member: tuple[bytes, str]
) -> None:
    text, problem = member
    body = b'{"name": "cam", "spec": {}, ' + text.replace(b'"params"', b'"extra"') + b"}"
    reply = mock.http.post(mock.base_url + CREATE, content=body, headers={**VIAS, **JSON})
    assert reply.status_code == 400, reply.text
    assert reply.json()["error_code"] == "VIAS.00010001"
    assert problem in reply.json()["detail"]
    assert reply.headers["x-request-id"]


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
def test_a_non_finite_clock_move_is_refused_and_the_clock_goes_on(
    mock: Mock, constant: bytes
) -> None:
    before = mock.admin("GET", "/clock")
    reply = mock.http.post(
        mock.base_url + "/__admin/clock/advance",
        content=b'{"seconds": ' + constant + b"}",
        headers=JSON,
        timeout=10,
    )
    assert reply.status_code == 400
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["detail"].startswith("JSON parse error: ")
    assert mock.admin("GET", "/clock") == before
    assert mock.http.get(mock.api_url + "/user/userInfo", headers=TOKEN).status_code == 200


def test_the_clock_stops_at_the_last_instant_a_date_can_name(mock: Mock) -> None:
    snapshot = mock.admin("GET", "/snapshot")
    # Frozen: a running clock would pass the last instant by the milliseconds that go by
    # before the advance below.
    snapshot["clock"].update(nowMs=253_402_300_799_999 - 10_000, frozen=True)
    mock.admin("PUT", "/snapshot", json=snapshot)
    reply = mock.http.post(mock.base_url + "/__admin/clock/advance", json={"seconds": 11})
    assert reply.status_code == 400
    assert "year 9999" in reply.json()["detail"]
    clock = mock.admin("POST", "/clock/advance", json={"seconds": 10})
    assert clock["nowIso"] == "9999-12-31T23:59:59.999Z"
    # What runs at the end of time still answers: a job and a VIAS task planned past it.
    exec_id, task_id = submit(mock.as_token("alice"))
    assert mock.http.get(f"{mock.api_url}/entrance/{exec_id}/log", headers=TOKEN).status_code == 200
    created = mock.http.post(
        mock.base_url + CREATE,
        json={
            "name": "cam",
            "input": {"type": "video_source", "data": [{"video_source_id": "v"}]},
            "output": {"webhook": {"url": "http://127.0.0.1:9/h"}},
            "service_version": "1.1",
        },
        headers=VIAS,
        timeout=10,
    )
    assert created.status_code == 200, created.text
    listed = mock.http.get(
        mock.base_url + CREATE.rsplit("/services", 1)[0] + "/tasks", headers=VIAS
    )
    assert listed.status_code == 200, listed.text
    assert mock.admin("GET", "/snapshot")["jobs"][0]["ident"]["task_id"] == task_id


def test_a_snapshot_past_the_clocks_end_is_refused(mock: Mock) -> None:
    snapshot = mock.admin("GET", "/snapshot")
    snapshot["clock"]["nowMs"] = 253_402_300_800_000
    reply = mock.http.put(mock.base_url + "/__admin/snapshot", json=snapshot)
    assert reply.status_code == 400
    assert "clock.nowMs" in reply.json()["detail"]


def test_a_body_the_policy_accepts_survives_replies_snapshots_and_the_state_file(
    tmp_path: Path,
) -> None:
    """Edge values inside the policy: every later read, the snapshot and a restart work."""
    state = tmp_path / "state.db"
    mock = in_process(state=state)
    params = {
        "n": [9223372036854775807, -9223372036854775808, 1.7976931348623157e308, -0.0],
        "s": "\U0001f600 \u0000 \ud83d\ude00",
        "deep": [[[[[[[[[[[]]]]]]]]]]],
    }
    raw = json.dumps(params, ensure_ascii=True)  # the emoji as a paired surrogate escape
    body = (VALID_SUBMIT % '"labels": {"engineType": "spark"}, "params": %s') % raw
    try:
        reply = mock.http.post(mock.base_url + SUBMIT, content=body, headers={**TOKEN, **JSON})
        assert reply.status_code == 200, reply.text
        task_id = reply.json()["data"]["taskID"]
        history = mock.http.get(f"{mock.api_url}/jobhistory/{task_id}/get", headers=TOKEN).json()
        assert json.loads(history["data"]["task"]["paramsJson"]) == json.loads(raw)
        assert mock.admin("GET", "/snapshot")["jobs"][0]["params"] == json.loads(raw)
    finally:
        mock.stop()
    again = in_process(state=state)  # a restart on the same file
    try:
        history = again.http.get(f"{again.api_url}/jobhistory/{task_id}/get", headers=TOKEN).json()
        assert json.loads(history["data"]["task"]["paramsJson"]) == json.loads(raw)
    finally:
        again.stop()
