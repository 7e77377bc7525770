"""Snapshots over the admin API, and `serve --scenario`: share a state, start from it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from linkis_mock.testing import ROOT, RunningMock, start_mock

SUBMIT = {
    "executionContent": {"code": "select id, name from t\n--@mock rows=2 duration=30"},
    "labels": {"engineType": "spark-2.4.3", "codeType": "sql"},
}


def busy(mock: RunningMock) -> tuple[str, int, str]:
    """A running job, a finished one, and a session cookie; returns (execID, taskID, ticket)."""
    alice = mock.logged_in("alice")
    data = alice.post("/entrance/submit", json=SUBMIT).json()["data"]
    mock.advance(1.5)
    alice.post("/entrance/submit", json={**SUBMIT, "executionContent": {"code": "select 1"}})
    mock.advance(5)
    ticket = alice.cookies["linkis_user_session_ticket_id_v1"]
    return data["execID"], data["taskID"], ticket


def test_a_snapshot_moves_a_whole_state_to_another_mock(mock: RunningMock, tmp_path: Path) -> None:
    exec_id, task_id, ticket = busy(mock)
    state = mock.admin("GET", "/snapshot")
    assert [job["ident"]["task_id"] for job in state["jobs"]] == [2, 1]
    other = start_mock(tmp_path)
    try:
        restored = httpx.put(f"{other.base_url}/__admin/snapshot", json=state, timeout=10)
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


def test_a_bad_snapshot_is_refused_and_changes_nothing(mock: RunningMock) -> None:
    busy(mock)
    before = mock.admin("GET", "/snapshot")
    broken: dict[str, Any] = json.loads(json.dumps(before))
    broken["jobs"][0]["timeline"]["states"] = []
    reply = httpx.put(f"{mock.base_url}/__admin/snapshot", json=broken, timeout=10)
    assert reply.status_code == 400
    assert "different lengths" in reply.json()["detail"]
    assert mock.admin("GET", "/snapshot")["jobs"] == before["jobs"]


def test_serve_starts_from_a_scenario(mock: RunningMock, tmp_path: Path) -> None:
    exec_id, _, _ = busy(mock)
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(mock.admin("GET", "/snapshot")), encoding="utf-8")
    other = start_mock(tmp_path, "--scenario", str(scenario))
    try:
        jobs = other.admin("GET", "/jobs")["jobs"]
        assert [(j["taskID"], j["execID"]) for j in jobs][-1] == (1, exec_id)
    finally:
        other.stop()


def test_serve_refuses_a_broken_scenario(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text('{"version": 2}', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "linkis_mock", "serve", "--scenario", str(scenario)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "cannot start from scenario" in result.stderr
    assert "snapshot version 1" in result.stderr
