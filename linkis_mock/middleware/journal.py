"""The request journal: what the Linkis and VIAS APIs were asked, and what they answered.

A bounded ring buffer (the oldest entries drop out), filled by an ASGI
middleware outside everything else, so it sees every reply, errors and forced
ones included. Admin requests are not journaled: the dashboard polls them.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkis_mock.api_types import admin as api
from linkis_mock.contract.routes import RouteTable

JOURNALED_PREFIXES = ("/api/rest_j/v1/", "/v2/")
DEFAULT_CAPACITY = 1000


@dataclass(frozen=True, slots=True)
class Entry:
    time_ms: int
    method: str
    path: str
    operation_id: str | None
    user: str | None
    status: int
    duration_ms: float

    def as_dict(self) -> api.JournalEntry:
        return {
            "time": self.time_ms,
            "method": self.method,
            "path": self.path,
            "operationId": self.operation_id,
            "user": self.user,
            "status": self.status,
            "durationMs": round(self.duration_ms, 3),
        }


class Journal:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._entries: deque[Entry] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def add(self, entry: Entry) -> None:
        with self._lock:
            self._entries.append(entry)

    def query(
        self,
        *,
        operation_id: str | None = None,
        user: str | None = None,
        status: int | None = None,
        since_ms: int | None = None,
        until_ms: int | None = None,
    ) -> list[Entry]:
        with self._lock:
            entries = list(self._entries)
        return [
            e
            for e in entries
            if (operation_id is None or e.operation_id == operation_id)
            and (user is None or e.user == user)
            and (status is None or e.status == status)
            and (since_ms is None or e.time_ms >= since_ms)
            and (until_ms is None or e.time_ms <= until_ms)
        ]

    def clear(self) -> int:
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
            return count


# Whom a request's credentials name (linkis_mock.contract.security.credential_owner).
Identify = Callable[[Headers], str | None]


class JournalMiddleware:
    def __init__(
        self, app: ASGIApp, journal: Journal, routes: RouteTable, identify: Identify
    ) -> None:
        self.app = app
        self.journal = journal
        self.routes = routes
        self.identify = identify

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not path.startswith(JOURNALED_PREFIXES):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        received_ms = int(time.time() * 1000)
        status = 500  # if the app fails without answering

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            operation = self.routes.operation(str(scope["method"]), path)
            self.journal.add(
                Entry(
                    received_ms,
                    str(scope["method"]),
                    path,
                    operation.operation_id if operation else None,
                    self.identify(Headers(scope=scope)),
                    status,
                    (time.perf_counter() - started) * 1000,
                )
            )
