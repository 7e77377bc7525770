"""The admin API: control the simulated clock, reset all state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

from linkis_mock.api_types import admin as api
from linkis_mock.runtime import sim
from linkis_mock.sim.clock import ClockState

Body = TypeVar("Body", api.ClockState, api.ResetResult)
# Errors here are problem+json, so each success names its media type for Connexion.
JSON = {"Content-Type": "application/json"}


def _json(body: Body) -> tuple[Body, int, dict[str, str]]:
    return body, 200, JSON


def _clock(state: ClockState) -> api.ClockState:
    iso = datetime.fromtimestamp(state.now_ms / 1000, tz=UTC).isoformat(timespec="milliseconds")
    return {
        "now": state.now_ms,
        "nowIso": iso.replace("+00:00", "Z"),
        "frozen": state.frozen,
        "speed": state.speed,
    }


async def get_clock() -> tuple[api.ClockState, int, dict[str, str]]:
    return _json(_clock(sim().clock.state()))


async def set_clock(body: dict[str, Any]) -> tuple[api.ClockState, int, dict[str, str]]:
    clock = sim().clock
    return _json(_clock(clock.configure(frozen=body.get("frozen"), speed=body.get("speed"))))


async def advance_clock(body: dict[str, Any]) -> tuple[api.ClockState, int, dict[str, str]]:
    return _json(_clock(sim().clock.advance(float(body["seconds"]))))


async def reset() -> tuple[api.ResetResult, int, dict[str, str]]:
    simulator = sim()
    simulator.reset()
    return _json({"reset": True, "clock": _clock(simulator.clock.state())})
