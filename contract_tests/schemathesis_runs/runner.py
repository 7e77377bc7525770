"""The whole Schemathesis run against a live mock: every phase, every check, a fixed seed.

Settings (seed, auth, expected statuses and why) are in schemathesis.toml. Each API's run
is a test file of its own (test_linkis.py, test_vias.py, test_admin.py), so that the
three runs, the longest of the suite, can go to different pytest-xdist workers.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys

import pytest

from linkis_mock.config import load_settings
from linkis_mock.testing import ROOT, free_port, serve_in_thread

PHASES = "examples,coverage,fuzzing,stateful"
RUN_TIMEOUT_S = 300
# `make fuzz` sets these: more examples per operation than schemathesis.toml's, in a
# bounded time (Schemathesis stops generating when --max-time is spent).
FUZZ_EXAMPLES = os.environ.get("FUZZ_MAX_EXAMPLES")
FUZZ_SECONDS = os.environ.get("FUZZ_MAX_TIME")
JOB_SPEED = 1000
ADMIN_TOKEN = "contract-admin-token"  # schemathesis.toml gives the admin run the same


def run_schemathesis(spec_url: str) -> str:
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        spec_url,
        # Every check is on by default; not `--checks all`, which would also override
        # the per-operation exceptions in schemathesis.toml.
        "--phases",
        PHASES,
        "--no-color",
    ]
    if FUZZ_EXAMPLES:
        command += ["--max-examples", FUZZ_EXAMPLES, "--max-time", FUZZ_SECONDS or "240"]
    result = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S + int(FUZZ_SECONDS or 0),
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return output


def assert_schemathesis_finds_no_failure(
    spec_path: str, operations: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Schemathesis over the API whose spec the mock serves at `spec_path`: it tests all
    `operations` of it and finds nothing, and the mock logs no error meanwhile."""
    caplog.set_level(logging.ERROR)
    port = free_port()
    config = ROOT / "contract_tests" / "vias-any-project.toml"
    settings = load_settings(config, port=port, admin_token=ADMIN_TOKEN)
    mock = serve_in_thread(settings, port=port)
    # Jobs finish within a few real milliseconds, so the stateful phase's links from
    # job history to the filesystem reads reach real result files.
    mock.admin("PUT", "/clock", json={"speed": JOB_SPEED})
    try:
        output = run_schemathesis(mock.base_url + spec_path)
    finally:
        mock.stop()
    print(output)  # the run's summary, in pytest's captured output
    tested = re.search(r"Tested:\s+(\d+)", output)
    assert tested is not None, output
    assert int(tested.group(1)) == operations, output
    assert "0 failures" in output or "failures" not in output.split("SUMMARY")[-1], output
    # The server runs in this process: whatever it logged as an error (the mock, Connexion,
    # uvicorn) is a request it did not handle as designed, even when the reply passed.
    logged = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not logged, logged[:5]
