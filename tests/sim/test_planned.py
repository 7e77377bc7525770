"""Planned timelines are recomputed on demand; changed or long ones stay with their job."""

from __future__ import annotations

from linkis_mock.sim.linkis import jobs
from tests.helpers.sim import ALICE, all_lines, at, make_sim, submit


def test_a_planned_timeline_is_the_same_when_recomputed_after_the_cache_forgot_it() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE, "--@mock duration=30\nselect 1")
    at(sim, 10_000)
    before = all_lines(sim, exec_id)
    job = sim.stores.jobs.by_task_id(task_id)
    assert job is not None and job.kept_timeline is None
    job.planned.take(job)  # as if many other jobs had been read since
    assert all_lines(sim, exec_id) == before
    assert len(job.planned) <= jobs.PLANNED_CACHE_SIZE


def test_a_killed_job_keeps_its_changed_timeline() -> None:
    sim = make_sim(jobs_per_group=10_000)
    exec_id, task_id = submit(sim, ALICE, "--@mock duration=30\nselect 1")
    at(sim, 5_000)
    sim.entrance.actions.kill(exec_id, None, ALICE)
    job = sim.stores.jobs.by_task_id(task_id)
    assert job is not None and job.kept_timeline is not None
    at(sim, 60_000)
    for _ in range(jobs.PLANNED_CACHE_SIZE + 10):  # churn the cache
        submit(sim, ALICE)
    assert sim.entrance.reads.status(exec_id, None).data["status"] == "Cancelled"
    assert any("Job is killed by user!" in line for line in all_lines(sim, exec_id))


def test_a_long_log_stays_with_its_job_and_jobs_share_equal_records() -> None:
    sim = make_sim()
    _, long_task = submit(sim, ALICE, "--@mock log_lines=500\nselect 1")
    _, other_task = submit(sim, ALICE, "--@mock log_lines=500\nselect 1")
    long_job, other_job = (
        sim.stores.jobs.by_task_id(long_task),
        sim.stores.jobs.by_task_id(other_task),
    )
    assert long_job is not None and other_job is not None
    assert long_job.timeline is long_job.kept_timeline  # planned once, then kept
    assert long_job.submitted.labels is other_job.submitted.labels
    assert long_job.script is other_job.script
