"""Run the mock in your own tests: a real server on 127.0.0.1 and a free port.

    mock = start_mock(tmp_dir, "--config", "my.toml")
    try:
        alice = mock.logged_in("alice")
        ...
    finally:
        mock.stop()

The project's own tests, `make soak` and `make bench` start their servers with it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
API = "/api/rest_j/v1"
TOKEN = "LINKIS-AUTH"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class RunningMock:
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return self.base_url + API

    def client(self, **kwargs: Any) -> httpx.Client:
        client = httpx.Client(base_url=self.api_url, timeout=10, **kwargs)
        self.clients.append(client)
        return client

    def as_token(self, user: str, token: str = TOKEN) -> httpx.Client:
        return self.client(headers={"Token-Code": token, "Token-User": user})

    def logged_in(self, user: str, password: str | None = None) -> httpx.Client:
        client = self.client()
        reply = client.post("/user/login", json={"userName": user, "password": password or user})
        assert reply.json()["status"] == 0, reply.text
        return client

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        reply = httpx.request(method, f"{self.base_url}/__admin{path}", timeout=10, **kwargs)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def reset(self) -> None:
        self.admin("POST", "/reset")

    def freeze(self) -> None:
        self.admin("PUT", "/clock", json={"frozen": True})

    def advance(self, seconds: float) -> None:
        self.admin("POST", "/clock/advance", json={"seconds": seconds})

    def stop(self) -> None:
        for client in self.clients:
            client.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_mock(tmp_dir: Path, *args: str, port: int | None = None) -> RunningMock:
    """`port`: the same port again, for a restart (execIDs name the instance)."""
    port = port or free_port()
    log_path = tmp_dir / f"mock-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "linkis_mock",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                *args,
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ},
        )
    mock = RunningMock(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mock exited early:\n{log_path.read_text()}")
        try:
            if httpx.get(f"{mock.base_url}/__admin/clock", timeout=1).status_code == 200:
                return mock
        except httpx.TransportError:
            time.sleep(0.05)
    mock.stop()
    raise RuntimeError(f"mock did not start:\n{log_path.read_text()}")


def resident_memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (peak resident) of a process, in KiB (Linux)."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found
