"""Fixtures of the container image tests: podman, containers of the built image (removed
after, with their anonymous volumes), podman's Docker API for testcontainers, and the
compose project of two replicas and PostgreSQL.

They test the image `make image` built (tools/build_image.sh: the image, and the
PostgreSQL image beside it) and use podman as root with the repository's settings
(tools/podman/containers.conf, passed as CONTAINERS_CONF). Without podman, root or the
images, every test fails with a one-line reason: nothing is skipped.

Containers publish their port 8080 on 127.0.0.1 only, on a free port. LINKIS_MOCK_IMAGE
and POSTGRES_TEST_IMAGE name other images to test (make image's IMAGE and
tools/build_image.sh's POSTGRES_TEST_IMAGE).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import httpx
import pytest

from linkis_mock.testing import ADMIN, ROOT, Mock, free_port

if TYPE_CHECKING:
    from testcontainers.core.container import DockerContainer

IMAGE = os.environ.get("LINKIS_MOCK_IMAGE", "localhost/linkis-mock:dev")
POSTGRES_IMAGE = os.environ.get(
    "POSTGRES_TEST_IMAGE", "localhost/linkis-mock-test-postgres:bookworm"
)
CONTAINERS_CONF = Path(os.environ.get("CONTAINERS_CONF", ROOT / "tools/podman/containers.conf"))
COMPOSE_FILE = ROOT / "deploy" / "compose.yaml"
# The readiness probe, open to every caller (the image's HEALTHCHECK asks it too).
READY_PATH = f"{ADMIN}/ready"
COMPOSE_ADMIN_TOKEN = "compose-admin-token-3"
START_TIMEOUT_S = 30.0
USER = "10001:10001"  # the Dockerfile's USER


def fail(reason: str) -> NoReturn:
    pytest.fail(reason, pytrace=False)


@dataclass(frozen=True)
class Podman:
    """The podman command, with the repository's settings."""

    env: dict[str, str]

    def run(
        self, *args: str, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            ["podman", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            fail(f"podman {' '.join(args)} exited {result.returncode}: {result.stderr.strip()}")
        return result

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.strip()


@dataclass
class Container:
    """A container of the image, its port 8080 published on 127.0.0.1:`port`."""

    podman: Podman
    name: str
    port: int
    started: float  # time.monotonic() when `podman run` was called
    mock: Mock = field(init=False)

    def __post_init__(self) -> None:
        self.mock = Mock(f"http://127.0.0.1:{self.port}")

    def wait_ready(self) -> float:
        """Seconds from `podman run` to the first 200 of the readiness probe."""
        return wait_for_http(self.mock.base_url, self.started, self.podman, self.name)

    def inspect(self, template: str) -> str:
        return self.podman.out("inspect", "--format", template, self.name)

    def logs(self) -> str:
        result = self.podman.run("logs", self.name, check=False)
        return result.stdout + result.stderr


def wait_for_http(base_url: str, started: float, podman: Podman, name: str) -> float:
    """Waits for a 200 of `base_url`'s readiness probe; fails at once with the logs if the container
    `name` has exited. Returns the seconds since `started`."""
    deadline = started + START_TIMEOUT_S
    next_look = time.monotonic() + 1
    # One client for all the polls: httpx.get would build a TLS context (some 25 ms of
    # CPU) for each of the dozens a container's start takes.
    with httpx.Client(timeout=1) as poll:
        while time.monotonic() < deadline:
            try:
                if poll.get(base_url + READY_PATH).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            if time.monotonic() > next_look:
                next_look = time.monotonic() + 1
                state = podman.run("inspect", "--format", "{{.State.Status}}", name, check=False)
                if state.stdout.strip() not in ("running", "created", "configured"):
                    logs = podman.run("logs", name, check=False)
                    fail(f"{name} is {state.stdout.strip()}:\n{logs.stdout}{logs.stderr}")
            time.sleep(0.05)
    logs = podman.run("logs", name, check=False)
    fail(f"{name} answered no 200 in {START_TIMEOUT_S} s:\n{logs.stdout}{logs.stderr}")


def unique(purpose: str) -> str:
    return f"linkis-mock-test-{purpose}-{uuid.uuid4().hex[:8]}"


class Containers:
    """Starts containers of the image and named volumes; `remove_all` removes them."""

    def __init__(self, podman: Podman) -> None:
        self.podman = podman
        self.names: list[str] = []
        self.volumes: list[str] = []
        self.started: list[Container] = []

    def start(self, purpose: str, *command: str, options: tuple[str, ...] = ()) -> Container:
        """`podman run -d` of the image (its CMD unless `command`), not waiting for it."""
        name, port = unique(purpose), free_port()
        self.names.append(name)
        started = time.monotonic()
        # podman runs the image's HEALTHCHECK from systemd timers: with no systemd here it
        # says so on stderr, and `podman healthcheck run` runs the check on demand.
        self.podman.run(
            "run",
            "-d",
            "--name",
            name,
            "-p",
            f"127.0.0.1:{port}:8080",
            *options,
            IMAGE,
            *command,
        )
        container = Container(self.podman, name, port, started)
        self.started.append(container)
        return container

    def volume(self, purpose: str) -> str:
        name = unique(purpose)
        self.volumes.append(name)
        self.podman.out("volume", "create", name)
        return name

    def remove_all(self) -> None:
        for container in self.started:
            container.mock.stop()  # its clients
        self.started.clear()
        if self.names:
            # -v: the anonymous volume of the image's VOLUME too
            self.podman.run("rm", "-f", "-v", "-t", "0", *self.names, check=False)
        if self.volumes:
            self.podman.run("volume", "rm", "-f", *self.volumes, check=False)
        self.names.clear()
        self.volumes.clear()


@pytest.fixture(scope="session")
def podman() -> Podman:
    """podman as root with tools/podman/containers.conf, and the images `make image` built."""
    if shutil.which("podman") is None:
        fail("podman is missing: run make image (tools/install_podman.sh installs it)")
    if os.geteuid() != 0:
        fail("the image tests need root (rootful podman, as make image builds): run as root")
    tool = Podman({**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF)})
    for image in (IMAGE, POSTGRES_IMAGE):
        if tool.run("image", "exists", image, check=False).returncode != 0:
            fail(f"image {image} is missing: run make image first")
    return tool


@pytest.fixture(scope="module")
def containers(podman: Podman) -> Iterator[Containers]:
    started = Containers(podman)
    try:
        yield started
    finally:
        started.remove_all()


# ---- podman's Docker API, for testcontainers ------------------------------------------------


@pytest.fixture(scope="session")
def docker_api(podman: Podman) -> Iterator[str]:
    """`podman system service` on a unix socket in a temporary folder, as DOCKER_HOST, with
    testcontainers set for it: no Ryuk (its image cannot be pulled; the fixtures remove what
    they start) and the docker host's address as the containers' (this machine has a
    /.dockerenv, which would have testcontainers look for a gateway instead), which is
    127.0.0.1, where the tests publish ports. Yields the DOCKER_HOST URL."""
    folder = Path(tempfile.mkdtemp(prefix="linkis-mock-podman-api-"))
    socket = folder / "podman.sock"
    url = f"unix://{socket}"
    log = (folder / "service.log").open("wb")
    service = subprocess.Popen(
        ["podman", "system", "service", "--time=0", url],
        env=podman.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    variables = {
        "DOCKER_HOST": url,
        "TESTCONTAINERS_RYUK_DISABLED": "true",
        "TESTCONTAINERS_CONNECTION_MODE": "docker_host",
        "TESTCONTAINERS_HOST_OVERRIDE": "127.0.0.1",
    }
    saved = {key: os.environ.get(key) for key in variables}
    os.environ.update(variables)
    try:
        deadline = time.monotonic() + 10
        transport = httpx.HTTPTransport(uds=str(socket))
        with httpx.Client(transport=transport, base_url="http://podman") as client:
            while True:
                try:
                    if client.get("/_ping").text == "OK":
                        break
                except httpx.TransportError:
                    pass
                if service.poll() is not None or time.monotonic() > deadline:
                    fail(f"podman system service did not answer on {socket}")
                time.sleep(0.05)
        yield url
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        service.send_signal(signal.SIGTERM)
        try:
            service.wait(timeout=10)
        except subprocess.TimeoutExpired:
            service.kill()
            service.wait()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def tc_container(docker_api: str) -> Iterator[DockerContainer]:
    """The image through testcontainers' DockerContainer (its CMD), its port 8080 published
    on 127.0.0.1, ready once its readiness probe answers 200; removed after the test."""
    # Imported here, once docker_api has set the environment: testcontainers reads its
    # settings from it when it is imported.
    from testcontainers.core.config import (  # noqa: PLC0415
        ConnectionMode,
        testcontainers_config,
    )
    from testcontainers.core.container import DockerContainer  # noqa: PLC0415
    from testcontainers.core.wait_strategies import HttpWaitStrategy  # noqa: PLC0415

    assert testcontainers_config.ryuk_disabled
    assert testcontainers_config.connection_mode_override == ConnectionMode.docker_host
    container = DockerContainer(IMAGE).with_name(unique("testcontainers"))
    # testcontainers types a binding as a host port alone; the Docker API (docker-py) takes
    # an (address, port) pair too, which keeps it on 127.0.0.1.
    bindings: dict[str, object] = container.ports  # type: ignore[assignment]
    bindings["8080/tcp"] = ("127.0.0.1", free_port())
    container.waiting_for(
        HttpWaitStrategy(8080, READY_PATH)
        .for_status_code(200)
        .with_poll_interval(0.05)
        .with_startup_timeout(int(START_TIMEOUT_S))
    )
    with container:
        yield container


# ---- the compose project ---------------------------------------------------------------------


@dataclass(frozen=True)
class ComposeProject:
    name: str
    replicas: tuple[Mock, Mock]
    containers: tuple[str, str]  # the replicas' containers


class ComposeStart:
    """deploy/compose.yaml brought up with podman-compose (Debian's 1.0.3) in a thread of its
    own, while the other tests run: on this image and the local PostgreSQL image, each
    replica on a free port of 127.0.0.1.

    podman-compose 1.0.3 orders the start by depends_on but does not wait for a
    `condition: service_healthy`, and no podman health check runs by itself here (no
    systemd): the database is started first and its health check run until healthy, as
    docker compose would before it starts the replicas."""

    def __init__(self, podman: Podman) -> None:
        self.podman = podman
        self.project = unique("compose")
        self.ports = (free_port(), free_port())
        self.env = {
            "LINKIS_MOCK_IMAGE": IMAGE,
            "POSTGRES_IMAGE": POSTGRES_IMAGE,
            "LINKIS_MOCK_PORT_1": str(self.ports[0]),
            "LINKIS_MOCK_PORT_2": str(self.ports[1]),
            "LINKIS_MOCK_ADMIN_TOKEN": COMPOSE_ADMIN_TOKEN,
        }
        self.replicas = (
            Mock(f"http://127.0.0.1:{self.ports[0]}", admin_token=COMPOSE_ADMIN_TOKEN),
            Mock(f"http://127.0.0.1:{self.ports[1]}", admin_token=COMPOSE_ADMIN_TOKEN),
        )
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._up, name=self.project, daemon=True)

    def _up(self) -> None:
        try:
            started = time.monotonic()
            self.compose("up", "-d", "db")
            db = self.container("db")
            deadline = time.monotonic() + START_TIMEOUT_S
            while self.podman.run("healthcheck", "run", db, check=False).returncode != 0:
                if time.monotonic() > deadline:
                    fail(f"{db} is not healthy after {START_TIMEOUT_S} s")
                time.sleep(0.2)
            self.compose("up", "-d")
            for number, replica in enumerate(self.replicas, start=1):
                name = self.container(f"mock-{number}")
                wait_for_http(replica.base_url, started, self.podman, name)
        except BaseException as error:  # pytest.fail's too: raised again in the test
            self.error = error

    def project_up(self) -> ComposeProject:
        self.thread.join(timeout=3 * START_TIMEOUT_S)
        if self.thread.is_alive():
            fail(f"compose project {self.project} is still starting")
        if self.error is not None:
            raise self.error
        return ComposeProject(
            self.project, self.replicas, (self.container("mock-1"), self.container("mock-2"))
        )

    def compose(self, *args: str) -> str:
        result = subprocess.run(
            ["podman-compose", "-f", str(COMPOSE_FILE), "-p", self.project, *args],
            env={**self.podman.env, **self.env},
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if result.returncode != 0:
            fail(f"podman-compose {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
        return result.stdout

    def container(self, service: str) -> str:
        names = self.podman.out(
            "ps",
            "-a",
            "--filter",
            f"label=io.podman.compose.project={self.project}",
            "--filter",
            f"label=com.docker.compose.service={service}",
            "--format",
            "{{.Names}}",
        ).split()
        if len(names) != 1:
            fail(f"compose project {self.project}: service {service} has containers {names}")
        return names[0]

    def down(self) -> None:
        self.thread.join(timeout=3 * START_TIMEOUT_S)
        for replica in self.replicas:
            replica.stop()  # its clients
        remove_project(self.podman, self.project, self.env)


@pytest.fixture(scope="module")
def compose_started(podman: Podman) -> Iterator[ComposeStart]:
    """The compose project, starting (ask for it early: see compose_project); down after."""
    if shutil.which("podman-compose") is None:
        fail("podman-compose is missing: run make image (tools/install_podman.sh installs it)")
    start = ComposeStart(podman)
    start.thread.start()
    try:
        yield start
    finally:
        start.down()


@pytest.fixture(scope="module")
def compose_project(compose_started: ComposeStart) -> ComposeProject:
    """The compose project once both replicas answer."""
    return compose_started.project_up()


def remove_project(podman: Podman, project: str, env: dict[str, str]) -> None:
    """`down -v`, and what podman-compose 1.0.3 leaves behind: the containers' anonymous
    volumes (the image's VOLUME) and the project's network."""
    label = f"label=io.podman.compose.project={project}"
    ids = podman.run("ps", "-aq", "--filter", label, check=False).stdout.split()
    anonymous = (
        podman.run(
            "inspect", "--format", "{{range .Mounts}}{{.Name}} {{end}}", *ids, check=False
        ).stdout.split()
        if ids
        else []
    )
    subprocess.run(
        ["podman-compose", "-f", str(COMPOSE_FILE), "-p", project, "down", "-v"],
        env={**podman.env, **env},
        capture_output=True,
        timeout=180,
        check=False,
    )
    left = podman.run("ps", "-aq", "--filter", label, check=False).stdout.split()
    if left:
        podman.run("rm", "-f", "-v", "-t", "0", *left, check=False)
    if anonymous:
        podman.run("volume", "rm", "-f", *anonymous, check=False)
    volumes = podman.run("volume", "ls", "-q", "--filter", label, check=False).stdout.split()
    if volumes:
        podman.run("volume", "rm", "-f", *volumes, check=False)
    podman.run("network", "rm", "-f", f"{project}_default", check=False)
