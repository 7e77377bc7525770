"""The package as a user gets it: a wheel built from a copy of the package's own files,
installed into a fresh venv (tests/process/test_wheel.py, test_pytest_plugin.py).

`installed_wheel()` builds that once for all of them, into build/test-wheel/<key>, where
the key is a hash of every packaged file and of constraints.txt: test files on other
workers (pytest-xdist) wait for the one that builds it, and a later run with the same
files reuses it. `make test` builds it before pytest (`python -m tests.helpers.wheel`).
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from linkis_mock.testing import ROOT

PACKAGED = ("pyproject.toml", "README.md", "linkis_mock", "handlers", "openapi")
# What the shared venv holds beside the wheel: pytest, for a user's project of tests.
BESIDE = ("pytest",)
CACHE = ROOT / "build" / "test-wheel"


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


def packaged_files() -> list[Path]:
    files = []
    for name in PACKAGED:
        path = ROOT / name
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            )
        else:
            files.append(path)
    return files


def _key() -> str:
    digest = hashlib.sha256()
    for path in [*packaged_files(), ROOT / "constraints.txt"]:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    digest.update(" ".join(BESIDE).encode())
    return digest.hexdigest()[:16]


def installed_wheel() -> tuple[Path, Path]:
    """(the wheel, the venv it is installed in, with pytest beside it), built once for
    these packaged files."""
    folder = CACHE / _key()
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder; the others wait for its result
        done = folder / "done"
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            for stale in CACHE.iterdir():  # earlier keys' builds
                if stale.is_dir():
                    shutil.rmtree(stale, ignore_errors=True)
            folder.mkdir()
            install_wheel(folder, *BESIDE)
            done.touch()
    (wheel,) = folder.glob("linkis_mock-*.whl")
    return wheel, folder / "venv"


if __name__ == "__main__":
    print(installed_wheel()[1])
