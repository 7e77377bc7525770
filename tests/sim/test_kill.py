"""status/progress/log lookups, kill and killJobs
(docs/reference/linkis-entrance.md §5.3, §5.4, §5.6, §5.7, §5.8)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.messages import (
    KILL_FAILED,
    KILL_FORCED,
    KILL_JOBS_LENGTH,
    KILL_OK,
    PROGRESS_UNKNOWN_JOB,
    STATUS_UNKNOWN_JOB,
)
from linkis_mock.sim.settings import Timings
from linkis_mock.sim.simulator import Simulator
from tests.helpers.sim import (
    ALICE,
    BOB,
    HADOOP,
    all_lines,
    at,
    exec_id_of,
    job_lines,
    make_sim,
    state_of,
    submit,
)

UNKNOWN = exec_id_of("IDE_alice_spark_77")
KILL_LINES = [
    "ERROR Sorry, your job executed failed with reason: Job is killed by user!",
    "ERROR Job is killed by user!",
]
CANCELLED_LINE = (
    "INFO Sorry. Your job completed with a status Cancelled. You can view logs for the reason."
)


def bodies(lines: list[str]) -> list[str]:
    """Lines without their timestamp."""
    return [re.sub(r"^\S+ \S+ ", "", line) for line in lines]


def history_status(sim: Simulator, task_id: int) -> str:
    status = sim.entrance.history.job_history(task_id, HADOOP, True).data["task"]["status"]
    assert isinstance(status, str)
    return status


def error_of(fn: Any, *args: Any) -> LinkisError:
    with pytest.raises(LinkisError) as info:
        fn(*args)
    return info.value


# ---- status / progress / log lookups --------------------------------------------------


def test_status_of_a_known_job() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE)
    reply = sim.entrance.reads.status(exec_id, None)
    assert (reply.message, reply.data) == ("OK", {"status": "Inited", "execID": exec_id})
    # taskID is only a fallback: a known job ignores it.
    assert sim.entrance.reads.status(exec_id, 12345).data["status"] == "Inited"


def test_status_of_an_unknown_job_without_task_id() -> None:
    sim = make_sim()
    error = error_of(sim.entrance.reads.status, UNKNOWN, None)
    assert error.message == STATUS_UNKNOWN_JOB
    assert error.message == (
        "Get job by ID error and cannot obtain the corresponding task "
        "status.(获取job时发生异常，不能获取相应的任务状态)"
    )
    assert error.status == 1


def test_status_of_an_unknown_task_id_is_cancelled() -> None:
    sim = make_sim()
    reply = sim.entrance.reads.status(UNKNOWN, 999)
    assert (reply.message, reply.data) == ("OK", {"status": "Cancelled", "execID": UNKNOWN})


def test_status_falls_back_to_the_history_row() -> None:
    sim = make_sim()
    _, task_id = submit(sim, ALICE)
    at(sim, 1500)
    assert sim.entrance.reads.status(UNKNOWN, task_id).data == {
        "status": "Running",
        "execID": UNKNOWN,
    }
    at(sim, 3000)
    assert sim.entrance.reads.status(UNKNOWN, task_id).data["status"] == "Succeed"


def test_progress_of_an_unknown_job() -> None:
    sim = make_sim()
    for fn in (sim.entrance.reads.progress, sim.entrance.reads.progress_with_resource):
        error = error_of(fn, UNKNOWN)
        assert error.message == PROGRESS_UNKNOWN_JOB
        assert error.message.startswith(
            "The job corresponding to the ID is empty, and the corresponding task progress "
            "cannot be obtained."
        )


def test_status_progress_and_log_have_no_ownership_check() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE)
    # None of these take a caller; the job is readable by its execID alone.
    assert sim.entrance.reads.status(exec_id, None).data["status"] == "Inited"
    assert sim.entrance.reads.progress(exec_id).data["progress"] == 0.0
    assert len(job_lines(sim, exec_id)) == 3


# ---- kill -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "before"), [(0, "Inited"), (200, "Scheduled"), (999, "Scheduled")]
)
def test_kill_before_running_cancels_at_once(offset: int, before: str) -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE)
    at(sim, offset)
    assert state_of(sim, exec_id) == before
    count = len(all_lines(sim, exec_id))
    reply = sim.entrance.actions.kill(exec_id, task_id, ALICE)
    assert (reply.message, reply.data) == (KILL_OK, {"execID": exec_id})
    assert reply.message == "Successfully killed the job(成功kill了job)"
    assert state_of(sim, exec_id) == "Cancelled"
    assert history_status(sim, task_id) == "Cancelled"
    assert sim.entrance.reads.progress(exec_id).data["progress"] == 1.0
    assert bodies(all_lines(sim, exec_id)[count:]) == [*KILL_LINES, CANCELLED_LINE]
    # Nothing of the planned run happens any more.
    at(sim, 10_000)
    assert state_of(sim, exec_id) == "Cancelled"
    assert len(all_lines(sim, exec_id)) == count + 3


def test_kill_while_running_cancels_after_the_kill_delay() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE)
    at(sim, 1500)
    count = len(all_lines(sim, exec_id))
    sim.entrance.actions.kill(exec_id, task_id, ALICE)
    assert state_of(sim, exec_id) == "Running"
    assert history_status(sim, task_id) == "Running"
    # The two ERROR lines are there at once.
    assert bodies(all_lines(sim, exec_id)[count:]) == KILL_LINES
    at(sim, 2499)
    assert state_of(sim, exec_id) == "Running"
    assert sim.entrance.reads.progress(exec_id).data["progress"] < 1.0
    at(sim, 2500)
    assert state_of(sim, exec_id) == "Cancelled"
    assert history_status(sim, task_id) == "Cancelled"
    assert bodies(all_lines(sim, exec_id)[count:]) == [*KILL_LINES, CANCELLED_LINE]
    at(sim, 10_000)
    assert state_of(sim, exec_id) == "Cancelled"
    assert not any("Congratulations" in line for line in all_lines(sim, exec_id))


def test_kill_delay_is_configurable() -> None:
    sim = make_sim(timings=Timings(kill_delay=3.0))
    exec_id, task_id = submit(sim, ALICE)
    at(sim, 1500)
    sim.entrance.actions.kill(exec_id, task_id, ALICE)
    at(sim, 4499)
    assert state_of(sim, exec_id) == "Running"
    at(sim, 4500)
    assert state_of(sim, exec_id) == "Cancelled"


def test_kill_while_waiting_for_retry_cancels_at_once() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE, "--@mock retry=1\nselect 1")
    at(sim, 2000)
    assert state_of(sim, exec_id) == "WaitForRetry"
    sim.entrance.actions.kill(exec_id, task_id, ALICE)
    assert state_of(sim, exec_id) == "Cancelled"


def test_kill_during_the_first_attempt_drops_the_planned_retry() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE, "--@mock retry=1\nselect 1")
    at(sim, 1200)
    sim.entrance.actions.kill(exec_id, task_id, ALICE)
    seen = set()
    for offset in range(1200, 8000, 100):
        at(sim, offset)
        seen.add(state_of(sim, exec_id))
    assert seen == {"Running", "Cancelled"}
    assert not any("turn to retry" in line for line in all_lines(sim, exec_id))


def test_a_second_kill_does_not_postpone_the_cancellation() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE)
    at(sim, 1500)
    sim.entrance.actions.kill(exec_id, task_id, ALICE)
    at(sim, 2000)
    assert sim.entrance.actions.kill(exec_id, task_id, ALICE).message == KILL_OK
    at(sim, 2500)
    assert state_of(sim, exec_id) == "Cancelled"


def test_progress_does_not_drop_when_a_running_job_is_killed() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE)
    at(sim, 2900)
    before = sim.entrance.reads.progress(exec_id).data
    sim.entrance.actions.kill(exec_id, task_id, ALICE)
    after = sim.entrance.reads.progress(exec_id).data
    assert after["progress"] >= before["progress"]
    done_before = sum(item["succeedTasks"] for item in before["progressInfo"])
    done_after = sum(item["succeedTasks"] for item in after["progressInfo"])
    assert done_after >= done_before


def test_kill_an_already_cancelled_job_is_the_same_success() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE)
    sim.entrance.actions.kill(exec_id, task_id, ALICE)
    lines = all_lines(sim, exec_id)
    at(sim, 5000)
    reply = sim.entrance.actions.kill(exec_id, task_id, ALICE)
    assert (reply.message, reply.data) == (KILL_OK, {"execID": exec_id})
    assert all_lines(sim, exec_id) == lines


def test_kill_a_job_whose_outcome_is_cancelled() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE, "--@mock outcome=Cancelled\nselect 1")
    at(sim, 3000)
    assert sim.entrance.actions.kill(exec_id, task_id, ALICE).message == KILL_OK


@pytest.mark.parametrize(
    ("code", "final"), [("select 1", "Succeed"), ("--@mock outcome=Failed\nselect 1", "Failed")]
)
def test_kill_a_finished_job_fails_and_changes_nothing(code: str, final: str) -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE, code)
    at(sim, 3000)
    lines = all_lines(sim, exec_id)
    error = error_of(sim.entrance.actions.kill, exec_id, task_id, ALICE)
    assert error.message.startswith(f"{KILL_FAILED} with error:")
    assert error.message.startswith(
        "An exception occurred while killing the job, kill failed(kill job的时候出现了异常，"
        "kill失败) with error:"
    )
    assert error.status == 1
    assert state_of(sim, exec_id) == final
    assert history_status(sim, task_id) == final
    assert all_lines(sim, exec_id) == lines


def test_kill_failed_reply_carries_no_stack_trace() -> None:
    """The real reply adds data.stack; the mock never sends stack traces (a security rule)."""
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE)
    at(sim, 3000)
    error = error_of(sim.entrance.actions.kill, exec_id, task_id, ALICE)
    assert "stack" not in error.data


def test_kill_by_another_user_is_refused() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE)
    for caller in (BOB, Caller("Alice")):  # the compare is case-sensitive
        error = error_of(sim.entrance.actions.kill, exec_id, task_id, caller)
        assert error.message == "You have no permission to kill this job, excecute by user:alice"
        assert error.status == 1
    assert state_of(sim, exec_id) == "Inited"
    assert len(job_lines(sim, exec_id)) == 3


def test_admin_may_kill_any_job() -> None:
    sim = make_sim()
    exec_id, _ = submit(sim, ALICE)
    assert sim.entrance.actions.kill(exec_id, None, HADOOP).message == KILL_OK
    assert state_of(sim, exec_id) == "Cancelled"


def test_kill_checks_the_execute_user_not_the_submit_user() -> None:
    sim = make_sim()
    proxy = Caller("alice", admin_token=True)
    reply = sim.entrance.submitter.submit(
        {
            "executionContent": {"code": "select 1", "runType": "sql"},
            "labels": {"engineType": "spark"},
            "executeUser": "bob",
        },
        proxy,
        False,
    )
    exec_id = reply.data["execID"]
    error = error_of(sim.entrance.actions.kill, exec_id, None, ALICE)
    assert error.message.endswith("excecute by user:bob")
    assert sim.entrance.actions.kill(exec_id, None, BOB).message == KILL_OK


@pytest.mark.parametrize("task_id", [None, 0, -3])
def test_kill_an_unknown_job_without_a_positive_task_id(task_id: int | None) -> None:
    sim = make_sim()
    error = error_of(sim.entrance.actions.kill, UNKNOWN, task_id, ALICE)
    assert error.message == "Get job by ID error, kill failed.(获取job时发生异常，kill失败)"
    assert error.status == 1


def test_forced_kill_of_an_unknown_task_id() -> None:
    sim = make_sim()
    reply = sim.entrance.actions.kill(UNKNOWN, 999, ALICE)
    assert (reply.message, reply.data) == (KILL_FORCED, {})
    assert reply.message == "Forced Kill task (强制杀死任务)"


@pytest.mark.parametrize("caller", [ALICE, HADOOP])
def test_forced_kill_cancels_the_history_row_for_owner_or_admin(caller: Caller) -> None:
    sim = make_sim()
    _, task_id = submit(sim, ALICE)
    at(sim, 1500)
    reply = sim.entrance.actions.kill(UNKNOWN, task_id, caller)
    assert (reply.message, reply.data) == (KILL_FORCED, {})
    assert history_status(sim, task_id) == "Cancelled"


def test_forced_kill_by_another_user_leaves_the_row_alone() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE)
    reply = sim.entrance.actions.kill(UNKNOWN, task_id, BOB)
    assert (reply.message, reply.data) == (KILL_FORCED, {})
    assert history_status(sim, task_id) == "Inited"
    assert state_of(sim, exec_id) == "Inited"


def test_forced_kill_does_not_overwrite_a_final_status() -> None:
    sim = make_sim()
    _, task_id = submit(sim, ALICE)
    at(sim, 3000)
    assert sim.entrance.actions.kill(UNKNOWN, task_id, ALICE).message == KILL_FORCED
    assert history_status(sim, task_id) == "Succeed"


# ---- killJobs -------------------------------------------------------------------------


def kill_item(exec_id: str) -> dict[str, Any]:
    return {
        "method": f"/api/entrance/{exec_id}/kill",
        "status": 0,
        "message": KILL_OK,
        "data": {"execID": exec_id},
    }


def forced_item(exec_id: str) -> dict[str, Any]:
    return {
        "method": f"/api/entrance/{exec_id}/kill",
        "status": 0,
        "message": KILL_FORCED,
        "data": {},
    }


def test_kill_jobs_length_mismatch() -> None:
    sim = make_sim()
    exec_id, task_id = submit(sim, ALICE)
    error = error_of(sim.entrance.actions.kill_jobs, exec_id, [exec_id], [task_id, 2], ALICE)
    assert error.message == KILL_JOBS_LENGTH
    assert error.message == (
        "The length of the ID list does not match the length of the TASKID "
        "list(id列表的长度与taskId列表的长度不一致)"
    )
    assert state_of(sim, exec_id) == "Inited"


def test_kill_jobs_kills_each_job_and_logs_the_user_kill() -> None:
    sim = make_sim()
    first, first_task = submit(sim, ALICE)
    second, second_task = submit(sim, ALICE, engine="hive")
    at(sim, 1500)
    reply = sim.entrance.actions.kill_jobs(
        "anything", [first, second], [first_task, second_task], ALICE
    )
    assert reply.message == "success"
    assert reply.data == {"messages": [kill_item(first), kill_item(second)]}
    for exec_id, task_id in ((first, first_task), (second, second_task)):
        tail = bodies(all_lines(sim, exec_id))[-3:]
        assert tail == [
            *KILL_LINES,
            f"INFO Job {task_id} was kill by user successfully(任务{task_id}已成功取消)",
        ]
        assert state_of(sim, exec_id) == "Running"
    at(sim, 2500)
    assert state_of(sim, first) == state_of(sim, second) == "Cancelled"


def test_kill_jobs_empty_lists() -> None:
    sim = make_sim()
    reply = sim.entrance.actions.kill_jobs("x", [], [], ALICE)
    assert (reply.message, reply.data) == ("success", {"messages": []})


def test_kill_jobs_unknown_items_are_forced_after_the_loop() -> None:
    sim = make_sim()
    _, task_id = submit(sim, ALICE)
    live, live_task = submit(sim, ALICE, engine="hive")
    reply = sim.entrance.actions.kill_jobs(live, [UNKNOWN, live], [task_id, live_task], ALICE)
    assert reply.data["messages"] == [forced_item(UNKNOWN), kill_item(live)]
    assert history_status(sim, task_id) == "Cancelled"
    assert history_status(sim, live_task) == "Cancelled"


def test_kill_jobs_item_for_a_finished_job_fails_but_the_call_succeeds() -> None:
    sim = make_sim()
    done, done_task = submit(sim, ALICE, "--@mock duration=0 queue=0\nselect 1")
    at(sim, 500)
    live, live_task = submit(sim, ALICE, engine="hive")
    assert state_of(sim, done) == "Succeed"
    reply = sim.entrance.actions.kill_jobs(done, [done, live], [done_task, live_task], ALICE)
    assert reply.message == "success"
    failed, ok = reply.data["messages"]
    assert failed["method"] == f"/api/entrance/{done}/kill"
    assert failed["status"] == 1
    assert failed["message"] == KILL_FAILED
    assert ok == kill_item(live)
    assert state_of(sim, done) == "Succeed"
    assert state_of(sim, live) == "Cancelled"


def test_kill_jobs_failed_item_carries_no_stack_trace() -> None:
    """The real item adds data.stack; the mock never sends stack traces (a security rule)."""
    sim = make_sim()
    done, done_task = submit(sim, ALICE)
    at(sim, 3000)
    item = sim.entrance.actions.kill_jobs(done, [done], [done_task], ALICE).data["messages"][0]
    assert item["status"] == 1
    assert item["data"] == {}


def test_kill_jobs_stops_at_the_first_job_the_caller_may_not_kill() -> None:
    sim = make_sim()
    a, a_task = submit(sim, ALICE)
    _, c_task = submit(sim, ALICE, engine="hive")  # reached through an unknown execID
    b, b_task = submit(sim, BOB)
    d, d_task = submit(sim, ALICE, engine="shell")
    error = error_of(
        sim.entrance.actions.kill_jobs,
        a,
        [a, UNKNOWN, b, d],
        [a_task, c_task, b_task, d_task],
        ALICE,
    )
    assert error.message == "You have no permission to kill this job, excecute by user:bob"
    assert error.status == 1
    assert state_of(sim, a) == "Cancelled"  # earlier items were already killed
    assert history_status(sim, c_task) == "Inited"  # pending forced kills not applied
    assert state_of(sim, b) == "Inited"
    assert state_of(sim, d) == "Inited"  # later items never reached


def test_kill_jobs_admin_may_kill_other_users_jobs() -> None:
    sim = make_sim()
    a, a_task = submit(sim, ALICE)
    b, b_task = submit(sim, BOB)
    reply = sim.entrance.actions.kill_jobs(a, [a, b], [a_task, b_task], HADOOP)
    assert reply.data["messages"] == [kill_item(a), kill_item(b)]


def test_kill_jobs_task_ids_may_be_numeric_strings_junk_counts_as_zero() -> None:
    sim = make_sim()
    _, one = submit(sim, ALICE)
    _, two = submit(sim, ALICE, engine="hive")
    _, three = submit(sim, ALICE, engine="shell")
    ids = [exec_id_of(f"IDE_alice_spark_{n}") for n in (50, 51, 52, 53, 54)]
    reply = sim.entrance.actions.kill_jobs(
        "x", ids, [str(one), "junk", "12abc", None, f" {three} "], ALICE
    )
    assert reply.data["messages"] == [forced_item(i) for i in ids]
    assert history_status(sim, one) == "Cancelled"
    assert history_status(sim, two) == "Inited"
    assert history_status(sim, three) == "Cancelled"


def test_kill_jobs_forced_kill_respects_ownership() -> None:
    sim = make_sim()
    _, task_id = submit(sim, ALICE)
    reply = sim.entrance.actions.kill_jobs("x", [UNKNOWN], [task_id], BOB)
    assert reply.data["messages"] == [forced_item(UNKNOWN)]
    assert history_status(sim, task_id) == "Inited"


def test_kill_jobs_malformed_exec_id_is_the_generic_error() -> None:
    sim = make_sim()
    a, a_task = submit(sim, ALICE)
    error = error_of(sim.entrance.actions.kill_jobs, a, [a, "exec_idXYZ"], [a_task, 0], ALICE)
    assert error.message.startswith(
        "operation failed(操作失败)s！the reason(原因)：NumberFormatException"
    )
