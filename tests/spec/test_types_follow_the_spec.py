"""The types the code uses are generated from the specs, and hold the code to them.

A response schema change that the simulator and handlers do not follow must
fail the type check: here, in a scratch copy of the project, the spec renames a
field of StatusData, the types are regenerated, and mypy must reject the code.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from linkis_mock.testing import ROOT
from tests.helpers.spec_files import edit_spec

COPIED = ("linkis_mock", "handlers", "openapi", "tools", "pyproject.toml")


def test_committed_types_match_the_specs() -> None:
    result = subprocess.run(
        [sys.executable, "tools/generate_types.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_schema_change_the_code_does_not_follow_fails_mypy(tmp_path: Path) -> None:
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    if (ROOT / ".mypy_cache").is_dir():  # warm from make lint: only what changed is checked
        shutil.copytree(ROOT / ".mypy_cache", tmp_path / ".mypy_cache")

    def rename_status(spec: dict[str, Any]) -> None:
        status_data = spec["components"]["schemas"]["StatusData"]
        status_data["properties"]["jobStatus"] = status_data["properties"].pop("status")
        status_data["required"] = [
            "jobStatus" if r == "status" else r for r in status_data["required"]
        ]

    edit_spec(tmp_path / "openapi" / "linkis-entrance.yaml", rename_status)

    subprocess.run(  # the edited spec's module; the others are as committed
        [sys.executable, "tools/generate_types.py", "linkis-entrance"],
        cwd=tmp_path,
        check=True,
        timeout=120,
    )
    assert (
        "jobStatus: JobState" in (tmp_path / "linkis_mock/api_types/linkis_entrance.py").read_text()
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            "linkis_mock",
            "handlers",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert 'Extra key "status" for TypedDict "StatusData"' in output, output
