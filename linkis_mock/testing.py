"""Run the mock in your own tests, three ways, each with the same helpers:

    mock = in_process()                 # no socket: httpx clients call the app directly
    mock = serve_in_thread()            # a real server on 127.0.0.1 and a free port
    mock = start_mock(tmp_dir, "--config", "my.toml")   # `linkis-mock serve`, a process
    try:
        alice = mock.logged_in("alice")
        ...
    finally:
        mock.stop()

In-process is the fastest; a thread gives a real socket (browsers, other processes,
raw HTTP); a process is for what needs one (signals, kill -9, workers, the CLI). The
project's own tests, `make soak` and `make bench` use these.
"""

from __future__ import annotations

import functools
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, MutableMapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import anyio.from_thread
import httpx
import uvicorn

from linkis_mock.apis import base_paths
from linkis_mock.app import MockApp, create_app
from linkis_mock.config import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
API = base_paths()["linkis"]
ADMIN = base_paths()["admin"]
VIAS = base_paths()["vias"]
TOKEN = "LINKIS-AUTH"
# The default config's VIAS token and the project it is bound to ([vias.tokens]).
VIAS_TOKEN = "vias-dev-token"
VIAS_PROJECT = "0123456789abcdef0123456789abcdef"
START_TIMEOUT_S = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@functools.cache
def default_tls_context() -> ssl.SSLContext:
    """The TLS context httpx would make for a client, made once: httpx makes one for each
    client it builds (loading the CA bundle, some 25 ms of CPU), and tests build hundreds.
    A client given its own `verify` keeps it."""
    return httpx.create_ssl_context()


@dataclass
class Mock:
    """A running mock and clients for it; `stop` ends both."""

    base_url: str
    transport: httpx.BaseTransport | None = None  # None: over the network
    admin_token: str | None = None  # the admin API's, if the mock has one
    clients: list[httpx.Client] = field(default_factory=list)
    on_stop: list[Callable[[], None]] = field(default_factory=list)
    _http: httpx.Client | None = None

    @property
    def api_url(self) -> str:
        return self.base_url + API

    @property
    def http(self) -> httpx.Client:
        """A client for absolute URLs (`mock.http.get(mock.api_url + "/...")`) that keeps
        no cookies: each request carries only what it is given, as with `httpx.get`."""
        if self._http is None:
            client = self._client(timeout=10)
            client.event_hooks["response"].append(lambda _: client.cookies.clear())
            self._http = client
        return self._http

    def client(self, base_path: str = API, **kwargs: Any) -> httpx.Client:
        """A client of one API, the Linkis one by default (paths relative to its base)."""
        return self._client(base_url=self.base_url + base_path, **{"timeout": 10, **kwargs})

    def async_client(self, base_path: str = API, **kwargs: Any) -> httpx.AsyncClient:
        """An asyncio client of one API, for many requests at once (close it yourself)."""
        return httpx.AsyncClient(
            base_url=self.base_url + base_path,
            **{"timeout": 30, "verify": default_tls_context(), **kwargs},
        )

    def as_token(self, user: str, token: str = TOKEN) -> httpx.Client:
        return self.client(headers={"Token-Code": token, "Token-User": user})

    def logged_in(self, user: str, password: str | None = None) -> httpx.Client:
        client = self.client()
        reply = client.post("/user/login", json={"userName": user, "password": password or user})
        assert reply.json()["status"] == 0, reply.text
        return client

    @property
    def vias_url(self) -> str:
        """The VIAS API's root; its paths go on with a project id."""
        return self.base_url + VIAS

    def vias(self, token: str = VIAS_TOKEN, project: str = VIAS_PROJECT) -> httpx.Client:
        """A client of one VIAS project (paths relative to it: `/tasks`), with its token."""
        return self.client(f"{VIAS}/{project}", headers={"X-Auth-Token": token})

    @property
    def admin_url(self) -> str:
        return self.base_url + ADMIN

    @property
    def admin_headers(self) -> dict[str, str]:
        """What an admin request carries: the admin token, if the mock has one."""
        return {} if self.admin_token is None else {"Authorization": f"Bearer {self.admin_token}"}

    def admin_request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """An admin request (`path` under the admin root) with the admin token."""
        headers = {**self.admin_headers, **kwargs.pop("headers", {})}
        return self.http.request(method, f"{self.admin_url}{path}", headers=headers, **kwargs)

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        reply = self.admin_request(method, path, **kwargs)
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
        self.clients.clear()
        self._http = None
        for step in reversed(self.on_stop):
            step()
        self.on_stop.clear()

    def _client(self, **kwargs: Any) -> httpx.Client:
        client = httpx.Client(
            transport=self.transport, **{"verify": default_tls_context(), **kwargs}
        )
        self.clients.append(client)
        return client


