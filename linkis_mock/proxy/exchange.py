"""One request and its reply as the proxy saw them on their way to and from the real
server: what the conformance check and the recorder read. Framework-free."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from linkis_mock.apis import ProxiedApiName as ApiName

__all__ = ["ApiName", "Exchange", "Pairs"]

Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Exchange:
    api: ApiName
    method: str  # upper case
    path: str  # the full path as received, percent-decoded (ASGI `path`)
    query: Pairs  # decoded (name, value) pairs, in order, repeats kept
    request_headers: Pairs  # names lower case, in order
    request_body: bytes
    status: int
    reply_headers: Pairs  # names lower case, in order
    reply_body: bytes  # up to the kept size; see reply_truncated
    started_ms: int  # wall-clock epoch ms when the request arrived
    finished_ms: int  # ... and when the reply ended
    reply_truncated: bool = False  # the reply was longer than what was kept

    def request_header(self, name: str) -> str | None:
        return _first(self.request_headers, name)

    def reply_header(self, name: str) -> str | None:
        return _first(self.reply_headers, name)

    def request_json(self) -> Any:
        """The request body as JSON, or None when it is empty or not JSON."""
        return _json(self.request_body)

    def reply_json(self) -> Any:
        """The reply body as JSON, or None when it is empty, cut or not JSON."""
        return None if self.reply_truncated else _json(self.reply_body)


def _first(pairs: Pairs, name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in pairs if key == wanted), None)


def _json(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None
