"""Submit and execute, in the real entrance's order (EntranceServer.scala:89-265;
docs/reference/linkis-interceptors.md §2): the parser picks the body's format (current
or legacy) and refuses what it cannot read, with no taskID used; the job is persisted (a
taskID); the interceptors run over it (interceptors/chain.py) and may refuse it, which
leaves a Failed history row; a job whose code is blank after them is refused too; an
accepted job is planned."""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from typing import Any, NoReturn

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.sim.clock import Clock
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.entrance_part import EntrancePart
from linkis_mock.sim.linkis.interceptors import chain, java
from linkis_mock.sim.linkis.interceptors.sql_limit import DEFAULT_LIMIT
from linkis_mock.sim.linkis.jobs import (
    Intake,
    Job,
    JobIdentity,
    JobState,
    Plan,
    Submission,
    Timeline,
    group_key,
    shared_plan,
    write_intake_log,
)
from linkis_mock.sim.linkis.messages import (
    CODE_EMPTY_AFTER_PREPROCESSING,
    EMPTY_CODE_DESC,
    QUEUE_FULL,
)
from linkis_mock.sim.linkis.ok import Ok
from linkis_mock.sim.linkis.scripts import Script, build_script, code_digest, limited
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.short_texts import kept_for_short_texts
from linkis_mock.sim.storage.job_store import JobStore
from linkis_mock.sim.storage.variable_store import VariableStore

# Code up to this long is shared between jobs that submit the same, for this many codes.
SHARED_CODE_MAX = 4096
SHARED_CODES = 4096
# A refused job's errorDesc is cut to this many characters (linkis.error.code.desc.len).
ERROR_DESC_MAX = 512


@dataclass(frozen=True, slots=True)
class ParsedRequest:
    code: str
    run_type: str
    engine: str | None
    engine_version: str
    creator: str
    label_user: str
    execute_user: str
    labels: dict[str, str]
    params: dict[str, Any] | None  # None: `"params": null` on the current format
    source: dict[str, Any]