# ---- in-process -------------------------------------------------------------------------


class InProcessTransport(httpx.BaseTransport):
    """httpx's ASGI transport, run on an event loop of its own in a thread, so that
    plain (synchronous) httpx clients can call the app without a socket."""

    def __init__(self, app: MockApp, portal: anyio.from_thread.BlockingPortal) -> None:
        self._asgi = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        self._portal = portal

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        forwarded = httpx.Request(
            request.method, request.url, headers=request.headers, content=body
        )
        try:
            reply = self._portal.call(self._asgi.handle_async_request, forwarded)
        except Exception as exc:  # what escapes the app: a server would cut the connection
            raise httpx.RemoteProtocolError(f"the app broke off: {exc!r}", request=request) from exc
        content = self._portal.call(reply.aread)
        return httpx.Response(reply.status_code, headers=reply.headers, content=content)


def in_process(settings: Settings | None = None, **options: Any) -> LocalMock:
    """A mock called without a socket; `options` go to create_app."""
    settings = settings or load_settings()
    app = create_app(settings, **options)
    portal_cm = anyio.from_thread.start_blocking_portal()
    portal = portal_cm.__enter__()
    lifespan = _Lifespan(app, portal)
    mock = LocalMock(
        f"http://{settings.sim.instance}",
        InProcessTransport(app, portal),
        admin_token=settings.admin.token,
        app=app,
    )
    mock.on_stop.append(lambda: _exit(portal_cm))
    mock.on_stop.append(lifespan.shut_down)
    return mock


@dataclass(kw_only=True)
class LocalMock(Mock):
    """A mock whose app runs in this process (called directly, or served from a thread):
    `app.context` holds its simulator, journal and fault rules."""

    app: MockApp

    def async_client(self, base_path: str = API, **kwargs: Any) -> httpx.AsyncClient:
        if self.transport is None:  # served: over the socket
            return super().async_client(base_path, **kwargs)
        transport = httpx.ASGITransport(app=self.app, client=("127.0.0.1", 50000))
        return super().async_client(base_path, transport=transport, **kwargs)


def _exit(context: AbstractContextManager[Any]) -> None:
    context.__exit__(None, None, None)


class _Lifespan:
    """Runs the app's lifespan (startup now, shutdown at stop) on the portal's loop."""

    def __init__(self, app: MockApp, portal: anyio.from_thread.BlockingPortal) -> None:
        send, receive = anyio.create_memory_object_stream[dict[str, Any]](4)
        answers_in, answers_out = anyio.create_memory_object_stream[dict[str, Any]](4)
        self._to_app, self._from_app = send, answers_out
        self._portal = portal

        async def run() -> None:
            async def app_receive() -> dict[str, Any]:
                return await receive.receive()

            async def app_send(message: MutableMapping[str, Any]) -> None:
                await answers_in.send(dict(message))

            await app({"type": "lifespan", "asgi": {"version": "3.0"}}, app_receive, app_send)

        self._task = portal.start_task_soon(run)
        self._exchange("lifespan.startup")

    def shut_down(self) -> None:
        self._exchange("lifespan.shutdown")
        self._task.result(timeout=10)

    def _exchange(self, message_type: str) -> None:
        self._portal.call(self._to_app.send, {"type": message_type})
        answer = self._portal.call(self._from_app.receive)
        assert answer["type"].endswith(".complete"), answer


