"""Acceptance: the clients generated from the specs (`make clients`, tools/generate_clients.sh)
against the live mock.

- Python, openapi-python-client: the Linkis client logs in (cookie), submits a job, polls status
  and log to Succeed, reads progress and kills a second job; the VIAS client stops and starts a
  task; the admin client freezes and advances the clock.
- TypeScript, openapi-typescript types with openapi-fetch: clients/ts-smoke/smoke.mts is
  type-checked with `tsc --strict` (incrementally: what changed since the last run), then
  run with node against the same server.

The `generated_clients` fixture runs the generator when its output is missing or older than
the specs, the generator configs or the script, and puts the generated packages on sys.path.
Replies are read through the generated models (typed fields, enums), so a spec change that
breaks a client fails here, in mypy (the generated packages are on its path) or in tsc.
Job and task states move on the mock's frozen clock, which the tests advance; nothing sleeps.
"""

# The generated packages exist only once the fixture has run, so each test imports them in its
# body; for mypy they are ordinary typed packages (build/clients/python/* is on mypy_path).
# ruff: noqa: PLC0415

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from linkis_mock.testing import Mock

if TYPE_CHECKING:
    from linkis_entrance_client import Client as LinkisClient
    from linkis_entrance_client.models import JobState, ProgressData, SubmitReplyData
    from mock_admin_client import Client as AdminClient

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "tools" / "generate_clients.sh"
OUT = ROOT / "build" / "clients"
STAMP = OUT / ".generated"
PYTHON_PROJECTS = ("linkis-entrance-client", "vias-task-client", "mock-admin-client")
TS_SMOKE_DIR = ROOT / "clients" / "ts-smoke"
TS_SMOKE_JS = ROOT / "build" / "ts-smoke" / "smoke.mjs"
TSC = ROOT / "node_modules" / ".bin" / "tsc"
# tsc keeps what it found per file here and checks again only what changed (the smoke
# program, the generated types, the libraries' types), reporting the same errors as a
# full run: most of a full run (~8 s) is checking the libraries' own types. `make clients`
# (tools/generate_clients.sh) makes the first run, before pytest.
TS_BUILD_INFO = TS_SMOKE_JS.parent / "smoke.tsbuildinfo"
TSC_INCREMENTAL = ("--incremental", "--tsBuildInfoFile", str(TS_BUILD_INFO.relative_to(ROOT)))

SESSION_COOKIE = "linkis_user_session_ticket_id_v1"
USER = "hadoop"
VIAS_PROJECT = "0123456789abcdef0123456789abcdef"
VIAS_TOKEN = "vias-dev-token"
VIAS_SERVICE = "c-intrusion-detection-cloud"
HEX32 = re.compile(r"[0-9a-f]{32}")
CLOCK_STEP_S = 0.25
MAX_STEPS = 240  # one simulated minute


def generator_inputs() -> list[Path]:
    return [
        GENERATOR,
        ROOT / "package-lock.json",
        ROOT / "pyproject.toml",
        *sorted((ROOT / "openapi").glob("*.yaml")),
        *sorted((ROOT / "clients").rglob("*.yaml")),
        ROOT / "clients" / "orval.config.cjs",
        ROOT / "clients" / "openapi-ts.config.mjs",
        ROOT / "clients" / "generated.tsconfig.json",
    ]


def clients_are_stale() -> bool:
    if not STAMP.exists():
        return True
    built = STAMP.stat().st_mtime
    return any(path.stat().st_mtime > built for path in generator_inputs())


def run_tool(args: list[str], timeout: float = 300) -> str:
    """Run a command from the repository root; fail the test with its output if it fails."""
    result = subprocess.run(
        args, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(args)} exited {result.returncode}:\n{output}"
    return output


@pytest.fixture(scope="session")
def generated_clients() -> Path:
    if clients_are_stale():
        output = run_tool([str(GENERATOR)])
        assert not re.search(r"warn", output, re.IGNORECASE), output
    for project in PYTHON_PROJECTS:
        path = str(OUT / "python" / project)
        if path not in sys.path:
            sys.path.insert(0, path)
    return OUT


def advance_until(admin: AdminClient, done: Callable[[], bool], what: str) -> None:
    """Advance the frozen clock one step at a time until `done()`, at most MAX_STEPS."""
    from mock_admin_client.api.clock import advance_clock
    from mock_admin_client.models import ClockAdvance, ClockState

    for _ in range(MAX_STEPS):
        if done():
            return
        clock = advance_clock.sync(client=admin, body=ClockAdvance(seconds=CLOCK_STEP_S))
        assert isinstance(clock, ClockState), clock
        assert clock.frozen
    assert done(), f"{what} did not happen within {MAX_STEPS * CLOCK_STEP_S} simulated seconds"


