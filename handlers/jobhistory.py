"""Job history: one job's record, the history and running-jobs lists, the caller's admin
roles, a job's code and diagnosis, and the job-list export."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.context import Call, attachment, takes_parameters
from linkis_mock.sim.linkis.history import ListRequest, UndoneRequest
from linkis_mock.sim.linkis.result_files import XLSX


async def get_job_history(
    call: Call, task_id: int, token_info: dict[str, Any], brief: bool = False
) -> tuple[api.JobHistoryReply, int]:
    return call.ok(call.sim.entrance.history.job_history(task_id, call.caller(token_info), brief))


@takes_parameters(ListRequest)
async def list_job_history(
    call: Call, token_info: dict[str, Any], request: ListRequest
) -> tuple[api.JobHistoryListReply, int]:
    return call.ok(call.sim.entrance.history.job_list(request, call.caller(token_info)))


@takes_parameters(UndoneRequest)
async def list_undone_tasks(
    call: Call, token_info: dict[str, Any], request: UndoneRequest
) -> tuple[api.JobHistoryListReply, int]:
    return call.ok(call.sim.entrance.history.undone_tasks(request, call.caller(token_info)))


async def get_governance_station_admin(
    call: Call, token_info: dict[str, Any]
) -> tuple[api.GovernanceStationAdminReply, int]:
    return call.ok(call.sim.entrance.history.admin_roles(call.caller(token_info)))


async def get_job_extra_info(
    call: Call, token_info: dict[str, Any], job_id: int | None = None
) -> tuple[api.JobExtraInfoReply, int]:
    return call.ok(call.sim.entrance.history.extra_info(job_id, call.caller(token_info)))


async def get_diagnosis(
    call: Call,
    token_info: dict[str, Any],
    task_id: str | None = None,
    diagnosis_source: str | None = None,
) -> tuple[api.DiagnosisReply, int]:
    caller = call.caller(token_info)
    return call.ok(call.sim.entrance.history.diagnosis(task_id, diagnosis_source, caller))


@takes_parameters(ListRequest)
async def download_job_list(
    call: Call, token_info: dict[str, Any], request: ListRequest
) -> Response:
    """English headers only for `Content-Language: en` exactly (JobhistoryUtils.java)."""
    english = call.headers.get("content-language") == "en"
    export = call.sim.entrance.history.export(request, call.caller(token_info), english)
    headers = attachment(export.file_name)
    return Response(export.content, 200, headers=headers, media_type=XLSX)
