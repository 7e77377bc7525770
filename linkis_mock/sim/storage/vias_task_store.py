"""Where the simulator keeps VIAS tasks, each in its project, and how many were made."""

from __future__ import annotations

from linkis_mock.sim.storage.changes import Changes
from linkis_mock.sim.vias.tasks import ViasTask


class ViasTaskStore:
    """VIAS tasks by id, each in its project."""

    def __init__(self, changes: Changes | None = None) -> None:
        self.changes = changes or Changes()
        self._tasks: dict[str, ViasTask] = {}
        self._created = 0
        # Each project's tasks oldest first, until the set of tasks changes: a console
        # lists them every few seconds, and a task's creation never moves.
        self._oldest_first: dict[str, tuple[ViasTask, ...]] = {}

    @property
    def created(self) -> int:
        return self._created

    def load(self, tasks: list[ViasTask], created: int) -> None:
        """Replace everything (restoring a snapshot)."""
        self._tasks = {task.id: task for task in tasks}
        self._oldest_first.clear()
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
        self._oldest_first.clear()

    def changed(self, task: ViasTask) -> None:
        """A task changed in place (edited, started, stopped): it must be saved again."""
        self.changes.task(task.id)

    def put(self, task_id: str, task: ViasTask | None) -> None:
        """Take in a task as another process saved it (None: it was deleted); the count
        moves past it, as it would have had this process made it."""
        self._oldest_first.clear()
        if task is None:
            self._tasks.pop(task_id, None)
        else:
            self._tasks[task_id] = task
            self._created = max(self._created, task.sequence)

    def get(self, task_id: str) -> ViasTask | None:
        return self._tasks.get(task_id)

    def remove(self, task_id: str) -> None:
        self._tasks.pop(task_id, None)
        self._oldest_first.clear()
        self.changes.task(task_id)

    def all_tasks(self) -> list[ViasTask]:
        """Every task of every project, newest first."""
        return sorted(self._tasks.values(), key=lambda task: -task.sequence)

    def in_project(self, project_id: str) -> tuple[ViasTask, ...]:
        """The project's tasks, oldest first (by creation time, then creation order)."""
        found = self._oldest_first.get(project_id)
        if found is None:
            mine = [t for t in self._tasks.values() if t.project_id == project_id]
            found = tuple(sorted(mine, key=lambda t: (t.created_ms, t.sequence)))
            self._oldest_first[project_id] = found
        return found

    def clear(self) -> None:
        self._tasks.clear()
        self._oldest_first.clear()
        self._created = 0
        self.changes.all_replaced()
