"""`make bench`: how fast the mock answers, next to Prism and to a bare Starlette app.

A report, not a gate: it prints figures and writes them, with the git commit and the
date, to build/bench.json so that runs can be compared across commits. It exits 0 unless
something could not be measured (a server that does not start, non-2xx answers, ...).

Measurements (each one can be left out: `--only a,b` / `--skip a,b`, or BENCH_ONLY /
BENCH_SKIP in the environment):

throughput
    wrk (`-t2 -c32 --latency`, BENCH_SECONDS each, after a short warm-up) on
    `GET .../entrance/{execID}/status`, `/progress` and `/log?fromLine=1&size=100` of one
    Running job, against three servers on 127.0.0.1: the mock (holding 100 jobs, half
    running, half finished, logged in as alice: the session cookie goes with every
    request), Prism 5 in static-examples mode on openapi/linkis-entrance.yaml, and
    bench/floor_app.py under uvicorn (the floor of what Python can do: the mock's own
    reply bytes, captured first, answered as constants). Requests/s,
    p50 and p99 latency, non-2xx answers, and the mock/Prism and mock/floor ratios.
vias
    wrk on the VIAS task API: show one task, list the project's tasks (the mock holding
    VIAS_TASKS of them) and start one (`PUT .../action/start`, seed page 004's operation;
    starting a started task answers 200), on the mock and on Prism 5 mocking
    openapi/vias-task.yaml, with the X-Auth-Token on every request.
    Targets: reads at least 2x Prism, p99 under 15 ms.
workers
    wrk on status and log of the mock with shared state (`--state`): a SQLite file, then
    a throwaway PostgreSQL database (tests/helpers/postgres.py), each first as one
    process, then as WORKERS processes sharing it (with PostgreSQL, as replicas would);
    then STATE_SUBMITS submits, 32 at a time.
    Target: a status poll on PostgreSQL costs at most 1.5x one on SQLite.
startup
    Time from starting `linkis-mock serve` to its first 200 from `GET /__admin/clock`
    (polled every 10 ms); median of 3 starts.
scale
    Two mocks side by side, one holding 100 jobs and one BENCH_JOBS (100 000): their
    resident memory (VmRSS), and wrk status throughput of each, alternated three times
    (the ratio of each round, target at least 0.9). The jobs are submitted over HTTP, 32
    at a time (from a bare asyncio client, which leaves the pace to the mock): the
    submit rate, target 2 500/s.
restart
    A mock with a state file (`--state`) takes BENCH_JOBS jobs and stops; then it starts
    on that file three times: seconds to the first 200 of a loaded job's status (target
    under 2 s), and the memory held then.
logpage
    Reading the last 100 lines of a finished job's log (`fromLine=<total-99>&size=100`)
    when it has 100 000 extra lines and when it has 100: median and p99 of
    BENCH_LOG_REQUESTS sequential requests from Python, and wrk requests/s.
schemathesis
    Wall time of the CI Schemathesis run, `pytest -q contract_tests/schemathesis_runs`.
proxy
    Status polls of one job straight to the mock and through `linkis-mock proxy` in
    front of it: wrk with one connection (the latency the proxy adds at p50 and p99)
    and at the usual concurrency (throughput).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import io
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from linkis_mock.testing import free_port, resident_memory_kib, terminate

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.prefix) / "bin"
BUILD = ROOT / "build"
LOGS = BUILD / "bench-logs"
RESULT_FILE = BUILD / "bench.json"
PRISM = ROOT / "bench" / "node_modules" / ".bin" / "prism"
SPEC = ROOT / "openapi" / "linkis-entrance.yaml"
VIAS_SPEC = ROOT / "openapi" / "vias-task.yaml"
VIAS_PREFIX = "/v2"
VIAS_PROJECT = "0123456789abcdef0123456789abcdef"  # the project of the mock's vias-dev-token
VIAS_CALL_HEADERS = ("X-Auth-Token: vias-dev-token",)
VIAS_SERVICE = "c-intrusion-detection-cloud"
VIAS_TASKS = 100
VIAS_TASK = {
    "input": {"type": "video_source", "data": [{"video_source_id": "vs-0001"}]},
    "output": {"webhook": {"url": "http://127.0.0.1:9000/hook", "headers": {"a": "a"}}},
    "config": {"common": {}},
    "service_version": "1.1",
}
MOCK_CONFIG = ROOT / "bench" / "mock.toml"

HOST = "127.0.0.1"
API = "/api/rest_j/v1"
COOKIE = "linkis_user_session_ticket_id_v1"
MEASUREMENTS = (
    "throughput",
    "vias",
    "workers",
    "startup",
    "scale",
    "restart",
    "logpage",
    "schemathesis",
    "proxy",
    "link",
)
WORKERS = 2
STATE_SUBMITS = 2_000  # submits over HTTP, 32 at a time, for each kind of shared state
RATIOS = ("mock/prism", "mock/floor")
ENDPOINTS = {"status": "status", "progress": "progress", "log": "log?fromLine=1&size=100"}
RUNNING_CODE = "--@mock duration=3600\nselect 1"
ENGINES = ("spark-2.4.3", "hive-2.3.3")
CREATORS = ("alice-IDE", "alice-nodeexecution")
SUBMIT_CONCURRENCY = 32
START_TIMEOUT_S = 60.0
STARTS = 3
SCALE_ROUNDS = 3
# The link between the replicas and PostgreSQL: each chunk delayed this long each way
# (bench/relay.py). asyncio's timers make the far link's round trip about 2.5 ms, the link
# issue 28 measured (2.57 ms); 1.15 ms each way jumped to about 4.5 ms.
LINKS = {"near": 0.0, "far": 0.001}
LINK_SUBMITS = 1_000
COUNTED_SUBMITS = 50
TOKEN_HEADERS = {"Token-Code": "LINKIS-AUTH", "Token-User": "alice"}


class BenchError(Exception):
    """Something could not be measured."""


@dataclass(frozen=True)
class Options:
    seconds: int
    warmup: int
    threads: int
    connections: int
    jobs: int
    log_requests: int
    selected: tuple[str, ...]


# --- processes ----------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    prefix: str = API  # where the Linkis API is served

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def api(self) -> str:
        return self.base + self.prefix

    def log_tail(self, lines: int = 15) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True)
class Call:
    """How wrk calls a path beyond its URL: the method and the headers."""

    method: str = "GET"
    headers: tuple[str, ...] = ()


PLAIN_GET = Call()
VIAS_CALL = Call(headers=VIAS_CALL_HEADERS)
VIAS_START = Call("PUT", VIAS_CALL_HEADERS)


@contextmanager
def launched(name: str, command: list[str], env: dict[str, str] | None = None) -> Iterator[Server]:
    """Start a server on a free port (`{port}` in `command`), with `env` added to the
    environment; always stopped on exit."""
    port = free_port()
    LOGS.mkdir(parents=True, exist_ok=True)
    log_path = LOGS / f"{name}.log"
    with log_path.open("wb") as log:
        argv = [part.replace("{port}", str(port)) for part in command]
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
    try:
        yield Server(name, process, port, log_path)
    finally:
        terminate(process)


def mock_command() -> list[str]:
    return [
        str(BIN / "linkis-mock"),
        "serve",
        "--host",
        HOST,
        "--port",
        "{port}",
        "--config",
        str(MOCK_CONFIG),
        "--log-level",
        "warning",
    ]


def prism_command(spec: Path = SPEC) -> list[str]:
    return [str(PRISM), "mock", str(spec), "-h", HOST, "-p", "{port}", "--verboseLevel", "warn"]


def floor_command() -> list[str]:
    return [
        str(BIN / "uvicorn"),
        "--app-dir",
        str(ROOT / "bench"),
        "floor_app:app",
        "--host",
        HOST,
        "--port",
        "{port}",
        "--log-level",
        "warning",
        "--no-access-log",
    ]


def wait_for(server: Server, path: str, headers: dict[str, str] | None = None) -> float:
    """Poll `path` every 10 ms until it answers 200; seconds waited."""
    started = time.perf_counter()
    with httpx.Client(timeout=2, headers=headers) as client:
        while time.perf_counter() - started < START_TIMEOUT_S:
            if server.process.poll() is not None:
                raise BenchError(f"{server.name} exited while starting:\n{server.log_tail()}")
            try:
                if client.get(server.base + path).status_code == 200:
                    return time.perf_counter() - started
            except httpx.TransportError:
                pass
            time.sleep(0.01)
    raise BenchError(f"{server.name} gave no 200 on {path} in {START_TIMEOUT_S:g} s")


@contextmanager
def start_mock() -> Iterator[Server]:
    with launched("mock", mock_command()) as mock:
        wait_for(mock, "/__admin/clock")
        yield mock


def wait_listening(server: Server) -> None:
    """Wait until the server accepts connections (Prism listens once the spec is loaded)."""
    started = time.perf_counter()
    while time.perf_counter() - started < START_TIMEOUT_S:
        if server.process.poll() is not None:
            raise BenchError(f"{server.name} exited while starting:\n{server.log_tail()}")
        try:
            socket.create_connection((HOST, server.port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise BenchError(f"{server.name} did not listen in {START_TIMEOUT_S:g} s")


def rss_mib(pid: int) -> dict[str, float]:
    """VmRSS (resident now) and VmHWM (peak resident) of a process, in MiB."""
    return {key: round(kib / 1024, 1) for key, kib in resident_memory_kib(pid).items()}


# --- the mock's API -------------------------------------------------------------------------


def login(mock: Server) -> str:
    """Log in as alice; the session cookie, as a `Cookie` header value."""
    reply = httpx.post(
        mock.api + "/user/login", json={"userName": "alice", "password": "alice"}, timeout=10
    )
    if reply.status_code != 200 or COOKIE not in reply.cookies:
        raise BenchError(f"login as alice failed: {reply.status_code} {reply.text}")
    return f"{COOKIE}={reply.cookies[COOKIE]}"


def submit_body(code: str, number: int = 0) -> dict[str, Any]:
    return {
        "executionContent": {"code": code, "runType": "sql"},
        "labels": {
            "engineType": ENGINES[number % len(ENGINES)],
            "userCreator": CREATORS[number // len(ENGINES) % len(CREATORS)],
        },
    }


async def _read_reply(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One HTTP/1.1 reply with a Content-Length (as uvicorn sends JSON): status, body."""
    status_line = await reader.readline()
    length = None
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    if length is None:
        raise BenchError(f"a reply without Content-Length: {status_line!r}")
    return int(status_line.split()[1]), await reader.readexactly(length)


