"""The admin API: the clock, reset, jobs and tasks on demand, the users' global
variables, the journal, the proxy's contract violations, fault rules."""

from __future__ import annotations

import os
from typing import Any, TypeVar, cast

from connexion.exceptions import ProblemException

from linkis_mock.api_types import admin as api
from linkis_mock.context import Call
from linkis_mock.control.faults import FaultRuleError
from linkis_mock.sim.clock import ClockReading, iso_instant
from linkis_mock.sim.linkis.jobs import JobState
from linkis_mock.sim.linkis.scripts import DEFAULT_ERROR
from linkis_mock.sim.storage import snapshot

Body = TypeVar("Body")
Reply = tuple[Body, int, dict[str, str]]
# Errors here are problem+json, so each success names its media type for Connexion.
JSON = {"Content-Type": "application/json"}


def _json(body: Body) -> Reply[Body]:
    return body, 200, JSON


def _refused(status: int, detail: str) -> ProblemException:
    """The admin API's refusals are problems; the error mapper keeps them as they are."""
    title = "Not Found" if status == 404 else "Bad Request"
    return ProblemException(status=status, title=title, detail=detail)


def _clock(state: ClockReading) -> api.ClockState:
    return {
        "now": state.now_ms,
        "nowIso": iso_instant(state.now_ms),
        "frozen": state.frozen,
        "speed": state.speed,
    }


# ---- health -----------------------------------------------------------------------------


async def get_health(call: Call) -> Reply[api.Health]:
    return _json({"status": "ok", "instance": call.mock.settings.sim.instance})


async def get_readiness(call: Call) -> Reply[api.Readiness]:
    """The specs were loaded when the app was built; the state backend answered the
    request's look for others' changes (StorageSync: a 503 in its place otherwise)."""
    storage = call.mock.storage
    return _json(
        {
            "ready": True,
            "specs": [served.spec_file for served in call.mock.apis],
            "state": "memory" if storage is None else storage.kind,
        }
    )


# ---- the clock ---------------------------------------------------------------------------


async def get_clock(call: Call) -> Reply[api.ClockState]:
    return _json(_clock(call.sim.clock.reading()))


async def set_clock(call: Call, body: dict[str, Any]) -> Reply[api.ClockState]:
    clock = call.sim.clock
    return _json(_clock(clock.configure(frozen=body.get("frozen"), speed=body.get("speed"))))


async def advance_clock(call: Call, body: dict[str, Any]) -> Reply[api.ClockState]:
    try:
        return _json(_clock(call.sim.clock.advance(float(body["seconds"]))))
    except ValueError as exc:  # past the last instant the clock can show
        raise _refused(400, str(exc)) from None


async def reset(call: Call) -> Reply[api.ResetReport]:
    simulator = call.sim
    simulator.reset()
    call.mock.journal.clear()
    call.mock.faults.reset()
    return _json({"reset": True, "clock": _clock(simulator.clock.reading())})


# ---- jobs and tasks on demand -----------------------------------------------------------


async def list_jobs(call: Call) -> Reply[api.JobList]:
    return _json({"jobs": call.sim.entrance.on_demand.job_summaries()})


async def set_job_state(call: Call, task_id: int, body: dict[str, Any]) -> Reply[api.JobSummary]:
    try:
        summary = call.sim.entrance.on_demand.force_state(
            task_id, JobState(body["state"]), body.get("error") or DEFAULT_ERROR
        )
    except KeyError as exc:
        raise _refused(404, exc.args[0]) from None
    except ValueError as exc:
        raise _refused(400, str(exc)) from None
    return _json(summary)


async def list_vias(call: Call) -> Reply[api.TaskList]:
    return _json({"tasks": call.sim.vias.task_summaries()})


async def set_task_state(call: Call, task_id: str, body: dict[str, Any]) -> Reply[api.TaskSummary]:
    try:
        summary = call.sim.vias.force_state(task_id, body["state"])
    except KeyError as exc:
        raise _refused(404, exc.args[0]) from None
    return _json(summary)


# ---- the journal ------------------------------------------------------------------------


async def get_journal(
    call: Call,
    *,
    operation_id: str | None = None,
    user: str | None = None,
    status: int | None = None,
    since: int | None = None,
    until: int | None = None,
) -> Reply[api.Journal]:
    """`user` is read from the query: Connexion would pass no authenticated user here."""
    book = call.mock.journal
    entries = book.query(
        operation_id=operation_id, user=user, status=status, since_ms=since, until_ms=until
    )
    replica: api.Replica = {"instance": call.mock.settings.sim.instance, "pid": os.getpid()}
    return _json(
        {"capacity": book.capacity, "replica": replica, "entries": [e.as_dict() for e in entries]}
    )


async def clear_journal(call: Call) -> Reply[api.JournalCleared]:
    return _json({"cleared": call.mock.journal.clear()})


# ---- proxy mode: contract violations ----------------------------------------------------


async def get_reloads(call: Call) -> Reply[api.ReloadReport]:
    return _json(call.mock.reloads.report())


async def get_violations(call: Call) -> Reply[api.ViolationReport]:
    return _json(call.mock.violations.summary())


async def clear_violations(call: Call) -> Reply[api.ViolationsCleared]:
    return _json({"cleared": call.mock.violations.clear()})


# ---- fault rules ------------------------------------------------------------------------


async def list_faults(call: Call) -> Reply[api.FaultList]:
    return _json({"rules": [rule.as_dict() for rule in call.mock.faults.rules()]})


async def add_fault(call: Call, body: dict[str, Any]) -> Reply[api.FaultRule]:
    try:
        rule = call.mock.faults.add(body)
    except FaultRuleError as exc:
        raise _refused(400, str(exc)) from None
    return _json(rule.as_dict())


async def delete_fault(call: Call, id_: str) -> Reply[api.FaultList]:
    try:
        call.mock.faults.remove(id_)
    except KeyError as exc:
        raise _refused(404, exc.args[0]) from None
    return await list_faults(call)


# ---- snapshots --------------------------------------------------------------------------


async def get_snapshot(call: Call) -> Reply[api.Snapshot]:
    # The snapshot is built generically (dataclasses.asdict); Schemathesis checks its shape.
    # Session tickets go only to the plane's owners (linkis_mock.control.admin_access).
    owner = call.mock.settings.admin.shows_secrets
    return _json(cast("api.Snapshot", snapshot.take(call.sim.stores, sessions=owner)))


async def put_snapshot(call: Call, body: dict[str, Any]) -> Reply[api.Snapshot]:
    try:
        snapshot.restore(call.sim.stores, body)
    except snapshot.SnapshotError as exc:
        raise _refused(400, str(exc)) from None
    return await get_snapshot(call)


# ---- the users' global variables ---------------------------------------------------------


async def get_user_variables(call: Call, user: str) -> Reply[api.UserVariables]:
    return _json({"user": user, "variables": call.sim.stores.variables.values(user)})


async def set_user_variables(
    call: Call, user: str, body: dict[str, Any]
) -> Reply[api.UserVariables]:
    variables = call.sim.stores.variables
    variables.replace(user, body["variables"])
    return _json({"user": user, "variables": variables.values(user)})