@pytest.fixture
def admin(mock: Mock, generated_clients: Path) -> Iterator[AdminClient]:
    """The generated admin client, on the reset server with its clock frozen."""
    from mock_admin_client import Client

    with Client(base_url=mock.admin_url, raise_on_unexpected_status=True) as client:
        yield client


@pytest.fixture
def linkis(mock: Mock, generated_clients: Path) -> Iterator[LinkisClient]:
    """The generated Linkis client, logged in as USER: the session cookie is in its cookie jar."""
    from linkis_entrance_client import Client
    from linkis_entrance_client.api.user import login
    from linkis_entrance_client.models import LoginReply, LoginReplyData, LoginRequest

    with Client(base_url=mock.api_url, raise_on_unexpected_status=True) as client:
        reply = login.sync(client=client, body=LoginRequest(user_name=USER, password=USER))
        assert isinstance(reply, LoginReply), reply
        assert isinstance(reply.data, LoginReplyData), reply.data  # a fresh login, not a repeat
        assert reply.data.user_name == USER
        assert reply.data.is_admin is True
        assert SESSION_COOKIE in client.get_httpx_client().cookies
        yield client


def submit_job(linkis: LinkisClient, code: str) -> SubmitReplyData:
    from linkis_entrance_client.api.entrance import submit
    from linkis_entrance_client.models import (
        EnvelopeStatusOk,
        ExecutionContent,
        JobLabels,
        SubmitReply,
        SubmitRequest,
    )

    reply = submit.sync(
        client=linkis,
        body=SubmitRequest(
            execution_content=ExecutionContent(code=code, run_type="sql"),
            labels=JobLabels(engine_type="spark-2.4.3", user_creator=f"{USER}-IDE"),
        ),
    )
    assert isinstance(reply, SubmitReply), reply
    assert reply.status is EnvelopeStatusOk.VALUE_0
    assert reply.data.exec_id.startswith("exec_id")
    return reply.data


def job_state(linkis: LinkisClient, exec_id: str) -> JobState:
    from linkis_entrance_client.api.entrance import get_status
    from linkis_entrance_client.models import StatusReply

    reply = get_status.sync(exec_id, client=linkis)
    assert isinstance(reply, StatusReply), reply
    assert reply.data.exec_id == exec_id
    return reply.data.status


def job_progress(linkis: LinkisClient, exec_id: str) -> ProgressData:
    from linkis_entrance_client.api.entrance import get_progress
    from linkis_entrance_client.models import ProgressReply

    reply = get_progress.sync(exec_id, client=linkis)
    assert isinstance(reply, ProgressReply), reply
    return reply.data


def test_python_client_needs_a_session(mock: Mock, generated_clients: Path) -> None:
    from linkis_entrance_client import Client
    from linkis_entrance_client.api.entrance import get_status
    from linkis_entrance_client.models import EnvelopeStatusNotLoggedIn, NotLoggedInReply

    with Client(base_url=mock.api_url, raise_on_unexpected_status=True) as anonymous:
        reply = get_status.sync_detailed("exec_id0", client=anonymous)
    assert reply.status_code == 401
    assert isinstance(reply.parsed, NotLoggedInReply), reply.content
    assert reply.parsed.status is EnvelopeStatusNotLoggedIn.VALUE_NEGATIVE_1


def test_python_client_runs_a_job_to_succeed(linkis: LinkisClient, admin: AdminClient) -> None:
    from linkis_entrance_client.api.entrance import get_log
    from linkis_entrance_client.models import JobState, LogReply

    job = submit_job(linkis, "select id, name from demo")
    states = [job_state(linkis, job.exec_id)]
    log_lines: list[str] = []
    from_line = 1
    running_progress = [0.0]

    def read_log() -> None:
        nonlocal from_line
        reply = get_log.sync(job.exec_id, client=linkis, from_line=from_line, size=-1)
        assert isinstance(reply, LogReply), reply
        log = reply.data.log
        assert isinstance(log, list) and len(log) == 4, log  # ERROR, WARN, INFO, ALL
        log_lines.extend(line for line in log[3].split("\n") if line)
        from_line = reply.data.from_line

    def succeeded() -> bool:
        """One poll: status, progress while Running, log; True once the job is Succeed."""
        state = job_state(linkis, job.exec_id)
        if state is not states[-1]:
            states.append(state)
        if state is JobState.RUNNING:
            running_progress.append(job_progress(linkis, job.exec_id).progress)
        read_log()
        return state is JobState.SUCCEED

    advance_until(admin, succeeded, "Succeed")
    assert states == [JobState.INITED, JobState.SCHEDULED, JobState.RUNNING, JobState.SUCCEED]
    read_log()
    # Every line read once; the two empty ones of the interceptors' variables section are
    # counted, not shown (docs/reference/linkis-interceptors.md §9).
    assert from_line == len(log_lines) + 2 + 1
    assert "completed with status Success" in log_lines[-1], log_lines

    assert 0 < max(running_progress) < 1, running_progress
    final = job_progress(linkis, job.exec_id)
    assert final.progress == 1
    assert final.progress_info == []


