"""PostgreSQL's counter feed on a stand-in connection: requests that overlap share one
query of `seq`, and none is answered by a query sent before it asked."""

from __future__ import annotations

import asyncio
from typing import cast

import psycopg
import pytest

from linkis_mock.sim.storage.backend import StorageUnavailableError
from linkis_mock.sim.storage.counter_feed import CounterFeed


class Database:
    """Counts the queries it is sent; the seq it answers is that count (so a result
    tells which query gave it). `hold` keeps each answer back until it is set."""

    def __init__(self) -> None:
        self.sent = 0
        self.connections = 0
        self.hold = asyncio.Event()
        self.hold.set()
        self.refuse: psycopg.Error | None = None
        self.drop: psycopg.Error | None = None  # what the next query fails with

    async def connect(self) -> psycopg.AsyncConnection[tuple[str]]:
        if self.refuse is not None:
            raise self.refuse
        self.connections += 1
        return cast("psycopg.AsyncConnection[tuple[str]]", Connection(self))


class Connection:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.pgconn = self

    async def execute(self, sql: str) -> Cursor:
        assert "seq" in sql
        self.database.sent += 1
        sent = self.database.sent
        await self.database.hold.wait()
        if self.database.drop is not None:
            failure, self.database.drop = self.database.drop, None
            raise failure
        return Cursor(sent)

    def finish(self) -> None:
        pass


class Cursor:
    def __init__(self, value: int) -> None:
        self.value = value

    async def fetchone(self) -> tuple[str]:
        return (str(self.value),)


def _feed(database: Database, retry_s: float = 60.0) -> CounterFeed:
    return CounterFeed("postgresql://mock@db/state", database.connect, retry_s)


def test_requests_that_come_together_share_one_query() -> None:
    database = Database()
    feed = _feed(database)

    async def main() -> list[int]:
        return await asyncio.gather(*(feed.latest_seq() for _ in range(50)))

    assert asyncio.run(main()) == [1] * 50
    assert database.sent == 1


def test_a_request_that_comes_while_a_query_is_out_waits_for_the_next_one() -> None:
    """The query out was sent before it asked, so it may miss a commit the request
    follows: the request is answered by the next query, which the others share."""
    database = Database()
    feed = _feed(database)

    async def main() -> tuple[int, list[int]]:
        database.hold.clear()
        first = asyncio.ensure_future(feed.latest_seq())
        await asyncio.sleep(0.01)
        assert database.sent == 1
        later = [asyncio.ensure_future(feed.latest_seq()) for _ in range(10)]
        await asyncio.sleep(0.01)
        assert database.sent == 1  # nothing more is sent while the first is out
        database.hold.set()
        return await first, await asyncio.gather(*later)

    assert asyncio.run(main()) == (1, [2] * 10)
    assert database.sent == 2


def test_each_lone_request_sends_its_own_query() -> None:
    database = Database()
    feed = _feed(database)

    async def main() -> list[int]:
        return [await feed.latest_seq() for _ in range(3)]

    assert asyncio.run(main()) == [1, 2, 3]
    assert database.connections == 1


def test_a_request_whose_client_left_cancels_no_one_elses_query() -> None:
    database = Database()
    feed = _feed(database)

    async def main() -> int:
        database.hold.clear()
        leaving = asyncio.ensure_future(feed.latest_seq())
        staying = asyncio.ensure_future(feed.latest_seq())
        await asyncio.sleep(0.01)
        leaving.cancel()
        database.hold.set()
        return await staying

    assert asyncio.run(main()) == 1


def test_a_database_that_cannot_be_reached_fails_every_waiter_and_is_retried_later() -> None:
    database = Database()
    database.refuse = psycopg.OperationalError("connection refused")
    feed = _feed(database, retry_s=0.05)

    async def main() -> list[BaseException | int]:
        return await asyncio.gather(*(feed.latest_seq() for _ in range(3)), return_exceptions=True)

    failures = asyncio.run(main())
    assert all(isinstance(failure, StorageUnavailableError) for failure in failures)
    assert str(failures[0]) == (
        "the state database postgresql://mock@db/state is unavailable: connection refused"
    )
    database.refuse = None
    with pytest.raises(StorageUnavailableError):  # within retry_s: no new attempt
        asyncio.run(feed.latest_seq())
    assert database.connections == 0

    async def later() -> int:
        await asyncio.sleep(0.06)
        return await feed.latest_seq()

    assert asyncio.run(later()) == 1
    assert database.connections == 1


def test_a_connection_lost_in_a_query_fails_its_waiters_and_a_new_one_is_made() -> None:
    """(A database that stops answering ends the same way: the connection's own
    deadline fails the query, tests/http/test_state_unavailable.py.)"""
    database = Database()
    feed = _feed(database, retry_s=0.0)
    database.drop = psycopg.OperationalError("no answer in 5 s")
    with pytest.raises(StorageUnavailableError, match="unavailable: no answer in 5 s"):
        asyncio.run(feed.latest_seq())
    assert asyncio.run(feed.latest_seq()) == 2  # a new connection, a new query
    assert database.connections == 2


def test_any_other_failure_of_a_query_fails_its_waiters_rather_than_leave_them_waiting() -> None:
    database = Database()
    feed = _feed(database)
    database.drop = psycopg.errors.UndefinedTable('relation "meta" does not exist')

    async def main() -> list[BaseException | int]:
        return await asyncio.gather(*(feed.latest_seq() for _ in range(3)), return_exceptions=True)

    failures = asyncio.run(asyncio.wait_for(main(), 5))
    assert all(isinstance(failure, StorageUnavailableError) for failure in failures)
    assert 'relation "meta" does not exist' in str(failures[0])


def test_a_connection_from_another_event_loop_is_replaced() -> None:
    """Each asyncio.run is a new loop, as in-process tests' apps may see."""
    database = Database()
    feed = _feed(database)
    asyncio.run(feed.latest_seq())
    asyncio.run(feed.latest_seq())
    assert database.connections == 2
