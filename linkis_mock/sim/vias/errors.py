"""The failures of the VIAS task API, in Huawei Cloud's six-member error body; codes and
texts follow docs/reference/vias-task.md §3, §4."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ErrorKind:
    http_status: int
    code: str
    message: str
    advice: str
    reason: str = ""  # the message, unless the documentation words the cause apart


INVALID = ErrorKind(
    400,
    "VIAS.00010001",
    "The parameters are invalid.",
    "Ensure that the input parameters are valid.",
    reason="Invalid parameter.",
)
NOT_ALLOWED = ErrorKind(
    400,
    "VIAS.00010004",
    "The object or parameter is invalid.",
    "Confirm the format of the object or parameter.",
)
FORBIDDEN = ErrorKind(403, "VIAS.00010005", "Authorization failed.", "Check user permissions.")
INTERNAL = ErrorKind(
    500, "VIAS.00010006", "An internal error occurs.", "Contact technical support."
)
NO_TASK = ErrorKind(
    400, "VIAS.00010007", "No task is found based on the task ID.", "Check your task ID."
)


class ViasError(Exception):
    """A failure in the six-field Huawei error body."""

    def __init__(self, kind: ErrorKind, detail: str, param: str | None = None) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.param = param

    def body(self) -> dict[str, Any]:
        return {
            "error_code": self.kind.code,
            "error_msg": self.kind.message,
            "detail": self.detail,
            "params": [self.param] if self.param else [],
            "reason": self.kind.reason or self.kind.message,
            "advice": self.kind.advice,
        }
