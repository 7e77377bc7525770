"""What every part of the simulated entrance works with: its settings, the clock, the job
store, execIDs, and the two kinds of error it raises."""

from __future__ import annotations

from linkis_mock.sim.clock import Clock
from linkis_mock.sim.linkis.errors import SERVICE_KIND, LinkisError, coded_error, generic_error
from linkis_mock.sim.linkis.exec_ids import ExecIds
from linkis_mock.sim.linkis.jobs import Job
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.storage.job_store import JobStore


class EntrancePart:
    def __init__(self, settings: SimSettings, clock: Clock, store: JobStore) -> None:
        self.settings = settings
        self.clock = clock
        self.store = store
        self.ids = ExecIds(settings.instance)

    def entrance_job(self, exec_id: str) -> Job | None:
        """The job the entrance holds under this execID (malformed ids raise)."""
        return self.store.by_short_exec_id(self.ids.short_of(exec_id))

    def coded(
        self,
        code: int,
        desc: str,
        service_kind: str = SERVICE_KIND,
        shown: tuple[int, str] | None = None,
    ) -> LinkisError:
        return coded_error(code, desc, self.settings.instance, service_kind, shown)

    def generic(
        self, exception_class: str, text: str, service_kind: str = SERVICE_KIND
    ) -> LinkisError:
        return generic_error(exception_class, text, self.settings.instance, service_kind)
