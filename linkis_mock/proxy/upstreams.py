"""Where proxy mode sends the Linkis and VIAS APIs, and how long it waits for them."""

from __future__ import annotations

from dataclasses import dataclass

from linkis_mock.proxy.exchange import ApiName


@dataclass(frozen=True, slots=True)
class Upstreams:
    targets: dict[ApiName, str]  # API name -> base URL of its real server, no trailing /
    timeout_s: float = 30.0
    connect_timeout_s: float = 5.0
