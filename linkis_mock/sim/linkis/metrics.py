"""The entrance's metrics: running tasks, and task counts per user, creator and engine."""

from __future__ import annotations

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.entrance_part import EntrancePart
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.jobs import JobState
from linkis_mock.sim.linkis.messages import OTHER_USERS_TASKS
from linkis_mock.sim.linkis.ok import Ok


class Metrics(EntrancePart):
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
