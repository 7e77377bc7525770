"""Turns every failure into the error format of the API it happened in.

One mapper per API: the Linkis envelope under /api/rest_j/v1 (and for paths no
API claims), RFC 7807 problems for the admin API. Request-validation problems
become the generic Linkis 400; the real server's Spring layer answers those
before any handler runs, and the mock gives them the envelope instead.
"""

from __future__ import annotations

import json
import logging
import re
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

from linkis_mock.auth import TokenRejectedError
from linkis_mock.envelope import Envelope, envelope, failure
from linkis_mock.resolver import snake_case
from linkis_mock.runtime import sim
from linkis_mock.sim.errors import LinkisError, generic_error
from linkis_mock.sim.users import NOT_LOGGED_IN

logger = logging.getLogger(__name__)

ADMIN_BASE_PATH = "/__admin"
INVALID_BODY_EXTENSION = "x-linkis-invalid-body-message"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


class LinkisFormat:
    """Failures in the Linkis envelope (also for paths no API claims)."""

    def bad_request(self, path: str, exception_class: str, detail: str) -> ConnexionResponse:
        error = generic_error(exception_class, detail, sim().settings.instance)
        body, status = failure(error, path)
        return _json(body, status)

    def business_error(self, path: str, message: str) -> ConnexionResponse:
        return _json(envelope(path, 1, message, {}), 400)

    def not_logged_in(self, path: str) -> ConnexionResponse:
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


class ProblemFormat:
    """Failures as RFC 7807 problems (the admin API)."""

    def bad_request(self, path: str, exception_class: str, detail: str) -> ConnexionResponse:
        del path, exception_class
        return _problem_response(400, None, detail, None)

    def business_error(self, path: str, message: str) -> ConnexionResponse:
        return self.bad_request(path, "", message)

    def not_logged_in(self, path: str) -> ConnexionResponse:
        del path
        return _problem_response(401, None, "Not logged in", None)

    def no_route(
        self, path: str, method: str, status: int, headers: dict[str, str]
    ) -> ConnexionResponse:
        return _problem_response(status, None, f"No route for {method} {path}", headers)

    def unexpected(self, path: str) -> ConnexionResponse:
        del path
        return _problem_response(500, None, "unexpected error", None)


class ErrorMapper:
    """Routes every failure to the format of the API its path belongs to.

    It also holds what the mapping needs from the specs: per-operation
    invalid-body messages, and the methods each path allows (Starlette's 405
    names only its first route's).
    """

    def __init__(self, specs: dict[str, dict[str, Any]]) -> None:
        self._invalid_body_messages: dict[str, str] = {}
        self._allowed: list[tuple[re.Pattern[str], str]] = []
        for base_path, spec in specs.items():
            self._invalid_body_messages.update(invalid_body_messages(spec))
            self._allowed.extend(allowed_methods(base_path, spec))
        self._formats: list[tuple[str, LinkisFormat | ProblemFormat]] = [
            (ADMIN_BASE_PATH, ProblemFormat())
        ]
        self._default = LinkisFormat()

    def install(self, app: AsyncApp) -> None:
        app.add_error_handler(LinkisError, self.linkis_error)
        app.add_error_handler(UnicodeDecodeError, self.undecodable_body)
        app.add_error_handler(ProblemException, self.problem)
        app.add_error_handler(HTTPException, self.http_exception)
        app.add_error_handler(Exception, self.unexpected)

    def _format(self, path: str) -> LinkisFormat | ProblemFormat:
        for prefix, api_format in self._formats:
            if path.startswith(prefix):
                return api_format
        return self._default

    def linkis_error(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, LinkisError)
        path = request.scope["path"]
        body, status = failure(exc, path)
        if isinstance(exc, TokenRejectedError):
            body["method"] = path  # gateway replies carry the full request URI
        return _json(body, status)

    def problem(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, ProblemException)
        path = request.scope["path"]
        api_format = self._format(path)
        if isinstance(exc, OAuthProblem) or exc.status == 401:
            return api_format.not_logged_in(path)
        if isinstance(exc, UnsupportedMediaTypeProblem):
            return api_format.bad_request(
                path, "HttpMediaTypeNotSupportedException", str(exc.detail)
            )
        if isinstance(exc, BadRequestProblem) or 400 <= exc.status < 500:
            special = self._invalid_body_messages.get(_handler_name(request) or "")
            if special and _is_type_problem(exc):
                return api_format.business_error(path, special)
            return api_format.bad_request(path, "IllegalArgumentException", _first_line(exc.detail))
        return self.unexpected(request, exc)

    def undecodable_body(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        """Connexion decodes JSON bodies as UTF-8 before validating them."""
        path = request.scope["path"]
        return self._format(path).bad_request(
            path, "HttpMessageNotReadableException", f"JSON parse error: Invalid UTF-8: {exc}"
        )

    def http_exception(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, HTTPException)
        path = request.scope["path"]
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = self._allow_header(path, headers.get("Allow", ""))
        return self._format(path).no_route(path, request.method, exc.status_code, headers)

    def _allow_header(self, path: str, fallback: str) -> str:
        for pattern, methods in self._allowed:
            if pattern.fullmatch(path):
                return methods
        return fallback

    def unexpected(self, request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        path = request.scope["path"]
        logger.error("unexpected error on %s", path, exc_info=exc)
        return self._format(path).unexpected(path)


def invalid_body_messages(spec: dict[str, Any]) -> dict[str, str]:
    """Handler name -> the reply message the spec asks for when its body has a wrong type."""
    found = {}
    for path_item in spec.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict) and INVALID_BODY_EXTENSION in operation:
                found[snake_case(operation["operationId"])] = operation[INVALID_BODY_EXTENSION]
    return found


def allowed_methods(base_path: str, spec: dict[str, Any]) -> list[tuple[re.Pattern[str], str]]:
    """(path regex, `Allow` value) for every path of a spec."""
    found = []
    for template, path_item in spec.get("paths", {}).items():
        methods = sorted(m.upper() for m in path_item if m in HTTP_METHODS)
        regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(base_path + template))
        found.append((re.compile(regex), ", ".join(methods)))
    return found


def _handler_name(request: ConnexionRequest) -> str | None:
    routing = request.scope.get("extensions", {}).get("connexion_routing", {})
    operation_id = routing.get("operation_id")
    return str(operation_id).rsplit(".", 1)[-1] if operation_id else None


def _first_line(detail: Any) -> str:
    """jsonschema's messages go on to print the schema; the first line says what is wrong."""
    return str(detail).split("\n", 1)[0]


def _is_type_problem(exc: ProblemException) -> bool:
    """A value of the wrong JSON type (not a missing key, which stays the generic 400)."""
    return "is not of type" in str(exc.detail)


def _json(body: Envelope, status: int, headers: dict[str, str] | None = None) -> ConnexionResponse:
    return ConnexionResponse(
        status_code=status,
        mimetype="application/json",
        content_type="application/json",
        body=json.dumps(body, ensure_ascii=False).encode(),
        headers=headers or {},
    )


def _problem_response(
    status: int, title: str | None, detail: Any, headers: dict[str, str] | None
) -> ConnexionResponse:
    body = {
        "type": "about:blank",
        "title": title or _title(status),
        "status": status,
        "detail": str(detail),
    }
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
