"""The polling hot path, answered without Connexion's per-request machinery.

Front ends poll `status`, `progress` and `log` every few seconds per open job, and
most of the time a poll is plain: a GET with valid credentials of one kind and
parameters the spec accepts, about a job the entrance holds. The fast lane answers
exactly those, with the same handler and the same JSON encoder Connexion would use;
everything else (no or bad credentials, a parameter the spec refuses or this lane
does not read the way Connexion would, a `Prefer` header, a body, an error from the
simulator) goes on down the full stack unchanged, which gives the real reply.

Routes, parameter names, defaults and schemas come from the spec, and each
parameter is checked with a precompiled validator of its own schema.
`[server] fast_lane = false` turns the lane off, e.g. to compare the two.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from connexion.decorators.parameter import pythonic
from jsonschema import Draft4Validator
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from linkis_mock.auth import SESSION_COOKIE, TOKEN_USER_HEADER
from linkis_mock.resolver import snake_case
from linkis_mock.runtime import sim
from linkis_mock.sim.errors import LinkisError

Handler = Callable[..., Awaitable[Any]]
Encode = Callable[[Any], str]
FAST_OPERATIONS = frozenset({"getStatus", "getProgress", "getLog"})
# Only canonical spellings, read the way Connexion reads them.
INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
BOOLEANS = {"true": True, "false": False}
PASSED_ON = None
# `{name}` in a path template, once re.escape has escaped its braces.
PATH_PARAMETER = re.compile(r"\\\{(\w+)\\\}")


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    argument: str
    location: str
    required: bool
    kind: str
    default: Any
    validator: Draft4Validator

    def read(self, raw: str) -> Any:
        """The value Connexion would pass, or PASSED_ON when this lane is not sure."""
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
    operation_id: str
    route: re.Pattern[str]
    parameters: tuple[Parameter, ...]
    handler: Handler

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
        wrap: Callable[[Handler], Handler] | None = None,
    ) -> None:
        self.app = app
        self.operations = [
            FastOperation(op.operation_id, op.route, op.parameters, wrap(op.handler))
            if wrap
            else op
            for op in operations
        ]
        self.encode = encode

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = None
        if scope["type"] == "http" and scope["method"] == "GET":
            body = await self._answer(scope)
        if body is None:
            await self.app(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _answer(self, scope: Scope) -> bytes | None:
        path: str = scope["path"]
        for operation in self.operations:
            match = operation.route.fullmatch(path)
            if match is not None:
                return await self._run(operation, match.groupdict(), scope)
        return None

    async def _run(
        self, operation: FastOperation, path_values: dict[str, str], scope: Scope
    ) -> bytes | None:
        if not _plain_and_authenticated(Headers(scope=scope)):
            return None
        try:
            query = parse_qsl(scope["query_string"].decode(), keep_blank_values=True)
        except UnicodeDecodeError:
            return None
        arguments = operation.arguments(path_values, query)
        if arguments is PASSED_ON:
            return None
        try:
            reply, status = await operation.handler(**arguments)
        except Exception:  # the full stack answers it, with the real error
            return None
        if status != 200:
            return None
        return self.encode(reply).encode()


def _plain_and_authenticated(headers: Headers) -> bool:
    """No body and no `Prefer`; credentials of exactly one kind, and valid: the session
    cookie, or the token pair."""
    if "prefer" in headers or "transfer-encoding" in headers:
        return False
    if headers.get("content-length", "0") != "0":
        return False
    cookies = cookie_parser(headers.get("cookie", ""))
    ticket = cookies.get(SESSION_COOKIE)
    token, token_user = headers.get("token-code"), headers.get(TOKEN_USER_HEADER)
    if ticket is not None and token is None and token_user is None:
        return len(headers.getlist("cookie")) == 1 and sim().users.session_user(ticket) is not None
    if ticket is None and token and token_user:
        try:
            sim().users.token_user(token, token_user)
        except LinkisError:
            return False
        return True
    return False


def fast_operations(
    spec: dict[str, Any], base_path: str, resolve: Callable[[str], Handler]
) -> list[FastOperation]:
    """The fast lane's operations, read from the spec (routes, parameters, schemas)."""
    found = []
    for path, method, operation in _operations(spec):
        if method != "get" or operation.get("operationId") not in FAST_OPERATIONS:
            continue
        parameters = tuple(_parameter(_resolve(spec, p)) for p in operation.get("parameters", []))
        route = re.compile(PATH_PARAMETER.sub(r"(?P<\1>[^/]+)", re.escape(base_path + path)))
        controller = operation["x-openapi-router-controller"]
        handler = resolve(f"{controller}.{snake_case(operation['operationId'])}")
        found.append(FastOperation(operation["operationId"], route, parameters, handler))
    return found


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "operationId" in operation:
                yield path, method, operation


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


def _resolve(spec: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in item:
        node: Any = spec
        for part in item["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        item = node
    return item
