"""Checks one proxied exchange against its spec, in both directions. Framework-free.

A finding names where it is with a JSON pointer into the exchange:

    /path                the method and path (no operation of the spec matches)
    /path/<name>         a path parameter       /query/<name>   a query parameter
    /header/<name>       a header (lower case)  /status         the reply's HTTP status
    /body                the body as a whole    /body/<pointer> a member of the body

`direction` says whose part it is: the client's `request` or the server's `reply`.
Schemas are checked with openapi-schema-validator (OpenAPI 3.0's `nullable`,
`readOnly`/`writeOnly`), through a `referencing` registry of the whole spec so that
`$ref`s resolve; each validator is built once per spec node and kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import openapi_schema_validator as oas
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from linkis_mock.contract.routes import Operation, RouteTable
from linkis_mock.proxy.exchange import Exchange

MAX_FINDINGS = 50  # per exchange: a reply wrong everywhere still makes a readable report
SHOWN_CHARS = 200
SPEC_URI = "urn:linkis-mock:spec"
Direction = Literal["request", "reply"]


@dataclass(frozen=True, slots=True)
class Finding:
    operation_id: str | None
    direction: Direction
    status: int
    pointer: str
    expected: str
    actual: str


class Conformance:
    def __init__(self, routes: RouteTable) -> None:
        self.routes = routes
        self._registries: dict[int, Registry[Any]] = {}
        self._validators: dict[tuple[int, str, str], Any] = {}
        self._pointers: dict[int, str] = {}

    def check(self, exchange: Exchange) -> list[Finding]:
        route = self.routes.route(exchange.path)
        operation = route.operations.get(exchange.method) if route else None
        if route is None or operation is None:
            declared = ", ".join(sorted(route.operations)) if route else "none"
            found = Finding(
                None,
                "request",
                exchange.status,
                "/path",
                f"an operation of the spec (methods here: {declared})",
                f"{exchange.method} {exchange.path}",
            )
            return [found]
        check = _Check(self, operation, exchange, self._pointer(operation))
        path_values = route.path_parameters(exchange.path) or {}
        findings = [*check.request(path_values), *check.reply()]
        return findings[:MAX_FINDINGS]

    def _pointer(self, operation: Operation) -> str:
        pointer = self._pointers.get(id(operation.spec))
        if pointer is None:
            pointer = self._pointers[id(operation.spec)] = _pointer_of_operation(operation)
        return pointer

    def errors(
        self, operation: Operation, node: dict[str, Any], pointer: str, value: Any, mode: str
    ) -> list[ValidationError]:
        """Schema errors of `value` against the schema at `pointer` in the spec."""
        validator = self._validator(operation.document, node, pointer, mode)
        return sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))

    def _validator(
        self, document: dict[str, Any], node: dict[str, Any], pointer: str, mode: str
    ) -> Any:
        key = (id(document), pointer, mode)
        validator = self._validators.get(key)
        if validator is None:
            registry = self._registry(document)
            kind = oas.OAS30ReadValidator if mode == "read" else oas.OAS30WriteValidator
            schema = {"$ref": f"{SPEC_URI}#{pointer}"} if pointer else node
            validator = kind(schema, registry=registry, format_checker=oas.oas30_format_checker)
            self._validators[key] = validator
        return validator

    def _registry(self, document: dict[str, Any]) -> Registry[Any]:
        registry = self._registries.get(id(document))
        if registry is None:
            resource = Resource.from_contents(document, default_specification=DRAFT4)
            registry = Registry().with_resource(SPEC_URI, resource)
            self._registries[id(document)] = registry
        return registry


class _Check:
    """One exchange against one operation."""

    def __init__(
        self, conformance: Conformance, operation: Operation, exchange: Exchange, base: str
    ) -> None:
        self.conformance = conformance
        self.operation = operation
        self.exchange = exchange
        self.base = base  # the operation's JSON pointer in its spec

    def finding(self, direction: Direction, pointer: str, expected: str, actual: str) -> Finding:
        return Finding(
            self.operation.operation_id, direction, self.exchange.status, pointer, expected, actual
        )

    # ---- the request ---------------------------------------------------------------------

    def request(self, path_values: dict[str, str]) -> Iterator[Finding]:
        for index, parameter in self._parameters():
            yield from self._parameter(index, parameter, path_values)
        yield from self._request_body()

    def _parameters(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Each parameter with the spec pointer of its schema, path item's then operation's."""
        operation = self.operation
        path_item_pointer = self.base.rsplit("/", 1)[0]
        path_item = _at(operation.document, path_item_pointer)
        for owner, pointer in ((path_item, path_item_pointer), (operation.spec, self.base)):
            for number, raw in enumerate(owner.get("parameters", [])):
                where = (
                    raw["$ref"].removeprefix("#")
                    if "$ref" in raw
                    else f"{pointer}/parameters/{number}"
                )
                yield where, operation.resolve(raw)

    def _parameter(
        self, where: str, parameter: dict[str, Any], path_values: dict[str, str]
    ) -> Iterator[Finding]:
        location, name = parameter.get("in"), str(parameter.get("name"))
        if location == "path":
            values = [path_values[name]] if name in path_values else []
        elif location == "query":
            values = [value for key, value in self.exchange.query if key == name]
        elif location == "header":
            wanted = name.lower()
            values = [value for key, value in self.exchange.request_headers if key == wanted]
        else:
            return  # cookies: the session cookie is checked by the server, not by a schema
        pointer = f"/{location}/{name.lower() if location == 'header' else name}"
        if not values:
            if parameter.get("required"):
                yield self.finding("request", pointer, "a required parameter", "missing")
            return
        schema = self.operation.resolve(parameter.get("schema", {}))
        value = _parsed(values, schema)
        if value is _UNPARSABLE:
            yield self.finding("request", pointer, f"type {schema.get('type')}", _shown(values[0]))
            return
        errors = self.conformance.errors(self.operation, schema, where + "/schema", value, "write")
        for error in errors:
            yield self._schema_finding("request", pointer, error)

    def _request_body(self) -> Iterator[Finding]:
        raw = self.operation.spec.get("requestBody")
        if raw is None:
            return
        body_spec = self.operation.resolve(raw)
        where = raw["$ref"].removeprefix("#") if "$ref" in raw else f"{self.base}/requestBody"
        body = self.exchange.request_body
        if not body:
            if body_spec.get("required"):
                yield self.finding("request", "/body", "a request body", "none")
            return
        media = _media_type(self.exchange.request_header("content-type"))
        content = body_spec.get("content", {})
        if not any(_json(type_) for type_ in content) or not _json(media):
            return
        document = _loaded(body)
        if document is _UNPARSABLE:
            yield self.finding("request", "/body", "JSON", _shown(body.decode("utf-8", "replace")))
            return
        key = next(type_ for type_ in content if _json(type_))
        pointer = f"{where}/content/{_escape(key)}/schema"
        schema = content[key].get("schema", {})
        for error in self.conformance.errors(self.operation, schema, pointer, document, "write"):
            yield self._schema_finding("request", "/body", error)

    # ---- the reply -----------------------------------------------------------------------

    def reply(self) -> Iterator[Finding]:
        responses: dict[str, Any] = self.operation.spec.get("responses", {})
        status = self.exchange.status
        key = next(
            (k for k in (str(status), f"{status // 100}XX", "default") if k in responses), None
        )
        if key is None:
            documented = ", ".join(sorted(responses))
            yield self.finding(
                "reply", "/status", f"a documented status ({documented})", str(status)
            )
            return
        raw = responses[key]
        response = self.operation.resolve(raw)
        where = raw["$ref"].removeprefix("#") if "$ref" in raw else f"{self.base}/responses/{key}"
        yield from self._reply_headers(response, where)
        yield from self._reply_body(response, where)

    def _reply_headers(self, response: dict[str, Any], where: str) -> Iterator[Finding]:
        for name, raw in response.get("headers", {}).items():
            header = self.operation.resolve(raw)
            pointer = f"/header/{name.lower()}"
            value = self.exchange.reply_header(name)
            if value is None:
                if header.get("required"):
                    yield self.finding("reply", pointer, f"header {name}", "missing")
                continue
            schema_at = (
                raw["$ref"].removeprefix("#")
                if "$ref" in raw
                else f"{where}/headers/{_escape(name)}"
            ) + "/schema"
            schema = header.get("schema", {})
            for error in self.conformance.errors(self.operation, schema, schema_at, value, "read"):
                yield self._schema_finding("reply", pointer, error)

    def _reply_body(self, response: dict[str, Any], where: str) -> Iterator[Finding]:
        content: dict[str, Any] = response.get("content", {})
        body = self.exchange.reply_body
        if not content:
            if body:
                yield self.finding(
                    "reply", "/body", "no body", _shown(body.decode("utf-8", "replace"))
                )
            return
        media = _media_type(self.exchange.reply_header("content-type"))
        key = _matching(media, content)
        if key is None:
            documented = ", ".join(content)
            yield self.finding(
                "reply", "/header/content-type", f"media type {documented}", media or "none"
            )
            return
        if not _json(key) or self.exchange.reply_truncated:
            return
        document = _loaded(body)
        if document is _UNPARSABLE:
            yield self.finding("reply", "/body", "JSON", _shown(body.decode("utf-8", "replace")))
            return
        pointer = f"{where}/content/{_escape(key)}/schema"
        schema = content[key].get("schema", {})
        for error in self.conformance.errors(self.operation, schema, pointer, document, "read"):
            yield self._schema_finding("reply", "/body", error)

    # ---- one schema error ----------------------------------------------------------------

    def _schema_finding(self, direction: Direction, prefix: str, error: ValidationError) -> Finding:
        path = "".join("/" + _escape(str(part)) for part in error.absolute_path)
        if error.validator == "required":
            member = error.message.split("'")[1] if "'" in error.message else "?"
            return self.finding(
                direction, f"{prefix}{path}/{_escape(member)}", "a required member", "missing"
            )
        return self.finding(direction, prefix + path, _expectation(error), _shown(error.instance))


