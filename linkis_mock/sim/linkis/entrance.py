"""The simulated Linkis entrance, job history and result filesystem.

Every rule and message here follows the real server (see
../shared/reference/linkis-entrance.md); the API layer only wraps what these
methods return, or the `LinkisError` they raise, in the envelope.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from linkis_mock.api_types import admin
from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.sim.clock import Clock
from linkis_mock.sim.linkis.errors import LinkisError, coded_error, generic_error
from linkis_mock.sim.linkis.jobs import Job, JobIdentity, JobState, Plan, Timeline, group_key
from linkis_mock.sim.linkis.scripts import Script, build_script, is_effectively_empty
from linkis_mock.sim.linkis.users import Users
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.storage.job_store import JobStore

APP_NAME = "linkis-cg-entrance"
ENGINE_INSTANCE = "127.0.0.1:41761"
RESULT_FILE = "_0.dolphin"
JAVA_INT = re.compile(r"[+-]?\d+")
LOG_LEVEL_SLOT = {
    "ERROR": 0,
    "SYSTEM-ERROR": 0,
    "WARN": 1,
    "SYSTEM-WARN": 1,
    "INFO": 2,
    "SYSTEM-INFO": 2,
}
DEFAULT_LOG_SIZE = 100
LOG_TAIL = 5  # log lines in a job's summary
NEGATIVE_LOG_SIZE = 10_000

STATUS_UNKNOWN_JOB = (
    "Get job by ID error and cannot obtain the corresponding task status."
    "(获取job时发生异常，不能获取相应的任务状态)"
)
PROGRESS_UNKNOWN_JOB = (
    "The job corresponding to the ID is empty, and the corresponding task progress cannot be "
    "obtained.(ID 对应的job为空，不能获取相应的任务进度)"
)
LOG_UNKNOWN_JOB = (
    "The job you just executed has ended. This interface no longer provides a query. It is "
    "recommended that you download the log file for viewing."
    "(您刚刚执行的job已经结束，本接口不再提供"
    "查询，建议您下载日志文件进行查看)"
)
KILL_UNKNOWN_JOB = "Get job by ID error, kill failed.(获取job时发生异常，kill失败)"
KILL_OK = "Successfully killed the job(成功kill了job)"
KILL_FORCED = "Forced Kill task (强制杀死任务)"
KILL_FAILED = (
    "An exception occurred while killing the job, kill failed(kill job的时候出现了异常，kill失败)"
)
PAUSE_OK = "success to pause job (成功pause了job)"
KILL_JOBS_LENGTH = (
    "The length of the ID list does not match the length of the TASKID list"
    "(id列表的长度与taskId列表的长度不一致)"
)
HISTORY_NOT_FOUND = (
    "The corresponding job was not found, or there may be no permission to view the job"
    "(没有找到对应的job，也可能是没有查看该job的权限)"
)
OTHER_USERS_TASKS = "Non-administrators cannot view other users' task information"
EMPTY_CODE_DESC = "The param executionCode cannot be empty (参数 executionCode 不能为空)"


@dataclass(frozen=True, slots=True)
class Caller:
    user: str
    admin: bool = False
    admin_token: bool = False


D = TypeVar("D")


@dataclass(frozen=True, slots=True)
class Ok(Generic[D]):
    """A successful reply: the envelope's `data`, typed by the spec, and `message`."""

    data: D
    message: str = "OK"


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


def no_permission_to_kill(user: str) -> LinkisError:
    return LinkisError(f"You have no permission to kill this job, excecute by user:{user}")


# Code up to this long is shared between jobs that submit the same.
SHARED_CODE_MAX = 4096


