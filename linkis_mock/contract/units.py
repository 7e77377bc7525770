"""Every operation that changes state is one unit of work against the state file,
committed before its reply is sent (the resolver and the fast lane wrap handlers)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from linkis_mock.sim.storage.backend import StorageBackend

Handler = Callable[..., Awaitable[Any]]
READ_METHODS = frozenset({"GET", "HEAD"})


def in_unit(storage: StorageBackend, handler: Handler, method: str) -> Handler:
    """`handler` run as one unit of work: a write lock for anything but a read.

    Handlers do not await anything that suspends (the simulator is synchronous), so a
    unit never interleaves with another request of the same worker.
    """
    writes = method.upper() not in READ_METHODS

    @functools.wraps(handler)
    async def run(*args: Any, **kwargs: Any) -> Any:
        with storage.unit(writes):
            return await handler(*args, **kwargs)

    return run
