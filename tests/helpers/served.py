"""The session's mock served over a real socket, from a thread of the test process, for
tests whose clients are outside the app (SDKs, Schemathesis, a browser). A conftest
imports `running_mock` from here to replace the in-process one."""

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
