"""Checks one proxied exchange against its spec, in both directions. Framework-free.

`Conformance(routes).check(exchange)` lists what in the exchange disagrees with the
operation its spec documents for the method and path, each as a `Finding`; an exchange
that conforms gives `[]`. The reply is never changed, only judged.

A finding says where it is with an RFC 6901 JSON pointer into the exchange, seen as one
document (each name escaped: `~` as `~0`, `/` as `~1`):

    /path                 the method and path: no operation of the spec matches them
    /path/<name>          a path parameter
    /query/<name>         a query parameter (/query/<name>/<i>: an item of an array)
    /header/<name>        a header, its name in lower case (as the exchange keeps it)
    /header/content-type  the body's media type
    /status               the reply's HTTP status
    /body                 the body as a whole: missing, not JSON, or not empty
    /body/<pointer>       a member of the JSON body: /body/data/taskID, /body/tasks/0/id

`direction` says whose part it is, the client's `request` or the server's `reply`. A
missing required member is pointed at where it belongs (`/body/data/execID`, actual
`missing`), an undocumented one (`additionalProperties: false`) at where it is.

Checked: that an operation matches (a path outside every spec's base path is not ours
to judge and gives nothing); path, query and required header parameters, read from
their text as OpenAPI 3.0's simple and form styles write them; the JSON request body;
that the reply's status is documented (exactly, as `4XX` or as `default`); its media
type (parameters such as `charset` ignored; a response documented without content must
come without a body); its JSON body; and the documented reply headers, `required: true`
ones such as VIAS's `X-Request-Id` also for being there. A reply marked truncated is
judged on its status and headers only.

Schemas are checked with openapi-schema-validator's OAS 3.0 validators (the read one
for replies, the write one for requests; `nullable`), formats included: OpenAPI's
(int32, int64, ...) and jsonschema's (date-time, uuid, ...). Every error is reported,
each at its own pointer, except that a failed `oneOf`/`anyOf` is one finding at its
node, `exactly one of [FileTree, NullValue]`; when the value's type rules out all its
branches but one, that branch's own errors are reported instead, each where it is. An
exchange gives at most MAX_FINDINGS, in the order found: request, then reply.

The check runs on every proxied exchange, so each operation's plan (parameters, bodies,
responses) and each schema's validator are built once, on first use. A validator's
schema is the spec's node with its local `$ref`s inlined ahead of time, which cuts the
cost of a body check by more than half (looking a `$ref` up walks the document each
time): only a `$ref` into itself (a recursive schema) stays, resolved while validating
through a `referencing` registry of the whole spec document. Checking a status poll
costs about 80 µs on the 2-CPU machine of the README's figures (the first check of an
operation, which builds its plan, about 1 ms). A JSON body that conformed is kept, as
its bytes (the latest CONFORMING_BODIES per schema, each up to CONFORMING_BYTES): the
same bytes again, as a status poll's reply comes poll after poll, are neither parsed
nor validated, which takes four fifths off that poll's check.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote

from jsonschema import FormatChecker
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator, oas30_format_checker
from referencing import Registry, Resource

from linkis_mock.proxy.exchange import Exchange, Pairs

if TYPE_CHECKING:
    from linkis_mock.contract.routes import Operation, Route, RouteTable

MAX_FINDINGS = 50  # per exchange: a reply wrong everywhere still makes a readable report
# Per body schema, the latest bodies found to conform, kept as bytes: a status poll's
# reply is the same text poll after poll, and needs neither parsing nor validating again.
CONFORMING_BODIES = 32
CONFORMING_BYTES = 4096  # a longer body is checked each time
SHOWN_CHARS = 200
SPEC_URI = "urn:linkis-mock:spec"  # the spec document's URI in its registry
REF_MARK = "x-conformance-ref"  # on an inlined schema: the component it came from
# The keywords of an OpenAPI 3.0 schema whose values are schemas (properties: by name).
SCHEMA_KEYWORDS = frozenset(
    {"properties", "additionalProperties", "items", "allOf", "oneOf", "anyOf", "not"}
)
# Header parameters OpenAPI says to ignore; a reply's Content-Type is its media type.
IGNORED_REQUEST_HEADERS = frozenset({"accept", "content-type", "authorization"})
IGNORED_REPLY_HEADERS = frozenset({"content-type"})
SEPARATORS = {"form": ",", "simple": ",", "spaceDelimited": " ", "pipeDelimited": "|"}
INTEGER = re.compile(r"[+-]?[0-9]+")
NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
BOOLEANS = {"true": True, "false": False}
REQUIRED_SUFFIX = " is a required property"

Direction = Literal["request", "reply"]
Item = tuple[str, str, str]  # pointer, expected, actual: a finding before it is dressed


@dataclass(frozen=True, slots=True)
class Finding:
    operation_id: str | None  # None when no operation of the spec matches method and path
    direction: Direction
    status: int  # the reply's HTTP status
    pointer: str  # see the module's docstring
    expected: str  # what the spec expects, short; the same for every exchange of a kind
    actual: str  # what came, short: a JSON rendering, `missing`, a status, a media type


class Conformance:
    def __init__(self, routes: RouteTable) -> None:
        self.routes = routes
        self._base_paths = routes.base_paths
        self._compiler = _Compiler()
        self._plans: dict[int, _Plan] = {}  # by id of the Operation, which the plan keeps

    def check(self, exchange: Exchange) -> list[Finding]:
        return list(islice(self._findings(exchange), MAX_FINDINGS))

    def _findings(self, exchange: Exchange) -> Iterator[Finding]:
        route = self.routes.route(exchange.path)
        operation = route.operations.get(exchange.method) if route else None
        if route is None or operation is None:
            if route is not None or self._claims(exchange.path):
                yield _no_operation(exchange, route)
            return
        plan = self._plan(operation)
        path_values = route.path_parameters(exchange.path) or {}
        items = chain(
            _tagged("request", plan.request(exchange, path_values)),
            _tagged("reply", plan.reply(exchange)),
        )
        seen: set[tuple[str, str, str]] = set()
        for direction, (pointer, expected, actual) in items:
            if (direction, pointer, expected) not in seen:  # e.g. null: two `type` errors
                seen.add((direction, pointer, expected))
                yield Finding(
                    operation.operation_id, direction, exchange.status, pointer, expected, actual
                )

    def _claims(self, path: str) -> bool:
        return any(path == base or path.startswith(base + "/") for base in self._base_paths)

    def _plan(self, operation: Operation) -> _Plan:
        plan = self._plans.get(id(operation))
        if plan is None:
            plan = self._plans[id(operation)] = _Plan.build(self._compiler, operation)
        return plan


def _tagged(direction: Direction, items: Iterator[Item]) -> Iterator[tuple[Direction, Item]]:
    return ((direction, item) for item in items)


def _no_operation(exchange: Exchange, route: Route | None) -> Finding:
    if route is None:
        expected, actual = "a documented path", exchange.path
    else:
        expected = f"a documented method ({', '.join(sorted(route.operations))})"
        actual = exchange.method
    return Finding(None, "request", exchange.status, "/path", expected, actual)


# ---- building: validators and plans ---------------------------------------------------


def _format_checker() -> FormatChecker:
    """OpenAPI's formats (int32, int64, float, double, byte, ...) over jsonschema's own
    (date-time, uuid, email, ...): openapi-schema-validator's checker has only the former."""
    checker = FormatChecker(formats=())
    checker.checkers = {**FormatChecker().checkers, **oas30_format_checker.checkers}
    return checker


