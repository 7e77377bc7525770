"""What the proxy found where the real server and the contract disagree: each distinct
violation once, with how often and when it was seen, and one example exchange with
its credentials taken out. Framework-free; the proxy layer fills it, the admin API,
the dashboard and the exit report read it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from linkis_mock.api_types import admin as api
from linkis_mock.proxy.exchange import Exchange, Pairs

SECRET_HEADERS = frozenset({"cookie", "set-cookie", "token-code", "x-auth-token", "authorization"})
SECRET_MEMBERS = frozenset({"password", "passwd", "token", "secret"})
REDACTED = "[redacted]"
EXAMPLE_BODY_CHARS = 4096
MAX_VIOLATIONS = 10_000  # distinct ones; past it, new kinds are only counted
Direction = Literal["request", "reply"]


class Finding(Protocol):
    """One disagreement in one exchange (linkis_mock.proxy.conformance.Finding)."""

    @property
    def operation_id(self) -> str | None: ...
    @property
    def direction(self) -> Direction: ...
    @property
    def status(self) -> int: ...
    @property
    def pointer(self) -> str: ...
    @property
    def expected(self) -> str: ...
    @property
    def actual(self) -> str: ...


Key = tuple[str | None, Direction, int, str, str]


@dataclass(slots=True)
class Violation:
    operation_id: str | None
    direction: Direction
    status: int
    pointer: str
    expected: str
    actual: str  # as last seen
    first_seen_ms: int
    last_seen_ms: int
    example: api.ViolationExample
    count: int = 1

    def as_dict(self) -> api.Violation:
        return {
            "operationId": self.operation_id,
            "direction": self.direction,
            "status": self.status,
            "pointer": self.pointer,
            "expected": self.expected,
            "actual": self.actual,
            "count": self.count,
            "firstSeen": self.first_seen_ms,
            "lastSeen": self.last_seen_ms,
            "example": self.example,
        }


@dataclass(slots=True)
class OperationSeen:
    exchanges: int = 0
    with_violations: int = 0


class ViolationBook:
    def __init__(self) -> None:
        self._violations: dict[Key, Violation] = {}
        self._operations: dict[str, OperationSeen] = {}
        self._exchanges = 0
        self._uncounted = 0
        self._lock = threading.Lock()

    def record(
        self, exchange: Exchange, operation_id: str | None, findings: Iterable[Finding]
    ) -> None:
        """One checked exchange, and what was found in it (possibly nothing)."""
        found = list(findings)
        with self._lock:
            self._exchanges += 1
            seen = self._operations.setdefault(
                operation_id or "(unknown operation)", OperationSeen()
            )
            seen.exchanges += 1
            seen.with_violations += bool(found)
            for finding in found:
                self._add(exchange, finding)

    def _add(self, exchange: Exchange, finding: Finding) -> None:
        key = (
            finding.operation_id,
            finding.direction,
            finding.status,
            finding.pointer,
            finding.expected,
        )
        known = self._violations.get(key)
        if known is not None:
            known.count += 1
            known.actual = finding.actual
            known.last_seen_ms = exchange.finished_ms
        elif len(self._violations) < MAX_VIOLATIONS:
            self._violations[key] = Violation(
                finding.operation_id,
                finding.direction,
                finding.status,
                finding.pointer,
                finding.expected,
                finding.actual,
                exchange.finished_ms,
                exchange.finished_ms,
                example_of(exchange),
            )
        else:
            self._uncounted += 1

    def violations(self) -> list[Violation]:
        with self._lock:
            return sorted(
                self._violations.values(), key=lambda v: (v.operation_id or "", v.pointer)
            )

    def summary(self) -> api.ViolationReport:
        with self._lock:
            operations: list[api.OperationChecked] = [
                {
                    "operationId": name,
                    "exchanges": seen.exchanges,
                    "withViolations": seen.with_violations,
                }
                for name, seen in sorted(self._operations.items())
            ]
            exchanges, uncounted = self._exchanges, self._uncounted
        return {
            "exchanges": exchanges,
            "operations": operations,
            "violations": [v.as_dict() for v in self.violations()],
            "uncounted": uncounted,
        }

    @property
    def total(self) -> int:
        """Violations seen, repeats included."""
        with self._lock:
            return sum(v.count for v in self._violations.values()) + self._uncounted

    def clear(self) -> int:
        with self._lock:
            cleared = len(self._violations)
            self._violations.clear()
            self._operations.clear()
            self._exchanges = self._uncounted = 0
            return cleared


def example_of(exchange: Exchange) -> api.ViolationExample:
    """The exchange as kept for a report: credentials replaced, bodies cut."""
    return {
        "method": exchange.method,
        "path": exchange.path,
        "query": "&".join(f"{name}={value}" for name, value in exchange.query),
        "status": exchange.status,
        "requestHeaders": _headers(exchange.request_headers),
        "replyHeaders": _headers(exchange.reply_headers),
        "requestBody": _body(exchange.request_body),
        "replyBody": _body(exchange.reply_body),
    }


def _headers(pairs: Pairs) -> dict[str, str]:
    kept: dict[str, str] = {}
    for name, value in pairs:
        shown = REDACTED if name in SECRET_HEADERS else value
        kept[name] = f"{kept[name]}, {shown}" if name in kept else shown
    return kept


def _body(body: bytes) -> str:
    try:
        document = json.loads(body) if body else None
    except (ValueError, RecursionError):
        document = None
    if document is not None:
        text = json.dumps(_without_secrets(document), ensure_ascii=False)
    else:
        text = body.decode("utf-8", "replace")
    return text if len(text) <= EXAMPLE_BODY_CHARS else text[:EXAMPLE_BODY_CHARS] + "…"


def _without_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: REDACTED if str(key).lower() in SECRET_MEMBERS else _without_secrets(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_without_secrets(item) for item in value]
    return value
