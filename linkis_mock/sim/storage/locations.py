"""Where `--state` keeps the state: a SQLite file's path, or a PostgreSQL URL."""

from __future__ import annotations

from pathlib import Path

from linkis_mock.sim.storage.backend import StateKind, StorageBackend
from linkis_mock.sim.storage.stores import Stores

DATABASE_SCHEMES = ("postgresql://", "postgres://")


def is_database_url(location: str) -> bool:
    return location.startswith(DATABASE_SCHEMES)


def backend_kind(location: str | None) -> StateKind:
    """Where state given as `location` (`--state`, or none) is kept."""
    if location is None:
        return "memory"
    return "postgresql" if is_database_url(location) else "sqlite"


def backend_for(location: str, stores: Stores, timeout_s: float = 5.0) -> StorageBackend:
    """The backend for `location`; PostgreSQL's driver is loaded only when a URL asks.
    `timeout_s` is PostgreSQL's: its longest wait before a request gets its 503."""
    if is_database_url(location):
        from linkis_mock.sim.storage.postgres import PostgresBackend  # noqa: PLC0415

        return PostgresBackend(location, stores, timeout_s)
    from linkis_mock.sim.storage.sqlite import SqliteBackend  # noqa: PLC0415

    return SqliteBackend(Path(location), stores)
