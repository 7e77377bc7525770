"""What `serve` prints: one JSON object a line with `--log-format json` (a request event
each, start-up events and uvicorn's own messages), readable lines by default, and no
traceback for a connection a fault rule cuts (checked in either format after the
traffic, on the same server: a process start is most of what each check costs)."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from linkis_mock.apis import base_paths
from linkis_mock.logs import JsonFormatter
from linkis_mock.testing import ADMIN, API, RunningMock, start_mock
from tests.helpers.session_flow import PROJECT, TASK_BODY, VIAS_TOKEN

pytestmark = pytest.mark.runs_long

VIAS = base_paths()["vias"]
SUBMIT = {
    "executionContent": {"code": "select 1", "runType": "sql"},
    "labels": {"engineType": "spark-2.4.3", "userCreator": "alice-IDE"},
}
LAST_PATH = "/nowhere"  # the traffic's last request
PREFLIGHT = {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"}


def _traffic(mock: RunningMock) -> dict[str, str]:
    """A login, a submit, a status poll (the fast lane: a plain GET with the cookie), a
    VIAS create and show with X-Auth-Token, a CORS preflight, an admin call and an
    unknown path. Returns the ids the log must name."""
    alice = mock.logged_in("alice")
    exec_id = alice.post("/entrance/submit", json=SUBMIT).json()["data"]["execID"]
    assert alice.get(f"/entrance/{exec_id}/status").status_code == 200
    vias = f"{mock.base_url}{VIAS}/{PROJECT}"
    created = mock.http.post(
        f"{vias}/services/c-intrusion-detection-cloud/tasks", headers=VIAS_TOKEN, json=TASK_BODY
    )
    task_id = created.json()["tasks"][0]["id"]
    shown = mock.http.get(f"{vias}/tasks/{task_id}", headers=VIAS_TOKEN)
    assert shown.status_code == 200
    assert mock.http.options(mock.api_url + "/user/login", headers=PREFLIGHT).status_code == 200
    mock.admin("GET", "/clock")
    assert mock.http.get(mock.base_url + LAST_PATH).status_code == 404
    return {
        "exec_id": exec_id,
        "task_id": task_id,
        "created_id": created.headers["x-request-id"],
        "shown_id": shown.headers["x-request-id"],
    }


def _expected_requests(seen: dict[str, str]) -> Counter[tuple[str, str]]:
    """Each request the traffic made (and start_mock's one successful readiness poll)."""
    return Counter(
        [
            ("GET", f"{ADMIN}/ready"),  # start_mock: the server is up
            ("POST", f"{API}/user/login"),
            ("POST", f"{API}/entrance/submit"),
            ("GET", f"{API}/entrance/{seen['exec_id']}/status"),
            ("POST", f"{VIAS}/{PROJECT}/services/c-intrusion-detection-cloud/tasks"),
            ("GET", f"{VIAS}/{PROJECT}/tasks/{seen['task_id']}"),
            ("OPTIONS", f"{API}/user/login"),
            ("GET", f"{ADMIN}/clock"),
            ("GET", LAST_PATH),
        ]
    )


def _lines(mock: RunningMock, until: str, times: int = 1) -> list[str]:
    """The output so far, once `until` is in it `times` times."""
    deadline = time.monotonic() + 10
    while True:
        text = mock.log_path.read_text()
        if text.count(until) >= times or time.monotonic() > deadline:
            return text.splitlines()
        time.sleep(0.05)


def _events(lines: list[str]) -> list[dict[str, Any]]:
    events = [json.loads(line) for line in lines]  # every line is a JSON object...
    assert all(isinstance(event, dict) for event in events)
    return events


def _requests(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [event for event in events if event.get("event") == "request"]


def _one(requests: list[dict[str, Any]], method: str, path: str) -> dict[str, Any]:
    found = [e for e in requests if (e["method"], e["path"]) == (method, path)]
    assert len(found) == 1, found
    return found[0]


def test_json_mode_prints_one_object_a_line_and_one_event_a_request(tmp_path: Path) -> None:
    """Then, on the same server (a start is most of what each check costs), a close
    fault's cut (_check_cut)."""
    mock = start_mock(tmp_path, "--log-format", "json", "--log-level", "info")
    try:
        seen = _traffic(mock)
        _lines(mock, LAST_PATH)
        journal = mock.admin("GET", "/journal")["entries"]
        lines = _lines(mock, f"{ADMIN}/journal")
        _cut(mock)
        log = _lines(mock, "closed the connection")
    finally:
        mock.stop()
    _check_cut(log, len(lines), "json")
    events = _events(lines)
    requests = _requests(events)
    expected = _expected_requests(seen) + Counter([("GET", f"{ADMIN}/journal")])
    assert Counter((e["method"], e["path"]) for e in requests) == expected

    # The journal's fields, as the journal has them, for each journaled request.
    assert len(journal) == 5  # login, submit, status, VIAS create and show
    for entry in journal:
        event = _one(requests, entry["method"], entry["path"])
        assert event["timeMs"] == entry["time"]
        for key in ("operationId", "user", "status"):
            assert event[key] == entry[key], key
        assert event["durationMs"] > 0
        assert event["time"].endswith("Z")
        assert event["time"].startswith(
            time.strftime("%Y-%m-%dT", time.gmtime(entry["time"] / 1000))
        )

    submit = _one(requests, "POST", f"{API}/entrance/submit")
    assert (submit["operationId"], submit["user"], submit["status"]) == ("submit", "alice", 200)
    assert submit["requestId"] is None  # Linkis sends no request id
    status = _one(requests, "GET", f"{API}/entrance/{seen['exec_id']}/status")
    assert (status["operationId"], status["user"], status["status"]) == ("getStatus", "alice", 200)
    shown = _one(requests, "GET", f"{VIAS}/{PROJECT}/tasks/{seen['task_id']}")
    assert (shown["operationId"], shown["user"]) == ("showTaskInfo", PROJECT)
    assert shown["requestId"] == seen["shown_id"]  # the X-Request-Id the reply carried
    created = _one(requests, "POST", f"{VIAS}/{PROJECT}/services/c-intrusion-detection-cloud/tasks")
    assert created["requestId"] == seen["created_id"] != seen["shown_id"]
    preflight = _one(requests, "OPTIONS", f"{API}/user/login")  # answered by CORS itself
    assert (preflight["operationId"], preflight["status"]) == (None, 200)
    assert not any(e["method"] == "OPTIONS" for e in journal)  # and not journaled
    admin = [
        e for e in requests if e["path"].startswith(ADMIN + "/") and "journal" not in e["path"]
    ]
    assert sorted((e["operationId"], e["status"]) for e in admin) == [
        ("getClock", 200),
        ("getReadiness", 200),
    ]
    unknown = _one(requests, "GET", LAST_PATH)
    assert (unknown["operationId"], unknown["status"], unknown["user"]) == (None, 404, None)

    start = next(e for e in events if e.get("event") == "start")
    assert (start["url"], start["instance"]) == (mock.base_url, mock.base_url[len("http://") :])
    assert (start["stateBackend"], start["state"], start["version"]) == ("memory", None, "0.1.0")
    assert any(e["message"].startswith("Uvicorn running on") for e in events)
    assert any(e["message"] == "Application startup complete." for e in events)
    assert not any(e["logger"] == "uvicorn.access" for e in events)  # no second line a request
    assert {e["level"] for e in events} <= {"info"}


def test_json_mode_with_workers_logs_each_request_once(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    mock = start_mock(
        tmp_path,
        *("--log-format", "json", "--log-level", "info"),
        *("--workers", "2", "--state", str(state)),
    )
    try:
        seen = _traffic(mock)
        _lines(mock, LAST_PATH)
        # the readiness poll needs only one worker: the other may still be starting
        lines = _lines(mock, "Started server process", times=2)
    finally:
        mock.stop()
    events = _events(lines)  # the parent's and both workers' lines
    requests = _requests(events)
    assert Counter((e["method"], e["path"]) for e in requests) == _expected_requests(seen)
    submit = _one(requests, "POST", f"{API}/entrance/submit")
    assert (submit["operationId"], submit["user"], submit["status"]) == ("submit", "alice", 200)
    start = next(e for e in events if e.get("event") == "start")
    assert (start["workers"], start["stateBackend"], start["state"]) == (2, "sqlite", str(state))
    # uvicorn's worker messages, as JSON: the parent's, and each worker's start-up.
    messages = [e["message"] for e in events]
    assert sum(m.startswith("Started server process") for m in messages) == 2
    assert not any(e["logger"] == "uvicorn.access" for e in events)


def test_text_mode_stays_readable(tmp_path: Path) -> None:
    """Then, on the same server, a close fault's cut (_check_cut)."""
    mock = start_mock(tmp_path, "--log-level", "info")
    try:
        _traffic(mock)
        lines = _lines(mock, LAST_PATH)
        _cut(mock)
        log = _lines(mock, "closed the connection")
    finally:
        mock.stop()
    _check_cut(log, len(lines), "text")
    submits = [line for line in lines if f'"POST {API}/entrance/submit HTTP/1.1" 200' in line]
    assert len(submits) == 1  # uvicorn's access line, once: no request event beside it
    assert submits[0].startswith("INFO:")
    assert any(line.startswith("INFO:") and "Uvicorn running on" in line for line in lines)
    assert not any(line.lstrip().startswith("{") for line in lines)


def _cut(mock: RunningMock) -> None:
    rule: dict[str, Any] = {"operationId": "getClock", "action": "close"}
    mock.admin("POST", "/faults", json=rule)
    with pytest.raises(httpx.RemoteProtocolError):  # the reply stops after its start
        httpx.get(mock.admin_url + "/clock", timeout=5)


def _check_cut(log: list[str], since: int, log_format: str) -> None:
    """What a log at info level says of a connection a close fault cut (its lines from
    `since` on): that it was cut, by which rule (the server's first: f1), and nowhere a
    traceback. The JSON and the text test check it after their traffic."""
    text = "\n".join(log)
    lines = log[since:]
    cuts = [line for line in lines if "closed the connection" in line]
    assert len(cuts) == (2 if log_format == "json" else 1)  # json: the request event too
    assert "Traceback" not in text
    assert "Exception in ASGI application" not in text
    if log_format == "json":
        events = _events(lines)
        (cut,) = [e for e in events if e["logger"] == "uvicorn.error" and "closed" in e["message"]]
        assert (cut["level"], cut["message"]) == ("info", "fault rule f1 closed the connection")
        assert "traceback" not in cut
        (cut_request,) = [e for e in _requests(events) if "error" in e]
        assert cut_request["error"] == "ConnectionCut: fault rule f1 closed the connection"
    else:
        assert any(line.startswith("INFO:") and "fault rule f1" in line for line in cuts)


def test_a_close_fault_at_warning_level_prints_nothing(tmp_path: Path) -> None:
    """start_mock's `--log-level warning`: the cut's info line is below it."""
    mock = start_mock(tmp_path)
    try:
        _cut(mock)
        assert mock.admin("GET", "/faults")  # still serving
    finally:
        mock.stop()
    assert mock.log_path.read_text() == ""


def test_an_error_with_a_traceback_is_one_json_object() -> None:
    """What the JSON formatter makes of an unexpected error: the traceback as a field."""
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        record = logging.getLogger("linkis_mock.x").makeRecord(
            "linkis_mock.x", logging.ERROR, __file__, 1, "failed on %s", ("/p",), sys.exc_info()
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    event = json.loads(line)
    assert (event["level"], event["logger"], event["message"]) == (
        "error",
        "linkis_mock.x",
        "failed on /p",
    )
    assert event["traceback"].startswith("Traceback (most recent call last)")
    assert event["traceback"].endswith("ValueError: boom\nsecond line")


# ---- secrets never reach the logs (issue 25) -------------------------------------------------
SECRETS_CONFIG = """
[auth]
tokens = ["tok-SECRET-41"]
[[users]]
name = "carol"
password = "pw-SECRET-42"
[vias.tokens]
"vias-SECRET-43" = "0123456789abcdef0123456789abcdef"
"""
ADMIN_SECRET = "adm-SECRET-44"


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_no_password_token_or_ticket_is_logged(tmp_path: Path, log_format: str) -> None:
    config = tmp_path / "mock.toml"
    config.write_text(SECRETS_CONFIG)
    mock = start_mock(
        tmp_path,
        *("--config", str(config), "--log-format", log_format, "--log-level", "debug"),
        admin_token=ADMIN_SECRET,
    )
    try:
        carol = mock.logged_in("carol", "pw-SECRET-42")
        ticket = carol.cookies["linkis_user_session_ticket_id_v1"]
        carol.post("/entrance/submit", json=SUBMIT)
        wrong = mock.client().post(
            "/user/login", json={"userName": "carol", "password": "pw-SECRET-45"}
        )
        assert wrong.json()["status"] != 0
        mock.as_token("carol", "tok-SECRET-41").get("/user/userInfo")
        mock.as_token("carol", "tok-SECRET-46").get("/user/userInfo")  # a token it refuses
        vias = f"{mock.base_url}{VIAS}/{PROJECT}/tasks"
        mock.http.get(vias, headers={"X-Auth-Token": "vias-SECRET-43"})
        mock.admin("GET", "/snapshot")
        mock.http.get(mock.admin_url + "/clock", headers={"Authorization": "Bearer adm-SECRET-47"})
        mock.http.get(mock.api_url + "/user/userInfo?token=q-SECRET-48&password=q-SECRET-49&page=1")
        mock.http.get(mock.base_url + LAST_PATH)
        text = "\n".join(_lines(mock, LAST_PATH))
    finally:
        mock.stop()
    assert "/user/userInfo" in text  # the requests were logged...
    assert set(re.findall(r"[a-z]+-SECRET-\d+", text)) == set()  # ... and none of their secrets
    assert ticket not in text
    if log_format == "text":
        assert "token=[redacted]&password=[redacted]&page=1" in text
