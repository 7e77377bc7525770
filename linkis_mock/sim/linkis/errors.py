"""The failures the simulated entrance raises, worded as the real server words them."""

from __future__ import annotations

from typing import Any

SERVICE_KIND = "linkis-cg-entrance"


class LinkisError(Exception):
    """A reply with a non-zero envelope status; the API layer maps `status` to HTTP."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 1,
        data: dict[str, Any] | None = None,
        method_is_null: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.data: dict[str, Any] = data if data is not None else {}
        self.method_is_null = method_is_null


def _error_msg(err_code: int, desc: str, instance: str) -> dict[str, Any]:
    host, _, port = instance.rpartition(":")
    return {
        "level": 2,
        "errCode": err_code,
        "desc": desc,
        "ip": host,
        "port": int(port) if port.isdigit() else 0,
        "serviceKind": SERVICE_KIND,
    }


def coded_error(code: int, desc: str, instance: str) -> LinkisError:
    """A Linkis error with an error code (LinkisException), as the central AOP renders it."""
    return LinkisError(
        f"error code(错误码): {code}, error message(错误信息): {desc}.",
        data={"errorMsg": _error_msg(code, desc, instance)},
    )


def generic_error(exception_class: str, text: str, instance: str) -> LinkisError:
    """Any other exception escaping a handler (bad number, malformed id, ...)."""
    return LinkisError(
        f"operation failed(操作失败)s！the reason(原因)：{exception_class}: {text}",
        data={"errorMsg": _error_msg(0, text, instance)},
        method_is_null=True,
    )
