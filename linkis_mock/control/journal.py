"""The request journal: what the Linkis and VIAS APIs were asked, and what they answered.

A bounded ring buffer (the oldest entries drop out); linkis_mock.middleware.journal
fills it.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import NamedTuple

from linkis_mock.api_types import admin as api

DEFAULT_CAPACITY = 1000


class Entry(NamedTuple):
    """One request and its answer. A NamedTuple, immutable as a frozen dataclass would be,
    because one is made for every request and a frozen dataclass takes four times as long
    to make."""

    time_ms: int
    method: str
    path: str
    operation_id: str | None
    user: str | None
    status: int
    duration_ms: float

    def as_dict(self) -> api.JournalEntry:
        return {
            "time": self.time_ms,
            "method": self.method,
            "path": self.path,
            "operationId": self.operation_id,
            "user": self.user,
            "status": self.status,
            "durationMs": round(self.duration_ms, 3),
        }


class Journal:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._entries: deque[Entry] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def add(self, entry: Entry) -> None:
        with self._lock:
            self._entries.append(entry)

    def query(
        self,
        *,
        operation_id: str | None = None,
        user: str | None = None,
        status: int | None = None,
        since_ms: int | None = None,
        until_ms: int | None = None,
    ) -> list[Entry]:
        with self._lock:
            entries = list(self._entries)
        return [
            e
            for e in entries
            if (operation_id is None or e.operation_id == operation_id)
            and (user is None or e.user == user)
            and (status is None or e.status == status)
            and (since_ms is None or e.time_ms >= since_ms)
            and (until_ms is None or e.time_ms <= until_ms)
        ]

    def clear(self) -> int:
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
            return count
