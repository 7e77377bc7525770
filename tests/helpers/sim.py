"""Helpers shared by the simulator unit tests (no tests here)."""

from __future__ import annotations

from typing import Any

from linkis_mock.sim.clock import Clock
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.simulator import Simulator

START_MS = 1_714_557_933_000  # 2024-05-01 10:05:33.000 UTC
INSTANCE = "127.0.0.1:9104"
APP_PREFIX = "exec_id018014linkis-cg-entrance127.0.0.1:9104"
GENERIC_PREFIX = "operation failed(操作失败)s！the reason(原因)："

# As the default settings make them (Users.caller): hadoop holds every admin role.
HADOOP = Caller(
    "hadoop",
    admin=True,
    governance_admin=True,
    history_admin=True,
    department_admin=True,
    department="linkis",
)
ALICE = Caller("alice", department="linkis")
BOB = Caller("bob", department="analytics")


def make_sim(**overrides: Any) -> Simulator:
    """A simulator on instance 127.0.0.1:9104 with a clock frozen at START_MS."""
    settings = SimSettings(**{"instance": INSTANCE, **overrides})
    return Simulator(settings, Clock(START_MS, frozen=True))


def submit_body(
    code: str = "select 1",
    *,
    user: str = "alice",
    engine: str = "spark-2.4.3",
    run_type: str = "sql",
    creator: str = "IDE",
) -> dict[str, Any]:
    return {
        "executionContent": {"code": code, "runType": run_type},
        "labels": {"engineType": engine, "userCreator": f"{user}-{creator}"},
    }


def submit(
    sim: Simulator,
    caller: Caller,
    code: str = "select 1",
    *,
    engine: str = "spark-2.4.3",
    creator: str = "IDE",
    via_execute: bool = False,
    run_type: str = "sql",
) -> tuple[str, int]:
    """Submit as `caller` in the current format; returns (execID, taskID)."""
    body = submit_body(code, user=caller.user, engine=engine, creator=creator, run_type=run_type)
    reply = sim.entrance.submitter.submit(body, caller, via_execute)
    exec_id = reply.data["execID"]
    task_id = reply.data["taskID"]
    assert isinstance(exec_id, str)
    assert isinstance(task_id, int)
    return exec_id, task_id


def exec_id_of(short: str) -> str:
    """A well-formed execID on INSTANCE for a short execID (known or not)."""
    return APP_PREFIX + short


def state_of(sim: Simulator, exec_id: str) -> str:
    status = sim.entrance.reads.status(exec_id, None).data["status"]
    assert isinstance(status, str)
    return status


def all_lines(sim: Simulator, exec_id: str) -> list[str]:
    """Every log line visible now (the ALL element, split)."""
    log = sim.entrance.reads.log(exec_id, 1, -1, True).data["log"]
    assert isinstance(log, list)
    text = log[3]
    return text.split("\n") if text else []


def at(sim: Simulator, offset_ms: int) -> None:
    """Move the frozen clock to START_MS + offset_ms (forward only)."""
    delta = START_MS + offset_ms - sim.clock.now_ms()
    assert delta >= 0, "tests only move the clock forward"
    sim.clock.advance(delta / 1000)
    assert sim.clock.now_ms() == START_MS + offset_ms


def job_lines(sim: Simulator, exec_id: str) -> list[str]:
    """The log lines from `Job with jobId ...` on: what follows the interceptors' lines at
    the head of every job's log (docs/reference/linkis-interceptors.md §9)."""
    lines = all_lines(sim, exec_id)
    return lines[next(i for i, line in enumerate(lines) if " INFO Job with jobId : " in line) :]


def without_intake_lines(sim: Simulator, task_id: int) -> None:
    """Make a job just submitted log no interceptors' lines, as a job of a recording or of
    an older mock's snapshot does: for tests of the log's own arithmetic, which the
    reference gives for a job with 3 lines so far (linkis-entrance.md §6)."""
    job = sim.stores.jobs.by_task_id(task_id)
    assert job is not None and job.kept_timeline is None
    sim.stores.jobs.planned.take(job)
    job.intake = None
