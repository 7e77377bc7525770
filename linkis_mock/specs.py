"""The OpenAPI specs as the package carries them, and checks of data against their schemas.

The specs are written in the repository's `openapi/` folder and nowhere else; the build
maps that folder into the package as `linkis_mock.openapi` (pyproject.toml), so
`importlib.resources` finds them the same way in a checkout, an editable install and a
wheel.
"""

from __future__ import annotations

import functools
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from connexion.json_schema import Draft4RequestValidator

SPECS_PACKAGE = "linkis_mock.openapi"
LINKIS_SPEC = "linkis-entrance.yaml"
VIAS_SPEC = "vias-task.yaml"
ADMIN_SPEC = "admin.yaml"
# libyaml's loader where PyYAML has it: parsing the specs is most of the start-up time.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_spec(name: str) -> dict[str, Any]:
    """A fresh parse of one spec (callers may change what they get)."""
    text = files(SPECS_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    spec: dict[str, Any] = yaml.load(text, Loader=YAML_LOADER)
    return spec


@functools.cache
def _validator(spec_name: str, schema_name: str) -> Draft4RequestValidator:
    # Connexion's validator (it reads OpenAPI's `nullable`), imported when first needed:
    # a command line that stops at a bad config need not load the web framework.
    from connexion.json_schema import Draft4RequestValidator  # noqa: PLC0415

    components = load_spec(spec_name)["components"]
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": components}
    return Draft4RequestValidator(schema)


def schema_problem(spec_name: str, schema_name: str, value: Any) -> str | None:
    """Why `value` does not fit a schema of a spec, as request validation would refuse it
    (OpenAPI's `nullable` included); None when it fits."""
    error = next(iter(_validator(spec_name, schema_name).iter_errors(value)), None)
    if error is None:
        return None
    where = "/".join(str(part) for part in error.absolute_path)
    return f"{error.message.splitlines()[0]} (at /{where})"