FORMATS = _format_checker()


class _Compiler:
    """The validator of each schema node of a spec, built once."""

    def __init__(self) -> None:
        self._registries: dict[int, Registry[Any]] = {}
        self._inlined: dict[tuple[int, str], Any] = {}
        self._validators: dict[tuple[int, int, bool], Validator] = {}

    def validator(self, document: dict[str, Any], node: Any, *, reply: bool) -> Validator:
        key = (id(document), id(node), reply)  # the spec holds its nodes as long as we do
        validator = self._validators.get(key)
        if validator is None:
            kind = OAS30ReadValidator if reply else OAS30WriteValidator
            schema = self._inline(document, node, frozenset())
            registry = self._registry(document)
            validator = kind(schema, registry=registry, format_checker=FORMATS)
            self._validators[key] = validator
        return validator

    def _registry(self, document: dict[str, Any]) -> Registry[Any]:
        registry = self._registries.get(id(document))
        if registry is None:
            registry = Registry().with_resource(SPEC_URI, Resource.opaque(document))
            self._registries[id(document)] = registry
        return registry

    def _inline(self, document: dict[str, Any], node: Any, active: frozenset[str]) -> Any:
        """A copy of a schema with its local `$ref`s replaced by what they name (OpenAPI
        3.0 ignores a `$ref`'s siblings). One that names a schema being inlined (a
        recursive schema) becomes absolute, for the registry to resolve."""
        if not isinstance(node, dict):
            return node  # `additionalProperties: false`
        ref = node.get("$ref")
        if isinstance(ref, str):
            if not ref.startswith("#/"):
                return node  # not this spec's: left to the registry (which will refuse it)
            if ref in active:
                return {"$ref": SPEC_URI + ref}
            return self._inline_ref(document, ref, active)
        copy = dict(node)  # examples, enums, defaults: values, not schemas, kept as they are
        for keyword in SCHEMA_KEYWORDS.intersection(node):
            value = node[keyword]
            if keyword == "properties" and isinstance(value, dict):
                copy[keyword] = {
                    name: self._inline(document, member, active) for name, member in value.items()
                }
            elif isinstance(value, list):
                copy[keyword] = [self._inline(document, branch, active) for branch in value]
            else:
                copy[keyword] = self._inline(document, value, active)
        return copy

    def _inline_ref(self, document: dict[str, Any], ref: str, active: frozenset[str]) -> Any:
        # Kept by ref alone: wherever a recursion was cut, the copy validates the same.
        key = (id(document), ref)
        if key not in self._inlined:
            inlined = self._inline(document, _at(document, ref), active | {ref})
            if isinstance(inlined, dict):
                inlined = {**inlined, REF_MARK: ref.rsplit("/", 1)[-1]}
            self._inlined[key] = inlined
        return self._inlined[key]


