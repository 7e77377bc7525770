"""The simulator as one object: everything a reset clears lives here."""

from __future__ import annotations

from linkis_mock.sim.clock import Clock
from linkis_mock.sim.linkis.entrance import Entrance
from linkis_mock.sim.linkis.users import Users
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.storage.stores import Changes, JobStore, TaskStore
from linkis_mock.sim.vias.service import Vias


class Simulator:
    def __init__(self, settings: SimSettings, clock: Clock | None = None) -> None:
        self.settings = settings
        # What changed since the state file (if any) last saved.
        self.changes = Changes()
        self.clock = clock or Clock()
        self.clock.on_change = self.changes.clock_moved
        self.store = JobStore(self.changes, settings.history_jobs)
        self.users = Users(settings, self.clock, self.changes)
        self.entrance = Entrance(settings, self.clock, self.store, self.users)
        self.tasks = TaskStore(self.changes)
        self.vias = Vias(settings.vias, self.clock, self.tasks, settings.seed)

    def reset(self) -> None:
        """Forget all jobs, tasks and sessions and put the clock back on real time."""
        self.store.clear()
        self.tasks.clear()
        self.users.clear()
        self.clock.restart()
