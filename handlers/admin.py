"""The admin API: control the simulated clock, reset all state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypedDict

from linkis_mock.runtime import sim
from linkis_mock.sim.clock import ClockState


class ClockReply(TypedDict):
    now: int
    nowIso: str
    frozen: bool
    speed: float


class ResetReply(TypedDict):
    reset: bool
    clock: ClockReply


def _clock_reply(state: ClockState) -> ClockReply:
    iso = datetime.fromtimestamp(state.now_ms / 1000, tz=UTC).isoformat(timespec="milliseconds")
    return {
        "now": state.now_ms,
        "nowIso": iso.replace("+00:00", "Z"),
        "frozen": state.frozen,
        "speed": state.speed,
    }


async def get_clock() -> ClockReply:
    return _clock_reply(sim().clock.state())


async def set_clock(body: dict[str, Any]) -> ClockReply:
    return _clock_reply(sim().clock.configure(frozen=body.get("frozen"), speed=body.get("speed")))


async def advance_clock(body: dict[str, Any]) -> ClockReply:
    return _clock_reply(sim().clock.advance(float(body["seconds"])))


async def reset() -> ResetReply:
    simulator = sim()
    simulator.reset()
    return {"reset": True, "clock": _clock_reply(simulator.clock.state())}
