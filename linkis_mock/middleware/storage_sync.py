"""Serving from a state file: every request sees what every worker saved before anything
(auth, faults) reads state. The units of work are linkis_mock.contract.units."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from linkis_mock.sim.storage.backend import StorageBackend


class StorageSyncMiddleware:
    """Takes in what other workers saved before anything (auth, faults) reads state."""

    def __init__(self, app: ASGIApp, storage: StorageBackend) -> None:
        self.app = app
        self.storage = storage

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.storage.refresh()
        await self.app(scope, receive, send)
