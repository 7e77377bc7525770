"""The command line, as users run it: `linkis-mock serve` refuses what it cannot serve
(a bad config, flag, variable or scenario) with exit status 2 and one line, before it
binds, and starts from a scenario file it can."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.testclient import TestClient

from linkis_mock import cli
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.simulator import Simulator
from linkis_mock.sim.storage.sqlite import SqliteBackend
from linkis_mock.testing import ROOT, Mock, free_port, start_mock
from tests.helpers.cli import Outcome, run_here
from tests.helpers.linkis import submit


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mock.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_serve_refuses_a_bad_config_before_binding(tmp_path: Path) -> None:
    path = write(tmp_path, "[nope]\n")
    result = subprocess.run(
        [sys.executable, "-m", "linkis_mock", "serve", "--config", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert f"linkis-mock: nope in {path}: unknown key" in result.stderr


# Each kind of bad value, through the real command: exit status 2, one line that names
# the key, what it should be and what it is, no traceback, and nothing served.
BAD_FILES = {
    "a string for a list": (
        '[auth]\ntokens = "LINKIS-AUTH"\n',
        "auth.tokens",
        "'LINKIS-AUTH' (str)",
    ),
    "a string for a number": ('[server]\nport = "abc"\n', "server.port", "'abc' (str)"),
    "a boolean for a number": ("[journal]\ncapacity = true\n", "journal.capacity", "True (bool)"),
    "a number for a string": ("[engines]\nspark = 3\n", "engines.spark", "3 (int)"),
    "a string for a seed": ('[server]\nseed = "x"\n', "server.seed", "'x' (str)"),
    "a string for seconds": ('[vias.timings]\npending = "1"\n', "vias.timings.pending", "'1'"),
    "out of bounds": ("[retention]\nhistory_jobs = 0\n", "retention.history_jobs", "0 (int)"),
    "too large": ("[limits]\nbody_bytes = 99999999999\n", "limits.body_bytes", "99999999999"),
    "not a choice": ('[vias]\nrepeat_action = "maybe"\n', "vias.repeat_action", "'maybe'"),
    "a bad list item": ('[auth]\ntokens = ["a", 3]\n', "auth.tokens[1]", "3 (int)"),
    "an unknown section": ("[nope]\n", "nope", "unknown key"),
    "an unknown key": ("[server]\nprot = 1\n", "server.prot", "unknown key"),
    "a missing key": ('[[users]]\nname = "x"\n', "users[0].password", "field required"),
    "twice the same user": (
        '[[users]]\nname = "x"\npassword = "p"\n[[users]]\nname = "x"\npassword = "q"\n',
        "users",
        "user names must be distinct",
    ),
    "a rule the API refuses": (
        '[[faults]]\noperationId = "getStatus"\naction = "latency"\ntimes = 2.5\n',
        "faults",
        "rule 1: 2.5 is not of type 'integer' (at /times)",
    ),
    "a rule that cannot work": (
        '[[faults]]\noperationId = "getStatus"\naction = "status"\nstatus = 200\n',
        "faults",
        "rule 1: 200 is less than the minimum of 400",
    ),
    "not TOML": ("[server\n", "", "is not valid TOML"),
}


def _serve(*args: str, env: dict[str, str] | None = None) -> Outcome:
    """`linkis-mock serve ARGS`, as a process of its own."""
    port = str(free_port())
    result = subprocess.run(
        [sys.executable, "-m", "linkis_mock", "serve", "--port", port, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, **(env or {})},
    )
    return Outcome(result.returncode, result.stderr)


def _serve_here(capsys: pytest.CaptureFixture[str], *args: str) -> Outcome:
    return run_here(capsys, "serve", "--port", str(free_port()), *args)


def _refused_in_one_line(result: Outcome, *parts: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith("linkis-mock: "), result.stderr
    for part in parts:
        assert part in line, line


@pytest.mark.parametrize("bad", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_serve_refuses_each_kind_of_bad_value_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: tuple[str, str, str]
) -> None:
    text, key, shown = bad
    path = write(tmp_path, text)
    _refused_in_one_line(_serve_here(capsys, "--config", str(path)), key, shown, str(path))


BAD_FLAGS_AND_VARIABLES = {
    "env port": ((), {"LINKIS_MOCK_SERVER__PORT": "abc"}, ("LINKIS_MOCK_SERVER__PORT", "'abc'")),
    "env tokens": ((), {"LINKIS_MOCK_AUTH__TOKENS": "LINKIS"}, ("LINKIS_MOCK_AUTH__TOKENS",)),
    "flag seed": (("--seed", "-1"), {}, ("--seed", "-1 (int)")),
    "flag host": (("--host", ""), {}, ("--host", "'' (str)")),
}


@pytest.mark.parametrize(
    ("args", "env", "parts"), BAD_FLAGS_AND_VARIABLES.values(), ids=BAD_FLAGS_AND_VARIABLES.keys()
)
def test_bad_flags_and_environment_are_refused_the_same_way(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    env: dict[str, str],
    parts: tuple[str, ...],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    _refused_in_one_line(_serve_here(capsys, *args), *parts)


@pytest.mark.parametrize(
    ("args", "env", "parts"),
    [
        (("--config", "FILE"), {}, ("server.port", "'abc' (str)")),
        ((), {"LINKIS_MOCK_AUTH__TOKENS": "LINKIS"}, ("LINKIS_MOCK_AUTH__TOKENS", "as JSON")),
        (("--seed", "-1"), {}, ("--seed", "-1 (int)")),
    ],
    ids=["file", "environment", "flag"],
)
def test_the_real_command_refuses_them_before_it_binds(
    tmp_path: Path, args: tuple[str, ...], env: dict[str, str], parts: tuple[str, ...]
) -> None:
    """One of each source through `python -m linkis_mock` itself: exit status 2 and one
    line on stderr, no traceback, and (it exits) nothing served."""
    path = write(tmp_path, '[server]\nport = "abc"\n')
    _refused_in_one_line(_serve(*(str(path) if a == "FILE" else a for a in args), env=env), *parts)


def test_serve_refuses_in_one_line_a_state_a_newer_mock_wrote(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    written = SqliteBackend(state, Simulator(SimSettings()).stores)
    written.open()
    written.close()
    with sqlite3.connect(state) as db:
        db.execute("UPDATE meta SET value = '7' WHERE key = 'schema'")
    _refused_in_one_line(
        _serve("--state", str(state)),
        f"cannot use state file {state}: holds state version 7, newer than this mock's 2",
        "serve it with a newer linkis-mock",
    )


def test_serve_exits_with_one_line_when_the_state_database_cannot_be_reached() -> None:
    url = f"postgresql://mock:s3cret@127.0.0.1:{free_port()}/linkis_mock"  # nothing there
    result = _serve("--state", url)
    _refused_in_one_line(result, "cannot use state database postgresql://mock@127.0.0.1:")
    assert "s3cret" not in result.stderr


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda text: text.replace('"speed": 1.0', '"speed": NaN'), "Non-standard token 'NaN'"),
        (lambda text: text.replace('"frozen": true', '"frozen": "yes"'), "(at /clock/frozen)"),
        (lambda text: text.replace('"jobs": [', '"jobs": [7, '), "(at /jobs/0)"),
    ],
    ids=["NaN", "wrong type", "not a job"],
)
def test_a_scenario_file_is_held_to_the_snapshot_schema(
    mock: Mock,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: object,
    problem: str,
) -> None:
    """Through the entry point in this process (test_serve_refuses_a_broken_scenario
    takes a scenario the command refuses through `python -m linkis_mock` itself)."""
    submit(mock.as_token("alice"))
    text = json.dumps(mock.admin("GET", "/snapshot"))
    scenario = tmp_path / "scenario.json"
    assert callable(change)
    scenario.write_text(change(text), encoding="utf-8")
    assert change(text) != text
    result = _serve_here(capsys, "--scenario", str(scenario))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("linkis-mock: cannot start from scenario"), result.stderr
    assert problem in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_starts_from_a_scenario(mock: Mock, tmp_path: Path) -> None:
    exec_id, _ = submit(mock.as_token("alice"))
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(mock.admin("GET", "/snapshot")), encoding="utf-8")
    other = start_mock(tmp_path, "--scenario", str(scenario))
    try:
        jobs = other.admin("GET", "/jobs")["jobs"]
        assert [(j["taskID"], j["execID"]) for j in jobs][-1] == (1, exec_id)
    finally:
        other.stop()


def test_serve_refuses_a_broken_scenario(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text('{"version": 2}', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "linkis_mock", "serve", "--scenario", str(scenario)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "cannot start from scenario" in result.stderr
    assert "snapshot version 1" in result.stderr


# ---- the admin token at start (issue 25) ---------------------------------------------------
ADMIN_TOKEN_VARIABLE = "LINKIS_MOCK_ADMIN__TOKEN"
MADE_TOKEN = re.compile(r"the admin API needs 'Authorization: Bearer ([A-Za-z0-9_-]{43})'")


@pytest.fixture(autouse=True)
def _no_admin_token_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve` beyond loopback puts the token it makes into the environment (for its
    workers): set and removed here, so that monkeypatch removes it again after the test
    whatever the command set."""
    monkeypatch.setenv(ADMIN_TOKEN_VARIABLE, "placeholder")
    monkeypatch.delenv(ADMIN_TOKEN_VARIABLE)


