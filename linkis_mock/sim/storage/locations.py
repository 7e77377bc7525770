"""Where `--state` keeps the state: a SQLite file's path, or a PostgreSQL URL."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from linkis_mock.sim.storage.backend import StorageBackend
from linkis_mock.sim.storage.stores import Stores

DATABASE_SCHEMES = ("postgresql://", "postgres://")
ChangeFeed = Literal["counter", "notify"]
# How a read learns that another process committed. "counter": one query of the seq row
# per request, so a request always sees every commit made before it began. "notify":
# LISTEN/NOTIFY, no round trip on a read: a commit reaches the other replicas as soon as
# their server processes pass its notification on, which may be just after a request
# that follows it from another client; writes still read the counter under the lock.
CHANGE_FEEDS: tuple[ChangeFeed, ...] = ("counter", "notify")
PASSWORD = re.compile(r"(?<=://)([^:@/]*):[^@/]*@")


def is_database_url(location: str) -> bool:
    return location.startswith(DATABASE_SCHEMES)


def without_password(url: str) -> str:
    """The URL as messages show it: `postgresql://user@host/db`."""
    return PASSWORD.sub(r"\1@", url)


def backend_for(
    location: str, stores: Stores, timeout_s: float = 5.0, change_feed: ChangeFeed = "counter"
) -> StorageBackend:
    """The backend for `location`; PostgreSQL's driver is loaded only when a URL asks.
    `timeout_s` and `change_feed` are PostgreSQL's: its longest wait before a request
    gets its 503, and how a read learns of others' commits."""
    if is_database_url(location):
        from linkis_mock.sim.storage.postgres import PostgresBackend  # noqa: PLC0415

        return PostgresBackend(location, stores, timeout_s, change_feed)
    from linkis_mock.sim.storage.sqlite import SqliteBackend  # noqa: PLC0415

    return SqliteBackend(Path(location), stores)
