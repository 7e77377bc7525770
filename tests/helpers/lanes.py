"""Two in-process mocks, one with the fast lane and one without, in the same state: the
fast lane's equivalence tests ask both the same and compare the replies."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from linkis_mock.config import load_settings
from linkis_mock.testing import Mock, in_process

INSTANCE = "127.0.0.1:9999"  # both servers make the same execIDs
COOKIE = "linkis_user_session_ticket_id_v1"
# The credentials the equivalence tests try: good ones of each kind, both, forged, none.
WHO = ("cookie", "token", "cookie+token", "forged cookie", "forged token", "none")
CONFIG = f'[server]\ninstance = "{INSTANCE}"\nfast_lane = {{fast_lane}}\n'


def credentials(who: str, ticket: str) -> dict[str, str]:
    """The headers of one of WHO, `ticket` being the server's own session for alice."""
    headers = {}
    if who in ("cookie", "cookie+token"):
        headers["Cookie"] = f"{COOKIE}={ticket}"
    if who == "forged cookie":
        headers["Cookie"] = f"{COOKIE}=forged"
    if who in ("token", "cookie+token"):
        headers |= {"Token-Code": "LINKIS-AUTH", "Token-User": "alice"}
    if who == "forged token":
        headers |= {"Token-Code": "forged", "Token-User": "alice"}
    return headers


@contextmanager
def with_and_without_the_lane(folder: Path) -> Iterator[tuple[Mock, Mock]]:
    """(fast, full): reset, frozen at the same simulated instant; always stopped."""
    mocks = []
    try:
        for fast_lane in ("true", "false"):
            config = folder / f"fast-{fast_lane}.toml"
            config.write_text(CONFIG.format(fast_lane=fast_lane))
            mocks.append(in_process(load_settings(config)))
        fast, full = mocks
        for mock in mocks:
            mock.reset()
            mock.freeze()
        # The same simulated instant on both, so replies carry the same times.
        fast_ms, full_ms = (mock.admin("GET", "/clock")["now"] for mock in mocks)
        (full if full_ms < fast_ms else fast).advance(abs(fast_ms - full_ms) / 1000)
        yield fast, full
    finally:
        for mock in mocks:
            mock.stop()
