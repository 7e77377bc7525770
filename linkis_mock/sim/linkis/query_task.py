"""A job as the job history shows it: the `QueryTaskVO` of the lists and of `{id}/get`,
the metrics the entrance records as the job moves, and the paths of its log and results.

Everything is derived from the job's timeline at the instant asked, so a list, a
record, a log and a diagnosis read at the same instant agree
(docs/reference/linkis-console.md §2; TaskConversions.scala:229-403).
"""

from __future__ import annotations

import json
import time
import uuid
from typing import TypedDict

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.sim.linkis.jobs import Job, JobState


class Metrics(TypedDict, total=False):
    """A job's metrics, the members of `JobMetricsMap` the entrance records."""

    submitTime: str
    scheduleTime: str
    completeTime: str
    engineInstance: str
    ecmInstance: str
    engineLogPath: str
    isReuse: bool
    engineconnMap: dict[str, api.JobMetricsEngineConn]


ENGINE_INSTANCE = "127.0.0.1:41761"
ECM_INSTANCE = "127.0.0.1:9102"
ENGINE_ROOT = "/appcom/tmp"
RESULT_FILE = "_0.dolphin"


def metrics_time(at_ms: int) -> str:
    """`yyyy-MM-dd'T'HH:mm:ssZ`, as the entrance writes metrics dates (in UTC here)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(at_ms // 1000))


def _second(at_ms: int) -> int:
    """What a metrics date reads back as: the instant cut to its second."""
    return at_ms // 1000 * 1000


def log_path(job: Job, root: str) -> str:
    """The HDFS layout: `<root>/log/<yyyy-MM-dd>/<creator>/<executeUser>/<taskID>.log`
    (ParserUtils.java:36-74)."""
    day = time.strftime("%Y-%m-%d", time.gmtime(job.created_ms // 1000))
    submitted = job.submitted
    return f"{root}/log/{day}/{submitted.creator}/{submitted.execute_user}/{job.ident.task_id}.log"


def result_location(job: Job, root: str) -> str:
    stamp = time.strftime("%Y%m%d_%H%M%S", time.gmtime(job.created_ms // 1000))
    submitted = job.submitted
    return f"{root}/{submitted.execute_user}/linkis/{stamp}/{submitted.creator}/{job.ident.task_id}"


def task_id_named(name: str) -> int | None:
    """The taskID a path part names (`123`, from `.../123` or `.../123.log`), if any."""
    if not (name.isascii() and name.isdigit() and len(name) <= 19):
        return None
    return int(name)


def ticket_id(job: Job) -> str:
    """The engine's ticket: a UUID, stable for a job, whose last group is the job's
    taskID in hex, so that an engine log path leads back to its job."""
    name = f"linkis-mock:{job.ident.instance}:{job.ident.task_id}:{job.created_ms}"
    digest = uuid.uuid5(uuid.NAMESPACE_URL, name).hex
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{job.ident.task_id:012x}"


def task_id_of_ticket(ticket: str) -> int | None:
    last = ticket.rsplit("-", 1)[-1]
    if ticket.count("-") < 4 or not 12 <= len(last) <= 16:
        return None
    try:
        return int(last, 16)
    except ValueError:
        return None


def engine_log_dir(job: Job) -> str:
    """`engineLogPath`: the engine's log directory, relative to the ECM's engine root
    (`<user>/<yyyyMMdd>/<engineType>/<ticketId>/logs`, AMUtils.scala:367-376)."""
    day = time.strftime("%Y%m%d", time.gmtime(job.created_ms // 1000))
    return f"{job.submitted.execute_user}/{day}/{job.submitted.engine_type}/{ticket_id(job)}/logs"


def _first_move(job: Job, state: JobState, now: int) -> int | None:
    timeline = job.timeline
    for at, moved_to in zip(timeline.transition_times, timeline.states, strict=True):
        if at > now:
            return None
        if moved_to is state:
            return at
    return None


def job_metrics(job: Job, now: int) -> Metrics:
    """The metrics the entrance has recorded by `now`: submit and schedule times, the
    engine once the job runs, and the completion time once it ends."""
    metrics: Metrics = {"submitTime": metrics_time(job.created_ms)}
    scheduled = _first_move(job, JobState.SCHEDULED, now)
    if scheduled is not None:
        metrics["scheduleTime"] = metrics_time(scheduled)
    if _first_move(job, JobState.RUNNING, now) is not None:
        ticket = ticket_id(job)
        metrics["engineInstance"] = ENGINE_INSTANCE
        metrics["ecmInstance"] = ECM_INSTANCE
        metrics["engineLogPath"] = engine_log_dir(job)
        metrics["isReuse"] = False
        metrics["engineconnMap"] = {ticket: {"ticketId": ticket, "engineInstance": ENGINE_INSTANCE}}
    if job.state(now).is_terminal:
        metrics["completeTime"] = metrics_time(job.timeline.moved_at(now))
    return metrics


def _labels(job: Job) -> list[str]:
    return [f"{key}:{value}" for key, value in job.submitted.labels.items()]


def _source_tailor(job: Job) -> str | None:
    """The source's values joined by `-` (TaskConversions.scala:346-354)."""
    values = [str(value) for value in job.submitted.source.values() if value is not None]
    return "-".join(values) if job.submitted.source else None


