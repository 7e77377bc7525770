"""Builds one mock: its context, its three APIs on Connexion, and the pipeline around them.

    app = linkis_mock.create_app()            # the defaults, state in memory
    app = create_app(load_settings(path), state="mock.db")

Each call builds a mock of its own (simulator, journal, fault rules, state file), so
two apps in one process share nothing. The specs lead: handlers are resolved from
their operationIds, and nothing is served that the specs do not declare beyond each
API's spec (`<base>/openapi.json`), Swagger UI and the dashboard.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from connexion import AsyncApp
from connexion.options import SwaggerUIOptions
from connexion.spec import OpenAPISpecification
from connexion.utils import get_function_from_name
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from linkis_mock.apis import SPEC_JSON, Api, ApiRegistry
from linkis_mock.config import Settings
from linkis_mock.context import MockContext
from linkis_mock.contract.errors import ErrorMapper
from linkis_mock.contract.reply_json import ReplyJsonifier, encode
from linkis_mock.contract.resolver import HandlerWrapper, SnakeCaseResolver, WrappingResolver
from linkis_mock.contract.routes import RouteTable
from linkis_mock.contract.security import SECURITY_MAP
from linkis_mock.contract.units import in_unit
from linkis_mock.contract.validation import VALIDATOR_MAP
from linkis_mock.control.faults import FaultBook
from linkis_mock.control.journal import Journal
from linkis_mock.control.reloads import ReloadLog
from linkis_mock.middleware.fast_lane import FastOperation, fast_operations
from linkis_mock.pipeline import layers
from linkis_mock.sim.simulator import Simulator
from linkis_mock.sim.storage.backend import StorageBackend
from linkis_mock.sim.storage.locations import backend_for
from linkis_mock.sim.storage.snapshot import restore

if TYPE_CHECKING:
    from linkis_mock.proxy.recording import Recorder


class MockApp:
    """An ASGI app serving one mock; `context` is what it owns."""

    def __init__(self, context: MockContext, asgi: AsyncApp) -> None:
        self.context = context
        self._asgi = asgi

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._asgi(scope, receive, send)


def create_app(
    settings: Settings | None = None,
    *,
    scenario: dict[str, Any] | None = None,
    state: str | Path | None = None,
    record: bool = False,
    previous: MockContext | None = None,
) -> MockApp:
    """`scenario`: a snapshot to start from (raises SnapshotError if it cannot be restored).
    `state`: keep state in this SQLite file, or in the PostgreSQL database of a
    `postgresql://` URL (a scenario only fills a new one); by default `settings.state`.
    `record`: in proxy mode, record what the real servers answer (`context.recorder`).
    `previous`: the context of the app this one replaces (`serve --reload`): its state
    in memory (jobs, tasks, sessions, the clock, fault rules), its journal and its
    record of reloads carry over. With a state file the state is the file's anyway.
    Raises SpecError for spec copies (`settings.specs`) that cannot be served."""
    settings = settings or Settings()
    state = state if state is not None else settings.state
    carried = None
    if previous is not None and state is None and scenario is None:
        carried = previous.sim.stores
    simulator = Simulator(settings.sim, stores=carried)
    if scenario is not None:
        restore(simulator.stores, scenario)
    apis = ApiRegistry(settings.specs)
    storage: StorageBackend | None = None
    if state is not None:
        storage = backend_for(str(state), simulator.stores, settings.state_timeout_s)
        storage.open()
    routes = RouteTable({api.base_path: api.spec for api in apis})
    context = MockContext(
        settings=settings,
        apis=apis,
        routes=routes,
        sim=simulator,
        journal=previous.journal if previous else Journal(settings.journal_capacity),
        faults=FaultBook(settings.sim.seed, settings.faults, simulator.stores.documents),
        storage=storage,
        recorder=_recorder(routes) if record and settings.proxy is not None else None,
        reloads=previous.reloads if previous else ReloadLog(),
    )
    mapper = ErrorMapper(apis, routes, settings.sim.instance)
    fast_lane = _fast_lane(context) if settings.fast_lane else None
    asgi = AsyncApp(
        __name__,
        middlewares=layers(context, mapper, fast_lane),
        lifespan=_closing(storage),
    )
    wrap = _units_of(storage)
    for api in apis:
        _add_api(asgi, api, wrap)
    _add_dashboard(asgi, apis.admin.base_path)
    mapper.install(asgi)
    return MockApp(context, asgi)


def _recorder(routes: RouteTable) -> Recorder:
    from linkis_mock.proxy.recording import Recorder  # noqa: PLC0415  # proxy mode only

    return Recorder(routes)


def _fast_lane(context: MockContext) -> list[FastOperation]:
    """The lane's operations, with the handlers the resolver finds (units of work too)."""
    storage = context.storage
    operations = fast_operations(context.routes, get_function_from_name)
    if storage is None:
        return operations
    return [op.with_handler(in_unit(storage, op.handler, op.method)) for op in operations]


