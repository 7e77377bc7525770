"""Shared fixtures: a real mock server on 127.0.0.1 and a free port, always stopped.

Helpers live in tests/helpers and linkis_mock.testing, not here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from linkis_mock.testing import RunningMock, start_mock


@pytest.fixture(scope="session")
def running_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningMock]:
    mock = start_mock(tmp_path_factory.mktemp("mock"))
    try:
        yield mock
    finally:
        mock.stop()


@pytest.fixture
def mock(running_mock: RunningMock) -> RunningMock:
    """The shared server, with all state cleared and the clock frozen for this test."""
    running_mock.reset()
    running_mock.freeze()
    return running_mock
