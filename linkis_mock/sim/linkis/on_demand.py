"""Jobs on demand, for the admin API: the dashboard's list, and forcing a job's state."""

from __future__ import annotations

from linkis_mock.api_types import admin
from linkis_mock.sim.linkis.entrance_part import EntrancePart
from linkis_mock.sim.linkis.jobs import Job, JobState

LOG_TAIL = 5  # log lines in a job's summary


class OnDemand(EntrancePart):
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


def _summary(job: Job, now: int) -> admin.JobSummary:
    shown = job.timeline.lines_visible(now)
    return {
        "taskID": job.ident.task_id,
        "execID": job.ident.exec_id or None,
        "user": job.submitted.execute_user,
        "engineType": job.submitted.engine_type,
        "state": job.state(now).api_name,
        "progress": job.progress(now),
        "createdTime": job.created_ms,
        "updatedTime": job.timeline.moved_at(now),
        "logTail": job.timeline.lines[max(shown - LOG_TAIL, 0) : shown],
    }
