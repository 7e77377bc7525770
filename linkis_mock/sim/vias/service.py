"""The Huawei Cloud VIAS task service: projects, tokens, and each operation's rules.

Like jobs, a task's states are a timeline on the simulated clock: an action
plans the transient state now and the settled one a little later, and reading
a task is a lookup at the current instant. Error codes and texts follow
docs/reference/vias-task.md §4; where the real mapping is undocumented the
choice is the one that section recommends.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from linkis_mock.api_types import admin
from linkis_mock.api_types import vias_task as api
from linkis_mock.sim.clock import Clock, iso_instant
from linkis_mock.sim.settings import ViasSettings
from linkis_mock.sim.vias.errors import FORBIDDEN, NO_TASK, NOT_ALLOWED, ViasError
from linkis_mock.sim.vias.tasks import TaskState, ViasTask

if TYPE_CHECKING:
    from linkis_mock.sim.storage.vias_task_store import ViasTaskStore


Command = Literal["start", "stop"]
# Where each command may begin, and where it is a repeat of what is already happening.
STARTABLE: frozenset[TaskState] = frozenset(
    {
        "STOPPED",
        "START_FAILED",
        "ABNORMAL",
        "FAILED",
        "PENDING",
    }
)
STOPPABLE: frozenset[TaskState] = frozenset({"RUNNING", "STARTING", "PENDING", "ABNORMAL"})
ALREADY: dict[Command, frozenset[TaskState]] = {
    "start": frozenset({"STARTING", "RUNNING"}),
    "stop": frozenset({"STOPPING", "STOPPED"}),
}
STATUS_TEXT: dict[TaskState, str] = {
    "PENDING": "Waiting for available computing resource.",
    "STARTING": "The task is starting.",
    "RUNNING": "The task is running.",
    "STOPPING": "The task is stopping.",
    "STOPPED": "The task is stopped.",
}
COMPANY = "Huawei"
ANY_PROJECT = "*"


class Vias:
    def __init__(
        self, settings: ViasSettings, clock: Clock, store: ViasTaskStore, seed: int
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.store = store
        self.seed = seed

    # ---- identity ---------------------------------------------------------------------

    def project_of_token(self, token: str) -> str | None:
        """The project a token is scoped to (compared in constant time)."""
        found = None
        for known, project in self.settings.tokens.items():
            if hmac.compare_digest(known.encode(), token.encode()):
                found = project
        return found

    @staticmethod
    def authorize(token_project: str, project_id: str) -> None:
        """A token acts in its own project only; one bound to "*" in every project."""
        if token_project not in (project_id, ANY_PROJECT):
            raise ViasError(
                FORBIDDEN,
                f"the token is scoped to project {token_project}, not {project_id}",
                "project_id",
            )

    # ---- operations -------------------------------------------------------------------

    def create(
        self, token_project: str, project_id: str, service_name: str, spec: dict[str, Any]
    ) -> api.CreateTaskReply:
        self.authorize(token_project, project_id)
        number = self.store.next_number()
        task_id = hashlib.sha256(f"{self.seed}:vias-task:{number}".encode()).hexdigest()[:32]
        now = self.clock.now_ms()
        task = ViasTask(task_id, project_id, service_name, dict(spec), now, now, number)
        timings = self.settings.timings
        task.plan(
            now,
            (0, "PENDING"),
            (timings.pending, "STARTING"),
            (timings.starting, "RUNNING"),
        )
        self.store.add(task)
        return {"tasks": [{"id": task_id}]}

    def list_tasks(
        self,
        token_project: str,
        project_id: str,
        *,
        page: int,
        page_size: int,
        sort_dir: str,
        task_state: str | None,
        task_name: str | None,
    ) -> api.ListTasksReply:
        self.authorize(token_project, project_id)
        now = self.clock.now_ms()
        oldest_first = self.store.in_project(project_id)
        tasks = list(oldest_first if sort_dir == "asc" else reversed(oldest_first))
        if task_state:
            tasks = [t for t in tasks if t.state(now) == task_state]
        if task_name:
            tasks = [t for t in tasks if task_name in t.spec.get("name", "")]
        first = (page - 1) * page_size
        shown = tasks[first : first + page_size]
        return {
            "count": len(shown),
            "page": page,
            "page_size": page_size,
            "tasks": [self._summary(t, now) for t in shown],
        }

    def show(self, token_project: str, project_id: str, task_id: str) -> api.TaskInfo:
        task = self._task(token_project, project_id, task_id)
        return self._details(task, self.clock.now_ms())

    def update(
        self, token_project: str, project_id: str, task_id: str, spec: dict[str, Any]
    ) -> api.ActionReply:
        task = self._task(token_project, project_id, task_id)
        task.spec = {**dict(spec), "service_version": task.spec.get("service_version")}
        task.edited_ms = self.clock.now_ms()
        self.store.changed(task)
        return _done(task_id)

    def delete(self, token_project: str, project_id: str, task_id: str) -> api.ActionReply:
        self._task(token_project, project_id, task_id)
        self.store.remove(task_id)
        return _done(task_id)

    def act(
        self, token_project: str, project_id: str, task_id: str, command: Command
    ) -> api.ActionReply:
        task = self._task(token_project, project_id, task_id)
        now = self.clock.now_ms()
        state = task.state(now)
        timings = self.settings.timings
        if state in ALREADY[command]:
            if self.settings.repeat_action == "error":
                raise self._not_allowed(task_id, state, command)
            return _done(task_id)
        if command == "start" and state in STARTABLE:
            task.plan(now, (0, "STARTING"), (timings.starting, "RUNNING"))
        elif command == "stop" and state in STOPPABLE:
            task.plan(now, (0, "STOPPING"), (timings.stopping, "STOPPED"))
        else:
            raise self._not_allowed(task_id, state, command)
        self.store.changed(task)
        return _done(task_id)

    def force_state(self, task_id: str, state: TaskState) -> admin.TaskSummary:
        """Set a task's state now (the admin API); raises KeyError for an unknown task."""
        task = self.store.get(task_id)
        if task is None:
            raise KeyError(f"no task with id {task_id}")
        now = self.clock.now_ms()
        task.plan(now, (0, state))
        self.store.changed(task)
        return _admin_summary(task, now)

    def task_summaries(self) -> list[admin.TaskSummary]:
        """Every task of every project, newest first, as the dashboard shows it."""
        now = self.clock.now_ms()
        return [_admin_summary(task, now) for task in self.store.all_tasks()]

    # ---- helpers ----------------------------------------------------------------------

    def _task(self, token_project: str, project_id: str, task_id: str) -> ViasTask:
        self.authorize(token_project, project_id)
        task = self.store.get(task_id)
        if task is None or task.project_id != project_id:  # another project's task is unknown
            raise ViasError(NO_TASK, f"task {task_id} not found", "task_id")
        return task

    @staticmethod
    def _not_allowed(task_id: str, state: TaskState, command: str) -> ViasError:
        return ViasError(
            NOT_ALLOWED,
            f"task {task_id} is {state}; {command} is not allowed in this state",
            "command",
        )

    def _summary(self, task: ViasTask, now: int) -> api.TaskSummary:
        return {
            "id": task.id,
            "name": task.spec.get("name", ""),
            "service_id": _service_id(task.service_name),
            "created_at": str(task.created_ms),
            "state": task.state(now),
            "video_source_name": _video_source_name(task.spec),
            "title": task.spec.get("name", ""),
            "type": "0",
            "algorithm_publish_id": _service_id(task.service_name + ":publish"),
        }

    def _details(self, task: ViasTask, now: int) -> api.TaskInfo:
        state = task.state(now)
        details: api.TaskInfo = {
            "id": task.id,
            "name": task.spec.get("name", ""),
            "creator": self.settings.creator,
            "project_id": task.project_id,
            "service_id": _service_id(task.service_name),
            "service_name": task.service_name,
            "state": state,
            "created_at": iso_instant(task.created_ms),
            "updated_at": iso_instant(task.updated_ms(now)),
            "input": task.spec.get("input", {}),
            "output": task.spec.get("output", {}),
            "company": COMPANY,
            "video_source_name": _video_source_name(task.spec),
            "type": "0",
        }
        spec = task.spec
        if spec.get("description") is not None:
            details["description"] = spec["description"]
        if spec.get("config") is not None:
            details["config"] = spec["config"]
        if spec.get("schedule") is not None:
            details["schedule"] = spec["schedule"]
        if spec.get("service_version") is not None:
            details["service_version"] = spec["service_version"]
        if state in STATUS_TEXT:
            details["status"] = STATUS_TEXT[state]
        return details


def _admin_summary(task: ViasTask, now: int) -> admin.TaskSummary:
    return {
        "id": task.id,
        "project_id": task.project_id,
        "name": str(task.spec.get("name", "")),
        "state": task.state(now),
    }


def _done(task_id: str) -> api.ActionReply:
    return {"id": task_id, "status_code": 200, "status_msg": "success"}


@lru_cache(maxsize=1024)  # a list names each of its tasks' services twice
def _service_id(service_name: str) -> str:
    return str(uuid.UUID(hashlib.sha256(service_name.encode()).hexdigest()[:32]))


def _video_source_name(spec: dict[str, Any]) -> str:
    data = (spec.get("input") or {}).get("data") or [{}]
    first = data[0] if isinstance(data[0], dict) else {}
    return str(first.get("video_source_id") or first.get("url") or first.get("path") or "")