# ---- a server thread --------------------------------------------------------------------


def serve_in_thread(
    settings: Settings | None = None, *, port: int | None = None, **options: Any
) -> LocalMock:
    """A mock served by uvicorn on 127.0.0.1 in a thread of this process."""
    port = port or free_port()
    settings = settings or load_settings(port=port)
    app = create_app(settings, **options)
    mock = LocalMock(f"http://127.0.0.1:{port}", admin_token=settings.admin.token, app=app)
    mock.on_stop.append(serve_asgi_in_thread(app, port))
    return mock


def proxy_of(
    linkis: str | None,
    vias: str | None = None,
    *,
    served: bool = False,
    record: bool = False,
    admin_token: str | None = None,
    **keys: Any,
) -> LocalMock:
    """`linkis-mock proxy` in front of the Linkis and VIAS servers at these base URLs:
    called in process, or `served` on a socket from a thread (for replies read as they
    stream, or clients outside the process); `admin_token`: its admin API's;
    `keys`: more `[proxy]` settings."""
    targets = {"linkis_target": linkis, "vias_target": vias, **keys}
    if not served:
        settings = load_settings(proxy=targets, admin_token=admin_token)
        return in_process(settings, record=record)
    port = free_port()
    settings = load_settings(port=port, proxy=targets, admin_token=admin_token)
    return serve_in_thread(settings, port=port, record=record)


def serve_asgi_in_thread(app: Any, port: int) -> Callable[[], None]:
    """Any ASGI app served by uvicorn on 127.0.0.1:`port` in a thread; returns its stop."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"linkis-mock-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"nothing started on port {port}")
        time.sleep(0.01)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=15)

    return stop


# ---- a process ----------------------------------------------------------------------------


@dataclass(kw_only=True)
class RunningMock(Mock):
    """`linkis-mock serve` in a process of its own."""

    process: subprocess.Popen[bytes]
    log_path: Path


def start_mock(
    tmp_dir: Path,
    *args: str,
    port: int | None = None,
    command: str = "serve",
    admin_token: str | None = None,
) -> RunningMock:
    """`port`: the same port again, for a restart (execIDs name the instance);
    `command`: `serve`, or `proxy` (then `args` name its targets); `admin_token`: serve
    the admin API with this token (`--admin-token`), which the helpers then send."""
    port = port or free_port()
    if admin_token is not None:
        args = (*args, "--admin-token", admin_token)
    log_path = tmp_dir / f"mock-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "linkis_mock",
                command,
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                *args,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ},
        )
    mock = RunningMock(
        f"http://127.0.0.1:{port}", admin_token=admin_token, process=process, log_path=log_path
    )
    mock.on_stop.append(lambda: terminate(process))
    deadline = time.monotonic() + START_TIMEOUT_S
    # One client for all the polls: httpx.get would make a client, and its TLS context
    # (some 25 ms of CPU), for each of the dozens of polls a start takes.
    with httpx.Client(timeout=1, verify=default_tls_context()) as poll:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"mock exited early:\n{log_path.read_text()}")
            try:
                if poll.get(f"{mock.base_url}{ADMIN}/ready").status_code == 200:
                    return mock
            except httpx.TransportError:
                pass  # not listening yet
            # Also after an answer that is not ready yet (a database still away): a poll
            # at once would spin, taking the CPU from the server that is starting.
            time.sleep(0.05)
    mock.stop()
    raise RuntimeError(f"mock did not start:\n{log_path.read_text()}")


def terminate(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, and SIGKILL if it has not ended within 10 s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def resident_memory_kib(pid: int) -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (peak resident) of a process, in KiB (Linux)."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found
