"""A plain install works: the wheel, installed into a fresh venv and started outside the
checkout, serves everything (specs, handlers, dashboard, Swagger UI) and runs a job."""

from __future__ import annotations

import os
import subprocess
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from linkis_mock.testing import ROOT, free_port
from tests.helpers.wheel import installed_wheel, run

pytestmark = pytest.mark.runs_long

TOKEN = {"Token-Code": "LINKIS-AUTH", "Token-User": "alice"}


@pytest.fixture(scope="module")
def installed() -> tuple[Path, Path]:
    """(the wheel, the fresh venv it is installed in)."""
    return installed_wheel()


def test_the_wheel_holds_every_module_spec_and_page(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        f"linkis_mock/{path.relative_to(ROOT / 'linkis_mock').as_posix()}"
        for path in (ROOT / "linkis_mock").rglob("*")
        if path.suffix in (".py", ".html", ".typed") and "__pycache__" not in path.parts
    }
    expected |= {f"linkis_mock/handlers/{p.name}" for p in (ROOT / "handlers").glob("*.py")}
    expected |= {f"linkis_mock/openapi/{p.name}" for p in (ROOT / "openapi").glob("*.yaml")}
    assert expected <= names, sorted(expected - names)
    assert not any(name.startswith("handlers/") for name in names), "no top-level package"


def test_the_installed_mock_serves_from_outside_the_checkout(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    _, venv = installed
    where = run(
        venv / "bin" / "python",
        "-c",
        "import linkis_mock, linkis_mock.handlers; "
        "print(linkis_mock.__file__); print(linkis_mock.handlers.__file__)",
        cwd=tmp_path,
    )
    assert all(line.startswith(str(venv)) for line in where.split()), where
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    server = subprocess.Popen(
        [venv / "bin" / "linkis-mock", "serve", "--port", str(port), "--log-level", "warning"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, server)
        with httpx.Client(base_url=base, timeout=10) as client:
            _run_a_job_to_succeed(client)
            dashboard = client.get("/__admin/ui/")
            assert dashboard.status_code == 200 and "<html" in dashboard.text.lower()
            swagger = client.get("/api/rest_j/v1/ui/")
            assert swagger.status_code == 200 and "swagger" in swagger.text.lower()
            spec = client.get("/v2/openapi.json").json()
            assert spec["info"]["title"] == "Huawei Cloud VIAS task API (mock)"
    finally:
        server.terminate()
        output = server.communicate(timeout=15)[0].decode(errors="replace")
    assert "Traceback" not in output, output


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    with httpx.Client(timeout=1) as poll:  # one TLS context for all the polls
        while time.monotonic() < deadline:
            assert server.poll() is None, server.communicate()[0].decode(errors="replace")
            try:
                poll.get(base + "/__admin/clock")
                return
            except httpx.TransportError:
                time.sleep(0.1)
    raise AssertionError("the installed mock did not start")


def _run_a_job_to_succeed(client: httpx.Client) -> None:
    client.put("/__admin/clock", json={"frozen": True}).raise_for_status()
    submitted = client.post(
        "/api/rest_j/v1/entrance/submit",
        json={
            "executionContent": {"code": "select a, b from t", "runType": "sql"},
            "labels": {"engineType": "spark"},
        },
        headers=TOKEN,
    ).json()["data"]
    client.post("/__admin/clock/advance", json={"seconds": 10}).raise_for_status()
    status = client.get(f"/api/rest_j/v1/entrance/{submitted['execID']}/status", headers=TOKEN)
    assert status.json()["data"]["status"] == "Succeed", status.text
    history = client.get(f"/api/rest_j/v1/jobhistory/{submitted['taskID']}/get", headers=TOKEN)
    location = history.json()["data"]["task"]["resultLocation"]
    result = client.get(
        "/api/rest_j/v1/filesystem/openFile",
        params={"path": f"{location}/_0.dolphin"},
        headers=TOKEN,
    ).json()["data"]
    assert [column["columnName"] for column in result["metadata"]] == ["a", "b"]
