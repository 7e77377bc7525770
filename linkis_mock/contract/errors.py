"""The one error mapper: every failure, in the error format of the API it happened in.

Connexion hands each exception to the handler registered here for its class; the
mapper says what kind of failure it is (linkis_mock.contract.formats) and the API the
path belongs to renders it. Request-validation problems become the generic Linkis 400:
the real server's Spring layer answers those before any handler runs, and the mock
gives them the envelope instead.

The mapper keeps its own table of the specs' routes because failures reach it without
Connexion's routing information. The table names every method a path allows
(Starlette's 405 names only its first route's), finds an operation's invalid-body
message, and tells a path parameter of the wrong type (Spring's 400) from a path that
matches no route (404).
"""

from __future__ import annotations

import logging
from typing import Any

from connexion import AsyncApp
from connexion.exceptions import (
    BadRequestProblem,
    OAuthProblem,
    ProblemException,
    UnsupportedMediaTypeProblem,
)
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import Scope

from linkis_mock.apis import ApiRegistry, ErrorStyle
from linkis_mock.context import Call, call_of
from linkis_mock.contract.credentials import Credentials
from linkis_mock.contract.formats import (
    ErrorFormat,
    Failure,
    HuaweiCloudFormat,
    LinkisEnvelopeFormat,
    Malformed,
    NoRoute,
    NotLoggedIn,
    ProblemFormat,
    Refused,
    Rejected,
    Reply,
    Unexpected,
    Upstream,
    problem,
)
from linkis_mock.contract.json_policy import JsonPolicyError
from linkis_mock.contract.routes import RouteTable
from linkis_mock.contract.validation import FieldProblem
from linkis_mock.sim.linkis.errors import DownloadError, LinkisError
from linkis_mock.sim.storage.backend import StorageUnavailableError
from linkis_mock.sim.vias.errors import ViasError

logger = logging.getLogger(__name__)


class ReplyCut(Exception):  # noqa: N818  # not an error: how a reply is cut off on purpose
    """Raised after a reply has started, so that the server closes the connection (a
    fault rule's cut, or a real server's cut passed on by the proxy)."""


