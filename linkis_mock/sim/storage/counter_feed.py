"""PostgreSQL's `counter` change feed: how a replica learns, before it answers a request,
whether another replica committed, at the cost of one query shared by every request
that comes in while the one before it is out.

A request must see every commit made before it began. A query of the `seq` meta row
that is *sent* after the request began sees them all, so the requests that arrive while
a query is out all wait for the next one, which is sent as soon as that query returns:
under load one round trip serves a whole batch of polls, and a lone request pays one.
The query may be the backend's own (`look`): PostgresBackend reads the newer rows with
`seq` and takes them in, so that what it finds costs no second round trip.

It has its own asyncio connection, so that requests await the answer instead of
blocking the event loop, and the units' connection stays free for the units. The
connection bounds each wait for the server (storage.pg_connections), as `connect`
makes it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress

import psycopg

from linkis_mock.sim.storage.backend import StorageUnavailableError
from linkis_mock.sim.storage.pg_connections import Row, describe

SEQ_QUERY = "SELECT value FROM meta WHERE key = 'seq'"
Connect = Callable[[], Awaitable[psycopg.AsyncConnection[Row]]]
Look = Callable[[psycopg.AsyncConnection[Row]], Awaitable[int]]


class CounterFeed:
    """The latest committed `seq`, read by a query sent after the caller asked."""

    def __init__(
        self, name: str, connect: Connect, retry_s: float, look: Look | None = None
    ) -> None:
        """`name`: the database as messages show it; `connect` opens the feed's
        connection; after a failure, a new connection is tried at most once every
        `retry_s`, and requests meanwhile fail at once. `look`: the query to send
        instead of reading `seq` alone (one that also takes in what it finds), which
        answers the latest `seq` all the same."""
        self._name = name
        self._connect = connect
        self._retry_s = retry_s
        self._look = look
        self._db: psycopg.AsyncConnection[Row] | None = None
        self._db_loop: asyncio.AbstractEventLoop | None = None
        self._next: asyncio.Future[int] | None = None  # the query not sent yet: its waiters
        self._sender: asyncio.Task[None] | None = None
        self._next_attempt = 0.0
        self._failure = ""
        # The connection serves one query at a time (a pipeline must not take in another
        # task's statement).
        self._turn: asyncio.Lock | None = None
        self._turn_loop: asyncio.AbstractEventLoop | None = None

    async def latest_seq(self) -> int:
        """The `seq` row as a query sent after this call began reads it (0 if none).
        Raises StorageUnavailableError when the database cannot answer."""
        loop = asyncio.get_running_loop()
        if self._next is None or self._next.get_loop() is not loop:
            self._next = loop.create_future()
        if self._sender is None or self._sender.get_loop() is not loop:
            self._sender = loop.create_task(self._send_queries())
        # shield: a waiter cancelled (its client left) cancels no one else's query
        return await asyncio.shield(self._next)

    async def _send_queries(self) -> None:
        """One query for each batch of waiters, until no one waits."""
        try:
            while (waiters := self._next) is not None:
                self._next = None  # who asks from now on waits for the next query
                try:
                    waiters.set_result(await self._query())
                except StorageUnavailableError as exc:
                    waiters.set_exception(exc)
                except Exception as exc:  # a waiter left unanswered would hang
                    waiters.set_exception(StorageUnavailableError.of(self._name, describe(exc)))
        finally:
            self._sender = None

    def _one_at_a_time(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._turn is None or self._turn_loop is not loop:
            self._turn, self._turn_loop = asyncio.Lock(), loop
        return self._turn

    async def _query(self) -> int:
        async with self._one_at_a_time():
            db = await self._connection()
            try:
                if self._look is not None:
                    return await self._look(db)
                cursor = await db.execute(SEQ_QUERY)
                row = await cursor.fetchone()
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                raise self._lose(exc) from exc
        return int(row[0]) if row is not None else 0

    async def _connection(self) -> psycopg.AsyncConnection[Row]:
        loop = asyncio.get_running_loop()
        if self._db is not None and self._db_loop is loop:
            return self._db
        self.close()  # one made in another event loop (an earlier test's) is of no use
        if time.monotonic() < self._next_attempt:
            raise StorageUnavailableError.of(self._name, self._failure)
        try:
            db = await self._connect()
        except psycopg.Error as exc:
            raise self._lose(exc) from exc
        self._db, self._db_loop = db, loop
        return db

    def _lose(self, exc: BaseException) -> StorageUnavailableError:
        """Drop the connection after `exc`; the error a waiter gets."""
        self._failure = describe(exc)
        self._next_attempt = time.monotonic() + self._retry_s
        self.close()
        return StorageUnavailableError.of(self._name, self._failure)

    def close(self) -> None:
        """Let go of the connection, synchronously (the app's shutdown does not await it)."""
        db, self._db = self._db, None
        if db is not None:
            with suppress(psycopg.Error):
                db.pgconn.finish()
