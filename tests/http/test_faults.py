"""Fault rules: latency, an error status in the API's own shape, a closed connection."""

from __future__ import annotations

import gc
import logging
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from linkis_mock.config import load_settings
from linkis_mock.testing import Mock, in_process

DEV = "0123456789abcdef0123456789abcdef"
RUNNING_TASK = "/entrance/operation/metrics/runningtask"


def add(mock: Mock, **rule: Any) -> dict[str, Any]:
    added: dict[str, Any] = mock.admin("POST", "/faults", json=rule)
    return added


def test_a_status_rule_answers_in_the_linkis_envelope_n_times(mock: Mock) -> None:
    add(mock, operationId="getRunningTask", action="status", status=503, times=2)
    client = mock.as_token("alice")
    for _ in range(2):
        reply = client.get(RUNNING_TASK)
        assert reply.status_code == 503
        assert reply.json()["status"] == 1
        assert "fault injected by the mock (HTTP 503)" in reply.json()["message"]
    assert client.get(RUNNING_TASK).status_code == 200
    assert mock.admin("GET", "/faults")["rules"][0]["fired"] == 2


def test_a_status_rule_answers_in_the_vias_shape(mock: Mock) -> None:
    add(mock, operationId="listTasks", action="status", status=502)
    reply = mock.http.get(
        f"{mock.base_url}/v2/{DEV}/tasks", headers={"X-Auth-Token": "vias-dev-token"}, timeout=10
    )
    assert reply.status_code == 502
    assert reply.json()["error_code"] == "VIAS.00010006"
    assert len(reply.headers["x-request-id"]) == 32


def test_a_latency_rule_delays_and_then_answers(mock: Mock) -> None:
    add(mock, operationId="getRunningTask", action="latency", latencyMs=300)
    client = mock.as_token("alice")
    started = time.perf_counter()
    reply = client.get(RUNNING_TASK)
    assert time.perf_counter() - started >= 0.3
    assert reply.status_code == 200
    assert reply.json()["data"] == {"runningTaskNumber": 0, "isCompleted": True}


def test_a_close_rule_cuts_the_connection_for_one_user_only(mock: Mock) -> None:
    add(mock, operationId="getUserInfo", action="close", user="bob")
    with pytest.raises(httpx.RemoteProtocolError):
        mock.as_token("bob").get("/user/userInfo")
    assert mock.as_token("alice").get("/user/userInfo").status_code == 200


def test_rules_can_match_path_parameters(mock: Mock) -> None:
    add(mock, operationId="getStatus", action="status", status=500, pathParams={"id": "x1"})
    client = mock.as_token("alice")
    assert client.get("/entrance/x1/status").status_code == 500
    assert client.get("/entrance/x2/status").status_code == 400  # the real unknown-job reply


def test_a_zero_probability_rule_never_fires(mock: Mock) -> None:
    add(mock, operationId="getRunningTask", action="status", status=500, probability=0)
    client = mock.as_token("alice")
    assert all(client.get(RUNNING_TASK).status_code == 200 for _ in range(5))


def test_rules_are_listed_deleted_and_reset(mock: Mock) -> None:
    first = add(mock, operationId="getRunningTask", action="status", status=500)
    add(mock, operationId="submit", action="latency", latencyMs=10, latencyMaxMs=20)
    rules = mock.admin("GET", "/faults")["rules"]
    assert [r["id"] for r in rules] == ["f1", "f2"]
    assert mock.admin("DELETE", f"/faults/{first['id']}")["rules"][0]["id"] == "f2"
    assert mock.as_token("alice").get(RUNNING_TASK).status_code == 200
    missing = mock.http.delete(f"{mock.base_url}/__admin/faults/f1")
    assert missing.status_code == 404
    mock.reset()
    assert mock.admin("GET", "/faults")["rules"] == []


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"operationId": "submit", "action": "status"}, {"status": 500}),
        ({"operationId": "submit", "action": "latency"}, {"latencyMs": 1000, "latencyMaxMs": 1000}),
        (
            {"operationId": "submit", "action": "latency", "latencyMs": 50, "latencyMaxMs": 10},
            {"latencyMs": 50, "latencyMaxMs": 50},
        ),
        (
            {"operationId": "submit", "action": "close", "status": 503, "latencyMs": 9},
            {"status": 0, "latencyMs": 0},
        ),
    ],
)
def test_every_rule_the_schema_allows_means_something(
    mock: Mock, rule: dict[str, Any], expected: dict[str, int]
) -> None:
    added = add(mock, **rule)
    assert {key: added[key] for key in expected} == expected


def test_a_rule_outside_the_schema_is_refused(mock: Mock) -> None:
    reply = mock.http.post(
        f"{mock.base_url}/__admin/faults",
        json={"operationId": "submit", "action": "explode"},
        timeout=10,
    )
    assert reply.status_code == 400
    assert "is not one of" in reply.json()["detail"]


def test_faults_are_journaled(mock: Mock) -> None:
    add(mock, operationId="getRunningTask", action="status", status=504)
    mock.as_token("alice").get(RUNNING_TASK)
    entries = mock.admin("GET", "/journal", params={"status": 504})["entries"]
    assert [(e["operationId"], e["user"]) for e in entries] == [("getRunningTask", "alice")]


def test_rules_from_the_config_file_survive_a_reset(tmp_path: Path) -> None:
    config = tmp_path / "faults.toml"
    config.write_text(
        '[[faults]]\noperationId = "getRunningTask"\naction = "status"\nstatus = 503\n',
        encoding="utf-8",
    )
    mock = in_process(load_settings(config))
    try:
        client = mock.as_token("alice")
        assert client.get(RUNNING_TASK).status_code == 503
        mock.reset()
        assert client.get(RUNNING_TASK).status_code == 503
    finally:
        mock.stop()


def test_a_cut_is_not_logged_as_an_error_and_leaves_nothing_unawaited(
    caplog: pytest.LogCaptureFixture, recwarn: pytest.WarningsRecorder
) -> None:
    """The cut escapes every layer on purpose: the outermost handler sends nothing (the
    reply has started) and logs no error; Connexion's default one left a coroutine that
    was never awaited."""
    mock = in_process()
    try:
        add(mock, operationId="getUserInfo", action="close", times=1)
        with pytest.raises(httpx.RemoteProtocolError, match="closed the connection"):
            mock.as_token("bob").get("/user/userInfo")
        assert mock.as_token("bob").get("/user/userInfo").status_code == 200  # once only
    finally:
        mock.stop()
    gc.collect()  # a coroutine never awaited warns when it is collected
    assert [str(w.message) for w in recwarn if issubclass(w.category, RuntimeWarning)] == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
