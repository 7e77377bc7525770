"""The pytest plugin (linkis_mock.pytest_plugin) as users meet it: the wheel installed
into a fresh venv gives a project outside the checkout the fixtures without a conftest,
and a run of that project's tests passes (and fails where a test should); in this
repository, through pytester, its options and ini keys, its scopes and markers."""

from __future__ import annotations

import functools
import inspect
import json
import os
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from linkis_mock.config import load_settings
from linkis_mock.testing import ROOT, in_process
from tests.helpers.wheel import installed_wheel, run

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.runs_long

SUBMIT = {
    "executionContent": {"code": "select a, b from t", "runType": "sql"},
    "labels": {"engineType": "spark"},
}

# A user's own test file: no conftest, only the plugin's fixtures. With a session-scoped
# mock (the user's ini), the second test checks it starts clean on the same server.
USER_TESTS = """
import os

import pytest

from linkis_mock.pytest_plugin import AdminError

SUBMIT = {
    "executionContent": {"code": "select a, b from t", "runType": "sql"},
    "labels": {"engineType": "spark"},
}
first = {}


def status_of(client, exec_id):
    return client.get(f"/entrance/{exec_id}/status").json()["data"]["status"]


def test_a_job_runs_to_succeed_on_the_frozen_clock(linkis_mock, linkis_client):
    linkis_mock.freeze()
    job = linkis_client.post("/entrance/submit", json=SUBMIT).json()["data"]
    linkis_mock.advance(0.5)
    assert status_of(linkis_client, job["execID"]) == "Scheduled"
    linkis_mock.advance(10)
    assert status_of(linkis_client, job["execID"]) == "Succeed"
    assert linkis_mock.calls("submit", user="alice") == 1
    assert linkis_mock.calls("getStatus", user="alice") == 2
    # Left behind for the next test, which must not see it.
    linkis_mock.add_fault("getUserInfo", status=503)
    linkis_mock.set_speed(5)
    first["base_url"] = linkis_mock.base_url


def test_the_next_test_starts_clean_on_the_same_server(linkis_mock):
    assert linkis_mock.base_url == first["base_url"]
    assert linkis_mock.jobs() == []
    assert linkis_mock.faults() == []
    assert linkis_mock.journal() == []
    assert linkis_mock.clock()["frozen"] is False and linkis_mock.clock()["speed"] == 1


def test_an_outcome_forced_through_the_admin_api(linkis_mock):
    bob = linkis_mock.as_token("bob")
    linkis_mock.freeze()
    job = bob.post("/entrance/submit", json=SUBMIT).json()["data"]
    moved = linkis_mock.set_job_state(job["taskID"], "Failed", error="Table or view not found")
    assert moved["state"] == "Failed" and linkis_mock.job(job["taskID"])["state"] == "Failed"
    task = bob.get(f"/jobhistory/{job['taskID']}/get").json()["data"]["task"]
    assert (task["status"], task["errDesc"]) == ("Failed", "Table or view not found")
    with pytest.raises(AdminError) as refused:
        linkis_mock.set_job_state(job["taskID"], "Succeed")
    assert refused.value.status == 400 and "already finished" in refused.value.detail


def test_a_fault_rule_is_what_the_client_sees(linkis_mock, linkis_client):
    rule = linkis_mock.add_fault("submit", status=503, times=1, user="alice")
    assert linkis_client.post("/entrance/submit", json=SUBMIT).status_code == 503
    assert linkis_client.post("/entrance/submit", json=SUBMIT).status_code == 200
    assert [(r["id"], r["fired"]) for r in linkis_mock.faults()] == [(rule["id"], 1)]
    assert linkis_mock.calls("submit", user="alice", status=503) == 1
    assert linkis_mock.calls("submit", user="alice") == 2


def test_a_vias_task_starts(linkis_mock, vias_client):
    linkis_mock.freeze()
    created = vias_client.post(
        "/services/c-intrusion-detection-cloud/tasks",
        json={
            "name": "gate-cam-1",
            "input": {"type": "video_source", "data": [{"video_source_id": "vs-0001"}]},
            "output": {"webhook": {"url": "http://127.0.0.1:9000/hook"}},
            "service_version": "1.1",
        },
    )
    (task,) = created.json()["tasks"]
    linkis_mock.advance(3)
    assert vias_client.get(f"/tasks/{task['id']}").json()["state"] == "RUNNING"
    assert linkis_mock.calls("createTask", user="0123456789abcdef0123456789abcdef") == 1


@pytest.mark.linkis_mock(mode="process")
def test_a_mock_of_its_own_in_a_process(linkis_mock):
    assert linkis_mock.mode == "process"
    assert linkis_mock.admin("GET", "/journal")["replica"]["pid"] != os.getpid()
    assert linkis_mock.logged_in("hadoop").get("/user/userInfo").status_code == 200


def test_deliberately_wrong(linkis_mock, linkis_client):
    linkis_client.post("/entrance/submit", json=SUBMIT)
    assert linkis_mock.calls("submit", user="alice") == 2
"""
USER_PASSED = 6  # every test of USER_TESTS but the deliberately wrong one
SESSION_INI = "[pytest]\nlinkis_mock_scope = session\n"