def _units_of(storage: StorageBackend | None) -> HandlerWrapper | None:
    """With a state file, every handler runs as a unit of work against it."""
    if storage is None:
        return None
    return lambda handler, method: in_unit(storage, handler, method)


def _closing(storage: StorageBackend | None) -> Callable[[Any], Any]:
    """The app's lifespan: on shutdown (SIGTERM, after requests in flight), save and close."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        del app
        yield
        if storage is not None:
            storage.close()

    return lifespan


def _add_api(app: AsyncApp, api: Api, wrap: HandlerWrapper | None) -> None:
    """Mount one spec, and serve it as written (Connexion would serve it with its
    $refs resolved, which cannot be done for the recursive FileTree schema)."""
    with _checked_already():
        _mount(app, api, wrap)
    path = api.base_path + SPEC_JSON
    app.add_url_rule(path, api.spec_file, _spec_endpoint(api.spec), methods=["GET"])


_VALIDATION = threading.Lock()


@contextmanager
def _checked_already() -> Iterator[None]:
    """Connexion checks each spec against OpenAPI's schema as it adds it: two thirds of
    building an app, on every start and reload. The specs served were checked already,
    and more strictly: the packaged ones by `make spec-lint` (openapi-spec-validator,
    Spectral, Redocly), a `--specs` copy by openapi-spec-validator as it is read
    (linkis_mock/specs.py). So the check is left out while this app's APIs are added."""
    with _VALIDATION:
        OpenAPISpecification._validate_spec = classmethod(lambda cls, spec: None)
        try:
            yield
        finally:  # back to the check it inherits
            del OpenAPISpecification._validate_spec


def _mount(app: AsyncApp, api: Api, wrap: HandlerWrapper | None) -> None:
    app.add_api(
        _for_connexion(api),
        base_path=api.base_path,
        resolver=SnakeCaseResolver() if wrap is None else WrappingResolver(wrap),
        jsonifier=ReplyJsonifier(),
        pythonic_params=True,
        strict_validation=api.strict_validation,
        validator_map=VALIDATOR_MAP,
        security_map=SECURITY_MAP,
        swagger_ui_options=SwaggerUIOptions(
            serve_spec=False,
            swagger_ui_path=api.docs_path,
            swagger_ui_config={"withCredentials": True},
        ),
    )


def _for_connexion(api: Api) -> dict[str, Any]:
    """A copy of the API's spec (Connexion changes what it is given); a guarded API's
    without its security, which the AdminGuard layer has checked already."""
    spec = copy.deepcopy(api.spec)
    if api.guarded:
        spec["security"] = []
        for path_item in spec.get("paths", {}).values():
            for operation in path_item.values():
                if isinstance(operation, dict):
                    operation.pop("security", None)
    return spec


def _add_dashboard(app: AsyncApp, admin_base_path: str) -> None:
    """The live dashboard: one static page that polls the admin API (no build step)."""
    page = files("linkis_mock").joinpath("dashboard/index.html").read_bytes()

    async def dashboard(request: Request) -> Response:
        del request
        return Response(page, media_type="text/html; charset=utf-8")

    async def to_dashboard(request: Request) -> Response:
        del request
        return RedirectResponse(admin_base_path + "/ui/")

    app.add_url_rule(admin_base_path + "/ui/", "dashboard", dashboard, methods=["GET"])
    app.add_url_rule(admin_base_path + "/ui", "to_dashboard", to_dashboard, methods=["GET"])


def _spec_endpoint(spec: dict[str, Any]) -> Callable[[Request], Awaitable[Response]]:
    body = encode(spec)

    async def serve_spec(request: Request) -> Response:
        del request
        return Response(body, media_type="application/json")

    return serve_spec
