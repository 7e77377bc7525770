"""The simulator's state in PostgreSQL (`serve --state postgresql://...`), shared by
every replica on every machine (linkis_mock.sim.storage.rows says how).

An exclusive unit is a transaction that holds a transaction-level advisory lock, so
units of all replicas run one at a time, as SQLite's `BEGIN IMMEDIATE` makes them:
no two ever conflict, so there is nothing to retry, and a taskID or a VIAS count taken
inside a unit is never taken twice. How a read learns that others committed is the
change feed (storage.locations.CHANGE_FEEDS): by default one query of the `seq` meta
row, which every commit moves; with `notify`, the NOTIFY each commit sends, read from
the socket without a round trip. A unit's own look, under the lock, is always the query.

psycopg 3, synchronous, one connection per process: the storage interface is
synchronous because handlers do not await inside a unit, so units never interleave
within a process; a pool would only hold connections no unit waits for.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import cache
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from linkis_mock.sim.storage.backend import StorageError, StorageUnavailableError
from linkis_mock.sim.storage.counter_feed import CounterFeed, describe
from linkis_mock.sim.storage.locations import ChangeFeed, without_password
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
CHANNEL = "linkis_mock_state"
DEFAULT_TIMEOUT_S = 5.0
RETRY_S = 1.0  # while the database is away, a new connection is tried this often at most


class PostgresBackend(RowBackend):
    """The storage backend of `serve --state postgresql://...`.

    A lost connection makes the request a StorageUnavailableError (a 503) and is opened again
    on a later request, at most once every RETRY_S while the database stays away, so
    that requests meanwhile fail at once instead of each waiting for a connection.
    `timeout_s` bounds a connection, a statement and the wait for another replica's
    unit."""

    def __init__(
        self,
        url: str,
        stores: Stores,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        change_feed: ChangeFeed = "counter",
    ) -> None:
        """`change_feed`: how a read learns that others committed (storage.locations)."""
        super().__init__(without_password(url), stores)
        self._url = url
        self._timeout_s = timeout_s
        self._feed = change_feed
        self._next_attempt = 0.0
        self._lost_reason = ""
        self._exclusive = False  # in a unit that writes: its commit notifies the others
        self._noticed = False  # a notification of another's commit came
        self._counter = CounterFeed(self.name, self._connect_feed, timeout_s, RETRY_S)
        try:
            self._db: psycopg.Connection[Row] | None = self._connect()
        except psycopg.Error as exc:
            raise StorageError(f"cannot connect to {self.name}: {describe(exc)}") from exc

    def _connection_options(self) -> dict[str, Any]:
        timeout_ms = max(1, round(self._timeout_s * 1000))
        return {
            "autocommit": True,  # transactions are the units' own BEGIN and COMMIT
            "connect_timeout": max(1, math.ceil(self._timeout_s)),
            "application_name": "linkis-mock",
            "options": f"-c statement_timeout={timeout_ms} -c lock_timeout={timeout_ms}",
            "tcp_user_timeout": timeout_ms,  # a host that vanished: no wait past the timeout
            "keepalives": 1,
        }

    def _connect(self) -> psycopg.Connection[Row]:
        db: psycopg.Connection[Row] = psycopg.connect(self._url, **self._connection_options())
        if self._feed == "notify":
            own = db.info.backend_pid
            db.add_notify_handler(lambda note: self._note(note.pid, own))
            db.execute(f"LISTEN {CHANNEL}")
        return db

    async def _connect_feed(self) -> psycopg.AsyncConnection[tuple[str]]:
        return await psycopg.AsyncConnection.connect(self._url, **self._connection_options())

    def _note(self, pid: int, own: int) -> None:
        if pid != own:
            self._noticed = True

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Row]]:
        """The connection, opened again if it was lost; a failure loses it."""
        if self._db is None:
            self._reconnect()
        assert self._db is not None
        try:
            yield self._db
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            self._lose(exc)
            raise StorageUnavailableError(self._unavailable()) from exc

    def _reconnect(self) -> None:
        if time.monotonic() < self._next_attempt:
            raise StorageUnavailableError(self._unavailable())
        try:
            self._db = self._connect()
        except psycopg.Error as exc:
            self._lose(exc)
            raise StorageUnavailableError(self._unavailable()) from exc

    def _lose(self, exc: psycopg.Error) -> None:
        self._lost_reason = describe(exc)
        self._next_attempt = time.monotonic() + RETRY_S
        self._must_reload = True  # what others commit meanwhile is read whole later
        if self._db is not None:
            with suppress(psycopg.Error):
                self._db.close()
        self._db = None

    def _unavailable(self) -> str:
        return str(StorageUnavailableError.of(self.name, self._lost_reason))

    def _execute(self, sql: str, params: Row = ()) -> Iterable[Row]:
        with self._connection() as db:
            cursor = db.execute(_placeheld(sql), params)
            return cursor.fetchall() if cursor.description else []

    def _execute_many(self, sql: str, rows: Iterable[Row]) -> None:
        with self._connection() as db, db.cursor() as cursor:
            cursor.executemany(_placeheld(sql), rows)

    def _create_schema(self) -> None:
        with self._connection() as db:
            db.execute(SCHEMA)

    def _begin_exclusive(self) -> None:
        with self._connection() as db:
            db.execute(f"BEGIN; SELECT pg_advisory_xact_lock({UNIT_LOCK})")
            self._exclusive = True

    def _begin_snapshot(self) -> None:
        with self._connection() as db:
            db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _in_transaction(self) -> bool:
        db = self._db
        return db is not None and db.info.transaction_status != TransactionStatus.IDLE

    def _commit(self) -> None:
        notify, self._exclusive = self._exclusive and self._feed == "notify", False
        with self._connection() as db:
            db.execute(f"NOTIFY {CHANNEL}; COMMIT" if notify else "COMMIT")

    def _rollback(self) -> None:
        self._exclusive = False
        if self._db is None:
            return  # lost with its connection: nothing to roll back
        with suppress(StorageUnavailableError), self._connection() as db:
            db.execute("ROLLBACK")

    def _others_committed(self) -> bool:
        if self._feed == "counter" or self._in_transaction():
            # Every commit, this process's own too, moves seq; its own moves self._seq
            # alike. Inside a unit (under the lock) this is asked whatever the feed.
            return self._meta("seq") != str(self._seq)
        with self._connection() as db:
            db.pgconn.consume_input()  # what has come, without waiting
            while (note := db.pgconn.notifies()) is not None:
                self._note(note.be_pid, db.info.backend_pid)
        noticed, self._noticed = self._noticed, False
        return noticed

    async def catch_up(self) -> None:
        if self._feed == "notify" or self._must_reload:
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
