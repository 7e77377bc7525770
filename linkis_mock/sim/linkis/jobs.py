"""The job state machine.

A job's whole future is planned when it is submitted: a timeline of state
transitions and log lines stamped with simulated times. Reading a job at a
given instant is a binary search in that timeline, so jobs advance with the
clock without any background task, and a kill just cuts the timeline short.

Planning is deterministic, so a job that nothing has changed keeps only what its
timeline is planned from, and the timelines of the jobs read lately are kept in a
bounded cache: 100 000 jobs held cost their records, not their logs. A job that is
killed or forced, or whose log is long, keeps its own timeline.
"""

from __future__ import annotations

import bisect
import functools
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, TypeVar

from linkis_mock.api_types.linkis_entrance import JobState as JobStateName
from linkis_mock.sim.linkis import messages
from linkis_mock.sim.linkis.exec_ids import exec_id_prefix, make_exec_id
from linkis_mock.sim.linkis.messages import KILLED_BY_USER, STATE_LINES, failed_line, finished_line
from linkis_mock.sim.linkis.scripts import Outcome, Script, code_digest
from linkis_mock.sim.settings import Timings


class JobState(StrEnum):
    INITED = "Inited"
    WAIT_FOR_RETRY = "WaitForRetry"
    SCHEDULED = "Scheduled"
    RUNNING = "Running"
    SUCCEED = "Succeed"
    FAILED = "Failed"
    CANCELLED = "Cancelled"
    TIMEOUT = "Timeout"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL_STATES

    @property
    def api_name(self) -> JobStateName:
        """The spelling the spec's JobState enum has (checked by mypy)."""
        return STATE_NAMES[self]


STATE_NAMES: dict[JobState, JobStateName] = {
    JobState.INITED: "Inited",
    JobState.WAIT_FOR_RETRY: "WaitForRetry",
    JobState.SCHEDULED: "Scheduled",
    JobState.RUNNING: "Running",
    JobState.SUCCEED: "Succeed",
    JobState.FAILED: "Failed",
    JobState.CANCELLED: "Cancelled",
    JobState.TIMEOUT: "Timeout",
}
TERMINAL_STATES = frozenset(
    {JobState.SUCCEED, JobState.FAILED, JobState.CANCELLED, JobState.TIMEOUT}
)
KILLABLE_LATER = frozenset({JobState.RUNNING})

# One log entry (an error text, say) adds at most this many lines; the rest is summarised.
MAX_LINES_PER_ENTRY = 200


