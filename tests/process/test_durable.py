"""`serve --state FILE`: restarts continue, kill -9 loses no answered submission,
workers share one world, and SIGTERM lets requests in flight finish."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn

from linkis_mock import cli
from linkis_mock.config import load_settings
from linkis_mock.testing import ROOT, RunningMock, default_tls_context, in_process, start_mock
from tests.helpers.sim import submit_body

pytestmark = pytest.mark.runs_long

LONG_JOB = submit_body("--@mock duration=600\nselect 1")


def submit(client: httpx.Client, body: dict[str, object] = LONG_JOB) -> dict[str, object]:
    reply = client.post("/entrance/submit", json=body)
    assert reply.status_code == 200, reply.text
    data: dict[str, object] = reply.json()["data"]
    return data


def status_of(client: httpx.Client, exec_id: object) -> str:
    reply = client.get(f"/entrance/{exec_id}/status")
    assert reply.status_code == 200, reply.text
    state: str = reply.json()["data"]["status"]
    return state


def kill_9(mock: RunningMock) -> None:
    mock.process.send_signal(signal.SIGKILL)
    mock.process.wait()


def test_a_restart_continues_jobs_sessions_clock_and_ids(tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    first = start_mock(tmp_path, "--state", state)
    try:
        alice = first.logged_in("alice")
        job = submit(alice)
        first.advance(5)  # Running now
        assert status_of(alice, job["execID"]) == "Running"
        cookies = dict(alice.cookies)
    finally:
        first.stop()
    second = start_mock(tmp_path, "--state", state, port=int(first.base_url.rsplit(":", 1)[1]))
    try:
        again = second.client(cookies=cookies)  # the same session cookie, no new login
        assert status_of(again, job["execID"]) == "Running"
        assert submit(again)["taskID"] == job["taskID"] + 1  # type: ignore[operator]
        assert again.get(f"/entrance/{job['execID']}/kill").json()["status"] == 0
        second.advance(5)
        assert status_of(again, job["execID"]) == "Cancelled"
    finally:
        second.stop()


def test_kill_9_under_load_loses_no_answered_submission(tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    mock = start_mock(tmp_path, "--state", state)
    port = int(mock.base_url.rsplit(":", 1)[1])
    answered: list[dict[str, object]] = []
    stop = threading.Event()

    def load() -> None:
        with httpx.Client(
            base_url=mock.api_url, headers={"Token-Code": "LINKIS-AUTH", "Token-User": "alice"}
        ) as client:
            while not stop.is_set():
                try:
                    reply = client.post("/entrance/submit", json=LONG_JOB, timeout=5)
                except httpx.TransportError:
                    return
                if reply.status_code == 200:
                    answered.append(reply.json()["data"])

    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    # Killed once the load is well under way (the four clients keep submitting): at most
    # 2 s in, usually much sooner. Every answer then costs a status check below.
    deadline = time.monotonic() + 2
    while len(answered) < 100 and time.monotonic() < deadline:
        time.sleep(0.02)
    kill_9(mock)
    stop.set()
    for thread in threads:
        thread.join()
    assert len(answered) > 50, "the load did not get going"
    again = start_mock(tmp_path, "--state", state, port=port)
    try:
        client = again.as_token("alice")
        for data in answered:
            assert status_of(client, data["execID"]) in {"Inited", "Scheduled", "Running"}
        task_ids = [data["taskID"] for data in answered]
        assert len(set(task_ids)) == len(task_ids)
        # Ids go on after the last one given out (alice's group may be full by now: 12001).
        bob_job = submit(again.as_token("bob"), submit_body(user="bob"))
        assert bob_job["taskID"] > max(task_ids)  # type: ignore[type-var,operator]
    finally:
        again.stop()


def test_workers_share_state_without_duplicate_ids(tmp_path: Path) -> None:
    mock = start_mock(tmp_path, "--state", str(tmp_path / "state.db"), "--workers", "2")
    try:
        before = _worker_cpu(mock.process.pid)
        assert len(before) == 2
        submitted = asyncio.run(_submit_concurrently(mock.api_url, clients=50, each=10))
        exec_ids = [data["execID"] for data in submitted]
        task_ids = [data["taskID"] for data in submitted]
        assert len(set(exec_ids)) == len(set(task_ids)) == 500
        after = _worker_cpu(mock.process.pid)
        assert all(after[pid] > before[pid] for pid in before), "a worker served nothing"
        client = mock.as_token("alice")
        # Every job is readable and killable through whichever worker answers.
        for exec_id in exec_ids[::25]:
            assert status_of(client, exec_id) in {"Inited", "Scheduled", "Running"}
        killed = exec_ids[0]  # the first job of client 0, user0's
        owner = mock.as_token("user0")
        assert owner.get(f"/entrance/{killed}/kill").json()["status"] == 0
        mock.advance(5)
        assert {status_of(client, killed) for _ in range(10)} == {"Cancelled"}
        listed = mock.admin("GET", "/jobs")["jobs"]
        assert len(listed) == 500
    finally:
        mock.stop()


async def _submit_concurrently(api_url: str, *, clients: int, each: int) -> list[dict[str, str]]:
    async def one_client(number: int) -> list[dict[str, str]]:
        headers = {"Token-Code": "LINKIS-AUTH", "Token-User": f"user{number % 5}"}
        # One connection per client, so the workers' shared socket spreads them.
        async with httpx.AsyncClient(
            base_url=api_url, headers=headers, timeout=30, verify=default_tls_context()
        ) as client:
            found = []
            for _ in range(each):
                body = submit_body("--@mock duration=600\nselect 1", user=f"user{number % 5}")
                reply = await client.post("/entrance/submit", json=body)
                assert reply.status_code == 200, reply.text
                found.append(reply.json()["data"])
            return found

    results = await asyncio.gather(*(one_client(n) for n in range(clients)))
    return [data for result in results for data in result]


def _worker_cpu(parent: int) -> dict[int, int]:
    """CPU ticks used so far by each worker process of `parent`."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    ticks = {}
    for child in map(int, children):
        fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        if "spawn_main" in Path(f"/proc/{child}/cmdline").read_text():
            ticks[child] = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks


