"""What the proxy found where the real server and the contract disagree: each distinct
violation once, with how often and when it was seen, and one example exchange with
its credentials taken out. Framework-free; the proxy layer fills it, the admin API,
the dashboard and the exit report read it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Protocol

from linkis_mock.api_types import admin as api
from linkis_mock.proxy.exchange import Exchange, Pairs
from linkis_mock.redaction import (
    REDACTED,
    is_secret_name,
    pointer_names_secret,
    scrubbed,
    secret_values,
    without_secrets,
)

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
            secrets = sent_secrets(exchange) if found else frozenset()
            for finding in found:
                self._add(exchange, finding, secrets)

    def _add(self, exchange: Exchange, finding: Finding, secrets: frozenset[str]) -> None:
        # What was found at a password or a token is not repeated, nor anywhere else.
        actual = (
            REDACTED if pointer_names_secret(finding.pointer) else scrubbed(finding.actual, secrets)
        )
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
            known.actual = actual
            known.last_seen_ms = exchange.finished_ms
        elif len(self._violations) < MAX_VIOLATIONS:
            self._violations[key] = Violation(
                finding.operation_id,
                finding.direction,
                finding.status,
                finding.pointer,
                finding.expected,
                actual,
                exchange.finished_ms,
                exchange.finished_ms,
                example_of(exchange, secrets),
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


def sent_secrets(exchange: Exchange) -> frozenset[str]:
    """The credentials an exchange carried: what the request sent as secrets, and the
    cookies and tokens the reply handed out."""
    pairs = (*exchange.request_headers, *exchange.query, *exchange.reply_headers)
    return secret_values(exchange.request_json(), pairs) | secret_values(exchange.reply_json())


def example_of(exchange: Exchange, secrets: frozenset[str] = frozenset()) -> api.ViolationExample:
    """The exchange as kept for a report: credentials replaced wherever they appear,
    bodies cut."""
    query = "&".join(
        f"{name}={REDACTED if is_secret_name(name) else value}" for name, value in exchange.query
    )
    return {
        "method": exchange.method,
        "path": scrubbed(exchange.path, secrets),
        "query": scrubbed(query, secrets),
        "status": exchange.status,
        "requestHeaders": _headers(exchange.request_headers, secrets),
        "replyHeaders": _headers(exchange.reply_headers, secrets),
        "requestBody": _body(exchange.request_body, secrets),
        "replyBody": _body(exchange.reply_body, secrets),
    }


def _headers(pairs: Pairs, secrets: frozenset[str]) -> dict[str, str]:
    kept: dict[str, str] = {}
    for name, value in pairs:
        shown = REDACTED if is_secret_name(name) else scrubbed(value, secrets)
        kept[name] = f"{kept[name]}, {shown}" if name in kept else shown
    return kept


def _body(body: bytes, secrets: frozenset[str]) -> str:
    try:
        document = json.loads(body) if body else None
    except (ValueError, RecursionError):
        document = None
    if document is not None:
        text = json.dumps(without_secrets(document), ensure_ascii=False)
    else:
        text = body.decode("utf-8", "replace")
    text = scrubbed(text, secrets)
    return text if len(text) <= EXAMPLE_BODY_CHARS else text[:EXAMPLE_BODY_CHARS] + "…"
