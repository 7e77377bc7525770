"""The Linkis entrance API under Schemathesis: every phase and check (see runner.py)."""

from __future__ import annotations

import pytest

from contract_tests.schemathesis_runs.runner import assert_schemathesis_finds_no_failure

pytestmark = pytest.mark.runs_long


def test_schemathesis_finds_no_failure(caplog: pytest.LogCaptureFixture) -> None:
    assert_schemathesis_finds_no_failure("/api/rest_j/v1/openapi.json", 37, caplog)
