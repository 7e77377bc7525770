"""The state database lost while serving: 503s in each API's format, at once rather than
after a hang; the replica reconnects by itself, and no answered submit is lost."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import psycopg
import pytest

from linkis_mock.config import load_settings
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.simulator import Simulator
from linkis_mock.sim.storage.backend import StorageUnavailableError
from linkis_mock.sim.storage.postgres import PostgresBackend
from linkis_mock.testing import LocalMock, in_process
from tests.helpers.postgres import PostgresServer, fresh_database, throwaway_postgres
from tests.helpers.sim import submit_body

pytestmark = pytest.mark.runs_long

PROJECT = "0123456789abcdef0123456789abcdef"
VIAS = {"X-Auth-Token": "vias-dev-token"}
TIMEOUT_S = 1.0


@pytest.fixture(scope="module")
def module_database() -> Iterator[PostgresServer]:
    with throwaway_postgres() as server:
        yield server


@pytest.fixture
def database(module_database: PostgresServer) -> PostgresServer:
    """The module's own server (not the session's, which other test files share): its
    tests stop, freeze and start it; each begins with it running, on a database of its own."""
    if not module_database.is_running():
        module_database.start()
    return module_database


@pytest.fixture
def replica(database: PostgresServer, tmp_path: Path) -> Iterator[LocalMock]:
    config = tmp_path / "mock.toml"
    config.write_text(f"[state]\ntimeout_s = {TIMEOUT_S}\n")
    settings = load_settings(config, state=fresh_database(database))
    mock = in_process(settings)
    try:
        yield mock
    finally:
        database.start() if not database.is_running() else None
        mock.stop()


def submit(mock: LocalMock) -> tuple[int, dict[str, object]]:
    reply = mock.as_token("alice").post("/entrance/submit", json=submit_body())
    return reply.status_code, reply.json()


def test_a_database_down_is_a_503_in_each_apis_format_and_up_again_serves(
    database: PostgresServer, replica: LocalMock
) -> None:
    status, answered = submit(replica)
    assert status == 200
    database.stop()
    started = time.monotonic()
    status, linkis = submit(replica)
    assert status == 503
    assert (linkis["status"], linkis["data"]) == (1, {})
    assert "the state database postgresql://mock@127.0.0.1" in str(linkis["message"])
    vias = replica.client("/v2").get(f"/{PROJECT}/tasks", headers=VIAS)
    assert vias.status_code == 503
    assert vias.json()["error_code"] == "VIAS.00010006"
    assert vias.headers["x-request-id"]
    admin = replica.http.get(f"{replica.admin_url}/clock")
    assert admin.status_code == 503
    assert admin.headers["content-type"] == "application/problem+json"
    assert time.monotonic() - started < TIMEOUT_S * 3  # each failed at once, no hang
    database.start()
    deadline = time.monotonic() + 10
    while (status := submit(replica)[0]) == 503 and time.monotonic() < deadline:
        time.sleep(0.2)  # the replica tries a new connection at most once a second
    assert status == 200
    snapshot = replica.admin("GET", "/snapshot")
    task_ids = {job["ident"]["task_id"] for job in snapshot["jobs"]}
    assert answered["data"]["taskID"] in task_ids and len(task_ids) == 2  # type: ignore[index]


def test_a_reply_never_says_saved_what_the_database_did_not_keep(
    database: PostgresServer, replica: LocalMock
) -> None:
    """Memory a failed unit changed is thrown away: once back, the replica shows what
    the database holds, nothing more."""
    database.stop()
    assert submit(replica)[0] == 503
    database.start()
    deadline = time.monotonic() + 10
    while replica.http.get(f"{replica.admin_url}/clock").status_code == 503:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert replica.admin("GET", "/snapshot")["jobs"] == []
    status, again = submit(replica)
    assert status == 200 and again["data"]["taskID"] == 1  # type: ignore[index]


def test_a_database_that_stops_answering_is_a_503_after_the_timeout_not_a_hang(
    database: PostgresServer, replica: LocalMock
) -> None:
    """A frozen server keeps its connections open and answers nothing: each request
    waits at most `[state] timeout_s`, and once it runs again the replica serves."""
    assert submit(replica)[0] == 200
    with database.frozen():
        started = time.monotonic()
        status, linkis = submit(replica)
        waited = time.monotonic() - started
        assert status == 503, linkis
        assert f"no answer in {TIMEOUT_S:g} s" in str(linkis["message"])
        assert TIMEOUT_S * 0.9 <= waited < TIMEOUT_S + 2
    deadline = time.monotonic() + 10
    while (status := submit(replica)[0]) == 503 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status == 200


def test_each_connection_of_a_replica_bounds_its_wait_for_a_frozen_server(
    database: PostgresServer,
) -> None:
    """The change feed's connection (a request's look) and the units' connection alike,
    both open before the server froze, fail as unavailable within the timeout."""
    sim = Simulator(SimSettings())
    state = PostgresBackend(fresh_database(database), sim.stores, timeout_s=TIMEOUT_S)
    state.open()

    async def look_then_write() -> list[float]:
        await state.catch_up()  # the feed's connection made
        waits = []
        with database.frozen():
            for attempt in (state.catch_up, partial(_write_unit, state, sim)):
                started = time.monotonic()
                with pytest.raises(StorageUnavailableError, match="no answer in"):
                    await attempt()
                waits.append(time.monotonic() - started)
        return waits

    try:
        assert all(wait < TIMEOUT_S + 2 for wait in asyncio.run(look_then_write()))
    finally:
        state.close()


async def _write_unit(state: PostgresBackend, sim: Simulator) -> None:
    """A unit that writes a row (a unit that changes nothing sends nothing)."""
    with state.unit(writes=True):
        sim.users.login("alice", "alice", None)


def test_a_database_that_refuses_the_mocks_statements_is_a_503_not_a_500(
    database: PostgresServer,
) -> None:
    """Someone dropped a table under the running mock: each request that needs it says
    so, in its API's format, and nothing crashes."""
    url = fresh_database(database)
    mock = in_process(load_settings(state=url))
    try:
        assert submit(mock)[0] == 200
        with psycopg.connect(url, autocommit=True) as db:
            db.execute("DROP TABLE jobs")
        status, linkis = submit(mock)
        assert status == 503, linkis
        assert 'relation "jobs" does not exist' in str(linkis["message"])
        assert (linkis["status"], linkis["data"]) == (1, {})
    finally:
        mock.stop()


