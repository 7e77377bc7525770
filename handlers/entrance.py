"""Entrance operations: submit, execute, and reading or acting on one job.

Each handler gets the request's `Call` (this app's simulator, the request's path for the
envelope) and is annotated with the spec's reply type (generated into
linkis_mock/api_types), so mypy holds the simulator's data to the contract.
"""

from __future__ import annotations

from typing import Any

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.context import Call


async def execute(
    call: Call, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[api.SubmitReply, int]:
    return call.ok(
        call.sim.entrance.submitter.submit(body, call.caller(token_info), via_execute=True)
    )


async def submit(
    call: Call, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[api.SubmitReply, int]:
    return call.ok(
        call.sim.entrance.submitter.submit(body, call.caller(token_info), via_execute=False)
    )


async def get_status(
    call: Call, id_: str, task_id: int | None = None
) -> tuple[api.StatusReply, int]:
    return call.ok(call.sim.entrance.reads.status(id_, task_id))


async def get_progress(call: Call, id_: str) -> tuple[api.ProgressReply, int]:
    return call.ok(call.sim.entrance.reads.progress(id_))


async def get_progress_with_resource(
    call: Call, id_: str
) -> tuple[api.ProgressWithResourceReply, int]:
    return call.ok(call.sim.entrance.reads.progress_with_resource(id_))


async def get_log(
    call: Call, id_: str, from_line: int = 0, size: int = 100, distinct_level: bool = True
) -> tuple[api.LogReply, int]:
    return call.ok(call.sim.entrance.reads.log(id_, from_line, size, distinct_level))


async def kill(
    call: Call, id_: str, token_info: dict[str, Any], task_id: int | None = None
) -> tuple[api.KillReply, int]:
    return call.ok(call.sim.entrance.actions.kill(id_, task_id, call.caller(token_info)))


async def pause(call: Call, id_: str) -> tuple[api.PauseReply, int]:
    return call.ok(call.sim.entrance.actions.pause(id_))


async def kill_jobs(
    call: Call, id_: str, body: dict[str, Any], token_info: dict[str, Any]
) -> tuple[api.KillJobsReply, int]:
    caller = call.caller(token_info)
    return call.ok(
        call.sim.entrance.actions.kill_jobs(id_, body["idList"], body["taskIDList"], caller)
    )