def test_python_client_kills_a_running_job(linkis: LinkisClient, admin: AdminClient) -> None:
    from linkis_entrance_client.api.entrance import kill
    from linkis_entrance_client.models import JobState, KillReply

    job = submit_job(linkis, "select id from big_table")
    advance_until(admin, lambda: job_state(linkis, job.exec_id) is JobState.RUNNING, "Running")
    reply = kill.sync(job.exec_id, client=linkis)
    assert isinstance(reply, KillReply), reply
    assert reply.data.exec_id == job.exec_id
    advance_until(admin, lambda: job_state(linkis, job.exec_id) is JobState.CANCELLED, "Cancelled")
    assert job_progress(linkis, job.exec_id).progress == 1


def test_python_client_stops_and_starts_a_vias_task(mock: Mock, admin: AdminClient) -> None:
    from vias_task_client import AuthenticatedClient
    from vias_task_client.api.actions import start_stop_task
    from vias_task_client.api.tasks import create_task, show_task_info
    from vias_task_client.models import (
        ActionReply,
        CreateTaskReply,
        CreateTaskRequest,
        StartStopTaskCommand,
        TaskInfo,
        TaskInput,
        TaskInputData,
        TaskInputType,
        TaskOutput,
        TaskOutputWebhook,
        TaskState,
    )

    with AuthenticatedClient(
        base_url=f"{mock.base_url}/v2",
        token=VIAS_TOKEN,
        prefix="",
        auth_header_name="X-Auth-Token",
        raise_on_unexpected_status=True,
    ) as vias:
        created = create_task.sync(
            VIAS_PROJECT,
            VIAS_SERVICE,
            client=vias,
            body=CreateTaskRequest(
                name="gate-cam-1",
                input_=TaskInput(
                    type_=TaskInputType.VIDEO_SOURCE,
                    data=[TaskInputData(video_source_id="vs-0001")],
                ),
                output=TaskOutput(webhook=TaskOutputWebhook(url="http://127.0.0.1:9000/hook")),
                service_version="1.1",
            ),
        )
        assert isinstance(created, CreateTaskReply), created
        assert len(created.tasks) == 1
        task_id = created.tasks[0].id
        assert HEX32.fullmatch(task_id), task_id

        def state() -> TaskState:
            info = show_task_info.sync(VIAS_PROJECT, task_id, client=vias)
            assert isinstance(info, TaskInfo), info
            assert info.id == task_id
            return info.state

        def reaches(target: TaskState) -> Callable[[], bool]:
            return lambda: state() is target

        assert state() is TaskState.PENDING
        advance_until(admin, reaches(TaskState.RUNNING), "task RUNNING")
        for command, passing, target in (
            (StartStopTaskCommand.STOP, TaskState.STOPPING, TaskState.STOPPED),
            (StartStopTaskCommand.START, TaskState.STARTING, TaskState.RUNNING),
        ):
            reply = start_stop_task.sync_detailed(VIAS_PROJECT, task_id, command, client=vias)
            assert isinstance(reply.parsed, ActionReply), reply.content
            assert HEX32.fullmatch(reply.headers["X-Request-Id"])
            assert state() is passing
            advance_until(admin, reaches(target), f"task {target}")


def test_typescript_client_type_checks_and_runs(
    running_mock: Mock, generated_clients: Path
) -> None:
    node = shutil.which("node")
    assert node is not None, "node is not on PATH"
    assert TSC.exists(), f"{TSC} is missing; run make install"
    if not TS_SMOKE_JS.exists():  # with its build info left, tsc would not emit it again
        TS_BUILD_INFO.unlink(missing_ok=True)
    run_tool([str(TSC), "-p", str(TS_SMOKE_DIR.relative_to(ROOT)), *TSC_INCREMENTAL])
    assert TS_SMOKE_JS.exists()

    running_mock.reset()
    try:
        result = subprocess.run(
            [node, str(TS_SMOKE_JS), running_mock.base_url],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={**os.environ, "NO_COLOR": "1"},
        )
    finally:
        running_mock.reset()  # leave no jobs or tasks behind for the tests that follow
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    steps = result.stdout.splitlines()
    assert steps[-1] == "smoke: all steps passed", output
    for expected in (
        "login as hadoop",
        "status: Inited > Scheduled > Running > Succeed",
        "Running > Cancelled",
        "stop: STOPPING > STOPPED",
        "start: STARTING > RUNNING",
    ):
        assert any(expected in line for line in steps), f"no step {expected!r}:\n{output}"