def _cost_time(job: Job, state: JobState, now: int) -> int:
    """From the metrics' second-precision dates, as TaskConversions.scala:279-326."""
    submitted = _second(job.created_ms)
    if state.is_terminal:
        return _second(job.timeline.moved_at(now)) - submitted
    return now - submitted


def brief_task(job: Job, now: int, root: str) -> api.JobHistoryTask:
    """`{id}/get?brief=true`: ten members set, the rest null (jobHistory2BriefTaskVO)."""
    state = job.state(now)
    err_code, err_desc = job.error_of(now)
    return {
        "taskID": job.ident.task_id,
        "status": state.api_name,
        "progress": _progress(job, now),
        "resultLocation": _result_location(job, state, root),
        "logPath": log_path(job, root),
        "errCode": err_code,
        "errDesc": err_desc,
        "execId": job.ident.short_exec_id or None,
        "umUser": job.submitted.submit_user,
        "executeUser": job.submitted.execute_user,
        "instance": None,
        "engineInstance": None,
        "executionCode": None,
        "createdTime": None,
        "updatedTime": None,
        "engineType": None,
        "executeApplicationName": None,
        "requestApplicationName": None,
        "runType": None,
        "paramsJson": None,
        "costTime": None,
        "strongerExecId": None,
        "sourceJson": None,
        "sourceTailor": None,
        "engineStartTime": None,
        "labels": None,
        "canRetry": False,
        "observeInfo": None,
        "isReuse": None,
        "requestStartTime": None,
        "requestEndTime": None,
        "requestSpendTime": None,
        "metrics": None,
        "engineLogPath": None,
        "ecmInstance": None,
        "ticketId": None,
        "subJobs": None,
    }


def full_task(job: Job, now: int, root: str, *, with_code: bool) -> api.JobHistoryTask:
    """The whole record (jobHistory2TaskVO): with the stored code in the lists, without
    it in `{id}/get`, whose select leaves the column out (as it does `observeInfo`,
    which the mock never sets)."""
    state = job.state(now)
    err_code, err_desc = job.error_of(now)
    metrics = job_metrics(job, now)
    started = "engineInstance" in metrics
    submitted = _second(job.created_ms)
    scheduled = _first_move(job, JobState.SCHEDULED, now)
    return {
        "taskID": job.ident.task_id,
        "status": state.api_name,
        "progress": _progress(job, now),
        "resultLocation": _result_location(job, state, root),
        "logPath": log_path(job, root),
        "errCode": err_code,
        "errDesc": err_desc,
        "execId": job.ident.short_exec_id or None,
        "umUser": job.submitted.submit_user,
        "executeUser": job.submitted.execute_user,
        "instance": job.ident.instance,
        "engineInstance": metrics.get("engineInstance"),
        "executionCode": stored_code(job, now) if with_code else None,
        "createdTime": job.created_ms,
        "updatedTime": job.timeline.moved_at(now),
        "engineType": job.submitted.engine_type,
        "executeApplicationName": job.submitted.engine_type,
        "requestApplicationName": job.submitted.creator,
        "runType": job.submitted.labels.get("codeType"),
        "paramsJson": _json(dict(job.submitted.params)),
        "costTime": _cost_time(job, state, now),
        "strongerExecId": job.ident.exec_id or None,
        "sourceJson": _json(dict(job.submitted.source)),
        "sourceTailor": _source_tailor(job),
        "engineStartTime": None,
        "labels": _labels(job),
        "canRetry": state is JobState.FAILED and not started,
        "observeInfo": None,
        "isReuse": metrics.get("isReuse"),
        "requestStartTime": submitted,
        "requestEndTime": _second(scheduled) if scheduled is not None else None,
        "requestSpendTime": _second(scheduled) - submitted if scheduled is not None else None,
        "metrics": _json(metrics),
        "engineLogPath": metrics.get("engineLogPath"),
        "ecmInstance": metrics.get("ecmInstance"),
        "ticketId": ticket_id(job) if started else None,
        "subJobs": None,
    }


def _progress(job: Job, now: int) -> str:
    return str(round(job.progress(now), 2))


def _result_location(job: Job, state: JobState, root: str) -> str | None:
    return result_location(job, root) if state is JobState.SUCCEED else None


def stored_code(job: Job, now: int) -> str | None:
    """The code the row holds at `now` (Job.code_at); a blank one as null
    (TaskConversions.scala:340-342)."""
    code = job.code_at(now)
    return code if code.strip() else None


def _json(value: object) -> str:
    """JSON text as the services store it: compact."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
