"""The spec-lint rule of tools/check_spec_names.py: a schema named like a type a client
generator derives is reported (orval's default mode then fails to compile: `Duplicate
identifier 'ResetResult'`), and the project's three specs have none."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "check_spec_names.py"


def spec(operation_id: str, schemas: list[str], **components: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "paths": {
            "/x": {
                "post": {
                    "operationId": operation_id,
                    "parameters": [{"name": "mode", "in": "query", "schema": {"enum": ["a"]}}],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "components": {"schemas": {name: {"type": "object"} for name in schemas}, **components},
    }


def check(tmp_path: Path, document: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(TOOL), str(path)], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("name", "generator"),
    [
        ("ResetResult", "orval"),
        ("ResetParams", "orval"),
        ("ResetBody", "orval"),
        ("Reset200", "orval"),
        ("ResetMutationResult", "orval"),
        ("ResetData", "@hey-api/openapi-ts"),
        ("ResetResponses", "@hey-api/openapi-ts"),
        ("ResetErrors", "@hey-api/openapi-ts"),
        ("ResetResponse200", "openapi-python-client"),
        ("ResetMode", "openapi-python-client"),
        ("ClientOptions", "@hey-api/openapi-ts"),
    ],
)
def test_a_schema_named_like_a_derived_type_is_reported(
    tmp_path: Path, name: str, generator: str
) -> None:
    result = check(tmp_path, spec("reset", [name, "Fine"]))
    assert result.returncode == 1
    assert f"schema {name} is a name {generator}" in result.stderr
    assert "Fine" not in result.stderr


def test_names_of_other_components_count_too(tmp_path: Path) -> None:
    document = spec("reset", ["JobBody", "PageParameter"], requestBodies={"Job": {}},
                    parameters={"Page": {}})  # fmt: skip
    result = check(tmp_path, document)
    assert "schema JobBody is a name orval, components.requestBodies.Job" in result.stderr
    assert "schema PageParameter is a name orval, components.parameters.Page" in result.stderr


def test_the_projects_specs_have_no_such_name() -> None:
    specs = sorted(str(path) for path in (ROOT / "openapi").glob("*.yaml"))
    result = subprocess.run(
        [sys.executable, str(TOOL), *specs], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
