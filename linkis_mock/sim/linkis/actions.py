"""Acting on jobs: kill (asynchronous while running, forced through job history for a
job the entrance no longer holds), killJobs item by item, and pause."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.entrance_part import EntrancePart
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.exec_ids import JAVA_INT
from linkis_mock.sim.linkis.jobs import Job, JobState
from linkis_mock.sim.linkis.messages import (
    KILL_FAILED,
    KILL_FORCED,
    KILL_JOBS_LENGTH,
    KILL_OK,
    KILL_UNKNOWN_JOB,
    PAUSE_OK,
)
from linkis_mock.sim.linkis.ok import Ok


def no_permission_to_kill(user: str) -> LinkisError:
    return LinkisError(f"You have no permission to kill this job, excecute by user:{user}")


class Actions(EntrancePart):
    def kill(self, exec_id: str, task_id: int | None, caller: Caller) -> Ok[api.KillReplyData]:
        job = self.entrance_job(exec_id)
        if job is None:
            if task_id is None or task_id <= 0:
                raise LinkisError(KILL_UNKNOWN_JOB)
            self._force_kill(task_id, caller)
            return Ok({}, KILL_FORCED)
        self._check_may_kill(job, caller)
        self._kill_live(job)
        return Ok({"execID": exec_id}, KILL_OK)

    def _check_may_kill(self, job: Job, caller: Caller) -> None:
        if caller.user != job.submitted.execute_user and not caller.admin:
            raise no_permission_to_kill(job.submitted.execute_user)

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
        if row is None or (caller.user != row.submitted.execute_user and not caller.admin):
            return
        now = self.clock.now_ms()
        if not row.state(now).is_terminal:
            row.kill(now, 0)
            self.store.changed(row)

    def kill_jobs(
        self, path_id: str, id_list: Sequence[str], task_ids: Sequence[Any], caller: Caller
    ) -> Ok[api.KillJobsReplyData]:
        del path_id  # only routes at the real gateway
        if len(id_list) != len(task_ids):
            raise LinkisError(KILL_JOBS_LENGTH)
        items: list[api.KillJobsItem] = []
        forced: list[int] = []
        for exec_id, raw_task_id in zip(id_list, task_ids, strict=True):
            job = self.entrance_job(exec_id)
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

    def pause(self, exec_id: str) -> Ok[api.PauseReplyData]:
        short = self.ids.short_of(exec_id)
        if self.store.by_short_exec_id(short) is None:
            index = short.rsplit("_", 1)[-1]
            raise self.generic("IllegalArgumentException", f"The index {index} must be less than 0")
        return Ok({"execID": exec_id}, PAUSE_OK)


def _task_id_or_zero(value: Any) -> int:
    """killJobs' taskIDList items: numbers or numeric strings; anything else counts as 0."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str) and JAVA_INT.fullmatch(value.strip()):
        return int(value.strip())
    return 0
