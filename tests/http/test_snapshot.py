"""Snapshots over the admin API, and `serve --scenario`: share a state, start from it."""

from __future__ import annotations

import json
from typing import Any

from linkis_mock.config import load_settings
from linkis_mock.testing import Mock, in_process

SUBMIT = {
    "executionContent": {"code": "select id, name from t\n--@mock rows=2 duration=30"},
    "labels": {"engineType": "spark-2.4.3", "codeType": "sql"},
}


def busy(mock: Mock) -> tuple[str, int, str]:
    """A running job, a finished one, and a session cookie; returns (execID, taskID, ticket)."""
    alice = mock.logged_in("alice")
    data = alice.post("/entrance/submit", json=SUBMIT).json()["data"]
    mock.advance(1.5)
    alice.post("/entrance/submit", json={**SUBMIT, "executionContent": {"code": "select 1"}})
    mock.advance(5)
    ticket = alice.cookies["linkis_user_session_ticket_id_v1"]
    return data["execID"], data["taskID"], ticket


def test_a_snapshot_moves_a_whole_state_to_another_mock(mock: Mock) -> None:
    exec_id, task_id, ticket = busy(mock)
    state = mock.admin("GET", "/snapshot")
    assert [job["ident"]["task_id"] for job in state["jobs"]] == [2, 1]
    other = in_process(load_settings(port=8081))
    try:
        restored = other.http.put(f"{other.base_url}/__admin/snapshot", json=state)
        assert restored.status_code == 200
        assert restored.json() == state
        same_session = other.client(cookies={"linkis_user_session_ticket_id_v1": ticket})
        for client, server in ((mock.as_token("alice"), mock), (same_session, other)):
            log = client.get(f"/entrance/{exec_id}/log", params={"fromLine": 1, "size": -1})
            status = client.get(f"/entrance/{exec_id}/status").json()["data"]["status"]
            assert status == "Running", server.base_url
            assert log.json()["data"]["fromLine"] > 5
        assert (
            other.as_token("alice").post("/entrance/submit", json=SUBMIT).json()["data"]["taskID"]
            == 3
        )
        assert (
            other.as_token("alice")
            .get(f"/jobhistory/{task_id}/get")
            .json()["data"]["task"]["status"]
            == "Running"
        )
    finally:
        other.stop()


def test_a_bad_snapshot_is_refused_and_changes_nothing(mock: Mock) -> None:
    busy(mock)
    before = mock.admin("GET", "/snapshot")
    broken: dict[str, Any] = json.loads(json.dumps(before))
    broken["jobs"][0]["timeline"]["states"] = []
    reply = mock.http.put(f"{mock.base_url}/__admin/snapshot", json=broken)
    assert reply.status_code == 400
    assert "different lengths" in reply.json()["detail"]
    assert mock.admin("GET", "/snapshot")["jobs"] == before["jobs"]
