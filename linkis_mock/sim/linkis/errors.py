"""The failures the simulated entrance raises, worded as the real server words them."""

from __future__ import annotations

from typing import Any, Literal

SERVICE_KIND = "linkis-cg-entrance"
# The HTTP status always follows the envelope's status (Linkis' Message class).
HTTP_STATUS = {0: 200, 1: 400, -1: 401, 2: 412, 3: 403, 4: 206}
# Which `method` a reply's envelope names: the service path the entrance writes
# (`/api/entrance/...`), none (the central error handler's and login's `null`), or the
# full request URI, as the gateway writes for what it refuses itself.
MethodStyle = Literal["service", "none", "request"]


def http_status(status: int) -> int:
    return HTTP_STATUS.get(status, 400)


class LinkisError(Exception):
    """A reply with a non-zero envelope status."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 1,
        data: dict[str, Any] | None = None,
        method: MethodStyle = "service",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.data: dict[str, Any] = data if data is not None else {}
        self.method: MethodStyle = method

    @property
    def status_code(self) -> int:
        """The HTTP status; Connexion's security layer also picks the 401 of a refused
        token over the other scheme's failure by it."""
        return http_status(self.status)


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
        method="none",
    )