async def _submit_worker(
    mock: Server, cookie: str, bodies: Iterator[tuple[int, dict[str, Any]]], out: list[str]
) -> None:
    """Submits over one keep-alive connection. A bare asyncio client: httpx's AsyncClient
    takes about 3 ms of CPU a request and, not the mock, would set the pace of the load."""
    reader, writer = await asyncio.open_connection(HOST, mock.port)
    try:
        for number, body in bodies:
            data = json.dumps(body).encode()
            head = (
                f"POST {API}/entrance/submit HTTP/1.1\r\nHost: {HOST}:{mock.port}\r\n"
                f"Cookie: {cookie}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n"
            )
            writer.write(head.encode() + data)
            status, reply = await _read_reply(reader)
            if status != 200:
                raise BenchError(f"submit {number} answered {status}: {reply.decode()[:500]}")
            out[number] = json.loads(reply)["data"]["execID"]
    finally:
        writer.close()


async def _submit_all(mock: Server, cookie: str, bodies: list[dict[str, Any]]) -> list[str]:
    exec_ids = [""] * len(bodies)
    shared = iter(enumerate(bodies))
    workers = [_submit_worker(mock, cookie, shared, exec_ids) for _ in range(SUBMIT_CONCURRENCY)]
    await asyncio.gather(*workers)
    return exec_ids


