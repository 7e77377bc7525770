"""The simulator this process serves; the app factory installs it, handlers read it."""

from __future__ import annotations

from linkis_mock.sim.world import Simulator


class _Installed:
    simulator: Simulator | None = None


def install(simulator: Simulator) -> None:
    _Installed.simulator = simulator


def sim() -> Simulator:
    simulator = _Installed.simulator
    if simulator is None:
        raise RuntimeError("no simulator installed: build the app with linkis_mock.app.create_app")
    return simulator
