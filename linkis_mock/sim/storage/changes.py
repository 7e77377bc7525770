"""The record of what changed in memory since the last save, for a storage backend."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(slots=True)
class Changes:
    """What changed in memory since the last save: kept only while `recording` (a state
    file is open), so the in-memory mock records nothing and grows nothing."""

    recording: bool = False
    everything: bool = False
    counters: bool = False
    clock: bool = False
    variables: bool = False
    jobs: set[int] = field(default_factory=set)
    # Jobs the entrance made way for: only their `held` flag changed, which replicas that
    # let go of the same job at once agree on (a database saves it without a check).
    let_go: set[int] = field(default_factory=set)
    tasks: set[str] = field(default_factory=set)
    sessions: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)

    def job(self, task_id: int) -> None:
        if self.recording:
            self.jobs.add(task_id)

    def job_let_go(self, task_id: int) -> None:
        if self.recording:
            self.let_go.add(task_id)

    def task(self, task_id: str) -> None:
        if self.recording:
            self.tasks.add(task_id)

    def session(self, ticket: str) -> None:
        if self.recording:
            self.sessions.add(ticket)

    def document(self, name: str) -> None:
        if self.recording:
            self.documents.add(name)

    def variables_changed(self) -> None:
        self.variables = self.variables or self.recording

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
            or self.variables
            or self.jobs
            or self.let_go
            or self.tasks
            or self.sessions
            or self.documents
        )

    def clear(self) -> None:
        self.everything = self.counters = self.clock = self.variables = False
        self.jobs.clear()
        self.let_go.clear()
        self.tasks.clear()
        self.sessions.clear()
        self.documents.clear()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Loading what another process saved is not a change to save again."""
        was, self.recording = self.recording, False
        try:
            yield
        finally:
            self.recording = was
