"""Turns every failure into the error format of the API it happened in.

One format per API: the Linkis envelope under /api/rest_j/v1 (and for paths no
API claims), Huawei Cloud's error bodies under /v2, RFC 7807 problems for the
admin API. Request-validation problems
become the generic Linkis 400: the real server's Spring layer answers those
before any handler runs, and the mock gives them the envelope instead.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from http import HTTPStatus
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

from linkis_mock.contract.envelope import api_method, envelope, failure
from linkis_mock.contract.json_policy import JsonPolicyError
from linkis_mock.contract.prefer import ForcedReply, PreferNotAvailableError
from linkis_mock.contract.routes import RouteTable
from linkis_mock.contract.security import TokenRejectedError
from linkis_mock.middleware.request_id import VIAS_BASE_PATH, current_request_id
from linkis_mock.runtime import sim
from linkis_mock.sim.linkis.errors import LinkisError, generic_error
from linkis_mock.sim.linkis.users import NOT_LOGGED_IN
from linkis_mock.sim.vias.tasks import INTERNAL, INVALID, ViasError

logger = logging.getLogger(__name__)

ADMIN_BASE_PATH = "/__admin"
VIAS_TOKEN_HEADER = "X-Auth-Token"
NAMED_FIELD = re.compile(r" - '([A-Za-z_][A-Za-z0-9_.-]*)'$")  # see contract/validation.py
REQUIRED_FIELD = re.compile(r"^'([A-Za-z_][A-Za-z0-9_]*)' is a required property$")
NOT_AN_INTEGER = re.compile(r"^'(?P<value>.*)' is not of type 'integer'")


class LinkisFormat:
    """Failures in the Linkis envelope (also for paths no API claims)."""

    def bad_request(self, path: str, exception_class: str, detail: str) -> ConnexionResponse:
        error = generic_error(exception_class, detail, sim().settings.instance)
        body, status = failure(error, path)
        return _json(body, status)

    def business_error(self, path: str, message: str) -> ConnexionResponse:
        return _json(envelope(api_method(path), 1, message, {}), 400)

    def not_logged_in(self, path: str, credentials_sent: bool) -> ConnexionResponse:
        del credentials_sent
        return _json(envelope(path, -1, NOT_LOGGED_IN, {}), 401)

    def no_route(
        self, path: str, method: str, status: int, headers: dict[str, str]
    ) -> ConnexionResponse:
        message = f"No route matches {method} {path}"
        if status == 405:
            message = f"Request method '{method}' is not supported for {path}"
        return _json(envelope(path, 1, message, {}), status, headers)

    def unexpected(self, path: str) -> ConnexionResponse:
        return _json(envelope(path, 1, "operation failed(操作失败)：internal mock error", {}), 500)

    def refuse(self, path: str, status: int, detail: str) -> ConnexionResponse:
        if status == 401:
            return self.not_logged_in(path, credentials_sent=False)
        return _json(envelope(path, 1, f"operation failed(操作失败)：{detail}", {}), status)


class ProblemFormat:
    """Failures as RFC 7807 problems (the admin API)."""

    def bad_request(self, path: str, exception_class: str, detail: str) -> ConnexionResponse:
        del path, exception_class
        return _problem(400, detail)

    def business_error(self, path: str, message: str) -> ConnexionResponse:
        del path
        return _problem(400, message)

    def not_logged_in(self, path: str, credentials_sent: bool) -> ConnexionResponse:
        del path, credentials_sent
        return _problem(401, "Not logged in")

    def no_route(
        self, path: str, method: str, status: int, headers: dict[str, str]
    ) -> ConnexionResponse:
        return _problem(status, f"No route for {method} {path}", headers)

    def unexpected(self, path: str) -> ConnexionResponse:
        del path
        return _problem(500, "unexpected error")

    def refuse(self, path: str, status: int, detail: str) -> ConnexionResponse:
        del path
        return _problem(status, detail)


class ViasFormat:
    """Failures as Huawei Cloud answers them: the six-field VIAS body, or the
    API gateway's three-field body for what it rejects before VIAS sees it."""

    def bad_request(self, path: str, exception_class: str, detail: str) -> ConnexionResponse:
        del path, exception_class
        return self.vias_error(ViasError(INVALID, detail, _parameter_named(detail)))

    def business_error(self, path: str, message: str) -> ConnexionResponse:
        return self.bad_request(path, "", message)

    def not_logged_in(self, path: str, credentials_sent: bool) -> ConnexionResponse:
        del path  # a blank X-Auth-Token counts as none, as at the gateway
        reason = "decrypt token fail" if credentials_sent else "x-auth-token not found"
        return _gateway_error(
            401, "APIGW.0301", f"Incorrect IAM authentication information: {reason}"
        )

    def no_route(
        self, path: str, method: str, status: int, headers: dict[str, str]
    ) -> ConnexionResponse:
        del path, method
        message = "The API does not exist or has not been published in the environment."
        return _gateway_error(status, "APIGW.0101", message, headers)

    def unexpected(self, path: str) -> ConnexionResponse:
        del path
        return self.vias_error(ViasError(INTERNAL, "unexpected error in the mock"))

    def refuse(self, path: str, status: int, detail: str) -> ConnexionResponse:
        if status == 401:
            return self.not_logged_in(path, credentials_sent=False)
        kind = replace(INTERNAL if status >= 500 else INVALID, http_status=status)
        return self.vias_error(ViasError(kind, detail))

    @staticmethod
    def vias_error(error: ViasError) -> ConnexionResponse:
        return _json(error.body(), error.kind.http_status)


