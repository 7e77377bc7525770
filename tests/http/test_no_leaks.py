"""No reply carries a stack trace or an internal path, whatever went wrong; session
tickets are random and cannot be forged."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from starlette.testclient import TestClient

from linkis_mock.app import create_app
from linkis_mock.config import load_settings
from linkis_mock.sim.simulator import Simulator
from linkis_mock.testing import Mock
from tests.helpers.hostile import BODIES, CREATE, SUBMIT, TOKEN, VIAS

# What a leaked traceback or internal detail looks like.
LEAKS = re.compile(
    r"Traceback|File \"|\.py\b|site-packages|/work/|/usr/|linkis_mock|connexion|starlette"
    r"|uvicorn|Error\(|Exception\(|0x[0-9a-f]{6,}",
)
SECRET = "/srv/secret/module.py line 42: KeyError('boom')"


def assert_no_leak(reply: httpx.Response) -> None:
    assert reply.status_code < 600
    assert not LEAKS.search(reply.text), reply.text[:500]
    assert SECRET not in reply.text


def error_replies(mock: Mock) -> Iterator[httpx.Response]:
    """One of every kind of refusal the three APIs give."""
    http, base = mock.http, mock.base_url
    json_type = {"Content-Type": "application/json"}
    for body in BODIES.values():
        yield http.post(base + SUBMIT, content=body, headers={**TOKEN, **json_type})
        yield http.post(base + CREATE, content=body, headers={**VIAS, **json_type})
        yield http.put(base + "/__admin/snapshot", content=body, headers=json_type)
    api = base + "/api/rest_j/v1"
    yield http.get(api + "/entrance/nope/status", headers=TOKEN)
    yield http.get(api + "/entrance/nope/kill?taskID=abc", headers=TOKEN)
    yield http.get(api + "/jobhistory/1/get")  # not logged in
    yield http.get(api + "/jobhistory/1/get", headers={"Token-Code": "forged", "Token-User": "x"})
    yield http.get(api + "/filesystem/openFile?path=../../etc/passwd", headers=TOKEN)
    yield http.delete(api + "/entrance/submit", headers=TOKEN)
    yield http.get(base + CREATE.replace("/tasks", "/tasks/x"), headers=VIAS)
    yield http.get(base + CREATE, headers={"X-Auth-Token": "forged"})
    yield http.post(base + "/__admin/jobs/999/state", json={"state": "Failed"})
    yield http.post(base + "/__admin/clock/advance", json={"seconds": -1})
    yield http.put(base + "/__admin/snapshot", json={"version": 1, "jobs": [{}]})
    yield http.post(base + "/__admin/faults", json={"operationId": 5})


def test_refusals_carry_no_stack_trace_or_path(running_mock: Mock) -> None:
    replies = list(error_replies(running_mock))
    assert all(400 <= reply.status_code < 500 for reply in replies), [
        (r.request.url, r.status_code) for r in replies if r.status_code < 400
    ]
    for reply in replies:
        assert_no_leak(reply)


def break_simulator(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> None:
    """Makes the simulator's reads fail with an exception that names a file."""

    def fail(*args: object) -> None:
        raise KeyError(SECRET)

    for target, name in (
        (sim.entrance.reads, "status"),
        (sim.vias, "show"),
        (sim.entrance.on_demand, "job_summaries"),
    ):
        monkeypatch.setattr(target, name, fail)


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/rest_j/v1/entrance/x/status", TOKEN),
        ("/v2/0123456789abcdef0123456789abcdef/tasks/0123456789abcdef0123456789abcdef", VIAS),
        ("/__admin/jobs", {}),
    ],
)
def test_an_unexpected_error_is_a_plain_500_in_the_apis_format(
    path: str, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(load_settings())
    break_simulator(app.context.sim, monkeypatch)
    # A loopback mock's admin API answers only to loopback names (not TestClient's own).
    local = "http://127.0.0.1:8080"
    with TestClient(app, base_url=local, raise_server_exceptions=False) as client:
        reply = client.get(path, headers=headers)
    assert reply.status_code == 500
    assert_no_leak(reply)
    body = reply.json()
    assert (
        body.get("status") == 1  # Linkis envelope
        or body.get("error_code") == "VIAS.00010006"  # VIAS: an internal error occurs
        or body.get("title") == "Internal Server Error"  # admin problem+json
    ), body


def test_session_tickets_are_random_and_cannot_be_forged(running_mock: Mock) -> None:
    tickets = set()
    for _ in range(5):
        client = running_mock.logged_in("alice")
        tickets.add(client.cookies["linkis_user_session_ticket_id_v1"])
    assert len(tickets) == 5
    assert all(len(ticket) >= 43 for ticket in tickets)  # 256 random bits, URL-safe base64
    real = next(iter(tickets))
    for forged in (real[:-1] + ("A" if real[-1] != "A" else "B"), real.upper(), "alice", ""):
        reply = running_mock.http.get(
            running_mock.api_url + "/user/userInfo",
            headers={"Cookie": f"linkis_user_session_ticket_id_v1={forged}"},
        )
        assert reply.status_code == 401, forged
