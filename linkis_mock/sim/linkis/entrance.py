"""The simulated Linkis entrance, job history and result filesystem.

Every rule and message follows the real server (see docs/reference/linkis-entrance.md;
the interceptors: docs/reference/linkis-interceptors.md);
the API layer only wraps what these operations return, or the `LinkisError` they raise,
in the envelope. Each concern is a part of its own, which callers reach through the
entrance by name (`sim.entrance.reads.status`):

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
    """The entrance's parts, which callers reach by name: `sim.entrance.reads.status(...)`,
    `sim.entrance.history.job_list(...)`; each part is one concern (see the module doc)."""

    def __init__(
        self, settings: SimSettings, clock: Clock, store: JobStore, variables: VariableStore
    ) -> None:
        self.submitter = Submitter(settings, clock, store, variables)
        self.reads = Reads(settings, clock, store)
        self.actions = Actions(settings, clock, store)
        self.history = History(settings, clock, store)
        self.results = ResultFiles(settings, clock, store)
        self.logs = LogFiles(settings, clock, store)
        self.engine_logs = EngineLogs(settings, clock, store)
        self.metrics = Metrics(settings, clock, store)
        self.on_demand = OnDemand(settings, clock, store)
        self.global_variables = GlobalVariables(settings, variables)
