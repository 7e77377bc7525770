"""The simulator as one object: the Linkis entrance and job history, the gateway's users
and what it tells the web console, the VIAS service, and the stores and clock they share."""

from __future__ import annotations

from linkis_mock.sim.clock import Clock
from linkis_mock.sim.linkis.console import Console
from linkis_mock.sim.linkis.entrance import Entrance
from linkis_mock.sim.linkis.users import Users
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.storage.stores import Stores
from linkis_mock.sim.vias.service import Vias


class Simulator:
    def __init__(
        self, settings: SimSettings, clock: Clock | None = None, stores: Stores | None = None
    ) -> None:
        """`stores`: what another simulator kept, clock included, taken over as it is (a
        reload with new settings); new jobs follow the new settings."""
        self.settings = settings
        self.clock = stores.clock if stores is not None else clock or Clock()
        self.stores = (
            stores
            if stores is not None
            else Stores(self.clock, settings.history_jobs, settings.variables)
        )
        self.stores.variables.reseed(settings.variables)  # a reload's, for the next reset
        self.users = Users(settings, self.clock, self.stores.sessions)
        self.entrance = Entrance(settings, self.clock, self.stores.jobs, self.stores.variables)
        self.console = Console(settings.console)
        self.vias = Vias(settings.vias, self.clock, self.stores.vias_tasks, settings.seed)

    def reset(self) -> None:
        """Forget all jobs, tasks and sessions, put the global variables back to the
        config's, and the clock back on real time."""
        self.stores.clear()
        self.clock.restart()
