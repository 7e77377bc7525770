"""Building a job of the scenario from what was recorded of it, and what of it cannot
replay as seen."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from linkis_mock.proxy.recording import caps
from linkis_mock.proxy.recording.progress import attempts, check_progress, solve_stages
from linkis_mock.proxy.recording.records import ENTRANCE, Change, JobRecord, Result, S, Submitted
from linkis_mock.proxy.recording.replies import instance_of, integer, rel, short_parts, text
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.exec_ids import ExecIds
from linkis_mock.sim.linkis.jobs import (
    Job,
    JobIdentity,
    JobState,
    PlannedTimelines,
    Submission,
    Timeline,
)
from linkis_mock.sim.linkis.query_task import RESULT_FILE, result_location
from linkis_mock.sim.linkis.scripts import Column, Outcome, Script, code_digest
from linkis_mock.sim.settings import DEFAULT_ENGINE_VERSIONS, SimSettings

DEFAULT_SETTINGS = SimSettings()

# ---- building a job -------------------------------------------------------------------------


NO_CACHE = PlannedTimelines(size=0)  # a built job keeps its timeline: nothing is cached


def build_job(record: JobRecord, start: int) -> tuple[Job | None, list[str]]:
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
    timeline.attempts = attempts(record, timeline, notes)
    job = _job(record, ident, fields, timeline)
    _check_states(record, timeline, notes, start)
    check_progress(record, job, notes, start)
    solve_stages(record, job, notes)
    _settle_errors(record, job, notes)
    _check_result(record, job, notes)
    if record.states.full:
        notes.append(f"more than {caps.MAX_CHANGES} state changes: later ones are not kept")
    return job, notes[: caps.MAX_NOTES]


def _job(record: JobRecord, ident: JobIdentity, fields: Submission, timeline: Timeline) -> Job:
    final = timeline.states[-1]
    created = integer(record.history.get("createdTime"))
    if created is None:
        created = record.submitted.at if record.submitted else timeline.transition_times[0]
    return Job(
        ident=ident,
        submitted=fields,
        script=_script(record, fields.code, final),
        created_ms=created,
        planned=NO_CACHE,
        killed=record.killed,
        kept_timeline=timeline,
    )


def _ident(record: JobRecord, notes: list[str]) -> JobIdentity | None:
    """The job's ids; None without a taskID (a snapshot names every job by it)."""
    if record.task_id is None or record.task_id < 1:
        return None
    exec_id, short = record.exec_id or "", ""
    if exec_id:
        try:
            short = ExecIds("").short_of(exec_id)
        except LinkisError:
            notes.append("its execID cannot be parsed: only job history finds it")
    instance = text(record.history.get("instance")) or instance_of(exec_id) or ""
    return JobIdentity.of(record.task_id, exec_id, short, instance)


def _job_moves(record: JobRecord) -> list[tuple[int, JobState]]:
    """The state changes; a submitted job begins Inited at its submit."""
    moves = placed(record.states.merged(ENTRANCE))
    submitted = record.submitted
    if submitted is not None and (not moves or moves[0][1] is not JobState.INITED):
        moves.insert(0, (min([submitted.at, *(at for at, _ in moves[:1])]), JobState.INITED))
    return moves


def placed(changes: list[Change[S]]) -> list[tuple[int, S]]:
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


def _fields(record: JobRecord, short: str) -> Submission | None:
    history, sub = record.history, record.submitted
    parsed = short_parts(short)
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
    return Submission(
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
    sub: Submitted | None, user: str, creator: str, engine: str, run_type: str
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


def _script(record: JobRecord, code: str, final: JobState) -> Script:
    """What the job does, as far as a replay needs: its outcome, error text and result."""
    result = record.result
    error = record.history_error[2] if record.history_error else None
    digest = code_digest(DEFAULT_SETTINGS.seed, code)
    script = Script(
        outcome=Outcome(final.value) if final.is_terminal else Outcome.SUCCEED,
        queue_s=0.0,
        running_s=0.0,
        rows=result.count if result.columns is not None else 0,
        error=error if final is JobState.FAILED and isinstance(error, str) else "",
        retries=0,
        stage_tasks=(),
        columns=tuple(Column(name, kind) for name, kind in result.columns or ()),
        digest=digest,
    )
    literal = _literal_rows(result)
    if any(script.row(index, digest) != list(row) for index, row in enumerate(literal)):
        return replace(script, rows_data=literal)
    return script  # the mock generates these very rows: the snapshot stays lean


def _literal_rows(result: Result) -> tuple[tuple[str, ...], ...]:
    """The rows seen from the first on, up to the first one not seen or not all text
    (a snapshot keeps a prefix of the table; later rows are generated)."""
    rows: list[tuple[str, ...]] = []
    while (row := result.rows.get(len(rows))) is not None and all(
        isinstance(value, str) for value in row
    ):
        rows.append(tuple(row))
    return tuple(rows)


# ---- states, errors, results ------------------------------------------------------------------


def _check_states(record: JobRecord, timeline: Timeline, notes: list[str], start: int) -> None:
    """Job history's states seen while the entrance was polled too: the timeline follows
    the entrance, so where history lagged it replays otherwise."""
    for change in record.states.overlapping(ENTRANCE):
        replayed = timeline.state_at(change.at)
        if replayed is not change.value:
            notes.append(
                f"job history showed {change.value} at {rel(change.at, start)} where the "
                f"entrance showed {replayed}; it replays as {replayed}"
            )
            return


def _settle_errors(record: JobRecord, job: Job, notes: list[str]) -> None:
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


def _check_result(record: JobRecord, job: Job, notes: list[str]) -> None:
    result = record.result
    if result.files is not None and result.files != (RESULT_FILE,):
        notes.append(f"result files {list(result.files)}: the mock serves one, {RESULT_FILE}")
    location = text(record.history.get("resultLocation"))
    derived = result_location(job, DEFAULT_SETTINGS.result_root)
    if location and location.rstrip("/") != derived:
        notes.append(f"resultLocation {location} replays as {derived} (the mock derives it)")
    digest = job.digest
    differ = sum(1 for index, row in result.rows.items() if job.script.row(index, digest) != row)
    if differ:
        notes.append(
            f"{differ} result row(s) replay with other values: a snapshot keeps the rows "
            f"seen from the first on ({len(job.script.rows_data)} here) while each value is "
            "text, and the mock generates the rest"
        )


def groups(jobs: Iterable[Job]) -> dict[str, int]:
    """The next execID index of each creator_user_engine group: past the recorded ones."""
    groups: dict[str, int] = {}
    for job in jobs:
        parts = short_parts(job.ident.short_exec_id)
        if parts is not None:
            group = job.ident.short_exec_id.rsplit("_", 1)[0]
            groups[group] = max(groups.get(group, 0), parts[3] + 1)
    return groups


def held_ids(jobs: Iterable[Job], notes: list[str]) -> set[int]:
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
