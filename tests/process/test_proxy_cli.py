"""`linkis-mock proxy` as a process: the exit report (JSON and JUnit), the recording,
and `--fail-on-violation`'s exit status after SIGTERM."""

from __future__ import annotations

import json
import signal
import xml.etree.ElementTree as ET
from pathlib import Path

from linkis_mock.specs import ADMIN_SPEC, schema_problem
from linkis_mock.testing import serve_in_thread, start_mock
from tests.helpers import wrong_upstream as wrong

SUBMIT = {
    "executionContent": {"code": "select 1", "runType": "sql"},
    "labels": {"engineType": "spark-2.4.3", "userCreator": "alice-IDE"},
}


def run_proxy(tmp_path: Path, target: str, *flags: str) -> tuple[int, Path, Path]:
    report, record = tmp_path / "report.json", tmp_path / "session.json"
    proxy = start_mock(
        tmp_path,
        "--linkis-target",
        target,
        "--report",
        str(report),
        "--record",
        str(record),
        *flags,
        command="proxy",
    )
    try:
        alice = proxy.as_token("alice")
        exec_id = alice.post("/entrance/submit", json=SUBMIT).json()["data"]["execID"]
        alice.get(f"/entrance/{exec_id}/status")
        proxy.process.send_signal(signal.SIGTERM)
        code = proxy.process.wait(timeout=15)
    finally:
        proxy.stop()
    return code, report, record


def test_violations_fail_the_run_and_are_reported_for_ci(tmp_path: Path) -> None:
    with wrong.served() as target:
        code, report, record = run_proxy(tmp_path, target, "--fail-on-violation")
    assert code == 1
    summary = json.loads(report.read_text())
    assert {v["operationId"] for v in summary["violations"]} >= {"submit", "getStatus"}
    suite = ET.parse(report.with_name("report.junit.xml")).getroot()
    assert suite.tag == "testsuite"
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"submit", "getStatus"}
    assert suite.get("tests") == "2" and suite.get("failures") == "2"
    failure = cases["submit"].find("failure")
    assert failure is not None and "/body/data/taskID" in (failure.text or "")
    assert schema_problem(ADMIN_SPEC, "Snapshot", json.loads(record.read_text())) is None


def test_a_conforming_server_passes(tmp_path: Path) -> None:
    upstream = serve_in_thread()
    try:
        code, report, _ = run_proxy(tmp_path, upstream.base_url, "--fail-on-violation")
    finally:
        upstream.stop()
    assert code == 0
    summary = json.loads(report.read_text())
    assert summary["violations"] == [] and summary["exchanges"] == 2
    suite = ET.parse(report.with_name("report.junit.xml")).getroot()
    assert (suite.get("tests"), suite.get("failures")) == ("2", "0")
