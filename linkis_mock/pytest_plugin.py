"""linkis-mock's pytest plugin: a running mock for your own test suite, with ready
clients and helpers over its admin API.

The package registers it through the `pytest11` entry point, so any project that has
linkis-mock installed gets the fixtures without a conftest:

    def test_a_job_succeeds(linkis_mock):
        alice = linkis_mock.logged_in("alice")
        linkis_mock.freeze()
        job = alice.post("/entrance/submit", json=...).json()["data"]
        linkis_mock.advance(10)
        assert alice.get(f"/entrance/{job['execID']}/status").json()["data"]["status"] == "Succeed"
        assert linkis_mock.calls("submit", user="alice") == 1

pytest loads every pytest11 plugin in every run of every project that has the package
installed, this project's own test runs included. So importing this module loads only
pytest and the standard library. linkis_mock.testing, and the web framework with it, is
imported when a test first asks for a mock.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, cast

import pytest

if TYPE_CHECKING:
    import httpx

    from linkis_mock.config import Settings
    from linkis_mock.testing import Mock

__all__ = ["AdminError", "LinkisMock", "LinkisMockServer", "ServerOptions"]

Mode = Literal["thread", "process"]
Scope = Literal["function", "session"]
MODES: tuple[Mode, ...] = ("thread", "process")
SCOPES: tuple[Scope, ...] = ("function", "session")
OWN_SERVER_MARKER = "linkis_mock"
KEEP_STATE_MARKER = "linkis_mock_keep_state"
DEFAULT_USER = "alice"


# ---- options --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Option:
    """One setting, given as `--linkis-mock-NAME` or as the ini key `linkis_mock_NAME`."""

    name: str
    metavar: str
    help: str

    @property
    def flag(self) -> str:
        return f"--linkis-mock-{self.name}"

    @property
    def key(self) -> str:
        return f"linkis_mock_{self.name}"


OPTIONS = (
    _Option("config", "PATH", "the mock's TOML config file, as `linkis-mock serve --config`"),
    _Option(
        "scenario",
        "PATH",
        "a snapshot JSON (the admin API's GET snapshot) that every test starts from",
    ),
    _Option("seed", "N", "seed of every simulated run (default: the config file's, else 0)"),
    _Option(
        "scope",
        "SCOPE",
        "function: a mock of its own for each test (the default); session: one mock for "
        "the run, reset before each test",
    ),
    _Option(
        "mode",
        "MODE",
        "thread: served by uvicorn from a thread of the test process (the default); "
        "process: `linkis-mock serve` in a process of its own",
    ),
)


@dataclass(frozen=True)
class ServerOptions:
    """How to start a mock."""

    mode: Mode = "thread"
    config: Path | None = None
    scenario: Path | None = None
    seed: int | None = None

    def describe(self) -> str:
        given = {"config": self.config, "scenario": self.scenario, "seed": self.seed}
        return ", ".join([f"mode={self.mode}"] + [f"{k}={v}" for k, v in given.items() if v])


@dataclass(frozen=True)
class PluginSettings:
    scope: Scope = "function"
    server: ServerOptions = field(default_factory=ServerOptions)


SETTINGS = pytest.StashKey[PluginSettings]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("linkis-mock", "linkis-mock (the linkis_mock fixture)")
    for option in OPTIONS:
        group.addoption(option.flag, dest=option.key, metavar=option.metavar, help=option.help)
        parser.addini(option.key, f"linkis-mock: {option.help}", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{OWN_SERVER_MARKER}(mode=None, config=None, scenario=None, seed=None): this test "
        "gets a linkis-mock of its own, started with these settings over the run's "
        "(paths relative to the test file)",
    )
    config.addinivalue_line(
        "markers",
        f"{KEEP_STATE_MARKER}: with a session-scoped linkis-mock, start from the state the "
        "previous test left, not from a clean one",
    )
    config.stash[SETTINGS] = _read_settings(config)


def pytest_report_header(config: pytest.Config) -> list[str]:
    settings = config.stash.get(SETTINGS, PluginSettings())
    if settings == PluginSettings():
        return []
    return [f"linkis-mock: scope={settings.scope}, {settings.server.describe()}"]


def _read_settings(config: pytest.Config) -> PluginSettings:
    """The options from the command line, else from the ini file; UsageError if one is
    not valid, so that a typo stops the run before any test."""
    given = {option.name: found for option in OPTIONS if (found := _given(config, option))}
    scope = given.pop("scope", None)
    if scope is not None and scope[0] not in SCOPES:
        raise pytest.UsageError(
            f"--linkis-mock-scope: {scope[0]!r} is not one of {', '.join(SCOPES)}"
        )
    server = _options(given, ServerOptions(), lambda name: f"--linkis-mock-{name}")
    return PluginSettings("session" if scope and scope[0] == "session" else "function", server)


def _given(config: pytest.Config, option: _Option) -> tuple[str, Path] | None:
    """(the value, the folder a relative path in it is relative to), if given."""
    value = config.getoption(option.key)
    if value is not None:
        return str(value), config.invocation_params.dir
    value = config.getini(option.key)
    if value is None or not str(value).strip():
        return None
    folder = config.inipath.parent if config.inipath else config.rootpath
    return str(value).strip(), folder


def _marker_options(marker: pytest.Mark, run: ServerOptions, folder: Path) -> ServerOptions:
    """The run's settings with those of `@pytest.mark.linkis_mock(...)` over them."""
    where = f"@pytest.mark.{OWN_SERVER_MARKER}"
    unknown = sorted(set(marker.kwargs) - {"mode", "config", "scenario", "seed"})
    if marker.args or unknown:
        raise pytest.UsageError(
            f"{where} takes only mode=, config=, scenario= and seed= "
            f"(got {[*marker.args, *unknown]})"
        )
    given = {name: (value, folder) for name, value in marker.kwargs.items() if value is not None}
    return _options(given, run, lambda name: f"{where}({name}=...)")


