"""The simulator this process serves; the app factory installs it, handlers read it."""

from __future__ import annotations

from linkis_mock.control.faults import FaultBook
from linkis_mock.control.journal import Journal
from linkis_mock.sim.simulator import Simulator


class _Installed:
    simulator: Simulator | None = None
    journal: Journal = Journal()
    faults: FaultBook = FaultBook()


def install(
    simulator: Simulator, journal: Journal | None = None, faults: FaultBook | None = None
) -> None:
    _Installed.simulator = simulator
    _Installed.journal = journal or Journal()
    _Installed.faults = faults or FaultBook()


def faults() -> FaultBook:
    return _Installed.faults


def journal() -> Journal:
    return _Installed.journal


def sim() -> Simulator:
    simulator = _Installed.simulator
    if simulator is None:
        raise RuntimeError("no simulator installed: build the app with linkis_mock.app.create_app")
    return simulator
