"""The engine-connection manager's one call the console makes: a job's engine log."""

from __future__ import annotations

from typing import Any

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.context import Call
from linkis_mock.sim.linkis.engine_logs import EngineLogRequest


async def open_engine_log(
    call: Call, body: api.OpenEngineLogRequest, token_info: dict[str, Any]
) -> tuple[api.OpenEngineLogReply, int]:
    request = EngineLogRequest.of_body(body)
    return call.ok(call.sim.entrance.engine_logs.open_engine_log(request, call.caller(token_info)))
