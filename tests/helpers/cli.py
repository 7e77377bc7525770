"""The command line run by its entry point in the test's own process: the same code from
argv to exit status, without paying a Python start for each of many cases that stop
before serving (tests/process starts a process of its own where that is the point)."""

from __future__ import annotations

import signal
from dataclasses import dataclass

import pytest
import uvicorn

from linkis_mock import cli


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stderr: str


def run_here(capsys: pytest.CaptureFixture[str], *argv: str) -> Outcome:
    """`linkis-mock ARGV`; a command that goes on to serve fails the test."""

    def would_serve(*args: object, **kwargs: object) -> None:
        raise AssertionError("the command went on to serve")

    # main() makes SIGTERM end a process still starting: not this test process.
    on_sigterm = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(uvicorn, "run", would_serve)
            code = cli.main(list(argv))
    finally:
        signal.signal(signal.SIGTERM, on_sigterm)
    return Outcome(code, capsys.readouterr().err)
