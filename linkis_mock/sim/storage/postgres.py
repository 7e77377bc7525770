"""The simulator's state in PostgreSQL (`serve --state postgresql://...`), shared by
every replica on every machine (linkis_mock.sim.storage.rows says how).

An exclusive unit is a transaction that holds a transaction-level advisory lock, so
units of all replicas run one at a time, as SQLite's `BEGIN IMMEDIATE` makes them:
no two ever conflict, so there is nothing to retry, and a taskID or a VIAS count taken
inside a unit is never taken twice. Every commit moves the `seq` meta row: a request
learns whether others committed from one query of it that requests arriving together
share (storage.counter_feed), and a unit looks again under the lock. A unit that writes
waits on the database twice: the lock and that look are one query, and its writes and
COMMIT one pipeline (tests/sim/test_postgres_round_trips.py counts them).

psycopg 3, two connections per process. The units' is synchronous, as the storage
interface is: handlers do not await inside a unit, so units never interleave within a
process, and a pool would only hold connections no unit waits for. The change feed's
is asyncio, so that requests await its query instead of blocking the event loop.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import cache

import psycopg
from psycopg.pq import TransactionStatus

from linkis_mock.redaction import without_password
from linkis_mock.sim.storage.backend import StateKind, StorageError, StorageUnavailableError
from linkis_mock.sim.storage.counter_feed import CounterFeed
from linkis_mock.sim.storage.pg_connections import (
    BoundedAsyncConnection,
    BoundedConnection,
    connect,
    connect_async,
    describe,
)
from linkis_mock.sim.storage.rows import Row, RowBackend
from linkis_mock.sim.storage.stores import Stores

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    task_id BIGINT PRIMARY KEY, seq BIGINT NOT NULL, held BOOLEAN NOT NULL, body TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_seq ON jobs (seq);
CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY, seq BIGINT NOT NULL, body TEXT);
CREATE INDEX IF NOT EXISTS tasks_by_seq ON tasks (seq);
CREATE TABLE IF NOT EXISTS sessions (
    ticket TEXT PRIMARY KEY, seq BIGINT NOT NULL, "user" TEXT, last_used_ms BIGINT
);
CREATE INDEX IF NOT EXISTS sessions_by_seq ON sessions (seq)
"""
# The advisory lock every unit holds ("LMOC"): one key for the mock's whole database.
UNIT_LOCK = 0x4C4D4F43
DEFAULT_TIMEOUT_S = 5.0
STREAM_ROWS = 500  # rows a restart reads from the database at a time
RETRY_S = 1.0  # while the database is away, a new connection is tried this often at most


