"""Jobs and tasks on demand, and the request journal, over the admin API."""

from __future__ import annotations

import os
from typing import Any

import httpx
import pytest

from linkis_mock.control.journal import Entry, Journal
from linkis_mock.testing import Mock

DEV = "0123456789abcdef0123456789abcdef"
SUBMIT = {
    "executionContent": {"code": "select id, name from t\n--@mock rows=3", "runType": "sql"},
    "labels": {"engineType": "spark-2.4.3"},
}


def submit(mock: Mock, user: str = "alice") -> tuple[str, int]:
    data = mock.as_token(user).post("/entrance/submit", json=SUBMIT).json()["data"]
    return data["execID"], data["taskID"]


def force(mock: Mock, task_id: int, **body: Any) -> httpx.Response:
    return mock.http.post(f"{mock.base_url}/__admin/jobs/{task_id}/state", json=body)


def history(mock: Mock, task_id: int) -> dict[str, Any]:
    task: dict[str, Any] = (
        mock.as_token("hadoop").get(f"/jobhistory/{task_id}/get").json()["data"]["task"]
    )
    return task


def log_lines(mock: Mock, exec_id: str) -> list[str]:
    data = mock.as_token("alice").get(
        f"/entrance/{exec_id}/log", params={"fromLine": 1, "size": -1}
    )
    every: str = data.json()["data"]["log"][3]
    return every.split("\n")


def test_jobs_are_listed_newest_first_with_their_state(mock: Mock) -> None:
    submit(mock)
    mock.advance(1.5)
    submit(mock, "bob")
    jobs = mock.admin("GET", "/jobs")["jobs"]
    assert [(j["taskID"], j["user"], j["state"]) for j in jobs] == [
        (2, "bob", "Inited"),
        (1, "alice", "Running"),
    ]
    assert 0 < jobs[1]["progress"] < 1


def test_a_running_job_forced_to_fail_shows_it_everywhere(mock: Mock) -> None:
    exec_id, task_id = submit(mock)
    mock.advance(1.5)
    reply = force(mock, task_id, state="Failed", error="Table t is gone")
    assert reply.status_code == 200
    assert reply.json()["state"] == "Failed" and reply.json()["progress"] == 1
    assert mock.as_token("alice").get(f"/entrance/{exec_id}/status").json()["data"]["status"] == (
        "Failed"
    )
    assert log_lines(mock, exec_id)[-2:][0].endswith(
        "ERROR Sorry, your job executed failed with reason: Table t is gone"
    )
    task = history(mock, task_id)
    assert (task["status"], task["errDesc"], task["progress"]) == (
        "Failed",
        "Table t is gone",
        "1.0",
    )


def test_a_job_forced_to_succeed_has_a_readable_result(mock: Mock) -> None:
    _, task_id = submit(mock)
    assert force(mock, task_id, state="Succeed").status_code == 200
    location = history(mock, task_id)["resultLocation"]
    rows = (
        mock.as_token("alice")
        .get("/filesystem/openFile", params={"path": f"{location}/_0.dolphin"})
        .json()["data"]["fileContent"]
    )
    assert rows == [["1", "name1"], ["2", "name2"], ["3", "name3"]]


def test_cancelled_and_timeout(mock: Mock) -> None:
    exec_id, first = submit(mock)
    _, second = submit(mock)
    assert force(mock, first, state="Cancelled").json()["state"] == "Cancelled"
    assert "ERROR Job is killed by user!" in log_lines(mock, exec_id)[-2]
    assert force(mock, second, state="Timeout").json()["state"] == "Timeout"


def test_wait_for_retry_is_a_detour(mock: Mock) -> None:
    exec_id, task_id = submit(mock)
    mock.advance(1.5)
    assert force(mock, task_id, state="WaitForRetry").json()["state"] == "WaitForRetry"
    status = mock.as_token("alice")
    mock.advance(1.0)
    assert status.get(f"/entrance/{exec_id}/status").json()["data"]["status"] == "Scheduled"
    mock.advance(1.0)
    assert status.get(f"/entrance/{exec_id}/status").json()["data"]["status"] == "Running"
    mock.advance(2.0)
    assert status.get(f"/entrance/{exec_id}/status").json()["data"]["status"] == "Succeed"