def format_log_time(at_ms: int) -> str:
    """`yyyy-MM-dd HH:mm:ss.mmm`, where the real server (a format bug) prints the minutes as mmm."""
    parts = time.gmtime(at_ms // 1000)
    return time.strftime("%Y-%m-%d %H:%M:%S", parts) + f".{parts.tm_min:03d}"


def log_line(at_ms: int, level: str, text: str) -> str:
    return f"{format_log_time(at_ms)} {level} {text}"


@dataclass(frozen=True, slots=True)
class Attempt:
    """One stretch of Running; progress is measured within the current attempt.

    `stopped_ms` is where a kill froze it: progress stays where it was, measured
    against the planned span, while the engine is being stopped.
    """

    start_ms: int
    end_ms: int
    stopped_ms: int | None = None

    def fraction_at(self, at_ms: int) -> float:
        until = at_ms if self.stopped_ms is None else min(at_ms, self.stopped_ms)
        return (until - self.start_ms) / max(self.end_ms - self.start_ms, 1)


@dataclass(slots=True)
class Timeline:
    transition_times: list[int] = field(default_factory=list)
    states: list[JobState] = field(default_factory=list)
    line_times: list[int] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)

    def move(self, at_ms: int, state: JobState) -> None:
        self.transition_times.append(at_ms)
        self.states.append(state)
        text = STATE_LINES.get(state.value)
        if text is None and state.is_terminal:
            text = finished_line(state.value)
        if text is not None:
            self.log(at_ms, "INFO", text)

    def log(self, at_ms: int, level: str, text: str) -> None:
        parts = text.split("\n")
        if len(parts) > MAX_LINES_PER_ENTRY:
            dropped = len(parts) - MAX_LINES_PER_ENTRY + 1
            parts = [*parts[: MAX_LINES_PER_ENTRY - 1], f"... ({dropped} more lines not shown)"]
        for index, part in enumerate(parts):
            self.line_times.append(at_ms)
            self.lines.append(log_line(at_ms, level, part) if index == 0 else part)
            # A line without a `<timestamp> LEVEL` header counts as INFO.
            self.levels.append(level if index == 0 else "INFO")

    def write(self, at_ms: int, level: str | None, text: str) -> None:
        """One line as a writer of the job log gives it: with the `<timestamp> LEVEL` header
        when it has a level, as it is (and counted as INFO) when not."""
        self.line_times.append(at_ms)
        if level is None:
            self.lines.append(text)
            self.levels.append("INFO")
        else:
            stamp = format_log_time(at_ms)
            self.lines.append(f"{stamp} {level} {text}" if text else f"{stamp} {level}")
            self.levels.append(level)

    def cut(self, at_ms: int) -> None:
        """Forget everything planned after `at_ms`."""
        keep_moves = bisect.bisect_right(self.transition_times, at_ms)
        del self.transition_times[keep_moves:], self.states[keep_moves:]
        keep_lines = bisect.bisect_right(self.line_times, at_ms)
        del self.line_times[keep_lines:], self.lines[keep_lines:], self.levels[keep_lines:]
        self.attempts = [
            a if a.end_ms <= at_ms else Attempt(a.start_ms, a.end_ms, stopped_ms=at_ms)
            for a in self.attempts
            if a.start_ms <= at_ms
        ]

    def state_at(self, at_ms: int) -> JobState:
        index = bisect.bisect_right(self.transition_times, at_ms) - 1
        return self.states[max(index, 0)]

    def moved_at(self, at_ms: int) -> int:
        index = bisect.bisect_right(self.transition_times, at_ms) - 1
        return self.transition_times[max(index, 0)]

    def lines_visible(self, at_ms: int) -> int:
        return bisect.bisect_right(self.line_times, at_ms)

    @property
    def ends_at(self) -> int:
        return self.transition_times[-1]


LogEntry = tuple[str | None, str]  # (level, text): no level for a line without the header
# The interceptors' lines most jobs have, in every job's intake: each job holds these very
# objects (shared_entry), and the state file writes their index here instead of the line.
COMMON_INTAKE_LINES: tuple[LogEntry, ...] = (
    ("INFO", messages.SUBSTITUTING),
    ("INFO", messages.SUBSTITUTION_ENDED),
    ("INFO", messages.JOB_VARIABLES),
    (None, messages.VARIABLE_BANNER),
    (None, ""),
    ("INFO", messages.SCRIPT_CODE_INTRO),
    (None, messages.SCRIPT_CODE_BANNER),
    ("WARN", messages.LIMIT_ADDED),
    ("WARN", messages.LIMIT_LOWERED),
    ("INFO", messages.SQL_CHECK_PASSED),
    ("WARN", messages.NOT_LIMITED.rstrip()),
    ("WARN", messages.FULL_EXPORT),
    ("INFO", messages.AISQL_TASK),
)
COMMON_INTAKE_INDEX = {line: index for index, line in enumerate(COMMON_INTAKE_LINES)}


def shared_entry(entry: LogEntry) -> LogEntry:
    """The one object of a common line (a job's intake holds a dozen: 600 bytes a job
    each held its own), or the entry itself."""
    index = COMMON_INTAKE_INDEX.get(entry)
    return entry if index is None else COMMON_INTAKE_LINES[index]


CODE_BANNER_LINE: LogEntry = (None, messages.SCRIPT_CODE_BANNER)


