"""Refuses in the API's format the paths Starlette's router mishandles (see below)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from linkis_mock.context import call_of
from linkis_mock.contract.errors import ErrorMapper
from linkis_mock.contract.routes import RouteTable

LONG_DIGITS = 19  # 9223372036854775807


class RouteGuardMiddleware:
    """Refuses, in the API's format, the paths Starlette's router mishandles:

    - a declared path with a trailing slash added: it is not declared, so the API's 404
      (the router would redirect it to the path without the slash, percent-decoding and
      re-encoding it on the way, so that `%FF` came back as another path);
    - an integer path parameter past the 64-bit range: Java's NumberFormatException, as
      for any other segment that is not a number (the router's `int()` raised on more
      than 4300 digits, which was a 500).
    """

    def __init__(self, app: ASGIApp, routes: RouteTable, mapper: ErrorMapper) -> None:
        self.app = app
        self.routes = routes
        self.mapper = mapper

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        status = self._refused_status(scope) if scope["type"] == "http" else None
        if status is None:
            await self.app(scope, receive, send)
            return
        failure = self.mapper.route_failure(scope, status)
        await self.mapper.render(failure, call_of(scope)).for_starlette()(scope, receive, send)

    def _refused_status(self, scope: Scope) -> int | None:
        """Cheap for the usual path: the request's match, which the layers share, says
        whether the route has integer parameters at all."""
        path = str(scope["path"])
        if path.endswith("/"):
            declared = self.routes.route(path) or not self.routes.route(path.rstrip("/"))
            return None if declared else 404
        matched = call_of(scope).matched
        if matched is None or not matched.route.integer_parameters:
            return None
        values = matched.path_values
        route = matched.route
        if any(not _long_literal(values[name]) for name in route.integer_parameters):
            return 404 if scope["method"] in route.operations else 405
        return None


def _long_literal(text: str) -> bool:
    """False for what the router reads as an integer but no 64-bit integer can be."""
    digits = text.removeprefix("-").removeprefix("+")
    return not digits.isdigit() or len(digits) <= LONG_DIGITS
