"""Everything the simulator keeps, in one place: what snapshots and storage backends read
and write. The domain (linkis/, vias/) works through the parts; only storage/ sees the
whole, with the record of what changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from linkis_mock.sim.clock import Clock
from linkis_mock.sim.storage.changes import Changes
from linkis_mock.sim.storage.documents import SharedDocuments
from linkis_mock.sim.storage.job_store import JobStore
from linkis_mock.sim.storage.session_store import SessionStore
from linkis_mock.sim.storage.variable_store import Seeds, VariableStore
from linkis_mock.sim.storage.vias_task_store import ViasTaskStore


@dataclass
class Stores:
    clock: Clock
    history_capacity: int = 100_000
    variable_seeds: Seeds = field(default_factory=dict)
    changes: Changes = field(default_factory=Changes)
    jobs: JobStore = field(init=False)
    vias_tasks: ViasTaskStore = field(init=False)
    sessions: SessionStore = field(init=False)
    variables: VariableStore = field(init=False)
    documents: SharedDocuments = field(init=False)

    def __post_init__(self) -> None:
        self.jobs = JobStore(self.changes, self.history_capacity)
        self.vias_tasks = ViasTaskStore(self.changes)
        self.sessions = SessionStore(self.changes)
        self.variables = VariableStore(self.changes, self.variable_seeds)
        self.documents = SharedDocuments(self.changes)
        self.clock.on_change = self.changes.clock_moved

    def clear(self) -> None:
        """Forget all jobs, tasks and sessions, and put the global variables back to their
        seeds (the clock is the simulator's to restart)."""
        self.jobs.clear()
        self.vias_tasks.clear()
        self.sessions.clear()
        self.variables.clear()
