"""Proxy mode's recording: what the real servers answered, kept at the level of the
domain (jobs, their states, logs and results; VIAS tasks and their states) and written
as a scenario, the snapshot format that `serve --scenario FILE` and
`PUT /__admin/snapshot` restore. Framework-free.

**The replay contract.** A mock started from the scenario answers the polls the
recorded client made, at the same times relative to the start, as the real server
did: the same status sequence, the same log lines in the same `fromLine` chunks, the
same progress, the same job history record, the same result table, the same VIAS
states. A job (or task) whose end the recording did not see stays in the last state
seen. Only reads are replayed: a client that sends its submits, kills or start/stop
actions again gets the mock's own answers to them (a new job, a newly planned stop).

**Times.** A snapshot holds absolute simulated epoch ms, and restoring one restarts the
simulated clock at the snapshot's `clock.nowMs`, running (`serve --scenario` and `PUT
/snapshot` both call `restore`, which does `clock.restart(nowMs)`). So the scenario
keeps every time as it was recorded (wall-clock epoch ms, the exchanges' `started_ms`)
and sets `clock.nowMs` to the first exchange's start, running at speed 1: the instant
the scenario is loaded *is* the first exchange, and what happened d seconds into the
recording happens d seconds after loading. Keeping the recorded epoch, rather than
shifting every time, keeps the times written inside log lines, `createdTime` and
`updatedTime` agreeing with each other. A test that wants exact instants freezes the
clock (`clock.frozen`) before it restores the scenario.

How each thing becomes a snapshot's:

- A job is named by its taskID (from the submit reply, `status?taskID=`, or job
  history) and its execID (from the reply or the path). Its users are job history's
  umUser/executeUser, else the submit's Token-User or the login seen for its session
  cookie (and its userCreator label), else the short execID's; its code, labels,
  params and source are the submit's, or job history's record of them.
- A state change happens when it was first seen, or at the job history's
  `updatedTime` (a VIAS task's `updated_at`) when that lies after the previous look at
  the job, so that replies carrying the time agree too. The entrance's status is what
  the timeline follows; job history's status only fills in before and after the
  entrance was asked (history lags the entrance on a real server).
- A log line is visible from the poll that first returned it. `fromLine` chunks are
  laid end to end by their arithmetic (reference §6); blank lines, counted but never
  shown, go to the end of their chunk.
- Progress is the mock's running attempts: each progress value seen is a stopped
  attempt (`Attempt.stopped_ms`) whose fraction is that value from the poll on, begun
  after the previous look at the job. Its numerator is at most that gap in ms, so a
  value may come back rounded when polls are close (listed in `unmapped()`).
- progressInfo is reproduced when it follows the mock's stage model (`stage_<n>`
  ids, counts derived from the progress); the stage totals are solved from what was
  seen.
- The result set: columns (name, dataType), row count and rows from
  `filesystem/openFile`. The digest is the one a default mock (seed 0) gives the
  job's code, so a recording of such a mock replays its table from the digest alone;
  any other table keeps its rows as `script.rows_data`, from the first row on up to
  the first one not seen (or not all text, or past MAX_RESULT_ROWS); rows after those
  replay with generated values, and `unmapped()` says how many.
- A VIAS action (create, start, stop, delete) begins its transient state (PENDING,
  STARTING, STOPPING, DELETING) at once, as the mock's own actions do; what
  show/list saw afterwards follows.

**What cannot be recorded** (each listed in `unmapped()`, never dropped silently):
operations a scenario has no place for (metrics, user info, downloads, engine logs,
diagnosis...: the mock answers them from its own state); error replies; unparsable
or cut bodies; unknown operations; a log chunk that does not line up with the lines
seen; a job with no taskID or no status seen; a status or state outside the specs'
enums; result rows past those kept literally (see above); result files other than
one `_0.dolphin` table; a resultLocation other than the mock derives; progress above
0.99 while running, or too fine for the gap between polls; progressInfo outside the
mock's model; an errCode/errDesc other than the mock shows for the state (kept, then
shown in every state); a deleted VIAS task (kept as DELETING); login sessions (their
tickets are credentials: replaying clients log in again). What the mock derives
from a job's timeline (yarnMetrics, job history's metrics, engine and log paths) is
the mock's, not the recorded server's.

**Memory is bounded** by the caps below; what goes past one is counted in
`unmapped()`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any, Generic, TypeVar, cast, get_args

from linkis_mock.api_types import vias_task as vias_api
from linkis_mock.contract.routes import RouteTable
from linkis_mock.proxy.exchange import Exchange
from linkis_mock.sim.clock import LAST_INSTANT_MS
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.exec_ids import ExecIds
from linkis_mock.sim.linkis.jobs import (
    Attempt,
    Job,
    JobIdentity,
    JobState,
    PlannedTimelines,
    Timeline,
)
from linkis_mock.sim.linkis.query_task import RESULT_FILE, result_location, task_id_named
from linkis_mock.sim.linkis.scripts import Column, Outcome, Script
from linkis_mock.sim.settings import DEFAULT_ENGINE_VERSIONS, SimSettings
from linkis_mock.sim.storage import snapshot
from linkis_mock.sim.vias.service import ALREADY
from linkis_mock.sim.vias.tasks import ViasTask

# ---- caps -------------------------------------------------------------------------------

MAX_JOBS = 10_000  # Linkis jobs recorded; later ones are counted in unmapped()
MAX_TASKS = 10_000  # VIAS tasks recorded
MAX_LINES_PER_JOB = 100_000  # log lines per job (the mock's own default cap)
MAX_LINES = 1_000_000  # log lines over all jobs
MAX_CHANGES = 1_000  # state changes, and distinct progress values, per job or task
MAX_RESULT_ROWS = 1_000  # result rows kept per job, to compare with the generated ones
MAX_SESSIONS = 10_000  # login cookies remembered (to know who a request is)
MAX_PROBLEM_KINDS = 1_000  # distinct kinds of unmapped exchange
MAX_NOTES = 20  # notes per job or task
MAX_HIDDEN_STAGES = 8  # stages never listed in a progressInfo, when solving stage totals

DEFAULT_SETTINGS = SimSettings()
ENTRANCE, HISTORY = "entrance", "history"  # where a job's state was read
OBSERVED, ACTION = "observed", "action"  # a VIAS state seen, or begun by an action
TASK_STATES: frozenset[str] = frozenset(get_args(vias_api.TaskState))
LEVELS = ("ERROR", "WARN", "INFO")  # the 4-element log array's first three slots
LINE_LEVEL = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\s+(?:SYSTEM-)?(ERROR|WARN)\b")
INTEGER = re.compile(r"-?[0-9]{1,18}")
PROGRESS_TOLERANCE = 1e-9
HALF_STEP = Fraction(49_999, 1_000_000_000)  # just under half of the 4th decimal
NO_FLOOR_ROOM = 10_000_000  # ms an attempt may start before a job's first look
STAGE_COUNTS = ("succeedTasks", "failedTasks", "runningTasks", "totalTasks")
# A job history record's fields a job is built from (the latest non-null of each).
HISTORY_KEYS = frozenset(
    {
        "umUser",
        "executeUser",
        "requestApplicationName",
        "engineType",
        "runType",
        "executionCode",
        "labels",
        "paramsJson",
        "sourceJson",
        "createdTime",
        "resultLocation",
        "instance",
    }
)
# ShowTaskInfo's fields that are a task's definition (what create and update send).
SPEC_KEYS = ("name", "description", "input", "output", "config", "schedule", "service_version")

S = TypeVar("S")
StageInfo = tuple[tuple[str, int, int, int, int], ...]  # id, succeed, failed, running, total


class _Unmapped(Exception):  # noqa: N818  # a reason, not an error
    """This exchange (or part of it) cannot go into the scenario, and why."""


# ---- what is kept per job and task --------------------------------------------------------


@dataclass(slots=True)
class _Change(Generic[S]):
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

    by_source: dict[str, list[_Change[S]]] = field(default_factory=dict)
    full: bool = False

    def see(self, at: int, value: S, *, floor: int | None, hint: int | None, source: str) -> None:
        changes = self.by_source.setdefault(source, [])
        if changes and changes[-1].value == value:
            changes[-1].last = max(changes[-1].last, at)
            return
        if sum(len(c) for c in self.by_source.values()) >= MAX_CHANGES:
            self.full = True
            return
        changes.append(_Change(at, at, floor, hint, value))

    def latest(self) -> S | None:
        changes = [c for source in self.by_source.values() for c in source]
        return max(changes, key=lambda c: c.last).value if changes else None

    def merged(self, primary: str) -> list[_Change[S]]:
        """The primary source's changes, and the others' from outside its window; a
        primary change takes the time another source gave for it (history's updatedTime)."""
        main = [self._hinted(c, primary) for c in self.by_source.get(primary, [])]
        extra = [c for c in self._others(primary) if not self._inside(c, main)]
        ordered = sorted([*main, *extra], key=lambda c: c.at)
        return [c for i, c in enumerate(ordered) if i == 0 or ordered[i - 1].value != c.value]

    def _hinted(self, change: _Change[S], primary: str) -> _Change[S]:
        if change.hint is not None:
            return change
        hints = (
            c.hint
            for c in self._others(primary)
            if c.value == change.value and change.at <= c.at <= change.last
        )
        hint = next((h for h in hints if h is not None), None)
        return change if hint is None else replace(change, hint=hint)

    def overlapping(self, primary: str) -> list[_Change[S]]:
        """The other sources' changes inside the primary's window (checked, not used)."""
        main = self.by_source.get(primary, [])
        return [c for c in self._others(primary) if self._inside(c, main)]

    def _others(self, primary: str) -> list[_Change[S]]:
        return [c for source, cs in self.by_source.items() if source != primary for c in cs]

    @staticmethod
    def _inside(change: _Change[S], main: list[_Change[S]]) -> bool:
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
class _Point:
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
            raise _Unmapped(
                f"log chunk from line {start + 1} does not line up: "
                f"only {len(self.lines)} lines were seen before it"
            )
        if read - len(shown) > MAX_LINES_PER_JOB:
            raise _Unmapped(f"log chunk of {len(shown)} lines says it read {read}")
        chunk = [*shown, *[("", "INFO")] * (read - len(shown))]
        overlap = chunk[: len(self.lines) - start]
        for offset, (text, _) in enumerate(overlap):
            known = self.lines[start + offset]
            if text and known and text != known:
                raise _Unmapped(f"log line {start + offset + 1} differs from the one seen before")
        fresh = chunk[len(overlap) :]
        room = MAX_LINES_PER_JOB - len(self.lines)
        self.full = self.full or len(fresh) > room
        kept = fresh[: max(room, 0)]
        moment = max(at, self.times[-1]) if self.times else at
        for text, level in kept:
            self.lines.append(text)
            self.levels.append(level)
            self.times.append(moment)
        return len(kept)


@dataclass(slots=True)
class _Result:
    columns: tuple[tuple[str, str], ...] | None = None
    rows: dict[int, list[str]] = field(default_factory=dict)  # by row index, capped
    count: int = 0
    files: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class _Submitted:
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
class _JobRecord:
    exec_id: str | None = None
    task_id: int | None = None
    submitted: _Submitted | None = None
    history: dict[str, Any] = field(default_factory=dict)  # latest non-null fields
    history_error: tuple[int, Any, Any] | None = None  # (at, errCode, errDesc), latest
    states: _States[JobState] = field(default_factory=_States)
    points: list[_Point] = field(default_factory=list)
    log: _Log = field(default_factory=_Log)
    result: _Result = field(default_factory=_Result)
    killed: bool = False
    looks: _Looks = field(default_factory=_Looks)
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.task_id is not None:
            return f"job {self.task_id}"
        return f"job with execID {self.exec_id}"

    def note(self, text: str) -> None:
        if text not in self.notes and len(self.notes) < MAX_NOTES:
            self.notes.append(text)

    def absorb(self, other: _JobRecord) -> None:
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
class _TaskRecord:
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
class _Problem:
    count: int
    first_at: int
    where: str


@dataclass(frozen=True, slots=True)
class _Seen:
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


# ---- the recorder ---------------------------------------------------------------------------


class Recorder:
    """Watches the proxied exchanges and keeps what a scenario needs (thread-safe)."""

    def __init__(self, routes: RouteTable) -> None:
        self._routes = routes
        self._lock = threading.Lock()
        self._start: int | None = None
        self._jobs: list[_JobRecord] = []
        self._by_exec: dict[str, _JobRecord] = {}
        self._by_task: dict[int, _JobRecord] = {}
        self._by_result: dict[str, _JobRecord] = {}
        self._tasks: dict[str, _TaskRecord] = {}
        self._sessions: OrderedDict[str, str] = OrderedDict()
        self._problems: dict[tuple[str, str], _Problem] = {}
        self._problems_dropped = 0
        self._lines = 0
        self._handlers: dict[str, Callable[[_Seen], None]] = {
            "submit": self._on_submit,
            "execute": self._on_submit,
            "getStatus": self._on_status,
            "getProgress": self._on_progress,
            "getProgressWithResource": self._on_progress,
            "getLog": self._on_log,
            "kill": self._on_kill,
            "killJobs": self._on_kill_jobs,
            "login": self._on_login,
            "getJobHistory": self._on_history_get,
            "listJobHistory": self._on_history_list,
            "listUndoneTasks": self._on_history_list,
            "getDirFileTrees": self._on_dir_file_trees,
            "openFile": self._on_open_file,
            "createTask": self._on_create_task,
            "showTaskInfo": self._on_show_task,
            "listTasks": self._on_list_tasks,
            "updateTask": self._on_update_task,
            "deleteTask": self._on_delete_task,
            "startStopTask": self._on_start_stop_task,
        }

    # ---- public API -------------------------------------------------------------------

    def observe(self, exchange: Exchange) -> None:
        """Take in one exchange; never raises (what it cannot use goes to `unmapped`)."""
        try:
            seen: _Seen | str = self._parse(exchange)
        except Exception as exc:  # an odd exchange must not break the proxy
            seen = f"could not be read ({type(exc).__name__})"
        with self._lock:
            start = exchange.started_ms
            self._start = start if self._start is None else min(self._start, start)
            if isinstance(seen, str):
                self._problem(exchange, f"{exchange.api} {exchange.method}", seen)
                return
            try:
                self._dispatch(seen)
            except Exception as exc:  # a reply of a shape no handler expects
                self._problem(exchange, seen.operation_id, f"not understood ({exc!r:.80})")

    def scenario(self) -> dict[str, Any]:
        """A snapshot document that `PUT /__admin/snapshot` and `serve --scenario` accept."""
        with self._lock:
            document, _ = self._build()
        return document

    def unmapped(self) -> list[str]:
        """What was seen but could not be put in the scenario, one readable line each."""
        with self._lock:
            _, notes = self._build()
            lines = [
                f"{label}: {reason} ({p.count}x, the first at {self._rel(p.first_at)}: {p.where})"
                for (label, reason), p in self._problems.items()
            ]
            if self._problems_dropped:
                lines.append(f"{self._problems_dropped} more exchange(s) of other kinds")
        return [*lines, *notes]

    # ---- taking an exchange in ------------------------------------------------------------

    def _parse(self, exchange: Exchange) -> _Seen | str:
        """The exchange parsed, or why it cannot be (outside the lock: JSON costs)."""
        route = self._routes.route(exchange.path)
        operation = route.operations.get(exchange.method) if route is not None else None
        if route is None or operation is None:
            return "no operation of the specs"
        return _Seen(
            exchange,
            operation.operation_id,
            route.path_parameters(exchange.path) or {},
            exchange.request_json(),
            exchange.reply_json(),
        )

    def _dispatch(self, seen: _Seen) -> None:
        handler = self._handlers.get(seen.operation_id)
        if handler is None:
            reason = "not part of a scenario (the mock answers it from its own state)"
            self._problem(seen.exchange, seen.operation_id, reason)
            return
        try:
            handler(seen)
        except _Unmapped as exc:
            self._problem(seen.exchange, seen.operation_id, str(exc))

    def _problem(self, exchange: Exchange, label: str, reason: str) -> None:
        key = (label, reason)
        found = self._problems.get(key)
        if found is not None:
            found.count += 1
        elif len(self._problems) < MAX_PROBLEM_KINDS:
            where = f"{exchange.method} {exchange.path[:200]}"
            self._problems[key] = _Problem(1, exchange.started_ms, where)
        else:
            self._problems_dropped += 1

    def _rel(self, at: int) -> str:
        return f"+{(at - (self._start or at)) / 1000:.3f}s"

    # ---- finding a job ----------------------------------------------------------------------

    def _job(self, exec_id: str | None, task_id: int | None) -> _JobRecord:
        """The job these ids name, made known under both (or new)."""
        by_exec = self._by_exec.get(exec_id) if exec_id else None
        by_task = self._by_task.get(task_id) if task_id is not None else None
        if by_exec is not None and by_exec.task_id not in (None, task_id) and task_id:
            task_id, by_task = None, None  # a taskID that names another job: not this one's
        job = by_exec or by_task
        if job is None:
            if len(self._jobs) >= MAX_JOBS:
                raise _Unmapped(f"more than {MAX_JOBS} jobs seen: this one is not recorded")
            job = _JobRecord()
            self._jobs.append(job)
        elif by_exec is not None and by_task is not None and by_exec is not by_task:
            self._merge(by_exec, by_task)
        self._name(job, exec_id, task_id)
        return job

    def _name(self, job: _JobRecord, exec_id: str | None, task_id: int | None) -> None:
        if exec_id and job.exec_id is None:
            job.exec_id = exec_id
            self._by_exec[exec_id] = job
        if task_id is not None and job.task_id is None:
            job.task_id = task_id
            self._by_task[task_id] = job

    def _merge(self, keep: _JobRecord, gone: _JobRecord) -> None:
        keep.absorb(gone)
        keep.task_id = keep.task_id if keep.task_id is not None else gone.task_id
        keep.exec_id = keep.exec_id or gone.exec_id
        self._jobs.remove(gone)
        for index in (self._by_exec, self._by_result):
            for key in [k for k, v in index.items() if v is gone]:
                index[key] = keep
        if gone.task_id is not None:
            self._by_task[gone.task_id] = keep

    def _caller(self, exchange: Exchange) -> str | None:
        """Who sent a Linkis request: its token user, or the login of its cookie."""
        if exchange.request_header("token-code") and exchange.request_header("token-user"):
            return exchange.request_header("token-user")
        for pair in (exchange.request_header("cookie") or "").split(";"):
            user = self._sessions.get(pair.strip())
            if user is not None:
                return user
        return None

    # ---- Linkis operations ------------------------------------------------------------------

    def _on_submit(self, seen: _Seen) -> None:
        data = _envelope(seen)
        exec_id, task_id = _text(data.get("execID")), _integer(data.get("taskID"))
        if task_id is None:
            raise _Unmapped("submit reply without a taskID")
        if not isinstance(seen.request, dict):
            raise _Unmapped("submit request body is not a JSON object")
        job = self._job(exec_id, task_id)
        job.looks.look(seen.at)
        job.submitted = _submitted(seen.request, seen.at, self._caller(seen.exchange))

    def _on_status(self, seen: _Seen) -> None:
        data = _envelope(seen)
        state = _job_state(data.get("status"))
        job = self._job(seen.params.get("id"), _integer(seen.query("taskID")))
        floor = job.looks.look(seen.at)
        job.states.see(seen.at, state, floor=floor, hint=None, source=ENTRANCE)

    def _on_progress(self, seen: _Seen) -> None:
        data = _envelope(seen)
        value = data.get("progress")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise _Unmapped(f"progress {value!r} is not a number from 0 to 1")
        info = _stage_info(data.get("progressInfo"))
        job = self._job(seen.params.get("id"), None)
        floor = job.looks.look(seen.at)
        _add_point(job, _Point(seen.at, seen.at, floor, float(value), True, info))

    def _on_log(self, seen: _Seen) -> None:
        data = _envelope(seen)
        asked = _integer(seen.query("fromLine") or "0")
        returned = _integer(data.get("fromLine"))
        if asked is None or returned is None:
            raise _Unmapped("log chunk without a readable fromLine")
        start, read = max(asked, 1) - 1, returned - max(asked, 0)
        shown = _log_lines(data.get("log"))
        if read < len(shown):
            raise _Unmapped(f"log chunk of {len(shown)} lines says it read {read}")
        job = self._job(seen.params.get("id"), None)
        job.looks.look(seen.at)
        if self._lines >= MAX_LINES:
            job.note(f"log lines past the cap of {MAX_LINES} over all jobs are not kept")
            return
        self._lines += job.log.add(start, shown, read, seen.at)
        if job.log.full:
            job.note(f"log lines past the cap of {MAX_LINES_PER_JOB} per job are not kept")

    def _on_kill(self, seen: _Seen) -> None:
        _envelope(seen)
        job = self._job(seen.params.get("id"), _integer(seen.query("taskID")))
        job.killed = True

    def _on_kill_jobs(self, seen: _Seen) -> None:
        messages = _envelope(seen).get("messages")
        ids = _dict(seen.request).get("idList")
        if not isinstance(messages, list) or not isinstance(ids, list):
            raise _Unmapped("killJobs without idList or messages")
        for exec_id, item in zip(ids, messages, strict=False):
            if isinstance(exec_id, str) and _dict(item).get("status") == 0:
                self._job(exec_id, None).killed = True

    def _on_login(self, seen: _Seen) -> None:
        data = _envelope(seen)
        user = _text(data.get("userName")) or _text(_dict(seen.request).get("userName"))
        for name, value in seen.exchange.reply_headers:
            if name == "set-cookie" and user:
                self._sessions[value.split(";", 1)[0].strip()] = user
        while len(self._sessions) > MAX_SESSIONS:
            self._sessions.popitem(last=False)

    def _on_history_get(self, seen: _Seen) -> None:
        record = _dict(_envelope(seen).get("task"))
        if not record:
            raise _Unmapped("job history reply without a task")
        self._history(record, seen.at)

    def _on_history_list(self, seen: _Seen) -> None:
        records = _envelope(seen).get("tasks")
        if not isinstance(records, list):
            raise _Unmapped("job history list without tasks")
        problems = []
        for record in records:
            try:
                self._history(_dict(record), seen.at)
            except _Unmapped as exc:
                problems.append(str(exc))
        if problems:
            raise _Unmapped(problems[0])

    def _history(self, record: dict[str, Any], at: int) -> None:
        task_id = _integer(record.get("taskID"))
        if task_id is None:
            raise _Unmapped("job history record without a taskID")
        state = _job_state(record.get("status"))
        job = self._job(_text(record.get("strongerExecId")), task_id)
        floor = job.looks.look(at)
        hint = _integer(record.get("updatedTime"))
        job.states.see(at, state, floor=floor, hint=hint, source=HISTORY)
        progress = _progress(record.get("progress"))
        if progress is not None:
            _add_point(job, _Point(at, at, floor, progress, False, None))
        job.history.update({k: v for k, v in record.items() if k in HISTORY_KEYS and v is not None})
        job.history_error = (at, record.get("errCode"), record.get("errDesc"))
        location = _text(record.get("resultLocation"))
        if location:
            self._by_result[location.rstrip("/")] = job

    def _result_job(self, directory: str) -> _JobRecord:
        directory = directory.rstrip("/")
        job = self._by_result.get(directory)
        task_id = task_id_named(directory.rsplit("/", 1)[-1])
        job = job or (self._by_task.get(task_id) if task_id is not None else None)
        if job is None:
            raise _Unmapped("no job seen with this result directory")
        return job

    def _on_dir_file_trees(self, seen: _Seen) -> None:
        tree = _envelope(seen).get("dirFileTrees")
        if tree is None:
            return  # no result (yet): the mock answers the same for a job not succeeded
        children = _dict(tree).get("children")
        if not isinstance(children, list):
            raise _Unmapped("result directory tree without children")
        job = self._result_job(seen.query("path") or "")
        job.result.files = tuple(str(_dict(child).get("name")) for child in children)

    def _on_open_file(self, seen: _Seen) -> None:
        data = _envelope(seen)
        if data.get("type") != "2":
            raise _Unmapped(f"result file of type {data.get('type')!r}: the mock serves tables")
        columns = _columns(data.get("metadata"))
        rows = data.get("fileContent")
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _Unmapped("result page without a table of rows")
        directory, _, name = (seen.query("path") or "").rpartition("/")
        job = self._result_job(directory)
        if name != RESULT_FILE:
            job.note(f"result file {name} is not the one file the mock serves ({RESULT_FILE})")
        page = max(_integer(seen.query("page") or "1") or 1, 1)
        size = max(_integer(seen.query("pageSize") or "5000") or 5000, 1)
        _add_page(job.result, columns, rows, (page - 1) * size)

    # ---- VIAS operations --------------------------------------------------------------------

    def _task(self, seen: _Seen, task_id: str | None = None) -> _TaskRecord:
        task_id = task_id or seen.params.get("task_id") or ""
        task = self._tasks.get(task_id)
        if task is None:
            if len(self._tasks) >= MAX_TASKS:
                raise _Unmapped(f"more than {MAX_TASKS} VIAS tasks seen: this one is not recorded")
            task = _TaskRecord(task_id, seen.params.get("project_id", ""), seen.at)
            self._tasks[task_id] = task
        return task

    def _on_create_task(self, seen: _Seen) -> None:
        tasks = _dict(_vias_reply(seen)).get("tasks")
        task_id = _text(_dict(tasks[0]).get("id")) if isinstance(tasks, list) and tasks else None
        if task_id is None or not isinstance(seen.request, dict):
            raise _Unmapped("create without a task id in the reply or a JSON body")
        task = self._task(seen, task_id)
        task.service_name = seen.params.get("service_name")
        task.spec, task.created_ms, task.edited_ms = dict(seen.request), seen.at, seen.at
        floor = task.looks.look(seen.at)
        task.states.see(seen.at, "PENDING", floor=floor, hint=None, source=ACTION)

    def _on_show_task(self, seen: _Seen) -> None:
        info = _dict(_vias_reply(seen))
        task = self._task(seen)
        task.service_name = task.service_name or _text(info.get("service_name"))
        if task.spec is None:
            task.spec = {k: info[k] for k in SPEC_KEYS if info.get(k) is not None}
        task.created_ms = task.created_ms or _iso_ms(info.get("created_at"))
        self._task_state(task, seen.at, info.get("state"), _iso_ms(info.get("updated_at")))

    def _on_list_tasks(self, seen: _Seen) -> None:
        listed = _dict(_vias_reply(seen)).get("tasks")
        if not isinstance(listed, list):
            raise _Unmapped("task list without tasks")
        for item in map(_dict, listed):
            task_id = _text(item.get("id"))
            if task_id is None:
                raise _Unmapped("listed task without an id")
            task = self._task(seen, task_id)
            if task.spec is None and _text(item.get("name")):
                task.spec = {"name": item["name"]}
            task.created_ms = task.created_ms or _integer(item.get("created_at"))
            self._task_state(task, seen.at, item.get("state"), None)

    def _task_state(self, task: _TaskRecord, at: int, state: Any, hint: int | None) -> None:
        if state not in TASK_STATES:
            raise _Unmapped(f"task state {state!r} is not one of the spec's")
        floor = task.looks.look(at)
        task.states.see(at, str(state), floor=floor, hint=hint, source=OBSERVED)

    def _on_update_task(self, seen: _Seen) -> None:
        _vias_reply(seen)
        if not isinstance(seen.request, dict):
            raise _Unmapped("update without a JSON body")
        task = self._task(seen)
        version = (task.spec or {}).get("service_version")
        task.spec, task.edited_ms = {**seen.request, "service_version": version}, seen.at
        task.looks.look(seen.at)

    def _on_delete_task(self, seen: _Seen) -> None:
        _vias_reply(seen)
        task = self._task(seen)
        task.deleted_at = seen.at
        floor = task.looks.look(seen.at)
        task.states.see(seen.at, "DELETING", floor=floor, hint=None, source=ACTION)

    def _on_start_stop_task(self, seen: _Seen) -> None:
        _vias_reply(seen)
        command = seen.params.get("command")
        task = self._task(seen)
        floor = task.looks.look(seen.at)
        settled = next((states for name, states in ALREADY.items() if name == command), None)
        if settled is None:
            raise _Unmapped(f"unknown command {command!r}")
        if task.states.latest() not in settled:  # a repeat changes nothing
            begun = "STARTING" if command == "start" else "STOPPING"
            task.states.see(seen.at, begun, floor=floor, hint=None, source=ACTION)

    # ---- building the scenario --------------------------------------------------------------

    def _build(self) -> tuple[dict[str, Any], list[str]]:
        notes: list[str] = []
        jobs = self._built_jobs(notes)
        tasks = self._built_tasks(notes)
        held = _held(jobs, notes)
        document = {
            "version": snapshot.VERSION,
            "clock": {"nowMs": self._now(), "frozen": False, "speed": 1.0},
            "counters": {
                "lastTaskId": max((job.ident.task_id for job in jobs), default=0),
                "groups": _groups(jobs),
                "tasksCreated": len(tasks),
            },
            "jobs": [snapshot.job_to_json(job, id(job) in held) for job in jobs],
            "tasks": [snapshot.task_to_json(task) for task in tasks],
            "sessions": [],
        }
        return document, notes

    def _now(self) -> int:
        """The scenario's clock: the first exchange (now, if none was seen)."""
        if self._start is None:
            return int(datetime.now(tz=UTC).timestamp() * 1000)
        return min(max(self._start, 0), LAST_INSTANT_MS)

    def _built_jobs(self, notes: list[str]) -> list[Job]:
        jobs = []
        for record in self._jobs:
            job, found = _build_job(record, self._now())
            notes.extend(f"{record.label}: {text}" for text in found)
            if job is not None:
                jobs.append(job)
        return sorted(jobs, key=lambda job: -job.ident.task_id)

    def _built_tasks(self, notes: list[str]) -> list[ViasTask]:
        records = sorted(self._tasks.values(), key=lambda t: t.created_ms or t.first_seen)
        tasks: list[ViasTask] = []
        for record in records:
            task, found = _build_task(record, len(tasks) + 1)
            notes.extend(f"VIAS task {record.id}: {text}" for text in found)
            if task is not None:
                tasks.append(task)
        return tasks


# ---- reading replies ------------------------------------------------------------------------


def _envelope(seen: _Seen) -> dict[str, Any]:
    """The data of a successful Linkis envelope (_Unmapped for anything else)."""
    if seen.exchange.reply_truncated:
        raise _Unmapped("reply cut (longer than the proxy keeps)")
    body = seen.reply
    if not isinstance(body, dict) or "status" not in body:
        raise _Unmapped("reply is not a Linkis envelope")
    if body["status"] != 0:
        message = str(body.get("message") or "")[:120]
        raise _Unmapped(f"error reply (status {body['status']}): {message}")
    data = body.get("data")
    if not isinstance(data, dict):
        raise _Unmapped("envelope without a data object")
    return data


def _vias_reply(seen: _Seen) -> Any:
    """The body of a successful VIAS reply (_Unmapped for an error)."""
    status = seen.exchange.status
    if not 200 <= status < 300:
        code = _dict(seen.reply).get("error_code")
        raise _Unmapped(
            f"error reply (HTTP {status} {code})" if code else f"error reply ({status})"
        )
    if seen.exchange.reply_truncated:
        raise _Unmapped("reply cut (longer than the proxy keeps)")
    return seen.reply


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _integer(value: Any) -> int | None:
    """An integer, or a decimal string of one (Linkis sends taskIDs both ways)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and INTEGER.fullmatch(value.strip()):
        return int(value)
    return None


def _progress(value: Any) -> float | None:
    """A progress from 0 to 1: a number, or job history's decimal string ("0.5")."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if 0 <= number <= 1 else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _job_state(value: Any) -> JobState:
    try:
        return JobState(value)
    except (ValueError, TypeError):
        raise _Unmapped(f"status {value!r} is not a Linkis job state") from None


def _stage_info(value: Any) -> StageInfo | None:
    """progressInfo as (id, succeed, failed, running, total) per stage; None if odd."""
    if not isinstance(value, list):
        return None
    stages = []
    for item in map(_dict, value):
        counts = [_integer(item.get(key)) for key in STAGE_COUNTS]
        succeed, failed, running, total = (c if c is not None else -1 for c in counts)
        stages.append((str(item.get("id")), succeed, failed, running, total))
    return tuple(stages)


def _add_point(job: _JobRecord, point: _Point) -> None:
    """A progress value; a repeat of the last one (or job history's rounding of it) in
    the same state only makes it last longer."""
    point.state = job.states.latest()
    last = job.points[-1] if job.points else None
    if last is not None and last.state == point.state and _repeats(last, point):
        last.last = max(last.last, point.at)
        return
    if len(job.points) >= MAX_CHANGES:
        job.note(f"more than {MAX_CHANGES} progress values: later ones are not kept")
        return
    job.points.append(point)


def _repeats(last: _Point, new: _Point) -> bool:
    if last.precise == new.precise:
        return last.value == new.value and last.info == new.info
    if last.precise:  # job history's 2 decimals of the entrance's value
        return abs(round(last.value, 2) - new.value) <= PROGRESS_TOLERANCE
    return False


def _log_lines(value: Any) -> list[tuple[str, str]]:
    """The lines a log reply shows, each with its level."""
    if value is None:
        return []
    if isinstance(value, str):
        return [(line, _level_of(line)) for line in value.split("\n") if line.strip()]
    if isinstance(value, list) and len(value) == 4 and all(isinstance(v, str) for v in value):
        return _leveled(value)
    raise _Unmapped("log is neither the 4-element array nor a string")


def _leveled(parts: list[str]) -> list[tuple[str, str]]:
    """The ALL slot's lines, each with the level of the slot it is also in."""
    slots = [part.split("\n") if part else [] for part in parts[:3]]
    heads = [0, 0, 0]
    lines = []
    for line in parts[3].split("\n") if parts[3] else []:
        level = "INFO"
        for slot, name in enumerate(LEVELS):
            if heads[slot] < len(slots[slot]) and slots[slot][heads[slot]] == line:
                heads[slot] += 1
                level = name
                break
        if line.strip():
            lines.append((line, level))
    return lines


def _level_of(line: str) -> str:
    """A line's level by its `<timestamp> LEVEL` header (INFO without one)."""
    match = LINE_LEVEL.match(line)
    return match.group(1) if match else "INFO"


def _submitted(body: dict[str, Any], at: int, caller: str | None) -> _Submitted:
    """What a submit (current format) or execute (legacy) body asked for."""
    labels = {str(k): str(v) for k, v in _dict(body.get("labels")).items()}
    if "executionContent" in body:
        content = _dict(body["executionContent"])
        code, run_type = content.get("code"), content.get("runType") or labels.get("codeType")
        engine, creator = _text(labels.get("engineType")), None
    else:
        code, run_type = body.get("executionCode"), body.get("runType") or "sql"
        engine = _text(body.get("executeApplicationName"))
        creator = _text(body.get("requestApplicationName")) or "IDE"
    label_user, _, label_creator = labels.get("userCreator", "").partition("-")
    return _Submitted(
        at=at,
        code=str(code) if code is not None else None,
        run_type=_text(run_type),
        labels=labels,
        params=_dict(body.get("params")),
        source=_dict(body.get("source")),
        engine=engine,
        creator=label_creator or creator,
        label_user=label_user or None,
        caller=caller,
    )


def _columns(metadata: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(metadata, list):
        raise _Unmapped("result page whose metadata is not a list of columns")
    columns = []
    for item in map(_dict, metadata):
        name = _text(item.get("columnName"))
        if name is None:
            raise _Unmapped("result column without a name")
        columns.append((name, _text(item.get("dataType")) or "string"))
    return tuple(columns)


def _add_page(
    result: _Result, columns: tuple[tuple[str, str], ...], rows: list[Any], first: int
) -> None:
    if result.columns is not None and result.columns != columns:
        raise _Unmapped("result pages disagree on the columns")
    result.columns = columns
    for offset, row in enumerate(rows):
        if len(result.rows) < MAX_RESULT_ROWS or first + offset in result.rows:
            result.rows[first + offset] = list(row)
    result.count = max(result.count, first + len(rows))


def _iso_ms(value: Any) -> int | None:
    """Epoch ms of an ISO 8601 instant (UTC when it names no zone)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1000)


def _short_parts(short: str) -> tuple[str, str, str, int] | None:
    """(creator, user, engine, index) of a short execID `<creator>_<user>_<engine>_<n>`."""
    parts = short.split("_")
    if len(parts) < 4 or not parts[-1].isascii() or not parts[-1].isdigit():
        return None
    return parts[0], "_".join(parts[1:-2]), parts[-2], int(parts[-1])


def _instance_of(exec_id: str) -> str | None:
    """The entrance instance an execID names (the current layout only)."""
    body = exec_id.removeprefix("exec_id")
    app, instance = _integer(body[:3]), _integer(body[3:6])
    if body == exec_id or app is None or instance is None or app < 0 or instance < 0:
        return None
    return body[6 + app : 6 + app + instance] or None


def _rel(at: int, start: int) -> str:
    return f"+{(at - start) / 1000:.3f}s"


# ---- building a job -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Fields:
    """A job's own fields, from the best source seen for each."""

    submit_user: str
    execute_user: str
    creator: str
    engine_type: str
    engine_version: str
    run_type: str
    code: str
    labels: dict[str, str]
    params: dict[str, Any]
    source: dict[str, Any]


NO_CACHE = PlannedTimelines(size=0)  # a built job keeps its timeline: nothing is cached


def _build_job(record: _JobRecord, start: int) -> tuple[Job | None, list[str]]:
    """The job as the scenario gives it, and what of it cannot replay as seen."""
    notes = list(record.notes)
    ident = _ident(record, notes)
    moves = _job_moves(record)
    fields = _fields(record, ident.short_exec_id if ident else "")
    if ident is None or not moves or fields is None:
        why = "no taskID seen" if ident is None else "no status" if not moves else "no user"
        return None, [*notes, f"{why}: not in the scenario (a snapshot's job needs one)"]
    timeline = Timeline(
        [at for at, _ in moves],
        [state for _, state in moves],
        list(record.log.times),
        list(record.log.lines),
        list(record.log.levels),
    )
    timeline.attempts = _attempts(record, timeline, notes)
    job = _job(record, ident, fields, timeline)
    _check_states(record, timeline, notes, start)
    _check_progress(record, job, notes, start)
    _solve_stages(record, job, notes)
    _settle_errors(record, job, notes)
    _check_result(record, job, notes)
    if record.states.full:
        notes.append(f"more than {MAX_CHANGES} state changes: later ones are not kept")
    return job, notes[:MAX_NOTES]


def _job(record: _JobRecord, ident: JobIdentity, fields: _Fields, timeline: Timeline) -> Job:
    final = timeline.states[-1]
    created = _integer(record.history.get("createdTime"))
    if created is None:
        created = record.submitted.at if record.submitted else timeline.transition_times[0]
    return Job(
        ident=ident,
        submit_user=fields.submit_user,
        execute_user=fields.execute_user,
        creator=fields.creator,
        engine_type=fields.engine_type,
        engine_version=fields.engine_version,
        run_type=fields.run_type,
        code=fields.code,
        labels=fields.labels,
        params=fields.params,
        source=fields.source,
        script=_script(record, fields.code, final),
        created_ms=created,
        planned=NO_CACHE,
        killed=record.killed,
        kept_timeline=timeline,
    )


def _ident(record: _JobRecord, notes: list[str]) -> JobIdentity | None:
    """The job's ids; None without a taskID (a snapshot names every job by it)."""
    if record.task_id is None or record.task_id < 1:
        return None
    exec_id, short = record.exec_id or "", ""
    if exec_id:
        try:
            short = ExecIds("").short_of(exec_id)
        except LinkisError:
            notes.append("its execID cannot be parsed: only job history finds it")
    instance = _text(record.history.get("instance")) or _instance_of(exec_id) or ""
    return JobIdentity(record.task_id, exec_id, short, instance)


def _job_moves(record: _JobRecord) -> list[tuple[int, JobState]]:
    """The state changes; a submitted job begins Inited at its submit."""
    moves = _placed(record.states.merged(ENTRANCE))
    submitted = record.submitted
    if submitted is not None and (not moves or moves[0][1] is not JobState.INITED):
        moves.insert(0, (min([submitted.at, *(at for at, _ in moves[:1])]), JobState.INITED))
    return moves


def _placed(changes: list[_Change[S]]) -> list[tuple[int, S]]:
    """When each change happens: at the server's time for it when that lies after the
    previous look, else when it was first seen; never before the change before it."""
    moves: list[tuple[int, S]] = []
    for change in changes:
        at, hint = change.at, change.hint
        if hint is not None and hint <= at and (change.floor is None or hint > change.floor):
            at = hint
        moves.append((max(at, moves[-1][0]) if moves else at, change.value))
    return moves


def _first(*values: Any) -> str | None:
    return next((value for value in values if isinstance(value, str) and value), None)


def _fields(record: _JobRecord, short: str) -> _Fields | None:
    history, sub = record.history, record.submitted
    parsed = _short_parts(short)
    short_creator, short_user, short_engine = parsed[:3] if parsed else (None, None, None)
    execute_user = _first(
        history.get("executeUser"),
        sub.label_user if sub else None,
        sub.caller if sub else None,
        short_user,
    )
    submit_user = _first(history.get("umUser"), sub.caller if sub else None, execute_user)
    if submit_user is None or execute_user is None:
        return None
    creator = _first(
        history.get("requestApplicationName"), sub.creator if sub else None, short_creator
    )
    labels = _history_labels(history.get("labels"))
    engine_label = _first(
        labels.get("engineType"),
        sub.engine if sub else None,
        history.get("engineType"),
        short_engine,
    )
    engine, _, version = (engine_label or "").partition("-")
    run_type = _first(history.get("runType"), sub.run_type if sub else None, labels.get("codeType"))
    return _Fields(
        submit_user=submit_user,
        execute_user=execute_user,
        creator=creator or "IDE",
        engine_type=engine,
        engine_version=version or DEFAULT_ENGINE_VERSIONS.get(engine, "1"),
        run_type=run_type or "sql",
        code=_first(sub.code if sub else None, history.get("executionCode")) or "",
        labels=labels or _labels(sub, execute_user, creator or "IDE", engine, run_type or "sql"),
        params=_json_object(history.get("paramsJson")) or (dict(sub.params) if sub else {}),
        source=_json_object(history.get("sourceJson")) or (dict(sub.source) if sub else {}),
    )


def _history_labels(value: Any) -> dict[str, str]:
    """Job history's labels, `key:value` strings."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if not isinstance(value, list):
        return {}
    pairs = (str(item).partition(":") for item in value)
    return {key: text for key, sep, text in pairs if sep}


def _labels(
    sub: _Submitted | None, user: str, creator: str, engine: str, run_type: str
) -> dict[str, str]:
    """The labels as the entrance stores them: the submitted ones and its defaults."""
    labels = dict(sub.labels) if sub else {}
    labels.setdefault("userCreator", f"{user}-{creator}")
    labels.setdefault("engineType", f"{engine}-{DEFAULT_ENGINE_VERSIONS.get(engine, '1')}")
    labels.setdefault("codeType", run_type)
    return labels


def _json_object(text: Any) -> dict[str, Any] | None:
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _script(record: _JobRecord, code: str, final: JobState) -> Script:
    """What the job does, as far as a replay needs: its outcome, error text and result."""
    result = record.result
    error = record.history_error[2] if record.history_error else None
    script = Script(
        outcome=Outcome(final.value) if final.is_terminal else Outcome.SUCCEED,
        queue_s=0.0,
        running_s=0.0,
        rows=result.count if result.columns is not None else 0,
        error=error if final is JobState.FAILED and isinstance(error, str) else "",
        retries=0,
        stage_tasks=(),
        columns=tuple(Column(name, kind) for name, kind in result.columns or ()),
        digest=hashlib.sha256(f"{DEFAULT_SETTINGS.seed}\x00{code}".encode()).hexdigest(),
    )
    literal = _literal_rows(result)
    if any(script.row(index) != list(row) for index, row in enumerate(literal)):
        return replace(script, rows_data=literal)
    return script  # the mock generates these very rows: the snapshot stays lean


def _literal_rows(result: _Result) -> tuple[tuple[str, ...], ...]:
    """The rows seen from the first on, up to the first one not seen or not all text
    (a snapshot keeps a prefix of the table; later rows are generated)."""
    rows: list[tuple[str, ...]] = []
    while (row := result.rows.get(len(rows))) is not None and all(
        isinstance(value, str) for value in row
    ):
        rows.append(tuple(row))
    return tuple(rows)


# ---- progress ----------------------------------------------------------------------------


def _attempts(record: _JobRecord, timeline: Timeline, notes: list[str]) -> list[Attempt]:
    """One stopped attempt per progress value seen while running (the entrance's values
    when there are any; job history's 2 decimals otherwise)."""
    precise = [point for point in record.points if point.precise]
    return [
        _attempt(point, notes)
        for point in sorted(precise or record.points, key=lambda p: p.at)
        if timeline.state_at(point.at) is JobState.RUNNING
    ]


def _attempt(point: _Point, notes: list[str]) -> Attempt:
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


def _check_progress(record: _JobRecord, job: Job, notes: list[str], start: int) -> None:
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
            f"{_rel(at, start)} replays as {replayed}"
        )


def _progress_matches(point: _Point, replayed: float) -> bool:
    if point.precise:
        return abs(replayed - point.value) <= PROGRESS_TOLERANCE
    return abs(round(replayed, 2) - point.value) <= PROGRESS_TOLERANCE


def _solve_stages(record: _JobRecord, job: Job, notes: list[str]) -> None:
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
    for hidden in range(MAX_HIDDEN_STAGES + 1):
        job.script = replace(job.script, stage_tasks=(*totals, *(1,) * hidden))
        if all(_stages_at(job, at) == info for at, info in seen):
            return
    job.script = replace(job.script, stage_tasks=totals)
    notes.append("progressInfo replays otherwise (the mock derives it from the progress)")


def _stages_at(job: Job, at: int) -> StageInfo:
    """progressInfo as the mock's entrance gives it (reads._stages)."""
    return tuple((s.id, s.succeed, 0, min(s.running, 1), s.total) for s in job.stages(at))


# ---- states, errors, results ------------------------------------------------------------------


def _check_states(record: _JobRecord, timeline: Timeline, notes: list[str], start: int) -> None:
    """Job history's states seen while the entrance was polled too: the timeline follows
    the entrance, so where history lagged it replays otherwise."""
    for change in record.states.overlapping(ENTRANCE):
        replayed = timeline.state_at(change.at)
        if replayed is not change.value:
            notes.append(
                f"job history showed {change.value} at {_rel(change.at, start)} where the "
                f"entrance showed {replayed}; it replays as {replayed}"
            )
            return


def _settle_errors(record: _JobRecord, job: Job, notes: list[str]) -> None:
    """errCode/errDesc as job history last showed them."""
    if record.history_error is None:
        return
    at, code, desc = record.history_error
    if job.error_of(at) == (code, desc):
        return
    if isinstance(code, int) and not isinstance(code, bool) and isinstance(desc, str):
        job.error_code, job.error_desc = code, desc
        notes.append(f"errCode {code} shows in every state (a snapshot keeps no time for it)")
        return
    notes.append(f"errCode/errDesc {code!r}/{desc!r} replay as {job.error_of(at)!r}")


def _check_result(record: _JobRecord, job: Job, notes: list[str]) -> None:
    result = record.result
    if result.files is not None and result.files != (RESULT_FILE,):
        notes.append(f"result files {list(result.files)}: the mock serves one, {RESULT_FILE}")
    location = _text(record.history.get("resultLocation"))
    derived = result_location(job, DEFAULT_SETTINGS.result_root)
    if location and location.rstrip("/") != derived:
        notes.append(f"resultLocation {location} replays as {derived} (the mock derives it)")
    differ = sum(1 for index, row in result.rows.items() if job.script.row(index) != row)
    if differ:
        notes.append(
            f"{differ} result row(s) replay with other values: a snapshot keeps the rows "
            f"seen from the first on ({len(job.script.rows_data)} here) while each value is "
            "text, and the mock generates the rest"
        )


def _groups(jobs: Iterable[Job]) -> dict[str, int]:
    """The next execID index of each creator_user_engine group: past the recorded ones."""
    groups: dict[str, int] = {}
    for job in jobs:
        parts = _short_parts(job.ident.short_exec_id)
        if parts is not None:
            group = job.ident.short_exec_id.rsplit("_", 1)[0]
            groups[group] = max(groups.get(group, 0), parts[3] + 1)
    return groups


def _held(jobs: Iterable[Job], notes: list[str]) -> set[int]:
    """Jobs the entrance holds (by id()): one per short execID, the newest; an older
    one under the same short execID (another entrance instance) only in job history."""
    holders: dict[str, Job] = {}
    for job in sorted(jobs, key=lambda j: j.ident.task_id):
        short = job.ident.short_exec_id
        if short in holders:
            notes.append(
                f"job {holders[short].ident.task_id}: its short execID {short} is job "
                f"{job.ident.task_id}'s too; the entrance holds the newer"
            )
        holders[short] = job
    return {id(job) for short, job in holders.items() if short}


# ---- building a VIAS task ---------------------------------------------------------------------


def _build_task(record: _TaskRecord, sequence: int) -> tuple[ViasTask | None, list[str]]:
    notes: list[str] = []
    moves = _placed(record.states.merged(OBSERVED))
    if not moves:
        return None, [*notes, "no state seen: not in the scenario"]
    if record.spec is None:
        notes.append("its definition was not seen: it replays without one")
    if not record.service_name:
        notes.append("its service name was not seen")
    if record.deleted_at is not None:
        notes.append("it was deleted: a snapshot cannot take a task away, it stays DELETING")
    if record.states.full:
        notes.append(f"more than {MAX_CHANGES} state changes: later ones are not kept")
    created = record.created_ms if record.created_ms is not None else moves[0][0]
    states = [state for _, state in moves]
    task = ViasTask(
        record.id,
        record.project_id,
        record.service_name or "",
        dict(record.spec or {}),
        created,
        record.edited_ms or created,
        sequence,
        [at for at, _ in moves],
        cast("list[vias_api.TaskState]", states),
    )
    return task, notes[:MAX_NOTES]
