"""Job history: what clients poll once the entrance has let a job go."""

from __future__ import annotations

from typing import Any

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.contract.envelope import ok
from linkis_mock.contract.security import caller_of
from linkis_mock.runtime import sim


async def get_job_history(
    task_id: int, token_info: dict[str, Any], brief: bool = False
) -> tuple[api.JobHistoryReply, int]:
    return ok(sim().entrance.job_history(task_id, caller_of(token_info), brief))
