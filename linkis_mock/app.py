"""Builds the Connexion app: the specs lead, handlers are resolved from their operationIds."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

from connexion import AsyncApp
from connexion.jsonifier import Jsonifier
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from connexion.utils import get_function_from_name
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from linkis_mock import runtime
from linkis_mock.config import Settings
from linkis_mock.contract.errors import ErrorMapper
from linkis_mock.contract.prefer import PreferMiddleware
from linkis_mock.contract.resolver import HandlerWrapper, SnakeCaseResolver, WrappingResolver
from linkis_mock.contract.routes import RouteTable
from linkis_mock.contract.security import SECURITY_MAP, credential_owner
from linkis_mock.contract.units import in_unit
from linkis_mock.contract.validation import VALIDATOR_MAP, BodyTypeMiddleware
from linkis_mock.control.faults import FaultBook
from linkis_mock.control.journal import Journal
from linkis_mock.middleware.cors import ApiCors
from linkis_mock.middleware.fast_lane import FastLane, fast_operations
from linkis_mock.middleware.faults import FaultMiddleware
from linkis_mock.middleware.journal import JournalMiddleware
from linkis_mock.middleware.limits import LimitsMiddleware
from linkis_mock.middleware.request_id import VIAS_BASE_PATH, RequestIdMiddleware
from linkis_mock.middleware.route_guard import RouteGuardMiddleware
from linkis_mock.middleware.storage_sync import StateMiddleware
from linkis_mock.sim.simulator import Simulator
from linkis_mock.sim.storage.snapshot import restore
from linkis_mock.sim.storage.sqlite import StateFile
from linkis_mock.specs import ADMIN_SPEC, LINKIS_SPEC, VIAS_SPEC, load_spec

LINKIS_BASE_PATH = "/api/rest_j/v1"
ADMIN_BASE_PATH = "/__admin"
SPEC_JSON = "/openapi.json"
# Replies are UTF-8 JSON with the Chinese half of Linkis messages left readable.
JSONIFIER = Jsonifier(json, ensure_ascii=False)


def create_app(
    settings: Settings,
    simulator: Simulator | None = None,
    scenario: dict[str, Any] | None = None,
    state_path: Path | None = None,
) -> AsyncApp:
    """`scenario`: a snapshot to start from (raises SnapshotError if it cannot be restored).
    `state_path`: keep state in this SQLite file (a scenario only fills a new file)."""
    simulator = simulator or Simulator(settings.sim)
    if scenario is not None:
        restore(simulator, scenario)
    state = None
    if state_path is not None:
        state = StateFile(state_path, simulator)
        state.open()
    journal = Journal(settings.journal_capacity)
    faults = FaultBook(settings.sim.seed, settings.faults)
    runtime.install(simulator, journal, faults)
    app = AsyncApp(__name__, lifespan=_closing(state))
    wrap = _units_of(state)
    specs = {
        LINKIS_BASE_PATH: _add_api(app, LINKIS_SPEC, LINKIS_BASE_PATH, "/ui", wrap, strict=False),
        VIAS_BASE_PATH: _add_api(app, VIAS_SPEC, VIAS_BASE_PATH, "/ui", wrap, strict=False),
        ADMIN_BASE_PATH: _add_api(app, ADMIN_SPEC, ADMIN_BASE_PATH, "/docs", wrap, strict=True),
    }
    _add_dashboard(app)
    routes = RouteTable(specs)
    errors = ErrorMapper(routes)
    errors.install(app)
    app.add_middleware(RequestIdMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    if state is not None:
        app.add_middleware(
            StateMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, state=state
        )
    app.add_middleware(
        ApiCors, position=MiddlewarePosition.BEFORE_EXCEPTION, origins=settings.cors_origins
    )
    app.add_middleware(
        JournalMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        journal=journal,
        routes=routes,
        identify=credential_owner,
    )
    app.add_middleware(
        LimitsMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        limits=settings.limits,
        render=errors.refusal,
    )
    app.add_middleware(
        FaultMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        book=faults,
        routes=routes,
        identify=credential_owner,
        render=errors.fault_response,
    )
    app.add_middleware(
        RouteGuardMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        routes=routes,
        mapper=errors,
    )
    if settings.fast_lane:
        _add_fast_lane(app, routes, state)
    app.add_middleware(PreferMiddleware, position=MiddlewarePosition.BEFORE_SECURITY, routes=routes)
    app.add_middleware(
        BodyTypeMiddleware, position=MiddlewarePosition.BEFORE_VALIDATION, routes=routes
    )
    return app


def _add_fast_lane(app: AsyncApp, routes: RouteTable, state: StateFile | None) -> None:
    """Innermost of the outer middlewares: journal, limits, faults and CORS still apply."""
    operations = fast_operations(routes, get_function_from_name)
    wrap = None if state is None else (lambda handler: in_unit(state, handler, "GET"))
    app.add_middleware(
        FastLane,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        operations=operations,
        encode=JSONIFIER.dumps,
        wrap=wrap,
    )


def _units_of(state: StateFile | None) -> HandlerWrapper | None:
    """With a state file, every handler runs as a unit of work against it."""
    if state is None:
        return None
    return lambda handler, method: in_unit(state, handler, method)


def _closing(state: StateFile | None) -> Callable[[Any], Any]:
    """The app's lifespan: on shutdown (SIGTERM, after requests in flight), save and close."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        del app
        yield
        if state is not None:
            state.close()

    return lifespan


def _add_api(
    app: AsyncApp,
    name: str,
    base_path: str,
    ui_path: str,
    wrap: HandlerWrapper | None,
    *,
    strict: bool,
) -> dict[str, Any]:
    """Mount one spec, and serve it as written (Connexion would serve it with its
    $refs resolved, which cannot be done for the recursive FileTree schema)."""
    app.add_api(
        load_spec(name),  # Connexion would parse the file again, with the slow loader
        base_path=base_path,
        resolver=SnakeCaseResolver() if wrap is None else WrappingResolver(wrap),
        jsonifier=JSONIFIER,
        pythonic_params=True,
        strict_validation=strict,
        validator_map=VALIDATOR_MAP,
        security_map=SECURITY_MAP,
        swagger_ui_options=SwaggerUIOptions(
            serve_spec=False,
            swagger_ui_path=ui_path,
            swagger_ui_config={"withCredentials": True},
        ),
    )
    spec = load_spec(name)
    app.add_url_rule(base_path + SPEC_JSON, name, _spec_endpoint(spec), methods=["GET"])
    return spec


def _add_dashboard(app: AsyncApp) -> None:
    """The live dashboard: one static page that polls the admin API (no build step)."""
    page = files("linkis_mock").joinpath("dashboard/index.html").read_bytes()

    async def dashboard(request: Request) -> Response:
        del request
        return Response(page, media_type="text/html; charset=utf-8")

    async def to_dashboard(request: Request) -> Response:
        del request
        return RedirectResponse(ADMIN_BASE_PATH + "/ui/")

    app.add_url_rule(ADMIN_BASE_PATH + "/ui/", "dashboard", dashboard, methods=["GET"])
    app.add_url_rule(ADMIN_BASE_PATH + "/ui", "to_dashboard", to_dashboard, methods=["GET"])


def _spec_endpoint(spec: dict[str, Any]) -> Callable[[Request], Awaitable[Response]]:
    body = json.dumps(spec, ensure_ascii=False).encode()

    async def serve_spec(request: Request) -> Response:
        del request
        return Response(body, media_type="application/json")

    return serve_spec
