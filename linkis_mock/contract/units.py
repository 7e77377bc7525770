"""Every operation that changes state is one unit of work against the state file,
committed before its reply is sent (the resolver and the fast lane wrap handlers).

A handler's unit is grouped: the reply waits for `committed()`, so that PostgreSQL can
commit the units that end together in one round trip (storage.postgres).

A database shared by replicas may refuse a unit whose rows another replica wrote
meanwhile (StorageConflictError, memory already as the database has it): the operation
then runs again, as if the request had come a moment later, up to ATTEMPTS times in
all, and a last refusal is the 503 any unreachable state is.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from linkis_mock.sim.storage.backend import StorageBackend, StorageConflictError

Handler = Callable[..., Awaitable[Any]]
READ_METHODS = frozenset({"GET", "HEAD"})
ATTEMPTS = 5
Result = TypeVar("Result")


def in_unit(storage: StorageBackend, handler: Handler, method: str) -> Handler:
    """`handler` run as one unit of work: a write lock for anything but a read.

    Handlers do not await anything that suspends (the simulator is synchronous), so a
    unit never interleaves with another request of the same worker.
    """
    writes = method.upper() not in READ_METHODS

    @functools.wraps(handler)
    async def run(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                try:
                    with storage.unit(writes, grouped=True):
                        result = await handler(*args, **kwargs)
                finally:  # a refusal's reply too waits for what its unit wrote
                    await storage.committed()
                return result
            except StorageConflictError:
                if attempt == ATTEMPTS:
                    raise
        raise AssertionError("unreachable")

    return run


def in_unit_now(storage: StorageBackend, step: Callable[[], Result]) -> Result:
    """`step` (no handler: a middleware's or a reload's own change) as a unit that
    writes, run again like a handler's when the database refuses it."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with storage.unit(writes=True):
                return step()
        except StorageConflictError:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")