def _at(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for escaped in unquote(ref.removeprefix("#/")).split("/"):
        part = escaped.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


@dataclass(frozen=True, slots=True)
class _Value:
    """A parameter or a reply header: how its text is read and what it must be."""

    location: str  # path, query or header
    name: str  # as the exchange spells it (header names in lower case)
    pointer: str
    presence: str  # the expectation when it is missing
    required: bool
    kind: str | None  # the schema's type: how the text is read
    item_kind: str | None  # ... and its items' type, for an array
    separator: str | None  # between an array's items in one text; None: repeated names
    allow_empty: bool
    every: bool  # each occurrence is checked (reply headers); else the first one
    validator: Validator | None

    def texts(self, exchange: Exchange, path_values: dict[str, str]) -> list[str]:
        if self.location == "path":
            return [path_values[self.name]] if self.name in path_values else []
        pairs: Pairs = exchange.query if self.location == "query" else exchange.request_headers
        return [value for key, value in pairs if key == self.name]

    def check(self, texts: list[str]) -> Iterator[Item]:
        if not texts:
            if self.required:
                yield self.pointer, self.presence, "missing"
            return
        if self.kind == "array":
            yield from self._check_one(texts)
        else:
            for text in texts if self.every else texts[:1]:
                yield from self._check_one([text])

    def _check_one(self, texts: list[str]) -> Iterator[Item]:
        if self.allow_empty and texts == [""]:
            return
        if self.kind == "array":
            parts = texts
            if self.separator is not None:
                parts = [part for text in texts for part in text.split(self.separator)]
            value: Any = [_scalar(part, self.item_kind) for part in parts]
            bad = [index for index, item in enumerate(value) if item is _UNREADABLE]
            for index in bad:
                yield f"{self.pointer}/{index}", f"type {self.item_kind}", _shown(parts[index])
            if bad:
                return
        else:
            value = _scalar(texts[0], self.kind)
            if value is _UNREADABLE:
                yield self.pointer, f"type {self.kind}", _shown(texts[0])
                return
        if self.validator is not None:
            yield from _schema_items(self.pointer, self.validator, value)


class _Unreadable:
    """A text that does not read as its parameter's type."""


_UNREADABLE: Any = _Unreadable()


def _scalar(text: str, kind: str | None) -> Any:
    """A parameter's text as OpenAPI's styles write a value of the type."""
    if kind == "integer":
        return int(text) if INTEGER.fullmatch(text) else _UNREADABLE
    if kind == "number":
        return float(text) if NUMBER.fullmatch(text) else _UNREADABLE
    if kind == "boolean":
        return BOOLEANS.get(text, _UNREADABLE)
    return text


class _Conforming:
    """Bodies already found to conform to one schema: the latest CONFORMING_BODIES."""

    def __init__(self) -> None:
        self._bodies: dict[bytes, None] = {}  # in the order added

    def __contains__(self, body: bytes) -> bool:
        return body in self._bodies

    def add(self, body: bytes) -> None:
        if len(body) > CONFORMING_BYTES:
            return
        if len(self._bodies) >= CONFORMING_BODIES:
            del self._bodies[next(iter(self._bodies))]
        self._bodies[body] = None


@dataclass(frozen=True, slots=True)
class _Media:
    media_type: str  # lower case, without parameters; may be a range (text/*)
    json: bool
    validator: Validator | None  # None: no schema, or a body that is not JSON
    conforming: _Conforming = field(default_factory=_Conforming, compare=False)


@dataclass(frozen=True, slots=True)
class _Content:
    media: tuple[_Media, ...]
    listed: str  # for the expectation: `application/json`, `text/plain or application/json`

    def match(self, media_type: str | None) -> _Media | None:
        """The most specific documented media type (or range) a reply's type falls in."""
        if media_type is None:
            return None
        top = media_type.split("/", 1)[0]
        for wanted in (media_type, f"{top}/*", "*/*"):
            for media in self.media:
                if media.media_type == wanted:
                    return media
        return None


@dataclass(frozen=True, slots=True)
class _Body:
    required: bool
    content: _Content


@dataclass(frozen=True, slots=True)
class _Response:
    headers: tuple[_Value, ...]
    content: _Content | None  # None: documented without a body


@dataclass(frozen=True, slots=True)
class _Plan:
    """What one operation documents, ready to be checked against."""

    operation: Operation  # kept: the plans are found by its id
    parameters: tuple[_Value, ...]
    body: _Body | None
    responses: dict[str, _Response]  # by status: `200`, a range `4XX`, `default`
    statuses: str  # the documented ones, listed

    @classmethod
    def build(cls, compiler: _Compiler, operation: Operation) -> _Plan:
        build = _Builder(compiler, operation)
        responses = {
            _status_key(str(status)): build.response(raw)
            for status, raw in operation.spec.get("responses", {}).items()
        }
        raw_body = operation.spec.get("requestBody")
        return cls(
            operation,
            build.parameters(),
            None if raw_body is None else build.body(raw_body),
            responses,
            ", ".join(sorted(responses)),
        )

    def request(self, exchange: Exchange, path_values: dict[str, str]) -> Iterator[Item]:
        for parameter in self.parameters:
            yield from parameter.check(parameter.texts(exchange, path_values))
        if self.body is not None:
            yield from _request_body(self.body, exchange)

    def reply(self, exchange: Exchange) -> Iterator[Item]:
        response = self._response(exchange.status)
        if response is None:
            yield "/status", f"a documented status ({self.statuses})", str(exchange.status)
            return
        for header in response.headers:
            yield from header.check([v for k, v in exchange.reply_headers if k == header.name])
        yield from _reply_body(response, exchange)

    def _response(self, status: int) -> _Response | None:
        for key in (str(status), f"{status // 100}XX", "default"):
            if key in self.responses:
                return self.responses[key]
        return None


def _status_key(status: str) -> str:
    """`4xx` and `4XX` alike (OpenAPI writes ranges in upper case; some specs do not)."""
    return status.upper() if status[:1].isdigit() else status.lower()


class _Builder:
    """Reads one operation of a spec into the parts of its plan."""

    def __init__(self, compiler: _Compiler, operation: Operation) -> None:
        self.compiler = compiler
        self.operation = operation
        self.document = operation.document

    def parameters(self) -> tuple[_Value, ...]:
        """The path item's parameters and the operation's, which override them."""
        by_key: dict[tuple[str, str], dict[str, Any]] = {}
        path_item = _path_item(self.operation)
        for raw in [*path_item.get("parameters", []), *self.operation.spec.get("parameters", [])]:
            parameter = self.operation.resolve(raw)
            by_key[(str(parameter.get("in")), str(parameter.get("name")))] = parameter
        values = (self._parameter(parameter) for parameter in by_key.values())
        return tuple(value for value in values if value is not None)

    def _parameter(self, parameter: dict[str, Any]) -> _Value | None:
        location, name = str(parameter.get("in")), str(parameter.get("name"))
        if location == "header":
            name = name.lower()
            if name in IGNORED_REQUEST_HEADERS:
                return None
        elif location not in ("path", "query"):
            return None  # cookies: the session is the server's to judge, not a schema's
        style = parameter.get("style", "form" if location == "query" else "simple")
        explode = parameter.get("explode", style == "form") and location == "query"
        return self._value(
            location,
            name,
            parameter,
            presence=f"{location} parameter {parameter.get('name')}",
            separator=None if explode else SEPARATORS.get(style, ","),
            every=False,
            reply=False,
        )

    def _value(
        self,
        location: str,
        name: str,
        owner: dict[str, Any],
        *,
        presence: str,
        separator: str | None,
        every: bool,
        reply: bool,
    ) -> _Value:
        """A parameter's or header's plan. An object (a text of names and values) is
        not read: only its presence is checked."""
        node = owner.get("schema")
        schema = self.operation.resolve(node) if isinstance(node, dict) else {}
        items = schema.get("items")
        item_kind = self.operation.resolve(items).get("type") if isinstance(items, dict) else None
        kind = schema.get("type")
        return _Value(
            location=location,
            name=name,
            pointer=f"/{location}/{_escape(name)}",
            presence=presence,
            required=bool(owner.get("required")),
            kind=kind if kind != "object" else None,
            item_kind=item_kind,
            separator=separator,
            allow_empty=bool(owner.get("allowEmptyValue")),
            every=every,
            validator=None
            if node is None or kind == "object"
            else self.compiler.validator(self.document, node, reply=reply),
        )

    def body(self, raw: dict[str, Any]) -> _Body:
        body = self.operation.resolve(raw)
        return _Body(bool(body.get("required")), self._content(body["content"], reply=False))

    def response(self, raw: dict[str, Any]) -> _Response:
        response = self.operation.resolve(raw)
        headers = tuple(
            self._value(
                "header",
                name.lower(),
                self.operation.resolve(header),
                presence=f"header {name}",
                separator=",",
                every=True,
                reply=True,
            )
            for name, header in response.get("headers", {}).items()
            if name.lower() not in IGNORED_REPLY_HEADERS
        )
        content = response.get("content")
        return _Response(headers, self._content(content, reply=True) if content else None)

    def _content(self, content: dict[str, Any], *, reply: bool) -> _Content:
        media = []
        for media_type, entry in content.items():
            normal = _media_type(media_type) or media_type
            schema = entry.get("schema")
            validator = None
            if _is_json(normal) and schema is not None:
                validator = self.compiler.validator(self.document, schema, reply=reply)
            media.append(_Media(normal, _is_json(normal), validator))
        return _Content(tuple(media), " or ".join(content))


def _path_item(operation: Operation) -> dict[str, Any]:
    """The path item an operation belongs to (the Operation does not keep it)."""
    for item in operation.document.get("paths", {}).values():
        if any(value is operation.spec for value in item.values()):
            return dict(item)
    return {}


# ---- checking bodies ------------------------------------------------------------------


def _request_body(body: _Body, exchange: Exchange) -> Iterator[Item]:
    if not exchange.request_body:
        if body.required:
            yield "/body", "a request body", "missing"
        return
    media_type = _media_type(exchange.request_header("content-type"))
    media = body.content.match(media_type)
    if media is None:
        yield "/header/content-type", f"media type {body.content.listed}", media_type or "missing"
        return
    yield from _json_body(media, exchange.request_body)


def _reply_body(response: _Response, exchange: Exchange) -> Iterator[Item]:
    if response.content is None:
        if exchange.reply_body and not exchange.reply_truncated:
            yield "/body", "an empty body", _shown_text(exchange.reply_body)
        return
    media_type = _media_type(exchange.reply_header("content-type"))
    media = response.content.match(media_type)
    if media is None:
        listed = response.content.listed
        yield "/header/content-type", f"media type {listed}", media_type or "missing"
        return
    if not exchange.reply_truncated:
        yield from _json_body(media, exchange.reply_body)


def _json_body(media: _Media, body: bytes) -> Iterator[Item]:
    if not media.json or media.validator is None:
        return  # a file, a text: no schema to check it against
    if body in media.conforming:
        return  # the same bytes conformed before: the same document, the same verdict
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        yield "/body", f"a JSON body ({media.media_type})", _shown_text(body)
        return
    conforms = True
    for item in _schema_items("/body", media.validator, document):
        conforms = False
        yield item
    if conforms:
        media.conforming.add(body)


# ---- schema errors as findings ----------------------------------------------------------


def _schema_items(prefix: str, validator: Validator, value: Any) -> Iterator[Item]:
    """Every error of `value` against a schema, as found (lazily: the caller caps them)."""
    for error in validator.iter_errors(value):
        yield from _error_items(prefix, error)


def _error_items(prefix: str, error: ValidationError) -> Iterator[Item]:
    pointer = prefix + "".join(f"/{_escape(str(part))}" for part in error.absolute_path)
    branch = _only_candidate(error)
    if branch is not None:
        for inner in branch:
            yield from _error_items(prefix, inner)
    elif error.validator == "required":
        yield _missing(pointer, error)
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        yield from _undocumented(pointer, error.schema, error.instance)
    else:
        yield pointer, _expected(error), _shown(error.instance)


def _only_candidate(error: ValidationError) -> list[ValidationError] | None:
    """A failed oneOf/anyOf is one finding at its node, unless the value's type or value
    rules out every branch but one (`oneOf: [FileTree, NullValue]` and an object): then
    that branch's own errors, each where it is, say more."""
    if error.validator not in ("oneOf", "anyOf") or not error.context:
        return None  # not a oneOf, or one that several branches matched
    branches: dict[Any, list[ValidationError]] = {}
    for inner in error.context:
        branches.setdefault(inner.relative_schema_path[0], []).append(inner)
    candidates = [
        errors
        for errors in branches.values()
        if not any(not e.relative_path and e.validator in ("type", "enum") for e in errors)
    ]
    return candidates[0] if len(candidates) == 1 else None


def _missing(pointer: str, error: ValidationError) -> Item:
    """A missing required member, pointed at where it belongs. The validator names it
    only in its message, as `repr(name) + REQUIRED_SUFFIX`."""
    try:
        name = ast.literal_eval(error.message.removesuffix(REQUIRED_SUFFIX))
    except (ValueError, SyntaxError):
        name = None
    if not isinstance(name, str):
        return pointer, f"required members {_shown(error.validator_value)}", "missing"
    return f"{pointer}/{_escape(name)}", f'required member "{name}"', "missing"


def _undocumented(pointer: str, schema: Any, instance: dict[str, Any]) -> Iterator[Item]:
    """Members `additionalProperties: false` refuses, each at its own pointer."""
    documented = schema.get("properties", {}) if isinstance(schema, dict) else {}
    for name, value in instance.items():
        if name not in documented:
            yield f"{pointer}/{_escape(str(name))}", "no undocumented member", _shown(value)


def _expected(error: ValidationError) -> str:
    """What the spec expects, from the failed keyword and its value; the same for every
    exchange that fails it, so that the violation book counts them as one."""
    keyword = error.validator
    if keyword is None:
        return "nothing (a false schema)"
    describe = _EXPECTATIONS.get(str(keyword))
    if describe is not None:
        return describe(error.validator_value, error.schema)
    return f"{keyword} {_shown(error.validator_value)}"


def _expect_type(value: Any, schema: Any) -> str:
    return "type " + (" or ".join(value) if isinstance(value, list) else str(value))


def _expect_one_of(value: Any, schema: Any) -> str:
    return f"exactly one of [{', '.join(_shape(branch) for branch in value)}]"


def _expect_any_of(value: Any, schema: Any) -> str:
    return f"any one of [{', '.join(_shape(branch) for branch in value)}]"


def _expect_bound(sign: str, exclusive: str) -> Callable[[Any, Any], str]:
    def describe(value: Any, schema: Any) -> str:
        strict = isinstance(schema, dict) and schema.get(exclusive) is True
        return f"a value {sign}{'' if strict else '='} {value}"

    return describe


_EXPECTATIONS: dict[str, Callable[[Any, Any], str]] = {
    "type": _expect_type,
    "enum": lambda value, schema: "one of " + _shown(value),
    "oneOf": _expect_one_of,
    "anyOf": _expect_any_of,
    "minimum": _expect_bound(">", "exclusiveMinimum"),
    "maximum": _expect_bound("<", "exclusiveMaximum"),
    "not": lambda value, schema: f"not {_shape(value)}",
    "format": lambda value, schema: f"format {value}",
    "pattern": lambda value, schema: f"pattern {value}",
}


def _shape(schema: Any) -> str:
    """A schema in a word or two, for a oneOf's summary: its component, type or values."""
    if not isinstance(schema, dict):
        return _shown(schema)
    if REF_MARK in schema:
        return str(schema[REF_MARK])
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "enum" in schema:
        return "one of " + _shown(schema["enum"])
    kind = schema.get("type")
    if kind is None:
        return "a schema"
    return f"{kind} or null" if schema.get("nullable") else str(kind)


# ---- small helpers ----------------------------------------------------------------------


def _media_type(header: str | None) -> str | None:
    """`application/json; charset=utf-8` -> `application/json`."""
    if not header:
        return None
    return header.split(";", 1)[0].strip().lower() or None


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def _shown_text(body: bytes) -> str:
    return _shown(body.decode("utf-8", "replace")) if body else "empty"
