"""Entrance metrics, under the real path and the documentation's older one."""

from __future__ import annotations

from typing import Any

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.context import Call


async def get_running_task(call: Call) -> tuple[api.RunningTaskReply, int]:
    return call.ok(call.sim.entrance.metrics.running_task())


async def get_task_info(
    call: Call,
    token_info: dict[str, Any],
    creator: str | None = None,
    ec_type: str | None = None,
    engine_type_label: str | None = None,
) -> tuple[api.TaskInfoReply, int]:
    """`ecType` names the engine filter today; `engineTypeLabel` is the pages' (1.4.0) name.

    The `user` query parameter is read from the request: Connexion would fill a
    handler argument named `user` with the authenticated user instead.
    """
    user = call.query_params.get("user")
    engine = ec_type if ec_type else engine_type_label
    return call.ok(
        call.sim.entrance.metrics.task_info(call.caller(token_info), user, creator, engine)
    )


get_running_task_legacy = get_running_task
get_task_info_legacy = get_task_info
