"""`linkisManager/openEngineLog`: a page of a job's engine log, as the manager checks the
request (EMRestfulApi.java:402-522) and the engine-connection manager reads the file
(EngineConnLogOperator.scala:40-170).

The manager's checks fail as plain errors; the ECM's own failures come back inside a
successful reply (`isError`, with the exception's root-cause text), as the real ECM
answers its RPC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.entrance_part import EntrancePart
from linkis_mock.sim.linkis.errors import LinkisError, wrapped_text
from linkis_mock.sim.linkis.jobs import Job, JobState
from linkis_mock.sim.linkis.ok import Ok
from linkis_mock.sim.linkis.query_task import (
    ECM_INSTANCE,
    ENGINE_INSTANCE,
    ENGINE_ROOT,
    engine_log_dir,
    task_id_of_ticket,
)

MANAGER = "linkis-cg-linkismanager"
ECM = "linkis-cg-engineconnmanager"
LOG_TYPES = frozenset({"stdout", "stderr", "gc", "udfLog", "yarnApp"})
EMPTY_FILES = frozenset({"stderr", "gc"})  # exist and are empty; udfLog and yarnApp do not
MAX_LAST_ROWS = 5000  # linkis.engineconn.log.fetch.lines.max
MULTILINE_MAX = 500  # linkis.engineconn.log.multiline.max
STAMPED = re.compile(r"^\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}:\d{2}\.\d{3}")


@dataclass(frozen=True, slots=True)
class EngineLogRequest:
    """The request body's members the manager and the ECM read."""

    application_name: str
    em_instance: str
    instance: str
    log_type: str
    log_dir_suffix: str | None = None
    page_size: int = 100
    from_line: int = 1
    enable_tail: bool = True
    ignore_keywords: str = ""
    only_keywords: str = ""
    last_rows: int = 0

    @classmethod
    def of_body(cls, body: api.OpenEngineLogRequest) -> EngineLogRequest:
        given = body["parameters"]
        return cls(
            application_name=body["applicationName"],
            em_instance=body["emInstance"],
            instance=body["instance"],
            log_type=given["logType"],
            log_dir_suffix=given.get("logDirSuffix"),
            page_size=given.get("pageSize", 100),
            from_line=given.get("fromLine", 1),
            enable_tail=given.get("enableTail", True),
            ignore_keywords=given.get("ignoreKeywords", ""),
            only_keywords=given.get("onlyKeywords", ""),
            last_rows=given.get("lastRows", 0),
        )


class EcmError(Exception):
    """An exception inside the ECM's operator: its root-cause text goes to `errorMsg`."""


def _kept(line: str, only: list[str], ignore: list[str]) -> bool:
    return not any(word in line for word in ignore) and (
        not only or any(word in line for word in only)
    )


def read_page(lines: list[str], request: EngineLogRequest) -> api.EngineLogPage:
    """The operator's page of `lines` (without `logPath`): the same skipping, keyword
    filter, multi-line rule and tail order as EngineConnLogOperator.apply."""
    if request.last_rows > MAX_LAST_ROWS:
        raise EcmError(
            _ecm_text(
                11110,
                f"Cannot fetch more than {MAX_LAST_ROWS} lines of logs."
                f"(无法获取超过{MAX_LAST_ROWS}行的日志.)",
            )
        )
    if request.last_rows > 0:
        tail = "\n".join(lines[-request.last_rows :]).split("\n")  # `tail -n`, split
        return {"logs": tail, "rows": len(tail)}
    if request.page_size < 0:
        raise EcmError(f"IllegalArgumentException: Illegal Capacity: {request.page_size}")
    only = request.only_keywords.split(",") if request.only_keywords else []
    ignore = request.ignore_keywords.split(",") if request.ignore_keywords else []
    source = reversed(lines) if request.enable_tail else iter(lines)
    logs: list[str] = []
    line_number = skipped = ignored_after = 0
    dropping = False
    for line in source:
        if len(logs) >= request.page_size:
            break
        line_number += 1
        if skipped < request.from_line - 1:
            skipped += 1
            continue
        if not dropping:
            dropping = not _kept(line, only, ignore)
        elif STAMPED.search(line):  # a new entry: judged on its own
            ignored_after = 0
            dropping = not _kept(line, only, ignore)
        else:  # a continuation of a dropped entry, up to MULTILINE_MAX lines
            ignored_after += 1
            dropping = ignored_after < MULTILINE_MAX
        if not dropping:
            logs.append(line)
    if request.enable_tail:
        logs.reverse()
    return {"logs": logs, "endLine": line_number, "rows": len(logs)}


