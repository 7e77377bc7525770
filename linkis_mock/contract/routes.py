"""The specs' operations, found by path: one table for everything that needs them
outside Connexion's own routing (error formats, Allow headers, Prefer replies)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from linkis_mock.contract.resolver import snake_case
from linkis_mock.sim.short_texts import kept_for_short_texts

INVALID_BODY_EXTENSION = "x-linkis-invalid-body-message"
# An operation that reads no state (the liveness probe): it answers while a state
# database is away, and a request to it does not wait for one.
NO_STATE_EXTENSION = "x-linkis-reads-no-state"
CONTROLLER_EXTENSION = "x-openapi-router-controller"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
KEPT_MATCHES = 4096  # the least recently used out first
KEPT_PATH = 256  # longer paths are matched each time, so that what is kept stays small


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    handler: str
    spec: dict[str, Any]  # the operation object, $refs unresolved
    document: dict[str, Any]  # the whole spec, to resolve them
    path_item_parameters: tuple[dict[str, Any], ...] = ()  # those of every method of its path

    @property
    def function_name(self) -> str:
        """The handler's dotted name, as the resolver finds it."""
        return f"{self.spec[CONTROLLER_EXTENSION]}.{self.handler}"

    @property
    def reads_state(self) -> bool:
        return not self.spec.get(NO_STATE_EXTENSION, False)

    @property
    def invalid_body_message(self) -> str | None:
        message = self.spec.get(INVALID_BODY_EXTENSION)
        return str(message) if message else None

    def parameters(self) -> list[dict[str, Any]]:
        """Its parameters, resolved: the path item's, with the operation's own over them."""
        merged = {}
        for raw in (*self.path_item_parameters, *self.spec.get("parameters", [])):
            parameter = self.resolve(raw)
            merged[parameter["name"], parameter["in"]] = parameter
        return list(merged.values())

    def security_schemes(self) -> set[str]:
        """The names of the security schemes it accepts (its own, else the spec's)."""
        requirements = self.spec.get("security", self.document.get("security", []))
        return {name for requirement in requirements for name in requirement}

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """Follow a local `$ref` (#/components/...) to what it names."""
        while "$ref" in node:
            target: Any = self.document
            for part in str(node["$ref"]).removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node


@dataclass(frozen=True, slots=True)
class Route:
    pattern: re.Pattern[str]
    operations: dict[str, Operation]  # by HTTP method
    parameter_names: tuple[str, ...]
    integer_parameters: frozenset[str] = frozenset()
    template: str = ""  # the full path as the spec writes it, `{name}`s and all

    def parameter_values(self, path: str) -> tuple[str, ...]:
        match = self.pattern.fullmatch(path)
        return match.groups() if match else ()

    def path_parameters(self, path: str) -> dict[str, str] | None:
        """The path's parameters by name, or None when the path is not this route's."""
        match = self.pattern.fullmatch(path)
        return dict(zip(self.parameter_names, match.groups(), strict=True)) if match else None


@dataclass(frozen=True, slots=True)
class RouteMatch:
    """What a request's method and path name in the specs: its route, the operation (None
    when the route lacks the method) and the path parameters' raw values by name."""

    route: Route
    operation: Operation | None
    path_values: Mapping[str, str]  # read-only: a match is kept for the next request


class RouteTable:
    def __init__(self, specs: dict[str, dict[str, Any]]) -> None:
        self.base_paths = tuple(specs)  # each spec's, as the registry of the APIs gave them
        self._routes = [route for base, spec in specs.items() for route in _routes(base, spec)]
        # Pollers ask for the same few paths over and over, and trying every route's
        # pattern in turn is a poll's tenth: matches of short paths are kept.
        self.match = kept_for_short_texts(longest=KEPT_PATH, maxsize=KEPT_MATCHES)(self._match)

    def route(self, path: str) -> Route | None:
        for route in self._routes:
            if route.pattern.fullmatch(path):
                return route
        return None

    def operation(self, method: str, path: str) -> Operation | None:
        route = self.route(path)
        return route.operations.get(method) if route else None

    def _match(self, method: str, path: str) -> RouteMatch | None:
        """The route, operation and path parameters of a request, in one pass (`match`)."""
        for route in self._routes:
            found = route.pattern.fullmatch(path)
            if found is not None:
                values = dict(zip(route.parameter_names, found.groups(), strict=True))
                return RouteMatch(route, route.operations.get(method), MappingProxyType(values))
        return None

    def stateless_paths(self) -> frozenset[str]:
        """The paths (without parameters) whose every operation reads no state."""
        return frozenset(
            route.template
            for route in self._routes
            if not route.parameter_names
            and not any(operation.reads_state for operation in route.operations.values())
        )

    def find(self, method: str, operation_id: str) -> tuple[Route, Operation]:
        """The route and operation of an operationId (KeyError if no spec has it)."""
        for route in self._routes:
            operation = route.operations.get(method)
            if operation is not None and operation.operation_id == operation_id:
                return route, operation
        raise KeyError(f"no {method} operation {operation_id} in the specs")


def _routes(base_path: str, spec: dict[str, Any]) -> list[Route]:
    """One route per spec path: a regex of the full path, and its operations."""
    routes = []
    for template, path_item in spec.get("paths", {}).items():
        regex = re.sub(r"\\\{[^/]+?\\\}", "([^/]+)", re.escape(base_path + template))
        operations = {
            method.upper(): Operation(
                operation["operationId"],
                snake_case(operation["operationId"]),
                operation,
                spec,
                tuple(path_item.get("parameters", [])),
            )
            for method, operation in path_item.items()
            if method in HTTP_METHODS
        }
        names = tuple(re.findall(r"\{([^/]+?)\}", template))
        integers = frozenset(
            parameter["name"]
            for operation in operations.values()
            for parameter in operation.parameters()
            if parameter.get("in") == "path"
            and parameter.get("schema", {}).get("type") == "integer"
        )
        routes.append(Route(re.compile(regex), operations, names, integers, base_path + template))
    return routes
