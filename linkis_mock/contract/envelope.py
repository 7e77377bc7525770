"""The one builder of the Linkis reply envelope `{method, status, message, data}`.

A success is an `OkEnvelope[D]` whose `data` has the spec's type for the
operation, so a handler annotated with the generated `XReply` type only
type-checks when the simulator's data matches the spec.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypedDict, TypeVar

from linkis_mock.sim.linkis.errors import LinkisError, MethodStyle, http_status
from linkis_mock.sim.linkis.ok import Ok

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


def method_of(style: MethodStyle, path: str, base_path: str) -> str | None:
    """The `method` an envelope names for a request to `path` under the gateway prefix
    `base_path`: the services write the path without `/rest_j/v1`."""
    if style == "none":
        return None
    if style == "request" or not path.startswith(base_path):
        return path
    return "/api" + path[len(base_path) :]


def ok(
    result: Ok[D], path: str, base_path: str, style: MethodStyle = "service"
) -> tuple[OkEnvelope[D], Literal[200]]:
    method = method_of(style, path, base_path)
    return {"method": method, "status": 0, "message": result.message, "data": result.data}, 200


def failure(error: LinkisError, path: str, base_path: str) -> tuple[Envelope, int]:
    method = method_of(error.method, path, base_path)
    return envelope(method, error.status, error.message, error.data), http_status(error.status)