def submit_all(mock: Server, cookie: str, bodies: list[dict[str, Any]]) -> list[str]:
    """Submit every body, SUBMIT_CONCURRENCY at a time; their execIDs, in order."""
    return asyncio.run(_submit_all(mock, cookie, bodies))


def job_state(mock: Server, cookie: str, exec_id: str) -> str:
    reply = httpx.get(f"{mock.api}/entrance/{exec_id}/status", headers={"Cookie": cookie})
    if reply.status_code != 200:
        raise BenchError(f"status of {exec_id} answered {reply.status_code}: {reply.text}")
    state: str = reply.json()["data"]["status"]
    return state


def wait_until_finished(mock: Server, cookie: str, exec_id: str, timeout_s: float = 60) -> None:
    started = time.monotonic()
    while (state := job_state(mock, cookie, exec_id)) != "Succeed":
        if state in ("Failed", "Cancelled", "Timeout") or time.monotonic() - started > timeout_s:
            raise BenchError(f"job {exec_id} is {state}, not Succeed")
        time.sleep(0.1)


def hold_mixed_jobs(mock: Server, cookie: str, count: int = 100) -> str:
    """`count` jobs, half finished and half running; the execID of a running one."""
    finished = count // 2
    bodies = [submit_body(f"select {n}", n) for n in range(finished)]
    bodies += [submit_body(f"{RUNNING_CODE} + {n}", n) for n in range(count - finished)]
    exec_ids = submit_all(mock, cookie, bodies)
    if finished:
        wait_until_finished(mock, cookie, exec_ids[finished - 1])
    running = exec_ids[finished]
    if job_state(mock, cookie, running) != "Running":
        raise BenchError(f"job {running} should be Running")
    return running


# --- wrk -------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: dict[str, int] = field(default_factory=dict)


TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _latency_ms(output: str, percent: int) -> float:
    found = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m|h)\s*$", output, re.MULTILINE)
    if not found:
        raise BenchError(f"no {percent}% latency in wrk's output:\n{output}")
    return round(float(found[1]) * TIME_UNITS_MS[found[2]], 3)


