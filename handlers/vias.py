"""VIAS task operations: create, list, show, update, delete, start/stop.

`user` is what the security layer made of the X-Auth-Token: its project.
"""

from __future__ import annotations

from typing import Any

from linkis_mock.api_types import vias_task as api
from linkis_mock.runtime import sim

Body = dict[str, Any]


async def create_task(
    project_id: str, service_name: str, body: Body, user: str
) -> api.CreateTaskReply:
    return sim().vias.create(user, project_id, service_name, body)


async def list_tasks(
    project_id: str,
    user: str,
    *,
    page: int = 1,
    page_size: int = 10,
    sort_dir: str = "desc",
    task_state: str | None = None,
    task_name: str | None = None,
) -> api.ListTasksReply:
    return sim().vias.list_tasks(
        user,
        project_id,
        page=page,
        page_size=page_size,
        sort_dir=sort_dir,
        task_state=task_state,
        task_name=task_name,
    )


async def show_task_info(project_id: str, task_id: str, user: str) -> api.TaskInfo:
    return sim().vias.show(user, project_id, task_id)


async def update_task(project_id: str, task_id: str, body: Body, user: str) -> api.ActionReply:
    return sim().vias.update(user, project_id, task_id, body)


async def delete_task(project_id: str, task_id: str, user: str) -> api.ActionReply:
    return sim().vias.delete(user, project_id, task_id)


async def start_stop_task(
    project_id: str, task_id: str, command: str, user: str
) -> api.ActionReply:
    """Real clients send Content-Type: application/json and no body; any body is ignored."""
    return sim().vias.act(user, project_id, task_id, "start" if command == "start" else "stop")
