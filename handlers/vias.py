"""VIAS task operations: create, list, show, update, delete, start/stop.

`user` is what the security layer made of the X-Auth-Token: its project.
"""

from __future__ import annotations

from typing import Any

from linkis_mock.api_types import vias_task as api
from linkis_mock.context import Call

Body = dict[str, Any]


async def create_task(
    call: Call, project_id: str, service_name: str, body: Body, user: str
) -> api.CreateTaskReply:
    return call.sim.vias.create(user, project_id, service_name, body)


async def list_tasks(
    call: Call,
    project_id: str,
    user: str,
    *,
    page: int = 1,
    page_size: int = 10,
    sort_dir: str = "desc",
    task_state: str | None = None,
    task_name: str | None = None,
) -> api.ListTasksReply:
    return call.sim.vias.list_tasks(
        user,
        project_id,
        page=page,
        page_size=page_size,
        sort_dir=sort_dir,
        task_state=task_state,
        task_name=task_name,
    )


async def show_task_info(call: Call, project_id: str, task_id: str, user: str) -> api.TaskInfo:
    return call.sim.vias.show(user, project_id, task_id)


async def update_task(
    call: Call, project_id: str, task_id: str, body: Body, user: str
) -> api.ActionReply:
    return call.sim.vias.update(user, project_id, task_id, body)


async def delete_task(call: Call, project_id: str, task_id: str, user: str) -> api.ActionReply:
    return call.sim.vias.delete(user, project_id, task_id)


async def start_stop_task(
    call: Call, project_id: str, task_id: str, command: str, user: str
) -> api.ActionReply:
    """Real clients send Content-Type: application/json and no body; any body is ignored."""
    return call.sim.vias.act(user, project_id, task_id, "start" if command == "start" else "stop")