@dataclass(frozen=True, slots=True)
class Intake:
    """What the entrance's interceptors made of a job (linkis_mock.sim.linkis.interceptors):
    the code the engine runs, which job history shows from the job's first status update
    on, and the lines they wrote at the head of its log (`log`).

    The log is kept in three parts: the lines before the code they show, that code as one
    text, and the lines after it. The lines around repeat from job to job and are shared
    (SharedIntakes), and the code shown is mostly the code as submitted, the very string
    the job's Submission holds: a job whose code differs from every other's then holds no
    log lines of its own (about 190 bytes a job). `of` splits a log so."""

    code: str
    head: tuple[LogEntry, ...] = ()
    shown: str | None = None  # one line each, without a header; None: no code shown
    tail: tuple[LogEntry, ...] = ()

    @classmethod
    def of(cls, code: str, log: tuple[LogEntry, ...], submitted_code: str = "") -> Intake:
        """`log` split around the code lines after the first code banner, if any."""
        try:
            start = log.index(CODE_BANNER_LINE) + 1
        except ValueError:
            return cls(code, log)
        end = start
        while end < len(log) and _code_line(log[end]):
            end += 1
        if end == start:
            return cls(code, log)
        shown = "\n".join(text for _, text in log[start:end])
        if shown == submitted_code:
            shown = submitted_code
        return cls(code, log[:start], shown, log[end:])

    @property
    def log(self) -> tuple[LogEntry, ...]:
        if self.shown is None:
            return self.head
        return (*self.head, *((None, line) for line in self.shown.split("\n")), *self.tail)


@dataclass(frozen=True, slots=True)
class JobIdentity:
    """A job's ids. Its execID is derived from the short one and the instance, as the
    entrance makes it (exec_ids.py), not kept: a hundred bytes a job. Only an execID the
    derivation would not give (a recording's, from a real entrance) is kept as given;
    `of` decides."""

    task_id: int
    short_exec_id: str
    instance: str
    given_exec_id: str | None = None

    @classmethod
    def of(cls, task_id: int, exec_id: str, short_exec_id: str, instance: str) -> JobIdentity:
        if short_exec_id:
            prefix = exec_id_prefix(instance)
            derived = exec_id.startswith(prefix) and exec_id[len(prefix) :] == short_exec_id
        else:
            derived = not exec_id
        if derived:
            return cls(task_id, short_exec_id, instance)
        return cls(task_id, short_exec_id, instance, exec_id)

    @property
    def exec_id(self) -> str:
        if self.given_exec_id is not None:
            return self.given_exec_id
        return make_exec_id(self.instance, self.short_exec_id) if self.short_exec_id else ""

    def as_json(self) -> dict[str, object]:
        """The snapshot's form, the execID written out."""
        return {
            "task_id": self.task_id,
            "exec_id": self.exec_id,
            "short_exec_id": self.short_exec_id,
            "instance": self.instance,
        }


