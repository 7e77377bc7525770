"""Request size limits, enforced before anything reads the request.

A body over the limit is refused with 413 from its Content-Length alone, or,
without one (chunked), as soon as the bytes read pass the limit (the rest is not
read); a chunked body within the limit is passed on with its Content-Length (a
request with neither header has no body, and passes as it is);
a URL or a header block over its limit is refused with 414 or 431. Each reply
is in the error format of the API the path belongs to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkis_mock.config import Limits
from linkis_mock.context import call_of
from linkis_mock.contract.request_headers import RequestHeaders

if TYPE_CHECKING:
    from linkis_mock.contract.errors import ErrorMapper


class LimitsMiddleware:
    def __init__(self, app: ASGIApp, limits: Limits, mapper: ErrorMapper) -> None:
        self.app = app
        self.limits = limits
        self.mapper = mapper

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            await self.mapper.refusal(scope, *refusal)(scope, receive, send)
            return
        headers = call_of(scope).headers
        length = _content_length(headers)
        if length is None and "transfer-encoding" not in headers:
            # No body by HTTP/1.1's framing (RFC 9112 §6.3), as Connexion reads none.
            await self.app(scope, receive, send)
            return
        if length is not None:
            if length > self.limits.body_bytes:
                await self.mapper.refusal(scope, 413, self._body_message())(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        body = await self._read_up_to_limit(receive)
        if body is None:
            await self.mapper.refusal(scope, 413, self._body_message())(scope, receive, send)
            return
        # Connexion reads a body only when Content-Length announces one: give it the length.
        raw = [(k, v) for k, v in scope.get("headers", []) if k != b"transfer-encoding"]
        raw.append((b"content-length", str(len(body)).encode()))
        await self.app({**scope, "headers": raw}, _replay(body), send)

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        url = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
        if url > self.limits.url_bytes:
            return 414, f"The request URL is longer than {self.limits.url_bytes} bytes"
        headers = sum(len(k) + len(v) + 4 for k, v in scope.get("headers", []))
        if headers > self.limits.header_bytes:
            return 431, f"The request headers are larger than {self.limits.header_bytes} bytes"
        return None

    def _body_message(self) -> str:
        return f"The request body is larger than {self.limits.body_bytes} bytes"

    async def _read_up_to_limit(self, receive: Receive) -> bytes | None:
        """A chunked body, read until it ends or passes the limit (then None)."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limits.body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _content_length(headers: RequestHeaders) -> int | None:
    value = headers.get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive
