"""The container image as users run it, with podman: a job from login to its result, a
state volume across a stop and a new container, a user that is not root, SIGTERM, the
configuration by variable and by mounted file, the HEALTHCHECK, testcontainers through
podman's Docker API, and deploy/compose.yaml's two replicas on PostgreSQL.

The admin plane's rules (issue 25) hold through a container bound beyond loopback: a
token made and printed at start, one given, and a plane opened on purpose.

`make image` builds the images first (tools/build_image.sh); see conftest.py. Expected
values are the Linkis API's (openapi/linkis-entrance.yaml).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
import pytest

from linkis_mock.testing import API, TOKEN, Mock
from tests.helpers.linkis import (
    APP,
    KILL_OK,
    LOGIN_OK,
    check,
    history_of,
    ok,
    state_of,
    submit,
    submit_body,
)
from tests.image.conftest import USER, ComposeProject, Container, Containers, Podman

if TYPE_CHECKING:
    from testcontainers.core.container import DockerContainer

# The compose project starts first, in the background, and is up by the time its test runs.
pytestmark = [pytest.mark.runs_long, pytest.mark.usefixtures("compose_started")]

# The job of the README's quick start: `select 1` on Spark 2.4.3 from hadoop's IDE.
JOB = submit_body("select 1", "spark-2.4.3", "hadoop-IDE")
LONG_CODE = "--@mock duration=600\nselect 1"  # Running for ten minutes once scheduled
EXEC_ID = re.compile(rf"^exec_id(?P<app>\d{{3}})(?P<instance>\d{{3}}){APP}(?P<rest>.+)$")
USER_INFO_OK = "get user information succeed!"
WRONG_PASSWORD = "wrong user name or password(用户名或密码错误)！"
STATE_ARGS = ("serve", "--host", "0.0.0.0", "--port", "8080")
STATE_FILE = "/var/lib/linkis-mock/mock.db"
ADMIN_TOKEN = "image-admin-token-9"
MADE_TOKEN = re.compile(r"the admin API needs 'Authorization: Bearer ([A-Za-z0-9_-]{43})'")
CONFIG_IN_CONTAINER = "/etc/linkis-mock/mock.toml"
CONFIG = """\
[[users]]
name = "hadoop"
password = "hadoop"
admin = true

[[users]]
name = "carol"
password = "c4rol-secret"
"""


def short_exec_id(exec_id: str, instance: str | None = None) -> str:
    """The short id of an execID (docs/reference/linkis-entrance.md §3.2: `exec_id` + the
    lengths of the application and the instance in 3 digits each + both + the short id),
    checked to be of that form."""
    match = EXEC_ID.match(exec_id)
    assert match, exec_id
    assert int(match["app"]) == len(APP), exec_id
    length = int(match["instance"])
    if instance is not None:
        assert match["rest"][:length] == instance, exec_id
    return match["rest"][length:]


def wait_for_state(client: httpx.Client, exec_id: str, wanted: str, seconds: float) -> list[str]:
    """Polls the job's status until `wanted`; returns the states seen, in order, once each."""
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = state_of(client, exec_id)
        if not seen or seen[-1] != state:
            seen.append(state)
        if state == wanted:
            return seen
        time.sleep(0.1)
    pytest.fail(f"{exec_id} still not {wanted} after {seconds} s: {seen}")


def log_in(mock: Mock, user: str, password: str) -> httpx.Client:
    client = mock.client()
    reply = client.post("/user/login", json={"userName": user, "password": password})
    data = check(reply, status=0, message=LOGIN_OK, method=None)
    assert data["userName"] == user, data
    return client


# ---- the image as it is, and configured -------------------------------------------------------


@dataclass(frozen=True)
class Served:
    default: Container  # the image's own CMD
    configured: Container  # LINKIS_MOCK_* variables and a mounted --config file
    opened: Container  # the admin plane opened on purpose
    default_ready_s: float


@pytest.fixture(scope="module")
def served(containers: Containers, tmp_path_factory: pytest.TempPathFactory) -> Served:
    """All started before any is waited for."""
    config = tmp_path_factory.mktemp("config") / "mock.toml"
    config.write_text(CONFIG)
    config.chmod(0o644)
    default = containers.start("default")
    configured = containers.start(
        "configured",
        *STATE_ARGS,
        "--config",
        CONFIG_IN_CONTAINER,
        options=(
            "-e",
            'LINKIS_MOCK_AUTH__TOKENS=["T1"]',
            "-e",
            f"LINKIS_MOCK_ADMIN__TOKEN={ADMIN_TOKEN}",
            "-v",
            f"{config}:{CONFIG_IN_CONTAINER}:ro",
        ),
    )
    opened = containers.start("opened", options=("-e", "LINKIS_MOCK_ADMIN__OPEN=true"))
    ready_s = default.wait_ready()
    configured.wait_ready()
    opened.wait_ready()
    return Served(default, configured, opened, ready_s)


def test_a_job_runs_from_login_to_its_result(served: Served) -> None:
    mock = served.default.mock
    client = log_in(mock, "hadoop", "hadoop")
    data = ok(client.post("/entrance/submit", json=JOB), "/api/entrance/submit")
    exec_id, task_id = data["execID"], data["taskID"]
    assert isinstance(task_id, int) and task_id > 0, data
    assert re.fullmatch(r"IDE_hadoop_spark_\d+", short_exec_id(exec_id)), exec_id

    seen = wait_for_state(client, exec_id, "Succeed", seconds=15)
    assert set(seen) <= {"Inited", "Scheduled", "Running", "Succeed"}, seen

    task = history_of(client, task_id)
    assert task["taskID"] == task_id
    assert task["status"] == "Succeed"
    assert task["strongerExecId"] == exec_id
    assert task["umUser"] == "hadoop"
    location = task["resultLocation"]
    assert isinstance(location, str) and location.endswith(f"/{task_id}"), task

    reply = client.get("/filesystem/getDirFileTrees", params={"path": location})
    tree = ok(reply, "/api/filesystem/getDirFileTrees")["dirFileTrees"]
    assert tree["path"] == location and tree["isLeaf"] is False, tree
    files = [child for child in tree["children"] if child["isLeaf"]]
    assert files, tree
    assert all(child["parentPath"] == location for child in files), tree

    reply = client.get("/filesystem/openFile", params={"path": files[0]["path"]})
    table = ok(reply, "/api/filesystem/openFile")
    columns = [column["columnName"] for column in table["metadata"]]
    rows = table["fileContent"]
    assert columns and rows, table
    assert table["type"] == "2"  # a table result set
    assert table["totalLine"] == len(rows)
    assert table["totalColumn"] == len(columns)
    assert all(len(row) == len(columns) for row in rows), rows
    assert all(isinstance(value, str) for row in rows for value in row), rows


def test_it_serves_within_seconds_of_podman_run(served: Served) -> None:
    assert served.default_ready_s < 10, f"first 200 after {served.default_ready_s:.1f} s"


def test_its_process_is_not_root(served: Served) -> None:
    container = served.default
    assert container.inspect("{{.Config.User}}") == USER
    assert container.podman.out("exec", container.name, "id", "-u") == "10001"
    # tini, PID 1, and the server, its child (exec form: no shell in between)

    def read(path: str) -> str:
        return container.podman.out("exec", container.name, "cat", path)

    assert read("/proc/1/cmdline").split("\0")[:3] == ["tini", "--", "linkis-mock"]
    server = read("/proc/1/task/1/children").split()[0]
    assert read(f"/proc/{server}/cmdline").split("\0")[1].endswith("/linkis-mock")
    for pid in ("1", server):
        status = read(f"/proc/{pid}/status")
        uids = next(line.split()[1:] for line in status.splitlines() if line.startswith("Uid:"))
        assert uids == ["10001"] * 4, status


def test_the_healthcheck_asks_the_ready_probe(served: Served) -> None:
    """podman runs HEALTHCHECKs only on demand here (no systemd for its timers)."""
    container = served.default
    test = container.inspect("{{json .Config.Healthcheck.Test}}")
    assert "http://127.0.0.1:8080/__admin/ready" in test, test
    result = container.podman.run("healthcheck", "run", container.name, check=False)
    assert result.returncode == 0, (result.stdout, result.stderr, container.logs()[-2000:])
    assert container.inspect("{{.State.Health.Status}}") == "healthy"


def test_a_variable_sets_the_tokens(served: Served) -> None:
    mock = served.configured.mock
    reply = mock.as_token("alice", token="T1").get("/user/userInfo")
    assert ok(reply, None, USER_INFO_OK) == {"userName": "alice"}
    # LINKIS_MOCK_AUTH__TOKENS replaced the default list, LINKIS-AUTH with it
    check(
        mock.as_token("alice").get("/user/userInfo"),
        status=-1,
        message=f"未授权的token{TOKEN}，无法将请求绑定给tokenUseralice!",
        method=f"{API}/user/userInfo",
        data={},
        http=401,
    )


