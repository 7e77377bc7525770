"""The upstream each proxy test file puts the proxy in front of: a second mock, served
from a thread of the test process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from linkis_mock.testing import LocalMock, serve_in_thread


@pytest.fixture(scope="module")
def upstream() -> Iterator[LocalMock]:
    mock = serve_in_thread()
    try:
        yield mock
    finally:
        mock.stop()