class ErrorMapper:
    def __init__(self, apis: ApiRegistry, routes: RouteTable, instance: str) -> None:
        self._routes = routes
        self._linkis = LinkisEnvelopeFormat(instance, apis.linkis.base_path)
        self._formats: dict[ErrorStyle, ErrorFormat] = {
            "linkis-envelope": self._linkis,
            "huawei-cloud": HuaweiCloudFormat(),
            "problem": ProblemFormat(),
        }

    def install(self, app: AsyncApp) -> None:
        app.add_error_handler(LinkisError, self.linkis_error)
        app.add_error_handler(DownloadError, self.download_error)
        app.add_error_handler(ViasError, self.vias_error)
        app.add_error_handler(JsonPolicyError, self.unreadable_body)
        app.add_error_handler(StorageUnavailableError, self.state_unavailable)
        app.add_error_handler(ProblemException, self.problem)
        app.add_error_handler(HTTPException, self.http_exception)
        app.add_error_handler(Exception, self.unexpected)

    # ---- what each exception means -----------------------------------------------------

    def linkis_error(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, LinkisError)
        return self._linkis.linkis_error(exc, request.scope["path"]).for_connexion()

    def download_error(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        del request
        assert isinstance(exc, DownloadError)
        return LinkisEnvelopeFormat.download_error(exc).for_connexion()

    def vias_error(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        del request
        assert isinstance(exc, ViasError)
        return HuaweiCloudFormat.vias_error(exc).for_connexion()

    def problem(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, ProblemException)
        call = call_of(request.scope)
        if call.api is not None and call.api.error_style == "problem":
            # Already the admin API's own format.
            headers = tuple((exc.headers or {}).items())
            return problem(exc.status, _first_line(exc.detail), headers).for_connexion()
        return self.render(self._failure_of(exc, call), call).for_connexion()

    def state_unavailable(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        """The state database is down: a 503 the specs document, nothing saved."""
        failure = Rejected(503, str(exc))
        return self.render(failure, call_of(request.scope)).for_connexion()

    def unreadable_body(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        """A body the JSON policy refuses, as Spring refuses a body Jackson cannot read."""
        failure = Malformed("HttpMessageNotReadableException", f"JSON parse error: {exc}")
        return self.render(failure, call_of(request.scope)).for_connexion()

    def http_exception(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, HTTPException)
        headers = tuple((exc.headers or {}).items())
        failure = self.route_failure(request.scope, exc.status_code, headers)
        return self.render(failure, call_of(request.scope)).for_connexion()

    def escaped(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        """What escapes every layer (the handler of Connexion's ServerErrorMiddleware,
        whose own default is a coroutine Starlette never awaits). The reply is sent only
        if none has started; a cut made on purpose is not logged as an error."""
        if not isinstance(exc, ReplyCut):
            logger.error("unexpected error on %s", request.scope["path"], exc_info=exc)
        try:
            call = call_of(request.scope)
        except KeyError:  # it escaped before the request had its Call
            return problem(500, "Internal Server Error", ()).for_connexion()
        return self.render(Unexpected(), call).for_connexion()

    def unexpected(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        logger.error("unexpected error on %s", request.scope["path"], exc_info=exc)
        return self.render(Unexpected(), call_of(request.scope)).for_connexion()

    def _failure_of(self, exc: ProblemException, call: Call) -> Failure:  # noqa: PLR0911
        if isinstance(exc, OAuthProblem) or exc.status == 401:
            # A blank X-Auth-Token counts as none, as at the gateway.
            return NotLoggedIn(credentials_sent=bool(Credentials.of(call.headers).vias_token))
        if isinstance(exc, UnsupportedMediaTypeProblem):
            return Malformed("HttpMediaTypeNotSupportedException", str(exc.detail))
        if not (isinstance(exc, BadRequestProblem) or 400 <= exc.status < 500):
            return Unexpected()
        detail = _first_line(exc.detail)
        if not isinstance(exc, FieldProblem):
            return Malformed("IllegalArgumentException", detail)
        operation = self._routes.operation(str(call.scope["method"]), call.path)
        if operation and operation.invalid_body_message and exc.wrong_type is not None:
            # A value of the wrong JSON type; a missing key stays the generic 400.
            return Refused(operation.invalid_body_message)
        if exc.wrong_type == "integer" and isinstance(exc.value, str):
            # What Long.parseLong says of it.
            return Malformed("NumberFormatException", f'For input string: "{exc.value}"')
        return Malformed("IllegalArgumentException", detail, exc.field)

    def route_failure(
        self, scope: Scope, status: int, headers: tuple[tuple[str, str], ...] = ()
    ) -> Failure:
        """What the router's 404 or 405 for the request's path means."""
        path, method = str(scope["path"]), str(scope["method"])
        route = self._routes.route(path)
        if status == 404 and route and method in route.operations:
            # The route exists: a typed path parameter (a taskID) did not convert.
            value = route.parameter_values(path)[0]
            return Malformed("NumberFormatException", f'For input string: "{value}"')
        if status == 405 and route:
            allow = ("Allow", ", ".join(sorted(route.operations)))
            headers = (*(h for h in headers if h[0].lower() != "allow"), allow)
        return NoRoute(method, status, headers)

    # ---- rendering ---------------------------------------------------------------------

    def render(self, failure: Failure, call: Call) -> Reply:
        """The failure in the error format of the request's API (Linkis for no API)."""
        style = call.api.error_style if call.api is not None else "linkis-envelope"
        return self._formats[style].render(failure, call)

    def refusal(
        self, scope: Scope, status: int, detail: str, headers: tuple[tuple[str, str], ...] = ()
    ) -> Response:
        """A reply made outside Connexion (faults, size limits, the admin plane's guard), in
        the path's API format."""
        return self.render(Rejected(status, detail, headers), call_of(scope)).for_starlette()

    def refused_by_simulator(self, scope: Scope, exc: Exception) -> Response | None:
        """The reply to what a handler raised, when the simulator refused the request
        (an unknown job, another project's task) or the state database is away: the
        same reply the handlers registered in `install` give through Connexion. None for
        anything else (a bug), which only the full stack's handlers may answer."""
        if isinstance(exc, LinkisError):
            reply = self._linkis.linkis_error(exc, str(scope["path"]))
        elif isinstance(exc, ViasError):
            reply = HuaweiCloudFormat.vias_error(exc)
        elif isinstance(exc, StorageUnavailableError):
            reply = self.render(Rejected(503, str(exc)), call_of(scope))
        else:
            return None
        return reply.for_starlette()

    def upstream_failure(self, scope: Scope, status: int, detail: str) -> Response:
        """Proxy mode: the real server's failure to answer, in the path's API format."""
        return self.render(Upstream(status, detail), call_of(scope)).for_starlette()

    def fault_response(self, scope: Scope, status: int) -> Response:
        """A fault rule's reply: that status, in the error format of the path's API."""
        return self.refusal(scope, status, f"fault injected by the mock (HTTP {status})")


def _first_line(detail: Any) -> str:
    """jsonschema's messages go on to print the schema; the first line says what is wrong."""
    return str(detail).split("\n", 1)[0]
