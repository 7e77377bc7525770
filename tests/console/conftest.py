"""The console tests need a real socket, as the console has: the session's mock is served
from a thread (tests/helpers/served.py), and `console` is that mock cleared, with its
clock frozen."""

from __future__ import annotations

import pytest

from linkis_mock.testing import LocalMock
from tests.helpers.served import running_mock

__all__ = ["running_mock"]


@pytest.fixture
def console(running_mock: LocalMock) -> LocalMock:
    """The served mock with every job and session forgotten and the clock frozen."""
    running_mock.reset()
    running_mock.freeze()
    return running_mock
