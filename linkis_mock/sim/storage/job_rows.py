"""A job's row in the state file and in PostgreSQL (rows.py), as the state file's layout 2
and PostgreSQL's layout 3 write it.

A restart reads every job's row, and most jobs have most of their row in common with
others: how they were submitted but for the code, their script, their plan, the
interceptors' lines around the code. Version 1 wrote each job as the snapshot's JSON
object, so a restart parsed and built those parts again for every job. Here a row is a
JSON array of the job's own values, in the order of the FIELDS below, and each part jobs
share is a JSON text inside it: the reader builds a part once for each distinct text and
gives every job with that text the same objects. A job's digest is written only when it
cannot be derived from its code and its plan's seed. A restart checks every row and makes
each job when it is first asked for (`JobRowReader.held`, job_store.UnbuiltJob).

A row of version 1 (a JSON object) is still read, by the snapshot's reader: a database is
migrated row by row (`rewrite_job_rows`), and a row another replica wrote while the
migration ran is read either way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import Any, NamedTuple, TypeVar

from linkis_mock.sim.linkis.jobs import (
    Intake,
    Job,
    JobIdentity,
    LogEntry,
    Plan,
    Submission,
    group_key,
    shared_plan,
)
from linkis_mock.sim.linkis.scripts import DEFAULT_COLUMNS, DEFAULT_ERROR, Script
from linkis_mock.sim.storage.job_store import JobStore, UnbuiltJob
from linkis_mock.sim.storage.row_json import parsed, text
from linkis_mock.sim.storage.snapshot import (
    SUBMISSION_MEMBERS,
    job_from_json,
    lines_to_json,
    log_entry_from_json,
    plan_to_json,
    script_from_json,
    script_to_json,
    submission_to_json,
    submission_value,
    timeline_from_json,
    timeline_to_json,
    timings_from_json,
)

# The positions of a row's values.
FIELDS = (
    "taskId",
    "shortExecId",
    "givenExecId",  # null: derived from the short execID and the instance
    "instance",
    "createdMs",
    "code",
    "submission",  # text: the Submission's other fields
    "script",  # text: the script without its digest
    "digest",  # null: derived from the code and the plan's seed
    "plan",  # text, or null for a job that was never planned (it keeps its timeline)
    "intake",  # null, or [code, head text, shown, tail text] (Intake; shown: true = `code`)
    "errorCode",
    "errorDesc",
    "killed",
    "timeline",  # the timeline the job keeps, or null
)
ROW_LENGTH = len(FIELDS)
SUBMISSION = FIELDS.index("submission")
KEPT_PARTS = 8192  # distinct parts of each kind a reader keeps
SHARED_CODE = True  # an intake's `shown` when it is the job's submitted code
V = TypeVar("V")
# What a script's text leaves out when it has it.
SCRIPT_DEFAULTS: dict[str, Any] = {
    "error": DEFAULT_ERROR,
    "retries": 0,
    "columns": [{"name": column.name, "data_type": column.data_type} for column in DEFAULT_COLUMNS],
    "directive_problem": None,
    "log_lines": 0,
    "diagnosis": None,
}
SHAPE_MEMBERS = {name: member for name, member in SUBMISSION_MEMBERS.items() if name != "code"}


def job_row(job: Job) -> list[Any]:
    """The row of `job`, for row_json.text."""
    intake = job.intake
    plan = job.plan
    return [
        job.ident.task_id,
        job.ident.short_exec_id,
        job.ident.given_exec_id,
        job.ident.instance,
        job.created_ms,
        job.submitted.code,
        _submission_text(job.submitted),
        _script_text(job.script),
        job.digest if job.script.digest is not None or plan is None else None,
        None if plan is None else _plan_text(plan),
        None if intake is None else _intake_row(intake, job.submitted.code),
        job.error_code,
        job.error_desc,
        job.killed,
        None if job.kept_timeline is None else timeline_to_json(job.kept_timeline),
    ]


def _submission_text(submitted: Submission) -> str:
    values = submission_to_json(submitted)
    del values[SUBMISSION_MEMBERS["code"]]
    return text(values)


@functools.lru_cache(maxsize=4096)
def _script_text(script: Script) -> str:
    """Without the members most scripts have as SCRIPT_DEFAULTS: a restart reads, hashes
    and compares this text once a job."""
    data = script_to_json(script)
    return text(
        {key: value for key, value in data.items() if SCRIPT_DEFAULTS.get(key, data) != value}
    )


@functools.lru_cache(maxsize=64)
def _plan_text(plan: Plan) -> str:
    return text(plan_to_json(plan))


def _intake_row(intake: Intake, submitted_code: str) -> list[Any]:
    shown: str | bool | None = intake.shown
    if shown is not None and shown == submitted_code:
        shown = SHARED_CODE
    return [intake.code, _lines_text(intake.head), shown, _lines_text(intake.tail)]


@functools.lru_cache(maxsize=4096)
def _lines_text(lines: tuple[LogEntry, ...]) -> str:
    return text(lines_to_json(lines))


class RowParts(NamedTuple):
    """A row's values, checked, with the shared parts it names made (JobRowReader)."""

    ident: tuple[int, str, str, str | None]  # JobIdentity's
    created_ms: int
    code: str
    submission: functools.partial[Submission]
    script: Script
    digest: str | None
    plan: Plan | None
    intake: tuple[str, tuple[LogEntry, ...], str | None, tuple[LogEntry, ...]] | None
    error: tuple[int | None, str | None, bool]
    timeline: dict[str, Any] | None


