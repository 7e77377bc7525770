"""The admin plane answers only its owners (issue 25): the admin token, the plane beyond
loopback, what a browser on another site can send to a loopback mock, the health probes,
and session tickets only for the owners. In process; the image tests repeat the rules
through a container bound beyond loopback."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from linkis_mock.config import load_settings
from linkis_mock.specs import ADMIN_SPEC, load_spec
from linkis_mock.testing import LocalMock, in_process

TOKEN = "team-admin-token-1"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
SUBMIT = {
    "executionContent": {"code": "select 1\n--@mock duration=30", "runType": "sql"},
    "labels": {"engineType": "spark-2.4.3"},
}
PROBES = {"getHealth", "getReadiness"}
# Every admin operation with a request that reaches it: (method, path, body).
PLACEHOLDERS = {
    "taskID": "1",
    "task_id": "ffffffffffffffffffffffffffffffff",
    "id": "f1",
    "user": "alice",
}


def admin_operations() -> list[tuple[str, str, str]]:
    """(operationId, method, path under /__admin) of every operation the admin spec has."""
    spec = load_spec(ADMIN_SPEC)
    found = []
    for template, item in spec["paths"].items():
        path = re.sub(r"\{([^}]+)\}", lambda m: PLACEHOLDERS[m[1]], template)
        for method, operation in item.items():
            if method in {"get", "put", "post", "delete"}:
                found.append((operation["operationId"], method.upper(), path))
    return found


OPERATIONS = admin_operations()


def mock_with(tmp_path: Path, config: str) -> LocalMock:
    path = tmp_path / "mock.toml"
    path.write_text(config)
    return in_process(load_settings(path))


@pytest.fixture(scope="module")
def guarded_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMock]:
    mock = mock_with(tmp_path_factory.mktemp("guarded"), f'[admin]\ntoken = "{TOKEN}"\n')
    try:
        yield mock
    finally:
        mock.stop()


@pytest.fixture
def guarded(guarded_mock: LocalMock) -> LocalMock:
    """A loopback mock with an admin token set, reset for the test."""
    guarded_mock.reset()
    return guarded_mock


def admin_call(mock: LocalMock, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return mock.http.request(method, mock.admin_url + path, **kwargs)


def problem(reply: httpx.Response, status: int) -> str:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    body = reply.json()
    assert body["status"] == status and body["type"] == "about:blank"
    detail: str = body["detail"]
    return detail


# ---- the health probes ---------------------------------------------------------------------


def test_the_spec_leaves_exactly_the_health_probes_open() -> None:
    spec = load_spec(ADMIN_SPEC)
    assert spec["security"] == [{"adminToken": []}]
    open_ones = {
        operation["operationId"]
        for item in spec["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and operation.get("security") == []
    }
    assert open_ones == PROBES


def test_health_and_readiness_answer_without_the_token(guarded: LocalMock) -> None:
    health = admin_call(guarded, "GET", "/health")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "instance": "127.0.0.1:8080"}
    ready = admin_call(guarded, "GET", "/ready")
    assert ready.status_code == 200
    assert ready.json() == {
        "ready": True,
        "specs": ["linkis-entrance.yaml", "vias-task.yaml", "admin.yaml"],
        "state": "memory",
    }


def test_the_probes_are_never_journaled(mock: LocalMock) -> None:
    mock.admin("DELETE", "/journal")
    for path in ("/health", "/ready"):
        assert admin_call(mock, "GET", path).status_code == 200
    assert mock.admin("GET", "/journal")["entries"] == []


def test_readiness_names_the_state_file_it_read(tmp_path: Path) -> None:
    mock = in_process(load_settings(), state=tmp_path / "mock.db")
    try:
        ready = admin_call(mock, "GET", "/ready")
        assert ready.status_code == 200
        assert ready.json()["state"] == "sqlite"
    finally:
        mock.stop()


# ---- the token ------------------------------------------------------------------------------


@pytest.mark.parametrize(("operation_id", "method", "path"), OPERATIONS)
def test_every_operation_but_the_probes_needs_the_token(
    guarded: LocalMock, operation_id: str, method: str, path: str
) -> None:
    body: dict[str, Any] | None = {} if method in {"POST", "PUT"} else None
    without = admin_call(guarded, method, path, json=body)
    if operation_id in PROBES:
        assert without.status_code == 200, without.text
        return
    detail = problem(without, 401)
    assert detail == "the admin API needs the admin token: Authorization: Bearer <token>"
    assert without.headers["www-authenticate"] == 'Bearer realm="linkis-mock admin"'
    wrong = admin_call(guarded, method, path, json=body, headers={"Authorization": "Bearer x"})
    assert problem(wrong, 401) == "the admin token given is not this mock's"
    right = admin_call(guarded, method, path, json=body, headers=BEARER)
    assert right.status_code != 401, right.text


def test_the_token_opens_the_plane_and_nothing_changes_without_it(guarded: LocalMock) -> None:
    submitted = guarded.as_token("alice").post("/entrance/submit", json=SUBMIT).json()
    assert submitted["status"] == 0
    assert admin_call(guarded, "POST", "/reset").status_code == 401
    assert (
        admin_call(
            guarded,
            "POST",
            "/faults",
            json={"operationId": "getStatus", "action": "error", "status": 500},
        ).status_code
        == 401
    )
    jobs = admin_call(guarded, "GET", "/jobs", headers={"authorization": f"bearer {TOKEN}"})
    assert jobs.status_code == 200  # the scheme's name is not case-sensitive
    assert [job["taskID"] for job in jobs.json()["jobs"]] == [submitted["data"]["taskID"]]
    assert admin_call(guarded, "GET", "/faults", headers=BEARER).json()["rules"] == []
    for wrong in ("Basic " + TOKEN, TOKEN, "Bearer", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}"):
        assert (
            admin_call(guarded, "GET", "/jobs", headers={"Authorization": wrong}).status_code == 401
        )


def test_the_helpers_send_the_token(guarded: LocalMock) -> None:
    assert guarded.admin_token == TOKEN
    guarded.freeze()
    guarded.advance(3)
    assert guarded.admin("GET", "/clock")["frozen"] is True


def test_the_static_pages_hold_no_state_and_need_no_token(guarded: LocalMock) -> None:
    """The dashboard page asks for the token itself; the spec and Swagger UI are public."""
    page = admin_call(guarded, "GET", "/ui/")
    assert page.status_code == 200
    assert 'id="token-form"' in page.text
    assert admin_call(guarded, "GET", "/openapi.json").json()["info"]["title"]
    assert admin_call(guarded, "GET", "/docs/").status_code == 200


# ---- beyond loopback ------------------------------------------------------------------------


def test_beyond_loopback_with_no_token_the_plane_is_shut(tmp_path: Path) -> None:
    mock = mock_with(tmp_path, '[server]\nhost = "0.0.0.0"\n')
    try:
        assert mock.admin_token is None
        detail = problem(admin_call(mock, "GET", "/snapshot"), 401)
        assert "no admin token is set" in detail
        assert admin_call(mock, "GET", "/health").status_code == 200
        # No Host rule beyond loopback: replicas are reached by any name.
        other_name = {"Host": "mock-1.ci.internal:8080"}
        assert admin_call(mock, "GET", "/ready", headers=other_name).status_code == 200
    finally:
        mock.stop()


def test_a_plane_opened_on_purpose_answers_all_but_shows_no_ticket(tmp_path: Path) -> None:
    mock = mock_with(tmp_path, '[server]\nhost = "0.0.0.0"\n[admin]\nopen = true\n')
    try:
        alice = mock.logged_in("alice")
        alice.post("/entrance/submit", json=SUBMIT)
        snapshot = admin_call(mock, "GET", "/snapshot")
        assert snapshot.status_code == 200
        assert snapshot.json()["sessions"] == []
        assert len(snapshot.json()["jobs"]) == 1
        ticket = alice.cookies["linkis_user_session_ticket_id_v1"]
        assert ticket not in snapshot.text
    finally:
        mock.stop()


def test_owners_get_the_session_tickets(guarded: LocalMock, mock: LocalMock) -> None:
    for owner in (guarded, mock):  # the token's holder; a local caller of a loopback mock
        ticket = owner.logged_in("bob").cookies["linkis_user_session_ticket_id_v1"]
        sessions = owner.admin("GET", "/snapshot")["sessions"]
        assert [(s["ticket"], s["user"]) for s in sessions] == [(ticket, "bob")]


# ---- a browser on another site, against a loopback mock -------------------------------------


CHANGES = [
    ("POST", "/reset", None),
    ("PUT", "/clock", {"frozen": False}),
    ("POST", "/clock/advance", {"seconds": 60}),
    ("POST", "/faults", {"operationId": "getStatus", "action": "error", "status": 500}),
    ("DELETE", "/journal", None),
    ("PUT", "/snapshot", {"version": 1}),
]


@pytest.mark.parametrize(("method", "path", "body"), CHANGES)
@pytest.mark.parametrize(
    "browser",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:3000"},  # another port is another origin
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://localhost:8080", "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_change_from_another_site_is_refused_and_changes_nothing(
    mock: LocalMock, method: str, path: str, body: Any, browser: dict[str, str]
) -> None:
    task_id = mock.as_token("alice").post("/entrance/submit", json=SUBMIT).json()["data"]["taskID"]
    before = mock.admin("GET", "/snapshot")
    reply = admin_call(mock, method, path, json=body, headers=browser)
    detail = problem(reply, 403)
    assert "another" in detail
    after = mock.admin("GET", "/snapshot")
    assert after == before
    assert [job["taskID"] for job in mock.admin("GET", "/jobs")["jobs"]] == [task_id]
    assert mock.admin("GET", "/faults")["rules"] == []


@pytest.mark.parametrize(
    "own",
    [
        {"Origin": "http://127.0.0.1:8080"},
        {"Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {},  # curl, scripts and the test helpers send neither
    ],
)
def test_the_dashboard_on_its_own_origin_and_local_tools_may_change_state(
    mock: LocalMock, own: dict[str, str]
) -> None:
    reply = admin_call(mock, "POST", "/clock/advance", json={"seconds": 1}, headers=own)
    assert reply.status_code == 200, reply.text


def test_reads_from_another_origin_are_left_to_cors(mock: LocalMock) -> None:
    """A GET changes nothing, and without CORS headers a page on another origin cannot read
    the reply: the admin API sends none."""
    reply = admin_call(mock, "GET", "/clock", headers={"Origin": "https://evil.example"})
    assert reply.status_code == 200
    assert "access-control-allow-origin" not in reply.headers


@pytest.mark.parametrize("path", ["/snapshot", "/ui/", "/health", "/openapi.json", "/journal"])
@pytest.mark.parametrize("host", ["rebind.example:8080", "rebind.example", "10.0.0.5:8080", ""])
def test_a_name_that_is_not_loopback_is_refused_dns_rebinding(
    mock: LocalMock, path: str, host: str
) -> None:
    reply = admin_call(mock, "GET", path, headers={"Host": host})
    detail = problem(reply, 403)
    assert detail.startswith("the admin API answers only to loopback names on a loopback mock")


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:8080",
        "localhost:8080",
        "LOCALHOST",
        "[::1]:8080",
        "127.0.0.2",
        "app.localhost:9000",
    ],
)
def test_loopback_names_are_answered(mock: LocalMock, host: str) -> None:
    assert admin_call(mock, "GET", "/snapshot", headers={"Host": host}).status_code == 200


def test_the_linkis_and_vias_apis_are_not_held_to_the_admin_rules(mock: LocalMock) -> None:
    foreign = {"Host": "rebind.example:8080", "Origin": "http://localhost:5173"}
    alice = mock.as_token("alice")
    submitted = alice.post("/entrance/submit", json=SUBMIT, headers=foreign)
    assert submitted.status_code == 200, submitted.text
    # Their configured CORS still answers the allowed origin.
    assert submitted.headers["access-control-allow-origin"] == "http://localhost:5173"
