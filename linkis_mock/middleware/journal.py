"""Fills the request journal (linkis_mock.control.journal) with every request to a
journaled API (Linkis, VIAS) and the status it was answered with: errors, size-limit
refusals, fault replies, forced replies and a state database's 503s included. CORS
preflights are not journaled (the browser sends them, not the client under test), and
neither are admin requests: the dashboard polls them.

With `--log-format json` it also writes every HTTP request, journaled or not, as one
`request` event with the same fields (linkis_mock.logs). It is the first layer inside the
request's Call, so that what the layers inside answer themselves (CORS preflights, 503s
of the state database) is logged too. In text mode it does no work for a log.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkis_mock.context import Call, call_of
from linkis_mock.control.journal import Entry, Journal
from linkis_mock.logs import log_request


class JournalMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        journal: Journal,
        requests_log: logging.Logger | None = None,
    ) -> None:
        """`requests_log`: where each request's event goes (linkis_mock.logs), if anywhere."""
        self.app = app
        self.journal = journal
        self.requests_log = requests_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        call = call_of(scope) if scope["type"] == "http" else None
        journaled = call is not None and _journaled(call)
        if call is None or (not journaled and self.requests_log is None):
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

        failure: BaseException | None = None
        try:
            await self.app(scope, receive, recording_send)
        except BaseException as exc:  # a cut made on purpose, or what the 500 answers
            failure = exc
            raise
        finally:
            matched = call.matched
            operation = matched.operation if matched else None
            entry = Entry(
                received_ms,
                str(scope["method"]),
                path,
                operation.operation_id if operation else None,
                call.credentials.owner(call.sim),
                status,
                (time.perf_counter() - started) * 1000,
            )
            if journaled:
                self.journal.add(entry)
            if self.requests_log is not None:
                log_request(self.requests_log, entry, call.request_id or None, failure)


def _journaled(call: Call) -> bool:
    if call.api is None or not call.api.journaled:
        return False
    preflight = call.scope["method"] == "OPTIONS" and "access-control-request-method" in (
        call.headers
    )
    return not preflight
