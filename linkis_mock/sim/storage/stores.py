"""Where the simulator keeps its state: Linkis jobs and VIAS tasks, with their id counters,
and the record of what changed, for the durable state file to save."""

from __future__ import annotations

import bisect
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from linkis_mock.sim.linkis.jobs import Job
from linkis_mock.sim.vias.tasks import ViasTask


@dataclass(slots=True)
class Changes:
    """What changed in memory since the last save: kept only while `recording` (a state
    file is open), so the in-memory mock records nothing and grows nothing."""

    recording: bool = False
    everything: bool = False
    counters: bool = False
    clock: bool = False
    jobs: set[int] = field(default_factory=set)
    tasks: set[str] = field(default_factory=set)
    sessions: set[str] = field(default_factory=set)

    def job(self, task_id: int) -> None:
        if self.recording:
            self.jobs.add(task_id)

    def task(self, task_id: str) -> None:
        if self.recording:
            self.tasks.add(task_id)

    def session(self, ticket: str) -> None:
        if self.recording:
            self.sessions.add(ticket)

    def counters_moved(self) -> None:
        self.counters = self.counters or self.recording

    def clock_moved(self) -> None:
        self.clock = self.clock or self.recording

    def all_replaced(self) -> None:
        self.everything = self.everything or self.recording

    @property
    def pending(self) -> bool:
        return bool(
            self.everything
            or self.counters
            or self.clock
            or self.jobs
            or self.tasks
            or self.sessions
        )

    def clear(self) -> None:
        self.everything = self.counters = self.clock = False
        self.jobs.clear()
        self.tasks.clear()
        self.sessions.clear()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Loading what another process saved is not a change to save again."""
        was, self.recording = self.recording, False
        try:
            yield
        finally:
            self.recording = was


class JobStore:
    """Job history rows by taskID, and the entrance's in-memory jobs by short execID."""

    def __init__(self, changes: Changes | None = None, history_capacity: int = 100_000) -> None:
        self.changes = changes or Changes()
        self.history_capacity = history_capacity
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
            self.changes.counters_moved()
            return self._last_task_id

    def next_index(self, group: str) -> int:
        """The job's slot in its creator_user_engineType group; never wraps."""
        with self._lock:
            index = self._group_counters.get(group, 0)
            self._group_counters[group] = index + 1
            self.changes.counters_moved()
            return index

    def add(self, job: Job) -> None:
        with self._lock:
            self._by_task_id[job.ident.task_id] = job
            if job.ident.short_exec_id:
                self._by_short_exec_id[job.ident.short_exec_id] = job
                self._groups.setdefault(_group(job), deque()).append(job.ident.short_exec_id)
            self.changes.job(job.ident.task_id)
            while len(self._by_task_id) > self.history_capacity:
                self._forget_locked(next(iter(self._by_task_id)))

    def forget(self, task_id: int) -> None:
        """Drop a job from history and the entrance (another process forgot it)."""
        with self._lock:
            self._forget_locked(task_id)

    def _forget_locked(self, task_id: int) -> None:
        job = self._by_task_id.pop(task_id, None)
        if job is None:
            return
        short = job.ident.short_exec_id
        if short and self._by_short_exec_id.get(short) is job:
            del self._by_short_exec_id[short]
            self._groups[_group(job)].remove(short)
        self.changes.job(task_id)

    def changed(self, job: Job) -> None:
        """A job changed in place (killed, forced): it must be saved again."""
        self.changes.job(job.ident.task_id)

    def put(self, job: Job, held: bool) -> None:
        """Take in a job as another process saved it; `held`: still in the entrance."""
        with self._lock:
            self._by_task_id[job.ident.task_id] = job
            short = job.ident.short_exec_id
            if not short:
                return
            members = self._groups.setdefault(_group(job), deque())
            was_held = self._by_short_exec_id.pop(short, None) is not None
            if held:
                self._by_short_exec_id[short] = job
                if not was_held:
                    bisect.insort(members, short, key=_index)
            elif was_held:
                members.remove(short)

    def is_held(self, job: Job) -> bool:
        """True while the entrance holds the job (it was not made way for)."""
        return self._by_short_exec_id.get(job.ident.short_exec_id) is job

    def set_counters(self, last_task_id: int, groups: dict[str, int]) -> None:
        with self._lock:
            self._last_task_id = last_task_id
            self._group_counters = dict(groups)

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
                self.changes.job(self._by_short_exec_id.pop(oldest).ident.task_id)
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

    def load(
        self,
        jobs: list[Job],
        last_task_id: int,
        groups: dict[str, int],
        let_go: frozenset[int] = frozenset(),
    ) -> None:
        """Replace everything (restoring a snapshot); `let_go`: taskIDs of jobs the
        entrance made way for, which only job history still knows."""
        with self._lock:
            # Oldest first: history forgets from the front.
            oldest_first = sorted(jobs, key=lambda job: job.ident.task_id)
            self._by_task_id = {job.ident.task_id: job for job in oldest_first}
            self._by_short_exec_id = {
                job.ident.short_exec_id: job
                for job in jobs
                if job.ident.short_exec_id and job.ident.task_id not in let_go
            }
            self._group_counters = dict(groups)
            self._last_task_id = last_task_id
            self._groups = {}
            for job in sorted(self._by_short_exec_id.values(), key=lambda j: j.ident.task_id):
                self._groups.setdefault(_group(job), deque()).append(job.ident.short_exec_id)
            self.changes.all_replaced()

    def clear(self) -> None:
        with self._lock:
            self.changes.all_replaced()
            self._by_task_id.clear()
            self._by_short_exec_id.clear()
            self._group_counters.clear()
            self._groups.clear()
            self._last_task_id = 0


