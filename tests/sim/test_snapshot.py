"""A snapshot restores the simulated world exactly, and a bad one changes nothing."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from linkis_mock.sim.clock import Clock
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.jobs import Job
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.simulator import Simulator
from linkis_mock.sim.storage.snapshot import (
    SnapshotError,
    job_from_json,
    restore,
    take,
)
from tests.helpers.layout1 import layout_1_row

START_MS = 1_714_529_133_000
ALICE = Caller("alice")
DEV = "0123456789abcdef0123456789abcdef"


def busy_world() -> Simulator:
    sim = Simulator(SimSettings(instance="127.0.0.1:9104"), Clock(START_MS, frozen=True))
    body = {
        "executionContent": {"code": "select a, b from t\n--@mock rows=4 duration=10"},
        "labels": {"engineType": "spark-2.4.3", "codeType": "sql"},
    }
    first = sim.entrance.submitter.submit(body, ALICE, via_execute=False).data["execID"]
    sim.clock.advance(1.5)
    sim.entrance.submitter.submit(
        {**body, "labels": {"engineType": "hive", "codeType": "sql"}}, ALICE, False
    )
    sim.entrance.actions.kill(first, None, ALICE)
    sim.vias.create(DEV, DEV, "c-intrusion-detection-cloud", {"name": "cam", "input": {}})
    sim.users.login("bob", "bob", None)
    return sim


def round_trip(data: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(data))
    return loaded


def test_a_restored_world_is_the_same_world() -> None:
    sim = busy_world()
    data = round_trip(take(sim.stores))
    copy = Simulator(SimSettings(instance="127.0.0.1:9104"), Clock(0, frozen=True))
    restore(copy.stores, data)
    assert take(copy.stores) == data
    for world in (sim, copy):
        world.clock.advance(30)
    exec_id = take(sim.stores)["jobs"][0]["ident"]["exec_id"]
    assert (
        sim.entrance.reads.log(exec_id, 1, -1, True).data
        == copy.entrance.reads.log(exec_id, 1, -1, True).data
    )
    assert (
        sim.entrance.reads.status(exec_id, None).data
        == copy.entrance.reads.status(exec_id, None).data
    )
    next_body = {
        "executionContent": {"code": "select 1"},
        "labels": {"engineType": "spark", "codeType": "sql"},
    }
    assert (
        sim.entrance.submitter.submit(next_body, ALICE, False).data
        == copy.entrance.submitter.submit(next_body, ALICE, False).data
    )


def test_sessions_survive_a_restore() -> None:
    sim = busy_world()
    ticket = next(iter(take(sim.stores)["sessions"]))["ticket"]
    copy = Simulator(SimSettings(), Clock(0, frozen=True))
    restore(copy.stores, round_trip(take(sim.stores)))
    assert copy.users.who(ticket) == "bob"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d.update(version=99), "snapshot version 1"),
        (lambda d: d.pop("jobs"), "malformed snapshot"),
        (lambda d: d["jobs"][0]["timeline"]["states"].append("Running"), "different lengths"),
        (lambda d: d["jobs"][0]["timeline"]["states"].__setitem__(0, "Bogus"), "malformed"),
        (lambda d: d["counters"].update(lastTaskId=0), "lastTaskId is below"),
    ],
)
def test_a_bad_snapshot_changes_nothing(damage: Any, message: str) -> None:
    sim = busy_world()
    before = take(sim.stores)
    data = round_trip(before)
    damage(data)
    with pytest.raises(SnapshotError, match=message):
        restore(sim.stores, data)
    assert take(sim.stores) == before


def test_a_job_the_entrance_made_way_for_stays_out_of_it_after_a_restore() -> None:
    sim = Simulator(SimSettings(jobs_per_group=1), Clock(0, frozen=True))
    body = {
        "executionContent": {"code": "--@mock queue=0 duration=0\nselect 1", "runType": "sql"},
        "labels": {"engineType": "spark-2.4.3", "userCreator": "alice-IDE"},
    }
    first = sim.entrance.submitter.submit(body, Caller("alice"), False).data
    sim.clock.advance(10)
    sim.entrance.submitter.submit(body, Caller("alice"), False)
    data = json.loads(json.dumps(take(sim.stores)))
    assert [job["held"] for job in data["jobs"]] == [True, False]  # newest first
    again = Simulator(SimSettings(jobs_per_group=1), Clock(0, frozen=True))
    restore(again.stores, data)
    assert take(again.stores) == data
    with pytest.raises(LinkisError, match="Get job by ID error"):
        again.entrance.reads.status(str(first["execID"]), None)
    by_task_id = again.entrance.reads.status(str(first["execID"]), int(first["taskID"]))
    assert by_task_id.data["status"] == "Succeed"  # job history still has it


def test_jobs_planned_alike_hold_one_plan_and_stage_layout_before_and_after_a_restore() -> None:
    """Memory for many jobs (docs/performance.md): what equal jobs have in common is one
    object, not a copy each; a restart keeps it so."""
    sim = Simulator(SimSettings(instance="127.0.0.1:9104"), Clock(START_MS, frozen=True))
    for n in range(400):  # distinct codes: a script each, 399 stage layouts to draw from
        body = {
            "executionContent": {"code": f"select {n}"},
            "labels": {"engineType": "spark", "codeType": "sql"},
        }
        sim.entrance.submitter.submit(body, ALICE, via_execute=False)
    copy = Simulator(SimSettings(instance="127.0.0.1:9104"), Clock(0, frozen=True))
    restore(copy.stores, round_trip(take(sim.stores)))
    for world in (sim, copy):
        jobs = world.stores.jobs.all_jobs()
        assert len(jobs) == 400
        assert len({id(job.plan) for job in jobs}) == 1
        layouts = {job.script.stage_tasks for job in jobs}
        assert len({id(job.script.stage_tasks) for job in jobs}) == len(layouts) < 400


def test_jobs_that_run_alike_hold_one_script_before_and_after_a_restart() -> None:
    """A script's digest is derived from the job's code and seed, not kept: jobs whose
    code differs and which run alike hold one script, as submitted and as a state file of
    layout 1 brings them back (its rows name the seed in the plan)."""
    sim = Simulator(SimSettings(instance="127.0.0.1:9104"), Clock(START_MS, frozen=True))
    for n in range(400):
        body = {
            "executionContent": {"code": f"select {n}", "runType": "sql"},
            "labels": {"engineType": "spark"},
        }
        sim.entrance.submitter.submit(body, ALICE, via_execute=False)
    submitted = sim.stores.jobs.all_jobs()
    restarted = [job_from_json(state_row(job), sim.stores.jobs) for job in submitted]
    for jobs in (submitted, restarted):
        assert all(job.script.digest is None for job in jobs)
        scripts = {job.script for job in jobs}
        assert len({id(job.script) for job in jobs}) == len(scripts) < 400
    for job in restarted:
        assert job.digest == hashlib.sha256(f"0\x00{job.submitted.code}".encode()).hexdigest()


def state_row(job: Job) -> dict[str, Any]:
    """The job as a state file of layout 1 held it (one of today's reads the same:
    tests/sim/test_job_rows.py)."""
    return round_trip(layout_1_row(job, True))


@pytest.mark.parametrize("older", [False, True], ids=["this mock's", "an older mock's"])
def test_result_rows_keep_the_seed_they_were_planned_with(older: bool) -> None:
    """A job's rows are seeded by its code and the seed it was submitted under: a restart
    with another seed, or from a state file that does not name the seed (an older mock's
    plan), shows the same rows."""
    code = "select 1"
    sim = Simulator(SimSettings(instance="127.0.0.1:9104", seed=5), Clock(START_MS))
    body = {"executionContent": {"code": code, "runType": "sql"}, "labels": {"engineType": "spark"}}
    sim.entrance.submitter.submit(body, ALICE, via_execute=False)
    (original,) = sim.stores.jobs.all_jobs()
    saved = state_row(original)
    assert saved["script"]["digest"] == hashlib.sha256(b"5\x00select 1").hexdigest()
    if older:
        del saved["plan"]["seed"]
    copy = Simulator(SimSettings(instance="127.0.0.1:9104", seed=0), Clock(0))
    job = job_from_json(saved, copy.stores.jobs)
    assert job.digest == saved["script"]["digest"]
    assert job.script.digest == (saved["script"]["digest"] if older else None)
    assert [job.script.row(n, job.digest) for n in range(3)] == [
        original.script.row(n, original.digest) for n in range(3)
    ]
    assert state_row(job)["script"] == saved["script"]


def test_an_execid_is_derived_from_its_parts_and_only_a_foreign_one_is_kept() -> None:
    """Memory for many jobs: the mock's own execIDs are made again from the short one and
    the instance (the layout of docs/reference/linkis-entrance.md), not kept; an execID
    the derivation would not give (a snapshot's from elsewhere) is kept as it came."""
    sim = busy_world()
    data = round_trip(take(sim.stores))
    own = data["jobs"][0]["ident"]
    assert own["exec_id"] == (
        "exec_id018014linkis-cg-entrance127.0.0.1:9104" + own["short_exec_id"]
    )
    foreign = "exec_id018015linkis-cg-entrance10.0.0.7:9104" + own["short_exec_id"]
    data["jobs"][1]["ident"]["exec_id"] = foreign
    copy = Simulator(SimSettings(instance="127.0.0.1:9104"), Clock(0, frozen=True))
    restore(copy.stores, data)
    kept = {job.ident.exec_id: job.ident for job in copy.stores.jobs.all_jobs()}
    assert kept[own["exec_id"]].given_exec_id is None
    assert kept[foreign].given_exec_id == foreign
    assert take(copy.stores)["jobs"][1]["ident"]["exec_id"] == foreign