def test_readiness_says_why_it_is_not_ready_and_liveness_stays_up(
    database: PostgresServer, replica: LocalMock
) -> None:
    """An orchestrator takes a replica whose database is away out of rotation (readiness),
    but does not restart it (liveness), which would not bring the database back."""
    admin = replica.admin_url

    def ready_again() -> None:
        deadline = time.monotonic() + 10
        while (ready := replica.http.get(admin + "/ready")).status_code != 200:
            assert time.monotonic() < deadline, "never ready again"
            time.sleep(0.2)
        assert ready.json()["state"] == "postgresql"

    ready_again()
    database.stop()
    down = replica.http.get(admin + "/ready")
    assert down.status_code == 503
    assert down.headers["content-type"] == "application/problem+json"
    assert down.json()["detail"].startswith("the state database postgresql://")
    assert replica.http.get(admin + "/health").status_code == 200
    database.start()
    ready_again()
    with database.frozen():  # a database that answers nothing: the timeout, not a hang
        started = time.monotonic()
        frozen = replica.http.get(admin + "/ready", timeout=30)
        assert frozen.status_code == 503
        assert f"no answer in {TIMEOUT_S:g} s" in frozen.json()["detail"]
        assert time.monotonic() - started < TIMEOUT_S + 2
        assert replica.http.get(admin + "/health", timeout=5).status_code == 200
    ready_again()
