"""Proxy mode: requests to a proxied API go to the real server instead of the handlers.

The request is forwarded as it came (method, raw path, query, headers, cookies, body),
less the hop-by-hop headers, and the reply comes back as the server sent it: status,
headers (every `Set-Cookie`), and the body's bytes as they were encoded, plus one
header, `X-Mock-Violations`, the number of contract violations found in the exchange.

A reply up to BUFFER_BYTES is held until it ends, so that its body can be checked
before the header is written; a longer one (a result download) is checked on its
status and headers only and streamed on once the first BUFFER_BYTES are in. The
exchange then goes to the inspector (conformance check, violations, recording).

Requests go straight to httpx's transport, not through a client: a client would keep
the server's cookies and send one user's session with another's requests. A target
that cannot be reached, or cuts the connection before its reply starts, is a 502 in
the API's own error format; one that does not answer within the timeout a 504. A cut
after the reply has started closes the client's connection too.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Callable
from urllib.parse import parse_qsl

import httpx
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkis_mock.context import call_of
from linkis_mock.contract.errors import ErrorMapper
from linkis_mock.proxy.exchange import ApiName, Exchange
from linkis_mock.proxy.upstreams import Upstreams

BUFFER_BYTES = 1024 * 1024
VIOLATIONS_HEADER = b"x-mock-violations"
HOP_BY_HOP = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"proxy-authorization",
        b"proxy-connection",
        b"te",
        b"trailer",
        b"transfer-encoding",
        b"upgrade",
    }
)
# Dropped from the request: httpx writes Host for the target and the body's length.
REWRITTEN = frozenset({b"host", b"content-length"})
Inspect = Callable[[Exchange], int]  # the exchange's violations, counted


class UpstreamCut(Exception):  # noqa: N818  # how a cut upstream cuts the client too
    """The real server's reply broke off after it had started: close the connection."""


class ProxyMiddleware:
    def __init__(
        self, app: ASGIApp, upstreams: Upstreams, mapper: ErrorMapper, inspect: Inspect
    ) -> None:
        self.app = app
        self.upstreams = upstreams
        self.mapper = mapper
        self.inspect = inspect
        self.transport = httpx.AsyncHTTPTransport()
        timeout = httpx.Timeout(upstreams.timeout_s, connect=upstreams.connect_timeout_s)
        self.timeout = timeout.as_dict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        call = call_of(scope) if scope["type"] == "http" else None
        api = call.api if call is not None else None
        if call is None or api is None or api.name == "admin" or api.serves_itself(call.path):
            await self.app(scope, receive, send)
            return
        name: ApiName = api.name
        target = self.upstreams.targets.get(name)
        if target is None:
            await self.app(scope, receive, send)
            return
        started_ms = _now_ms()
        body = await _request_body(receive)
        request = self._request(scope, target, body)
        try:  # everything up to the first BUFFER_BYTES of the reply
            response = await self.transport.handle_async_request(request)
            chunks = _chunks(response)
            kept, ended = await _first_bytes(chunks)
        except httpx.TimeoutException:
            detail = f"{target} did not answer within {self.upstreams.timeout_s:g} s"
            await self.mapper.upstream_failure(scope, 504, detail)(scope, receive, send)
            return
        except UpstreamCut as exc:
            detail = f"{target} cut the connection before its reply ended: {exc}"
            await self.mapper.upstream_failure(scope, 502, detail)(scope, receive, send)
            return
        except httpx.TransportError as exc:
            detail = f"the proxy could not reach {target}: {_reason(exc)}"
            await self.mapper.upstream_failure(scope, 502, detail)(scope, receive, send)
            return
        exchange = self._exchange(scope, name, body, started_ms, response, kept, ended)
        call.forwarded = True  # the server's own headers go back, X-Request-Id included
        await self._relay(response, exchange, chunks, send)

    def _request(self, scope: Scope, target: str, body: bytes) -> httpx.Request:
        raw_path: bytes = scope.get("raw_path") or str(scope["path"]).encode()
        query: bytes = scope.get("query_string", b"")
        url = target.encode() + raw_path + (b"?" + query if query else b"")
        headers = [
            (name, value)
            for name, value in scope.get("headers", [])
            if name not in HOP_BY_HOP and name not in REWRITTEN
        ]
        request = httpx.Request(
            str(scope["method"]), url.decode("latin-1"), headers=headers, content=body
        )
        request.extensions["timeout"] = self.timeout
        return request

    @staticmethod
    def _exchange(  # noqa: PLR0917  # the parts of one exchange
        scope: Scope,
        api: ApiName,
        request_body: bytes,
        started_ms: int,
        response: httpx.Response,
        kept: bytes,
        ended: bool,
    ) -> Exchange:
        query = scope.get("query_string", b"").decode("latin-1")
        return Exchange(
            api=api,
            method=str(scope["method"]),
            path=str(scope["path"]),
            query=tuple(parse_qsl(query, keep_blank_values=True)),
            request_headers=_pairs(scope.get("headers", [])),
            request_body=request_body,
            status=response.status_code,
            reply_headers=_pairs(_relayed_headers(response)),
            reply_body=kept,
            started_ms=started_ms,
            finished_ms=_now_ms(),
            reply_truncated=not ended,
        )

    async def _relay(
        self,
        response: httpx.Response,
        exchange: Exchange,
        chunks: AsyncGenerator[bytes],
        send: Send,
    ) -> None:
        """The reply as it came, and the count of its violations."""
        violations = self.inspect(exchange)
        headers = [*_relayed_headers(response), (VIOLATIONS_HEADER, str(violations).encode())]
        start = {"type": "http.response.start", "status": response.status_code}
        await send({**start, "headers": headers})
        more = exchange.reply_truncated
        await send({"type": "http.response.body", "body": exchange.reply_body, "more_body": more})
        if not more:
            return
        try:
            async for chunk in chunks:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            await chunks.aclose()
        await send({"type": "http.response.body", "body": b"", "more_body": False})


def _relayed_headers(response: httpx.Response) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in response.headers.raw if k.lower() not in HOP_BY_HOP]


async def _chunks(response: httpx.Response) -> AsyncGenerator[bytes]:
    """The reply's body as the server encoded it; a cut raises UpstreamCut."""
    stream = response.stream
    try:
        async for chunk in stream:  # type: ignore[union-attr]  # an async transport's stream
            if chunk:
                yield chunk
    except httpx.TimeoutException:
        raise
    except httpx.TransportError as exc:
        raise UpstreamCut(_reason(exc)) from exc
    finally:
        await response.aclose()


async def _first_bytes(chunks: AsyncGenerator[bytes]) -> tuple[bytes, bool]:
    """Up to BUFFER_BYTES of the body, and whether that was all of it."""
    kept = bytearray()
    async for chunk in chunks:
        kept += chunk
        if len(kept) > BUFFER_BYTES:
            return bytes(kept), False
    return bytes(kept), True


async def _request_body(receive: Receive) -> bytes:
    """The whole request body (the size limits above have bounded it)."""
    chunks: list[bytes] = []
    while True:
        message: Message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _pairs(raw: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in raw)


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__


def _now_ms() -> int:
    return int(time.time() * 1000)
