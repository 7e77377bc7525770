"""Contract tests talk to the mock as outside clients do, over a real socket: the
session's mock is served from a thread of this process (linkis_mock.testing)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from linkis_mock.testing import LocalMock, serve_in_thread


@pytest.fixture(scope="session")
def running_mock() -> Iterator[LocalMock]:
    mock = serve_in_thread()
    try:
        yield mock
    finally:
        mock.stop()
