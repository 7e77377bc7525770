"""Builds the Connexion app: the specs lead, handlers are resolved from their operationIds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from connexion import AsyncApp
from connexion.jsonifier import Jsonifier
from connexion.options import SwaggerUIOptions

from linkis_mock import runtime
from linkis_mock.config import Settings
from linkis_mock.errors import ErrorMapper, invalid_body_messages
from linkis_mock.resolver import SnakeCaseResolver
from linkis_mock.sim.world import Simulator

SPEC_DIR = Path(__file__).resolve().parent.parent / "openapi"
LINKIS_SPEC = "linkis-entrance.yaml"
ADMIN_SPEC = "admin.yaml"
# Replies are UTF-8 JSON with the Chinese half of Linkis messages left readable.
JSONIFIER = Jsonifier(json, ensure_ascii=False)


def load_spec(name: str) -> dict[str, Any]:
    with (SPEC_DIR / name).open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


def create_app(settings: Settings, simulator: Simulator | None = None) -> AsyncApp:
    runtime.install(simulator or Simulator(settings.sim))
    linkis_spec = load_spec(LINKIS_SPEC)
    app = AsyncApp(__name__, specification_dir=SPEC_DIR)
    app.add_api(
        linkis_spec,
        base_path="/api/rest_j/v1",
        resolver=SnakeCaseResolver(),
        jsonifier=JSONIFIER,
        pythonic_params=True,
        strict_validation=False,
        swagger_ui_options=SwaggerUIOptions(swagger_ui_config={"withCredentials": True}),
    )
    app.add_api(
        load_spec(ADMIN_SPEC),
        base_path="/__admin",
        resolver=SnakeCaseResolver(),
        jsonifier=JSONIFIER,
        pythonic_params=True,
        strict_validation=True,
        swagger_ui_options=SwaggerUIOptions(swagger_ui_path="/docs"),
    )
    ErrorMapper(invalid_body_messages(linkis_spec)).install(app)
    return app
