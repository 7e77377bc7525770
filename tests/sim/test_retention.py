"""Retention like the entrance's per-group queue: finished jobs make way, history stays."""

from __future__ import annotations

import pytest

from linkis_mock.sim.clock import Clock
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.simulator import Simulator

ALICE = Caller("alice")
BODY = {
    "executionContent": {"code": "select 1", "runType": "sql"},
    "labels": {"engineType": "spark"},
}


def small_queue() -> Simulator:
    return Simulator(SimSettings(jobs_per_group=2), Clock(1_714_529_133_000, frozen=True))


def submit(sim: Simulator, engine: str = "spark") -> tuple[str, int]:
    data = sim.entrance.submitter.submit(
        {**BODY, "labels": {"engineType": engine}}, ALICE, False
    ).data
    return data["execID"], data["taskID"]


def test_an_evicted_job_answers_as_unknown_but_history_keeps_it() -> None:
    sim = small_queue()
    first, first_task = submit(sim)
    submit(sim)
    sim.clock.advance(5)  # both finished
    submit(sim)  # makes room: the oldest finished job goes
    with pytest.raises(LinkisError, match="Get job by ID error"):
        sim.entrance.reads.status(first, None)
    assert (
        sim.entrance.reads.status(first, first_task).data["status"] == "Succeed"
    )  # taskID fallback
    assert (
        sim.entrance.actions.kill(first, first_task, ALICE).message
        == "Forced Kill task (强制杀死任务)"
    )
    assert (
        sim.entrance.history.job_history(first_task, ALICE, True).data["task"]["status"]
        == "Succeed"
    )


def test_a_group_full_of_live_jobs_refuses_with_the_real_12001() -> None:
    sim = small_queue()
    submit(sim)
    submit(sim)
    with pytest.raises(LinkisError) as refused:
        submit(sim)
    assert refused.value.message == (
        "error code(错误码): 12001, error message(错误信息): The submission job failed and "
        "the queue is full!(提交作业失败，队列已满！)."
    )
    row = sim.entrance.history.job_history(3, ALICE, True).data["task"]
    assert (row["status"], row["errCode"]) == ("Failed", 12001)
    other_engine, _ = submit(sim, "hive")  # another group has room
    assert sim.entrance.reads.status(other_engine, None).data["status"] == "Inited"


def test_indexes_never_wrap() -> None:
    sim = small_queue()
    for _ in range(3):
        submit(sim)
        sim.clock.advance(5)
    last, _ = submit(sim)
    assert last.endswith("IDE_alice_spark_3")


def test_history_forgets_its_oldest_jobs_beyond_its_capacity() -> None:
    sim = Simulator(SimSettings(history_jobs=3), Clock(1_714_529_133_000, frozen=True))
    jobs = [submit(sim) for _ in range(5)]
    kept = [job.ident.task_id for job in sim.stores.jobs.all_jobs()]
    assert kept == [5, 4, 3]
    oldest_exec, oldest_task = jobs[0]
    with pytest.raises(LinkisError, match="Get job by ID error"):
        sim.entrance.reads.status(oldest_exec, None)
    with pytest.raises(LinkisError, match="The corresponding job was not found"):
        sim.entrance.history.job_history(oldest_task, ALICE, True)
    newest_exec, _ = jobs[-1]
    assert sim.entrance.reads.status(newest_exec, None).data["status"] == "Inited"
    # The entrance forgot them too.
    assert len(list(sim.stores.jobs.entrance_jobs())) == 3
