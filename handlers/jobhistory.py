"""Job history: what clients poll once the entrance has let a job go."""

from __future__ import annotations

from typing import Any

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.context import Call


async def get_job_history(
    call: Call, task_id: int, token_info: dict[str, Any], brief: bool = False
) -> tuple[api.JobHistoryReply, int]:
    return call.ok(call.sim.entrance.job_history(task_id, call.caller(token_info), brief))
