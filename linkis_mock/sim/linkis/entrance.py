"""The simulated Linkis entrance, job history and result filesystem.

Every rule and message follows the real server (see ../shared/reference/linkis-entrance.md);
the API layer only wraps what these operations return, or the `LinkisError` they raise,
in the envelope. Each concern is a part of its own, and the entrance gives their
operations one place, as the handlers call them:

    submit.py     submit, execute (the request's format, the interceptors, planning)
    reads.py      status, progress, progressWithResource, log
    actions.py    kill, killJobs, pause
    history.py    job history, the result directory and file
    metrics.py    running tasks, task counts
    on_demand.py  the admin API's job list and forced states
"""

from __future__ import annotations

from linkis_mock.sim.clock import Clock
from linkis_mock.sim.linkis.actions import Actions
from linkis_mock.sim.linkis.history import History
from linkis_mock.sim.linkis.metrics import Metrics
from linkis_mock.sim.linkis.on_demand import OnDemand
from linkis_mock.sim.linkis.reads import Reads
from linkis_mock.sim.linkis.submit import Submitter
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.storage.job_store import JobStore


class Entrance:
    def __init__(self, settings: SimSettings, clock: Clock, store: JobStore) -> None:
        submitter = Submitter(settings, clock, store)
        reads = Reads(settings, clock, store)
        actions = Actions(settings, clock, store)
        history = History(settings, clock, store)
        metrics = Metrics(settings, clock, store)
        on_demand = OnDemand(settings, clock, store)
        self.submit = submitter.submit
        self.status = reads.status
        self.progress = reads.progress
        self.progress_with_resource = reads.progress_with_resource
        self.log = reads.log
        self.kill = actions.kill
        self.kill_jobs = actions.kill_jobs
        self.pause = actions.pause
        self.job_history = history.job_history
        self.result_location = history.result_location
        self.dir_file_trees = history.dir_file_trees
        self.open_file = history.open_file
        self.running_task = metrics.running_task
        self.task_info = metrics.task_info
        self.force_state = on_demand.force_state
        self.job_summaries = on_demand.job_summaries
