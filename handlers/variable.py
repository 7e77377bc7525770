"""The public service's global variables of the logged-in user: the console's Global
Variables page."""

from __future__ import annotations

from typing import Any

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.context import Call


async def list_global_variables(
    call: Call, token_info: dict[str, Any]
) -> tuple[api.GlobalVariablesReply, int]:
    return call.ok(
        call.sim.entrance.global_variables.list_global_variables(call.caller(token_info))
    )


async def save_global_variables(
    call: Call, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[api.SaveGlobalVariablesReply, int]:
    return call.ok(
        call.sim.entrance.global_variables.save_global_variables(body, call.caller(token_info))
    )
