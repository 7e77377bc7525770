"""The first layer: attaches the request's `Call` (the app's context, the API the path
belongs to, the request's own facts) for every layer inside, and for APIs that send one
(VIAS) makes an `X-Request-Id`, as Huawei Cloud's gateway does, writes it on the reply
and keeps it so that error bodies which repeat it (`request_id`) carry the same value.
A reply the proxy forwards from the real server keeps the server's headers instead.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkis_mock.context import Call, MockContext, attach, detach

REQUEST_ID_HEADER = b"x-request-id"


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, context: MockContext) -> None:
        self.app = app
        self.context = context

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = self.context.apis.for_path(str(scope["path"]))
        call = Call(self.context, scope, api)
        attach(scope, call)
        try:
            if api is None or not api.request_ids:
                await self.app(scope, receive, send)
            else:
                await self.app(scope, receive, _with_request_id(call, send))
        finally:
            detach(scope)


def _with_request_id(call: Call, send: Send) -> Send:
    call.request_id = call.mock.new_request_id()
    header = call.request_id.encode()

    async def send_with_id(message: Message) -> None:
        if message["type"] == "http.response.start" and not call.forwarded:
            headers = [(k, v) for k, v in message.get("headers", []) if k != REQUEST_ID_HEADER]
            headers.append((REQUEST_ID_HEADER, header))
            message = {**message, "headers": headers}
        await send(message)

    return send_with_id