def _options(
    given: Mapping[str, tuple[object, Path]], base: ServerOptions, where: Callable[[str], str]
) -> ServerOptions:
    """`base` with the settings given by name: (the value, the folder of a relative path)."""
    options = base
    if "mode" in given:
        mode = given["mode"][0]
        if mode not in MODES:
            raise pytest.UsageError(f"{where('mode')}: {mode!r} is not one of {', '.join(MODES)}")
        options = replace(options, mode=mode)
    if "config" in given:
        options = replace(options, config=_existing_file(*given["config"], where("config")))
    if "scenario" in given:
        options = replace(options, scenario=_existing_file(*given["scenario"], where("scenario")))
    if "seed" in given:
        options = replace(options, seed=_seed(given["seed"][0], where("seed")))
    return options


def _existing_file(value: object, folder: Path, where: str) -> Path:
    path = folder / Path(str(value))
    if not path.is_file():
        raise pytest.UsageError(f"{where}: no file {path}")
    return path


def _seed(value: object, where: str) -> int:
    try:
        seed = int(str(value))
    except ValueError:
        seed = -1
    if seed < 0:
        raise pytest.UsageError(f"{where}: {value!r} is not a whole number from 0")
    return seed


# ---- servers --------------------------------------------------------------------------


class AdminError(AssertionError):
    """The admin API refused a helper's request (an AssertionError, as with
    linkis_mock.testing.Mock.admin); `status` and `detail` say why."""

    def __init__(self, method: str, path: str, status: int, detail: str) -> None:
        super().__init__(f"linkis-mock admin API: {method} {path} answered {status}: {detail}")
        self.method, self.path, self.status, self.detail = method, path, status, detail


def _admin(mock: Mock, method: str, path: str, **kwargs: Any) -> Any:
    reply = mock.admin_request(method, path, **kwargs)
    if reply.status_code != 200:
        try:
            problem = reply.json()
        except ValueError:
            problem = None
        detail = (
            str(problem["detail"])
            if isinstance(problem, dict) and "detail" in problem
            else reply.text
        )
        raise AdminError(method, path, reply.status_code, detail)
    return reply.json()


class LinkisMockServer:
    """One running mock (a server thread or a process of its own) and the scenario each
    of its tests starts from. The `linkis_mock_server` fixture; tests use `linkis_mock`."""

    def __init__(self, mock: Mock, mode: Mode, scenario: dict[str, Any] | None) -> None:
        self.mock = mock
        self.mode: Mode = mode
        self.scenario = scenario
        self.tests_started = 0

    @property
    def base_url(self) -> str:
        """The server's root, e.g. http://127.0.0.1:40123."""
        return self.mock.base_url

    @property
    def linkis_url(self) -> str:
        return self.mock.api_url

    @property
    def vias_url(self) -> str:
        return self.mock.vias_url

    @property
    def admin_url(self) -> str:
        return self.mock.admin_url

    def start_test(self, *, keep_state: bool) -> None:
        """A test begins: from a clean state, unless it is the server's first or it
        keeps the state the previous one left."""
        if self.tests_started and not keep_state:
            self.restore()
        self.tests_started += 1

    def restore(self) -> None:
        """Back to the state a test starts from: everything reset (jobs, tasks, sessions,
        counters, clock, fault rules, journal), then the scenario, if there is one."""
        _admin(self.mock, "POST", "/reset")
        if self.scenario is not None:
            _admin(self.mock, "PUT", "/snapshot", json=self.scenario)

    def stop(self) -> None:
        self.mock.stop()


