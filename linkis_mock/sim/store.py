"""Where the simulator keeps its state: Linkis jobs and VIAS tasks, with their id counters."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator

from linkis_mock.sim.jobs import Job
from linkis_mock.sim.tasks import Task


class JobStore:
    """Job history rows by taskID, and the entrance's in-memory jobs by short execID."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_task_id: dict[int, Job] = {}
        self._by_short_exec_id: dict[str, Job] = {}
        self._group_counters: dict[str, int] = {}
        self._last_task_id = 0
        # The entrance's jobs per creator_user_engineType group, oldest first.
        self._groups: dict[str, deque[str]] = {}

    def next_task_id(self) -> int:
        with self._lock:
            self._last_task_id += 1
            return self._last_task_id

    def next_index(self, group: str) -> int:
        """The job's slot in its creator_user_engineType group; never wraps."""
        with self._lock:
            index = self._group_counters.get(group, 0)
            self._group_counters[group] = index + 1
            return index

    def add(self, job: Job) -> None:
        with self._lock:
            self._by_task_id[job.ident.task_id] = job
            if job.ident.short_exec_id:
                self._by_short_exec_id[job.ident.short_exec_id] = job
                self._groups.setdefault(_group(job), deque()).append(job.ident.short_exec_id)

    def make_room(self, group: str, capacity: int, finished: Callable[[Job], bool]) -> bool:
        """Like the entrance's per-group queue: forget the oldest finished job of a full group.

        The job stays in job history. False when every slot holds a live job.
        """
        with self._lock:
            members = self._groups.setdefault(group, deque())
            while len(members) >= capacity:
                oldest = next((s for s in members if finished(self._by_short_exec_id[s])), None)
                if oldest is None:
                    return False
                members.remove(oldest)
                del self._by_short_exec_id[oldest]
            return True

    def by_task_id(self, task_id: int) -> Job | None:
        return self._by_task_id.get(task_id)

    def by_short_exec_id(self, short_exec_id: str) -> Job | None:
        return self._by_short_exec_id.get(short_exec_id)

    def all_jobs(self) -> list[Job]:
        """Every job, history-only rows included, newest first."""
        return sorted(self._by_task_id.values(), key=lambda job: -job.ident.task_id)

    def entrance_jobs(self) -> Iterator[Job]:
        """Jobs the entrance holds in memory (history-only rows are left out)."""
        return iter(list(self._by_short_exec_id.values()))

    def counters(self) -> tuple[int, dict[str, int]]:
        with self._lock:
            return self._last_task_id, dict(self._group_counters)

    def load(self, jobs: list[Job], last_task_id: int, groups: dict[str, int]) -> None:
        """Replace everything (restoring a snapshot)."""
        with self._lock:
            self._by_task_id = {job.ident.task_id: job for job in jobs}
            self._by_short_exec_id = {
                job.ident.short_exec_id: job for job in jobs if job.ident.short_exec_id
            }
            self._group_counters = dict(groups)
            self._last_task_id = last_task_id
            self._groups = {}
            for job in sorted(self._by_short_exec_id.values(), key=lambda j: j.ident.task_id):
                self._groups.setdefault(_group(job), deque()).append(job.ident.short_exec_id)

    def clear(self) -> None:
        with self._lock:
            self._by_task_id.clear()
            self._by_short_exec_id.clear()
            self._group_counters.clear()
            self._groups.clear()
            self._last_task_id = 0


def _group(job: Job) -> str:
    return f"{job.creator}_{job.execute_user}_{job.engine_type}"


class TaskStore:
    """VIAS tasks by id, each in its project."""

    def __init__(self) -> None:
        self._tasks: dict[str, Task] = {}
        self._created = 0

    @property
    def created(self) -> int:
        return self._created

    def load(self, tasks: list[Task], created: int) -> None:
        """Replace everything (restoring a snapshot)."""
        self._tasks = {task.id: task for task in tasks}
        self._created = max([created, *(task.sequence for task in tasks)])

    def next_number(self) -> int:
        self._created += 1
        return self._created

    def add(self, task: Task) -> None:
        self._tasks[task.id] = task

    def get(self, task_id: str) -> Task | None:
        return self._tasks.get(task_id)

    def remove(self, task_id: str) -> None:
        self._tasks.pop(task_id, None)

    def all_tasks(self) -> list[Task]:
        """Every task of every project, newest first."""
        return sorted(self._tasks.values(), key=lambda task: -task.sequence)

    def in_project(self, project_id: str) -> list[Task]:
        return [t for t in self._tasks.values() if t.project_id == project_id]

    def clear(self) -> None:
        self._tasks.clear()
        self._created = 0
