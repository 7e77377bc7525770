"""The simulated Linkis entrance, job history and result filesystem.

Every rule and message follows the real server (see docs/reference/linkis-entrance.md;
the interceptors: docs/reference/linkis-interceptors.md);
the API layer only wraps what these operations return, or the `LinkisError` they raise,
in the envelope. Each concern is a part of its own, and the entrance gives their
operations one place, as the handlers call them:

    submit.py     submit, execute (the request's format, the interceptors, planning)
    interceptors/ what the entrance does to a job's code before scheduling it
    global_variables.py  each user's global variables (the public service's)
    reads.py      status, progress, progressWithResource, log
    actions.py    kill, killJobs, pause
    history.py    job history: a job's record, the searches, roles, code and diagnosis
    result_files.py  the result directory and file, and their downloads
    log_file.py   a job's log file, by level
    engine_logs.py  a page of a job's engine log (the manager's openEngineLog)
    metrics.py    running tasks, task counts
    on_demand.py  the admin API's job list and forced states
"""

from __future__ import annotations

from linkis_mock.sim.clock import Clock
from linkis_mock.sim.linkis.actions import Actions
from linkis_mock.sim.linkis.engine_logs import EngineLogs
from linkis_mock.sim.linkis.global_variables import GlobalVariables
from linkis_mock.sim.linkis.history import History
from linkis_mock.sim.linkis.log_file import LogFiles
from linkis_mock.sim.linkis.metrics import Metrics
from linkis_mock.sim.linkis.on_demand import OnDemand
from linkis_mock.sim.linkis.reads import Reads
from linkis_mock.sim.linkis.result_files import ResultFiles
from linkis_mock.sim.linkis.submit import Submitter
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.storage.job_store import JobStore
from linkis_mock.sim.storage.variable_store import VariableStore


class Entrance:
    def __init__(
        self, settings: SimSettings, clock: Clock, store: JobStore, variables: VariableStore
    ) -> None:
        submitter = Submitter(settings, clock, store, variables)
        global_variables = GlobalVariables(settings, variables)
        reads = Reads(settings, clock, store)
        actions = Actions(settings, clock, store)
        history = History(settings, clock, store)
        results = ResultFiles(settings, clock, store)
        logs = LogFiles(settings, clock, store)
        engine_logs = EngineLogs(settings, clock, store)
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
        self.job_list = history.job_list
        self.undone_tasks = history.undone_tasks
        self.export_job_list = history.export
        self.admin_roles = history.admin_roles
        self.extra_info = history.extra_info
        self.diagnosis = history.diagnosis
        self.dir_file_trees = results.dir_file_trees
        self.open_file = results.open_file
        self.download_result = results.download_result
        self.download_results = results.download_results
        self.open_log = logs.open_log
        self.open_engine_log = engine_logs.open_engine_log
        self.running_task = metrics.running_task
        self.task_info = metrics.task_info
        self.force_state = on_demand.force_state
        self.job_summaries = on_demand.job_summaries
        self.list_global_variables = global_variables.list_global_variables
        self.save_global_variables = global_variables.save_global_variables