def start_server(options: ServerOptions, tmp_dir: Path) -> LinkisMockServer:
    """A mock on 127.0.0.1 and a free port, its state the scenario's if one is given."""
    scenario = _read_scenario(options.scenario) if options.scenario else None
    # The first start imports the web framework, whose dependencies warn of their own
    # deprecations as they are imported (Starlette's with a UserWarning, which the
    # package filters too): pytest would list them in the user's run, for code that is
    # neither theirs nor what they test.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        mock = _start_process(options, tmp_dir) if options.mode == "process" else _serve(options)
    server = LinkisMockServer(mock, options.mode, scenario)
    if scenario is not None:
        try:
            _admin(mock, "PUT", "/snapshot", json=scenario)
        except AdminError as exc:
            server.stop()
            _fail(f"linkis-mock cannot start from {options.scenario}: {exc.detail}")
    return server


def _serve(options: ServerOptions) -> Mock:
    from linkis_mock.testing import free_port, serve_in_thread  # noqa: PLC0415

    port = free_port()
    return serve_in_thread(_settings(options, port), port=port)


def _start_process(options: ServerOptions, tmp_dir: Path) -> Mock:
    from linkis_mock.testing import start_mock  # noqa: PLC0415

    args = [] if options.config is None else ["--config", str(options.config)]
    args += [] if options.seed is None else ["--seed", str(options.seed)]
    # The process reads the same config and environment: the helpers learn its admin
    # token (if one is set) here.
    admin_token = _settings(options).admin.token
    try:
        mock = start_mock(tmp_dir, *args)
    except RuntimeError as exc:  # it exited early or never answered: the log says why
        _fail(f"linkis-mock cannot start: {exc}")
    mock.admin_token = admin_token
    return mock


def _settings(options: ServerOptions, port: int | None = None) -> Settings:
    from linkis_mock.config import ConfigError, load_settings  # noqa: PLC0415

    try:
        return load_settings(options.config, port=port, seed=options.seed)
    except ConfigError as exc:
        _fail(f"linkis-mock cannot start: {exc}")


def _fail(message: str) -> NoReturn:
    """Fails the test that asked for a mock with this message alone: no traceback, and
    not the exception being handled, whose message it carries."""
    raise pytest.fail.Exception(message, pytrace=False) from None


def _read_scenario(path: Path) -> dict[str, Any]:
    try:
        scenario = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        _fail(f"linkis-mock cannot read the scenario {path}: {exc}")
    if not isinstance(scenario, dict):
        _fail(f"linkis-mock: the scenario {path} is not a JSON object")
    return scenario


# ---- what a test gets -------------------------------------------------------------------