def test_a_mounted_config_file_sets_the_users(served: Served) -> None:
    mock = served.configured.mock
    carol = log_in(mock, "carol", "c4rol-secret")
    assert ok(carol.get("/user/userInfo"), None, USER_INFO_OK) == {"userName": "carol"}
    # the file's [[users]] replaced the default ones, alice with them
    reply = mock.client().post("/user/login", json={"userName": "alice", "password": "alice"})
    check(reply, status=1, message=WRONG_PASSWORD, method=None)


# ---- the admin plane beyond loopback ----------------------------------------------------------


def test_with_no_token_set_the_image_makes_one_prints_it_once_and_requires_it(
    served: Served,
) -> None:
    container = served.default
    made = MADE_TOKEN.findall(container.logs())
    assert len(made) == 1, container.logs()[-2000:]
    mock = container.mock
    refused = mock.http.get(mock.admin_url + "/jobs")
    assert refused.status_code == 401, refused.text
    assert refused.headers["www-authenticate"].startswith("Bearer")
    assert mock.http.post(mock.admin_url + "/reset").status_code == 401
    mock.admin_token = made[0]
    assert isinstance(mock.admin("GET", "/jobs")["jobs"], list)
    for probe in ("/health", "/ready"):  # open to the orchestrator
        assert mock.http.get(mock.admin_url + probe).status_code == 200


def test_a_token_given_by_variable_is_the_one_required(served: Served) -> None:
    container = served.configured
    assert MADE_TOKEN.findall(container.logs()) == []
    assert ADMIN_TOKEN not in container.logs()
    mock = container.mock
    wrong = mock.http.get(mock.admin_url + "/clock", headers={"Authorization": "Bearer x"})
    assert wrong.status_code == 401
    mock.admin_token = ADMIN_TOKEN
    carol = log_in(mock, "carol", "c4rol-secret")
    ticket = carol.cookies["linkis_user_session_ticket_id_v1"]
    sessions = mock.admin("GET", "/snapshot")["sessions"]
    assert ticket in [s["ticket"] for s in sessions]  # the token's holder sees tickets
    # A page on another site cannot make a browser change state, token or not.
    foreign = {**mock.admin_headers, "Origin": "https://evil.example"}
    assert mock.http.post(mock.admin_url + "/reset", headers=foreign).status_code == 403
    assert mock.admin("GET", "/snapshot")["sessions"] != []


def test_a_plane_opened_on_purpose_is_warned_of_and_shows_no_ticket(served: Served) -> None:
    container = served.opened
    assert "the admin API is open to anyone who can reach 0.0.0.0:8080" in container.logs()
    mock = container.mock
    client = log_in(mock, "hadoop", "hadoop")
    assert mock.http.get(mock.admin_url + "/jobs").status_code == 200
    snapshot = mock.http.get(mock.admin_url + "/snapshot")
    assert snapshot.json()["sessions"] == []
    assert client.cookies["linkis_user_session_ticket_id_v1"] not in snapshot.text


# ---- a state volume across a stop, and SIGTERM ----------------------------------------------


@dataclass(frozen=True)
class Restart:
    stop_s: float  # `podman stop -t 10` of the first container
    exit_code: int
    exec_id: str
    task_id: int
    cookies: dict[str, str]
    second: Container  # a new container on the same volume


@pytest.fixture(scope="module")
def restart(containers: Containers) -> Restart:
    volume = containers.volume("state")
    options = ("-v", f"{volume}:/var/lib/linkis-mock")
    first = containers.start("state-1", *STATE_ARGS, "--state", STATE_FILE, options=options)
    first.wait_ready()
    client = log_in(first.mock, "hadoop", "hadoop")
    exec_id, task_id = submit(client, LONG_CODE, user_creator="hadoop-IDE")
    cookies = dict(client.cookies)
    started = time.monotonic()
    first.podman.out("stop", "-t", "10", first.name)
    stop_s = time.monotonic() - started
    exit_code = int(first.inspect("{{.State.ExitCode}}"))
    second = containers.start("state-2", *STATE_ARGS, "--state", STATE_FILE, options=options)
    second.wait_ready()
    return Restart(stop_s, exit_code, exec_id, task_id, cookies, second)


