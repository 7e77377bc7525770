"""A VIAS task and its state machine: an action plans the transient state now and the
settled one a little later, and reading a task is a lookup at the current instant."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from linkis_mock.api_types import vias_task as api

TaskState = api.TaskState  # the spec's Literal: a misspelt state is a type error


@dataclass(slots=True)
class ViasTask:
    """A VIAS task; its states are a timeline on the simulated clock."""

    id: str
    project_id: str
    service_name: str
    spec: dict[str, Any]
    created_ms: int
    edited_ms: int
    sequence: int  # creation order, for tasks created within one millisecond
    times: list[int] = field(default_factory=list)
    states: list[TaskState] = field(default_factory=list)

    def state(self, now_ms: int) -> TaskState:
        return self.states[max(bisect.bisect_right(self.times, now_ms) - 1, 0)]

    def updated_ms(self, now_ms: int) -> int:
        moved = self.times[max(bisect.bisect_right(self.times, now_ms) - 1, 0)]
        return max(moved, self.edited_ms)

    def plan(self, now_ms: int, *steps: tuple[float, TaskState]) -> None:
        """Forget what was planned after now, then move through `steps` (delay, state)."""
        keep = bisect.bisect_right(self.times, now_ms)
        del self.times[keep:], self.states[keep:]
        at = now_ms
        for delay_s, state in steps:
            at += round(delay_s * 1000)
            self.times.append(at)
            self.states.append(state)