def outcomes(output: str) -> dict[str, int]:
    """The counts of pytest's summary line: {"passed": 6, "failed": 1}."""
    summary = output.strip().splitlines()[-1]
    return {kind: int(n) for n, kind in re.findall(r"(\d+) (passed|failed|errors?)", summary)}


# ---- installed from the wheel, in a project of the user's ---------------------------------


def test_a_users_project_gets_the_fixtures_from_the_installed_wheel(
    tmp_path: Path,
) -> None:
    _, venv = installed_wheel()
    project = tmp_path / "their-project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\nlinkis_mock_scope = "session"\n', encoding="utf-8"
    )
    origin = textwrap.dedent(
        """
        import sys
        from pathlib import Path

        import linkis_mock.pytest_plugin as plugin


        def test_the_plugin_is_the_installed_package():
            assert Path(plugin.__file__).is_relative_to(sys.prefix)
        """
    )
    (project / "test_their_client.py").write_text(USER_TESTS + origin, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    pytest_in_venv = (venv / "bin" / "python", "-m", "pytest")
    options = ("-q", "-ra", "-p", "no:cacheprovider")
    ran = run(*pytest_in_venv, *options, cwd=project, env=env, expect=1)
    assert outcomes(ran) == {"passed": USER_PASSED + 1, "failed": 1}, ran[-3000:]
    assert "FAILED test_their_client.py::test_deliberately_wrong" in ran
    assert "assert 1 == 2" in ran
    # The installed pytest lists its options: the entry point registered the plugin.
    listed = run(venv / "bin" / "python", "-m", "pytest", "--help", cwd=project, env=env)
    assert "--linkis-mock-scope=SCOPE" in listed and "linkis_mock_config" in listed


# ---- in this repository, through pytester ----------------------------------------------


def inner(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """A pytest run of pytester's folder, as a user's: in a process of its own (in this
    one, pytester would unload what each run imported, and the next run's fresh copies
    of httpx's and uvicorn's modules would not match the classes the kept ones hold).
    Schemathesis's plugin is left out, as pyproject.toml does for the project's runs, and
    so are the other plugins of this venv that a user's project need not have (Hypothesis,
    xdist, anyio, typeguard): loading them is most of a run's own start."""
    return pytester.runpytest_subprocess(*IN_PROCESS, *args, timeout=120)


# inner()'s plugins, for the runs made in this process too (those that start no mock).
IN_PROCESS = tuple(
    option
    for plugin in (
        "schemathesis",
        "hypothesispytest",
        "xdist",
        "xdist.looponfail",
        "anyio",
        "typeguard",
        "cacheprovider",
    )
    for option in ("-p", f"no:{plugin}")
)


def outcome_of(result: pytest.RunResult) -> dict[str, str]:
    """Each inner test's outcome by its node id, from the summary a `-rA` run ends with
    ("PASSED test_x.py::test_y", "ERROR test_x.py::test_z - ..."): for a run of several
    files, what each file's tests did, not only the run's totals."""
    found = {}
    for line in result.outlines:
        match = re.match(r"(PASSED|FAILED|ERROR) (\S+::\S+)", line)
        if match:
            found[match[2]] = match[1]
    return found


def test_importing_the_plugin_loads_no_mock_and_no_web_framework() -> None:
    code = (
        "import sys, json, pytest; before = set(sys.modules)\n"
        "import linkis_mock.pytest_plugin\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    loaded = json.loads(run(sys.executable, "-c", code, cwd=ROOT))
    assert loaded == ["linkis_mock", "linkis_mock.pytest_plugin"], loaded


def test_the_config_file_is_the_mocks(pytester: pytest.Pytester) -> None:
    """Given as an ini key, relative to the ini file: carol replaces the default users,
    and a job runs for 50 simulated seconds."""
    pytester.mkdir("config")
    (pytester.path / "config" / "mock.toml").write_text(
        '[[users]]\nname = "carol"\npassword = "secret"\n\n[timings]\nrunning = 50\n',
        encoding="utf-8",
    )
    pytester.makeini("[pytest]\nlinkis_mock_config = config/mock.toml\n")
    pytester.makepyfile(
        f"""
        SUBMIT = {SUBMIT!r}

        def test_carol_is_the_user_and_jobs_run_long(linkis_mock):
            carol = linkis_mock.logged_in("carol", "secret")
            alice = linkis_mock.client().post(
                "/user/login", json={{"userName": "alice", "password": "alice"}}
            )
            assert alice.json()["status"] != 0
            linkis_mock.freeze()
            job = carol.post("/entrance/submit", json=SUBMIT).json()["data"]
            linkis_mock.advance(30)
            assert linkis_mock.job(job["taskID"])["state"] == "Running"
            linkis_mock.advance(30)
            assert linkis_mock.job(job["taskID"])["state"] == "Succeed"
        """
    )
    inner(pytester).assert_outcomes(passed=1)


def read_rows(
    client: httpx.Client, freeze: Callable[[], object], advance: Callable[[float], object]
) -> int:
    """The rows of a `select a, b from t` result (3 to 10, from the seed)."""
    freeze()
    job = client.post("/entrance/submit", json=SUBMIT).json()["data"]
    advance(10)
    task = client.get(f"/jobhistory/{job['taskID']}/get").json()["data"]["task"]
    opened = client.get(
        "/filesystem/openFile", params={"path": f"{task['resultLocation']}/_0.dolphin"}
    )
    return len(opened.json()["data"]["fileContent"])


# The same function in an inner test file.
READ_ROWS = f"from __future__ import annotations\n\nSUBMIT = {SUBMIT!r}\n\n\n" + inspect.getsource(
    read_rows
)


@functools.cache
def rows_with_seed(seed: int) -> int:
    """read_rows on an in-process mock with this seed (the same for the whole module)."""
    mock = in_process(load_settings(seed=seed))
    try:
        return read_rows(mock.logged_in("alice"), mock.freeze, mock.advance)
    finally:
        mock.stop()


FUNCTION_SCOPED = """
seen = []

def test_first(linkis_mock_server, linkis_mock):
    assert linkis_mock.base_url == linkis_mock_server.base_url
    seen.append(linkis_mock.base_url)

def test_second(linkis_mock):
    assert linkis_mock.base_url != seen[0]
"""


def test_the_seed_decides_the_runs_and_a_function_scoped_mock_is_a_new_server_for_each_test(
    pytester: pytest.Pytester,
) -> None:
    """The seed of the ini file, then the command line's over it. The first run holds the
    function-scoped tests too (the default scope, which the seed does not touch): a run
    that starts a mock pays most of a second to load the web framework."""
    expected = {seed: rows_with_seed(seed) for seed in (1, 7)}
    assert expected[1] != expected[7], expected  # else the test could not tell them apart
    pytester.makeini("[pytest]\nlinkis_mock_seed = 7\n")
    rows = READ_ROWS + textwrap.dedent(
        """
        from pathlib import Path

        def test_rows(linkis_mock):
            rows = read_rows(linkis_mock.logged_in(), linkis_mock.freeze, linkis_mock.advance)
            Path("rows.txt").write_text(str(rows))
        """
    )
    pytester.makepyfile(test_rows=rows, test_function_scope=FUNCTION_SCOPED)
    first = inner(pytester, "-rA")
    assert outcome_of(first) == {
        "test_function_scope.py::test_first": "PASSED",
        "test_function_scope.py::test_second": "PASSED",
        "test_rows.py::test_rows": "PASSED",
    }, first.stdout.str()
    first.assert_outcomes(passed=3)
    assert int((pytester.path / "rows.txt").read_text()) == expected[7]
    inner(pytester, "--linkis-mock-seed", "1", "test_rows.py").assert_outcomes(passed=1)
    assert int((pytester.path / "rows.txt").read_text()) == expected[1]


def scenario_with_one_job(path: Path) -> Path:
    """A scenario (a snapshot) holding one Running job of alice's, on a frozen clock."""
    mock = in_process()
    try:
        mock.freeze()
        mock.as_token("alice").post("/entrance/submit", json=SUBMIT)
        mock.advance(1.5)
        path.write_text(json.dumps(mock.admin("GET", "/snapshot")), encoding="utf-8")
    finally:
        mock.stop()
    return path


def test_a_session_mock_starts_each_test_from_the_scenario(pytester: pytest.Pytester) -> None:
    """With an admin token in the config: the helpers (and the restore between tests)
    send it, a bare admin call is refused."""
    scenario_with_one_job(pytester.path / "one-job.json")
    (pytester.path / "mock.toml").write_text('[admin]\ntoken = "plugin-token-1"\n')
    pytester.makeini(
        SESSION_INI + "linkis_mock_scenario = one-job.json\nlinkis_mock_config = mock.toml\n"
    )
    pytester.makepyfile(
        f"""
        import httpx

        SUBMIT = {SUBMIT!r}
        seen = []

        def test_first(linkis_mock):
            assert httpx.get(linkis_mock.admin_url + "/jobs").status_code == 401
            assert [(j["taskID"], j["state"]) for j in linkis_mock.jobs()] == [(1, "Running")]
            linkis_mock.as_token("bob").post("/entrance/submit", json=SUBMIT)
            linkis_mock.set_job_state(1, "Cancelled")
            linkis_mock.add_fault("submit")
            seen.append(linkis_mock.base_url)

        def test_second(linkis_mock):
            assert linkis_mock.base_url == seen[0]
            assert [(j["taskID"], j["state"]) for j in linkis_mock.jobs()] == [(1, "Running")]
            assert linkis_mock.faults() == [] and linkis_mock.journal() == []
            assert linkis_mock.clock()["frozen"] is True  # the scenario's clock
            linkis_mock.set_job_state(1, "Succeed")
            linkis_mock.reset()  # back to the scenario, as at the start
            assert linkis_mock.job(1)["state"] == "Running"
        """
    )
    inner(pytester).assert_outcomes(passed=2)


def test_a_process_of_its_own_with_the_config_and_seed(pytester: pytest.Pytester) -> None:
    """The config's users and admin token are the process's; the helpers send the token."""
    (pytester.path / "mock.toml").write_text(
        '[[users]]\nname = "carol"\npassword = "secret"\n[admin]\ntoken = "plugin-token-2"\n',
        encoding="utf-8",
    )
    pytester.makepyfile(
        READ_ROWS
        + textwrap.dedent(
            """
            import os
            from pathlib import Path

            import httpx

            def test_served_by_another_process(linkis_mock):
                assert linkis_mock.mode == "process"
                assert httpx.get(linkis_mock.admin_url + "/jobs").status_code == 401
                assert linkis_mock.admin("GET", "/journal")["replica"]["pid"] != os.getpid()
                carol = linkis_mock.logged_in("carol", "secret")
                Path("rows.txt").write_text(
                    str(read_rows(carol, linkis_mock.freeze, linkis_mock.advance))
                )
            """
        )
    )
    args = ("--linkis-mock-mode", "process", "--linkis-mock-config", "mock.toml")
    inner(pytester, *args, "--linkis-mock-seed", "1").assert_outcomes(passed=1)
    assert int((pytester.path / "rows.txt").read_text()) == rows_with_seed(1)


KEEP_STATE = f"""
import pytest

SUBMIT = {SUBMIT!r}

def test_first(linkis_mock):
    linkis_mock.as_token("alice").post("/entrance/submit", json=SUBMIT)

@pytest.mark.linkis_mock_keep_state
def test_kept(linkis_mock):
    assert [job["taskID"] for job in linkis_mock.jobs()] == [1]
    assert linkis_mock.calls("submit", user="alice") == 1

def test_clean_again(linkis_mock):
    assert linkis_mock.jobs() == []
"""

OWN_SERVER = """
import os
import pytest

shared = []

def test_shared(linkis_mock):
    assert linkis_mock.mode == "thread"
    assert linkis_mock.admin("GET", "/journal")["replica"]["pid"] == os.getpid()
    shared.append(linkis_mock.base_url)

@pytest.mark.linkis_mock(mode="process", config="mock.toml")
def test_own(linkis_mock):
    assert linkis_mock.base_url != shared[0]
    assert linkis_mock.admin("GET", "/journal")["replica"]["pid"] != os.getpid()
    linkis_mock.logged_in("carol", "secret")

@pytest.mark.linkis_mock(port=9000)
def test_unknown_setting(linkis_mock):
    pass
"""


def test_keep_state_carries_the_previous_tests_state_and_the_marker_gives_a_mock_of_its_own(
    pytester: pytest.Pytester,
) -> None:
    """Two files in one run with a session-scoped mock (the same options for both; a run
    that starts a mock pays most of a second to load the web framework). The keep-state
    file comes first, so its first test is the session mock's first."""
    (pytester.path / "mock.toml").write_text(
        '[[users]]\nname = "carol"\npassword = "secret"\n', encoding="utf-8"
    )
    pytester.makepyfile(test_a_keep_state=KEEP_STATE, test_b_own_server=OWN_SERVER)
    result = inner(pytester, "-rA", "--strict-markers", "--linkis-mock-scope", "session")
    assert outcome_of(result) == {
        "test_a_keep_state.py::test_first": "PASSED",
        "test_a_keep_state.py::test_kept": "PASSED",
        "test_a_keep_state.py::test_clean_again": "PASSED",
        "test_b_own_server.py::test_shared": "PASSED",
        "test_b_own_server.py::test_own": "PASSED",
        "test_b_own_server.py::test_unknown_setting": "ERROR",
    }, result.stdout.str()
    result.assert_outcomes(passed=5, errors=1)
    assert "takes only mode=, config=, scenario= and seed= (got ['port'])" in result.stdout.str()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--linkis-mock-scope", "module"), "--linkis-mock-scope: 'module' is not one of"),
        (("--linkis-mock-mode", "fork"), "--linkis-mock-mode: 'fork' is not one of"),
        (("--linkis-mock-seed", "-3"), "--linkis-mock-seed: '-3' is not a whole number"),
        (("--linkis-mock-config", "nowhere.toml"), "--linkis-mock-config: no file"),
    ],
)
def test_a_bad_option_stops_the_run_before_any_test(
    pytester: pytest.Pytester, args: tuple[str, ...], message: str
) -> None:
    pytester.makepyfile("def test_never(linkis_mock):\n    raise AssertionError\n")
    # In this process: a run that stops at its options imports no mock (see inner()), and
    # a Python start would be most of what it costs.
    result = pytester.runpytest_inprocess(*IN_PROCESS, *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert message in result.stderr.str(), result.stderr.str()


@pytest.mark.parametrize(
    ("option", "file", "text", "reason"),
    [
        ("config", "mock.toml", "[nope]\n", "linkis-mock cannot start: *nope*"),
        (
            "scenario",
            "state.json",
            '{"version": 1}',
            "linkis-mock cannot start from *state.json: *",
        ),
    ],
)
def test_a_config_or_scenario_the_mock_refuses_fails_the_test_with_its_reason(
    pytester: pytest.Pytester, option: str, file: str, text: str, reason: str
) -> None:
    (pytester.path / file).write_text(text, encoding="utf-8")
    pytester.makepyfile("def test_it(linkis_mock):\n    pass\n")
    if option == "config":
        # In this process: a config refused stops the mock before it starts (nothing is
        # imported that this module has not imported already; see inner()).
        result = pytester.runpytest_inprocess(*IN_PROCESS, f"--linkis-mock-{option}", file)
    else:
        result = inner(pytester, f"--linkis-mock-{option}", file)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([reason])
    assert "During handling" not in result.stdout.str()
