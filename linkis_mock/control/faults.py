"""Fault rules: slow down, fail or cut off matching requests to the Linkis and VIAS APIs.

A rule matches an operationId, and optionally a user (or VIAS project) and
path parameter values. The first matching rule fires, if its probability
allows and its `times` are not used up.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from linkis_mock.api_types import admin as api
from linkis_mock.sim.storage.changes import Changes
from linkis_mock.sim.storage.documents import SharedDocuments

Action = Literal["latency", "status", "close"]
ACTIONS: tuple[Action, ...] = ("latency", "status", "close")
DEFAULT_STATUS = 500
DEFAULT_LATENCY_MS = 1000
DOCUMENT = "faults"  # the rules' name among the shared documents


class FaultRuleError(ValueError):
    """A rule that cannot work as written."""


@dataclass(slots=True)
class FaultRule:
    id: str
    operation_id: str
    action: Action
    user: str | None = None
    path_params: dict[str, str] = field(default_factory=dict)
    status: int = 0
    latency_ms: int = 0
    latency_max_ms: int = 0
    times: int | None = None
    probability: float = 1.0
    fired: int = 0

    def matches(self, operation_id: str, user: str | None, path_params: Mapping[str, str]) -> bool:
        if self.operation_id != operation_id or (self.user is not None and self.user != user):
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        return all(path_params.get(k) == v for k, v in self.path_params.items())

    def as_dict(self) -> api.FaultRule:
        return {
            "id": self.id,
            "operationId": self.operation_id,
            "user": self.user,
            "pathParams": dict(self.path_params),
            "action": self.action,
            "status": self.status,
            "latencyMs": self.latency_ms,
            "latencyMaxMs": self.latency_max_ms,
            "times": self.times,
            "probability": self.probability,
            "fired": self.fired,
        }


def rule_from(spec: dict[str, Any], rule_id: str) -> FaultRule:
    """A rule from its API/config form (`addFault`'s body); FaultRuleError if it cannot work."""
    action = spec.get("action")
    if action not in ACTIONS:
        raise FaultRuleError(f"action must be one of {', '.join(ACTIONS)}")
    if not isinstance(spec.get("operationId"), str) or not spec["operationId"]:
        raise FaultRuleError("a rule needs the operationId it applies to")
    status = int(spec.get("status", DEFAULT_STATUS)) if action == "status" else 0
    if action == "status" and not 400 <= status <= 599:
        raise FaultRuleError("a status rule needs a status from 400 to 599")
    low, high = int(spec.get("latencyMs", 0)), int(spec.get("latencyMaxMs", 0))
    if action == "latency" and "latencyMs" not in spec and "latencyMaxMs" not in spec:
        low = DEFAULT_LATENCY_MS
    if action != "latency":
        low = high = 0
    high = max(high, low)  # a "range" below the least wait is just the fixed wait
    if min(low, high) < 0:
        raise FaultRuleError("latencies must not be negative")
    probability = float(spec.get("probability", 1.0))
    if not 0 <= probability <= 1:
        raise FaultRuleError("probability must be between 0 and 1")
    times = spec.get("times")
    return FaultRule(
        id=rule_id,
        operation_id=spec["operationId"],
        action=action,
        user=spec.get("user"),
        path_params={str(k): str(v) for k, v in (spec.get("pathParams") or {}).items()},
        status=status,
        latency_ms=low,
        latency_max_ms=high,
        times=int(times) if times is not None else None,
        probability=probability,
    )


class FaultBook:
    """The fault rules, kept as a shared document of the state (`documents`), so that
    with `--state` every process that shares it shares the rules and their counts too: a
    rule added on one fires on another, and "the next submit" fails once in all."""

    def __init__(
        self,
        seed: int = 0,
        initial: tuple[dict[str, Any], ...] = (),
        documents: SharedDocuments | None = None,
    ) -> None:
        """`initial`: the config file's rules, checked now and restored by a reset; they
        fill a new state only (shared rules already there are taken as they are)."""
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()
        self._counter = 0
        self._random = random.Random(seed)
        self._initial = initial
        self._documents = documents or SharedDocuments(Changes())
        self._version = 0
        for spec in initial:
            rule_from(spec, "f0")  # a config rule that cannot work stops the start
        if self._documents.get(DOCUMENT)[1] is None:
            self.reset()

    def reset(self) -> None:
        with self._lock:
            self._rules, self._counter = [], 0
            for spec in self._initial:
                self._add(spec)
            self._publish()

    def add(self, spec: dict[str, Any]) -> FaultRule:
        with self._lock:
            self._sync()
            rule = self._add(spec)
            self._publish()
            return rule

    def _add(self, spec: dict[str, Any]) -> FaultRule:
        rule = rule_from(spec, f"f{self._counter + 1}")
        self._counter += 1
        self._rules.append(rule)
        return rule

    def remove(self, rule_id: str) -> None:
        with self._lock:
            self._sync()
            kept = [rule for rule in self._rules if rule.id != rule_id]
            if len(kept) == len(self._rules):
                raise KeyError(f"no fault rule {rule_id}")
            self._rules = kept
            self._publish()

    @property
    def active(self) -> bool:
        with self._lock:
            self._sync()
            return bool(self._rules)

    def rules(self) -> list[FaultRule]:
        with self._lock:
            self._sync()
            return list(self._rules)

    def may_fire(self, operation_id: str, user: str | None, path_params: Mapping[str, str]) -> bool:
        """Whether a rule matches, left unfired (the shared state fires it in a unit)."""
        with self._lock:
            self._sync()
            return any(rule.matches(operation_id, user, path_params) for rule in self._rules)

    def fire(
        self, operation_id: str, user: str | None, path_params: Mapping[str, str]
    ) -> FaultRule | None:
        """The first matching rule that fires this time, counted as fired."""
        with self._lock:
            self._sync()
            for rule in self._rules:
                if rule.matches(operation_id, user, path_params):
                    if self._random.random() >= rule.probability:
                        return None
                    rule.fired += 1
                    self._publish()
                    return rule
            return None

    def _sync(self) -> None:
        """Take the shared rules if another process changed them since."""
        version, text = self._documents.get(DOCUMENT)
        if version == self._version or text is None:
            return
        saved = json.loads(text)
        rules = []
        for item in saved["rules"]:
            rule = rule_from(item, str(item["id"]))
            rule.fired = int(item["fired"])
            rules.append(rule)
        self._rules, self._counter, self._version = rules, int(saved["counter"]), version

    def _publish(self) -> None:
        rules = [rule.as_dict() for rule in self._rules]
        text = json.dumps({"counter": self._counter, "rules": rules}, separators=(",", ":"))
        self._version = self._documents.put(DOCUMENT, text)

    def latency_s(self, rule: FaultRule) -> float:
        high = max(rule.latency_max_ms, rule.latency_ms)
        return self._random.uniform(rule.latency_ms, high) / 1000