class JobRowReader:
    """Reads rows into jobs of `store`, each distinct shared part once (up to KEPT_PARTS of
    each kind: past that it starts afresh). A backend keeps one for the rows it takes in."""

    def __init__(self, store: JobStore) -> None:
        self._store = store
        self._submissions: dict[object, functools.partial[Submission]] = {}
        self._groups: dict[object, str] = {}
        self._scripts: dict[object, Script] = {}
        self._plans: dict[object, Plan] = {}
        self._lines: dict[object, tuple[LogEntry, ...]] = {}

    def job(self, row: Any) -> Job:
        """`row`: as row_json.parsed reads it. Raises ValueError, KeyError or TypeError for
        a row that is not a job's."""
        if isinstance(row, dict):  # version 1
            return job_from_json(row, self._store)
        return self._made(self._parts(row))

    def held(self, text: str) -> Job | UnbuiltJob:
        """The job of a row's text for a load: the row is checked now, and the job made
        when it is first asked for (a job that keeps its own timeline, or a row of layout
        1, is made now). Raises as `job` does."""
        row = parsed(text)
        if isinstance(row, dict):
            return self.job(row)
        parts = self._parts(row)
        if parts.timeline is not None:
            return self._made(parts)
        task_id, short_exec_id, _, _ = parts.ident
        group = self._group(row[SUBMISSION])
        return _UnbuiltRow(task_id, short_exec_id, group, text, self)

    def _parts(self, row: Any) -> RowParts:
        if not isinstance(row, list) or len(row) != ROW_LENGTH:
            raise ValueError(f"a job's row is not an array of {ROW_LENGTH} values")
        (
            task_id,
            short_exec_id,
            given_exec_id,
            instance,
            created_ms,
            code,
            submission,
            script,
            digest,
            plan,
            intake,
            error_code,
            error_desc,
            killed,
            timeline,
        ) = row
        code = _text(code)
        built_plan = None if plan is None else self._plans.get(plan)
        if built_plan is None and plan is not None:
            built_plan = _kept(self._plans, plan, _plan_from)
        if digest is None and built_plan is None:
            raise ValueError("a job's row without a digest nor a plan to derive it from")
        if timeline is not None and not isinstance(timeline, dict):
            raise TypeError("a job's timeline is not an object")
        return RowParts(
            (
                _int(task_id),
                _text(short_exec_id),
                _text(instance),
                None if given_exec_id is None else _text(given_exec_id),
            ),
            _int(created_ms),
            code,
            self._submission(submission),
            self._scripts.get(script) or _kept(self._scripts, script, _script_from),
            None if digest is None else _text(digest),
            built_plan,
            None if intake is None else self._intake_parts(intake, code),
            (
                None if error_code is None else _int(error_code),
                None if error_desc is None else _text(error_desc),
                bool(killed),
            ),
            timeline,
        )

    def _made(self, parts: RowParts) -> Job:
        script = parts.script
        if parts.digest is not None:
            script = replace(script, digest=parts.digest)
        intake = None
        if parts.intake is not None:
            intake = self._store.intakes.share(Intake(*parts.intake))
        error_code, error_desc, killed = parts.error
        return Job(
            ident=JobIdentity(*parts.ident),
            submitted=parts.submission(code=parts.code),
            script=script,
            plan=parts.plan,
            kept_timeline=None if parts.timeline is None else timeline_from_json(parts.timeline),
            created_ms=parts.created_ms,
            planned=self._store.planned,
            error_code=error_code,
            error_desc=error_desc,
            killed=killed,
            intake=intake,
        )

    def _submission(self, part: object) -> functools.partial[Submission]:
        """A Submission of the fields the text `part` gives, but for the code."""
        found = self._submissions.get(part)
        if found is None:
            found = _kept(self._submissions, part, self._submission_from)
        return found

    def _submission_from(self, item: dict[str, Any]) -> functools.partial[Submission]:
        values = {
            name: submission_value(name, item[member], self._store)
            for name, member in SHAPE_MEMBERS.items()
        }
        return functools.partial(Submission, **values)

    def _group(self, part: object) -> str:
        """The creator_user_engineType group of the submission the text `part` gives."""
        found = self._groups.get(part)
        if found is None:
            fields = self._submission(part).keywords
            found = group_key(fields["creator"], fields["execute_user"], fields["engine_type"])
            if len(self._groups) >= KEPT_PARTS:
                self._groups.clear()
            self._groups[part] = found
        return found

    def _intake_parts(
        self, row: Any, code: str
    ) -> tuple[str, tuple[LogEntry, ...], str | None, tuple[LogEntry, ...]]:
        final, head, shown, tail = row
        if shown is SHARED_CODE:
            shown = code
        elif shown is not None:
            shown = _text(shown)
        return (
            _text(final),
            self._lines.get(head) or _kept(self._lines, head, self._lines_from),
            shown,
            self._lines.get(tail) or _kept(self._lines, tail, self._lines_from),
        )

    def _lines_from(self, lines: list[Any]) -> tuple[LogEntry, ...]:
        return self._store.intakes.shared_lines(tuple(map(log_entry_from_json, lines)))


