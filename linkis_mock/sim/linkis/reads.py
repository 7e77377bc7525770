"""Reading a job the entrance holds: status (with the taskID fallback), progress, YARN
resources, and the log with the real fromLine/size arithmetic."""

from __future__ import annotations

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.sim.linkis.entrance_part import EntrancePart
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.jobs import Job, JobState
from linkis_mock.sim.linkis.messages import (
    LOG_UNKNOWN_JOB,
    PROGRESS_UNKNOWN_JOB,
    STATUS_UNKNOWN_JOB,
)
from linkis_mock.sim.linkis.ok import Ok

LOG_LEVEL_SLOT = {
    "ERROR": 0,
    "SYSTEM-ERROR": 0,
    "WARN": 1,
    "SYSTEM-WARN": 1,
    "INFO": 2,
    "SYSTEM-INFO": 2,
}
NEGATIVE_LOG_SIZE = 10_000


class Reads(EntrancePart):
    def status(self, exec_id: str, task_id: int | None) -> Ok[api.StatusData]:
        job = self.entrance_job(exec_id)
        if job is not None:
            return Ok({"status": job.state(self.clock.now_ms()).api_name, "execID": exec_id})
        if task_id is None:
            raise LinkisError(STATUS_UNKNOWN_JOB)
        row = self.store.by_task_id(task_id)
        state = row.state(self.clock.now_ms()) if row is not None else JobState.CANCELLED
        return Ok({"status": state.api_name, "execID": exec_id})

    def progress(self, exec_id: str) -> Ok[api.ProgressData]:
        job = self.entrance_job(exec_id)
        if job is None:
            raise LinkisError(PROGRESS_UNKNOWN_JOB)
        now = self.clock.now_ms()
        return Ok(
            {"progress": job.progress(now), "execID": exec_id, "progressInfo": _stages(job, now)}
        )

    def progress_with_resource(self, exec_id: str) -> Ok[api.ProgressWithResourceData]:
        job = self.entrance_job(exec_id)
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
        if job.submitted.engine_type not in {"spark", "hive", "flink"} or not job.timeline.attempts:
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
        job = self.entrance_job(exec_id)
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


def _application_id(job: Job) -> str:
    return f"application_{job.created_ms // 1000}_{job.ident.task_id:04d}"


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
