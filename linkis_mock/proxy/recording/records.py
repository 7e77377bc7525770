"""What the recording keeps of each job and VIAS task while it watches, and the
vocabulary its modules share."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

from linkis_mock.proxy.exchange import Exchange
from linkis_mock.proxy.recording import caps
from linkis_mock.sim.linkis.jobs import JobState

ENTRANCE, HISTORY = "entrance", "history"  # where a job's state was read
OBSERVED, ACTION = "observed", "action"  # a VIAS state seen, or begun by an action

S = TypeVar("S")
StageInfo = tuple[tuple[str, int, int, int, int], ...]  # id, succeed, failed, running, total


class Unmapped(Exception):  # noqa: N818  # a reason, not an error
    """This exchange (or part of it) cannot go into the scenario, and why."""


# ---- what is kept per job and task --------------------------------------------------------


@dataclass(slots=True)
class Change(Generic[S]):
    """A state as first seen (`at`), still seen until `last`; `floor`: the previous look
    at the thing, before which it cannot have happened; `hint`: when the server says."""

    at: int
    last: int
    floor: int | None
    hint: int | None
    value: S


@dataclass(slots=True)
class _States(Generic[S]):
    """A state over time, per source (deduplicated: only its changes are kept)."""

    by_source: dict[str, list[Change[S]]] = field(default_factory=dict)
    full: bool = False

    def see(self, at: int, value: S, *, floor: int | None, hint: int | None, source: str) -> None:
        changes = self.by_source.setdefault(source, [])
        if changes and changes[-1].value == value:
            changes[-1].last = max(changes[-1].last, at)
            return
        if sum(len(c) for c in self.by_source.values()) >= caps.MAX_CHANGES:
            self.full = True
            return
        changes.append(Change(at, at, floor, hint, value))

    def latest(self) -> S | None:
        changes = [c for source in self.by_source.values() for c in source]
        return max(changes, key=lambda c: c.last).value if changes else None

    def merged(self, primary: str) -> list[Change[S]]:
        """The primary source's changes, and the others' from outside its window; a
        primary change takes the time another source gave for it (history's updatedTime)."""
        main = [self._hinted(c, primary) for c in self.by_source.get(primary, [])]
        extra = [c for c in self._others(primary) if not self._inside(c, main)]
        ordered = sorted([*main, *extra], key=lambda c: c.at)
        return [c for i, c in enumerate(ordered) if i == 0 or ordered[i - 1].value != c.value]

    def _hinted(self, change: Change[S], primary: str) -> Change[S]:
        if change.hint is not None:
            return change
        hints = (
            c.hint
            for c in self._others(primary)
            if c.value == change.value and change.at <= c.at <= change.last
        )
        hint = next((h for h in hints if h is not None), None)
        return change if hint is None else replace(change, hint=hint)

    def overlapping(self, primary: str) -> list[Change[S]]:
        """The other sources' changes inside the primary's window (checked, not used)."""
        main = self.by_source.get(primary, [])
        return [c for c in self._others(primary) if self._inside(c, main)]

    def _others(self, primary: str) -> list[Change[S]]:
        return [c for source, cs in self.by_source.items() if source != primary for c in cs]

    @staticmethod
    def _inside(change: Change[S], main: list[Change[S]]) -> bool:
        return bool(main) and main[0].at <= change.at <= max(c.last for c in main)

    def absorb(self, other: _States[S]) -> None:
        for source, changes in other.by_source.items():
            mine = self.by_source.setdefault(source, [])
            mine.extend(changes)
            mine.sort(key=lambda c: c.at)
        self.full = self.full or other.full


@dataclass(slots=True)
class _Looks:
    """When a thing was looked at: the floor of what a new look can date back to."""

    last: int | None = None
    prior: int | None = None

    def look(self, at: int) -> int | None:
        """The previous look strictly before `at`; then `at` counts as a look."""
        floor = self.last if self.last is not None and self.last < at else self.prior
        if self.last is None or at > self.last:
            self.prior, self.last = self.last, at
        return floor


@dataclass(slots=True)
class Point:
    """A progress value seen from `at` to `last`; `precise`: from the entrance (job
    history rounds it to 2 decimals); `info`: the progressInfo that came with it."""

    at: int
    last: int
    floor: int | None
    value: float
    precise: bool
    info: StageInfo | None
    state: JobState | None = None  # the job's state as last seen when it was


@dataclass(slots=True)
class _Log:
    lines: list[str] = field(default_factory=list)
    times: list[int] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    full: bool = False

    def add(self, start: int, shown: list[tuple[str, str]], read: int, at: int) -> int:
        """Lines `start`..`start+read` as one chunk showed them (blank lines, counted
        but not shown, at its end); returns how many new lines were kept."""
        if start > len(self.lines):
            raise Unmapped(
                f"log chunk from line {start + 1} does not line up: "
                f"only {len(self.lines)} lines were seen before it"
            )
        if read - len(shown) > caps.MAX_LINES_PER_JOB:
            raise Unmapped(f"log chunk of {len(shown)} lines says it read {read}")
        chunk = [*shown, *[("", "INFO")] * (read - len(shown))]
        overlap = chunk[: len(self.lines) - start]
        for offset, (text, _) in enumerate(overlap):
            known = self.lines[start + offset]
            if text and known and text != known:
                raise Unmapped(f"log line {start + offset + 1} differs from the one seen before")
        fresh = chunk[len(overlap) :]
        room = caps.MAX_LINES_PER_JOB - len(self.lines)
        self.full = self.full or len(fresh) > room
        kept = fresh[: max(room, 0)]
        moment = max(at, self.times[-1]) if self.times else at
        for text, level in kept:
            self.lines.append(text)
            self.levels.append(level)
            self.times.append(moment)
        return len(kept)


@dataclass(slots=True)
class Result:
    columns: tuple[tuple[str, str], ...] | None = None
    rows: dict[int, list[str]] = field(default_factory=dict)  # by row index, capped
    count: int = 0
    files: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Submitted:
    at: int
    code: str | None
    run_type: str | None
    labels: dict[str, str]
    params: dict[str, Any]
    source: dict[str, Any]
    engine: str | None  # the engineType label (`spark-2.4.3`) or the legacy engine name
    creator: str | None
    label_user: str | None  # the user of the userCreator label
    caller: str | None  # who sent it (token user, or the session's login)


@dataclass(slots=True)
class JobRecord:
    exec_id: str | None = None
    task_id: int | None = None
    submitted: Submitted | None = None
    history: dict[str, Any] = field(default_factory=dict)  # latest non-null fields
    history_error: tuple[int, Any, Any] | None = None  # (at, errCode, errDesc), latest
    states: _States[JobState] = field(default_factory=_States)
    points: list[Point] = field(default_factory=list)
    log: _Log = field(default_factory=_Log)
    result: Result = field(default_factory=Result)
    killed: bool = False
    looks: _Looks = field(default_factory=_Looks)
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.task_id is not None:
            return f"job {self.task_id}"
        return f"job with execID {self.exec_id}"

    def note(self, text: str) -> None:
        if text not in self.notes and len(self.notes) < caps.MAX_NOTES:
            self.notes.append(text)

    def absorb(self, other: JobRecord) -> None:
        """Take in what was recorded of the same job before it was known to be."""
        self.submitted = self.submitted or other.submitted
        self.history = {**other.history, **self.history}
        self.history_error = max(
            (e for e in (self.history_error, other.history_error) if e is not None),
            key=lambda e: e[0],
            default=None,
        )
        self.states.absorb(other.states)
        self.points = sorted([*self.points, *other.points], key=lambda p: p.at)
        if not self.log.lines:
            self.log = other.log
        elif other.log.lines:
            self.note("its log was read under two ids; only one of them is kept")
        self.result = self.result if self.result.columns is not None else other.result
        self.killed = self.killed or other.killed
        for text in other.notes:
            self.note(text)


@dataclass(slots=True)
class TaskRecord:
    id: str
    project_id: str
    first_seen: int
    service_name: str | None = None
    spec: dict[str, Any] | None = None
    created_ms: int | None = None
    edited_ms: int | None = None
    deleted_at: int | None = None
    states: _States[str] = field(default_factory=_States)
    looks: _Looks = field(default_factory=_Looks)


@dataclass(slots=True)
class Problem:
    count: int
    first_at: int
    where: str


@dataclass(frozen=True, slots=True)
class Seen:
    """One exchange, parsed (outside the lock): its operation, path parameters, bodies."""

    exchange: Exchange
    operation_id: str
    params: dict[str, str]
    request: Any
    reply: Any

    @property
    def at(self) -> int:
        return self.exchange.started_ms

    def query(self, name: str) -> str | None:
        return next((v for k, v in self.exchange.query if k == name), None)
