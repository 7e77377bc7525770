"""The one simulated clock every job and task runs on.

Simulated time is derived, never ticked: it is the simulated instant of the
last change (anchor) plus the real time elapsed since, scaled by `speed`.
Freezing, speeding up and advancing only move the anchor, so reads are cheap
and the clock needs no background task.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

MIN_SPEED, MAX_SPEED = 0.001, 10_000.0
# The last instant a date can name (9999-12-31T23:59:59.999Z): replies spell instants as
# dates, so the clock never goes past it, nor before the epoch.
LAST_INSTANT_MS = 253_402_300_799_999


def checked_instant(at_ms: int) -> int:
    """`at_ms`, if the clock can stand there (ValueError otherwise)."""
    if not 0 <= at_ms <= LAST_INSTANT_MS:
        raise ValueError(f"the clock runs from 0 to {LAST_INSTANT_MS} epoch ms (year 9999)")
    return at_ms


@functools.lru_cache(maxsize=4096)
def iso_instant(at_ms: int) -> str:
    """An instant as ISO 8601 in UTC with milliseconds (`...T10:05:33.000Z`); instants
    outside the dates' range (planned past the clock's end) show as its nearest end.

    Kept for the instants asked again: a VIAS task's times are written on every read of it
    (a list of 100 tasks, 200 of them), and they rarely change. From `time.gmtime`, not a
    datetime: a third of the cost."""
    seconds, ms = divmod(min(max(at_ms, 0), LAST_INSTANT_MS), 1000)
    moment = time.gmtime(seconds)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (  # noqa: UP031  # the fastest here
        moment.tm_year,
        moment.tm_mon,
        moment.tm_mday,
        moment.tm_hour,
        moment.tm_min,
        moment.tm_sec,
        ms,
    )


@dataclass(frozen=True, slots=True)
class ClockReading:
    now_ms: int
    frozen: bool
    speed: float


class Clock:
    def __init__(
        self,
        start_ms: int | None = None,
        *,
        speed: float = 1.0,
        frozen: bool = False,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        # Called after every change of the clock (the state file saves it).
        self.on_change: Callable[[], None] = _nothing
        self._monotonic = monotonic
        self._wall = wall
        self._lock = threading.Lock()
        self._anchor_sim_ms = float(
            checked_instant(start_ms) if start_ms is not None else int(wall() * 1000)
        )
        self._anchor_real = monotonic()
        self._speed = checked_speed(speed)
        self._frozen = frozen

    def now_ms(self) -> int:
        """Simulated epoch milliseconds."""
        with self._lock:
            return int(self._sim_ms_locked())

    def wall_ms(self) -> int:
        """Real epoch milliseconds, for things that must not follow the simulation (sessions)."""
        return int(self._wall() * 1000)

    def reading(self) -> ClockReading:
        with self._lock:
            return ClockReading(int(self._sim_ms_locked()), self._frozen, self._speed)

    def configure(self, *, frozen: bool | None = None, speed: float | None = None) -> ClockReading:
        with self._lock:
            self._reanchor_locked()
            if frozen is not None:
                self._frozen = frozen
            if speed is not None:
                self._speed = checked_speed(speed)
            state = ClockReading(int(self._anchor_sim_ms), self._frozen, self._speed)
        self.on_change()
        return state

    def advance(self, seconds: float) -> ClockReading:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._reanchor_locked()
            checked_instant(int(self._anchor_sim_ms + seconds * 1000.0))
            self._anchor_sim_ms += seconds * 1000.0
            state = ClockReading(int(self._anchor_sim_ms), self._frozen, self._speed)
        self.on_change()
        return state

    def restart(self, start_ms: int | None = None) -> ClockReading:
        """Back to real time, running at speed 1 (used by a full reset)."""
        with self._lock:
            self._anchor_sim_ms = float(
                checked_instant(start_ms) if start_ms is not None else int(self._wall() * 1000)
            )
            self._anchor_real = self._monotonic()
            self._speed = 1.0
            self._frozen = False
            state = ClockReading(int(self._anchor_sim_ms), self._frozen, self._speed)
        self.on_change()
        return state

    def _sim_ms_locked(self) -> float:
        if self._frozen:
            return self._anchor_sim_ms
        elapsed = self._monotonic() - self._anchor_real
        return min(self._anchor_sim_ms + elapsed * 1000.0 * self._speed, LAST_INSTANT_MS)

    def _reanchor_locked(self) -> None:
        self._anchor_sim_ms = self._sim_ms_locked()
        self._anchor_real = self._monotonic()


def _nothing() -> None:
    pass


def checked_speed(speed: float) -> float:
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise ValueError(f"speed must be in [{MIN_SPEED:g}, {MAX_SPEED:g}]")
    return float(speed)