def test_sigterm_lets_a_request_in_flight_finish_and_saves_everything(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    mock = start_mock(tmp_path, "--state", str(state))
    mock.freeze()
    client = mock.as_token("alice")
    job = submit(client)
    mock.admin(
        "POST", "/faults", json={"operationId": "getStatus", "action": "latency", "latencyMs": 1500}
    )
    replies: list[httpx.Response] = []
    slow = threading.Thread(
        target=lambda: replies.append(client.get(f"/entrance/{job['execID']}/status"))
    )
    slow.start()
    time.sleep(0.5)
    mock.process.send_signal(signal.SIGTERM)
    slow.join()
    # uvicorn shuts down gracefully, then raises the signal again for the handler it found:
    # the command's own (linkis_mock/cli.py), which exits with 128 + 15.
    assert mock.process.wait(timeout=15) == 128 + signal.SIGTERM
    assert replies[0].status_code == 200 and replies[0].json()["data"]["status"] == "Inited"
    # The write-ahead log was folded into the file: the file alone holds the state.
    wal = Path(f"{state}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    # A mock over the file (in this process: the file, not the process, is what is
    # checked) continues from it.
    again = in_process(load_settings(state=str(state)))
    try:
        assert status_of(again.as_token("alice"), job["execID"]) == "Inited"  # still frozen
    finally:
        again.stop()


def test_workers_need_a_state_file_and_a_bad_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first through `python -m linkis_mock` itself; the files through the command's
    entry point in this process (the same code from argv to exit status and stderr; an
    exception that escaped, a traceback in a process, would fail the test), as
    tests/process/test_cli.py does for its many cases."""
    no_state = subprocess.run(
        [sys.executable, "-m", "linkis_mock", "serve", "--port", "1", "--workers", "2"],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
    )
    assert no_state.returncode == 2
    assert "--workers needs --state FILE" in no_state.stderr

    def serve(*args: str) -> tuple[int, str]:
        def would_serve(*args: object, **kwargs: object) -> None:
            raise AssertionError("the command went on to serve")

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(uvicorn, "run", would_serve)
            code = cli.main(["serve", "--port", "1", *args])
        return code, capsys.readouterr().err

    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("shopping list\n" * 200)
    code, stderr = serve("--state", str(not_sqlite))
    assert code == 2
    assert f"cannot use state file {not_sqlite}" in stderr
    assert not_sqlite.read_text() == "shopping list\n" * 200  # left as it was
    for unusable in (tmp_path, tmp_path / "missing" / "state.db"):
        code, stderr = serve("--state", str(unusable))
        assert code == 2
        assert f"cannot use state file {unusable}" in stderr
        assert "Traceback" not in stderr


def test_a_scenario_fills_only_a_new_state_file(tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    # The state file with a job in it, and the snapshot, made in this process: the two
    # processes below are what is checked.
    first = in_process(load_settings(state=state))
    try:
        submit(first.as_token("alice"))
        snapshot = first.admin("GET", "/snapshot")
    finally:
        first.stop()
    scenario = tmp_path / "scenario.json"
    empty = {**snapshot, "jobs": [], "counters": {**snapshot["counters"], "lastTaskId": 0}}
    scenario.write_text(json.dumps(empty))
    fresh = start_mock(tmp_path, "--state", str(tmp_path / "new.db"), "--scenario", str(scenario))
    kept = start_mock(tmp_path, "--state", state, "--scenario", str(scenario))
    try:
        assert fresh.admin("GET", "/jobs")["jobs"] == []
        assert len(kept.admin("GET", "/jobs")["jobs"]) == 1
        assert "already holds state" in kept.log_path.read_text()
    finally:
        fresh.stop()
        kept.stop()
