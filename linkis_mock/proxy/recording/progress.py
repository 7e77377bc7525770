"""Building a job's progress: attempts that replay the values seen, and stage totals."""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

from linkis_mock.proxy.recording import caps
from linkis_mock.proxy.recording.records import JobRecord, Point, StageInfo
from linkis_mock.proxy.recording.replies import PROGRESS_TOLERANCE, rel
from linkis_mock.sim.linkis.jobs import Attempt, Job, JobState, Timeline

HALF_STEP = Fraction(49_999, 1_000_000_000)  # just under half of the 4th decimal
NO_FLOOR_ROOM = 10_000_000  # ms an attempt may start before a job's first look


# ---- progress ----------------------------------------------------------------------------


def attempts(record: JobRecord, timeline: Timeline, notes: list[str]) -> list[Attempt]:
    """One stopped attempt per progress value seen while running (the entrance's values
    when there are any; job history's 2 decimals otherwise)."""
    precise = [point for point in record.points if point.precise]
    return [
        _attempt(point, notes)
        for point in sorted(precise or record.points, key=lambda p: p.at)
        if timeline.state_at(point.at) is JobState.RUNNING
    ]


def _attempt(point: Point, notes: list[str]) -> Attempt:
    """An attempt whose fraction is the point's value from `point.at` on, begun after
    the previous look at the job (an earlier poll must not see it)."""
    target = round(point.value, 4)
    if target > 0.99:
        notes.append(f"progress {point.value} while Running replays as 0.99 (the mock's most)")
        target = 0.99
    room = NO_FLOOR_ROOM if point.floor is None else point.at - point.floor - 1
    numerator, denominator = _fraction(target, room)
    begin = point.at - numerator
    return Attempt(begin, begin + denominator, stopped_ms=point.at)


def _fraction(target: float, room: int) -> tuple[int, int]:
    """(a, b) with a/b rounding to `target` at 4 decimals and a at most `room`: the
    simplest such (so the attempt starts as late as it can), else the nearest a = room."""
    if target <= 0 or room <= 0:
        return 0, 1
    exact = Fraction(target)
    simplest = _simplest_between(exact - HALF_STEP, exact + HALF_STEP)
    if simplest.numerator <= room:
        return simplest.numerator, simplest.denominator
    return room, max(round(room / target), room)


def _simplest_between(low: Fraction, high: Fraction) -> Fraction:
    """The fraction of smallest denominator (and numerator) in [low, high], 0 < low."""
    whole = math.floor(low)
    if whole == low:
        return Fraction(whole)
    if whole + 1 <= high:
        return Fraction(whole + 1)
    return whole + 1 / _simplest_between(1 / (high - whole), 1 / (low - whole))


def check_progress(record: JobRecord, job: Job, notes: list[str], start: int) -> None:
    wrong = [
        (point, at, job.progress(at))
        for point in record.points
        for at in sorted({point.at, point.last})
        if not _progress_matches(point, job.progress(at))
    ]
    if wrong:
        point, at, replayed = wrong[0]
        notes.append(
            f"{len(wrong)} progress value(s) replay otherwise, e.g. {point.value} at "
            f"{rel(at, start)} replays as {replayed}"
        )


def _progress_matches(point: Point, replayed: float) -> bool:
    if point.precise:
        return abs(replayed - point.value) <= PROGRESS_TOLERANCE
    return abs(round(replayed, 2) - point.value) <= PROGRESS_TOLERANCE


def solve_stages(record: JobRecord, job: Job, notes: list[str]) -> None:
    """Stage totals that make the mock's progressInfo the one seen, if any do: the
    listed stages' totals, and up to MAX_HIDDEN_STAGES stages never listed."""
    seen = [
        (at, point.info)
        for point in record.points
        if point.info is not None
        for at in sorted({point.at, point.last})
    ]
    if not any(info for _, info in seen):
        return
    longest = max((info for _, info in seen), key=len)
    totals = tuple(max(total, 0) for *_, total in longest)
    for hidden in range(caps.MAX_HIDDEN_STAGES + 1):
        job.script = replace(job.script, stage_tasks=(*totals, *(1,) * hidden))
        if all(_stages_at(job, at) == info for at, info in seen):
            return
    job.script = replace(job.script, stage_tasks=totals)
    notes.append("progressInfo replays otherwise (the mock derives it from the progress)")


def _stages_at(job: Job, at: int) -> StageInfo:
    """progressInfo as the mock's entrance gives it (reads._stages)."""
    return tuple((s.id, s.succeed, 0, min(s.running, 1), s.total) for s in job.stages(at))
