"""Clock: frozen, advanced, scaled and restarted simulated time (no sleeping)."""

from __future__ import annotations

import pytest

from linkis_mock.sim.clock import LAST_INSTANT_MS, MAX_SPEED, Clock, ClockReading, iso_instant
from tests.helpers.sim import ALICE, START_MS, make_sim, submit


class FakeTime:
    """A controllable stand-in for time.monotonic / time.time."""

    def __init__(self, value: float) -> None:
        self.value = value

    def __call__(self) -> float:
        return self.value


def test_frozen_clock_ignores_real_time() -> None:
    mono = FakeTime(100.0)
    clock = Clock(START_MS, frozen=True, monotonic=mono)
    mono.value += 3600
    assert clock.now_ms() == START_MS
    assert clock.reading() == ClockReading(START_MS, True, 1.0)


def test_advance_moves_exactly_and_returns_the_new_state() -> None:
    clock = Clock(START_MS, frozen=True, monotonic=FakeTime(0.0))
    assert clock.advance(1.5) == ClockReading(START_MS + 1500, True, 1.0)
    assert clock.now_ms() == START_MS + 1500
    clock.advance(0)
    assert clock.now_ms() == START_MS + 1500
    clock.advance(0.001)
    assert clock.now_ms() == START_MS + 1501


def test_unfrozen_clock_follows_monotonic_at_speed_one() -> None:
    mono = FakeTime(50.0)
    clock = Clock(START_MS, monotonic=mono)
    assert clock.now_ms() == START_MS
    mono.value += 2.25
    assert clock.now_ms() == START_MS + 2250


def test_speed_scales_elapsed_real_time() -> None:
    mono = FakeTime(0.0)
    clock = Clock(START_MS, speed=10, monotonic=mono)
    mono.value = 0.5
    assert clock.now_ms() == START_MS + 5000


def test_changing_speed_keeps_the_time_already_elapsed() -> None:
    mono = FakeTime(0.0)
    clock = Clock(START_MS, monotonic=mono)
    mono.value = 1.0
    state = clock.configure(speed=4)
    assert state == ClockReading(START_MS + 1000, False, 4.0)
    mono.value = 2.0
    assert clock.now_ms() == START_MS + 1000 + 4000


def test_freeze_then_unfreeze_resumes_from_the_frozen_instant() -> None:
    mono = FakeTime(0.0)
    clock = Clock(START_MS, monotonic=mono)
    mono.value = 1.0
    clock.configure(frozen=True)
    mono.value = 100.0
    assert clock.now_ms() == START_MS + 1000
    clock.configure(frozen=False)
    assert clock.now_ms() == START_MS + 1000
    mono.value = 101.0
    assert clock.now_ms() == START_MS + 2000


def test_advance_adds_to_a_running_clock() -> None:
    mono = FakeTime(0.0)
    clock = Clock(START_MS, speed=2, monotonic=mono)
    mono.value = 1.0
    clock.advance(10)
    assert clock.now_ms() == START_MS + 2000 + 10_000
    mono.value = 2.0
    assert clock.now_ms() == START_MS + 2000 + 10_000 + 2000


def test_negative_advance_raises_and_changes_nothing() -> None:
    clock = Clock(START_MS, frozen=True)
    with pytest.raises(ValueError):
        clock.advance(-0.001)
    assert clock.now_ms() == START_MS


@pytest.mark.parametrize("speed", [0, -1, MAX_SPEED + 1, float("inf")])
def test_bad_speed_is_rejected(speed: float) -> None:
    with pytest.raises(ValueError):
        Clock(START_MS, speed=speed)
    clock = Clock(START_MS, speed=3, frozen=True)
    with pytest.raises(ValueError):
        clock.configure(speed=speed)
    assert clock.reading().speed == 3.0


def test_max_speed_is_allowed() -> None:
    mono = FakeTime(0.0)
    clock = Clock(START_MS, speed=MAX_SPEED, monotonic=mono)
    mono.value = 0.001
    assert clock.now_ms() == START_MS + 10_000


def test_restart_unfreezes_and_resets_speed() -> None:
    mono = FakeTime(0.0)
    clock = Clock(START_MS, speed=50, frozen=True, monotonic=mono)
    state = clock.restart(START_MS + 7)
    assert state == ClockReading(START_MS + 7, False, 1.0)
    mono.value = 1.0
    assert clock.now_ms() == START_MS + 1007


def test_restart_without_start_goes_back_to_wall_time() -> None:
    wall = FakeTime(1_800_000_000.25)
    clock = Clock(START_MS, frozen=True, monotonic=FakeTime(0.0), wall=wall)
    clock.restart()
    assert clock.now_ms() == 1_800_000_000_250
    assert clock.wall_ms() == 1_800_000_000_250


def test_default_start_is_the_wall_clock() -> None:
    clock = Clock(frozen=True, monotonic=FakeTime(0.0), wall=FakeTime(1_700_000_000.5))
    assert clock.now_ms() == 1_700_000_000_500


def test_wall_ms_does_not_follow_simulated_time() -> None:
    wall = FakeTime(1_000.0)
    clock = Clock(START_MS, frozen=True, wall=wall)
    clock.advance(3600)
    assert clock.wall_ms() == 1_000_000


def test_simulator_reset_forgets_jobs_and_sessions_and_restarts_the_clock() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE)
    ticket = sim.users.login("alice", "alice", None).ticket
    assert ticket is not None
    sim.reset()
    assert sim.stores.jobs.by_task_id(1) is None
    assert sim.users.session_user(ticket) is None
    state = sim.clock.reading()
    assert not state.frozen
    assert state.speed == 1.0
    # Counters start again: the next job gets taskID 1 and index 0 again.
    sim.clock.configure(frozen=True)
    assert submit(sim, ALICE) == (exec_id, 1)


@pytest.mark.parametrize(
    ("at_ms", "text"),
    [
        (0, "1970-01-01T00:00:00.000Z"),
        (1_796_669_748_972, "2026-12-07T18:55:48.972Z"),
        (951_782_400_001, "2000-02-29T00:00:00.001Z"),  # a leap day
        (LAST_INSTANT_MS, "9999-12-31T23:59:59.999Z"),
        # Past the dates' range (a plan beyond the clock's end): its nearest end.
        (-1, "1970-01-01T00:00:00.000Z"),
        (LAST_INSTANT_MS + 1, "9999-12-31T23:59:59.999Z"),
    ],
)
def test_an_instant_is_written_in_utc_with_milliseconds(at_ms: int, text: str) -> None:
    assert iso_instant(at_ms) == text
    assert iso_instant(at_ms) == text  # the kept copy