def plan_timeline(
    ident: JobIdentity,
    script: Script,
    timings: Timings,
    submitted_ms: int,
    via_execute: bool,
    *,
    intake: Intake | None = None,
) -> Timeline:
    """The whole planned life of a job, from submission to its final state. The
    interceptors' lines come first, twice: the entrance writes them when it builds the
    job and again before it schedules it (docs/reference/linkis-interceptors.md §9)."""
    t = Timeline()
    t.move(submitted_ms, JobState.INITED)
    if intake is not None:
        write_intake_log(t, submitted_ms, intake)
        write_intake_log(t, submitted_ms, intake)
    t.log(
        submitted_ms,
        "INFO",
        f"Job with jobId : {ident.task_id} and execID : {ident.short_exec_id} submitted ",
    )
    job_ref = (
        f"jobID is {ident.exec_id} and taskID is {ident.task_id}"
        if via_execute
        else f"jobID is {ident.short_exec_id} and jobReqId is {ident.task_id}"
    )
    t.log(
        submitted_ms,
        "INFO",
        f"Your job is accepted,  {job_ref} in ServiceInstance(linkis-cg-entrance, "
        f"{ident.instance}, {submitted_ms}). \n Please wait it to be scheduled"
        "(您的任务已经提交，进入排队中，请耐心等待调度)",
    )
    if script.directive_problem:
        t.log(
            submitted_ms,
            "WARN",
            f"Invalid @mock directive, the job will fail: {script.directive_problem}",
        )
    now = submitted_ms + _ms(timings.inited)
    for retry in range(script.retries):
        now = _attempt(t, script, now, timings, fraction=0.4)
        t.log(
            now,
            "WARN",
            f"Job {ident.task_id} failed with a retryable engine error "
            f"(attempt {retry + 1}), the entrance will retry it.",
        )
        t.move(now, JobState.WAIT_FOR_RETRY)
        now += _ms(timings.retry_wait)
    end = _attempt(t, script, now, timings, fraction=1.0)
    _finish(t, script, end)
    return t


def write_intake_log(t: Timeline, at_ms: int, intake: Intake) -> None:
    for level, text in intake.log:
        t.write(at_ms, level, text)


def _attempt(t: Timeline, script: Script, start: int, timings: Timings, fraction: float) -> int:
    t.move(start, JobState.SCHEDULED)
    running_from = start + _ms(script.queue_s)
    t.move(running_from, JobState.RUNNING)
    running_ms = _ms(script.running_s * fraction)
    engine = "ServiceInstance(linkis-cg-engineconn, 127.0.0.1:41761)"
    t.log(running_from, "INFO", f"Succeed to create new ec : {engine}")
    t.log(running_from, "INFO", f"Task submit to ec: {engine} get engineConnExecId is: 1")
    stage_count = len(script.stage_tasks)
    progress_lines = [
        (
            running_from + running_ms * (stage + 1) // (stage_count + 1),
            f"Stage-{stage}: {total}/{total} tasks finished",
        )
        for stage, total in enumerate(script.stage_tasks)
    ]
    if fraction == 1.0:
        progress_lines += _engine_lines(script.log_lines, running_from, running_ms)
    for at, text in sorted(progress_lines, key=lambda line: line[0]):
        t.log(at, "INFO", text)
    end = running_from + running_ms
    t.attempts.append(Attempt(running_from, end))
    return end


def _engine_lines(count: int, start: int, span_ms: int) -> list[tuple[int, str]]:
    """`--@mock log_lines=N`: N engine lines spread evenly over the run."""
    return [
        (
            start + span_ms * (number + 1) // (count + 1),
            f"EngineConn output line {number + 1} of {count}",
        )
        for number in range(count)
    ]


def _finish(t: Timeline, script: Script, end: int) -> None:
    if script.outcome is Outcome.SUCCEED:
        t.log(end, "INFO", f"Res:_0.dolphin written, {script.rows} rows")
        t.move(end, JobState.SUCCEED)
    elif script.outcome is Outcome.FAILED:
        t.log(end, "ERROR", failed_line(script.error))
        t.move(end, JobState.FAILED)
    elif script.outcome is Outcome.CANCELLED:
        t.log(end, "ERROR", failed_line(KILLED_BY_USER))
        t.log(end, "ERROR", KILLED_BY_USER)
        t.move(end, JobState.CANCELLED)
    else:
        t.log(end, "ERROR", "Job is timeout, the entrance cancelled it.")
        t.move(end, JobState.TIMEOUT)


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


@dataclass(slots=True)
class ProgressStage:
    id: str
    succeed: int
    running: int
    total: int


@dataclass(frozen=True, slots=True)
class Plan:
    """What a job's timeline is planned from, besides the job's own ids, script and
    submission time."""

    timings: Timings
    via_execute: bool
    seed: int  # the server's, which with the code seeds the result rows (Job.digest)