class Entrance:
    def __init__(self, settings: SimSettings, clock: Clock, store: JobStore, users: Users) -> None:
        self.settings = settings
        self.clock = clock
        self.store = store
        self.users = users

    # ---- submit / execute -------------------------------------------------------------

    def submit(self, body: dict[str, Any], caller: Caller, via_execute: bool) -> Ok[api.SubmitData]:
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
            raise self._coded(20008, "params cannot be empty ,  labels is null")
        if "code" not in content or content["code"] is None:
            raise self._coded(20010, EMPTY_CODE_DESC)
        code = str(content["code"])
        if not code.strip():
            raise self._coded(20007, EMPTY_CODE_DESC)
        engine_label = labels.get("engineType", "").strip()
        if not engine_label:
            raise self._coded(
                20009,
                "Label params invalid You need to specify engineTypeLabel in labels,such as "
                f"spark-{self.settings.engine_versions.get('spark', '2.4.3')}",
            )
        run_type = str(content.get("runType") or labels.get("codeType") or "").strip()
        if not run_type:
            raise self._coded(
                20009,
                "Label params invalid You need to specify runType in execution content, "
                "such as sql",
            )
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
            raise self._coded(
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
        return ParsedRequest(
            code=code,
            run_type=str(body.get("runType") or "sql"),
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
            raise self._coded(
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
        raise self._coded(code, desc)

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
            raise self._coded(12001, desc)
        short = f"{group}_{self.store.next_index(group)}"
        instance = self.settings.instance
        exec_id = f"exec_id{len(APP_NAME):03d}{len(instance):03d}{APP_NAME}{instance}{short}"
        ident = JobIdentity(task_id, exec_id, short, instance)
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

    # ---- reading jobs -----------------------------------------------------------------

    def status(self, exec_id: str, task_id: int | None) -> Ok[api.StatusData]:
        job = self._entrance_job(exec_id)
        if job is not None:
            return Ok({"status": job.state(self.clock.now_ms()).api_name, "execID": exec_id})
        if task_id is None:
            raise LinkisError(STATUS_UNKNOWN_JOB)
        row = self.store.by_task_id(task_id)
        state = row.state(self.clock.now_ms()) if row is not None else JobState.CANCELLED
        return Ok({"status": state.api_name, "execID": exec_id})

    def progress(self, exec_id: str) -> Ok[api.ProgressData]:
        job = self._entrance_job(exec_id)
        if job is None:
            raise LinkisError(PROGRESS_UNKNOWN_JOB)
        now = self.clock.now_ms()
        return Ok(
            {"progress": job.progress(now), "execID": exec_id, "progressInfo": _stages(job, now)}
        )

    def progress_with_resource(self, exec_id: str) -> Ok[api.ProgressWithResourceData]:
        job = self._entrance_job(exec_id)
        if job is None:
            raise LinkisError(PROGRESS_UNKNOWN_JOB)
        now = self.clock.now_ms()
        data: api.ProgressWithResourceData = {
            "progress": job.progress(now),
            "execID": exec_id,
            "progressInfo": _stages(job, now),
        }
        metrics = self._yarn_metrics(job, now)
        if metrics is None:
            data["yarnResource"] = None
        else:
            data["yarnMetrics"] = metrics
        return Ok(data)

    def _yarn_metrics(self, job: Job, now: int) -> api.YarnMetrics | None:
        """Spark and Hive jobs report YARN usage once they have started running."""
        if job.engine_type not in {"spark", "hive", "flink"} or not job.timeline.attempts:
            return None
        if job.timeline.attempts[0].start_ms > now:
            return None
        cores = 2 + len(job.script.stage_tasks)
        memory = cores * 2 * 1024**3
        core_percent = round(cores / 300, 4)
        memory_percent = round(memory / (1000 * 1024**3), 4)
        finished = job.state(now).is_terminal
        return {
            "yarnResource": [
                {
                    "queueMemory": memory,
                    "queueCores": cores,
                    "queueInstances": cores - 1,
                    "jobStatus": "COMPLETED" if finished else "RUNNING",
                    "applicationId": _application_id(job),
                    "queue": "default",
                }
            ],
            "corePercent": core_percent,
            "memoryPercent": memory_percent,
            "coreRGB": _rgb(core_percent),
            "memoryRGB": _rgb(memory_percent),
        }

    def log(self, exec_id: str, from_line: int, size: int, distinct_level: bool) -> Ok[api.LogData]:
        job = self._entrance_job(exec_id)
        if job is None:
            raise LinkisError(LOG_UNKNOWN_JOB)
        timeline = job.timeline
        visible = timeline.lines_visible(self.clock.now_ms())
        wanted = NEGATIVE_LOG_SIZE if size < 0 else size
        start = max(from_line, 1) - 1
        end = min(start + wanted, visible)
        read = max(end - start, 0)
        lines = timeline.lines[start:end]
        levels = timeline.levels[start:end]
        log: list[str] | str
        if distinct_level:
            buckets: list[list[str]] = [[], [], [], []]
            for line, level in zip(lines, levels, strict=True):
                if line.strip():
                    buckets[LOG_LEVEL_SLOT.get(level, 2)].append(line)
                    buckets[3].append(line)
            log = ["\n".join(bucket) for bucket in buckets]
        else:
            log = "\n".join(line for line in lines if line.strip())
        return Ok({"log": log, "execID": exec_id, "fromLine": max(from_line, 0) + read})

    # ---- acting on jobs ---------------------------------------------------------------

    def kill(self, exec_id: str, task_id: int | None, caller: Caller) -> Ok[api.KillData]:
        job = self._entrance_job(exec_id)
        if job is None:
            if task_id is None or task_id <= 0:
                raise LinkisError(KILL_UNKNOWN_JOB)
            self._force_kill(task_id, caller)
            return Ok({}, KILL_FORCED)
        self._check_may_kill(job, caller)
        self._kill_live(job)
        return Ok({"execID": exec_id}, KILL_OK)

    def _check_may_kill(self, job: Job, caller: Caller) -> None:
        if caller.user != job.execute_user and not caller.admin:
            raise no_permission_to_kill(job.execute_user)

    def _kill_live(self, job: Job, extra_lines: tuple[str, ...] = ()) -> None:
        now = self.clock.now_ms()
        state = job.state(now)
        if state is JobState.CANCELLED:
            return
        if state.is_terminal:
            raise LinkisError(
                f"{KILL_FAILED} with error:Job {job.ident.task_id} is already in the final state "
                f"{state.value}, it cannot be killed"
            )
        job.kill(now, round(self.settings.timings.kill_delay * 1000), extra_lines)
        self.store.changed(job)

    def _force_kill(self, task_id: int, caller: Caller) -> None:
        """Job history's forced kill: the row turns Cancelled unless already final.

        The real server does not check the owner here; the mock does (silently), so that
        one user cannot cancel another's job through a made-up execID.
        """
        row = self.store.by_task_id(task_id)
        if row is None or (caller.user != row.execute_user and not caller.admin):
            return
        now = self.clock.now_ms()
        if not row.state(now).is_terminal:
            row.kill(now, 0)
            self.store.changed(row)

    def kill_jobs(
        self, path_id: str, id_list: Sequence[str], task_ids: Sequence[Any], caller: Caller
    ) -> Ok[api.KillJobsData]:
        del path_id  # only routes at the real gateway
        if len(id_list) != len(task_ids):
            raise LinkisError(KILL_JOBS_LENGTH)
        items: list[api.KillJobsItem] = []
        forced: list[int] = []
        for exec_id, raw_task_id in zip(id_list, task_ids, strict=True):
            job = self._entrance_job(exec_id)
            method = f"/api/entrance/{exec_id}/kill"
            if job is None:
                forced.append(_task_id_or_zero(raw_task_id))
                items.append({"method": method, "status": 0, "message": KILL_FORCED, "data": {}})
                continue
            self._check_may_kill(job, caller)
            items.append(self._kill_item(job, exec_id, method))
        for task_id in forced:
            if task_id > 0:
                self._force_kill(task_id, caller)
        return Ok({"messages": items}, "success")

    def _kill_item(self, job: Job, exec_id: str, method: str) -> api.KillJobsItem:
        task_id = job.ident.task_id
        done = f"Job {task_id} was kill by user successfully(任务{task_id}已成功取消)"
        try:
            self._kill_live(job, (done,))
        except LinkisError:
            return {"method": method, "status": 1, "message": KILL_FAILED, "data": {}}
        return {"method": method, "status": 0, "message": KILL_OK, "data": {"execID": exec_id}}

    def pause(self, exec_id: str) -> Ok[api.PauseData]:
        short = self._short_exec_id(exec_id)
        if self.store.by_short_exec_id(short) is None:
            index = short.rsplit("_", 1)[-1]
            raise self._generic(
                "IllegalArgumentException", f"The index {index} must be less than 0"
            )
        return Ok({"execID": exec_id}, PAUSE_OK)

    # ---- on demand (the admin API) -----------------------------------------------------

    def force_state(self, task_id: int, state: JobState, error: str) -> admin.JobSummary:
        """Raises KeyError for an unknown job, ValueError for one that cannot move."""
        job = self.store.by_task_id(task_id)
        if job is None:
            raise KeyError(f"no job with taskID {task_id}")
        now = self.clock.now_ms()
        job.force(now, state, error, self.settings.timings)
        self.store.changed(job)
        return _summary(job, now)

    def job_summaries(self) -> list[admin.JobSummary]:
        """Every job, newest first, as the dashboard shows it."""
        now = self.clock.now_ms()
        return [_summary(job, now) for job in self.store.all_jobs()]

    # ---- metrics ----------------------------------------------------------------------

    def running_task(self) -> Ok[api.RunningTaskData]:
        now = self.clock.now_ms()
        count = sum(1 for job in self.store.entrance_jobs() if not job.state(now).is_terminal)
        return Ok({"runningTaskNumber": count, "isCompleted": count == 0}, "success")

    def task_info(
        self, caller: Caller, user: str | None, creator: str | None, ec_type: str | None
    ) -> Ok[api.TaskInfoData]:
        user, creator, ec_type = (
            (user or "").strip(),
            (creator or "").strip(),
            (ec_type or "").strip(),
        )
        if not caller.admin:
            if not user:
                user = caller.user
            elif user.lower() != caller.user.lower():
                raise LinkisError(OTHER_USERS_TASKS)
        wanted = f"{creator}_{user}" if creator and user else (user or creator)
        now = self.clock.now_ms()
        running = queued = 0
        for job in self.store.entrance_jobs():
            state = job.state(now)
            group = job.group
            if state.is_terminal or wanted not in group or (ec_type and ec_type not in group):
                continue
            if state is JobState.RUNNING:
                running += 1
            else:
                queued += 1
        data: api.TaskInfoData = {
            "taskNumber": running + queued,
            "runningNumber": running,
            "queuedNumber": queued,
        }
        if creator and ec_type:
            limit = self.settings.max_running_jobs_per_creator_ec
            data["creatorECTypeMaxRunningJobs"] = limit
            data["limitExceeded"] = running > limit
        return Ok(data, "success")

    # ---- job history and results ------------------------------------------------------

    def job_history(self, task_id: int, caller: Caller, brief: bool) -> Ok[api.JobHistoryData]:
        job = self.store.by_task_id(task_id)
        if job is None or not self._may_view(job, caller):
            raise LinkisError(HISTORY_NOT_FOUND)
        return Ok({"task": self._history_row(job, self.clock.now_ms(), brief)})

    @staticmethod
    def _may_view(job: Job, caller: Caller) -> bool:
        return caller.admin or caller.user in (job.submit_user, job.execute_user)

    def _history_row(self, job: Job, now: int, brief: bool) -> api.JobHistoryTask:
        state = job.state(now)
        err_code, err_desc = job.error_of(now)
        updated = job.timeline.moved_at(now)
        row: api.JobHistoryTask = {
            "taskID": job.ident.task_id,
            "status": state.api_name,
            "progress": str(round(job.progress(now), 2)),
            "resultLocation": self.result_location(job) if state is JobState.SUCCEED else None,
            "logPath": self._log_path(job),
            "errCode": None if state is JobState.RUNNING else err_code,
            "errDesc": err_desc,
            "costTime": (updated if state.is_terminal else now) - job.created_ms,
            "createdTime": job.created_ms,
            "updatedTime": updated,
            "execId": job.ident.short_exec_id or None,
            "strongerExecId": job.ident.exec_id or None,
            "umUser": job.submit_user,
            "executeUser": job.execute_user,
        }
        if brief:
            return row
        started = bool(job.timeline.attempts) and job.timeline.attempts[0].start_ms <= now
        row["engineType"] = job.engine_type
        row["runType"] = job.run_type
        row["executeApplicationName"] = job.engine_type
        row["requestApplicationName"] = job.creator
        row["executionCode"] = job.code
        row["sourceJson"] = json.dumps(dict(job.source), ensure_ascii=False)
        row["paramsJson"] = json.dumps(dict(job.params), ensure_ascii=False)
        row["instance"] = job.ident.instance
        row["engineInstance"] = ENGINE_INSTANCE if started else None
        row["labels"] = dict(job.labels)
        return row

    def result_location(self, job: Job) -> str:
        stamp = time.strftime("%Y%m%d_%H%M%S", time.gmtime(job.created_ms // 1000))
        return (
            f"{self.settings.result_root}/{job.execute_user}/linkis/{stamp}/"
            f"{job.creator}/{job.ident.task_id}"
        )

    def _log_path(self, job: Job) -> str:
        day = time.strftime("%Y-%m-%d", time.gmtime(job.created_ms // 1000))
        return (
            f"{self.settings.result_root}/log/{day}/{job.creator}/{job.execute_user}/"
            f"{job.ident.task_id}.log"
        )

    def dir_file_trees(self, path: str | None, caller: Caller) -> Ok[api.DirFileTreesData]:
        path = self._required_path(path)
        job = self._job_with_result_dir(path, caller)
        if job is None:
            return Ok({"dirFileTrees": None})
        end = job.timeline.ends_at
        child: api.FileTree = {
            "name": RESULT_FILE,
            "path": f"{path}/{RESULT_FILE}",
            "properties": {"size": str(self._result_size(job)), "modifytime": str(end)},
            "isLeaf": True,
            "parentPath": path,
            "children": None,
        }
        tree: api.FileTree = {
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "properties": None,
            "isLeaf": False,
            "parentPath": None,
            "children": [child],
        }
        return Ok({"dirFileTrees": tree})

    def open_file(
        self, path: str | None, caller: Caller, page: int, page_size: int
    ) -> Ok[api.OpenFileData]:
        path = self._required_path(path)
        directory, _, name = path.rpartition("/")
        job = self._job_with_result_dir(directory, caller) if name == RESULT_FILE else None
        if job is None:
            raise self._coded(80013, f"The file does not exist(文件不存在): {path}")
        script = job.script
        first = (page - 1) * page_size
        rows = [script.row(i) for i in range(first, min(first + page_size, script.rows))]
        return Ok(
            {
                "metadata": [
                    {"columnName": c.name, "comment": "NULL", "dataType": c.data_type}
                    for c in script.columns
                ],
                "fileContent": rows,
                "type": "2",
                "totalLine": len(rows),
                "page": page,
                "totalPage": 0,
                "totalColumn": len(script.columns),
            }
        )

    def _required_path(self, path: str | None) -> str:
        if path is None or not path.strip():
            raise self._coded(80004, "The path cannot be empty(路径不能为空)")
        return path.rstrip("/") if path.strip("/") else path

    def _job_with_result_dir(self, directory: str, caller: Caller) -> Job | None:
        """The succeeded job whose result directory is exactly `directory`, if any."""
        last = directory.rsplit("/", 1)[-1]
        job = self.store.by_task_id(int(last)) if last.isdigit() else None
        now = self.clock.now_ms()
        if job is None or job.state(now) is not JobState.SUCCEED:
            return None
        if self.result_location(job) != directory:
            return None
        if not self._may_view(job, caller):
            raise self._coded(
                80010,
                f"You do not have permission to access the path {directory}(没有访问该路径的权限)",
            )
        return job

    @staticmethod
    def _result_size(job: Job) -> int:
        sample = min(job.script.rows, 100)
        if sample == 0:
            return 0
        sample_bytes = sum(len(",".join(job.script.row(i))) + 1 for i in range(sample))
        return sample_bytes * job.script.rows // sample

    # ---- ids --------------------------------------------------------------------------

    def _entrance_job(self, exec_id: str) -> Job | None:
        return self.store.by_short_exec_id(self._short_exec_id(exec_id))

    def _short_exec_id(self, exec_id: str) -> str:
        """Parse an execID like ZuulEntranceUtils; malformed ids fail like the Java code."""
        if exec_id.startswith("exec_id"):
            body, widths = exec_id[len("exec_id") :], [3, 3]
        else:  # the 0.x layout: three 2-digit lengths
            body, widths = exec_id, [2, 2, 2]
        offset = 0
        lengths: list[int] = []
        for width in widths:
            digits = self._substring(body, offset, offset + width)
            if not JAVA_INT.fullmatch(digits):
                raise self._generic("NumberFormatException", f'For input string: "{digits}"')
            lengths.append(int(digits))
            offset += width
        prefix = offset + sum(lengths)
        if any(length < 0 for length in lengths):
            raise self._generic(
                "StringIndexOutOfBoundsException",
                f"begin {offset}, end {prefix}, length {len(body)}",
            )
        self._substring(body, offset, prefix)
        return body[prefix:]

    def _substring(self, text: str, begin: int, end: int) -> str:
        if end > len(text) or begin > end:
            raise self._generic(
                "StringIndexOutOfBoundsException", f"begin {begin}, end {end}, length {len(text)}"
            )
        return text[begin:end]

    def _coded(self, code: int, desc: str) -> LinkisError:
        return coded_error(code, desc, self.settings.instance)

    def _generic(self, exception_class: str, text: str) -> LinkisError:
        return generic_error(exception_class, text, self.settings.instance)


def _application_id(job: Job) -> str:
    return f"application_{job.created_ms // 1000}_{job.ident.task_id:04d}"


def _summary(job: Job, now: int) -> admin.JobSummary:
    shown = job.timeline.lines_visible(now)
    return {
        "taskID": job.ident.task_id,
        "execID": job.ident.exec_id or None,
        "user": job.execute_user,
        "engineType": job.engine_type,
        "state": job.state(now).api_name,
        "progress": job.progress(now),
        "createdTime": job.created_ms,
        "updatedTime": job.timeline.moved_at(now),
        "logTail": job.timeline.lines[max(shown - LOG_TAIL, 0) : shown],
    }


def _stages(job: Job, now: int) -> list[api.ProgressInfo]:
    return [
        {
            "id": s.id,
            "succeedTasks": s.succeed,
            "failedTasks": 0,
            "runningTasks": min(s.running, 1),
            "totalTasks": s.total,
        }
        for s in job.stages(now)
    ]


def _rgb(percent: float) -> api.ResourceRGB:
    if percent <= 0.5:
        return "green"
    return "yellow" if percent <= 0.7 else "red"


def _task_id_or_zero(value: Any) -> int:
    """killJobs' taskIDList items: numbers or numeric strings; anything else counts as 0."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str) and JAVA_INT.fullmatch(value.strip()):
        return int(value.strip())
    return 0
