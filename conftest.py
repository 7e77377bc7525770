"""Shared fixtures. Helpers live in tests/helpers and linkis_mock.testing, not here.

`running_mock` is one mock for the whole session, in this process (no socket); `mock`
is the same one, reset and with its clock frozen, for a test that needs a clean state.
Tests that need a real socket or a process of their own start one (linkis_mock.testing).
`postgres` is a throwaway PostgreSQL server for the session (tests/helpers/postgres.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from linkis_mock.testing import LocalMock, in_process
from tests.helpers.postgres import postgres  # a throwaway server, started when asked

__all__ = ["postgres"]


@pytest.fixture(scope="session")
def running_mock() -> Iterator[LocalMock]:
    mock = in_process()
    try:
        yield mock
    finally:
        mock.stop()


@pytest.fixture
def mock(running_mock: LocalMock) -> Iterator[LocalMock]:
    """The shared mock, with all state cleared and the clock frozen for this test; cleared
    again after it, so that what it left (jobs, fault rules, a frozen clock) never meets a
    later test that takes `running_mock` as it is, whichever file the worker runs next."""
    running_mock.reset()
    running_mock.freeze()
    yield running_mock
    running_mock.reset()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests of files marked `runs_long` first. make test gives each worker one file at
    a time (pytest-xdist), so the longest files should start at once, not last."""
    items.sort(key=lambda item: item.get_closest_marker("runs_long") is None)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection built (modules, test items, strategies) lives to the end: moved out
    of the garbage collector's sight, each collection no longer walks it; and the young
    generation is collected every 50 000 allocations, not 700. Measured over the
    in-process tests: 6.9 s of collections, 4.0 s frozen, 2.1 s with the threshold too."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
