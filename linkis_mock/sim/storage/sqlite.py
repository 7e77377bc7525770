"""The simulator's state in a SQLite file (`serve --state FILE`), shared by every worker
on one machine (linkis_mock.sim.storage.rows says how).

An exclusive unit is `BEGIN IMMEDIATE`; WAL mode with `synchronous=NORMAL` keeps an
answered commit through `kill -9` (only a power cut can lose the last ones). The cheap
check a read makes is `PRAGMA data_version`, which moves when another connection
commits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from linkis_mock.sim.storage.backend import StateKind, StorageError
from linkis_mock.sim.storage.rows import Row, RowBackend
from linkis_mock.sim.storage.stores import Stores

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    task_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, held INTEGER NOT NULL, body TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_seq ON jobs (seq);
CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, body TEXT);
CREATE INDEX IF NOT EXISTS tasks_by_seq ON tasks (seq);
CREATE TABLE IF NOT EXISTS sessions (
    ticket TEXT PRIMARY KEY, seq INTEGER NOT NULL, user TEXT, last_used_ms INTEGER
);
CREATE INDEX IF NOT EXISTS sessions_by_seq ON sessions (seq);
"""
# How long a process waits for another's unit before giving up (a 500 then).
BUSY_TIMEOUT_MS = 10_000


class SqliteBackend(RowBackend):
    """The storage backend of `serve --state FILE` (linkis_mock.sim.storage.backend)."""

    kind: StateKind = "sqlite"

    def __init__(self, path: Path, stores: Stores) -> None:
        super().__init__(str(path), stores)
        self.path = path
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:  # a directory, a missing folder, no permission
            raise StorageError(f"cannot open {path}: {exc}") from exc
        self._data_version = -1

    def open(self) -> bool:
        try:
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("ROLLBACK")
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StorageError(f"{self.path} is not a SQLite file: {exc}") from exc
        return super().open()

    def _execute(self, sql: str, params: Row = ()) -> Iterable[Row]:
        return self._db.execute(sql, params)

    def _execute_many(self, sql: str, rows: Iterable[Row]) -> None:
        self._db.executemany(sql, rows)

    def _create_schema(self) -> None:
        for statement in SCHEMA.strip().split(";"):
            if statement.strip():
                self._db.execute(statement)

    def _begin_exclusive(self) -> None:  # the cheap data_version check says the rest
        self._db.execute("BEGIN IMMEDIATE")

    def _begin_snapshot(self) -> None:
        self._db.execute("BEGIN")

    def _in_transaction(self) -> bool:
        return self._db.in_transaction

    def _commit(self) -> None:
        self._db.execute("COMMIT")

    def _rollback(self) -> None:
        self._db.execute("ROLLBACK")

    def _others_committed(self) -> bool:
        # Our own commits do not move data_version: only other connections' do.
        version = self._db.execute("PRAGMA data_version").fetchone()[0]
        if version == self._data_version:
            return False
        self._data_version = version
        return True

    def _release(self) -> None:
        """Fold the WAL into the file, and close it."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.close()
