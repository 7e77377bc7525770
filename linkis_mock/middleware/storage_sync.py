"""Serving from a state file: every request sees what every worker saved before anything
(auth, faults) reads state. The units of work are linkis_mock.contract.units."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from linkis_mock.contract.errors import ErrorMapper
from linkis_mock.sim.storage.backend import StorageBackend, StorageUnavailableError


class StorageSyncMiddleware:
    """Takes in what other workers saved before anything (auth, faults) reads state; a
    database that is down makes the request a 503 in its API's format. `stateless`: the
    paths of operations that read no state (the liveness probe), which never wait."""

    def __init__(
        self,
        app: ASGIApp,
        storage: StorageBackend,
        mapper: ErrorMapper,
        stateless: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.storage = storage
        self.mapper = mapper
        self.stateless = stateless

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] not in self.stateless:
            try:
                await self.storage.catch_up()
            except StorageUnavailableError as exc:
                await self.mapper.refusal(scope, 503, str(exc))(scope, receive, send)
                return
        await self.app(scope, receive, send)
