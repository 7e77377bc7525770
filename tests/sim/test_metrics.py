"""pause, runningtask and taskinfo (docs/reference/linkis-entrance.md §5.9, §5.10, §5.11)."""

from __future__ import annotations

import pytest

from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.messages import OTHER_USERS_TASKS
from linkis_mock.sim.simulator import Simulator
from tests.helpers.sim import (
    ALICE,
    BOB,
    GENERIC_PREFIX,
    HADOOP,
    all_lines,
    at,
    exec_id_of,
    make_sim,
    state_of,
    submit,
    submit_body,
)

# ---- pause ----------------------------------------------------------------------------


def test_pause_a_known_job_succeeds_and_changes_nothing() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE)
    at(sim, 1500)
    lines = all_lines(sim, exec_id)
    reply = sim.entrance.actions.pause(exec_id)
    assert (reply.message, reply.data) == (
        "success to pause job (成功pause了job)",
        {"execID": exec_id},
    )
    assert state_of(sim, exec_id) == "Running"
    assert all_lines(sim, exec_id) == lines
    at(sim, 3000)
    assert state_of(sim, exec_id) == "Succeed"


def test_pause_a_finished_job_also_succeeds() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE)
    at(sim, 3000)
    assert sim.entrance.actions.pause(exec_id).data == {"execID": exec_id}


@pytest.mark.parametrize("index", ["5", "0", "123"])
def test_pause_an_unknown_job_is_the_generic_error(index: str) -> None:
    sim = make_sim()
    with pytest.raises(LinkisError) as info:
        sim.entrance.actions.pause(exec_id_of(f"IDE_hadoop_spark_{index}"))
    assert info.value.message == (
        f"{GENERIC_PREFIX}IllegalArgumentException: The index {index} must be less than 0"
    )
    assert info.value.data["errorMsg"]["errCode"] == 0
    assert info.value.status == 1


# ---- runningtask ----------------------------------------------------------------------


def test_running_task_counts_non_terminal_jobs() -> None:
    sim = make_sim()
    reply = sim.entrance.metrics.running_task()
    assert (reply.message, reply.data) == ("success", {"runningTaskNumber": 0, "isCompleted": True})
    fast, _ = submit(sim, ALICE, "--@mock duration=0.5\nselect 1")
    slow, _ = submit(sim, BOB, "--@mock duration=5\nselect 1")
    assert sim.entrance.metrics.running_task().data == {
        "runningTaskNumber": 2,
        "isCompleted": False,
    }
    at(sim, 1500)
    assert state_of(sim, fast) == "Succeed"
    assert sim.entrance.metrics.running_task().data == {
        "runningTaskNumber": 1,
        "isCompleted": False,
    }
    at(sim, 6000)
    assert state_of(sim, slow) == "Succeed"
    assert sim.entrance.metrics.running_task().data == {"runningTaskNumber": 0, "isCompleted": True}


def test_running_task_ignores_failed_submits_and_killed_jobs() -> None:
    sim = make_sim()
    with pytest.raises(LinkisError):
        sim.entrance.submitter.submit(submit_body(user="bob"), ALICE, False)  # 50080, Failed row
    exec_id, task_id = submit(sim, ALICE)
    assert sim.entrance.metrics.running_task().data["runningTaskNumber"] == 1
    sim.entrance.actions.kill(exec_id, task_id, ALICE)
    assert sim.entrance.metrics.running_task().data == {"runningTaskNumber": 0, "isCompleted": True}


# ---- taskinfo -------------------------------------------------------------------------


def populated() -> Simulator:
    """alice: 2 IDE spark, 1 IDE hive, 1 nodeexecution spark; bob: 1 IDE spark."""
    sim = make_sim()
    submit(sim, ALICE, "--@mock queue=0\nselect 1")  # Running from 200 ms
    submit(sim, ALICE)
    submit(sim, ALICE, engine="hive")
    submit(sim, ALICE, creator="nodeexecution")
    submit(sim, BOB)
    return sim


def counts(
    sim: Simulator,
    caller: Caller,
    user: str | None = None,
    creator: str | None = None,
    ec_type: str | None = None,
) -> tuple[int, int, int]:
    data = sim.entrance.metrics.task_info(caller, user, creator, ec_type).data
    assert data["taskNumber"] == data["runningNumber"] + data["queuedNumber"]
    return data["taskNumber"], data["runningNumber"], data["queuedNumber"]