def _started(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[Any, str]:
    """`serve ARGS` run by its entry point up to where uvicorn would bind (no socket):
    the app it would serve, and what it printed."""
    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app))
    assert cli.main(["serve", "--port", str(free_port()), *args]) == 0
    return served["app"], capsys.readouterr().err


def _clock_status(app: Any, headers: dict[str, str] | None = None) -> int:
    with TestClient(app, base_url="http://mock-1.ci.internal:8080") as client:
        status: int = client.get("/__admin/clock", headers=headers).status_code
        return status


def test_beyond_loopback_serve_makes_a_token_prints_it_once_and_requires_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app, printed = _started(monkeypatch, capsys, "--host", "0.0.0.0")
    made = MADE_TOKEN.findall(printed)
    assert len(made) == 1, printed
    token = made[0]
    assert _clock_status(app) == 401
    assert _clock_status(app, {"Authorization": "Bearer wrong"}) == 401
    assert _clock_status(app, {"Authorization": f"Bearer {token}"}) == 200
    # Workers and reloads build their apps from the environment: the same token.
    assert os.environ[ADMIN_TOKEN_VARIABLE] == token
    again, printed_again = _started(monkeypatch, capsys, "--host", "0.0.0.0")
    assert MADE_TOKEN.findall(printed_again) == []
    assert _clock_status(again, {"Authorization": f"Bearer {token}"}) == 200


