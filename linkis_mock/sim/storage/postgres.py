"""The simulator's state in PostgreSQL (`serve --state postgresql://...`), shared by
every replica on every machine (linkis_mock.sim.storage.rows says how).

An exclusive unit is a transaction that holds a transaction-level advisory lock, so
units of all replicas run one at a time, as SQLite's `BEGIN IMMEDIATE` makes them:
no two ever conflict, so there is nothing to retry, and a taskID or a VIAS count taken
inside a unit is never taken twice. A read's cheap check is one query of the `seq`
meta row, which every commit moves: one round trip per request when nothing changed.

psycopg 3, synchronous, one connection per process: the storage interface is
synchronous because handlers do not await inside a unit, so units never interleave
within a process; a pool would only hold connections no unit waits for.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import psycopg
from psycopg.pq import TransactionStatus

from linkis_mock.sim.storage.backend import StorageError
from linkis_mock.sim.storage.locations import without_password
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
CONNECT_TIMEOUT_S = 5


class PostgresBackend(RowBackend):
    """The storage backend of `serve --state postgresql://...`."""

    def __init__(self, url: str, stores: Stores) -> None:
        super().__init__(without_password(url), stores)
        try:
            self._db = psycopg.connect(
                url,
                autocommit=True,  # transactions are the units' own BEGIN and COMMIT
                connect_timeout=CONNECT_TIMEOUT_S,
                application_name="linkis-mock",
            )
        except psycopg.Error as exc:
            raise StorageError(f"cannot connect to {self.name}: {_reason(exc)}") from exc

    def _execute(self, sql: str, params: Row = ()) -> Iterable[Row]:
        return self._db.execute(_placeheld(sql), params)

    def _execute_many(self, sql: str, rows: Iterable[Row]) -> None:
        with self._db.cursor() as cursor:
            cursor.executemany(_placeheld(sql), rows)

    def _create_schema(self) -> None:
        self._db.execute(SCHEMA)

    def _begin_exclusive(self) -> None:
        self._db.execute(f"BEGIN; SELECT pg_advisory_xact_lock({UNIT_LOCK})")

    def _begin_snapshot(self) -> None:
        self._db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def _in_transaction(self) -> bool:
        return self._db.info.transaction_status != TransactionStatus.IDLE

    def _commit(self) -> None:
        self._db.execute("COMMIT")

    def _rollback(self) -> None:
        self._db.execute("ROLLBACK")

    def _others_committed(self) -> bool:
        # Every commit, this process's own too, moves seq; its own moves self._seq alike.
        return self._meta("seq") != str(self._seq)

    def _release(self) -> None:
        self._db.close()


@cache
def _placeheld(sql: str) -> str:
    """The rows module's `?` placeholders as psycopg's `%s`."""
    return sql.replace("?", "%s")


def _reason(exc: psycopg.Error) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