def _ecm_text(code: int, desc: str) -> str:
    return "ECMErrorException: " + wrapped_text(code, desc, ECM_INSTANCE, ECM)


class EngineLogs(EntrancePart):
    def open_engine_log(
        self, request: EngineLogRequest, caller: Caller
    ) -> Ok[api.OpenEngineLogReplyData]:
        self._check(request)
        suffix = request.log_dir_suffix
        if suffix is None:
            suffix = self._suffix_by_instance(request.instance, caller)
        path = f"{ENGINE_ROOT}/{suffix}/{request.log_type}"
        try:
            lines = self._file_lines(suffix, request.log_type, path)
            page = read_page(lines, request)
        except EcmError as failure:
            return Ok({"result": {}, "errorMsg": str(failure), "isError": True})
        if request.last_rows <= 0:
            page = {"logPath": path, **page}
        return Ok({"result": page, "errorMsg": "", "isError": False})

    def _check(self, request: EngineLogRequest) -> None:
        """The manager's checks, in its order (EMRestfulApi.java:420-455, 462-468)."""
        if not request.application_name:
            raise self._manager_error(
                21001, "applicationName cannot be null(请求参数applicationName不能为空)"
            )
        if not request.instance:
            raise self._manager_error(21001, "instance cannot be null(请求参数instance不能为空)")
        if request.log_type not in LOG_TYPES:
            raise self._manager_error(210003, "param error(参数错误)")
        if request.em_instance != ECM_INSTANCE:
            shown = request.instance  # the real text names the engine, not the ECM
            raise LinkisError(
                f"ECM node :[{shown}]  does not exist, Unable to open engine log"
                f"(ECM节点:[{shown}] 异常，无法打开日志，可能是该节点服务重启或者服务异常导致)"
            )

    def _manager_error(self, code: int, desc: str) -> LinkisError:
        return LinkisError(wrapped_text(code, desc, self.settings.instance, MANAGER))

    def _suffix_by_instance(self, instance: str, caller: Caller) -> str:
        """No logDirSuffix: the engine's resource record, here the newest job that
        reached the mock's one engine, readable by its user and history admins."""
        job = self._newest_on_engine() if instance == ENGINE_INSTANCE else None
        if job is None:
            raise LinkisError(f"EC instance: {instance} not exist ")
        suffix = engine_log_dir(job)
        if caller.user != job.submitted.execute_user and not caller.history_admin:
            raise LinkisError(
                f"You have no permission to get log with path:{suffix} in ECM:"
                f"ServiceInstance({ECM}, {ECM_INSTANCE}, 0)"
            )
        return suffix

    def _newest_on_engine(self) -> Job | None:
        now = self.clock.now_ms()
        return next((job for job in self.store.newest_first() if _reached_engine(job, now)), None)

    def _file_lines(self, suffix: str, log_type: str, path: str) -> list[str]:
        job = self._job_of_log_dir(suffix)
        if job is None or log_type not in EMPTY_FILES | {"stdout"}:
            desc = (
                f"LogFile {path} does not exist or is not a file.(LogFile {path} 不存在或不是文件.)"
            )
            raise EcmError(_ecm_text(11110, desc))
        if log_type in EMPTY_FILES:
            return []
        timeline = job.timeline
        written = timeline.lines[: timeline.lines_visible(self.clock.now_ms())]
        return [line for entry in written for line in entry.split("\n")]  # the file's lines

    def _job_of_log_dir(self, suffix: str) -> Job | None:
        """The job whose engine log directory `suffix` names, once its engine started;
        repeated and trailing slashes are ignored, as java.io.File ignores them."""
        normal = "/".join(part for part in suffix.split("/") if part)
        parts = normal.split("/")
        task_id = task_id_of_ticket(parts[-2]) if len(parts) >= 2 else None
        job = self.store.by_task_id(task_id) if task_id is not None else None
        if job is None or engine_log_dir(job) != normal:
            return None
        return job if _reached_engine(job, self.clock.now_ms()) else None


def _reached_engine(job: Job, now: int) -> bool:
    """Whether the job has had an engine by `now` (its metrics name one then)."""
    moves = zip(job.timeline.transition_times, job.timeline.states, strict=True)
    return any(at <= now and state is JobState.RUNNING for at, state in moves)
