"""Serving from a state file: every request sees what every worker saved, and every
operation that changes state is one unit of work, committed before its reply is sent."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from linkis_mock.sim.storage.sqlite import StateFile

Handler = Callable[..., Awaitable[Any]]
READ_METHODS = frozenset({"GET", "HEAD"})


class StateMiddleware:
    """Takes in what other workers saved before anything (auth, faults) reads state."""

    def __init__(self, app: ASGIApp, state: StateFile) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.state.refresh()
        await self.app(scope, receive, send)


def in_unit(state: StateFile, handler: Handler, method: str) -> Handler:
    """`handler` run as one unit of work: a write lock for anything but a read.

    Handlers do not await anything that suspends (the simulator is synchronous), so a
    unit never interleaves with another request of the same worker.
    """
    writes = method.upper() not in READ_METHODS

    @functools.wraps(handler)
    async def run(*args: Any, **kwargs: Any) -> Any:
        with state.unit(writes):
            return await handler(*args, **kwargs)

    return run