class PostgresBackend(RowBackend):
    """The storage backend of `serve --state postgresql://...`.

    A lost connection makes the request a StorageUnavailableError (a 503) and is opened again
    on a later request, at most once every RETRY_S while the database stays away, so
    that requests meanwhile fail at once instead of each waiting for a connection.
    `timeout_s` bounds a connection, a statement and the wait for another replica's
    unit."""

    kind: StateKind = "postgresql"

    def __init__(self, url: str, stores: Stores, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        super().__init__(without_password(url), stores)
        self._url = url
        self._timeout_s = timeout_s
        self._next_attempt = 0.0
        self._lost_reason = ""
        self._counter = CounterFeed(self.name, self._connect_feed, RETRY_S)
        self._schema_made = False
        try:
            self._db: BoundedConnection | None = self._connect()
        except psycopg.Error as exc:
            raise StorageError(f"cannot connect to {self.name}: {describe(exc)}") from exc

    def _connect(self) -> BoundedConnection:
        return connect(self._url, self._timeout_s)

    async def _connect_feed(self) -> BoundedAsyncConnection:
        return await connect_async(self._url, self._timeout_s)

    @contextmanager
    def _connection(self) -> Iterator[BoundedConnection]:
        """The connection, opened again if it was lost; a failure loses it, and any error
        of the database is the request's 503."""
        if self._db is None:
            self._reconnect()
        assert self._db is not None
        try:
            yield self._db
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            self._lose(exc)
            raise self._unavailable() from exc
        except psycopg.Error as exc:  # the database refused a statement (a table dropped)
            self._must_reload = True
            raise StorageUnavailableError.of(self.name, describe(exc)) from exc

    def _reconnect(self) -> None:
        if time.monotonic() < self._next_attempt:
            raise self._unavailable()
        try:
            self._db = self._connect()
        except psycopg.Error as exc:
            self._lose(exc)
            raise self._unavailable() from exc

    def _lose(self, exc: psycopg.Error) -> None:
        self._lost_reason = describe(exc)
        self._next_attempt = time.monotonic() + RETRY_S
        self._must_reload = True  # what others commit meanwhile is read whole later
        if self._db is not None:
            with suppress(psycopg.Error):
                self._db.close()
        self._db = None

    def _unavailable(self) -> StorageUnavailableError:
        return StorageUnavailableError.of(self.name, self._lost_reason)

    def _execute(self, sql: str, params: Row = ()) -> Iterable[Row]:
        with self._connection() as db:
            cursor = db.execute(_placeheld(sql), params)
            return cursor.fetchall() if cursor.description else []

    @contextmanager
    def _stream(self, sql: str, params: Row = ()) -> Iterator[Iterable[Row]]:
        """A server-side cursor, read STREAM_ROWS rows a round trip."""
        with self._connection() as db, db.cursor(name="linkis_mock_stream") as cursor:
            cursor.itersize = STREAM_ROWS
            cursor.execute(_placeheld(sql), params)
            yield cursor

    def _execute_many(self, sql: str, rows: Iterable[Row]) -> None:
        with self._connection() as db, db.cursor() as cursor:
            cursor.executemany(_placeheld(sql), rows)

    def _create_schema(self) -> None:
        with self._connection() as db:
            db.execute(SCHEMA)

    def open(self) -> bool:
        created = super().open()
        self._schema_made = True
        return created

    def _begin_exclusive(self) -> bool | None:
        # Once the tables are there, the lock and, under it, the unit's look at seq go in
        # one round trip (one simple query).
        if not self._schema_made:
            with self._connection() as db:
                db.execute(f"BEGIN; SELECT pg_advisory_xact_lock({UNIT_LOCK})")
            return None
        with self._connection() as db:
            cursor = db.execute(
                f"BEGIN; SELECT pg_advisory_xact_lock({UNIT_LOCK}); "
                "SELECT value FROM meta WHERE key = 'seq'"
            )
            while cursor.nextset():  # to the last statement's result
                pass
            seq = cursor.fetchone()
        return (str(seq[0]) if seq else None) != str(self._seq)

    def _execute_batch(self, statements: Sequence[tuple[str, Row]]) -> list[list[Row]]:
        # One pipeline: every statement sent, then every answer read (one round trip).
        with self._connection() as db:
            with db.pipeline():
                cursors = [db.execute(_placeheld(sql), params) for sql, params in statements]
            return [list[Row](cursor.fetchall()) for cursor in cursors]

    @contextmanager
    def _batched(self) -> Iterator[None]:
        """One pipeline: the unit's writes and its COMMIT go in one round trip, and an
        error among them is raised when the block ends."""
        with self._connection() as db, db.pipeline():
            yield

    def _begin_snapshot(self) -> None:
        with self._connection() as db:
            db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _in_transaction(self) -> bool:
        db = self._db
        return db is not None and db.info.transaction_status != TransactionStatus.IDLE

    def _commit(self) -> None:
        with self._connection() as db:
            db.execute("COMMIT")

    def _rollback(self) -> None:
        if self._db is None:
            return  # lost with its connection: nothing to roll back
        with suppress(StorageUnavailableError), self._connection() as db:
            db.execute("ROLLBACK")

    def _others_committed(self) -> bool:
        # Every commit, this process's own too, moves seq; its own moves self._seq alike.
        return self._meta("seq") != str(self._seq)

    async def catch_up(self) -> None:
        if self._must_reload:
            self.refresh()
        elif await self._counter.latest_seq() > self._seq:
            self._take_in()

    def _release(self) -> None:
        self._counter.close()
        if self._db is not None:
            self._db.close()


@cache
def _placeheld(sql: str) -> str:
    """The rows module's `?` placeholders as psycopg's `%s`."""
    return sql.replace("?", "%s")
