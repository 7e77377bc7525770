"""Connections to the state's PostgreSQL database whose every wait for the server ends
after a deadline.

The server's own timeouts (statement_timeout, lock_timeout) cannot end a wait for a
server that does not run at all: one frozen (`docker pause`, a stalled disk, SIGSTOP)
keeps its sockets open and the kernel acknowledging, so neither TCP's user timeout nor
keepalives notice. psycopg's wait takes a timeout; these connections give it one on
every statement, so such a wait ends as an OperationalError like any other lost
connection. (Interrupting the wait instead, say by cancelling an asyncio task, makes
psycopg first ask the server to cancel the query: ten more seconds against a frozen
one.)
"""

from __future__ import annotations

import math
import time
from typing import Any

import psycopg
from psycopg.abc import RV, PQGen

INTERVAL_S = 0.1  # psycopg's own: how often a wait wakes to let Ctrl-C through
Row = tuple[Any, ...]


class BoundedConnection(psycopg.Connection[Row]):
    answer_within_s = 5.0

    def wait(
        self,
        gen: PQGen[RV],
        interval: float = INTERVAL_S,
        timeout: float | None = None,  # psycopg's own signature
    ) -> RV:
        if timeout is not None:
            return super().wait(gen, interval, timeout)
        started = time.monotonic()
        try:
            return super().wait(gen, interval, self.answer_within_s)
        except psycopg.OperationalError as exc:
            _raise_if_late(exc, started, self.answer_within_s)
            raise


class BoundedAsyncConnection(psycopg.AsyncConnection[Row]):
    answer_within_s = 5.0

    async def wait(
        self,
        gen: PQGen[RV],
        interval: float = INTERVAL_S,
        timeout: float | None = None,  # noqa: ASYNC109  # psycopg's own signature
    ) -> RV:
        if timeout is not None:
            return await super().wait(gen, interval, timeout)
        started = time.monotonic()
        try:
            return await super().wait(gen, interval, self.answer_within_s)
        except psycopg.OperationalError as exc:
            _raise_if_late(exc, started, self.answer_within_s)
            raise


def connect(url: str, timeout_s: float) -> BoundedConnection:
    db = BoundedConnection.connect(url, **_options(timeout_s))
    db.answer_within_s = timeout_s
    return db


async def connect_async(url: str, timeout_s: float) -> BoundedAsyncConnection:
    db = await BoundedAsyncConnection.connect(url, **_options(timeout_s))
    db.answer_within_s = timeout_s
    return db


class NoAnswerError(psycopg.OperationalError):
    """The server did not answer within the connection's deadline."""


def describe(exc: BaseException) -> str:
    """A driver's error on one line: the missed deadline, when one led to it (a pipeline
    that timed out fails again as it ends, with an error that names only the second)."""
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, NoAnswerError):
        cause = cause.__context__
    shown = cause or exc
    return " ".join(str(shown).split()) or type(shown).__name__


def _options(timeout_s: float) -> dict[str, Any]:
    timeout_ms = max(1, round(timeout_s * 1000))
    return {
        "autocommit": True,  # transactions are the units' own BEGIN and COMMIT
        "connect_timeout": max(1, math.ceil(timeout_s)),
        "application_name": "linkis-mock",
        "options": f"-c statement_timeout={timeout_ms} -c lock_timeout={timeout_ms}",
        "tcp_user_timeout": timeout_ms,  # a host that vanished: no wait past the timeout
        "keepalives": 1,
    }


def _raise_if_late(exc: psycopg.OperationalError, started: float, limit_s: float) -> None:
    """When the wait that failed with `exc` ran out its deadline, an error that says so."""
    if time.monotonic() - started >= limit_s:
        raise NoAnswerError(f"no answer in {limit_s:g} s") from exc
