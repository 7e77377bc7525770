"""The polling hot path, answered without Connexion's per-request machinery.

Front ends poll `status`, `progress` and `log` every few seconds per open job, and
VIAS consoles show and list tasks the same way; most of the time a poll is plain: a
GET with valid credentials of one kind and parameters the spec accepts, about a job
the entrance (or a task the project) holds. The fast lane answers
exactly those, with the same handler and the same JSON encoder Connexion would use;
everything else (no or bad credentials, a parameter the spec refuses or this lane
does not read the way Connexion would, a `Prefer` header, a body, an error from the
simulator) goes on down the full stack unchanged, which gives the real reply.
The handler runs at most once: once the lane has run it, what it raised is answered
here through the one error mapper (an unknown job's 400, a database's 503), never by
running it again below; an unexpected error escapes to the outermost layer's 500.

Routes, parameter names, defaults and schemas come from the spec, and each
parameter is checked with a precompiled validator of its own schema.
`[server] fast_lane = false` turns the lane off, e.g. to compare the two.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl

from connexion.decorators.parameter import pythonic
from jsonschema import Draft4Validator
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from linkis_mock.context import Call, call_of
from linkis_mock.contract.errors import ErrorMapper
from linkis_mock.contract.routes import Route, RouteTable
from linkis_mock.contract.validation import readable_media_type

Handler = Callable[..., Awaitable[Any]]
Answer = tuple[int, bytes] | Response  # a handler's reply, or the error it raised, rendered
Encode = Callable[[Any], str]
FAST_OPERATIONS = frozenset({"getStatus", "getProgress", "getLog", "showTaskInfo", "listTasks"})
VIAS_SCHEME = "viasToken"  # an operation it guards gets the token's project as `user`
# Only canonical spellings, read the way Connexion reads them.
INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
BOOLEANS = {"true": True, "false": False}
PASSED_ON = None
KNOWN_VALUES = 4096  # the most values each parameter remembers the reading of


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    argument: str
    location: str
    required: bool
    kind: str
    default: Any
    validator: Draft4Validator
    # raw text -> what `read` made of it: a poll repeats the same few values, and
    # a schema check is a tenth of a poll's time
    known: dict[str, Any] = field(default_factory=dict, compare=False)

    def read(self, raw: str) -> Any:
        """The value Connexion would pass, or PASSED_ON when this lane is not sure."""
        try:
            return self.known[raw]
        except KeyError:
            pass
        value = self._read(raw)
        if len(self.known) >= KNOWN_VALUES:
            self.known.clear()
        self.known[raw] = value
        return value

    def _read(self, raw: str) -> Any:
        if self.kind == "integer":
            value: Any = int(raw) if INTEGER.fullmatch(raw) else PASSED_ON
        elif self.kind == "boolean":
            value = BOOLEANS.get(raw, PASSED_ON)
        elif self.kind == "string":
            value = raw
        else:
            return PASSED_ON
        if value is PASSED_ON or not self.validator.is_valid(value):
            return PASSED_ON
        return value


@dataclass(frozen=True, slots=True)
class FastOperation:
    route: Route
    parameters: tuple[Parameter, ...]
    handler: Handler
    by_vias_token: bool  # else by the Linkis session cookie or token pair

    def with_handler(self, handler: Handler) -> FastOperation:
        return replace(self, handler=handler)

    def arguments(self, path_values: dict[str, str], query: list[tuple[str, str]]) -> Any:
        """The handler's keyword arguments, or PASSED_ON."""
        raw = dict(query)
        if len(raw) != len(query):  # a repeated parameter
            return PASSED_ON
        known = {p.name for p in self.parameters if p.location == "query"}
        if not raw.keys() <= known:
            return PASSED_ON
        arguments: dict[str, Any] = {}
        for parameter in self.parameters:
            text = path_values.get(parameter.name) if parameter.location == "path" else None
            text = raw.get(parameter.name) if parameter.location == "query" else text
            if text is None:
                if parameter.required:
                    return PASSED_ON
                if parameter.default is not None:
                    arguments[parameter.argument] = parameter.default
                continue
            value = parameter.read(text)
            if value is PASSED_ON:
                return PASSED_ON
            arguments[parameter.argument] = value
        return arguments