def test_task_info_of_self_for_a_non_admin() -> None:
    sim = populated()
    reply = sim.entrance.metrics.task_info(ALICE, None, None, None)
    assert reply.message == "success"
    assert reply.data == {"taskNumber": 4, "runningNumber": 0, "queuedNumber": 4}
    assert counts(sim, ALICE, "  ") == (4, 0, 4)
    assert counts(sim, ALICE, "alice") == (4, 0, 4)
    assert counts(sim, BOB) == (1, 0, 1)


@pytest.mark.parametrize("other", ["bob", "hadoop", "nobody"])
def test_non_admin_cannot_query_other_users(other: str) -> None:
    sim = populated()
    with pytest.raises(LinkisError) as info:
        sim.entrance.metrics.task_info(ALICE, other, None, None)
    assert info.value.message == OTHER_USERS_TASKS
    assert info.value.message == "Non-administrators cannot view other users' task information"
    assert info.value.status == 1


def test_user_compare_is_case_insensitive() -> None:
    sim = populated()
    assert sim.entrance.metrics.task_info(ALICE, "ALICE", None, None).message == "success"


def test_filter_strings() -> None:
    sim = populated()
    assert counts(sim, HADOOP, "alice") == (4, 0, 4)
    assert counts(sim, HADOOP, "alice", "IDE") == (3, 0, 3)
    assert counts(sim, HADOOP, "alice", "nodeexecution") == (1, 0, 1)
    assert counts(sim, HADOOP, None, "IDE") == (4, 0, 4)  # creator only: admins
    assert counts(sim, HADOOP, "bob", "IDE") == (1, 0, 1)
    assert counts(sim, HADOOP, "carol") == (0, 0, 0)
    # A non-admin giving only a creator is still limited to self.
    assert counts(sim, BOB, None, "IDE") == (1, 0, 1)
    assert counts(sim, ALICE, None, "IDE") == (3, 0, 3)


def test_ec_type_filter() -> None:
    sim = populated()
    assert counts(sim, ALICE, None, None, "hive") == (1, 0, 1)
    assert counts(sim, ALICE, None, None, "spark") == (3, 0, 3)
    assert counts(sim, HADOOP, None, "IDE", "spark") == (3, 0, 3)
    assert counts(sim, HADOOP, None, None, "shell") == (0, 0, 0)


def test_running_and_queued_numbers_follow_the_clock() -> None:
    sim = populated()
    at(sim, 200)
    assert counts(sim, ALICE) == (4, 1, 3)
    at(sim, 1000)
    assert counts(sim, ALICE) == (4, 4, 0)
    at(sim, 2200)  # the queue=0 job is done
    assert counts(sim, ALICE) == (3, 3, 0)
    at(sim, 3000)
    assert counts(sim, ALICE) == (0, 0, 0)


def test_limit_fields_only_with_creator_and_ec_type() -> None:
    sim = populated()
    for args in [
        (None, None, None),
        ("alice", "IDE", None),
        ("alice", None, "spark"),
        (None, " ", "spark"),
    ]:
        data = sim.entrance.metrics.task_info(HADOOP, *args).data
        assert "creatorECTypeMaxRunningJobs" not in data, args
        assert "limitExceeded" not in data, args
    data = sim.entrance.metrics.task_info(ALICE, None, "IDE", "spark").data
    assert data["creatorECTypeMaxRunningJobs"] == 10_000
    assert data["limitExceeded"] is False


def test_limit_exceeded_when_running_jobs_pass_the_maximum() -> None:
    sim = make_sim(max_running_jobs_per_creator_ec=1)
    submit(sim, ALICE)
    submit(sim, ALICE)
    at(sim, 500)  # both Scheduled: queued jobs do not count
    data = sim.entrance.metrics.task_info(ALICE, None, "IDE", "spark").data
    assert (data["creatorECTypeMaxRunningJobs"], data["limitExceeded"]) == (1, False)
    at(sim, 1000)  # both Running: 2 > 1
    data = sim.entrance.metrics.task_info(ALICE, None, "IDE", "spark").data
    assert data["runningNumber"] == 2
    assert data["limitExceeded"] is True
