"""The package as a user gets it: a wheel built from a copy of the package's own files,
installed into a fresh venv (tests/process/test_wheel.py, test_pytest_plugin.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from linkis_mock.testing import ROOT

PACKAGED = ("pyproject.toml", "README.md", "linkis_mock", "handlers", "openapi")


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None, expect: int = 0) -> str:
    """A command's output; it must exit with `expect`."""
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == expect, result.stdout[-3000:] + result.stderr[-2000:]
    return result.stdout


def install_wheel(tmp: Path, *requirements: str) -> tuple[Path, Path]:
    """(the wheel, the fresh venv it is installed in), with `requirements` installed
    beside it; constraints.txt pins the versions, as for the project's own venv."""
    # Built from a copy of what the package is made of: the build leaves build/ and
    # *.egg-info where it runs, and stale files there would hide a missing one.
    source = tmp / "source"
    source.mkdir()
    for name in PACKAGED:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__")
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy(ROOT / name, source / name)
    venv = tmp / "venv"
    # Building the wheel and making the venv take seconds each: at the same time. The
    # venv gets no pip of its own; this pip installs into it (--python).
    making_venv = subprocess.Popen([sys.executable, "-m", "venv", "--without-pip", venv])
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp, source, cwd=tmp)
    assert making_venv.wait(timeout=120) == 0
    (wheel,) = tmp.glob("linkis_mock-*.whl")
    constraints = ROOT / "constraints.txt"
    python = venv / "bin" / "python"
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "-c",
        constraints,
        wheel,
        *requirements,
        cwd=tmp,
    )
    return wheel, venv