@pytest.mark.parametrize(
    ("task_id", "body", "status", "detail"),
    [
        (1, {"state": "Succeed"}, 400, "job 1 already finished as Failed"),
        (42, {"state": "Succeed"}, 404, "no job with taskID 42"),
        (1, {"state": "Running"}, 400, "'Running' is not one of"),
    ],
)
def test_impossible_moves_are_refused_as_problems(
    mock: Mock, task_id: int, body: dict[str, str], status: int, detail: str
) -> None:
    _, first = submit(mock)
    force(mock, first, state="Failed", error="x")
    reply = force(mock, task_id, **body)
    assert reply.status_code == status
    assert reply.headers["content-type"] == "application/problem+json"
    assert detail in reply.json()["detail"]


def test_vias_tasks_are_listed_and_moved(mock: Mock) -> None:
    created = mock.http.post(
        f"{mock.base_url}/v2/{DEV}/services/c-intrusion-detection-cloud/tasks",
        headers={"X-Auth-Token": "vias-dev-token"},
        json={
            "name": "gate-cam-1",
            "input": {"type": "video_source", "data": [{"video_source_id": "vs-0001"}]},
            "output": {"event_center": True},
            "service_version": "1.1",
        },
        timeout=10,
    ).json()["tasks"][0]["id"]
    assert mock.admin("GET", "/tasks")["tasks"] == [
        {"id": created, "project_id": DEV, "name": "gate-cam-1", "state": "PENDING"}
    ]
    moved = mock.admin("POST", f"/tasks/{created}/state", json={"state": "ABNORMAL"})
    assert moved["state"] == "ABNORMAL"
    shown = mock.http.get(
        f"{mock.base_url}/v2/{DEV}/tasks/{created}",
        headers={"X-Auth-Token": "vias-dev-token"},
        timeout=10,
    ).json()
    assert shown["state"] == "ABNORMAL"
    mock.advance(60)
    assert mock.admin("GET", "/tasks")["tasks"][0]["state"] == "ABNORMAL"
    unknown = mock.http.post(
        f"{mock.base_url}/__admin/tasks/ffffffffffffffffffffffffffffffff/state",
        json={"state": "RUNNING"},
        timeout=10,
    )
    assert unknown.status_code == 404


def test_the_journal_records_api_requests(mock: Mock) -> None:
    mock.admin("DELETE", "/journal")
    submit(mock)
    mock.client().get("/user/userInfo")  # not logged in: 401, no user
    mock.logged_in("bob").get("/user/userInfo")
    mock.http.get(f"{mock.base_url}/v2/{DEV}/tasks", headers={"X-Auth-Token": "vias-dev-token"})
    entries = mock.admin("GET", "/journal")["entries"]
    summary = [(e["method"], e["operationId"], e["user"], e["status"]) for e in entries]
    assert summary == [
        ("POST", "submit", "alice", 200),
        ("GET", "getUserInfo", None, 401),
        ("POST", "login", None, 200),
        ("GET", "getUserInfo", "bob", 200),
        ("GET", "listTasks", DEV, 200),
    ]
    assert all(e["durationMs"] >= 0 and e["time"] > 0 for e in entries)
    assert all(not e["path"].startswith("/__admin") for e in entries)


def test_the_journal_names_the_process_whose_requests_it_holds(mock: Mock) -> None:
    exec_id, _ = submit(mock)
    replica = mock.admin("GET", "/journal")["replica"]
    assert replica["pid"] == os.getpid()  # in process
    assert f"{replica['instance']}IDE" in exec_id  # the instance its execIDs carry


def test_the_journal_is_queried_and_cleared(mock: Mock) -> None:
    mock.admin("DELETE", "/journal")
    submit(mock)
    submit(mock, "bob")
    mock.client().get("/user/userInfo")
    query = mock.admin("GET", "/journal", params={"operationId": "submit", "user": "bob"})
    assert [e["user"] for e in query["entries"]] == ["bob"]
    failed = mock.admin("GET", "/journal", params={"status": 401})["entries"]
    assert [e["operationId"] for e in failed] == ["getUserInfo"]
    first = mock.admin("GET", "/journal")["entries"][0]["time"]
    later = mock.admin("GET", "/journal", params={"since": first + 10**9})["entries"]
    assert later == []
    assert len(mock.admin("GET", "/journal", params={"until": first})["entries"]) >= 1
    assert mock.admin("DELETE", "/journal") == {"cleared": 3}
    assert mock.admin("GET", "/journal")["entries"] == []


def test_the_journal_is_a_bounded_ring() -> None:
    journal = Journal(capacity=3)
    for number in range(5):
        journal.add(Entry(number, "GET", f"/p{number}", None, None, 200, 0.1))
    assert [e.path for e in journal.query()] == ["/p2", "/p3", "/p4"]
    assert journal.clear() == 3
