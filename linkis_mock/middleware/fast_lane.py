"""The hot paths, answered without Connexion's per-request machinery.

Front ends poll `status`, `progress` and `log` every few seconds per open job, and
VIAS consoles show and list tasks the same way; schedulers submit jobs and start and
stop tasks. Most of these requests are plain: valid credentials of one kind,
parameters the spec accepts, and for a submit a JSON body that the strict JSON policy
reads and the spec's schema accepts. The fast lane answers exactly those, with the
same handler and the same JSON encoder (contract/reply_json.py) Connexion uses;
everything else (no or bad credentials, a parameter or a body the spec refuses or this
lane does not read the way Connexion would, a `Prefer` header, an unexpected body or
media type) goes on down the full stack unchanged (a body the lane read is handed on as
it came), which gives the real reply.
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
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qsl

from connexion.decorators.parameter import pythonic
from jsonschema import Draft4Validator
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkis_mock.context import Call, call_of
from linkis_mock.contract import json_policy
from linkis_mock.contract.body_check import Check, body_check
from linkis_mock.contract.errors import ErrorMapper
from linkis_mock.contract.reply_json import encode_line
from linkis_mock.contract.routes import Operation, Route, RouteTable
from linkis_mock.contract.validation import readable_media_type

Handler = Callable[..., Awaitable[Any]]
Answer = tuple[int, bytes] | Response  # a handler's reply, or the error it raised, rendered
# (method, operationId): the polls and task reads, the VIAS action, and the submits.
FAST_OPERATIONS = frozenset(
    {
        ("GET", "getStatus"),
        ("GET", "getProgress"),
        ("GET", "getLog"),
        ("GET", "showTaskInfo"),
        ("GET", "listTasks"),
        ("PUT", "startStopTask"),
        ("POST", "submit"),
        ("POST", "execute"),
    }
)
JSON_TYPES = frozenset({"application/json", "application/json;charset=utf-8"})
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
    method: str = "GET"
    # A JSON body's schema (the spec's, as Connexion checks it): the handler then takes
    # `body` and `token_info` as Connexion gives them.
    body: Check | None = None

    def with_handler(self, handler: Handler) -> FastOperation:
        return replace(self, handler=handler)

    def arguments(self, path_values: Mapping[str, str], query: list[tuple[str, str]]) -> Any:
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
        mapper: ErrorMapper,
    ) -> None:
        self.app = app
        self.by_route = {(op.route.template, op.method): op for op in operations}
        self.mapper = mapper

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = None
        if scope["type"] == "http":
            answer, receive = await self._answer(scope, receive)
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

    async def _answer(self, scope: Scope, receive: Receive) -> tuple[Answer | None, Receive]:
        """The lane's answer, if it takes the request, and the `receive` to hand on (one
        that gives the body again when the lane read it and passes the request on)."""
        call = call_of(scope)
        matched = call.matched  # the route the earlier layers found, or found now for them
        key = (matched.route.template, str(scope["method"])) if matched else None
        operation = self.by_route.get(key) if key else None
        if matched is None or operation is None:
            return None, receive
        if operation.body is None:
            arguments = _arguments(operation, matched.path_values, call)
        else:
            arguments, receive = await _body_arguments(operation, call, receive)
        if arguments is None:
            return None, receive
        return await self._run(operation, arguments, call), receive

    async def _run(self, operation: FastOperation, arguments: dict[str, Any], call: Call) -> Answer:
        scope = call.scope
        try:
            result = await operation.handler(call=call, **arguments)
        except Exception as exc:
            refusal = self.mapper.refused_by_simulator(scope, exc)
            if refusal is None:
                raise  # a bug: the outermost layer answers the API's 500
            return refusal
        reply, status = result if isinstance(result, tuple) else (result, 200)
        return status, encode_line(reply)


def _arguments(
    operation: FastOperation, path_values: Mapping[str, str], call: Call
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


async def _body_arguments(
    operation: FastOperation, call: Call, receive: Receive
) -> tuple[dict[str, Any] | None, Receive]:
    """`body` and `token_info` for a plain JSON request: no `Prefer` and no query, a JSON
    media type in UTF-8, a body of its announced length that the strict JSON policy reads
    and the spec's schema accepts, valid credentials of one kind. The body read is handed
    on again (the second item) when the lane passes the request on."""
    headers = call.headers
    length = headers.get("content-length", "")
    media_type = headers.get("content-type", "").replace(" ", "").lower()
    plain = "prefer" not in headers and "transfer-encoding" not in headers
    if not (
        plain and length.isdigit() and media_type in JSON_TYPES and not call.scope["query_string"]
    ):
        return None, receive
    raw, receive = await _read(receive, int(length))
    if raw is None:
        return None, receive
    try:
        body = json_policy.loads(raw)
    except json_policy.JsonPolicyError:
        return None, receive
    assert operation.body is not None
    if not operation.body.is_valid(body):
        return None, receive
    token_info = call.credentials.token_info(call.sim)
    if token_info is None:
        return None, receive
    return {"body": body, "token_info": token_info}, receive


async def _read(receive: Receive, length: int) -> tuple[bytes | None, Receive]:
    """The request's body, if it came whole and of `length` bytes; and a `receive` that
    gives what was read again, then whatever comes after."""
    messages: list[Message] = []
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    raw = b"".join(chunks)
    ended = messages[-1]["type"] == "http.request" and not messages[-1].get("more_body", False)
    return (raw if ended and len(raw) == length else None), _replaying(messages, receive)


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


def _vias_project(call: Call) -> str | None:
    """The project of the one X-Auth-Token the request carries, if the mock knows it
    (as connexion's API-key check reads the header: the first, as sent)."""
    tokens = call.headers.getlist("x-auth-token")
    return call.sim.vias.project_of_token(tokens[0]) if len(tokens) == 1 else None


def fast_operations(routes: RouteTable, resolve: Callable[[str], Handler]) -> list[FastOperation]:
    """The fast lane's operations: routes, parameters and schemas as the specs give them."""
    found = []
    for method, operation_id in sorted(FAST_OPERATIONS):
        route, operation = routes.find(method, operation_id)
        handler = resolve(operation.function_name)
        accepted = inspect.signature(handler).parameters  # Connexion passes only these
        parameters = tuple(
            _parameter(raw)
            for raw in operation.parameters()
            if pythonic(raw["name"]) in accepted and raw["in"] in {"path", "query"}
        )
        by_vias_token = VIAS_SCHEME in operation.security_schemes()
        body = _body_check(operation) if "body" in accepted else None
        found.append(FastOperation(route, parameters, handler, by_vias_token, method, body))
    return found


def _body_check(operation: Operation) -> Check:
    """The spec's JSON body schema, checked as Connexion's body validator checks it."""
    content = operation.resolve(operation.spec["requestBody"])["content"]
    schema = content["application/json"]["schema"]
    return body_check(schema, operation.document.get("components", {}))


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
