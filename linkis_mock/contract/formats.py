"""Each API's error format, behind one small interface: `render(failure, call)`.

A failure is one of a few plain values (below); each format turns it into the bytes its
API sends: the Linkis envelope, Huawei Cloud's bodies (VIAS's six members, or the API
gateway's three for what it refuses before VIAS sees it), or RFC 7807 problems for the
admin API. What a format needs of the request (its path, its X-Request-Id) it reads
from the request's `Call`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Protocol

from connexion.lifecycle import ConnexionResponse
from starlette.responses import Response

from linkis_mock.contract.envelope import envelope, failure, method_of
from linkis_mock.contract.reply_json import encode
from linkis_mock.sim.linkis.errors import DownloadError, LinkisError, generic_error
from linkis_mock.sim.linkis.users import NOT_LOGGED_IN
from linkis_mock.sim.vias.errors import INTERNAL, INVALID, ViasError

if TYPE_CHECKING:
    from linkis_mock.context import Call

JSON = "application/json"
PROBLEM = "application/problem+json"


@dataclass(frozen=True, slots=True)
class Malformed:
    """A request refused before any handler ran, as Spring refuses it (`exception_class`
    is the Java exception the real server would name); `field` is the parameter or body
    member at fault, if one is."""

    exception_class: str
    detail: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Refused:
    """A business error in the operation's own words (Linkis status 1)."""

    message: str


@dataclass(frozen=True, slots=True)
class NotLoggedIn:
    credentials_sent: bool = False


@dataclass(frozen=True, slots=True)
class NoRoute:
    method: str
    status: int  # 404, or 405 for a path whose route lacks the method
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Unexpected:
    """A bug: the reply says nothing of it."""


@dataclass(frozen=True, slots=True)
class Rejected:
    """A refusal made outside Connexion (a size limit, a fault rule, the admin plane's
    guard): that status, and the headers it calls for (`WWW-Authenticate`)."""

    status: int
    detail: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Upstream:
    """Proxy mode: the real server could not be reached (502) or did not answer in time
    (504); `detail` says which target and why."""

    status: int
    detail: str


Failure = Malformed | Refused | NotLoggedIn | NoRoute | Unexpected | Rejected | Upstream


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    media_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    def for_connexion(self) -> ConnexionResponse:
        return ConnexionResponse(
            status_code=self.status,
            mimetype=self.media_type,
            content_type=self.media_type,
            body=self.body,
            headers=dict(self.headers),
        )

    def for_starlette(self) -> Response:
        headers = dict(self.headers)
        return Response(self.body, self.status, headers=headers, media_type=self.media_type)


class ErrorFormat(Protocol):
    def render(self, failure: Failure, call: Call) -> Reply: ...


class LinkisEnvelopeFormat:
    """Failures in the Linkis envelope (also for paths no API claims)."""

    def __init__(self, instance: str, base_path: str) -> None:
        self._instance = instance  # the entrance's host:port, in generic errors' errorMsg
        self._base_path = base_path

    def render(self, failure: Failure, call: Call) -> Reply:
        path = call.path
        match failure:
            case Malformed(exception_class, detail):
                error = generic_error(exception_class, detail, self._instance)
                return self.linkis_error(error, path)
            case Refused(message):
                method = method_of("service", path, self._base_path)
                return _json(envelope(method, 1, message, {}), 400)
            case NotLoggedIn() | Rejected(401, _):
                return _json(envelope(path, -1, NOT_LOGGED_IN, {}), 401)
            case NoRoute(method, status, headers):
                message = f"No route matches {method} {path}"
                if status == 405:
                    message = f"Request method '{method}' is not supported for {path}"
                return _json(envelope(path, 1, message, {}), status, headers)
            case Unexpected():
                message = "operation failed(操作失败)：internal mock error"
                return _json(envelope(path, 1, message, {}), 500)
            case Rejected(status, detail) | Upstream(status, detail):
                return _json(envelope(path, 1, f"operation failed(操作失败)：{detail}", {}), status)

    def linkis_error(self, error: LinkisError, path: str) -> Reply:
        """An error the simulator raised, in its envelope."""
        body, status = failure(error, path, self._base_path)
        return _json(body, status)

    @staticmethod
    def download_error(error: DownloadError) -> Reply:
        """A download's failure: the real body, plain text. The real status after the
        response's reset is not established (docs/reference/linkis-console.md §11); 400 says it
        failed."""
        return Reply(400, "text/plain; charset=utf-8", error.body.encode())


class HuaweiCloudFormat:
    """Failures as Huawei Cloud answers them: the six-member VIAS body, or the API
    gateway's three-member body for what it rejects before VIAS sees it."""

    def render(self, failure: Failure, call: Call) -> Reply:  # noqa: PLR0911  # one per kind
        match failure:
            case Malformed(_, detail, field):
                return self.vias_error(ViasError(INVALID, detail, field))
            case Refused(message):
                return self.vias_error(ViasError(INVALID, message))
            case NotLoggedIn(credentials_sent):
                # A blank X-Auth-Token counts as none, as at the gateway.
                reason = "decrypt token fail" if credentials_sent else "x-auth-token not found"
                message = f"Incorrect IAM authentication information: {reason}"
                return _gateway_error(call, 401, "APIGW.0301", message)
            case Rejected(401, _):
                return self.render(NotLoggedIn(), call)
            case NoRoute(_, status, headers):
                message = "The API does not exist or has not been published in the environment."
                return _gateway_error(call, status, "APIGW.0101", message, headers)
            case Unexpected():
                return self.vias_error(ViasError(INTERNAL, "unexpected error in the mock"))
            case Upstream(status, _):
                # The API gateway's own words for its backend (APIG error codes: APIG.0201).
                message = "Backend timeout." if status == 504 else "Backend unavailable."
                return _gateway_error(call, status, "APIGW.0201", message)
            case Rejected(status, detail):
                kind = replace(INTERNAL if status >= 500 else INVALID, http_status=status)
                return self.vias_error(ViasError(kind, detail))

    @staticmethod
    def vias_error(error: ViasError) -> Reply:
        return _json(error.body(), error.kind.http_status)


class ProblemFormat:
    """Failures as RFC 7807 problems (the admin API)."""

    def render(self, failure: Failure, call: Call) -> Reply:
        match failure:
            case Malformed(_, detail) | Refused(detail):
                return problem(400, detail)
            case NotLoggedIn():
                return problem(401, "Not logged in")
            case NoRoute(method, status, headers):
                return problem(status, f"No route for {method} {call.path}", headers)
            case Unexpected():
                return problem(500, "unexpected error")
            case Rejected(status, detail, headers):
                return problem(status, detail, headers)
            case Upstream(status, detail):
                return problem(status, detail)


def problem(status: int, detail: str, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    body = {"type": "about:blank", "title": _title(status), "status": status, "detail": detail}
    return Reply(status, PROBLEM, encode(body), headers)


def _gateway_error(
    call: Call, status: int, code: str, message: str, headers: tuple[tuple[str, str], ...] = ()
) -> Reply:
    request_id = call.request_id or call.mock.new_request_id()
    body = {"error_msg": message, "error_code": code, "request_id": request_id}
    return _json(body, status, headers)


def _json(body: Any, status: int, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(status, JSON, encode(body), headers)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
