"""Submit and execute: the real parser picks the body's format (current or legacy), the
interceptors refuse what the real entrance refuses, and an accepted job is planned."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.entrance_part import EntrancePart
from linkis_mock.sim.linkis.jobs import Job, JobIdentity, JobState, Plan, Timeline, group_key
from linkis_mock.sim.linkis.messages import EMPTY_CODE_DESC
from linkis_mock.sim.linkis.ok import Ok
from linkis_mock.sim.linkis.scripts import Script, build_script, is_effectively_empty

# Code up to this long is shared between jobs that submit the same.
SHARED_CODE_MAX = 4096


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
    params: dict[str, Any]
    source: dict[str, Any]
    has_script_path: bool


class Submitter(EntrancePart):
    def submit(self, body: dict[str, Any], caller: Caller, via_execute: bool) -> Ok[api.SubmitReplyData]:
        """The real parser picks the format from the body, whichever URL was called."""
        parsed = (
            self._parse_current(body, caller)
            if "executionContent" in body
            else self._parse_legacy(body, caller)
        )
        task_id = self.store.next_task_id()
        self._intercept(parsed, caller, task_id)
        job = self._new_job(parsed, caller, task_id, via_execute)
        self.store.add(job)
        return Ok({"execID": job.ident.exec_id, "taskID": task_id})

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
        labels.setdefault("codeType", run_type)  # what the history's runType reads
        execute_user = self._execute_user(body, caller)
        label_user, creator = self._user_creator(labels, execute_user)
        engine, version = self._engine_and_version(engine_label)
        return ParsedRequest(
            code=code,
            run_type=run_type,
            engine=engine,
            engine_version=version,
            creator=creator,
            label_user=label_user,
            execute_user=execute_user,
            labels=labels,
            params=dict(body.get("params") or {}),
            source=dict(body.get("source") or {}),
            has_script_path=bool((body.get("source") or {}).get("scriptPath")),
        )

    def _parse_legacy(self, body: dict[str, Any], caller: Caller) -> ParsedRequest:
        code = str(body.get("executionCode") or "")
        source = dict(body.get("source") or {})
        creator = str(body.get("requestApplicationName") or "IDE")
        if not code.strip() and not source.get("scriptPath") and creator == "IDE":
            raise self.coded(
                20007,
                "The param executionCode and scriptPath cannot be empty at the same time"
                "(参数 executionCode 和 scriptPath 不能同时为空)",
            )
        engine_name = str(body.get("executeApplicationName") or "").strip()
        labels = {k: str(v) for k, v in (body.get("labels") or {}).items()}
        execute_user = self._execute_user(body, caller)
        labels.setdefault("userCreator", f"{execute_user}-{creator}")
        engine, version = self._engine_and_version(engine_name) if engine_name else (None, "")
        if engine:
            labels.setdefault("engineType", f"{engine}-{version}")
        label_user, creator = self._user_creator(labels, execute_user)
        run_type = str(body.get("runType") or "sql")
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
            params=dict(body.get("params") or {}),
            source=source,
            has_script_path=bool(source.get("scriptPath")),
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

    def _intercept(self, parsed: ParsedRequest, caller: Caller, task_id: int) -> None:
        """Interceptor errors consume a taskID and leave a Failed history row behind."""
        failure: tuple[int, str] | None = None
        if parsed.engine is None:
            failure = (50079, "engineTypeLabel must be need")
        elif parsed.label_user.lower() != parsed.execute_user.lower():
            failure = (
                50080,
                f"SubmitUser : {caller.user} must be the same as ExecuteUser : "
                f"{parsed.execute_user} , and user : {parsed.label_user} in userCreatorLabel.",
            )
        elif not parsed.has_script_path and is_effectively_empty(parsed.code):
            failure = (
                30010,
                "Submitting the execution code, after code preprocessing, the real execution code "
                "is empty, please check the executed code(提交的执行代码，经过预处理后为空，请检查"
                "执行的代码是否为空或则只有注解)!",
            )
        if failure is None:
            return
        code, desc = failure
        self.store.add(self._failed_row(parsed, caller, task_id, code, desc))
        raise self.coded(code, desc)

    def _failed_row(
        self, parsed: ParsedRequest, caller: Caller, task_id: int, code: int, desc: str
    ) -> Job:
        now = self.clock.now_ms()
        timeline = Timeline()
        timeline.move(now, JobState.INITED)
        timeline.log(now, "ERROR", desc)
        timeline.move(now, JobState.FAILED)
        ident = JobIdentity(task_id, "", "", self.settings.instance)
        script = build_script(
            parsed.code, self.settings.seed, self.settings.timings, self.settings.log_lines_per_job
        )
        return self._job(
            parsed=parsed,
            caller=caller,
            ident=ident,
            timeline=timeline,
            script=script,
            now=now,
            error=(code, desc),
        )

    def _new_job(
        self, parsed: ParsedRequest, caller: Caller, task_id: int, via_execute: bool
    ) -> Job:
        assert parsed.engine is not None
        group = group_key(parsed.creator, parsed.execute_user, parsed.engine)
        now = self.clock.now_ms()
        if not self.store.make_room(
            group, self.settings.jobs_per_group, lambda job: job.state(now).is_terminal
        ):
            desc = "The submission job failed and the queue is full!(提交作业失败，队列已满！)"
            self.store.add(self._failed_row(parsed, caller, task_id, 12001, desc))
            raise self.coded(12001, desc)
        short = f"{group}_{self.store.next_index(group)}"
        ident = JobIdentity(task_id, self.ids.make(short), short, self.settings.instance)
        script = build_script(
            parsed.code, self.settings.seed, self.settings.timings, self.settings.log_lines_per_job
        )
        plan = Plan(self.settings.timings, via_execute)
        return self._job(
            parsed=parsed, caller=caller, ident=ident, plan=plan, script=script, now=now
        )

    def _job(
        self,
        *,
        parsed: ParsedRequest,
        caller: Caller,
        ident: JobIdentity,
        script: Script,
        plan: Plan | None = None,
        timeline: Timeline | None = None,
        now: int,
        error: tuple[int, str] | None = None,
    ) -> Job:
        # Names and short code repeat across jobs: one string each, not one per request
        # (interned strings go when the last job holding them does).
        return Job(
            ident=ident,
            submit_user=sys.intern(caller.user),
            execute_user=sys.intern(parsed.execute_user),
            creator=sys.intern(parsed.creator),
            engine_type=sys.intern(parsed.engine or ""),
            engine_version=sys.intern(parsed.engine_version),
            run_type=sys.intern(parsed.run_type),
            code=sys.intern(parsed.code) if len(parsed.code) <= SHARED_CODE_MAX else parsed.code,
            labels=self.store.records.share(parsed.labels),
            params=self.store.records.share(parsed.params),
            source=self.store.records.share(parsed.source),
            script=script,
            plan=plan,
            kept_timeline=timeline,
            created_ms=now,
            planned=self.store.planned,
            error_code=error[0] if error else None,
            error_desc=error[1] if error else None,
        )
