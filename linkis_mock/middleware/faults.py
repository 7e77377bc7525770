"""Applies the fault rules (linkis_mock.control.faults) to matching requests: a wait,
an error status in the API's own format, or a cut connection."""

from __future__ import annotations

import asyncio
from functools import partial

from starlette.types import ASGIApp, Receive, Scope, Send

from linkis_mock.context import call_of
from linkis_mock.contract.errors import ErrorMapper, ReplyCut
from linkis_mock.contract.units import in_unit_now
from linkis_mock.control.faults import FaultBook, FaultRule
from linkis_mock.sim.storage.backend import StorageBackend, StorageUnavailableError


class ConnectionCut(ReplyCut):
    """A fault rule's cut."""


class FaultMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        book: FaultBook,
        mapper: ErrorMapper,
        storage: StorageBackend | None = None,
    ) -> None:
        """`storage`: the shared state the rules live in (`--state`), where a rule fires
        as a unit of work, so that its count holds across processes."""
        self.app = app
        self.book = book
        self.mapper = mapper
        self.storage = storage

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Nothing to match on the polling path while no rule is in force.
        try:
            rule = self._rule_for(scope) if scope["type"] == "http" and self.book.active else None
        except StorageUnavailableError as exc:
            await self.mapper.refusal(scope, 503, str(exc))(scope, receive, send)
            return
        if rule is None:
            await self.app(scope, receive, send)
        elif rule.action == "latency":
            await asyncio.sleep(self.book.latency_s(rule))
            await self.app(scope, receive, send)
        elif rule.action == "status":
            await self.mapper.fault_response(scope, rule.status)(scope, receive, send)
        else:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-length", b"1024")],
                }
            )
            raise ConnectionCut(f"fault rule {rule.id} closed the connection")

    def _rule_for(self, scope: Scope) -> FaultRule | None:
        call = call_of(scope)
        matched = call.matched
        operation = matched.operation if matched else None
        if matched is None or operation is None:
            return None
        params = matched.path_values
        owner = call.credentials.owner(call.sim)
        if self.storage is None:
            return self.book.fire(operation.operation_id, owner, params)
        if not self.book.may_fire(operation.operation_id, owner, params):
            return None
        # The count, as a unit of its own, so that replicas share it.
        fire = partial(self.book.fire, operation.operation_id, owner, params)
        return in_unit_now(self.storage, fire)