class _UnbuiltRow(UnbuiltJob):
    """A checked row whose job is made on first use (JobStore)."""

    __slots__ = ("_reader", "_text")

    def __init__(
        self, task_id: int, short_exec_id: str, group: str, text: str, reader: JobRowReader
    ) -> None:
        super().__init__(task_id, short_exec_id, group)
        self._text = text
        self._reader = reader

    def _make(self) -> Job:
        return self._reader.job(parsed(self._text))


def _kept(kept: dict[object, V], part: object, build: Callable[[Any], V]) -> V:
    """The shared part a row gives as the text `part`, built once (a caller may look in
    `kept` first: a text found there is one this built)."""
    if not isinstance(part, str):
        raise TypeError(f"a shared part of a job's row is {type(part).__name__}, not a text")
    found = kept.get(part)
    if found is None:
        if len(kept) >= KEPT_PARTS:
            kept.clear()
        found = kept[part] = build(parsed(part))
    return found


def _plan_from(p: dict[str, Any]) -> Plan:
    return shared_plan(timings_from_json(p["timings"]), bool(p["viaExecute"]), _int(p["seed"]))


def _script_from(s: dict[str, Any]) -> Script:
    return script_from_json({**SCRIPT_DEFAULTS, **s})


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} where a job's row has a text")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{value!r} where a job's row has an integer")
    return value
