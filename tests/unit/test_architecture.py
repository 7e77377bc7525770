"""The shape the code promises (README, Architecture): apps that own their state, a
simulator without a web framework, and each API's base path written only in its spec."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import linkis_mock
from linkis_mock.apis import ApiRegistry
from linkis_mock.testing import ROOT, in_process
from tests.helpers.sim import submit_body

TOKEN = {"Token-Code": "LINKIS-AUTH", "Token-User": "alice"}
WEB_FRAMEWORKS = ("connexion", "starlette", "uvicorn", "httpx", "pydantic", "jsonschema", "yaml")


def test_two_apps_in_one_process_share_nothing() -> None:
    first, second = in_process(), in_process()
    try:
        assert first.app.context.sim is not second.app.context.sim
        submitted = first.as_token("alice").post("/entrance/submit", json=submit_body())
        assert submitted.json()["data"]["taskID"] == 1
        first.admin("POST", "/faults", json={"operationId": "getUserInfo", "action": "status"})
        first.freeze()
        # The second app has no job, no fault rule, no journal entry, a running clock.
        assert second.admin("GET", "/jobs")["jobs"] == []
        assert second.admin("GET", "/faults")["rules"] == []
        assert second.admin("GET", "/journal")["entries"] == []
        assert second.admin("GET", "/clock")["frozen"] is False
        assert second.as_token("alice").get("/user/userInfo").status_code == 200
        assert first.as_token("alice").get("/user/userInfo").status_code == 500
        # Its own first job is its own taskID 1, and its caches are its own.
        again = second.as_token("alice").post("/entrance/submit", json=submit_body())
        assert again.json()["data"]["taskID"] == 1
        first_jobs, second_jobs = (m.app.context.sim.stores.jobs for m in (first, second))
        assert first_jobs.planned is not second_jobs.planned
        assert first_jobs.records is not second_jobs.records
    finally:
        first.stop()
        second.stop()


def test_the_public_factory_builds_an_app_with_defaults() -> None:
    app = linkis_mock.create_app()
    assert app.context.settings.sim.instance == "127.0.0.1:8080"
    assert linkis_mock.create_app().context.sim is not app.context.sim


def test_importing_the_whole_simulator_loads_no_web_framework() -> None:
    modules = [
        f"linkis_mock.sim.{path.relative_to(ROOT / 'linkis_mock' / 'sim').with_suffix('')}".replace(
            "/", "."
        ).removesuffix(".__init__")
        for path in sorted((ROOT / "linkis_mock" / "sim").rglob("*.py"))
    ]
    imported = _modules_loaded_by(
        f"import importlib\nfor name in {modules!r}: importlib.import_module(name)"
    )
    assert len(modules) > 20 and all(module in imported for module in modules)
    frameworks = sorted(m for m in imported if m.split(".")[0] in WEB_FRAMEWORKS)
    assert frameworks == [], frameworks


def _literals(path: Path) -> list[tuple[int, str]]:
    """The string literals of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_each_base_path_is_written_once_in_its_specs_servers() -> None:
    base_paths = [api.base_path for api in ApiRegistry()]
    assert base_paths == ["/api/rest_j/v1", "/v2", "/__admin"]
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in sorted(
            [*(ROOT / "linkis_mock").rglob("*.py"), *(ROOT / "handlers").glob("*.py")]
        )
        if "api_types" not in path.parts
        for line, text in _literals(path)
        if any(text == base or text.startswith((base + "/", base + "{")) for base in base_paths)
    ]
    assert found == [], found


def test_a_started_app_has_not_loaded_what_only_some_requests_need() -> None:
    """openpyxl (which pulls in numpy: a fifth of an idle server's memory), the proxy's
    aiohttp and PostgreSQL's psycopg are imported when first needed, not at start."""
    imported = _modules_loaded_by("import linkis_mock\nlinkis_mock.create_app()")
    assert "linkis_mock.sim.linkis.exports" in imported
    lazy = ("openpyxl", "numpy", "aiohttp", "psycopg")
    assert sorted(m for m in imported if m.split(".")[0] in lazy) == []


def _modules_loaded_by(code: str) -> list[str]:
    """The modules a fresh interpreter has loaded after running `code`."""
    loaded = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    modules: list[str] = json.loads(loaded.stdout)
    return modules


def test_every_operation_finds_its_handler_by_the_three_steps_the_resolver_names() -> None:
    """spec (controller + operationId) -> pyproject's package-dir mapping of handlers/ ->
    the snake_case function in that file (linkis_mock/contract/resolver.py)."""
    import tomllib  # noqa: PLC0415

    from linkis_mock.contract.resolver import snake_case  # noqa: PLC0415

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    mapped = pyproject["tool"]["setuptools"]["package-dir"]
    assert mapped["linkis_mock.handlers"] == "handlers"
    found = 0
    for api in ApiRegistry():
        for item in api.spec["paths"].values():
            for method, operation in item.items():
                if method not in {"get", "put", "post", "delete", "patch"}:
                    continue
                controller = operation["x-openapi-router-controller"]
                package, _, module = controller.rpartition(".")
                source = ROOT / mapped[package] / f"{module}.py"
                defined = _top_level_names(source)
                assert snake_case(operation["operationId"]) in defined, (source, operation)
                found += 1
    assert found > 50


def _top_level_names(source: Path) -> set[str]:
    """The async functions a module defines, and the names it binds to one (an alias)."""
    names = set()
    for node in ast.parse(source.read_text()).body:
        if isinstance(node, ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return names


def _imports_of(path: Path) -> set[str]:
    """The linkis_mock modules a file imports, wherever in it (a function's own import
    too), except under `if TYPE_CHECKING:`, which never runs."""
    tree = ast.parse(path.read_text())
    skipped = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
        for inner in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] == "linkis_mock"}


def _package_graph() -> dict[str, set[str]]:
    modules = {}
    for path in (ROOT / "linkis_mock").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    return {
        name: {imported for imported in _imports_of(path) if imported in modules}
        for name, path in modules.items()
    }


def test_no_module_of_the_package_imports_itself_through_others() -> None:
    graph = _package_graph()
    circles = []
    for start in graph:
        stack = [(start, [start])]
        while stack:
            module, trail = stack.pop()
            for imported in graph[module]:
                if imported == start and not start.endswith("__init__"):
                    circles.append(trail)
                elif imported not in trail and len(trail) < 12:
                    stack.append((imported, [*trail, imported]))
    package_faces = {"linkis_mock", "linkis_mock.proxy.recording"}  # re-exports only
    real = [trail for trail in circles if not package_faces & set(trail)]
    assert real == []


def test_the_settings_sit_below_the_layers_they_configure() -> None:
    layers = ("linkis_mock.middleware", "linkis_mock.contract", "linkis_mock.proxy")
    imported = _imports_of(ROOT / "linkis_mock" / "config.py")
    assert [name for name in imported if name.startswith(layers)] == []