def _expectation(error: ValidationError) -> str:
    value: Any = error.validator_value
    match error.validator:
        case "type":
            return f"type {value}"
        case "enum":
            return "one of " + _shown(value)
        case "additionalProperties":
            return "no members but the schema's"
        case "oneOf" | "anyOf":
            return f"{error.validator} of the schema's {len(value)} shapes"
        case "nullable":
            return "not null"
        case _:
            return f"{error.validator} {_shown(value)}"


class _Unparsable:
    pass


_UNPARSABLE: Any = _Unparsable()


def _parsed(values: list[str], schema: dict[str, Any]) -> Any:
    """A parameter's text as OpenAPI 3.0's simple and form styles read it."""
    kind = schema.get("type")
    if kind == "array":
        items = schema.get("items", {})
        parts = values if len(values) > 1 else values[0].split(",")
        parsed = [_scalar(part, items.get("type")) for part in parts]
        return _UNPARSABLE if any(p is _UNPARSABLE for p in parsed) else parsed
    return _scalar(values[0], kind)


def _scalar(text: str, kind: Any) -> Any:
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            return float(text)
    except ValueError:
        return _UNPARSABLE
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, _UNPARSABLE)
    return text


def _loaded(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return _UNPARSABLE


def _matching(media: str | None, content: dict[str, Any]) -> str | None:
    if media is None:
        return None
    for key in content:
        key_type = key.lower()
        if key_type in {media, "*/*"}:
            return key
        if key_type.endswith("/*") and media.startswith(key_type[:-1]):
            return key
    return None


def _media_type(header: str | None) -> str | None:
    return header.split(";", 1)[0].strip().lower() if header else None


def _json(media: str | None) -> bool:
    return media is not None and (media == "application/json" or media.endswith("+json"))


def _pointer_of_operation(operation: Operation) -> str:
    """`/paths/<template>/<method>` of the operation in its spec document."""
    for template, item in operation.document.get("paths", {}).items():
        for method, spec in item.items():
            if spec is operation.spec:
                return f"/paths/{_escape(template)}/{method}"
    raise KeyError(operation.operation_id)


def _at(document: dict[str, Any], pointer: str) -> dict[str, Any]:
    node: Any = document
    for part in pointer.removeprefix("/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return dict(node)


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"