@functools.lru_cache(maxsize=64)
def shared_plan(timings: Timings, via_execute: bool, seed: int) -> Plan:
    """The one Plan of all the jobs planned alike (nearly all of them share a few): a job
    holds it, not a copy of its own (48 bytes a job)."""
    return Plan(timings, via_execute, seed)


# Timelines of this many jobs read lately are kept, planned ones recomputed past it.
PLANNED_CACHE_SIZE = 4096
# A planned timeline with more lines than this stays with its job (planning it again
# would cost what its length costs).
KEEP_TIMELINES_OVER = 64


class PlannedTimelines:
    """A bounded cache of planned timelines, by job (identity, not equality); each job
    store has its own."""

    def __init__(self, size: int = PLANNED_CACHE_SIZE) -> None:
        self._size = size
        self._entries: OrderedDict[int, tuple[Job, Timeline]] = OrderedDict()

    def get(self, job: Job) -> Timeline | None:
        entry = self._entries.get(id(job))
        if entry is None or entry[0] is not job:
            return None
        self._entries.move_to_end(id(job))
        return entry[1]

    def put(self, job: Job, timeline: Timeline) -> None:
        self._entries[id(job)] = (job, timeline)
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def take(self, job: Job) -> None:
        """The job keeps its timeline from now on (it is about to change it)."""
        entry = self._entries.get(id(job))
        if entry is not None and entry[0] is job:
            del self._entries[id(job)]

    def __len__(self) -> int:
        return len(self._entries)


V = TypeVar("V")
# Distinct records (labels, params, source) shared between jobs, at most.
SHARED_RECORDS_MAX = 4096


class SharedRecords:
    """Equal records given once: a job's labels, params and source never change after
    submit, and most jobs have the same ones. A flat record is shared read-only (a
    MappingProxyType), so no job can change another's; a nested one stays its own."""

    def __init__(self, capacity: int = SHARED_RECORDS_MAX) -> None:
        self._capacity = capacity
        self._records: dict[tuple[tuple[str, Any], ...], Mapping[str, Any]] = {}

    def share(self, record: dict[str, V]) -> Mapping[str, V]:
        try:
            key = tuple(sorted(record.items()))
            hash(key)
        except TypeError:  # nested values: this record stays the job's own
            return record
        found = self._records.get(key)
        if found is not None:
            return found
        shared = MappingProxyType(dict(record))
        if len(self._records) < self._capacity:
            self._records[key] = shared
        return shared


def _code_line(entry: LogEntry) -> bool:
    """A line of the code the log shows: no header, and one line (a snapshot could give
    a text with a line break, which the split would not give back)."""
    level, text = entry
    return level is None and entry != CODE_BANNER_LINE and "\n" not in text


class SharedIntakes:
    """Equal intakes given once: jobs that submit the same code with the same variables
    share what the interceptors made of it; jobs whose code differs share the lines
    around it (Intake)."""

    def __init__(self, capacity: int = SHARED_RECORDS_MAX) -> None:
        self._capacity = capacity
        # By code, shown code and the ids of the lines around: no tuple of lines hashed
        # again. An id names one object while that object lives, and the intake kept
        # under a key holds the lines whose ids the key has.
        self._intakes: dict[tuple[str, int, str | None, int], Intake] = {}
        self._lines: dict[tuple[LogEntry, ...], tuple[LogEntry, ...]] = {}
        self._lines_by_id: dict[int, tuple[LogEntry, ...]] = {}

    def share(self, intake: Intake) -> Intake:
        head, tail = self.shared_lines(intake.head), self.shared_lines(intake.tail)
        key = (intake.code, id(head), intake.shown, id(tail))
        found = self._intakes.get(key)
        if found is not None:
            return found
        if head is not intake.head or tail is not intake.tail:
            intake = Intake(intake.code, head, intake.shown, tail)
        if len(self._intakes) < self._capacity:
            self._intakes[key] = intake
        return intake

    def shared_lines(self, lines: tuple[LogEntry, ...]) -> tuple[LogEntry, ...]:
        """The one object of these lines (known by identity first: a restart's reader
        gives the same objects again and again; those kept live as long as this)."""
        if id(lines) in self._lines_by_id:
            return lines
        found = self._lines.get(lines)
        if found is not None:
            return found
        if len(self._lines) < self._capacity:
            self._lines[lines] = self._lines_by_id[id(lines)] = lines
        return lines


