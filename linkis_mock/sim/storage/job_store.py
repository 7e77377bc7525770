"""Where the simulator keeps Linkis jobs: job history by taskID, the entrance's jobs by
short execID in their creator_user_engineType groups, and the id counters."""

from __future__ import annotations

import bisect
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterator, Sequence

from linkis_mock.sim.linkis.jobs import Job, PlannedTimelines, SharedIntakes, SharedRecords
from linkis_mock.sim.storage.changes import Changes


class UnbuiltJob(ABC):
    """A job the store holds before its objects are made: a restart reads every job's
    row, checks it, and makes the job when something first asks for it (most of a
    restart's time was making jobs nobody asked for yet). It knows what the store's
    indexes need."""

    __slots__ = ("_made", "group", "short_exec_id", "task_id")

    def __init__(self, task_id: int, short_exec_id: str, group: str) -> None:
        self.task_id = task_id
        self.short_exec_id = short_exec_id
        self.group = group
        self._made: Job | None = None

    def made(self) -> Job:
        """The job, made once (the store's lock held)."""
        if self._made is None:
            self._made = self._make()
        return self._made

    @abstractmethod
    def _make(self) -> Job: ...


Held = Job | UnbuiltJob


def _ids(held: Held) -> tuple[int, str, str]:
    """(taskID, short execID, group) of a job, made or not."""
    if type(held) is Job:
        return held.ident.task_id, held.ident.short_exec_id, held.group
    assert isinstance(held, UnbuiltJob)
    return held.task_id, held.short_exec_id, held.group


