"""A unit the database refuses (another replica wrote the same rows) runs again, a few
times, before the request gets the 503 of unreachable state (contract.units)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager

import pytest

from linkis_mock.contract.units import ATTEMPTS, in_unit, in_unit_now
from linkis_mock.sim.storage.backend import StateKind, StorageConflictError


def answer(reply: Awaitable[object]) -> object:
    async def awaited() -> object:
        return await reply

    return asyncio.run(awaited())


class RefusingStorage:
    """Refuses the first `refusals` units that write, at their end, as a commit would."""

    kind: StateKind = "postgresql"

    def __init__(self, refusals: int) -> None:
        self.refusals = refusals
        self.units: list[bool] = []

    @contextmanager
    def unit(self, writes: bool, *, grouped: bool = False) -> Iterator[None]:
        self.units.append(writes)
        yield
        if writes and self.refusals:
            self.refusals -= 1
            raise StorageConflictError.of("db", "another replica wrote the same rows")

    def open(self) -> bool:
        return False

    def refresh(self) -> None:
        pass

    async def catch_up(self) -> None:
        pass

    async def committed(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_a_refused_operation_runs_again_and_answers_from_its_last_run() -> None:
    storage = RefusingStorage(refusals=2)
    runs: list[int] = []

    async def handler(body: dict[str, int]) -> int:
        runs.append(body["n"])
        return len(runs)

    wrapped = in_unit(storage, handler, "POST")
    assert answer(wrapped(body={"n": 7})) == 3
    assert runs == [7, 7, 7]
    assert storage.units == [True, True, True]


def test_an_operation_refused_every_time_is_unavailable() -> None:
    storage = RefusingStorage(refusals=ATTEMPTS)

    async def handler() -> str:
        return "never answered"

    with pytest.raises(StorageConflictError):
        answer(in_unit(storage, handler, "PUT")())
    assert len(storage.units) == ATTEMPTS


def test_a_read_is_never_run_again() -> None:
    storage = RefusingStorage(refusals=1)

    async def handler() -> str:
        return "read"

    assert answer(in_unit(storage, handler, "GET")()) == "read"
    assert storage.units == [False]


def test_a_middlewares_own_change_runs_again_too() -> None:
    storage = RefusingStorage(refusals=1)
    counted: list[int] = []

    def count() -> int:
        counted.append(1)
        return len(counted)

    assert in_unit_now(storage, count) == 2


class GroupingStorage(RefusingStorage):
    """Refuses the first `refusals` grouped units at `committed()`, as PostgreSQL's group
    commit does, and records when the request waited for it."""

    def __init__(self, refusals: int) -> None:
        super().__init__(refusals)
        self.events: list[str] = []

    @contextmanager
    def unit(self, writes: bool, *, grouped: bool = False) -> Iterator[None]:
        self.units.append(writes)
        self.events.append("grouped unit" if grouped else "unit")
        yield

    async def committed(self) -> None:
        self.events.append("committed")
        if self.refusals:
            self.refusals -= 1
            raise StorageConflictError.of("db", "another replica wrote the same rows")


def test_a_handlers_unit_is_grouped_and_answered_only_once_committed() -> None:
    storage = GroupingStorage(refusals=1)

    async def handler() -> str:
        return "submitted"

    assert answer(in_unit(storage, handler, "POST")()) == "submitted"
    # Refused at its group's commit, it ran again.
    assert storage.events == ["grouped unit", "committed", "grouped unit", "committed"]


def test_a_refusals_reply_waits_for_its_units_commit_too() -> None:
    """A refused submit writes its Failed history row: the refusal is answered after."""
    storage = GroupingStorage(refusals=0)

    async def handler() -> str:
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        answer(in_unit(storage, handler, "POST")())
    assert storage.events == ["grouped unit", "committed"]
