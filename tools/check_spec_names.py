"""No schema may be named like a type a client generator derives (`make spec-lint`).

The generators the project tests (tools/generate_clients.sh) name types after each
operation and each component besides the schemas. Where a schema has such a name, orval
in its default mode emits two declarations and the file does not compile (`Duplicate
identifier 'ResetResult'`: the schema and the axios reply of operation `reset`), and
@hey-api/openapi-ts silently renames its own type (`SubmitData2`), so the name a front
end imports depends on the generator. The derived names, per operation `<Op>`
(operationId with its first letter upper-cased) and per component `<Name>`:

    orval           <Op>Params <Op>Body <Op>Result <Op>Headers <Op><status>
                    <Op>QueryResult <Op>QueryError <Op>InfiniteQueryResult
                    <Op>InfiniteQueryError <Op>MutationResult <Op>MutationBody
                    <Op>MutationError; <Name>Parameter (components.parameters),
                    <Name>Body (components.requestBodies), <Name>Response
                    (components.responses)
    hey-api         <Op>Data <Op>Error <Op>Errors <Op>Response <Op>Responses;
                    <Name> (components.parameters); ClientOptions, Options
    openapi-python-client
                    <Op>Body <Op>Response<status> <Op><Param> (an inline enum
                    parameter)
    openapi-typescript
                    paths components operations webhooks $defs

    python tools/check_spec_names.py openapi/*.yaml
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
OPERATION_SUFFIXES = {
    "orval": (
        "Params", "Body", "Result", "Headers", "QueryResult", "QueryError",
        "InfiniteQueryResult", "InfiniteQueryError", "MutationResult", "MutationBody",
        "MutationError",
    ),
    "@hey-api/openapi-ts": ("Data", "Error", "Errors", "Response", "Responses"),
    "openapi-python-client": ("Body",),
}  # fmt: skip
FIXED = {
    "@hey-api/openapi-ts": ("ClientOptions", "Options"),
    "openapi-typescript": ("paths", "components", "operations", "webhooks", "$defs"),
}
COMPONENT_SUFFIXES = {
    ("parameters", "orval"): "Parameter",
    ("requestBodies", "orval"): "Body",
    ("responses", "orval"): "Response",
    ("parameters", "@hey-api/openapi-ts"): "",
}


def pascal(name: str) -> str:
    """A name as the generators spell a type: words (split at `_`, `-`, `.` and spaces)
    with their first letters upper-cased."""
    words = name.replace("-", " ").replace("_", " ").replace(".", " ").split()
    return "".join(word[:1].upper() + word[1:] for word in words)


def operations(spec: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for item in spec.get("paths", {}).values():
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict) and "operationId" in operation:
                yield operation


def derived_names(spec: dict[str, Any]) -> dict[str, str]:
    """Every name a generator derives from the spec, with the first generator found to
    derive it and from what."""
    names: dict[str, str] = {}
    for generator, fixed in FIXED.items():
        for name in fixed:
            names.setdefault(name, f"{generator}'s own")
    for operation in operations(spec):
        op = pascal(operation["operationId"])
        where = f"operation {operation['operationId']}"
        for generator, suffixes in OPERATION_SUFFIXES.items():
            for suffix in suffixes:
                names.setdefault(op + suffix, f"{generator}, {where}")
        for status in operation.get("responses", {}):
            names.setdefault(op + str(status), f"orval, {where}")
            names.setdefault(f"{op}Response{status}", f"openapi-python-client, {where}")
        for parameter in operation.get("parameters", []):
            if "enum" in parameter.get("schema", {}):
                names.setdefault(op + pascal(parameter["name"]), f"openapi-python-client, {where}")
    components = spec.get("components", {})
    for (kind, generator), suffix in COMPONENT_SUFFIXES.items():
        for name in components.get(kind, {}):
            names.setdefault(pascal(name) + suffix, f"{generator}, components.{kind}.{name}")
    return names


def collisions(spec: dict[str, Any]) -> list[str]:
    derived = derived_names(spec)
    problems = []
    for schema in spec.get("components", {}).get("schemas", {}):
        source = derived.get(pascal(schema))
        if source is not None:
            problems.append(f"schema {schema} is a name {source} derives")
    return problems


def main(paths: list[str]) -> int:
    failed = False
    for path in paths:
        for problem in collisions(yaml.safe_load(Path(path).read_text(encoding="utf-8"))):
            print(f"{path}: {problem}; rename the schema", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
