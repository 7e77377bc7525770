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
    def unit(self, writes: bool) -> Iterator[None]:
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
