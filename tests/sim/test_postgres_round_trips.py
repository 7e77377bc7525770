"""What a unit of work costs on a PostgreSQL link, counted in round trips by a relay in
front of the server (bench/relay.py, the one `make bench` measures the link with): a
unit that writes waits on the link once, its writes and the commit in one pipeline,
however many rows it writes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.relay import Relay
from linkis_mock.sim.simulator import Simulator
from linkis_mock.sim.storage.postgres import PostgresBackend
from tests.helpers.postgres import PostgresServer, fresh_database
from tests.helpers.sim import ALICE, BOB, make_sim, submit

BODY = {"name": "cam-1", "input": {"type": "edgecamera", "data": []}, "output": {}}


@pytest.fixture
def relay(postgres: PostgresServer) -> Iterator[Relay]:
    relay = Relay("127.0.0.1", postgres.port)
    relay.start()
    try:
        yield relay
    finally:
        relay.stop()


def through(relay: Relay, url: str) -> str:
    """The database's URL, at the relay's port instead of the server's."""
    host = "127.0.0.1"
    server_port = url.split(f"@{host}:", 1)[1].split("/", 1)[0]
    return url.replace(f"@{host}:{server_port}/", f"@{host}:{relay.port}/")


def opened(relay: Relay, url: str) -> tuple[Simulator, PostgresBackend]:
    sim = make_sim()
    state = PostgresBackend(through(relay, url), sim.stores)
    state.open()
    return sim, state


def test_a_unit_that_writes_is_one_round_trip(relay: Relay, postgres: PostgresServer) -> None:
    url = fresh_database(postgres)
    sim, state = opened(relay, url)
    try:
        relay.reset_count()
        with state.unit(writes=True):  # its taskID was fetched when the state opened
            submit(sim, ALICE, "select 1")
        assert relay.round_trips == 1
        relay.reset_count()
        with state.unit(writes=True):  # several rows: a job, a session, a task
            submit(sim, BOB, "select 2")
            sim.users.login("alice", "alice", None)
            sim.vias.create("*", "p1", "svc", BODY)
        assert relay.round_trips == 1
    finally:
        state.close()


def test_a_unit_after_another_replicas_commit_reads_what_it_wrote(
    relay: Relay, postgres: PostgresServer
) -> None:
    """The look finds another replica's commit and takes it in, one snapshot's reads in
    one round trip; the unit then commits in one more."""
    url = fresh_database(postgres)
    first, first_state = opened(relay, url)
    second, second_state = opened(relay, url)
    try:
        with first_state.unit(writes=True):
            _, first_task = submit(first, ALICE, "select 1")
        relay.reset_count()
        second_state.refresh()  # as the pipeline does first
        with second_state.unit(writes=True):
            _, second_task = submit(second, BOB, "select 2")
        # The look with what the first wrote, then the commit.
        assert relay.round_trips == 2
        assert second_task != first_task
        assert second.stores.jobs.by_task_id(first_task) is not None
    finally:
        first_state.close()
        second_state.close()
