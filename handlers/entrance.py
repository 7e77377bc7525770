"""Entrance operations: submit, execute, and reading or acting on one job.

Each handler is annotated with the spec's reply type (generated into
linkis_mock/api_types), so mypy holds the simulator's data to the contract.
"""

from __future__ import annotations

from typing import Any

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.contract.envelope import ok
from linkis_mock.contract.security import caller_of
from linkis_mock.runtime import sim


async def execute(body: dict[str, Any], token_info: dict[str, Any]) -> tuple[api.SubmitReply, int]:
    return ok(sim().entrance.submit(body, caller_of(token_info), via_execute=True))


async def submit(body: dict[str, Any], token_info: dict[str, Any]) -> tuple[api.SubmitReply, int]:
    return ok(sim().entrance.submit(body, caller_of(token_info), via_execute=False))


async def get_status(id_: str, task_id: int | None = None) -> tuple[api.StatusReply, int]:
    return ok(sim().entrance.status(id_, task_id))


async def get_progress(id_: str) -> tuple[api.ProgressReply, int]:
    return ok(sim().entrance.progress(id_))


async def get_progress_with_resource(id_: str) -> tuple[api.ProgressWithResourceReply, int]:
    return ok(sim().entrance.progress_with_resource(id_))


async def get_log(
    id_: str, from_line: int = 0, size: int = 100, distinct_level: bool = True
) -> tuple[api.LogReply, int]:
    return ok(sim().entrance.log(id_, from_line, size, distinct_level))


async def kill(
    id_: str, token_info: dict[str, Any], task_id: int | None = None
) -> tuple[api.KillReply, int]:
    return ok(sim().entrance.kill(id_, task_id, caller_of(token_info)))


async def pause(id_: str) -> tuple[api.PauseReply, int]:
    return ok(sim().entrance.pause(id_))


async def kill_jobs(
    id_: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[api.KillJobsReply, int]:
    entrance = sim().entrance
    return ok(entrance.kill_jobs(id_, body["idList"], body["taskIDList"], caller_of(token_info)))
