"""Fills the request journal (linkis_mock.control.journal) with every request to a
journaled API (Linkis, VIAS) and the status it was answered with: errors, size-limit
refusals, fault replies and forced replies included. It sits inside CORS (see
linkis_mock/pipeline.py), so CORS preflights, which CORS answers itself, are not
journaled. Admin requests are not journaled: the dashboard polls them.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkis_mock.context import call_of
from linkis_mock.contract.routes import RouteTable
from linkis_mock.contract.security import Credentials
from linkis_mock.control.journal import Entry, Journal


class JournalMiddleware:
    def __init__(self, app: ASGIApp, journal: Journal, routes: RouteTable) -> None:
        self.app = app
        self.journal = journal
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        call = call_of(scope) if scope["type"] == "http" else None
        if call is None or call.api is None or not call.api.journaled:
            await self.app(scope, receive, send)
            return
        path = call.path
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
                    Credentials.of(call.headers).owner(call.sim),
                    status,
                    (time.perf_counter() - started) * 1000,
                )
            )