@pytest.mark.parametrize("given", ["flag", "environment", "file"])
def test_a_token_given_is_the_one_required_and_none_is_made(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    given: str,
) -> None:
    args = ["--host", "0.0.0.0"]
    if given == "flag":
        args += ["--admin-token", "chosen-token"]
    elif given == "environment":
        monkeypatch.setenv(ADMIN_TOKEN_VARIABLE, "chosen-token")
    else:
        args += ["--config", str(write(tmp_path, '[admin]\ntoken = "chosen-token"\n'))]
    app, printed = _started(monkeypatch, capsys, *args)
    assert "Bearer" not in printed and "chosen-token" not in printed
    assert _clock_status(app) == 401
    assert _clock_status(app, {"Authorization": "Bearer chosen-token"}) == 200


def test_a_plane_opened_on_purpose_is_warned_of(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = write(tmp_path, "[admin]\nopen = true\n")
    app, printed = _started(monkeypatch, capsys, "--host", "0.0.0.0", "--config", str(config))
    assert "the admin API is open to anyone who can reach 0.0.0.0:" in printed
    assert MADE_TOKEN.findall(printed) == []
    assert _clock_status(app) == 200


def test_on_loopback_no_token_is_made_or_needed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app, printed = _started(monkeypatch, capsys, "--host", "127.0.0.1")
    assert "admin" not in printed
    with TestClient(app, base_url="http://127.0.0.1:8080") as client:
        assert client.get("/__admin/clock").status_code == 200


@pytest.mark.parametrize("token", ["has space", "ünïcode", ""])
def test_a_token_a_header_cannot_carry_is_refused(
    capsys: pytest.CaptureFixture[str], token: str
) -> None:
    _refused_in_one_line(_serve_here(capsys, "--admin-token", token), "--admin-token")