class LinkisMock:
    """The `linkis_mock` fixture: a running mock's URLs, ready clients, and helpers over
    its admin API. The clients it makes are closed when the test ends."""

    def __init__(self, server: LinkisMockServer) -> None:
        from linkis_mock.testing import Mock  # noqa: PLC0415

        self.server = server
        # This test's clients, closed by close(), with the server's admin token.
        self._mock = Mock(server.base_url, admin_token=server.mock.admin_token)

    # URLs

    @property
    def mode(self) -> Mode:
        return self.server.mode

    @property
    def base_url(self) -> str:
        """The server's root, e.g. http://127.0.0.1:40123."""
        return self.server.base_url

    @property
    def linkis_url(self) -> str:
        """The Linkis API's root (…/api/rest_j/v1)."""
        return self.server.linkis_url

    @property
    def vias_url(self) -> str:
        """The VIAS API's root (…/v2); its paths go on with a project id."""
        return self.server.vias_url

    @property
    def admin_url(self) -> str:
        """The admin API's root (…/__admin)."""
        return self.server.admin_url

    # clients

    @property
    def http(self) -> httpx.Client:
        """A client for absolute URLs that keeps no cookies."""
        return self._mock.http

    def client(self, **kwargs: Any) -> httpx.Client:
        """A Linkis client with no credentials; `kwargs` go to httpx.Client."""
        return self._mock.client(**kwargs)

    def logged_in(self, user: str = DEFAULT_USER, password: str | None = None) -> httpx.Client:
        """A Linkis client with the session cookie of `POST /user/login` (the password is
        the user name unless given, as the default config's users have it)."""
        return self._mock.logged_in(user, password)

    def as_token(self, user: str = DEFAULT_USER, token: str | None = None) -> httpx.Client:
        """A Linkis client sending the token pair `Token-Code` (LINKIS-AUTH unless given)
        and `Token-User: user`."""
        return self._mock.as_token(user) if token is None else self._mock.as_token(user, token)

    def vias(self, token: str | None = None, project: str | None = None) -> httpx.Client:
        """A VIAS client of one project (paths relative to it: `/tasks`) with its
        `X-Auth-Token`: vias-dev-token and its project 0123456789abcdef0123456789abcdef
        unless given."""
        from linkis_mock.testing import VIAS_PROJECT, VIAS_TOKEN  # noqa: PLC0415

        return self._mock.vias(token or VIAS_TOKEN, project or VIAS_PROJECT)

    # the admin API

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        """Any admin request (`path` under the admin root); AdminError unless a 200."""
        return _admin(self._mock, method, path, **kwargs)

    def clock(self) -> dict[str, Any]:
        return cast(dict[str, Any], self.admin("GET", "/clock"))

    def freeze(self) -> dict[str, Any]:
        """Stops the simulated clock: jobs move only when `advance` moves it."""
        return cast(dict[str, Any], self.admin("PUT", "/clock", json={"frozen": True}))

    def unfreeze(self) -> dict[str, Any]:
        return cast(dict[str, Any], self.admin("PUT", "/clock", json={"frozen": False}))

    def set_speed(self, speed: float) -> dict[str, Any]:
        """Simulated seconds per real second (the clock keeps running or frozen)."""
        return cast(dict[str, Any], self.admin("PUT", "/clock", json={"speed": speed}))

    def advance(self, seconds: float) -> dict[str, Any]:
        """Moves the clock forward, frozen or not, and every job and task with it."""
        reply = self.admin("POST", "/clock/advance", json={"seconds": seconds})
        return cast(dict[str, Any], reply)

    def jobs(self) -> list[dict[str, Any]]:
        """Every Linkis job, newest first, with its state now."""
        return cast(list[dict[str, Any]], self.admin("GET", "/jobs")["jobs"])

    def job(self, task_id: int) -> dict[str, Any]:
        found = [job for job in self.jobs() if job["taskID"] == task_id]
        if not found:
            raise LookupError(f"linkis-mock holds no job {task_id}")
        return found[0]

    def set_job_state(self, task_id: int, state: str, error: str | None = None) -> dict[str, Any]:
        """Moves a live job to Failed (with `error` as its message), Cancelled, Succeed,
        Timeout or WaitForRetry now; returns the job."""
        body = {"state": state} if error is None else {"state": state, "error": error}
        return cast(dict[str, Any], self.admin("POST", f"/jobs/{task_id}/state", json=body))

    def tasks(self) -> list[dict[str, Any]]:
        """Every VIAS task of every project, newest first."""
        return cast(list[dict[str, Any]], self.admin("GET", "/tasks")["tasks"])

    def set_task_state(self, task_id: str, state: str) -> dict[str, Any]:
        """Sets a VIAS task's state now, e.g. ABNORMAL; returns the task."""
        reply = self.admin("POST", f"/tasks/{task_id}/state", json={"state": state})
        return cast(dict[str, Any], reply)

    def add_fault(
        self,
        operation_id: str,
        action: Literal["status", "latency", "close"] = "status",
        *,
        status: int | None = None,
        user: str | None = None,
        path_params: Mapping[str, str] | None = None,
        latency_ms: int | None = None,
        latency_max_ms: int | None = None,
        times: int | None = None,
        probability: float | None = None,
    ) -> dict[str, Any]:
        """Adds a fault rule for one operation (its operationId in the spec, e.g. submit
        or getStatus); returns it, with its id. Arguments left out keep the mock's
        defaults (a `status` rule answers 500, always)."""
        given = {
            "operationId": operation_id,
            "action": action,
            "status": status,
            "user": user,
            "pathParams": None if path_params is None else dict(path_params),
            "latencyMs": latency_ms,
            "latencyMaxMs": latency_max_ms,
            "times": times,
            "probability": probability,
        }
        rule = {key: value for key, value in given.items() if value is not None}
        return cast(dict[str, Any], self.admin("POST", "/faults", json=rule))

    def faults(self) -> list[dict[str, Any]]:
        """The fault rules in force, each with how often it `fired`."""
        return cast(list[dict[str, Any]], self.admin("GET", "/faults")["rules"])

    def remove_fault(self, rule_id: str) -> None:
        self.admin("DELETE", f"/faults/{rule_id}")

    def journal(
        self, operation_id: str | None = None, *, user: str | None = None, status: int | None = None
    ) -> list[dict[str, Any]]:
        """The Linkis and VIAS requests received, oldest first (time, method, path,
        operationId, user or VIAS project, status, durationMs), filtered."""
        given = {"operationId": operation_id, "user": user, "status": status}
        params = {key: value for key, value in given.items() if value is not None}
        return cast(list[dict[str, Any]], self.admin("GET", "/journal", params=params)["entries"])

    def calls(
        self, operation_id: str, *, user: str | None = None, status: int | None = None
    ) -> int:
        """How many requests of one operation were received, e.g. `calls("submit",
        user="alice")`."""
        return len(self.journal(operation_id, user=user, status=status))

    def clear_journal(self) -> int:
        return int(self.admin("DELETE", "/journal")["cleared"])

    def snapshot(self) -> dict[str, Any]:
        """The whole state as a scenario (jobs, tasks, sessions, counters, clock)."""
        return cast(dict[str, Any], self.admin("GET", "/snapshot"))

    def load_scenario(self, scenario: Path | str | Mapping[str, Any]) -> dict[str, Any]:
        """Replaces the state with a scenario: a snapshot, or the path of its JSON file.
        Fault rules and the journal stay."""
        body = _read_scenario(Path(scenario)) if isinstance(scenario, Path | str) else scenario
        return cast(dict[str, Any], self.admin("PUT", "/snapshot", json=dict(body)))

    def reset(self) -> None:
        """Back to the state the test started from: all state reset, then the run's
        scenario, if one is given."""
        self.server.restore()

    def close(self) -> None:
        """Closes the clients made for this test (the fixture does, at its end)."""
        self._mock.stop()


