"""The whole simulated world as plain JSON, and back: jobs with their timelines and logs,
VIAS tasks, login sessions, id counters and the clock.

A snapshot restores exactly: the same ids, the same logs so far, the same
futures planned. `restore` checks everything before it replaces anything, so a
bad snapshot changes nothing.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Mapping
from dataclasses import asdict, fields, replace
from typing import Any

import orjson

from linkis_mock.sim.clock import checked_instant, checked_speed
from linkis_mock.sim.linkis.jobs import (
    COMMON_INTAKE_INDEX,
    COMMON_INTAKE_LINES,
    Attempt,
    Intake,
    Job,
    JobIdentity,
    JobState,
    LogEntry,
    Plan,
    Submission,
    Timeline,
    shared_entry,
    shared_plan,
)
from linkis_mock.sim.linkis.scripts import (
    Column,
    Outcome,
    Script,
    code_digest,
    shared_script,
    shared_stage_tasks,
)
from linkis_mock.sim.settings import Timings
from linkis_mock.sim.storage.job_store import JobStore
from linkis_mock.sim.storage.session_store import Session
from linkis_mock.sim.storage.stores import Stores
from linkis_mock.sim.storage.variable_store import variables_from_json, variables_to_json
from linkis_mock.sim.vias.tasks import ViasTask

VERSION = 1


class SnapshotError(ValueError):
    """A snapshot this mock cannot restore."""


def take(stores: Stores, *, sessions: bool = True) -> dict[str, Any]:
    """`sessions`: with the live sessions (their tickets let anyone act as their users)."""
    clock = stores.clock.reading()
    jobs = stores.jobs
    last_task_id, groups = jobs.counters()
    return {
        "version": VERSION,
        "clock": {"nowMs": clock.now_ms, "frozen": clock.frozen, "speed": clock.speed},
        "counters": {
            "lastTaskId": last_task_id,
            "groups": groups,
            "tasksCreated": stores.vias_tasks.created,
        },
        "jobs": [job_to_json(job, jobs.is_held(job)) for job in jobs.all_jobs()],
        "tasks": [task_to_json(task) for task in stores.vias_tasks.all_tasks()],
        "sessions": [
            {"ticket": ticket, "user": s.user, "lastUsedMs": s.last_used_ms}
            for ticket, s in (stores.sessions.all().items() if sessions else ())
        ],
        "variables": variables_to_json(stores.variables),
    }


def check_version(data: Any) -> None:
    """SnapshotError unless `data` is a snapshot of the version this mock restores."""
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise SnapshotError(f"this mock restores snapshot version {VERSION}")


def restore(stores: Stores, data: Any) -> None:
    check_version(data)
    try:
        jobs = [job_from_json(item, stores.jobs) for item in data["jobs"]]
        let_go = frozenset(
            job.ident.task_id
            for job, item in zip(jobs, data["jobs"], strict=True)
            if item.get("held", True) is False
        )
        tasks = [task_from_json(item) for item in data["tasks"]]
        sessions = {
            item["ticket"]: Session(item["user"], int(item["lastUsedMs"]))
            for item in data["sessions"]
        }
        counters, clock = data["counters"], data["clock"]
        groups = {str(k): int(v) for k, v in counters["groups"].items()}
        last_task_id, created = int(counters["lastTaskId"]), int(counters["tasksCreated"])
        # An older mock's snapshot has no global variables: the config's seeds then.
        variables = variables_from_json(data["variables"]) if "variables" in data else None
        now_ms, frozen, speed = (
            checked_instant(int(clock["nowMs"])),
            bool(clock["frozen"]),
            checked_speed(float(clock["speed"])),
        )
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise SnapshotError(f"malformed snapshot: {exc!r}") from exc
    if jobs and last_task_id < max(job.ident.task_id for job in jobs):
        raise SnapshotError("counters.lastTaskId is below a job's taskID")
    stores.jobs.load(jobs, last_task_id, groups, let_go)
    stores.vias_tasks.load(tasks, created)
    stores.sessions.load(sessions)
    if variables is None:
        stores.variables.clear()
    else:
        stores.variables.load(*variables)
    stores.clock.restart(now_ms)
    stores.clock.configure(frozen=frozen, speed=speed)


def job_to_json(job: Job, held: bool) -> dict[str, Any]:
    """`held`: the entrance still holds the job (false once it made way for newer ones).

    `job_from_json` also reads a state file's rows of layout 1, which gave a job nothing
    changed its plan instead of its timeline, and its common log lines by number
    (`lines_to_json`); the rows of today's layout are job_rows.py's."""
    data: dict[str, Any] = {
        "ident": job.ident.as_json(),
        "held": held,
        **submission_to_json(job.submitted),
        "createdMs": job.created_ms,
        "errorCode": job.error_code,
        "errorDesc": job.error_desc,
        "killed": job.killed,
        "intake": intake_to_json(job.intake),
        "script": {**script_to_json(job.script), "digest": job.digest},
        "timeline": timeline_to_json(job.timeline),
    }
    return data


def script_to_json(script: Script) -> dict[str, Any]:
    """A script, without its digest (the job's, Job.digest, is written beside it)."""
    data = {
        **asdict(script),
        "outcome": script.outcome.value,
        "stage_tasks": list(script.stage_tasks),
        "columns": [asdict(column) for column in script.columns],
    }
    del data["digest"]
    rows_data = data.pop("rows_data")
    if rows_data:  # only a recording's jobs have literal rows
        data["rows_data"] = [list(row) for row in rows_data]
    return data


def plan_to_json(plan: Plan) -> dict[str, Any]:
    return {"timings": asdict(plan.timings), "viaExecute": plan.via_execute, "seed": plan.seed}


def timeline_to_json(t: Timeline) -> dict[str, Any]:
    return {
        "transitionTimes": t.transition_times,
        "states": [s.value for s in t.states],
        "lineTimes": t.line_times,
        "lines": t.lines,
        "levels": t.levels,
        "attempts": [asdict(a) for a in t.attempts],
    }


def _json_name(field: str) -> str:
    """A Submission field's name in a snapshot: `submit_user` -> `submitUser`."""
    head, *rest = field.split("_")
    return head + "".join(part.title() for part in rest)


SUBMISSION_MEMBERS = {field.name: _json_name(field.name) for field in fields(Submission)}


def submission_to_json(submitted: Submission) -> dict[str, Any]:
    values = ((member, getattr(submitted, name)) for name, member in SUBMISSION_MEMBERS.items())
    return {
        member: dict(value) if isinstance(value, Mapping) else value for member, value in values
    }


def submission_from_json(item: dict[str, Any], store: JobStore) -> Submission:
    """Names repeat across jobs (one string each, interned) and so do label, params and
    source maps (shared through the store's records); long code is kept as it is."""
    values = {
        name: submission_value(name, item[member], store)
        for name, member in SUBMISSION_MEMBERS.items()
    }
    return Submission(**values)


def submission_value(name: str, value: Any, store: JobStore) -> Any:
    """A Submission field's value as jobs hold it: maps shared, names interned."""
    if isinstance(value, dict):
        return store.records.share(dict(value))
    if name != "code":
        return sys.intern(value)
    return value


def job_from_json(item: dict[str, Any], store: JobStore) -> Job:
    """A job as saved, for `store` (which keeps its timeline cache and shared records)."""
    plan, timeline, seed = None, None, None
    if "plan" in item:
        p = item["plan"]
        # An older mock's plan does not name its seed: its jobs keep their digests.
        seed = None if "seed" not in p else int(p["seed"])
        plan = shared_plan(timings_from_json(p["timings"]), bool(p["viaExecute"]), seed or 0)
    else:
        timeline = timeline_from_json(item["timeline"])
    submitted = submission_from_json(item, store)
    return Job(
        ident=JobIdentity.of(**item["ident"]),
        submitted=submitted,
        script=_script_from(item["script"], seed, submitted.code),
        plan=plan,
        kept_timeline=timeline,
        created_ms=int(item["createdMs"]),
        planned=store.planned,
        error_code=item["errorCode"],
        error_desc=item["errorDesc"],
        killed=bool(item["killed"]),
        intake=intake_from_json(item.get("intake"), store, submitted.code),
    )


def intake_to_json(intake: Intake | None) -> dict[str, Any] | None:
    if intake is None:
        return None
    log = [{"level": level, "text": text} for level, text in intake.log]
    return {"code": intake.code, "log": log}


def lines_to_json(lines: tuple[LogEntry, ...]) -> list[Any]:
    """Log lines as a state row holds them: a common one by its number in
    COMMON_INTAKE_LINES, another as [level, text] (log_entry_from_json reads both)."""
    return [COMMON_INTAKE_INDEX.get(line, list(line)) for line in lines]


def intake_from_json(item: Any, store: JobStore, submitted_code: str) -> Intake | None:
    """An older mock's job has no intake: its code is shown as submitted."""
    if item is None:
        return None
    log = tuple(
        COMMON_INTAKE_LINES[line] if type(line) is int else log_entry_from_json(line)
        for line in item["log"]
    )
    return store.intakes.share(Intake.of(str(item["code"]), log, submitted_code))


def log_entry_from_json(line: Any) -> LogEntry:
    if isinstance(line, int) and not isinstance(line, bool):
        return COMMON_INTAKE_LINES[line]
    level, text = (line["level"], line["text"]) if isinstance(line, dict) else line
    return shared_entry((None if level is None else str(level), str(text)))


def _script_from(s: dict[str, Any], seed: int | None, code: str) -> Script:
    """Jobs with equal scripts share one (a restart with many jobs stays lean): a digest
    the job's seed and code give is not kept. A restart reads many jobs whose scripts are
    alike but for the digest: the rest is read once (_script_of)."""
    digest = str(s["digest"])
    derived = seed is not None and code_digest(seed, code) == digest
    try:
        text = orjson.dumps({**s, "digest": None})
    except TypeError:  # what orjson will not write (an integer past 64 bits) is read here
        script = script_from_json(s)
    else:
        script = _script_of(text)
    return script if derived else replace(script, digest=digest)


@functools.lru_cache(maxsize=4096)
def _script_of(text: bytes) -> Script:
    return script_from_json(orjson.loads(text))


def script_from_json(s: dict[str, Any]) -> Script:
    """A script from its JSON, without its digest; raises for one that is not a script."""
    script = Script(
        outcome=Outcome(s["outcome"]),
        queue_s=float(s["queue_s"]),
        running_s=float(s["running_s"]),
        rows=int(s["rows"]),
        error=sys.intern(str(s["error"])),
        retries=int(s["retries"]),
        stage_tasks=shared_stage_tasks(tuple(int(x) for x in s["stage_tasks"])),
        columns=_shared_columns(tuple((str(c["name"]), str(c["data_type"])) for c in s["columns"])),
        directive_problem=s.get("directive_problem"),
        log_lines=int(s.get("log_lines", 0)),
        diagnosis=s.get("diagnosis"),
        rows_data=tuple(tuple(str(value) for value in row) for row in s.get("rows_data", ())),
    )
    if len(script.rows_data) > script.rows:
        raise ValueError(f"{len(script.rows_data)} rows_data for a result of {script.rows} rows")
    if any(len(row) != len(script.columns) for row in script.rows_data):
        raise ValueError(f"a row in rows_data without one value per column of {script.columns}")
    return shared_script(script)


# A script's parts repeat across jobs whose code differs (every `select n` has the same
# columns and error text): shared, a restart holds them once, as the submits that made
# them did, instead of once per job (the stage layouts: scripts.shared_stage_tasks).
@functools.lru_cache(maxsize=1024)
def _shared_columns(columns: tuple[tuple[str, str], ...]) -> tuple[Column, ...]:
    return tuple(Column(name, data_type) for name, data_type in columns)


def timeline_from_json(t: dict[str, Any]) -> Timeline:
    timeline = Timeline(
        transition_times=[int(x) for x in t["transitionTimes"]],
        states=[JobState(x) for x in t["states"]],
        line_times=[int(x) for x in t["lineTimes"]],
        lines=[str(x) for x in t["lines"]],
        levels=[str(x) for x in t["levels"]],
        attempts=[
            Attempt(int(a["start_ms"]), int(a["end_ms"]), a.get("stopped_ms"))
            for a in t["attempts"]
        ],
    )
    if not timeline.states or not (
        len(timeline.states) == len(timeline.transition_times)
        and len(timeline.lines) == len(timeline.line_times) == len(timeline.levels)
    ):
        raise ValueError("a job's timeline lists are of different lengths")
    return timeline


def timings_from_json(raw: dict[str, Any]) -> Timings:
    """The timings a job was planned with; jobs planned alike share one object. Keyed by
    the items as saved: one lookup for each of a restart's 100 000 jobs (a value that is
    not hashable is a TypeError, as float() of it would be)."""
    return _shared_timings(tuple(raw.items()))


@functools.lru_cache(maxsize=64)
def _shared_timings(items: tuple[tuple[str, Any], ...]) -> Timings:
    return Timings(**{str(k): float(v) for k, v in items})


def task_to_json(task: ViasTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "projectId": task.project_id,
        "serviceName": task.service_name,
        "spec": task.spec,
        "createdMs": task.created_ms,
        "editedMs": task.edited_ms,
        "sequence": task.sequence,
        "times": task.times,
        "states": list(task.states),
    }


def task_from_json(item: dict[str, Any]) -> ViasTask:
    task = ViasTask(
        str(item["id"]),
        str(item["projectId"]),
        str(item["serviceName"]),
        dict(item["spec"]),
        int(item["createdMs"]),
        int(item["editedMs"]),
        int(item["sequence"]),
        [int(x) for x in item["times"]],
        list(item["states"]),
    )
    if not task.states or len(task.states) != len(task.times):
        raise ValueError("a task's times and states are of different lengths")
    return task
