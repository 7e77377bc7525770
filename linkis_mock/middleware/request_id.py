"""What reply builders need to know about the request in flight, set before anything
else runs: its path (the Linkis envelope's `method`), and for VIAS its `X-Request-Id`,
as Huawei Cloud's gateway sends it, kept so that error bodies which repeat it
(`request_id`) carry the same value.
"""

from __future__ import annotations

import secrets
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

VIAS_BASE_PATH = "/v2"
REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")
REQUEST_PATH: ContextVar[str] = ContextVar("request_path", default="")


def current_request_id() -> str:
    return REQUEST_ID.get() or secrets.token_hex(16)


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path_token = REQUEST_PATH.set(scope["path"])
        try:
            await self._with_request_id(scope, receive, send)
        finally:
            REQUEST_PATH.reset(path_token)

    async def _with_request_id(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not str(scope["path"]).startswith(VIAS_BASE_PATH + "/"):
            await self.app(scope, receive, send)
            return
        request_id = secrets.token_hex(16)
        token = REQUEST_ID.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(token)