def group_key(creator: str, user: str, engine: str) -> str:
    """The entrance's creator_user_engineType group: execIDs and queues are per group."""
    return f"{creator}_{user}_{engine}"


@dataclass(frozen=True, slots=True)
class Submission:
    """What a job was submitted as, the one definition of these fields: the parser builds
    it, job history shows it, and the snapshot, the state file and the proxy's recorder
    write and read it. `engine_type` and `labels` are the engine the job runs on, after
    the interceptors (AISQL may move a job to another); `code` is the code as submitted
    (the job's intake holds what the interceptors made of it)."""

    submit_user: str
    execute_user: str
    creator: str
    engine_type: str
    engine_version: str
    run_type: str
    code: str
    labels: Mapping[str, str]
    params: Mapping[str, object]
    source: Mapping[str, object]


@dataclass(slots=True)
class Job:
    ident: JobIdentity
    submitted: Submission
    script: Script
    created_ms: int
    planned: PlannedTimelines  # the cache this job's planned timeline may be kept in
    error_code: int | None = None
    error_desc: str | None = None
    killed: bool = False
    # What the timeline is planned from (at created_ms), and the timeline itself once the
    # job has its own (it then counts instead).
    plan: Plan | None = None
    kept_timeline: Timeline | None = None
    # What the interceptors made of it; None for jobs of a recording or an older snapshot,
    # whose code is shown as it is.
    intake: Intake | None = None

    @property
    def timeline(self) -> Timeline:
        if self.kept_timeline is not None:
            return self.kept_timeline
        cached = self.planned.get(self)
        if cached is not None:
            return cached
        if self.plan is None:
            raise ValueError(f"job {self.ident.task_id} has neither a plan nor a timeline")
        timeline = plan_timeline(
            self.ident,
            self.script,
            self.plan.timings,
            self.created_ms,
            self.plan.via_execute,
            intake=self.intake,
        )
        if len(timeline.lines) > KEEP_TIMELINES_OVER:
            self.kept_timeline = timeline
        else:
            self.planned.put(self, timeline)
        return timeline

    @property
    def digest(self) -> str:
        """What seeds the job's result rows: its script's own, else its code's with the
        seed it was planned with."""
        if self.script.digest is not None:
            return self.script.digest
        if self.plan is None:
            raise ValueError(f"job {self.ident.task_id} has neither a plan nor a digest")
        return code_digest(self.plan.seed, self.submitted.code)

    def _own_timeline(self) -> Timeline:
        """The timeline, kept by this job from now on, for a change only it will have."""
        timeline = self.timeline
        self.planned.take(self)
        self.kept_timeline = timeline
        return timeline

    def state(self, now_ms: int) -> JobState:
        return self.timeline.state_at(now_ms)

    def progress(self, now_ms: int) -> float:
        state = self.state(now_ms)
        if state.is_terminal:
            return 1.0
        attempt = self._current_attempt(now_ms)
        if state is not JobState.RUNNING or attempt is None:
            return 0.0
        return round(min(attempt.fraction_at(now_ms), 0.99), 4)

    def stages(self, now_ms: int) -> list[ProgressStage]:
        """Spark-like stage counters; only while running, as the real progressInfo."""
        if self.state(now_ms) is not JobState.RUNNING:
            return []
        done = self.progress(now_ms) * len(self.script.stage_tasks)
        stages = []
        for index, total in enumerate(self.script.stage_tasks):
            if done < index:
                break
            succeed = total if done >= index + 1 else int((done - index) * total)
            stages.append(ProgressStage(f"stage_{index}", succeed, total - succeed, total))
        return stages

    def _current_attempt(self, now_ms: int) -> Attempt | None:
        current = None
        for attempt in self.timeline.attempts:
            if attempt.start_ms <= now_ms:
                current = attempt
        return current

    def kill(self, now_ms: int, delay_ms: int, lines: tuple[str, ...] = ()) -> None:
        """Cancel a live job: at once before it runs, `delay_ms` later while it runs.

        A job already being killed keeps its cancel time: killing again changes nothing.
        """
        state = self.state(now_ms)
        if state.is_terminal:
            raise ValueError("a finished job cannot be killed")
        if self.killed:
            return
        self._own_timeline().cut(now_ms)
        self.timeline.log(now_ms, "ERROR", failed_line(KILLED_BY_USER))
        self.timeline.log(now_ms, "ERROR", KILLED_BY_USER)
        for text in lines:
            self.timeline.log(now_ms, "INFO", text)
        cancelled_at = now_ms + delay_ms if state in KILLABLE_LATER else now_ms
        self.timeline.move(cancelled_at, JobState.CANCELLED)
        self.killed = True

    def force(self, now_ms: int, state: JobState, error: str, timings: Timings) -> None:
        """Move a live job to `state` now, with the log lines that state brings.

        WaitForRetry is a detour: the job is scheduled and runs again, to the
        outcome its code asks for.
        """
        if self.state(now_ms).is_terminal:
            raise ValueError(f"job {self.ident.task_id} already finished as {self.state(now_ms)}")
        if state is JobState.CANCELLED:
            self.kill(now_ms, 0)
            return
        t = self._own_timeline()
        t.cut(now_ms)
        if state is JobState.WAIT_FOR_RETRY:
            t.log(
                now_ms,
                "WARN",
                f"Job {self.ident.task_id} failed with a retryable engine "
                "error, the entrance will retry it.",
            )
            t.move(now_ms, JobState.WAIT_FOR_RETRY)
            end = _attempt(t, self.script, now_ms + _ms(timings.retry_wait), timings, 1.0)
            _finish(t, self.script, end)
        elif state is JobState.FAILED:
            self.error_code, self.error_desc = 10001, error
            t.log(now_ms, "ERROR", failed_line(error))
            t.move(now_ms, JobState.FAILED)
        elif state is JobState.SUCCEED:
            t.log(now_ms, "INFO", f"Res:_0.dolphin written, {self.script.rows} rows")
            t.move(now_ms, JobState.SUCCEED)
        elif state is JobState.TIMEOUT:
            t.log(now_ms, "ERROR", "Job is timeout, the entrance cancelled it.")
            t.move(now_ms, JobState.TIMEOUT)
        else:
            raise ValueError(f"a job cannot be moved to {state}")

    def code_at(self, now_ms: int) -> str:
        """The code job history holds: as submitted until the first status update, which
        writes the interceptors' code (docs/reference/linkis-interceptors.md §13)."""
        if self.intake is None or self.state(now_ms) is JobState.INITED:
            return self.submitted.code
        return self.intake.code

    @property
    def group(self) -> str:
        return group_key(
            self.submitted.creator, self.submitted.execute_user, self.submitted.engine_type
        )

    def error_of(self, now_ms: int) -> tuple[int | None, str | None]:
        """(errCode, errDesc) as job history shows them at `now_ms`."""
        state = self.state(now_ms)
        if self.error_code is not None and self.error_desc is not None:
            return self.error_code, self.error_desc
        if state is JobState.FAILED:
            return 10001, self.script.error
        if state is JobState.CANCELLED:
            return None, KILLED_BY_USER
        if state is JobState.TIMEOUT:
            return None, "Job is timeout"
        return None, None
