"""Settings from flags and the TOML file, and the errors a bad file gets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from linkis_mock.config import ConfigError, load_settings
from linkis_mock.sim.settings import DEFAULT_ACCOUNTS, Timings
from linkis_mock.testing import ROOT, free_port


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mock.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_need_no_file() -> None:
    settings = load_settings()
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.sim.instance == "127.0.0.1:8080"
    assert settings.sim.accounts == DEFAULT_ACCOUNTS
    assert settings.sim.tokens == ("LINKIS-AUTH",)
    assert settings.sim.timings == Timings()


def test_the_example_file_loads_and_flags_win_over_it() -> None:
    settings = load_settings(ROOT / "config.example.toml", port=9000, seed=7)
    assert settings.port == 9000
    assert settings.sim.seed == 7
    assert settings.sim.instance == "127.0.0.1:9000"
    assert [a.name for a in settings.sim.accounts] == ["hadoop", "alice"]
    assert settings.sim.tokens == ("LINKIS-AUTH", "ADMIN-LINKIS")
    assert settings.sim.engine_versions["spark"] == "3.2.1"
    assert settings.sim.engine_versions["hive"] == "2.3.3"


def test_timings_and_instance_come_from_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[server]\ninstance = "10.0.0.5:9104"\n[timings]\nrunning = 30\n')
    settings = load_settings(path)
    assert settings.sim.instance == "10.0.0.5:9104"
    assert settings.sim.timings.running == 30.0
    assert settings.sim.timings.queue == Timings().queue


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[server\n", "is not valid TOML"),
        ("[nope]\n", "nope in {file}: unknown key"),
        ("[timings]\nrunnin = 3\n", "timings.runnin in {file}: unknown key"),
        ("[timings]\nrunning = -1\n", "timings.running in {file}: input should be greater"),
        ('[[users]]\nname = "x"\n', "users[0].password in {file}: field required"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert message.format(file=path) in str(caught.value)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "absent.toml")


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


def test_vias_settings_come_from_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[vias]\nrepeat_action = "error"\n'
        '[vias.tokens]\n"t1" = "*"\n'
        "[vias.timings]\nstarting = 5\n",
    )
    vias = load_settings(path).sim.vias
    assert vias.tokens == {"t1": "*"}
    assert vias.repeat_action == "error"
    assert vias.timings.starting == 5.0
    assert vias.timings.stopping == 1.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[vias]\nrepeat_action = "maybe"\n', "vias.repeat_action in {file}: input should be 'ok'"),
        ("[vias.tokens]\nt1 = 3\n", "vias.tokens.t1 in {file}: input should be a valid string"),
        ("[vias.timings]\nwarmup = 1\n", "vias.timings.warmup in {file}: unknown key"),
    ],
)
def test_bad_vias_settings_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert message.format(file=path) in str(caught.value)


def test_cors_origins_come_from_the_file(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[cors]\norigins = ["https://app.example.com"]\n'))
    assert settings.cors_origins == ("https://app.example.com",)
    assert load_settings().cors_origins == ("http://localhost:*", "http://127.0.0.1:*")
    with pytest.raises(ConfigError, match=r"cors.origins in .*: input should be a valid list"):
        load_settings(write(tmp_path, '[cors]\norigins = "*"\n'))


def test_fault_rules_and_journal_capacity_come_from_the_file(tmp_path: Path) -> None:
    settings = load_settings(
        write(
            tmp_path,
            '[journal]\ncapacity = 50\n[[faults]]\noperationId = "submit"\naction = "close"\n',
        )
    )
    assert settings.journal_capacity == 50
    assert settings.faults == ({"operationId": "submit", "action": "close"},)
    with pytest.raises(ConfigError, match=r"faults in .*: rule 1: 'boom' is not one of"):
        load_settings(write(tmp_path, '[[faults]]\noperationId = "x"\naction = "boom"\n'))


def test_retention_comes_from_the_file(tmp_path: Path) -> None:
    assert load_settings().sim.jobs_per_group == 1000
    settings = load_settings(write(tmp_path, "[retention]\njobs_per_group = 5\n"))
    assert settings.sim.jobs_per_group == 5
    with pytest.raises(ConfigError, match=r"jobs_per_group in .*: input should be greater than"):
        load_settings(write(tmp_path, "[retention]\njobs_per_group = 0\n"))


def test_log_cap_comes_from_the_file(tmp_path: Path) -> None:
    assert load_settings().sim.log_lines_per_job == 100_000
    settings = load_settings(
        write(tmp_path, "[retention]\nlog_lines_per_job = 20\nhistory_jobs = 7\n")
    )
    assert settings.sim.log_lines_per_job == 20
    assert settings.sim.history_jobs == 7
    with pytest.raises(ConfigError, match=r"log_lines_per_job in .*: input should be a valid int"):
        load_settings(write(tmp_path, "[retention]\nlog_lines_per_job = true\n"))


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


def _serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    port = str(free_port())
    return subprocess.run(
        [sys.executable, "-m", "linkis_mock", "serve", "--port", port, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, **(env or {})},
    )


def _refused_in_one_line(result: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith("linkis-mock: "), result.stderr
    for part in parts:
        assert part in line, line


@pytest.mark.parametrize("bad", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_serve_refuses_each_kind_of_bad_value_in_one_line(
    tmp_path: Path, bad: tuple[str, str, str]
) -> None:
    text, key, shown = bad
    path = write(tmp_path, text)
    _refused_in_one_line(_serve("--config", str(path)), key, shown, str(path))


@pytest.mark.parametrize(
    ("args", "env", "parts"),
    [
        ((), {"LINKIS_MOCK_SERVER__PORT": "abc"}, ("LINKIS_MOCK_SERVER__PORT", "'abc' (str)")),
        ((), {"LINKIS_MOCK_AUTH__TOKENS": "LINKIS"}, ("LINKIS_MOCK_AUTH__TOKENS", "as JSON")),
        (("--seed", "-1"), {}, ("--seed", "-1 (int)")),
        (("--host", ""), {}, ("--host", "'' (str)")),
    ],
    ids=["env port", "env tokens", "flag seed", "flag host"],
)
def test_bad_flags_and_environment_are_refused_the_same_way(
    args: tuple[str, ...], env: dict[str, str], parts: tuple[str, ...]
) -> None:
    _refused_in_one_line(_serve(*args, env=env), *parts)


def test_the_environment_sets_keys_between_the_file_and_the_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "[server]\nport = 9001\nseed = 3\n[retention]\nhistory_jobs = 10\n")
    monkeypatch.setenv("LINKIS_MOCK_SERVER__PORT", "9002")
    monkeypatch.setenv("LINKIS_MOCK_RETENTION__HISTORY_JOBS", "20")
    monkeypatch.setenv("LINKIS_MOCK_AUTH__TOKENS", '["T1", "T2"]')
    settings = load_settings(path)
    assert (settings.port, settings.sim.seed, settings.sim.history_jobs) == (9002, 3, 20)
    assert settings.sim.tokens == ("T1", "T2")
    assert load_settings(path, port=9003).port == 9003
