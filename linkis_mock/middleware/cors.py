"""CORS for the Linkis and VIAS APIs, so a front end's dev server can call them with cookies.

Origins are patterns where `*` stands for any port or host part (default: any
http://localhost or http://127.0.0.1 port). An origin that matches none gets no
CORS headers at all, and the browser refuses the reply, as with a real server.

An allowed origin may send any request header: a preflight's requested headers are
allowed back as they are. Front ends send headers of their own (the Linkis console's
`webLogin` on login), and a list of known ones would refuse the next one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import partial

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkis_mock.context import call_of

METHODS = ("GET", "POST", "PUT", "DELETE", "OPTIONS")
ANY_HEADER = ("*",)  # Starlette then allows back exactly the headers a preflight asks for
EXPOSED = ("X-Request-Id",)


def origin_regex(patterns: Sequence[str]) -> str:
    """`http://localhost:*` -> `http://localhost(:[0-9]+)?`; other `*` match within a host."""
    parts = []
    for pattern in patterns:
        escaped = re.escape(pattern).replace(r":\*", "(:[0-9]+)?").replace(r"\*", "[^/:]*")
        parts.append(escaped)
    return "^(?:" + "|".join(parts) + ")$"


class CorsMiddleware:
    """Starlette's CORSMiddleware, applied to the APIs the registry marks cross-origin."""

    def __init__(self, app: ASGIApp, origins: Sequence[str]) -> None:
        self.app = app
        self.allowed = re.compile(origin_regex(origins)) if origins else None
        self.cors = CORSMiddleware(
            app,
            allow_origin_regex=self.allowed.pattern if self.allowed else None,
            allow_credentials=True,
            allow_methods=METHODS,
            allow_headers=ANY_HEADER,
            expose_headers=EXPOSED,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        call = call_of(scope) if scope["type"] == "http" else None
        if call is None or call.api is None or not call.api.cross_origin:
            await self.app(scope, receive, send)
            return
        origin = call.headers.get("origin")
        if origin is None:
            # What Starlette's would do (only `Vary: Origin` added), without its
            # per-request header objects: most calls, a poller's, come without Origin.
            await self.app(scope, receive, partial(_varying_by_origin, send=send))
        elif self.allowed and self.allowed.fullmatch(origin):
            await self.cors(scope, receive, send)
        else:  # other origins pass by CORS untouched: no CORS headers at all
            await self.app(scope, receive, send)


async def _varying_by_origin(message: Message, send: Send) -> None:
    """Starlette's `headers["Vary"] = ", ".join([*headers.getlist("Vary"), "Origin"])`:
    the Vary values joined into the first Vary header, or a new one at the end."""
    if message["type"] == "http.response.start":
        headers = message["headers"] = list(message.get("headers", []))
        places = [index for index, (name, _) in enumerate(headers) if name == b"vary"]
        if not places:
            headers.append((b"vary", b"Origin"))
        else:
            joined = b", ".join([*(headers[index][1] for index in places), b"Origin"])
            headers[places[0]] = (b"vary", joined)
            for index in reversed(places[1:]):
                del headers[index]
    await send(message)
