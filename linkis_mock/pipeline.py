"""A request's whole path through the mock, in order, in one list.

        request
           │
    ┌──────▼─────── middleware/ (pure ASGI) ────────────────────────────────────┐
    │ ServerErrorMiddleware    Connexion's: what escapes below, as the API's 500 │
    │ RequestContext           the request's Call: this app, its API, its ids    │
    │ Journal                  journaled APIs: who asked what, and the status;   │
    │                          with --log-format json, every request's log line  │
    │ Cors                     cross-origin APIs: preflights, CORS headers       │
    │ AdminGuard               the admin plane: its token, other sites, Host     │
    │ StorageSync              with --state: take in what other workers saved    │
    │ Limits                   413 / 414 / 431 before the request is read        │
    │ Faults                   fault rules: wait, fail or cut the connection     │
    │ Proxy                    proxy mode: the real server answers, and is       │
    │                          checked against the specs and recorded            │
    │ RouteGuard               undeclared trailing slashes, ids past 64 bits     │
    │ FastLane                 plain polls, task reads, submits and task actions │
    └──────┬─────────────────────────────────────────────────────────────────────┘
    ┌──────▼─────── contract/ (Connexion and its glue) ─────────────────────────┐
    │ ExceptionMiddleware      every failure below -> the error mapper           │
    │ SwaggerUIMiddleware      each API's Swagger UI                             │
    │ RoutingMiddleware        the spec's operation for method and path          │
    │ Prefer                   a documented reply instead of the operation       │
    │ SecurityMiddleware       session cookie, token pair, X-Auth-Token          │
    │ BodyType                 untyped bodies, media types that are not ASCII    │
    │ RequestValidation        parameters and body (the JSON policy)             │
    │ ResponseValidation, Lifespan, Context                                      │
    └──────┬─────────────────────────────────────────────────────────────────────┘
    ┌──────▼─────── handlers/ ──────────────────────────────────────────────────┐
    │ parse, call the simulator, wrap the reply (a unit of work with --state)    │
    └──────┬─────────────────────────────────────────────────────────────────────┘
    ┌──────▼─────── sim/ (framework-free) ──────────────────────────────────────┐
    │ linkis/, vias/, storage/, clock                                            │
    └────────────────────────────────────────────────────────────────────────────┘

Connexion builds its stack from this list, outermost first: what is written first
sees the request first and the reply last. In proxy mode (`linkis-mock proxy`) CORS
moves inside the proxy: the real server answers its own APIs' preflights, and only
the admin API and the mock's own pages reach the layers below. Each of our layers gets what it needs
explicitly; the ones inside RequestContext find the request's `Call` in its scope.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from connexion.middleware.context import ContextMiddleware
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.request_validation import RequestValidationMiddleware
from connexion.middleware.response_validation import ResponseValidationMiddleware
from connexion.middleware.routing import RoutingMiddleware
from connexion.middleware.security import SecurityMiddleware
from connexion.middleware.server_error import ServerErrorMiddleware
from connexion.middleware.swagger_ui import SwaggerUIMiddleware

from linkis_mock.context import MockContext
from linkis_mock.contract.errors import ErrorMapper
from linkis_mock.contract.prefer import PreferMiddleware
from linkis_mock.contract.validation import BodyTypeMiddleware
from linkis_mock.logs import request_logger
from linkis_mock.middleware.admin_guard import AdminGuardMiddleware
from linkis_mock.middleware.cors import CorsMiddleware
from linkis_mock.middleware.fast_lane import FastLane, FastOperation
from linkis_mock.middleware.faults import FaultMiddleware
from linkis_mock.middleware.journal import JournalMiddleware
from linkis_mock.middleware.limits import LimitsMiddleware
from linkis_mock.middleware.request_context import RequestContextMiddleware
from linkis_mock.middleware.route_guard import RouteGuardMiddleware
from linkis_mock.middleware.storage_sync import StorageSyncMiddleware


def layers(
    context: MockContext,
    mapper: ErrorMapper,
    fast_lane: list[FastOperation] | None,
) -> list[Any]:
    """The middlewares around the handlers, in request order (see the module doc)."""
    routes, settings, storage = context.routes, context.settings, context.storage
    cors = partial(CorsMiddleware, origins=settings.cors_origins)
    proxy = None
    if settings.proxy is not None:
        # Loaded for proxy mode only: the spec validators are built on first use anyway,
        # and aiohttp (the proxy's client) takes a tenth of a second to import.
        from linkis_mock.middleware.proxy import ProxyMiddleware  # noqa: PLC0415
        from linkis_mock.proxy.inspector import Inspector  # noqa: PLC0415

        inspect = Inspector(routes, context.violations, context.recorder)
        proxy = partial(
            ProxyMiddleware,
            upstreams=settings.proxy,
            mapper=mapper,
            inspect=inspect,
            now_ms=context.sim.clock.now_ms,
        )
    ours: list[Any] = [
        partial(RequestContextMiddleware, context=context),
        partial(JournalMiddleware, journal=context.journal, requests_log=request_logger()),
        cors if proxy is None else None,
        partial(
            AdminGuardMiddleware,
            access=settings.admin,
            admin_base_path=context.apis.admin.base_path,
            mapper=mapper,
        ),
        None
        if storage is None
        else partial(
            StorageSyncMiddleware,
            storage=storage,
            mapper=mapper,
            stateless=routes.stateless_paths(),
        ),
        partial(LimitsMiddleware, limits=settings.limits, mapper=mapper),
        partial(FaultMiddleware, book=context.faults, mapper=mapper, storage=storage),
        proxy,
        cors if proxy is not None else None,
        partial(RouteGuardMiddleware, routes=routes, mapper=mapper),
        partial(FastLane, operations=fast_lane, mapper=mapper) if fast_lane else None,
    ]
    connexion: list[Any] = [
        ExceptionMiddleware,
        SwaggerUIMiddleware,
        RoutingMiddleware,
        partial(PreferMiddleware, mapper=mapper),
        SecurityMiddleware,
        BodyTypeMiddleware,
        RequestValidationMiddleware,
        ResponseValidationMiddleware,
        LifespanMiddleware,
        ContextMiddleware,
    ]
    outermost = partial(ServerErrorMiddleware, handler=mapper.escaped)
    return [outermost, *(layer for layer in ours if layer is not None), *connexion]
