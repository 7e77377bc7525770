"""Browser tests need a real socket: the session's mock is served from a thread."""

from __future__ import annotations

from tests.helpers.served import running_mock

__all__ = ["running_mock"]
