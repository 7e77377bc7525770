"""Contract tests talk to the mock as outside clients do, over a real socket: each test
that takes `mock` runs twice, straight to the mock and through `linkis-mock proxy` in
front of it, and the proxied run must show no contract violation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from linkis_mock.testing import LocalMock, Mock, proxy_of
from tests.helpers.served import running_mock

__all__ = ["running_mock"]

LIVE_SPEED = 3


@dataclass(kw_only=True)
class Proxied(Mock):
    """The session's mock seen through the proxy: its APIs at the proxy, its admin API
    (clock, reset, journal) at the mock itself, as the proxy keeps its own local."""

    upstream: Mock

    @property
    def admin_url(self) -> str:
        return self.upstream.admin_url


@pytest.fixture(scope="session")
def proxy_in_front(running_mock: LocalMock) -> Iterator[LocalMock]:
    proxy = proxy_of(running_mock.base_url, running_mock.base_url, served=True)
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture(params=["direct", "proxied"])
def mock(
    request: pytest.FixtureRequest, running_mock: LocalMock, proxy_in_front: LocalMock
) -> Iterator[Mock]:
    """The shared mock, reset with its clock frozen; or the same through the proxy."""
    running_mock.reset()
    running_mock.freeze()
    yield from _seen(request.param, running_mock, proxy_in_front)


@pytest.fixture(params=["direct", "proxied"])
def live_mock(
    request: pytest.FixtureRequest, running_mock: LocalMock, proxy_in_front: LocalMock
) -> Iterator[Mock]:
    """The shared mock, reset, on a running clock (for clients that pace themselves by
    sleeping); or the same through the proxy. The clock runs at LIVE_SPEED times real time:
    a default job's three simulated seconds then pass within one of such a client's
    one-second sleeps, so it polls once before the job ends and once after."""
    running_mock.reset()
    running_mock.admin("PUT", "/clock", json={"speed": LIVE_SPEED})
    yield from _seen(request.param, running_mock, proxy_in_front)


def _seen(how: str, running_mock: LocalMock, proxy: LocalMock) -> Iterator[Mock]:
    if how == "direct":
        yield running_mock
        return
    proxy.admin("DELETE", "/violations")
    proxied = Proxied(proxy.base_url, upstream=running_mock)
    try:
        yield proxied
    finally:
        proxied.stop()
    report = proxy.admin("GET", "/violations")
    assert report["violations"] == [], report
    assert report["exchanges"] > 0, "nothing went through the proxy"