def parse_wrk(output: str) -> WrkResult:
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    total = re.search(r"^\s*(\d+) requests in", output, re.MULTILINE)
    if not rate or not total:
        raise BenchError(f"cannot read wrk's output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    names = ("connect", "read", "write", "timeout")
    return WrkResult(
        requests_per_s=float(rate[1]),
        p50_ms=_latency_ms(output, 50),
        p99_ms=_latency_ms(output, 99),
        requests=int(total[1]),
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors={n: int(v) for n, v in zip(names, errors.groups(), strict=True)}
        if errors
        else {},
    )


def wrk(url: str, cookie: str, seconds: int, opts: Options, call: Call = PLAIN_GET) -> WrkResult:
    """`cookie` ("" for none) and `call`'s headers go with every request."""
    headers = [*([f"Cookie: {cookie}"] if cookie else []), *call.headers]
    command = [
        "wrk",
        f"-t{opts.threads}",
        f"-c{opts.connections}",
        f"-d{seconds}s",
        "--latency",
        *(option for header in headers for option in ("-H", header)),
        *(["-s", str(wrk_script(call.method))] if call.method != "GET" else []),
        url,
    ]
    done = subprocess.run(
        command, check=False, capture_output=True, text=True, timeout=seconds + 60
    )
    if done.returncode != 0:
        raise BenchError(f"wrk failed on {url}:\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


def wrk_script(method: str) -> Path:
    """A wrk script that sends `method` with no body."""
    script = BUILD / f"wrk-{method.lower()}.lua"
    script.write_text(f'wrk.method = "{method}"\n')
    return script


def drive(
    server: Server,
    path: str,
    cookie: str,
    opts: Options,
    problems: list[str],
    *,
    call: Call = PLAIN_GET,
) -> WrkResult:
    """Warm up, then measure `path` (relative to the server's API) with wrk."""
    url = f"{server.api}/{path}"
    if opts.warmup:
        wrk(url, cookie, opts.warmup, opts, call)
    result = wrk(url, cookie, opts.seconds, opts, call)
    if server.process.poll() is not None:
        raise BenchError(f"{server.name} died under load:\n{server.log_tail()}")
    if result.non_2xx:
        problems.append(f"{server.name} answered {result.non_2xx} non-2xx on {url}")
    if any(result.socket_errors.values()):
        problems.append(f"wrk saw socket errors {result.socket_errors} from {server.name} on {url}")
    return result


# --- measurements ---------------------------------------------------------------------------


def find_prism_prefix(prism: Server, exec_id: str, cookie: str) -> str:
    """Prism serves the paths at `/` when the spec's server URL is relative: find out."""
    answers = []
    for prefix in (API, ""):
        url = f"{prism.base}{prefix}/entrance/{exec_id}/status"
        reply = httpx.get(url, headers={"Cookie": cookie}, timeout=10)
        if reply.status_code == 200:
            return prefix
        answers.append(f"{url}: {reply.status_code} {reply.text[:300]}")
    raise BenchError("Prism gives no 200 on status:\n" + "\n".join(answers))


def capture_replies(mock: Server, cookie: str, targets: list[str]) -> Path:
    """The mock's replies to `targets` as the floor app serves them (bench/floor_app.py):
    a file of path -> body and content type."""
    replies = {}
    for target in targets:
        reply = httpx.get(f"{mock.api}/{target}", headers={"Cookie": cookie}, timeout=10)
        reply.raise_for_status()
        path = urlsplit(f"{mock.api}/{target}").path
        replies[path] = {
            "body": reply.content.decode(),
            "contentType": reply.headers["content-type"],
        }
    written = BUILD / "floor-replies.json"
    written.write_text(json.dumps(replies, ensure_ascii=False))
    return written


def ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def measure_throughput(opts: Options, problems: list[str]) -> dict[str, Any]:
    with ExitStack() as stack:
        mock = stack.enter_context(start_mock())
        cookie = login(mock)
        exec_id = hold_mixed_jobs(mock, cookie)
        prism = stack.enter_context(launched("prism", prism_command()))
        targets = [f"entrance/{exec_id}/{path}" for path in ENDPOINTS.values()]
        replies = capture_replies(mock, cookie, targets)
        floor = stack.enter_context(
            launched("floor", floor_command(), {"FLOOR_REPLIES": str(replies)})
        )
        wait_for(floor, f"{API}/entrance/{exec_id}/status")
        wait_listening(prism)
        prism.prefix = find_prism_prefix(prism, exec_id, cookie)
        results: dict[str, Any] = {"execID": exec_id, "prism_prefix": prism.prefix}
        for endpoint, path in ENDPOINTS.items():
            target = f"entrance/{exec_id}/{path}"
            row = {s.name: drive(s, target, cookie, opts, problems) for s in (mock, prism, floor)}
            results[endpoint] = {name: asdict(r) for name, r in row.items()}
            rate = row["mock"].requests_per_s
            for name in RATIOS:
                other = row[name.split("/")[1]].requests_per_s
                results[endpoint][name] = ratio(rate, other)
        return results


def measure_vias(opts: Options, problems: list[str]) -> dict[str, Any]:
    """Show, list and start (seed page 004's action) on the mock holding VIAS_TASKS tasks
    of one project, and on Prism mocking openapi/vias-task.yaml."""
    with ExitStack() as stack:
        mock = replace(stack.enter_context(start_mock()), prefix=VIAS_PREFIX)
        task_ids = create_vias_tasks(mock, VIAS_TASKS)
        prism = stack.enter_context(launched("prism-vias", prism_command(VIAS_SPEC)))
        wait_listening(prism)
        prism.prefix = find_vias_prism_prefix(prism)
        results: dict[str, Any] = {"prism_prefix": prism.prefix, "tasks": VIAS_TASKS}
        shown = task_ids[len(task_ids) // 2]
        targets = {
            "show": (f"{VIAS_PROJECT}/tasks/{shown}", VIAS_CALL),
            "list": (f"{VIAS_PROJECT}/tasks", VIAS_CALL),
            "start": (
                f"{VIAS_PROJECT}/tasks/{shown}/action/start",
                replace(VIAS_CALL, method="PUT"),
            ),
        }
        for name, (target, call) in targets.items():
            row = {
                role: drive(server, target, "", opts, problems, call=call)
                for role, server in (("mock", mock), ("prism", prism))
            }
            results[name] = {
                "mock": asdict(row["mock"]),
                "prism": asdict(row["prism"]),
                "mock/prism": ratio(row["mock"].requests_per_s, row["prism"].requests_per_s),
            }
        return results


def create_vias_tasks(mock: Server, count: int) -> list[str]:
    url = f"{mock.api}/{VIAS_PROJECT}/services/{VIAS_SERVICE}/tasks"
    headers = dict(header.split(": ", 1) for header in VIAS_CALL.headers)
    task_ids = []
    with httpx.Client(headers=headers, timeout=30) as client:
        for number in range(count):
            reply = client.post(url, json={**VIAS_TASK, "name": f"bench-cam-{number}"})
            if reply.status_code != 200:
                raise BenchError(f"creating a VIAS task: {reply.status_code} {reply.text[:300]}")
            task_ids.append(reply.json()["tasks"][0]["id"])
    return task_ids


def find_vias_prism_prefix(prism: Server) -> str:
    """Prism serves a relative server URL's paths at `/`, or under it: find out."""
    headers = dict(header.split(": ", 1) for header in VIAS_CALL.headers)
    answers = []
    for prefix in (VIAS_PREFIX, ""):
        url = f"{prism.base}{prefix}/{VIAS_PROJECT}/tasks"
        reply = httpx.get(url, headers=headers, timeout=10)
        if reply.status_code == 200:
            return prefix
        answers.append(f"{url}: {reply.status_code} {reply.text[:300]}")
    raise BenchError("Prism gives no 200 on the VIAS task list:\n" + "\n".join(answers))


def measure_workers(opts: Options, problems: list[str]) -> dict[str, Any]:
    """Status and log with shared state, on SQLite then PostgreSQL: one process, then
    WORKERS processes sharing it."""
    sys.path.insert(0, str(ROOT))  # the tests' throwaway PostgreSQL server
    from tests.helpers.postgres import fresh_database, throwaway_postgres  # noqa: PLC0415

    results: dict[str, Any] = {}
    with throwaway_postgres() as server:
        for backend in ("sqlite", "postgresql"):
            for workers in (1, WORKERS):
                state = (
                    str(_fresh_file(BUILD / f"bench-workers-{workers}.db"))
                    if backend == "sqlite"
                    else fresh_database(server)
                )
                command = [*mock_command(), "--state", state, "--workers", str(workers)]
                with launched(f"mock-{backend}-{workers}", command) as mock:
                    wait_for(mock, "/__admin/clock")
                    cookie = login(mock)
                    exec_id = hold_mixed_jobs(mock, cookie)
                    results[f"{backend} {workers}"] = {
                        endpoint: asdict(
                            drive(
                                mock,
                                f"entrance/{exec_id}/{ENDPOINTS[endpoint]}",
                                cookie,
                                opts,
                                problems,
                            )
                        )
                        for endpoint in ("status", "log")
                    }
                    seconds = load_jobs(mock, cookie, STATE_SUBMITS)
                    results[f"{backend} {workers}"]["submit"] = {
                        "submits_per_s": STATE_SUBMITS / seconds
                    }
    return results


def _fresh_file(state: Path) -> Path:
    for leftover in BUILD.glob(f"{state.name}*"):
        leftover.unlink()
    return state


def proxy_command(target: str) -> list[str]:
    return [
        str(BIN / "linkis-mock"),
        "proxy",
        "--linkis-target",
        target,
        "--host",
        HOST,
        "--port",
        "{port}",
        "--log-level",
        "warning",
    ]


def measure_proxy(opts: Options, problems: list[str]) -> dict[str, Any]:
    """Status polls of one job straight to the mock and through `linkis-mock proxy` in
    front of it, one connection at a time (latency, not throughput), side by side; and
    at the usual concurrency for throughput."""
    with ExitStack() as stack:
        mock = stack.enter_context(start_mock())
        cookie = login(mock)
        exec_id = hold_mixed_jobs(mock, cookie)
        proxy = stack.enter_context(launched("proxy", proxy_command(mock.base)))
        wait_for(proxy, "/__admin/clock")
        target = f"entrance/{exec_id}/status"
        single = replace(opts, threads=1, connections=1)
        results: dict[str, Any] = {}
        for label, options in (("one_connection", single), ("concurrent", opts)):
            direct = drive(mock, target, cookie, options, problems)
            proxied = drive(proxy, target, cookie, options, problems)
            results[label] = {
                "direct": asdict(direct),
                "proxy": asdict(proxied),
                "added_p50_ms": round(proxied.p50_ms - direct.p50_ms, 3),
                "added_p99_ms": round(proxied.p99_ms - direct.p99_ms, 3),
            }
        return results


def measure_link(opts: Options, problems: list[str]) -> dict[str, Any]:
    """Replicas on PostgreSQL through a delaying relay (bench/relay.py), at a near and a far
    link, one replica and two: the link's measured round trip, submits/s and status polls/s
    over all replicas, and the round trips one submit costs on the link (counted at the
    relay, sequential submits on one connection)."""
    sys.path.insert(0, str(ROOT))  # the tests' throwaway PostgreSQL server, and the relay
    from bench.relay import Relay  # noqa: PLC0415
    from tests.helpers.postgres import fresh_database, throwaway_postgres  # noqa: PLC0415

    results: dict[str, Any] = {}
    with throwaway_postgres() as database:
        for link, delay_s in LINKS.items():
            relay = Relay(HOST, database.port, delay_s)
            port = relay.start()
            try:
                round_trip_ms = _link_round_trip_ms(
                    database.url.replace(f":{database.port}/", f":{port}/")
                )
                for replicas in (1, 2):
                    url = fresh_database(database).replace(f":{database.port}/", f":{port}/")
                    row = _replicas_over(url, replicas, relay, opts, problems)
                    results[f"{link} {replicas}"] = {"round_trip_ms": round_trip_ms, **row}
            finally:
                relay.stop()
    return results


def _link_round_trip_ms(url: str) -> float:
    """The median time of `SELECT 1` through the relay: the link's real round trip."""
    import psycopg  # noqa: PLC0415

    with psycopg.connect(url, autocommit=True) as connection:
        times = []
        for _ in range(50):
            started = time.perf_counter()
            connection.execute("SELECT 1").fetchone()
            times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def _replicas_over(
    url: str, count: int, relay: Any, opts: Options, problems: list[str]
) -> dict[str, Any]:
    with ExitStack() as stack:
        mocks = [
            stack.enter_context(launched(f"mock-link-{n}", [*mock_command(), "--state", url]))
            for n in range(count)
        ]
        for mock in mocks:
            wait_for(mock, "/__admin/ready")
        cookies = [login(mock) for mock in mocks]
        body = submit_body("select 1")
        relay.reset_count()
        with httpx.Client(headers={"Cookie": cookies[0]}, timeout=30) as client:
            for _ in range(COUNTED_SUBMITS):
                reply = client.post(mocks[0].api + "/entrance/submit", json=body)
                if reply.status_code != 200:
                    raise BenchError(f"submit over the link answered {reply.status_code}")
        round_trips = relay.round_trips / COUNTED_SUBMITS
        started = time.perf_counter()
        share = LINK_SUBMITS // count
        bodies = [submit_body(f"select {n}", n) for n in range(share)]

        async def everywhere() -> None:
            await asyncio.gather(
                *(
                    _submit_all(mock, cookie, bodies)
                    for mock, cookie in zip(mocks, cookies, strict=True)
                )
            )

        asyncio.run(everywhere())
        submits_per_s = share * count / (time.perf_counter() - started)
        exec_id = hold_mixed_jobs(mocks[0], cookies[0])
        polls = _polls_at_once(mocks, cookies, f"entrance/{exec_id}/status", opts, problems)
    return {
        "round_trips_per_submit": round(round_trips, 1),
        "submits_per_s": round(submits_per_s),
        "status_per_s": round(polls),
    }


def _polls_at_once(
    mocks: list[Server], cookies: list[str], path: str, opts: Options, problems: list[str]
) -> float:
    """Status polls on every replica at once, the connections shared out: req/s in all."""
    share = replace(opts, connections=max(1, opts.connections // len(mocks)))
    rates: list[float] = []

    def poll(mock: Server, cookie: str) -> None:
        rates.append(drive(mock, path, cookie, share, problems).requests_per_s)

    threads = [
        threading.Thread(target=poll, args=pair) for pair in zip(mocks, cookies, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(rates)


def print_link(results: dict[str, Any]) -> None:
    print("\nPostgreSQL over a delaying relay: submits/s and status req/s over all replicas")
    for label, row in results.items():
        print(
            f"  {label:<8} link round trip {row['round_trip_ms']:.2f} ms: "
            f"{row['submits_per_s']} submits/s, {row['status_per_s']} status req/s, "
            f"{row['round_trips_per_submit']} round trips a submit"
        )


def measure_startup() -> dict[str, Any]:
    seconds = []
    for _ in range(STARTS):
        with launched("mock-startup", mock_command()) as mock:
            seconds.append(round(wait_for(mock, "/__admin/clock"), 3))
    return {"median_s": statistics.median(seconds), "runs_s": seconds}


def load_jobs(mock: Server, cookie: str, count: int) -> float:
    """Submit `count` more jobs (a tenth of them running for an hour); seconds taken."""
    started = time.perf_counter()
    bodies = [
        submit_body(f"{RUNNING_CODE} as n{n}" if n % 10 == 0 else f"select {n}", n)
        for n in range(count)
    ]
    submit_all(mock, cookie, bodies)
    return time.perf_counter() - started


def count_jobs(mock: Server) -> int:
    reply = httpx.get(mock.base + "/__admin/jobs", timeout=300)
    if reply.status_code != 200:
        raise BenchError(f"GET /__admin/jobs answered {reply.status_code}")
    return len(reply.json()["jobs"])


def measure_scale(opts: Options, problems: list[str]) -> dict[str, Any]:
    """Two mocks side by side, one holding 100 jobs and one `opts.jobs`, their status
    polls alternated SCALE_ROUNDS times: the ratio of each round, so that a noisy moment
    of the machine shows as spread rather than as a figure."""
    with ExitStack() as stack:
        small_mock = stack.enter_context(start_mock())
        idle = rss_mib(small_mock.process.pid)
        large_mock = stack.enter_context(start_mock())
        paths = {}
        for mock in (small_mock, large_mock):
            cookie = login(mock)
            paths[mock.port] = (cookie, f"entrance/{hold_mixed_jobs(mock, cookie)}/status")
        small: dict[str, Any] = {"memory_mib": rss_mib(small_mock.process.pid)}
        cookie, _ = paths[large_mock.port]
        load_s = load_jobs(large_mock, cookie, opts.jobs - 100)
        large: dict[str, Any] = {"memory_mib": rss_mib(large_mock.process.pid)}
        large["load_s"] = round(load_s, 1)
        large["submits_per_s"] = round((opts.jobs - 100) / load_s)
        large["jobs_listed"] = count_jobs(large_mock)
        rounds = []
        for _ in range(SCALE_ROUNDS):
            rates = [
                drive(mock, paths[mock.port][1], paths[mock.port][0], opts, problems)
                for mock in (small_mock, large_mock)
            ]
            rounds.append([asdict(rate) for rate in rates])
        small["status"] = [pair[0] for pair in rounds]
        large["status"] = [pair[1] for pair in rounds]
    if large["jobs_listed"] != opts.jobs:
        problems.append(f"/__admin/jobs lists {large['jobs_listed']} jobs, not {opts.jobs}")
    ratios = [ratio(b["requests_per_s"], a["requests_per_s"]) for a, b in rounds]
    return {
        "idle_memory_mib": idle,
        "jobs_100": small,
        f"jobs_{opts.jobs}": large,
        "status_rate_ratios": ratios,
    }


def measure_restart(opts: Options, problems: list[str]) -> dict[str, Any]:
    """A mock with a state file takes `opts.jobs` jobs, stops (SIGTERM), and starts again
    on that file STARTS times: seconds from the start to the first 200 of a loaded job's
    status, and the memory held then."""
    state = _fresh_file(BUILD / "bench-restart.db")
    command = [*mock_command(), "--state", str(state)]
    with launched("mock-restart-load", command) as mock:
        wait_for(mock, "/__admin/clock")
        cookie = login(mock)
        exec_id = hold_mixed_jobs(mock, cookie)
        load_s = load_jobs(mock, cookie, opts.jobs - 100)
    seconds, memory = [], {}
    status = f"{API}/entrance/{exec_id}/status"
    for _ in range(STARTS):
        with launched("mock-restart", command) as mock:
            seconds.append(round(wait_for(mock, status, TOKEN_HEADERS), 3))
            memory = rss_mib(mock.process.pid)
            listed = count_jobs(mock)
        if listed != opts.jobs:
            problems.append(f"after a restart /__admin/jobs lists {listed} jobs, not {opts.jobs}")
    return {
        "jobs": opts.jobs,
        "state_file_mib": round(state.stat().st_size / 2**20, 1),
        "load_submits_per_s": round((opts.jobs - 100) / load_s),
        "median_s": statistics.median(seconds),
        "runs_s": seconds,
        "memory_mib": memory,
    }


def log_lines_read(mock: Server, cookie: str, exec_id: str, from_line: int) -> int:
    url = f"{mock.api}/entrance/{exec_id}/log"
    params = {"fromLine": from_line, "size": 1}
    reply = httpx.get(url, params=params, headers={"Cookie": cookie}, timeout=30)
    if reply.status_code != 200:
        raise BenchError(f"log of {exec_id} answered {reply.status_code}: {reply.text}")
    read: int = reply.json()["data"]["fromLine"] - from_line
    return read


def log_total(mock: Server, cookie: str, exec_id: str) -> int:
    """The number of lines of a job's log, found by bisection on one-line reads."""
    low, high = 0, 1
    while log_lines_read(mock, cookie, exec_id, high):  # then line `low` exists, `high` not
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (
            (middle, high) if log_lines_read(mock, cookie, exec_id, middle) else (low, middle)
        )
    return low


def time_requests(url: str, cookie: str, count: int) -> dict[str, float]:
    timings = []
    with httpx.Client(headers={"Cookie": cookie}, timeout=30) as client:
        for _ in range(count):
            started = time.perf_counter()
            reply = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            if reply.status_code != 200:
                raise BenchError(f"{url} answered {reply.status_code}: {reply.text[:300]}")
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 3),
        "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 3),
    }


def measure_logpage(opts: Options, problems: list[str]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with start_mock() as mock:
        cookie = login(mock)
        sizes = {"lines_100000": 100_000, "lines_100": 100}
        codes = [f"--@mock log_lines={n} duration=1\nselect 1" for n in sizes.values()]
        exec_ids = submit_all(mock, cookie, [submit_body(code) for code in codes])
        for name, exec_id in zip(sizes, exec_ids, strict=True):
            wait_until_finished(mock, cookie, exec_id)
            total = log_total(mock, cookie, exec_id)
            path = f"entrance/{exec_id}/log?fromLine={total - 99}&size=100"
            timed = time_requests(f"{mock.api}/{path}", cookie, opts.log_requests)
            wrk_result = drive(mock, path, cookie, opts, problems)
            results[name] = {"total_lines": total, **timed, "wrk": asdict(wrk_result)}
    results["median_ratio"] = ratio(
        results["lines_100000"]["median_ms"], results["lines_100"]["median_ms"]
    )
    return results


def measure_schemathesis(problems: list[str]) -> dict[str, Any]:
    command = [str(BIN / "pytest"), "-q", "contract_tests/schemathesis_runs"]
    started = time.perf_counter()
    done = subprocess.run(
        command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=1800
    )
    seconds = round(time.perf_counter() - started, 1)
    summary = (done.stdout.strip().splitlines() or [""])[-1]
    if done.returncode != 0:
        problems.append(f"the Schemathesis run failed ({summary}):\n{done.stdout[-3000:]}")
    return {"wall_s": seconds, "returncode": done.returncode, "summary": summary}


# --- report ---------------------------------------------------------------------------------


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_throughput(results: dict[str, Any], opts: Options) -> None:
    print(
        f"\nThroughput: wrk -t{opts.threads} -c{opts.connections} -d{opts.seconds}s --latency"
        f" (after {opts.warmup} s warm-up), one Running job, session cookie on every request"
    )
    header = ("endpoint", "server", "req/s", "p50 ms", "p99 ms", "non-2xx")
    print("{:<9} {:<6} {:>9} {:>8} {:>8} {:>8}  {:>10}  {:>10}".format(*header, *RATIOS))
    for endpoint in ENDPOINTS:
        for server in ("mock", "prism", "floor"):
            r = results[endpoint][server]
            ratios = [_number(results[endpoint][k], 3) if server == "mock" else "" for k in RATIOS]
            print(
                f"{endpoint:<9} {server:<6} {r['requests_per_s']:>9.1f} {r['p50_ms']:>8.2f}"
                f" {r['p99_ms']:>8.2f} {r['non_2xx']:>8}  {ratios[0]:>10}  {ratios[1]:>10}"
            )
    if results.get("prism_prefix") != API:
        print(f"(Prism serves the API at '{results.get('prism_prefix')}/', not at {API}/)")


def print_vias(results: dict[str, Any], opts: Options) -> None:
    print(
        f"\nVIAS: wrk -t{opts.threads} -c{opts.connections} -d{opts.seconds}s, the mock holding"
        f" {results['tasks']} tasks of one project, against Prism on openapi/vias-task.yaml"
        " (targets: reads at least 2x Prism, p99 under 15 ms)"
    )
    header = ("call", "server", "req/s", "p50 ms", "p99 ms", "non-2xx", "mock/prism")
    print("{:<6} {:<6} {:>9} {:>8} {:>8} {:>8}  {:>10}".format(*header))
    for call in ("show", "list", "start"):
        for server in ("mock", "prism"):
            r = results[call][server]
            versus = _number(results[call]["mock/prism"], 3) if server == "mock" else ""
            print(
                f"{call:<6} {server:<6} {r['requests_per_s']:>9.1f} {r['p50_ms']:>8.2f}"
                f" {r['p99_ms']:>8.2f} {r['non_2xx']:>8}  {versus:>10}"
            )


def print_workers(results: dict[str, Any], opts: Options) -> None:
    print(
        f"\nWith --state: SQLite, then PostgreSQL; one process, then {WORKERS} sharing it"
        f" (wrk -c{opts.connections}, same machine; target: PostgreSQL status at most 1.5x"
        " SQLite's cost)"
    )
    print("{:<14} {:<9} {:>9} {:>8} {:>8}".format("state", "endpoint", "req/s", "p50 ms", "p99 ms"))
    for label, rows in results.items():
        for endpoint, r in rows.items():
            if endpoint == "submit":
                print(f"{label:<14} {'submit':<9} {r['submits_per_s']:>9.1f}  (submits/s)")
                continue
            print(
                f"{label:<14} {endpoint:<9} {r['requests_per_s']:>9.1f} {r['p50_ms']:>8.2f}"
                f" {r['p99_ms']:>8.2f}"
            )
    sqlite, postgres = results.get("sqlite 1"), results.get("postgresql 1")
    if sqlite and postgres:
        ratio = sqlite["status"]["requests_per_s"] / postgres["status"]["requests_per_s"]
        print(f"  a status poll on PostgreSQL costs {ratio:.2f}x one on SQLite (target <= 1.5)")


def print_proxy(results: dict[str, Any]) -> None:
    print("\nProxy: status polls straight to the mock, and through linkis-mock proxy")
    print("  (target: under 2 ms added at p50, one connection)")
    for label, row in results.items():
        direct, proxied = row["direct"], row["proxy"]
        print(
            f"  {label:<15} direct p50 {direct['p50_ms']:.2f} ms p99 {direct['p99_ms']:.2f} ms"
            f" {direct['requests_per_s']:.0f} req/s | proxy p50 {proxied['p50_ms']:.2f} ms"
            f" p99 {proxied['p99_ms']:.2f} ms {proxied['requests_per_s']:.0f} req/s"
            f" | added p50 {row['added_p50_ms']:+.2f} ms, p99 {row['added_p99_ms']:+.2f} ms"
        )


def print_startup(results: dict[str, Any]) -> None:
    runs = ", ".join(f"{s:.3f}" for s in results["runs_s"])
    print(f"\nStart-up to the first 200: median {results['median_s']:.3f} s ({runs})")


def print_scale(results: dict[str, Any], opts: Options) -> None:
    small, large = results["jobs_100"], results[f"jobs_{opts.jobs}"]
    print(f"\nScale: a mock holding 100 jobs and one holding {opts.jobs}, side by side")
    print(f"  memory idle          VmRSS {results['idle_memory_mib']['VmRSS']:>8.1f} MiB")
    for label, part in (("100 jobs", small), (f"{opts.jobs} jobs", large)):
        memory = part["memory_mib"]
        rates = ", ".join(f"{r['requests_per_s']:.0f}" for r in part["status"])
        p99s = ", ".join(f"{r['p99_ms']:.1f}" for r in part["status"])
        print(
            f"  {label:<20} VmRSS {memory['VmRSS']:>8.1f} MiB (peak {memory['VmHWM']:.1f}),"
            f" status req/s {rates}; p99 ms {p99s}"
        )
    loaded, load_s = opts.jobs - 100, large["load_s"]
    print(
        f"  loading {loaded} more jobs over HTTP took {load_s:.1f} s"
        f" ({large['submits_per_s']} submits/s, target 2500);"
        f" /__admin/jobs lists {large['jobs_listed']}"
    )
    ratios = ", ".join(_number(r, 3) for r in results["status_rate_ratios"])
    print(f"  status req/s {opts.jobs} / 100 jobs, each round: {ratios} (target >= 0.9)")


def print_restart(results: dict[str, Any]) -> None:
    runs = ", ".join(f"{s:.2f}" for s in results["runs_s"])
    print(
        f"\nRestart from a state file of {results['jobs']} jobs"
        f" ({results['state_file_mib']} MiB, filled at {results['load_submits_per_s']}"
        f" submits/s): first 200 of a job's status after a median {results['median_s']:.2f} s"
        f" ({runs}; target < 2 s), VmRSS then {results['memory_mib']['VmRSS']:.1f} MiB"
    )


def print_logpage(results: dict[str, Any]) -> None:
    print("\nLog page: the last 100 lines of a finished job")
    for name in ("lines_100000", "lines_100"):
        r = results[name]
        print(
            f"  {r['total_lines']:>7} lines: median {r['median_ms']:.2f} ms,"
            f" p99 {r['p99_ms']:.2f} ms"
            f" (Python, sequential); wrk {r['wrk']['requests_per_s']:.1f} req/s,"
            f" p50 {r['wrk']['p50_ms']:.2f} ms"
        )
    print(f"  median ratio 100000 / 100 lines: {_number(results['median_ratio'], 2)}")


def print_schemathesis(results: dict[str, Any]) -> None:
    print(f"\nSchemathesis CI run: {results['wall_s']:.1f} s ({results['summary']})")


# --- main -----------------------------------------------------------------------------------


def git_commit() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], check=False, cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    # The page this run rewrites is its own output, not a change of what it measures.
    changed = git("status", "--porcelain", "--", ".", ":!docs/performance.md")
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(changed)}


def check_tools(selected: tuple[str, ...]) -> None:
    needs_wrk = {"throughput", "vias", "workers", "scale", "logpage", "proxy"} & set(selected)
    if needs_wrk and not shutil.which("wrk"):
        raise BenchError("wrk is missing: apt-get install wrk (make bench does)")
    if "throughput" in selected and not PRISM.exists():
        raise BenchError(f"{PRISM} is missing: npm ci --prefix bench (make bench does)")


def _names(text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    unknown = sorted(set(names) - set(MEASUREMENTS))
    if unknown:
        raise SystemExit(f"unknown measurement(s) {', '.join(unknown)}; known: {MEASUREMENTS}")
    return names


def parse_options(argv: list[str] | None) -> Options:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=env("BENCH_ONLY", ""), help="comma-separated")
    parser.add_argument("--skip", default=env("BENCH_SKIP", ""), help="comma-separated")
    parser.add_argument("--seconds", type=int, default=int(env("BENCH_SECONDS", "10")))
    parser.add_argument("--warmup", type=int, default=int(env("BENCH_WARMUP", "2")))
    parser.add_argument("--jobs", type=int, default=int(env("BENCH_JOBS", "100000")))
    parser.add_argument("--log-requests", type=int, default=int(env("BENCH_LOG_REQUESTS", "200")))
    args = parser.parse_args(argv)
    only, skip = _names(args.only), _names(args.skip)
    selected = tuple(m for m in MEASUREMENTS if (not only or m in only) and m not in skip)
    if args.jobs < 100:
        parser.error("--jobs must be at least 100")
    if args.log_requests < 1 or args.seconds < 1 or args.warmup < 0:
        parser.error("--log-requests and --seconds must be above 0, --warmup not below")
    return Options(args.seconds, args.warmup, 2, 32, args.jobs, args.log_requests, selected)


def run_all(opts: Options, problems: list[str]) -> dict[str, Any]:
    steps: dict[str, tuple[Callable[[], dict[str, Any]], Callable[[dict[str, Any]], None]]] = {
        "throughput": (
            lambda: measure_throughput(opts, problems),
            lambda r: print_throughput(r, opts),
        ),
        "vias": (lambda: measure_vias(opts, problems), lambda r: print_vias(r, opts)),
        "workers": (
            lambda: measure_workers(opts, problems),
            lambda r: print_workers(r, opts),
        ),
        "startup": (measure_startup, print_startup),
        "scale": (lambda: measure_scale(opts, problems), lambda r: print_scale(r, opts)),
        "restart": (lambda: measure_restart(opts, problems), print_restart),
        "logpage": (lambda: measure_logpage(opts, problems), print_logpage),
        "schemathesis": (lambda: measure_schemathesis(problems), print_schemathesis),
        "proxy": (lambda: measure_proxy(opts, problems), print_proxy),
        "link": (lambda: measure_link(opts, problems), print_link),
    }
    results: dict[str, Any] = {}
    for name in opts.selected:
        measure, report = steps[name]
        print(f"[bench] {name}...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            results[name] = measure()
        except (BenchError, httpx.HTTPError, subprocess.TimeoutExpired, OSError, EOFError) as exc:
            problems.append(f"{name}: {exc}")
            continue
        print(f"[bench] {name} took {time.perf_counter() - started:.0f} s", file=sys.stderr)
        report(results[name])
    return results


def main(argv: list[str] | None = None) -> int:
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # the report and the progress, in order
    opts = parse_options(argv)
    problems: list[str] = []
    try:
        check_tools(opts.selected)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    results = run_all(opts, problems)
    report = {
        **git_commit(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "host": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "settings": {k: v for k, v in asdict(opts).items() if k != "selected"},
        "results": results,
        "problems": problems,
    }
    BUILD.mkdir(exist_ok=True)
    RESULT_FILE.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nFigures written to {RESULT_FILE.relative_to(ROOT)}")
    if opts.selected == MEASUREMENTS:  # a partial run leaves the page to the last full one
        sys.path.insert(0, str(ROOT))
        from bench import page  # noqa: PLC0415  # bench/page.py, as a namespace package

        print(f"and the page to {page.write(report).relative_to(ROOT)}")
    for problem in problems:
        print(f"bench: could not measure cleanly: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
