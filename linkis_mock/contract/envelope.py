"""The one builder of the Linkis reply envelope `{method, status, message, data}`.

A success is an `OkEnvelope[D]` whose `data` has the spec's type for the
operation, so a handler annotated with the generated `XReply` type only
type-checks when the simulator's data matches the spec.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypedDict, TypeVar

from linkis_mock.middleware.request_id import REQUEST_PATH
from linkis_mock.sim.linkis.entrance import Ok
from linkis_mock.sim.linkis.errors import LinkisError

LINKIS_BASE_PATH = "/api/rest_j/v1"
# The HTTP status always follows the envelope's status (Linkis' Message class).
HTTP_STATUS = {0: 200, 1: 400, -1: 401, 2: 412, 3: 403, 4: 206}
D = TypeVar("D")


class OkEnvelope(TypedDict, Generic[D]):
    method: str | None
    status: Literal[0]
    message: str
    data: D


class Envelope(TypedDict):
    """Any envelope: errors, and replies built outside a handler."""

    method: str | None
    status: int
    message: str
    data: dict[str, Any]


def envelope(method: str | None, status: int, message: str, data: dict[str, Any]) -> Envelope:
    return {"method": method, "status": status, "message": message, "data": data}


def api_method(path: str) -> str:
    """The `method` the services write: the request path without `/rest_j/v1`."""
    if path.startswith(LINKIS_BASE_PATH):
        return "/api" + path[len(LINKIS_BASE_PATH) :]
    return path


def ok(result: Ok[D], *, method_is_null: bool = False) -> tuple[OkEnvelope[D], Literal[200]]:
    """A success reply, its `method` taken from the current request's path."""
    method = None if method_is_null else api_method(REQUEST_PATH.get())
    return {"method": method, "status": 0, "message": result.message, "data": result.data}, 200


def failure(error: LinkisError, path: str) -> tuple[Envelope, int]:
    method = None if error.method_is_null else api_method(path)
    return envelope(method, error.status, error.message, error.data), http_status(error.status)


def http_status(status: int) -> int:
    return HTTP_STATUS.get(status, 400)