class JobStore:
    """Job history rows by taskID, and the entrance's in-memory jobs by short execID."""

    def __init__(self, changes: Changes | None = None, history_capacity: int = 100_000) -> None:
        self.changes = changes or Changes()
        self.history_capacity = history_capacity
        # This store's jobs keep their planned timelines here, and share equal records.
        self.planned = PlannedTimelines()
        self.records = SharedRecords()
        self.intakes = SharedIntakes()
        # Reentrant: making a job (_made) happens under it, from methods that hold it.
        self._lock = threading.RLock()
        self._by_task_id: dict[int, Held] = {}
        self._by_short_exec_id: dict[str, Held] = {}
        self._group_counters: dict[str, int] = {}
        self._last_task_id = 0
        # The entrance's jobs per creator_user_engineType group, oldest first.
        self._groups: dict[str, deque[str]] = {}
        # Where taskIDs come from when replicas share a database (its sequence), so that
        # no two replicas take the same one; None: counted here.
        self.shared_ids: Callable[[], int] | None = None

    def next_task_id(self) -> int:
        with self._lock:
            task_id = self._last_task_id + 1 if self.shared_ids is None else self.shared_ids()
            self._last_task_id = max(self._last_task_id, task_id)
            self.changes.counters_moved()
            return task_id

    def next_index(self, group: str, task_id: int) -> int:
        """The job's slot in its creator_user_engineType group; never wraps. With shared
        ids it is the taskID: replicas then never give two jobs of a group one short
        execID, without asking each other."""
        with self._lock:
            index = self._group_counters.get(group, 0) if self.shared_ids is None else task_id
            self._group_counters[group] = max(self._group_counters.get(group, 0), index + 1)
            self.changes.counters_moved()
            return index

    def add(self, job: Job) -> None:
        with self._lock:
            self._by_task_id[job.ident.task_id] = job
            if job.ident.short_exec_id:
                self._by_short_exec_id[job.ident.short_exec_id] = job
                self._groups.setdefault(job.group, deque()).append(job.ident.short_exec_id)
            self.changes.job(job.ident.task_id)
            while len(self._by_task_id) > self.history_capacity:
                self._forget_locked(next(iter(self._by_task_id)))

    def forget(self, task_id: int) -> None:
        """Drop a job from history and the entrance (another process forgot it)."""
        with self._lock:
            self._forget_locked(task_id)

    def _forget_locked(self, task_id: int) -> None:
        held = self._by_task_id.pop(task_id, None)
        if held is None:
            return
        _, short, group = _ids(held)
        if short and self._by_short_exec_id.get(short) is held:
            del self._by_short_exec_id[short]
            self._groups[group].remove(short)
        self.changes.job(task_id)

    def _made(self, held: Held) -> Job:
        """A job as the store holds it, made now if it was not yet (and held made from
        now on, so that every caller gets the one object)."""
        if type(held) is Job:
            return held
        assert isinstance(held, UnbuiltJob)
        with self._lock:
            job = held.made()
            if self._by_task_id.get(held.task_id) is held:
                self._by_task_id[held.task_id] = job
            if held.short_exec_id and self._by_short_exec_id.get(held.short_exec_id) is held:
                self._by_short_exec_id[held.short_exec_id] = job
            return job

    def changed(self, job: Job) -> None:
        """A job changed in place (killed, forced): it must be saved again."""
        self.changes.job(job.ident.task_id)

    def put(self, job: Job, held: bool) -> None:
        """Take in a job as another process saved it; `held`: still in the entrance. The
        counters move past it, as they would have had this process made it."""
        with self._lock:
            self._by_task_id[job.ident.task_id] = job
            short, group = job.ident.short_exec_id, job.group
            self._count_past(job.ident.task_id, short, group)
            if not short:
                return
            members = self._groups.setdefault(group, deque())
            was_held = self._by_short_exec_id.pop(short, None) is not None
            if held:
                self._by_short_exec_id[short] = job
                if not was_held:
                    bisect.insort(members, short, key=_index)
            elif was_held:
                members.remove(short)

    def _count_past(self, task_id: int, short_exec_id: str, group: str) -> None:
        """The counters past a job, as they would be had this process made it (lock held)."""
        self._last_task_id = max(self._last_task_id, task_id)
        if short_exec_id:
            past = _index(short_exec_id) + 1
            if self._group_counters.get(group, 0) < past:
                self._group_counters[group] = past

    def is_held(self, job: Job) -> bool:
        """True while the entrance holds the job (it was not made way for)."""
        held = self._by_short_exec_id.get(job.ident.short_exec_id)
        return held is job or (isinstance(held, UnbuiltJob) and held.made() is job)

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
                oldest = next(
                    (s for s in members if finished(self._made(self._by_short_exec_id[s]))),
                    None,
                )
                if oldest is None:
                    return False
                members.remove(oldest)
                self.changes.job_let_go(_ids(self._by_short_exec_id.pop(oldest))[0])
            return True

    def by_task_id(self, task_id: int) -> Job | None:
        held = self._by_task_id.get(task_id)
        return held if held is None or type(held) is Job else self._made(held)

    def by_short_exec_id(self, short_exec_id: str) -> Job | None:
        held = self._by_short_exec_id.get(short_exec_id)
        return held if held is None or type(held) is Job else self._made(held)

    def newest_first(self) -> list[Job]:
        """Every job, newest (highest taskID) first, as job history lists them."""
        with self._lock:
            return [self._made(held) for held in reversed(self._by_task_id.values())]

    def all_jobs(self) -> list[Job]:
        """Every job, history-only rows included, newest first."""
        with self._lock:
            jobs = [self._made(held) for held in self._by_task_id.values()]
        return sorted(jobs, key=lambda job: -job.ident.task_id)

    def entrance_jobs(self) -> Iterator[Job]:
        """Jobs the entrance holds in memory (history-only rows are left out)."""
        with self._lock:
            return iter([self._made(held) for held in self._by_short_exec_id.values()])

    def counters(self) -> tuple[int, dict[str, int]]:
        with self._lock:
            return self._last_task_id, dict(self._group_counters)

    def load(
        self,
        jobs: Sequence[Held],
        last_task_id: int,
        groups: dict[str, int],
        let_go: frozenset[int] = frozenset(),
    ) -> None:
        """Replace everything (restoring a snapshot, a restart); `let_go`: taskIDs of jobs
        the entrance made way for, which only job history still knows."""
        with self._lock:
            # Oldest first: history forgets from the front.
            given = [(*_ids(held), held) for held in jobs]
            known = sorted(given, key=lambda ids: ids[0])
            self._by_task_id = {task_id: held for task_id, _, _, held in known}
            self._by_short_exec_id = {
                short: held for task_id, short, _, held in given if short and task_id not in let_go
            }
            # Counters at least past every job loaded (a database that hands out ids
            # keeps no counters row up to date: they follow the rows).
            self._group_counters = dict(groups)
            self._last_task_id = last_task_id
            self._groups = {}
            for task_id, short, group, held in known:
                self._count_past(task_id, short, group)
                if short and self._by_short_exec_id.get(short) is held:
                    self._groups.setdefault(group, deque()).append(short)
            self.changes.all_replaced()

    def clear(self) -> None:
        with self._lock:
            self.changes.all_replaced()
            self._by_task_id.clear()
            self._by_short_exec_id.clear()
            self._group_counters.clear()
            self._groups.clear()
            self._last_task_id = 0


def _index(short_exec_id: str) -> int:
    return int(short_exec_id.rsplit("_", 1)[1])
