"""Where `--state` keeps the state: a SQLite file's path, or a PostgreSQL URL."""

from __future__ import annotations

import re
from pathlib import Path

from linkis_mock.sim.storage.backend import StorageBackend
from linkis_mock.sim.storage.stores import Stores

DATABASE_SCHEMES = ("postgresql://", "postgres://")
PASSWORD = re.compile(r"(?<=://)([^:@/]*):[^@/]*@")


def is_database_url(location: str) -> bool:
    return location.startswith(DATABASE_SCHEMES)


def without_password(url: str) -> str:
    """The URL as messages show it: `postgresql://user@host/db`."""
    return PASSWORD.sub(r"\1@", url)


def backend_for(location: str, stores: Stores, timeout_s: float = 5.0) -> StorageBackend:
    """The backend for `location`; PostgreSQL's driver is loaded only when a URL asks.
    `timeout_s` is PostgreSQL's: its longest wait before a request gets its 503."""
    if is_database_url(location):
        from linkis_mock.sim.storage.postgres import PostgresBackend  # noqa: PLC0415

        return PostgresBackend(location, stores, timeout_s)
    from linkis_mock.sim.storage.sqlite import SqliteBackend  # noqa: PLC0415

    return SqliteBackend(Path(location), stores)
