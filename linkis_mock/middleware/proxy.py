"""Proxy mode: requests to a proxied API go to the real server instead of the handlers.

The request is forwarded as it came (method, raw path, query, headers, cookies, body),
less the hop-by-hop headers, and the reply comes back as the server sent it: status,
headers (every `Set-Cookie`), and the body's bytes as they were encoded, plus one
header, `X-Mock-Violations`, the number of contract violations found in the exchange.

A reply up to BUFFER_BYTES is held until it ends, so that its body can be checked
before the header is written; a longer one (a result download) is checked on its
status and headers only and streamed on once the first BUFFER_BYTES are in. The
exchange then goes to the inspector (conformance check, violations, recording).

Requests go out through one aiohttp session per event loop, which keeps the
connections to the real server open between requests (its C parser and writer cost a
fraction of what httpx's transport cost per request). The session adds nothing of its
own: no cookie jar (a jar would send one user's session with another's requests), no
decompression (the body's bytes pass as encoded), no redirects followed, no default
headers (Accept, Accept-Encoding, User-Agent, Content-Type); it writes Host for the
target and the body's length (`Content-Length: 0` for a body-less method other than
GET, HEAD, OPTIONS and TRACE). It writes text as UTF-8: a path or header value that
is not UTF-8 goes out re-encoded, byte by byte. An idempotent request (GET, PUT,
DELETE, ...) whose connection the server closed without replying is sent once more,
on another connection, as aiohttp does.

A target that cannot be reached, or cuts the connection before its reply starts, is a
502 in the API's own error format; one that does not answer within the timeout (or
does not take the request body within it) a 504. A cut after the reply has started
closes the client's connection too.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from urllib.parse import parse_qsl

import aiohttp
from aiohttp.abc import AbstractStreamWriter
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from yarl import URL

from linkis_mock.config import Upstreams
from linkis_mock.context import call_of
from linkis_mock.contract.errors import ErrorMapper, ReplyCut
from linkis_mock.proxy.exchange import ApiName, Exchange
from linkis_mock.redaction import without_password

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
# Dropped from the request: aiohttp writes Host for the target and the body's length.
REWRITTEN = frozenset({b"host", b"content-length"})
# Headers aiohttp would otherwise add to a request that has none of them.
NOT_ADDED = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")
# A reply's head: each line as long as httpcore took the whole head, 100 KiB, and up to
# 1000 lines (aiohttp's own limits, 8 KiB a line and 128 lines, are stricter).
HEAD_BYTES = 100 * 1024
HEAD_LINES = 1000
REASON_CHARS = 300  # of the upstream failure's reason, in the error message
Inspect = Callable[[Exchange], int]  # the exchange's violations, counted
NowMs = Callable[[], int]


class UpstreamCut(ReplyCut):
    """The real server's reply broke off after it had started: close the connection."""


class ProxyMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        upstreams: Upstreams,
        mapper: ErrorMapper,
        inspect: Inspect,
        now_ms: NowMs,
    ) -> None:
        """`now_ms`: the mock's clock, which stamps each exchange (a recording's times)."""
        self.app = app
        self.upstreams = upstreams
        self.mapper = mapper
        self.inspect = inspect
        self.now_ms = now_ms
        # sock_read bounds each wait for the server's bytes (its reply, the next chunk);
        # sock_connect the connection; connect the wait for a free one (of the pool's
        # 100) and the connection together.
        self.timeout = aiohttp.ClientTimeout(
            total=None,
            connect=upstreams.timeout_s + upstreams.connect_timeout_s,
            sock_connect=upstreams.connect_timeout_s,
            sock_read=upstreams.timeout_s,
        )
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, self._closing_on_shutdown(receive), send)
            return
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
        started_ms = self.now_ms()
        body = await _request_body(receive)
        try:  # everything up to the first BUFFER_BYTES of the reply
            response = await self._forward(scope, target, body)
            chunks = _chunks(response)
            kept, ended = await _first_bytes(chunks)
        except (TimeoutError, UpstreamCut, aiohttp.ClientError) as exc:
            status, detail = self._failure(target, exc)
            await self.mapper.upstream_failure(scope, status, detail)(scope, receive, send)
            return
        headers = _relayed_headers(response)
        exchange = self._exchange(scope, name, body, started_ms, response, headers, kept, ended)
        call.forwarded = True  # the server's own headers go back, X-Request-Id included
        await self._relay(response.status, headers, exchange, chunks, send)

    def _failure(self, target: str, exc: Exception) -> tuple[int, str]:
        """The status and the reason a forward that failed gives the client."""
        target = without_password(target)  # a target may carry user:password@
        if isinstance(exc, TimeoutError):  # aiohttp's timeouts are ClientErrors too
            return 504, f"{target} did not answer within {self.upstreams.timeout_s:g} s"
        if isinstance(exc, UpstreamCut):
            return 502, f"{target} cut the connection before its reply ended: {exc}"
        if isinstance(exc, aiohttp.ClientResponseError):  # it answered, but not so to pass on
            return 502, f"{target} sent a reply the proxy cannot pass on: {_reason(exc)}"
        return 502, f"the proxy could not reach {target}: {_reason(exc)}"

    async def _forward(self, scope: Scope, target: str, body: bytes) -> aiohttp.ClientResponse:
        """The request as it came, sent on; the server's reply once its head is in."""
        raw_path: bytes = scope.get("raw_path") or str(scope["path"]).encode()
        query: bytes = scope.get("query_string", b"")
        url = URL(target + _text(raw_path + (b"?" + query if query else b"")), encoded=True)
        headers = [
            (_text(name), _text(value))
            for name, value in scope.get("headers", [])
            if name not in HOP_BY_HOP and name not in REWRITTEN
        ]
        response = await self._client().request(
            str(scope["method"]),
            url,
            headers=headers,
            data=_Body(body, self.upstreams.timeout_s) if body else None,
            allow_redirects=False,
        )
        if response.status < 200:  # a 101 to a request that asked for no upgrade, say
            response.close()
            raise aiohttp.ClientResponseError(
                response.request_info,
                (),
                status=response.status,
                message=f"an informational status {response.status} as its final reply",
            )
        return response

    def _client(self) -> aiohttp.ClientSession:
        """This loop's session (an app served again on another loop gets a new one)."""
        loop = asyncio.get_running_loop()
        session = self._session
        if session is None or session.closed or self._session_loop is not loop:
            session = aiohttp.ClientSession(
                cookie_jar=aiohttp.DummyCookieJar(),
                skip_auto_headers=NOT_ADDED,
                auto_decompress=False,
                timeout=self.timeout,
                max_line_size=HEAD_BYTES,
                max_field_size=HEAD_BYTES,
                max_headers=HEAD_LINES,
            )
            self._session, self._session_loop = session, loop
        return session

    def _closing_on_shutdown(self, receive: Receive) -> Receive:
        """The lifespan's receive, which closes the session before the app shuts down."""

        async def closing() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown" and self._session is not None:
                session, self._session, self._session_loop = self._session, None, None
                await session.close()
            return message

        return closing

    def _exchange(  # noqa: PLR0917  # the parts of one exchange
        self,
        scope: Scope,
        api: ApiName,
        request_body: bytes,
        started_ms: int,
        response: aiohttp.ClientResponse,
        reply_headers: list[tuple[bytes, bytes]],
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
            status=response.status,
            reply_headers=_pairs(reply_headers),
            reply_body=kept,
            started_ms=started_ms,
            finished_ms=self.now_ms(),
            reply_truncated=not ended,
        )

    async def _relay(
        self,
        status: int,
        headers: list[tuple[bytes, bytes]],
        exchange: Exchange,
        chunks: AsyncGenerator[bytes],
        send: Send,
    ) -> None:
        """The reply as it came, and the count of its violations."""
        violations = self.inspect(exchange)
        headers = [*headers, (VIOLATIONS_HEADER, str(violations).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
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


class _Body(aiohttp.Payload):
    """The request body. aiohttp starts its read timeout once the body is out: waiting
    for the server to take the body is bounded here, by the same timeout."""

    _autoclose = True  # bytes: nothing to close

    def __init__(self, value: bytes, timeout_s: float) -> None:
        super().__init__(value)
        self._size = len(value)
        self._timeout_s = timeout_s

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        text: str = self._value.decode(encoding, errors)
        return text

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        value: bytes = self._value
        return value

    async def write(self, writer: AbstractStreamWriter) -> None:
        await self.write_with_length(writer, None)

    async def write_with_length(
        self, writer: AbstractStreamWriter, content_length: int | None
    ) -> None:
        value: bytes = self._value
        async with asyncio.timeout(self._timeout_s):
            await writer.write(value if content_length is None else value[:content_length])


def _relayed_headers(response: aiohttp.ClientResponse) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in response.raw_headers if k.lower() not in HOP_BY_HOP]


async def _chunks(response: aiohttp.ClientResponse) -> AsyncGenerator[bytes]:
    """The reply's body as the server encoded it; a cut raises UpstreamCut."""
    try:
        async for chunk in response.content.iter_any():
            if chunk:
                yield chunk
    except TimeoutError:
        raise
    except aiohttp.ClientError as exc:
        raise UpstreamCut(_reason(exc)) from exc
    finally:  # back to the pool when read to its end, else the connection is closed
        response.release()


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


def _text(raw: bytes) -> str:
    """Request bytes as the text aiohttp writes back as UTF-8: the same bytes, unless
    they are not UTF-8 (then each byte is one character, and goes out re-encoded)."""
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _pairs(raw: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in raw)


def _reason(exc: Exception) -> str:
    """aiohttp's reason on one line, cut to REASON_CHARS (it quotes what it could not read)."""
    # A ClientResponseError's str() adds the status and URL to its message.
    text = exc.message if isinstance(exc, aiohttp.ClientResponseError) else str(exc)
    text = " ".join(text.split()) or type(exc).__name__
    return text if len(text) <= REASON_CHARS else text[: REASON_CHARS - 1] + "…"