def _group(job: Job) -> str:
    return f"{job.creator}_{job.execute_user}_{job.engine_type}"


def _index(short_exec_id: str) -> int:
    return int(short_exec_id.rsplit("_", 1)[1])


class TaskStore:
    """VIAS tasks by id, each in its project."""

    def __init__(self, changes: Changes | None = None) -> None:
        self.changes = changes or Changes()
        self._tasks: dict[str, ViasTask] = {}
        self._created = 0

    @property
    def created(self) -> int:
        return self._created

    def load(self, tasks: list[ViasTask], created: int) -> None:
        """Replace everything (restoring a snapshot)."""
        self._tasks = {task.id: task for task in tasks}
        self._created = max([created, *(task.sequence for task in tasks)])
        self.changes.all_replaced()

    def next_number(self) -> int:
        self._created += 1
        self.changes.counters_moved()
        return self._created

    def set_created(self, created: int) -> None:
        self._created = created

    def add(self, task: ViasTask) -> None:
        self._tasks[task.id] = task
        self.changes.task(task.id)

    def changed(self, task: ViasTask) -> None:
        """A task changed in place (edited, started, stopped): it must be saved again."""
        self.changes.task(task.id)

    def put(self, task_id: str, task: ViasTask | None) -> None:
        """Take in a task as another process saved it (None: it was deleted)."""
        if task is None:
            self._tasks.pop(task_id, None)
        else:
            self._tasks[task_id] = task

    def get(self, task_id: str) -> ViasTask | None:
        return self._tasks.get(task_id)

    def remove(self, task_id: str) -> None:
        self._tasks.pop(task_id, None)
        self.changes.task(task_id)

    def all_tasks(self) -> list[ViasTask]:
        """Every task of every project, newest first."""
        return sorted(self._tasks.values(), key=lambda task: -task.sequence)

    def in_project(self, project_id: str) -> list[ViasTask]:
        return [t for t in self._tasks.values() if t.project_id == project_id]

    def clear(self) -> None:
        self._tasks.clear()
        self._created = 0
        self.changes.all_replaced()
