"""Fills the request journal (linkis_mock.control.journal) with every Linkis and VIAS
request and the status it was answered with, errors and forced replies included.
Admin requests are not journaled: the dashboard polls them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkis_mock.contract.routes import RouteTable
from linkis_mock.control.journal import Entry, Journal

JOURNALED_PREFIXES = ("/api/rest_j/v1/", "/v2/")
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