def test_sigterm_ends_it_cleanly_within_10_s(restart: Restart) -> None:
    """`podman stop -t 10` sends the image's STOPSIGNAL, SIGTERM, to PID 1, tini, which
    passes it on to linkis-mock. uvicorn's handler shuts the server down (requests finish,
    the app's shutdown saves the state), then raises SIGTERM again for the handler it
    found, the command's own, which exits with 143 (128 + 15); tini exits with its child's
    status. 137 would be podman's SIGKILL after 10 s."""
    assert restart.stop_s < 10, f"podman stop took {restart.stop_s:.1f} s"
    assert restart.exit_code == 143


def test_a_sigterm_while_it_starts_ends_it_at_once_too(containers: Containers) -> None:
    """Before uvicorn's handler is in place (Python starting, the app being built) the
    signal ends the server at once: it is not PID 1 (tini is), so no signal is ignored
    for want of a handler, and podman does not wait its 10 s to kill it (137)."""
    container = containers.start("early-stop")
    started = time.monotonic()
    container.podman.out("stop", "-t", "10", container.name)
    stop_s = time.monotonic() - started
    exit_code = int(container.inspect("{{.State.ExitCode}}"))
    assert stop_s < 5, f"podman stop took {stop_s:.1f} s (exit {exit_code})"
    assert exit_code == 143, exit_code


def test_a_state_volume_keeps_jobs_and_sessions_across_containers(restart: Restart) -> None:
    mock = restart.second.mock
    client = mock.client(cookies=restart.cookies)  # the first container's session cookie
    assert ok(client.get("/user/userInfo"), None, USER_INFO_OK) == {"userName": "hadoop"}
    wait_for_state(client, restart.exec_id, "Running", seconds=10)
    task = history_of(client, restart.task_id)
    assert task["strongerExecId"] == restart.exec_id
    assert task["status"] == "Running"
    # the id counters went on too
    _, task_id = submit(client, "select 2", user_creator="hadoop-IDE")
    assert task_id == restart.task_id + 1


# ---- testcontainers, through podman's Docker API ----------------------------------------------


def test_testcontainers_drives_the_image(tc_container: DockerContainer) -> None:
    host = tc_container.get_container_host_ip()
    port = tc_container.get_exposed_port(8080)
    assert host == "127.0.0.1"
    attrs = tc_container.get_wrapped_container().attrs
    assert attrs["Config"]["User"] == USER
    assert attrs["HostConfig"]["PortBindings"]["8080/tcp"] == [
        {"HostIp": "127.0.0.1", "HostPort": str(port)}
    ]
    mock = Mock(f"http://{host}:{port}")
    try:
        client = mock.as_token("hadoop")
        exec_id, _ = submit(client, user_creator="hadoop-IDE")
        assert state_of(client, exec_id) in {"Inited", "Scheduled", "Running", "Succeed"}
    finally:
        mock.stop()


# ---- deploy/compose.yaml: two replicas on PostgreSQL ------------------------------------------


def test_replicas_share_a_job_through_postgresql(compose_project: ComposeProject) -> None:
    one, two = compose_project.replicas
    for replica in (one, two):  # both take the admin token compose gives them
        bare = replica.http.get(replica.admin_url + "/jobs")
        assert bare.status_code == 401
        assert replica.admin("GET", "/clock")["frozen"] is False
    first, second = one.as_token("hadoop"), two.as_token("hadoop")
    exec_id, task_id = submit(first, LONG_CODE, user_creator="hadoop-IDE")
    # the replica's instance, as compose.yaml names it (LINKIS_MOCK_SERVER__INSTANCE)
    assert re.fullmatch(r"IDE_hadoop_spark_\d+", short_exec_id(exec_id, "mock-1:8080"))
    assert state_of(second, exec_id) in {"Inited", "Scheduled", "Running"}

    reply = second.get(f"/entrance/{exec_id}/kill")
    assert ok(reply, f"/api/entrance/{exec_id}/kill", KILL_OK) == {"execID": exec_id}

    for client in (second, first):
        wait_for_state(client, exec_id, "Cancelled", seconds=5)
        assert history_of(client, task_id)["status"] == "Cancelled"


def test_the_replicas_health_checks_pass(podman: Podman, compose_project: ComposeProject) -> None:
    """compose.yaml's own health check of the replicas: its readiness reads the database."""
    for name in compose_project.containers:
        result = podman.run("healthcheck", "run", name, check=False)
        assert result.returncode == 0, (name, result.stdout, result.stderr)
        assert podman.out("inspect", "--format", "{{.State.Health.Status}}", name) == "healthy"