class Submitter(EntrancePart):
    def __init__(
        self, settings: SimSettings, clock: Clock, store: JobStore, variables: VariableStore
    ) -> None:
        super().__init__(settings, clock, store)
        self.variables = variables
        self._results = chain.Results()

    def submit(
        self, body: dict[str, Any], caller: Caller, via_execute: bool
    ) -> Ok[api.SubmitReplyData]:
        """The real parser picks the format from the body, whichever URL was called."""
        parsed = (
            self._parse_current(body, caller)
            if "executionContent" in body
            else self._parse_legacy(body, caller)
        )
        task_id = self.store.next_task_id()
        now = self.clock.now_ms()
        processed = self._intercept(parsed, caller, task_id, now)
        if java.is_blank(processed.code):
            self._refuse(
                parsed, caller, task_id, now, processed, 30010, CODE_EMPTY_AFTER_PREPROCESSING
            )
        job = self._new_job(parsed, processed, caller, task_id, via_execute, now)
        self.store.add(job)
        return Ok({"execID": job.ident.exec_id, "taskID": task_id})

    # ---- parsing (CommonEntranceParser.scala) ----------------------------------------------

    def _parse_current(self, body: dict[str, Any], caller: Caller) -> ParsedRequest:
        content = body.get("executionContent") or {}
        labels = {k: str(v) for k, v in (body.get("labels") or {}).items()}
        if not labels:
            raise self.coded(20008, "params cannot be empty ,  labels is null")
        if "code" not in content or content["code"] is None:
            raise self.coded(20010, EMPTY_CODE_DESC)
        code = str(content["code"])
        if not code.strip():
            raise self.coded(20007, EMPTY_CODE_DESC)
        engine_label = labels.get("engineType", "").strip()
        if not engine_label:
            raise self.coded(
                20009,
                "Label params invalid You need to specify engineTypeLabel in labels,such as "
                f"spark-{self.settings.engine_versions.get('spark', '2.4.3')}",
            )
        run_type = str(content.get("runType") or labels.get("codeType") or "").strip()
        if not run_type:
            raise self.coded(
                20009,
                "Label params invalid You need to specify runType in execution content, "
                "such as sql",
            )
        labels["codeType"] = run_type  # a runType replaces the label (:173-191)
        execute_user = self._execute_user(body, caller)
        label_user, creator = self._user_creator(labels, execute_user)
        engine, version = self._engine_and_version(engine_label)
        # A missing `params` is {} (:96-98); a null one stays null.
        params = body.get("params", {})
        return ParsedRequest(
            code=code,
            run_type=run_type,
            engine=engine,
            engine_version=version,
            creator=creator,
            label_user=label_user,
            execute_user=execute_user,
            labels=labels,
            params=None if params is None else dict(params),
            source=dict(body.get("source") or {}),
        )

    def _parse_legacy(self, body: dict[str, Any], caller: Caller) -> ParsedRequest:
        code = str(body.get("executionCode") or "")
        source = dict(body.get("source") or {})
        creator = str(body.get("requestApplicationName") or "IDE")
        if not code and not source.get("scriptPath") and creator == "IDE":
            raise self.coded(
                20007,
                "The param executionCode and scriptPath cannot be empty at the same time"
                "(参数 executionCode 和 scriptPath 不能同时为空)",
            )
        params = body.get("params")
        if not isinstance(params, dict):
            # `jobReq.getParams.get("variable")` on params never set (:249-255, :291-292)
            raise self.generic("NullPointerException", "")
        engine_name = str(body.get("executeApplicationName") or "").strip()
        labels = {k: str(v) for k, v in (body.get("labels") or {}).items()}
        execute_user = self._execute_user(body, caller)
        labels.setdefault("userCreator", f"{execute_user}-{creator}")
        engine, version = self._engine_and_version(engine_name) if engine_name else (None, "")
        if engine:
            labels.setdefault("engineType", f"{engine}-{version}")
        label_user, creator = self._user_creator(labels, execute_user)
        # runType is read only with code (:278-287): without, the codeType label is empty.
        run_type = str(body.get("runType") or "sql")
        if code:
            labels.setdefault("codeType", run_type)
        return ParsedRequest(
            code=code,
            run_type=run_type,
            engine=engine,
            engine_version=version,
            creator=creator,
            label_user=label_user,
            execute_user=execute_user,
            labels=labels,
            params=dict(params),
            source=source,
        )

    def _execute_user(self, body: dict[str, Any], caller: Caller) -> str:
        """`executeUser` from the body counts only with an admin token."""
        requested = body.get("executeUser")
        if caller.admin_token and isinstance(requested, str) and requested.strip():
            return requested.strip()
        return caller.user

    def _user_creator(self, labels: dict[str, str], execute_user: str) -> tuple[str, str]:
        value = labels.setdefault("userCreator", f"{execute_user}-IDE")
        user, sep, creator = value.partition("-")
        if not sep or not user or not creator:
            raise self.coded(
                20009,
                "Label params invalid You need to specify userCreator in labels as "
                "<user>-<creator>, such as hadoop-IDE",
            )
        return user, creator

    def _engine_and_version(self, engine_label: str) -> tuple[str, str]:
        engine, sep, version = engine_label.partition("-")
        if sep and version:
            return engine, version
        return engine, self.settings.engine_versions.get(engine, "1")

    # ---- the interceptors ----------------------------------------------------------------

    def _intercept(
        self, parsed: ParsedRequest, caller: Caller, task_id: int, now: int
    ) -> chain.Processed:
        """The chain; a refusal leaves a Failed row with the code as it was then."""
        submission = chain.Submission(
            code=parsed.code,
            code_type=parsed.labels.get("codeType"),
            creator=parsed.creator,
            engine=parsed.engine,
            engine_version=parsed.engine_version,
            label_user=parsed.label_user,
            submit_user=caller.user,
            execute_user=parsed.execute_user,
            params=parsed.params,
            global_variables=self.variables.values(parsed.execute_user),
            now_ms=now,
            instance=self.settings.instance,
        )
        try:
            return self._results.run(submission)
        except chain.RefusalError as refusal:
            processed = chain.Processed(
                refusal.job_code, (), parsed.engine, parsed.engine_version, None, False
            )
            self._refuse(
                parsed, caller, task_id, now, processed, refusal.code, refusal.desc, refusal.shown
            )

    def _refuse(  # noqa: PLR0917 (the row's parts, then the error's)
        self,
        parsed: ParsedRequest,
        caller: Caller,
        task_id: int,
        now: int,
        processed: chain.Processed,
        code: int,
        desc: str,
        shown: tuple[int, str] | None = None,
    ) -> NoReturn:
        """Store the Failed row (errorDesc cut to 512 characters) and raise the reply."""
        row = self._failed_row(
            parsed, caller, task_id, now, processed, (code, desc[:ERROR_DESC_MAX])
        )
        self.store.add(row)
        raise self.coded(code, desc, shown=shown)

    def _failed_row(  # noqa: PLR0917
        self,
        parsed: ParsedRequest,
        caller: Caller,
        task_id: int,
        now: int,
        processed: chain.Processed,
        error: tuple[int, str],
    ) -> Job:
        intake = Intake.of(processed.code, processed.log)
        timeline = Timeline()
        timeline.move(now, JobState.INITED)
        write_intake_log(timeline, now, intake)  # a job built then refused (30010)
        timeline.log(now, "ERROR", error[1])
        timeline.move(now, JobState.FAILED)
        ident = JobIdentity(task_id, "", self.settings.instance)
        return self._job(
            parsed=parsed,
            processed=processed,
            caller=caller,
            ident=ident,
            timeline=timeline,
            # No plan to derive the rows' digest from: the script keeps it.
            script=replace(
                self._script(parsed, processed),
                digest=code_digest(self.settings.seed, parsed.code),
            ),
            now=now,
            error=error,
        )

    def _new_job(  # noqa: PLR0917
        self,
        parsed: ParsedRequest,
        processed: chain.Processed,
        caller: Caller,
        task_id: int,
        via_execute: bool,
        now: int,
    ) -> Job:
        assert processed.engine is not None
        group = group_key(parsed.creator, parsed.execute_user, processed.engine)
        if not self.store.make_room(
            group, self.settings.jobs_per_group, lambda job: job.state(now).is_terminal
        ):
            self._refuse(parsed, caller, task_id, now, processed, 12001, QUEUE_FULL)
        short = f"{group}_{self.store.next_index(group, task_id)}"
        ident = JobIdentity(task_id, short, self.settings.instance)
        plan = shared_plan(self.settings.timings, via_execute, self.settings.seed)
        return self._job(
            parsed=parsed,
            processed=processed,
            caller=caller,
            ident=ident,
            plan=plan,
            script=self._script(parsed, processed),
            now=now,
        )

    def _script(self, parsed: ParsedRequest, processed: chain.Processed) -> Script:
        """Steered by the `--@mock` lines of the code as submitted (the interceptors strip
        comments); the result's columns from the code the engine runs, and cut to the
        limit the chain added."""
        settings = self.settings
        script = build_script(
            parsed.code, settings.seed, settings.timings, settings.log_lines_per_job, processed.code
        )
        return limited(script, DEFAULT_LIMIT) if processed.limited else script

    def _job(
        self,
        *,
        parsed: ParsedRequest,
        processed: chain.Processed,
        caller: Caller,
        ident: JobIdentity,
        script: Script,
        plan: Plan | None = None,
        timeline: Timeline | None = None,
        now: int,
        error: tuple[int, str] | None = None,
    ) -> Job:
        # Names and short code repeat across jobs: one string each, not one per request
        # (the few names interned; code through a bounded table, _shared).
        labels = dict(parsed.labels)
        if processed.engine is not None and processed.engine != parsed.engine:
            labels["engineType"] = f"{processed.engine}-{processed.engine_version}"
        if processed.tenant is not None:
            labels["tenant"] = processed.tenant
        submitted = Submission(
            submit_user=sys.intern(caller.user),
            execute_user=sys.intern(parsed.execute_user),
            creator=sys.intern(parsed.creator),
            engine_type=sys.intern(processed.engine or ""),
            engine_version=sys.intern(processed.engine_version),
            run_type=sys.intern(parsed.run_type),
            code=_shared(parsed.code),
            labels=self.store.records.share(labels),
            params=self.store.records.share(parsed.params if parsed.params is not None else {}),
            source=self.store.records.share(parsed.source),
        )
        intake = Intake.of(_shared(processed.code), processed.log, submitted.code)
        return Job(
            ident=ident,
            submitted=submitted,
            script=script,
            plan=plan,
            kept_timeline=timeline,
            created_ms=now,
            planned=self.store.planned,
            error_code=error[0] if error else None,
            error_desc=error[1] if error else None,
            intake=self.store.intakes.share(intake),
        )


@kept_for_short_texts(longest=SHARED_CODE_MAX, maxsize=SHARED_CODES)
def _shared(code: str) -> str:
    """The first object of an equal code lately submitted: a scheduler's jobs repeat their
    query. A bounded table, not `sys.intern`, whose table holds every distinct code a live
    job has (about 100 bytes a job when each job's code differs)."""
    return code
