"""What `serve --reload` took in and refused: the record the admin API and the dashboard
read. One record lives as long as the process; each app a reload builds shares it."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from linkis_mock.api_types import admin as api

KEPT = 50  # the reloads listed, newest first

Outcome = Literal["applied", "refused"]


@dataclass(frozen=True, slots=True)
class Reload:
    time: datetime
    files: tuple[str, ...]
    outcome: Outcome
    problem: str | None

    def as_dict(self) -> api.Reload:
        stamp = self.time.astimezone(UTC).isoformat(timespec="milliseconds")
        return {
            "time": stamp.replace("+00:00", "Z"),
            "files": list(self.files),
            "outcome": self.outcome,
            "problem": self.problem,
        }


@dataclass
class ReloadLog:
    """`watching` is empty unless the server reloads."""

    watching: tuple[str, ...] = ()
    applied: int = 0
    refused: int = 0
    _reloads: deque[Reload] = field(default_factory=lambda: deque(maxlen=KEPT))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def enabled(self) -> bool:
        return bool(self.watching)

    def add(self, files: tuple[str, ...], problem: str | None) -> Reload:
        outcome: Outcome = "applied" if problem is None else "refused"
        reload = Reload(datetime.now(UTC), files, outcome, problem)
        with self._lock:
            self._reloads.appendleft(reload)
            if problem is None:
                self.applied += 1
            else:
                self.refused += 1
        return reload

    def report(self) -> api.ReloadReport:
        with self._lock:
            reloads = [reload.as_dict() for reload in self._reloads]
            return {
                "enabled": self.enabled,
                "watching": list(self.watching),
                "applied": self.applied,
                "refused": self.refused,
                "reloads": reloads,
            }
