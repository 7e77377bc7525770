"""How operationIds in the specs name handler functions.

Finding the handler of an operation, in three steps:

1. the spec names the module, `x-openapi-router-controller: linkis_mock.handlers.entrance`,
   and the operation, `operationId: getProgressWithResource`;
2. `linkis_mock.handlers` is the repository's top-level `handlers/` folder: pyproject.toml
   maps it (`[tool.setuptools.package-dir]`), so that the project's layout keeps
   `handlers/` at the top and a wheel still carries it inside the package;
3. the function is the operationId in snake_case (`SnakeCaseResolver` below):
   `handlers/entrance.py`, `async def get_progress_with_resource(...)`.

tests/unit/test_architecture.py holds all three for every operation of the specs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from connexion.operations import AbstractOperation
from connexion.resolver import Resolution, Resolver

CAMEL_HUMP = re.compile(r"(?<!^)(?=[A-Z])")


def snake_case(operation_id: str) -> str:
    return CAMEL_HUMP.sub("_", operation_id).lower()


class SnakeCaseResolver(Resolver):  # type: ignore[misc]  # connexion ships no type hints
    """operationId `getProgressWithResource` -> function `get_progress_with_resource`.

    The specs keep camelCase ids, which client generators turn into idiomatic
    method names; the handler modules keep Python's naming.
    """

    def resolve_operation_id(self, operation: AbstractOperation) -> str:
        function = snake_case(operation.operation_id)
        controller = operation.router_controller
        return f"{controller}.{function}" if controller else function


# Wraps each resolved handler, given its HTTP method (the state file's units of work).
HandlerWrapper = Callable[[Callable[..., Any], str], Callable[..., Any]]


class WrappingResolver(SnakeCaseResolver):
    """Resolves as SnakeCaseResolver, then wraps every handler."""

    def __init__(self, wrap: HandlerWrapper) -> None:
        super().__init__()
        self._wrap = wrap

    def resolve(self, operation: AbstractOperation) -> Resolution:
        resolution = super().resolve(operation)
        return Resolution(
            self._wrap(resolution.function, operation.method), resolution.operation_id
        )
