"""kill, killJobs and pause over real HTTP
(docs/reference/linkis-entrance.md §4, §5.7, §5.8, §5.9)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from linkis_mock.testing import Mock
from tests.helpers.linkis import (
    KILL_FAILED,
    KILL_FORCED,
    KILL_OK,
    KILL_UNKNOWN_JOB,
    KILLED_LINES,
    STATE_RUNNING,
    all_log_lines,
    check,
    check_generic,
    exec_id_for,
    finished_line,
    history_of,
    log_data,
    ok,
    state_of,
    submit,
    texts,
)

PAUSE_OK = "success to pause job (成功pause了job)"
NOT_ARRAYS = "Request parameter error, please use array(请求参数错误，请使用数组)"
LENGTHS_DIFFER = (
    "The length of the ID list does not match the length of the TASKID list"
    "(id列表的长度与taskId列表的长度不一致)"
)
FAILED_CODE = '--@mock outcome=Failed error="boom"\nselect 1'


def no_permission(user: str) -> str:
    return f"You have no permission to kill this job, excecute by user:{user}"


def kill(client: httpx.Client, exec_id: str, task_id: int | None = None) -> httpx.Response:
    params = {"taskID": task_id} if task_id is not None else {}
    return client.get(f"/entrance/{exec_id}/kill", params=params)


def check_killed(reply: httpx.Response, exec_id: str) -> None:
    check(
        reply,
        status=0,
        message=KILL_OK,
        method=f"/api/entrance/{exec_id}/kill",
        data={"execID": exec_id},
    )


def kill_jobs(client: httpx.Client, path_id: str, id_list: Any, task_ids: Any) -> httpx.Response:
    return client.post(
        f"/entrance/{path_id}/killJobs", json={"idList": id_list, "taskIDList": task_ids}
    )


def killed_item(exec_id: str) -> dict[str, Any]:
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


# ---- kill ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("wait", "state"), [(0.0, "Inited"), (0.5, "Scheduled")])
def test_kill_before_running_cancels_at_once(mock: Mock, wait: float, state: str) -> None:
    client = mock.as_token("alice")
    exec_id, task_id = submit(client)
    mock.advance(wait)
    assert state_of(client, exec_id) == state
    check_killed(kill(client, exec_id), exec_id)
    assert state_of(client, exec_id) == "Cancelled"
    mock.advance(10)
    assert state_of(client, exec_id) == "Cancelled"
    lines = texts(all_log_lines(client, exec_id))
    for line in KILLED_LINES:
        assert line in lines
    errors = texts(log_data(client, exec_id, fromLine=1, size=-1)["log"][0].split("\n"))
    assert list(KILLED_LINES) == [e for e in errors if e in KILLED_LINES]
    assert lines[-1] == finished_line("Cancelled")
    assert STATE_RUNNING not in lines
    progress = client.get(f"/entrance/{exec_id}/progress")
    assert ok(progress, f"/api/entrance/{exec_id}/progress")["progress"] == 1.0
    row = history_of(client, task_id)
    assert row["status"] == "Cancelled"
    assert row["progress"] == "1.0"
    assert row["errDesc"]


def test_kill_while_running_is_asynchronous(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, task_id = submit(client)
    mock.advance(1.5)
    assert state_of(client, exec_id) == "Running"
    check_killed(kill(client, exec_id, task_id), exec_id)
    # At least one poll still sees Running...
    assert state_of(client, exec_id) == "Running"
    mock.advance(1.0)
    # ...and it is Cancelled after the kill delay, well before it would have succeeded.
    assert state_of(client, exec_id) == "Cancelled"
    mock.advance(10)
    assert state_of(client, exec_id) == "Cancelled"
    assert history_of(client, task_id)["status"] == "Cancelled"
    progress = ok(client.get(f"/entrance/{exec_id}/progress"), f"/api/entrance/{exec_id}/progress")
    assert progress["progress"] == 1.0
    assert progress["progressInfo"] == []
    lines = texts(all_log_lines(client, exec_id))
    assert "Congratulations. Your job completed with status Success." not in lines
    for line in KILLED_LINES:
        assert line in lines


def test_kill_of_a_cancelled_job_succeeds_again(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client)
    check_killed(kill(client, exec_id), exec_id)
    before = all_log_lines(client, exec_id)
    check_killed(kill(client, exec_id), exec_id)
    assert state_of(client, exec_id) == "Cancelled"
    assert all_log_lines(client, exec_id) == before


@pytest.mark.parametrize(("code", "final"), [("select 1", "Succeed"), (FAILED_CODE, "Failed")])
def test_kill_of_a_finished_job_fails(mock: Mock, code: str, final: str) -> None:
    client = mock.as_token("alice")
    exec_id, task_id = submit(client, code)
    mock.advance(3.1)
    assert state_of(client, exec_id) == final
    reply = kill(client, exec_id, task_id)
    body = reply.json()
    check(reply, status=1, message=body["message"], method=f"/api/entrance/{exec_id}/kill")
    assert body["message"].startswith(f"{KILL_FAILED} with error:"), body
    assert state_of(client, exec_id) == final
    assert history_of(client, task_id)["status"] == final


def test_kill_of_a_finished_job_carries_no_stack_trace(mock: Mock) -> None:
    """The real reply adds data.stack; the mock never sends stack traces."""
    client = mock.as_token("alice")
    exec_id, _ = submit(client)
    mock.advance(3.1)
    assert kill(client, exec_id).json()["data"] == {}


def test_another_user_may_not_kill(mock: Mock) -> None:
    alice, bob = mock.as_token("alice"), mock.logged_in("bob")
    exec_id, task_id = submit(alice)
    reply = kill(bob, exec_id, task_id)
    check(
        reply,
        status=1,
        message=no_permission("alice"),
        method=f"/api/entrance/{exec_id}/kill",
        data={},
    )
    assert state_of(alice, exec_id) == "Inited"


def test_the_admin_may_kill_anyones_job(mock: Mock) -> None:
    alice = mock.as_token("alice")
    exec_id, _ = submit(alice)
    check_killed(kill(mock.logged_in("hadoop"), exec_id), exec_id)
    assert state_of(alice, exec_id) == "Cancelled"


def test_kill_of_an_unknown_job_without_task_id(mock: Mock) -> None:
    exec_id = exec_id_for(mock, "IDE_alice_spark_7")
    for task_id in (None, 0, -3):
        reply = kill(mock.as_token("alice"), exec_id, task_id)
        check(
            reply,
            status=1,
            message=KILL_UNKNOWN_JOB,
            method=f"/api/entrance/{exec_id}/kill",
            data={},
        )


def test_kill_of_an_unknown_job_with_task_id_is_a_forced_kill(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id = exec_id_for(mock, "IDE_alice_spark_7")
    # An unknown taskID: the same reply.
    reply = kill(client, exec_id, 4242)
    check(reply, status=0, message=KILL_FORCED, method=f"/api/entrance/{exec_id}/kill", data={})
    # A known taskID: its history row turns Cancelled.
    _, task_id = submit(client)
    reply = kill(client, exec_id, task_id)
    check(reply, status=0, message=KILL_FORCED, method=f"/api/entrance/{exec_id}/kill", data={})
    assert history_of(client, task_id)["status"] == "Cancelled"


def test_forced_kill_leaves_a_final_row_alone(mock: Mock) -> None:
    client = mock.as_token("alice")
    _, task_id = submit(client)
    mock.advance(3.1)
    exec_id = exec_id_for(mock, "IDE_alice_spark_7")
    reply = kill(client, exec_id, task_id)
    check(reply, status=0, message=KILL_FORCED, method=f"/api/entrance/{exec_id}/kill", data={})
    assert history_of(client, task_id)["status"] == "Succeed"


def test_kill_with_a_non_numeric_task_id_gets_the_generic_400(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client)
    reply = client.get(f"/entrance/{exec_id}/kill", params={"taskID": "abc"})
    check_generic(reply, mock)
    assert state_of(client, exec_id) == "Inited"


@pytest.mark.parametrize("encoded", [False, True], ids=["raw-colon", "percent-encoded"])
def test_kill_with_raw_and_encoded_colon(mock: Mock, encoded: bool) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client)
    in_path = exec_id.replace(":", "%3A") if encoded else exec_id
    check_killed(client.get(f"/entrance/{in_path}/kill"), exec_id)
    assert state_of(client, exec_id) == "Cancelled"


# ---- killJobs -----------------------------------------------------------------------------


def test_kill_jobs_replies_per_item(mock: Mock) -> None:
    client = mock.as_token("alice")
    first, first_task = submit(client)
    second, second_task = submit(client)
    mock.advance(1.5)  # both Running
    unknown = exec_id_for(mock, "IDE_alice_spark_9")
    reply = kill_jobs(client, first, [first, unknown, second], [first_task, 777, str(second_task)])
    data = check(
        reply,
        status=0,
        message="success",
        method=f"/api/entrance/{first}/killJobs",
    )
    assert data == {"messages": [killed_item(first), forced_item(unknown), killed_item(second)]}
    mock.advance(1.0)
    assert state_of(client, first) == "Cancelled"
    assert state_of(client, second) == "Cancelled"
    lines = texts(all_log_lines(client, first))
    done = f"Job {first_task} was kill by user successfully(任务{first_task}已成功取消)"
    assert done in lines


def test_kill_jobs_ignores_the_path_id(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, task_id = submit(client)
    reply = kill_jobs(client, "anything-at-all", [exec_id], [task_id])
    data = check(
        reply, status=0, message="success", method="/api/entrance/anything-at-all/killJobs"
    )
    assert data == {"messages": [killed_item(exec_id)]}
    empty = kill_jobs(client, exec_id.replace(":", "%3A"), [], [])
    data = check(empty, status=0, message="success", method=f"/api/entrance/{exec_id}/killJobs")
    assert data == {"messages": []}


def test_kill_jobs_item_of_a_finished_job_fails_but_the_call_succeeds(
    mock: Mock,
) -> None:
    client = mock.as_token("alice")
    done, done_task = submit(client)
    mock.advance(3.1)
    live, live_task = submit(client)
    reply = kill_jobs(client, done, [done, live], [done_task, live_task])
    data = check(reply, status=0, message="success", method=f"/api/entrance/{done}/killJobs")
    failed, killed = data["messages"]
    assert failed["method"] == f"/api/entrance/{done}/kill"
    assert failed["status"] == 1
    assert failed["message"] == KILL_FAILED
    assert killed == killed_item(live)
    assert state_of(client, done) == "Succeed"
    assert state_of(client, live) == "Cancelled"


def test_kill_jobs_failed_item_carries_no_stack_trace(mock: Mock) -> None:
    """The real item adds data.stack; the mock never sends stack traces."""
    client = mock.as_token("alice")
    done, done_task = submit(client)
    mock.advance(3.1)
    item = kill_jobs(client, done, [done], [done_task]).json()["data"]["messages"][0]
    assert (item["status"], item["data"]) == (1, {})


def test_kill_jobs_forced_items_cancel_history_rows(mock: Mock) -> None:
    client = mock.as_token("alice")
    _, task_id = submit(client)
    _, other_task = submit(client)
    fake = exec_id_for(mock, "IDE_alice_spark_50")
    fake2 = exec_id_for(mock, "IDE_alice_spark_51")
    fake3 = exec_id_for(mock, "IDE_alice_spark_52")
    reply = kill_jobs(client, fake, [fake, fake2, fake3], [str(task_id), "not-a-number", 0])
    data = check(reply, status=0, message="success", method=f"/api/entrance/{fake}/killJobs")
    assert data == {"messages": [forced_item(fake), forced_item(fake2), forced_item(fake3)]}
    assert history_of(client, task_id)["status"] == "Cancelled"
    assert history_of(client, other_task)["status"] == "Inited"


def test_kill_jobs_stops_at_a_job_the_caller_may_not_kill(mock: Mock) -> None:
    alice, bob = mock.as_token("alice"), mock.as_token("bob")
    mine, mine_task = submit(alice)
    theirs, theirs_task = submit(bob)
    after, after_task = submit(alice)
    pending, pending_task = submit(alice)
    fake = exec_id_for(mock, "IDE_alice_spark_99")
    reply = kill_jobs(
        alice,
        mine,
        [fake, mine, theirs, after],
        [pending_task, mine_task, theirs_task, after_task],
    )
    check(
        reply,
        status=1,
        message=no_permission("bob"),
        method=f"/api/entrance/{mine}/killJobs",
        data={},
    )
    assert state_of(alice, mine) == "Cancelled"  # killed before the stop
    assert state_of(alice, theirs) == "Inited"
    assert state_of(alice, after) == "Inited"  # never reached
    assert state_of(alice, pending) == "Inited"  # the pending forced kill is not applied
    assert history_of(alice, pending_task)["status"] == "Inited"


def test_the_admin_may_kill_jobs_of_anyone(mock: Mock) -> None:
    alice, bob = mock.as_token("alice"), mock.as_token("bob")
    first, first_task = submit(alice)
    second, second_task = submit(bob)
    reply = kill_jobs(mock.logged_in("hadoop"), first, [first, second], [first_task, second_task])
    data = ok(reply, f"/api/entrance/{first}/killJobs", "success")
    assert data == {"messages": [killed_item(first), killed_item(second)]}


def test_kill_jobs_lengths_must_match(mock: Mock) -> None:
    client = mock.as_token("alice")
    exec_id, task_id = submit(client)
    reply = kill_jobs(client, exec_id, [exec_id], [task_id, task_id])
    check(
        reply,
        status=1,
        message=LENGTHS_DIFFER,
        method=f"/api/entrance/{exec_id}/killJobs",
        data={},
    )
    assert state_of(client, exec_id) == "Inited"


@pytest.mark.parametrize(
    ("id_list", "task_ids"),
    [
        pytest.param("exec_id", [1], id="id-list-a-string"),
        pytest.param(["exec_id"], 1, id="task-ids-a-number"),
        pytest.param({"a": 1}, {"b": 2}, id="objects"),
    ],
)
def test_kill_jobs_lists_must_be_arrays(mock: Mock, id_list: Any, task_ids: Any) -> None:
    reply = kill_jobs(mock.as_token("alice"), "x", id_list, task_ids)
    body = reply.json()
    assert reply.status_code == 400
    assert body["status"] == 1


def test_kill_jobs_non_arrays_get_the_use_array_message(mock: Mock) -> None:
    reply = kill_jobs(mock.as_token("alice"), "x", "exec_id", ["1"])
    check(reply, status=1, message=NOT_ARRAYS, method="/api/entrance/x/killJobs", data={})


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"idList": []}, id="task-ids-missing"),
        pytest.param({"taskIDList": []}, id="id-list-missing"),
        pytest.param({}, id="both-missing"),
    ],
)
def test_kill_jobs_missing_keys_get_the_generic_400(mock: Mock, body: dict[str, Any]) -> None:
    reply = mock.as_token("alice").post("/entrance/x/killJobs", json=body)
    check_generic(reply, mock)


def test_kill_jobs_with_a_malformed_exec_id_gets_the_generic_400(mock: Mock) -> None:
    reply = kill_jobs(mock.as_token("alice"), "x", ["exec_idabcdef"], [1])
    check_generic(reply, mock, "NumberFormatException", 'For input string: "abc"')


def test_kill_jobs_malformed_json_gets_the_generic_400(mock: Mock) -> None:
    reply = mock.as_token("alice").post(
        "/entrance/x/killJobs", content=b"{oops", headers={"Content-Type": "application/json"}
    )
    check_generic(reply, mock)


# ---- pause --------------------------------------------------------------------------------


@pytest.mark.parametrize("encoded", [False, True], ids=["raw-colon", "percent-encoded"])
def test_pause_does_nothing_but_succeeds(mock: Mock, encoded: bool) -> None:
    client = mock.as_token("alice")
    exec_id, _ = submit(client)
    mock.advance(1.5)
    in_path = exec_id.replace(":", "%3A") if encoded else exec_id
    reply = client.get(f"/entrance/{in_path}/pause")
    check(
        reply,
        status=0,
        message=PAUSE_OK,
        method=f"/api/entrance/{exec_id}/pause",
        data={"execID": exec_id},
    )
    assert state_of(client, exec_id) == "Running"
    mock.advance(2.0)
    assert state_of(client, exec_id) == "Succeed"
    # Pausing a finished job is still a success.
    ok(client.get(f"/entrance/{exec_id}/pause"), f"/api/entrance/{exec_id}/pause", PAUSE_OK)


def test_pause_of_an_unknown_job_gets_the_generic_400(mock: Mock) -> None:
    client = mock.as_token("alice")
    submit(client)
    exec_id = exec_id_for(mock, "IDE_alice_spark_5")
    reply = client.get(f"/entrance/{exec_id}/pause")
    check_generic(reply, mock, "IllegalArgumentException", "The index 5 must be less than 0")
