"""`linkis-mock serve --reload` as users run it: the real file watcher takes in edits of a
spec copy and of the config while a job runs, and refuses one that cannot be served."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from linkis_mock.testing import ADMIN, ROOT, RunningMock, start_mock
from tests.helpers.spec_files import edit_spec

CONFIG = '[[users]]\nname = "alice"\npassword = "alice"\n'
RUNNING = {
    "executionContent": {"code": "--@mock duration=3600\nselect 1", "runType": "sql"},
    "labels": {"engineType": "spark-2.4.3", "userCreator": "alice-IDE"},
}


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "openapi", specs)
    config = tmp_path / "mock.toml"
    config.write_text(CONFIG)
    return specs, config


@pytest.fixture
def mock(tmp_path: Path, files: tuple[Path, Path]) -> Iterator[RunningMock]:
    specs, config = files
    running = start_mock(tmp_path, "--reload", "--specs", str(specs), "--config", str(config))
    try:
        yield running
    finally:
        running.stop()


def _reloads(mock: RunningMock, *edited: Path) -> dict[str, Any]:
    """The reload report once its reloads name every edited file (the watcher may take
    two edits in as one reload, or as two)."""
    wanted = {str(path.resolve()) for path in edited}
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        report: dict[str, Any] = mock.admin("GET", "/reload")
        if wanted <= {name for reload in report["reloads"] for name in reload["files"]}:
            return report
        time.sleep(0.1)
    raise AssertionError(f"not all of {wanted} reloaded: {report}")


def _edit_status(specs: Path, change: Any) -> None:
    edit_spec(
        specs / "linkis-entrance.yaml",
        lambda spec: change(spec["paths"]["/entrance/{id}/status"]["get"]),
    )


def _add_example(operation: dict[str, Any]) -> None:
    operation["description"] = "Edited while the mock ran."
    examples = operation["responses"]["200"]["content"]["application/json"]["examples"]
    examples["fromReload"] = {
        "summary": "Added by an edit",
        "value": {**examples["running"]["value"], "message": "added while serving"},
    }


def test_edits_are_taken_in_while_a_job_runs_and_its_session_lives_on(
    mock: RunningMock, files: tuple[Path, Path]
) -> None:
    specs, config = files
    alice = mock.logged_in("alice")
    exec_id = alice.post("/entrance/submit", json=RUNNING).json()["data"]["execID"]
    mock.advance(2)
    status = f"/entrance/{exec_id}/status"
    assert alice.get(status).json()["data"]["status"] == "Running"
    clock_before = mock.admin("GET", "/clock")["now"]

    _edit_status(specs, _add_example)
    config.write_text(CONFIG + '[[users]]\nname = "carol"\npassword = "carol"\n')
    report = _reloads(mock, specs / "linkis-entrance.yaml", config)

    assert report["refused"] == 0, report
    assert report["applied"] >= 1
    assert alice.get(status).json()["data"]["status"] == "Running"  # same job, same cookie
    assert mock.admin("GET", "/clock")["now"] >= clock_before  # the clock did not start over
    forced = alice.get(status, headers={"Prefer": "example=fromReload"})
    assert forced.json()["message"] == "added while serving"
    served = mock.http.get(mock.api_url + "/openapi.json").json()
    assert served["paths"]["/entrance/{id}/status"]["get"]["description"].startswith("Edited")
    mock.logged_in("carol")  # the config's new user


def test_a_broken_spec_is_reported_and_the_mock_serves_on(
    mock: RunningMock, files: tuple[Path, Path]
) -> None:
    specs, _ = files
    alice = mock.logged_in("alice")
    exec_id = alice.post("/entrance/submit", json=RUNNING).json()["data"]["execID"]
    (specs / "linkis-entrance.yaml").write_text("openapi: 3.0.3\npaths: [\n")

    report = _reloads(mock, specs / "linkis-entrance.yaml")

    last = report["reloads"][0]
    assert last["outcome"] == "refused"
    assert "linkis-entrance.yaml" in last["problem"]
    assert alice.get(f"/entrance/{exec_id}/status").status_code == 200
    assert httpx.get(mock.base_url + ADMIN + "/ui/", timeout=5).status_code == 200
    console = mock.log_path.read_text()
    assert "kept serving as before" in console
    assert "Traceback" not in console


def test_reload_needs_something_to_watch(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="give one of them"):
        start_mock(tmp_path, "--reload")


def test_a_spec_copy_that_cannot_be_served_stops_the_start(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "vias-task.yaml").write_text("openapi: 3.0.3\ninfo: {}\n")
    with pytest.raises(RuntimeError, match=r"cannot serve the spec .*vias-task\.yaml"):
        start_mock(tmp_path, "--specs", str(specs))
