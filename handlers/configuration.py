"""The configuration service's one call the console makes: the engine types."""

from __future__ import annotations

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.context import Call


async def list_engine_types(call: Call) -> tuple[api.EngineTypeReply, int]:
    return call.ok(call.sim.console.engine_types())
