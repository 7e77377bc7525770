"""Settings from flags and the TOML file, and the errors a bad file gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkis_mock.config import ConfigError, load_settings
from linkis_mock.sim.settings import DEFAULT_ACCOUNTS, Timings
from linkis_mock.testing import ROOT


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


# ---- proxy mode ----------------------------------------------------------------------------


def test_proxy_mode_needs_a_target() -> None:
    with pytest.raises(ConfigError, match="--linkis-target or --vias-target"):
        load_settings(proxy={})
    assert load_settings().proxy is None  # serve mode


def test_proxy_targets_come_from_flags_over_the_file(tmp_path: Path) -> None:
    config = tmp_path / "mock.toml"
    config.write_text('[proxy]\nlinkis_target = "http://file:9001"\ntimeout_s = 12.5\n')
    settings = load_settings(config, proxy={"linkis_target": "http://flag:9001/"})
    assert settings.proxy is not None
    assert settings.proxy.targets == {"linkis": "http://flag:9001"}
    assert settings.proxy.timeout_s == 12.5
    only_file = load_settings(config, proxy={"linkis_target": None})
    assert only_file.proxy is not None and only_file.proxy.targets == {"linkis": "http://file:9001"}


@pytest.mark.parametrize("target", ["gateway:9001", "ftp://gateway", "http://gate way", ""])
def test_a_target_must_be_an_http_url(target: str) -> None:
    with pytest.raises(ConfigError, match=r"^--linkis-target: string should match pattern"):
        load_settings(proxy={"linkis_target": target})


def test_global_variables_come_from_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[variables.alice]\nrun_date = "20200101"\ncity = "bj"\n')
    variables = load_settings(path).sim.variables
    assert {user: dict(values) for user, values in variables.items()} == {
        "alice": {"run_date": "20200101", "city": "bj"}
    }
    assert dict(load_settings(ROOT / "config.example.toml").sim.variables["alice"]) == {
        "run_date": "20200101"
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[variables.alice]\nrun_date = 20200101\n", "variables.alice.run_date"),
        ('[variables.alice]\nrun_date = " "\n', "should match pattern"),
        ('[variables.alice]\nrun_date = ""\n', "at least 1 character"),
        ('[variables]\nalice = "x"\n', "input should be a valid dictionary, got 'x'"),
        ('[variables."a b"]\nx = "1"\n', "variables.a b"),
    ],
)
def test_bad_global_variables_are_refused_in_one_line(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(write(tmp_path, text))
    assert message in str(info.value)
    assert "\n" not in str(info.value)
