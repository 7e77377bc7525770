"""The OpenAPI specs as the package carries them, and checks of data against their schemas.

The specs are written in the repository's `openapi/` folder and nowhere else; the build
maps that folder into the package as `linkis_mock.openapi` (pyproject.toml), so
`importlib.resources` finds them the same way in a checkout, an editable install and a
wheel. `serve --specs DIR` serves copies of them from a folder instead (a file of the
same name there replaces the packaged one), checked as OpenAPI 3.0 when read.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from copy import deepcopy
from importlib.resources import files
from pathlib import Path
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


class SpecError(ValueError):
    """A spec copy (`--specs DIR`) that cannot be served."""


def load_spec(name: str, folder: Path | None = None) -> dict[str, Any]:
    """One spec, for the caller to change if it likes: the copy in `folder` if there is
    one (read afresh: `--reload` takes in its edits), else the packaged spec."""
    copy = folder / name if folder is not None else None
    if copy is None or not copy.exists():
        return deepcopy(_packaged(name))
    return _checked_copy(copy)


@functools.cache
def _packaged(name: str) -> dict[str, Any]:
    """A packaged spec, parsed once per process: parsing is most of building an app, and
    the package's files do not change under it."""
    return parsed_yaml(files(SPECS_PACKAGE).joinpath(name).read_text(encoding="utf-8"))


def parsed_yaml(text: str) -> dict[str, Any]:
    """A spec's YAML text as data, through a JSON copy of it in the user's cache.

    libyaml parses the three specs in about 110 ms, most of a start's app building; the JSON
    copy loads in 4 ms. The copy is named by a digest of the text and of PyYAML's version,
    so an edited spec never meets a stale one; it is written only when JSON holds the data
    exactly (string keys, JSON values), and a cache that cannot be read or written is
    skipped."""
    copy = _json_copy_path(text)
    if copy is not None:
        try:
            cached: dict[str, Any] = json.loads(_own_file_bytes(copy))
        except (OSError, ValueError):
            pass
        else:
            return cached
    spec: dict[str, Any] = yaml.load(text, Loader=YAML_LOADER)
    if copy is not None:
        _keep_json_copy(copy, spec)
    return spec


def _json_copy_path(text: str) -> Path | None:
    root = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(root):  # the XDG rule: a relative value is to be ignored
        try:
            root = str(Path.home() / ".cache")
        except RuntimeError:  # no home directory to be found
            return None
    digest = hashlib.sha256(f"{yaml.__version__}\0{text}".encode()).hexdigest()
    return Path(root) / "linkis-mock" / "specs" / f"{digest}.json"


def _own_file_bytes(path: Path) -> bytes:
    """The file's bytes, if this user owns it and no one else may write it (a cache folder
    others can write to must not choose the contract served); OSError otherwise."""
    with path.open("rb") as file:
        status = os.fstat(file.fileno())
        if status.st_uid != os.getuid() or status.st_mode & 0o022:
            raise PermissionError(f"{path}: not this user's own file")
        return file.read()


def _keep_json_copy(copy: Path, spec: dict[str, Any]) -> None:
    try:
        text = json.dumps(spec, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return  # not JSON data (a date, a NaN): parsed each time
    if json.loads(text) != spec:
        return  # JSON would change it (a number as a key)
    written = None
    try:
        copy.parent.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: a process starting meanwhile reads no half.
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=copy.parent, delete=False) as f:
            written = Path(f.name)
            f.write(text)
        os.replace(written, copy)
    except OSError:
        if written is not None:
            written.unlink(missing_ok=True)


def _checked_copy(path: Path) -> dict[str, Any]:
    """A user's copy of a spec, refused with one line naming what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: {' '.join(str(exc).split())}") from None
    try:
        return deepcopy(_checked_text(text))
    except _CopyProblemError as problem:
        raise SpecError(f"{path}: {problem}") from None


class _CopyProblemError(ValueError):
    """What is wrong with a spec copy's text, said without its path."""


# Checking a copy as OpenAPI 3.0 takes most of a second for the Linkis spec; a reload that
# finds a spec unchanged, or a second app over the same copies, takes the checked text from
# here. Two generations of the three specs.
@functools.lru_cache(maxsize=6)
def _checked_text(text: str) -> dict[str, Any]:
    from openapi_spec_validator import validate  # noqa: PLC0415  # only for copies
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError  # noqa: PLC0415

    try:
        spec = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        raise _CopyProblemError(" ".join(str(exc).split())) from None
    if not isinstance(spec, dict) or not str(spec.get("openapi", "")).startswith("3.0"):
        raise _CopyProblemError("not an OpenAPI 3.0 document")
    try:
        validate(spec)
    except OpenAPIValidationError as exc:
        where = "/".join(str(part) for part in exc.path)
        raise _CopyProblemError(f"{str(exc).splitlines()[0]} (at /{where})") from None
    servers = spec.get("servers")
    if not (isinstance(servers, list) and servers and isinstance(servers[0], dict)):
        raise _CopyProblemError("servers[0].url is missing (it gives the base path)")
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
