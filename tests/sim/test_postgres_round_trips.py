"""What a unit of work costs on a PostgreSQL link, counted in round trips by a relay in
front of the server (bench/relay.py, the one `make bench` measures the link with): a
unit that writes waits on the link once, its writes and the commit in one pipeline,
however many rows it writes, and a request's look once, with what others committed."""

from __future__ import annotations

import asyncio
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
        relay.reset_count()
        with state.unit(writes=True):  # it changes nothing: nothing to send
            pass
        assert relay.round_trips == 0
    finally:
        state.close()


def test_a_submit_after_another_replicas_commit_is_two_round_trips(
    relay: Relay, postgres: PostgresServer
) -> None:
    """As a request runs: its look at the change feed brings what the other replica
    committed (one snapshot, one round trip), and its unit commits in one more; counted
    over both of the replica's connections."""
    url = fresh_database(postgres)
    first, first_state = opened(relay, url)
    second, second_state = opened(relay, url)

    async def requests() -> tuple[int, int]:
        await second_state.catch_up()  # the feed's connection made, as by an earlier request
        with first_state.unit(writes=True):
            _, first_task = submit(first, ALICE, "select 1")
        relay.reset_count()
        await second_state.catch_up()
        with second_state.unit(writes=True):
            _, second_task = submit(second, BOB, "select 2")
        return first_task, second_task

    try:
        first_task, second_task = asyncio.run(requests())
        assert relay.round_trips == 2
        assert second_task != first_task
        assert second.stores.jobs.by_task_id(first_task) is not None
    finally:
        first_state.close()
        second_state.close()


def test_a_look_that_finds_nothing_new_is_one_round_trip(
    relay: Relay, postgres: PostgresServer
) -> None:
    url = fresh_database(postgres)
    _, state = opened(relay, url)

    async def looks() -> None:
        await state.catch_up()
        relay.reset_count()
        await state.catch_up()

    try:
        asyncio.run(looks())
        assert relay.round_trips == 1
    finally:
        state.close()


def test_units_that_end_together_commit_in_one_round_trip(
    relay: Relay, postgres: PostgresServer
) -> None:
    """Requests that arrive together share one look and one commit (their units end in
    the same turn of the event loop), and each is answered only once the commit is
    through: another replica then finds every job."""
    url = fresh_database(postgres)
    sim, state = opened(relay, url)
    other, other_state = opened(relay, url)

    async def submit_together(count: int, first: int) -> list[int]:
        async def one(number: int) -> int:
            await state.catch_up()  # as each request does first (StorageSync)
            with state.unit(writes=True, grouped=True):
                _, task_id = submit(sim, ALICE, f"select {number}")
            await state.committed()
            return task_id

        return await asyncio.gather(*(one(first + n) for n in range(count)))

    async def requests() -> tuple[list[int], list[int], int]:
        await state.catch_up()
        # The first group takes more taskIDs than the one at hand (fetched one by one),
        # and its commit fetches as many for the next groups.
        warm = await submit_together(5, 0)
        warm += await submit_together(2, 5)  # fewer: as many are kept at hand as before
        relay.reset_count()
        grouped = await submit_together(5, 7)
        trips = relay.round_trips
        await other_state.catch_up()
        return warm, grouped, trips

    try:
        warm, grouped, trips = asyncio.run(requests())
        assert trips == 2  # the look and the commit, for five submits
        assert len(set(warm + grouped)) == 12
        assert all(other.stores.jobs.by_task_id(task) is not None for task in warm + grouped)
    finally:
        state.close()
        other_state.close()
