"""The storage interface: where the simulator's state lives beyond one process.

Without a backend, state lives only in the process's memory (the Stores). A backend
keeps the Stores in step with a medium several processes share, and survives them. The
database backends (`sqlite`, `postgres`) share their rows' logic (`rows`) and give only
their connection, transactions and change check; any other medium implements the same
five methods. create_app chooses one; nothing in the domain (linkis/, vias/) changes for
it.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Literal, Protocol

StateKind = Literal["memory", "sqlite", "postgresql"]  # memory: no backend


class StorageError(RuntimeError):
    """A medium that is not this mock's state, or of another version, or unusable."""


class StorageUnavailableError(StorageError):
    """A medium that cannot be reached now (a database that is down): the request gets a
    503 and saves nothing, and the backend tries again on a later one."""

    @classmethod
    def of(cls, name: str, reason: str) -> StorageUnavailableError:
        """The error, as every backend words it: `name` the medium, `reason` the cause."""
        return cls(f"the state database {name} is unavailable: {reason}")


class StorageConflictError(StorageUnavailableError):
    """A unit of work the medium refused because another process changed what it wrote
    meanwhile: memory is as the medium has it again, and the operation may run anew
    (linkis_mock.contract.units does, a few times, before it answers 503)."""


class StorageBackend(Protocol):
    kind: StateKind

    def open(self) -> bool:
        """Load the medium's state into the stores, or save the stores into a new medium;
        True when the medium already held state (a restart continues from it)."""
        ...

    def refresh(self) -> None:
        """Take in what other processes saved since this one last looked (cheap when
        nothing changed)."""
        ...

    async def catch_up(self) -> None:
        """Take in at least what other processes committed before this call began: each
        request's first step. Calls that overlap may share one look."""
        ...

    def unit(self, writes: bool, *, grouped: bool = False) -> AbstractContextManager[None]:
        """One operation as a unit of work: with `writes`, exclusive, taking in what others
        saved first, and what it changed saved before the block ends (before the reply is
        sent). A read reads what the request's `catch_up` took in (the pipeline's first
        look), and saves what reading changed (a session's last use).

        `grouped`: the caller awaits `committed()` after the block, before it answers; a
        medium across a network may then commit the units that end together as one."""
        ...

    async def committed(self) -> None:
        """After a grouped unit: wait until what it changed is saved; raises what saving
        raised (as the block itself would have, ungrouped)."""
        ...

    def close(self) -> None:
        """Save what is pending and let go of the medium."""
        ...