ApiFormat = LinkisFormat | ViasFormat | ProblemFormat


class ErrorMapper:
    """Routes every failure to the format of the API its path belongs to.

    It keeps its own table of the specs' routes because failures reach it
    without Connexion's routing information. The table names every method a path
    allows (Starlette's 405 names only its first route's), finds an operation's
    invalid-body message, and tells a path parameter of the wrong type (Spring's
    400) from a path that matches no route (404).
    """

    def __init__(self, routes: RouteTable) -> None:
        self._routes = routes
        self._formats: list[tuple[str, ApiFormat]] = [
            (ADMIN_BASE_PATH + "/", ProblemFormat()),
            (VIAS_BASE_PATH + "/", ViasFormat()),
        ]
        self._default = LinkisFormat()

    def install(self, app: AsyncApp) -> None:
        app.add_error_handler(LinkisError, self.linkis_error)
        app.add_error_handler(ViasError, self.vias_error)
        app.add_error_handler(ForcedReply, self.forced_reply)
        app.add_error_handler(PreferNotAvailableError, self.prefer_not_available)
        app.add_error_handler(JsonPolicyError, self.unreadable_body)
        app.add_error_handler(ProblemException, self.problem)
        app.add_error_handler(HTTPException, self.http_exception)
        app.add_error_handler(Exception, self.unexpected)

    def linkis_error(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, LinkisError)
        path = request.scope["path"]
        body, status = failure(exc, path)
        if isinstance(exc, TokenRejectedError):
            body["method"] = path  # gateway replies carry the full request URI
        return _json(body, status)

    def vias_error(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        del request
        assert isinstance(exc, ViasError)
        return ViasFormat.vias_error(exc)

    def forced_reply(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        del request
        assert isinstance(exc, ForcedReply)
        return ConnexionResponse(
            status_code=exc.status,
            mimetype=exc.media_type,
            content_type=exc.media_type,
            body=exc.body,
        )

    def prefer_not_available(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        path = request.scope["path"]
        return self._format(path).business_error(path, str(exc))

    def problem(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, ProblemException)
        path = request.scope["path"]
        api_format = self._format(path)
        if isinstance(api_format, ProblemFormat):  # already the admin API's own format
            return _problem(exc.status, _first_line(exc.detail), dict(exc.headers or {}))
        if isinstance(exc, OAuthProblem) or exc.status == 401:
            sent = bool(request.headers.get(VIAS_TOKEN_HEADER, "").strip())
            return api_format.not_logged_in(path, credentials_sent=sent)
        if isinstance(exc, UnsupportedMediaTypeProblem):
            return api_format.bad_request(
                path, "HttpMediaTypeNotSupportedException", str(exc.detail)
            )
        if not (isinstance(exc, BadRequestProblem) or 400 <= exc.status < 500):
            return self.unexpected(request, exc)
        detail = _first_line(exc.detail)
        operation = self._routes.operation(request.method, path)
        if operation and operation.invalid_body_message and "is not of type" in detail:
            # A value of the wrong JSON type; a missing key stays the generic 400.
            return api_format.business_error(path, operation.invalid_body_message)
        return api_format.bad_request(path, *_java_exception(detail))

    def unreadable_body(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        """A body the JSON policy refuses, as Spring refuses a body Jackson cannot read."""
        path = request.scope["path"]
        return self._format(path).bad_request(
            path, "HttpMessageNotReadableException", f"JSON parse error: {exc}"
        )

    def http_exception(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, HTTPException)
        path = request.scope["path"]
        return self.route_refusal(path, request.method, exc.status_code, dict(exc.headers or {}))

    def route_refusal(
        self, path: str, method: str, status: int, headers: dict[str, str]
    ) -> ConnexionResponse:
        """What the router's 404 or 405 for `path` means, in the path's API format."""
        api_format = self._format(path)
        route = self._routes.route(path)
        if status == 404 and route and method in route.operations:
            # The route exists: a typed path parameter (a taskID) did not convert.
            value = route.parameter_values(path)[0]
            return api_format.bad_request(
                path, "NumberFormatException", f'For input string: "{value}"'
            )
        if status == 405 and route:
            headers["Allow"] = ", ".join(sorted(route.operations))
        return api_format.no_route(path, method, status, headers)

    def unexpected(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        path = request.scope["path"]
        logger.error("unexpected error on %s", path, exc_info=exc)
        return self._format(path).unexpected(path)

    def fault_response(self, path: str, status: int) -> Response:
        """A fault rule's reply: that status, in the error format of the path's API."""
        return self.refusal(path, status, f"fault injected by the mock (HTTP {status})")

    def refusal(self, path: str, status: int, detail: str) -> Response:
        """A reply made outside Connexion (faults, size limits), in the path's API format."""
        return starlette_response(self._format(path).refuse(path, status, detail))

    def _format(self, path: str) -> ApiFormat:
        for prefix, api_format in self._formats:
            if path.startswith(prefix):
                return api_format
        return self._default


def starlette_response(reply: ConnexionResponse) -> Response:
    return Response(
        reply.body,
        status_code=reply.status_code,
        headers=dict(reply.headers or {}),
        media_type=reply.mimetype,
    )


def _first_line(detail: Any) -> str:
    """jsonschema's messages go on to print the schema; the first line says what is wrong."""
    return str(detail).split("\n", 1)[0]


def _java_exception(detail: str) -> tuple[str, str]:
    """The exception Spring would name: Long.parseLong's for numbers, else a bad argument."""
    match = NOT_AN_INTEGER.match(detail)
    if match:
        return "NumberFormatException", f'For input string: "{match.group("value")}"'
    return "IllegalArgumentException", detail


def _parameter_named(detail: str) -> str | None:
    """The parameter or body field a validation message names, if any."""
    match = NAMED_FIELD.search(detail) or REQUIRED_FIELD.match(detail)
    return match.group(1) if match else None


def _gateway_error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> ConnexionResponse:
    body = {"error_msg": message, "error_code": code, "request_id": current_request_id()}
    return _json(body, status, headers)


def _json(body: Any, status: int, headers: dict[str, str] | None = None) -> ConnexionResponse:
    return ConnexionResponse(
        status_code=status,
        mimetype="application/json",
        content_type="application/json",
        body=json.dumps(body, ensure_ascii=False).encode(),
        headers=headers or {},
    )


def _problem(status: int, detail: str, headers: dict[str, str] | None = None) -> ConnexionResponse:
    body = {"type": "about:blank", "title": _title(status), "status": status, "detail": detail}
    return ConnexionResponse(
        status_code=status,
        mimetype="application/problem+json",
        content_type="application/problem+json",
        body=json.dumps(body).encode(),
        headers=dict(headers or {}),
    )


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
