"""The admin API: the clock, reset, jobs and tasks on demand, the journal, fault rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from connexion.exceptions import ProblemException

from linkis_mock.api_types import admin as api
from linkis_mock.faults import FaultRuleError
from linkis_mock.runtime import faults, journal, sim
from linkis_mock.sim import snapshot
from linkis_mock.sim.clock import ClockState
from linkis_mock.sim.jobs import JobState
from linkis_mock.sim.scripts import DEFAULT_ERROR

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
    journal().clear()
    faults().reset()
    return _json({"reset": True, "clock": _clock(simulator.clock.state())})


# ---- jobs and tasks on demand -----------------------------------------------------------


async def list_jobs() -> tuple[api.JobList, int, dict[str, str]]:
    return {"jobs": sim().entrance.job_summaries()}, 200, JSON


async def set_job_state(
    task_id: int, body: dict[str, Any]
) -> tuple[api.JobSummary, int, dict[str, str]]:
    try:
        summary = sim().entrance.force_state(
            task_id, JobState(body["state"]), body.get("error") or DEFAULT_ERROR
        )
    except KeyError as exc:
        raise ProblemException(status=404, title="Not Found", detail=exc.args[0]) from None
    except ValueError as exc:
        raise ProblemException(status=400, title="Bad Request", detail=str(exc)) from None
    return summary, 200, JSON


async def list_vias() -> tuple[api.TaskList, int, dict[str, str]]:
    return {"tasks": sim().vias.task_summaries()}, 200, JSON


async def set_task_state(
    task_id: str, body: dict[str, Any]
) -> tuple[api.TaskSummary, int, dict[str, str]]:
    try:
        summary = sim().vias.force_state(task_id, body["state"])
    except KeyError as exc:
        raise ProblemException(status=404, title="Not Found", detail=exc.args[0]) from None
    return summary, 200, JSON


# ---- the journal ------------------------------------------------------------------------


async def get_journal(
    operation_id: str | None = None,
    user: str | None = None,
    status: int | None = None,
    since: int | None = None,
    until: int | None = None,
) -> tuple[api.Journal, int, dict[str, str]]:
    """`user` is read from the query: Connexion would pass no authenticated user here."""
    book = journal()
    entries = book.query(
        operation_id=operation_id, user=user, status=status, since_ms=since, until_ms=until
    )
    return {"capacity": book.capacity, "entries": [e.as_dict() for e in entries]}, 200, JSON


async def clear_journal() -> tuple[api.JournalCleared, int, dict[str, str]]:
    return {"cleared": journal().clear()}, 200, JSON


# ---- fault rules ------------------------------------------------------------------------


async def list_faults() -> tuple[api.FaultList, int, dict[str, str]]:
    return {"rules": [rule.as_dict() for rule in faults().rules()]}, 200, JSON


async def add_fault(body: dict[str, Any]) -> tuple[api.FaultRule, int, dict[str, str]]:
    try:
        rule = faults().add(body)
    except FaultRuleError as exc:
        raise ProblemException(status=400, title="Bad Request", detail=str(exc)) from None
    return rule.as_dict(), 200, JSON


async def delete_fault(id_: str) -> tuple[api.FaultList, int, dict[str, str]]:
    try:
        faults().remove(id_)
    except KeyError as exc:
        raise ProblemException(status=404, title="Not Found", detail=exc.args[0]) from None
    return await list_faults()


# ---- snapshots --------------------------------------------------------------------------


async def get_snapshot() -> tuple[api.Snapshot, int, dict[str, str]]:
    # The snapshot is built generically (dataclasses.asdict); Schemathesis checks its shape.
    return cast("api.Snapshot", snapshot.take(sim())), 200, JSON


async def put_snapshot(body: dict[str, Any]) -> tuple[api.Snapshot, int, dict[str, str]]:
    try:
        snapshot.restore(sim(), body)
    except snapshot.SnapshotError as exc:
        raise ProblemException(status=400, title="Bad Request", detail=str(exc)) from None
    return await get_snapshot()