class FastLane:
    def __init__(
        self,
        app: ASGIApp,
        operations: list[FastOperation],
        encode: Encode,
        mapper: ErrorMapper,
    ) -> None:
        self.app = app
        self.by_route = {operation.route.template: operation for operation in operations}
        self.encode = encode
        self.mapper = mapper

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = None
        if scope["type"] == "http" and scope["method"] == "GET":
            answer = await self._answer(scope)
        if answer is None:
            await self.app(scope, receive, send)
        elif isinstance(answer, Response):
            await answer(scope, receive, send)
        else:
            status, body = answer
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})

    async def _answer(self, scope: Scope) -> Answer | None:
        call = call_of(scope)
        matched = call.matched  # the route the earlier layers found, or found now for them
        operation = self.by_route.get(matched.route.template) if matched else None
        if matched is None or operation is None:
            return None
        return await self._run(operation, matched.path_values, call)

    async def _run(
        self, operation: FastOperation, path_values: dict[str, str], call: Call
    ) -> Answer | None:
        scope = call.scope
        arguments = _arguments(operation, path_values, call)
        if arguments is None:
            return None
        try:
            result = await operation.handler(call=call, **arguments)
        except Exception as exc:
            refusal = self.mapper.refused_by_simulator(scope, exc)
            if refusal is None:
                raise  # a bug: the outermost layer answers the API's 500
            return refusal
        reply, status = result if isinstance(result, tuple) else (result, 200)
        return status, self.encode(reply).encode()


def _arguments(
    operation: FastOperation, path_values: dict[str, str], call: Call
) -> dict[str, Any] | None:
    """The handler's keyword arguments, or None for a request that is not plain or whose
    credentials are not good and of one kind."""
    if not _plain(call):
        return None
    try:
        query = parse_qsl(call.scope["query_string"].decode(), keep_blank_values=True)
    except UnicodeDecodeError:
        return None
    arguments = operation.arguments(path_values, query)
    if arguments is PASSED_ON:
        return None
    if operation.by_vias_token:
        arguments["user"] = _vias_project(call)
        return arguments if arguments["user"] is not None else None
    return arguments if call.credentials.valid_of_one_kind(call.sim) else None


def _plain(call: Call) -> bool:
    """No body and no `Prefer`."""
    headers = call.headers
    if "prefer" in headers or "transfer-encoding" in headers or not readable_media_type(headers):
        return False
    return headers.get("content-length", "0") == "0"


def _vias_project(call: Call) -> str | None:
    """The project of the one X-Auth-Token the request carries, if the mock knows it
    (as connexion's API-key check reads the header: the first, as sent)."""
    tokens = call.headers.getlist("x-auth-token")
    return call.sim.vias.project_of_token(tokens[0]) if len(tokens) == 1 else None


def fast_operations(routes: RouteTable, resolve: Callable[[str], Handler]) -> list[FastOperation]:
    """The fast lane's operations: routes, parameters and schemas as the specs give them."""
    found = []
    for operation_id in sorted(FAST_OPERATIONS):
        route, operation = routes.find("GET", operation_id)
        handler = resolve(operation.function_name)
        accepted = inspect.signature(handler).parameters  # Connexion passes only these
        parameters = tuple(
            _parameter(raw)
            for raw in operation.parameters()
            if pythonic(raw["name"]) in accepted and raw["in"] in {"path", "query"}
        )
        by_vias_token = VIAS_SCHEME in operation.security_schemes()
        found.append(FastOperation(route, parameters, handler, by_vias_token))
    return found


def _parameter(raw: dict[str, Any]) -> Parameter:
    schema = raw.get("schema", {})
    return Parameter(
        name=raw["name"],
        argument=pythonic(raw["name"]),
        location=raw["in"],
        required=bool(raw.get("required", False)),
        kind=str(schema.get("type", "")),
        default=schema.get("default"),
        validator=Draft4Validator(schema),
    )
