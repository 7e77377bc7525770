"""The admin plane's guard: every request under the admin API's base path (its
operations, spec, Swagger UI and the dashboard) is held to linkis_mock.control.
admin_access before anything reads or changes state. The Linkis and VIAS APIs pass
untouched: their callers are governed by their own auth and CORS."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from linkis_mock.context import call_of
from linkis_mock.contract.errors import ErrorMapper
from linkis_mock.control.admin_access import AdminAccess

TOKEN_SCHEME_NAME = "adminToken"  # the admin spec's security scheme
CHALLENGE = (("WWW-Authenticate", 'Bearer realm="linkis-mock admin"'),)


class AdminGuardMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        access: AdminAccess,
        admin_base_path: str,
        mapper: ErrorMapper,
    ) -> None:
        self.app = app
        self.access = access
        self.prefix = admin_base_path + "/"
        self.mapper = mapper

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        guarded = path.startswith(self.prefix) or path + "/" == self.prefix
        if scope["type"] != "http" or not guarded:
            await self.app(scope, receive, send)
            return
        method = str(scope["method"])
        call = call_of(scope)
        headers = call.headers
        operation = call.matched.operation if call.matched else None
        refusal = self.access.refusal(
            method=method,
            host=headers.get("host"),
            origin=headers.get("origin"),
            fetch_site=headers.get("sec-fetch-site"),
            authorization=headers.get("authorization"),
            needs_token=operation is not None and TOKEN_SCHEME_NAME in operation.security_schemes(),
        )
        if refusal is None:
            await self.app(scope, receive, send)
            return
        challenge = CHALLENGE if refusal.status == 401 else ()
        reply = self.mapper.refusal(scope, refusal.status, refusal.detail, challenge)
        await reply(scope, receive, send)
