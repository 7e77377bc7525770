"""The fast lane changes speed, not answers: the same requests get the same replies from a
server with it and a server without it, and it does answer the plain polls."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urlencode

import httpx
import pytest
from connexion.middleware.security import SecurityOperation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from linkis_mock.app import create_app
from linkis_mock.config import load_settings
from linkis_mock.testing import API, LocalMock, Mock
from tests.helpers.lanes import COOKIE, INSTANCE, WHO, credentials, with_and_without_the_lane
from tests.helpers.sim import submit_body

JOBS = (
    "--@mock duration=600\nselect 1",
    "--@mock queue=0 duration=1 log_lines=300\nselect 1",
    "--@mock outcome=Failed queue=0 duration=1\nselect 1",
)
OTHER_IDS = (
    f"exec_id018014linkis-cg-entrance{INSTANCE}IDE_alice_spark_99",
    "nope",
    "a b",
    "x" * 300,
    "IDE_alice_spark_0",
)
NAMES = ("taskID", "fromLine", "size", "distinctLevel", "other")
VALUES = (
    "1",
    "0",
    "-1",
    "-2",
    "01",
    "+1",
    "abc",
    "true",
    "false",
    "True",
    "",
    "2",
    "100",
    "99999999999999999999",
    "250",
    "1.5",
)


class Pair:
    """One server with the fast lane and one without, in the same state."""

    def __init__(self, fast: Mock, full: Mock) -> None:
        self.fast, self.full = fast, full
        self.exec_ids: list[str] = []
        self.tickets: dict[int, str] = {}  # by id(mock): both have the same base URL
        for mock in (fast, full):
            client = mock.as_token("alice")
            ids = [
                client.post("/entrance/submit", json=submit_body(code)).json()["data"]["execID"]
                for code in JOBS
            ]
            assert not self.exec_ids or ids == self.exec_ids
            self.exec_ids = ids
            mock.advance(5)
            self.tickets[id(mock)] = mock.logged_in("alice").cookies[COOKIE]

    def ask(self, mock: Mock, path: str, query: str, who: str, prefer: bool) -> httpx.Response:
        headers = {"Prefer": "code=500"} if prefer else {}
        headers |= credentials(who, self.tickets[id(mock)])
        url = f"{mock.api_url}{path}?{query}" if query else mock.api_url + path
        return mock.http.get(url, headers=headers)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    with with_and_without_the_lane(tmp_path_factory.mktemp("fast-lane")) as mocks:
        yield Pair(*mocks)


@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    endpoint=st.sampled_from(["status", "progress", "log"]),
    job=st.integers(0, len(JOBS) + len(OTHER_IDS) - 1),
    query=st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(VALUES)), max_size=3),
    who=st.sampled_from(WHO),
    prefer=st.booleans(),
)
def test_the_same_request_gets_the_same_reply_either_way(
    pair: Pair,
    endpoint: str,
    job: int,
    query: list[tuple[str, str]],
    *,
    who: str,
    prefer: bool,
) -> None:
    ids = [*pair.exec_ids, *OTHER_IDS]
    path = f"/entrance/{quote(ids[job], safe=':')}/{endpoint}"
    fast = pair.ask(pair.fast, path, urlencode(query), who, prefer)
    full = pair.ask(pair.full, path, urlencode(query), who, prefer)
    assert (fast.status_code, fast.headers.get("content-type")) == (
        full.status_code,
        full.headers.get("content-type"),
    )
    assert fast.content == full.content


def test_the_fast_lane_answers_plain_polls_without_connexion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With Connexion's security layer broken, plain polls still get 200 (the lane
    answered them), and anything the lane passes on shows the breakage."""
    app = create_app(load_settings())
    with TestClient(app, raise_server_exceptions=False) as client:
        token = {"Token-Code": "LINKIS-AUTH", "Token-User": "alice"}
        submitted = client.post(API + "/entrance/submit", json=submit_body(), headers=token)
        exec_id = submitted.json()["data"]["execID"]

        async def broken(*args: object) -> None:
            raise RuntimeError("Connexion was asked")

        monkeypatch.setattr(SecurityOperation, "__call__", broken)
        for endpoint in ("status", "progress", "log?fromLine=1&size=10"):
            assert (
                client.get(f"{API}/entrance/{exec_id}/{endpoint}", headers=token).status_code == 200
            )
        # The simulator's refusal of a plain poll is the lane's answer too, not Connexion's.
        unknown = client.get(f"{API}/entrance/unknown/status", headers=token)
        assert unknown.status_code == 400
        assert unknown.json()["status"] == 1
        passed_on = [
            client.get(f"{API}/entrance/{exec_id}/status", headers={**token, "Prefer": "code=400"}),
            client.get(f"{API}/entrance/{exec_id}/log?fromLine=01", headers=token),
            client.get(f"{API}/entrance/{exec_id}/status"),
        ]
        # Prefer is answered before security (its forced 400); the rest reach the breakage.
        assert [reply.status_code for reply in passed_on] == [400, 500, 500]


def test_a_poll_the_lane_takes_runs_its_handler_once(
    monkeypatch: pytest.MonkeyPatch, running_mock: LocalMock
) -> None:
    """An unknown job's poll is refused by the simulator: the lane answers that refusal
    itself rather than handing the request down to run the same handler again."""
    reads = running_mock.app.context.sim.entrance.reads
    asked: list[str] = []
    status = reads.status

    def counted(exec_id: str, task_id: int | None) -> object:
        asked.append(exec_id)
        return status(exec_id, task_id)

    monkeypatch.setattr(reads, "status", counted)
    reply = running_mock.as_token("alice").get("/entrance/nope/status")
    assert reply.status_code == 400
    assert asked == ["nope"]
