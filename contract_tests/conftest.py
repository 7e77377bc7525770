"""Contract tests talk to the mock as outside clients do, over a real socket."""

from __future__ import annotations

from tests.helpers.served import running_mock

__all__ = ["running_mock"]