# ---- fixtures -------------------------------------------------------------------------


def _settings_of(config: pytest.Config) -> PluginSettings:
    settings = config.stash.get(SETTINGS, None)
    if settings is None:  # configured before this plugin was registered
        settings = config.stash[SETTINGS] = _read_settings(config)
    return settings


def _server_scope(fixture_name: str, config: pytest.Config) -> Scope:
    return _settings_of(config).scope


@pytest.fixture(scope=_server_scope)
def linkis_mock_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LinkisMockServer]:
    """The running mock, for the test or for the session (`--linkis-mock-scope`), as it
    is: `linkis_mock` is the same one, made clean for the test."""
    options = _settings_of(request.config).server
    server = start_server(options, tmp_path_factory.mktemp("linkis-mock"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def linkis_mock(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LinkisMock]:
    """A running mock in a clean state (the scenario's, if one is given), with ready
    clients and the admin API's helpers."""
    marker = request.node.get_closest_marker(OWN_SERVER_MARKER)
    own: LinkisMockServer | None = None
    if marker is not None:
        run = _settings_of(request.config).server
        try:
            options = _marker_options(marker, run, request.path.parent)
        except pytest.UsageError as exc:  # this test's error, not the run's
            _fail(str(exc))
        own = start_server(options, tmp_path_factory.mktemp("linkis-mock"))
    server = own or cast(LinkisMockServer, request.getfixturevalue("linkis_mock_server"))
    try:
        server.start_test(keep_state=request.node.get_closest_marker(KEEP_STATE_MARKER) is not None)
        handle = LinkisMock(server)
        try:
            yield handle
        finally:
            handle.close()
    finally:
        if own is not None:
            own.stop()


@pytest.fixture
def linkis_client(linkis_mock: LinkisMock) -> httpx.Client:
    """A Linkis client logged in as alice (a user of the default config)."""
    return linkis_mock.logged_in(DEFAULT_USER)


@pytest.fixture
def vias_client(linkis_mock: LinkisMock) -> httpx.Client:
    """A VIAS client of project 0123456789abcdef0123456789abcdef (vias-dev-token)."""
    return linkis_mock.vias()
