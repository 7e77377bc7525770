"""The failures the simulated entrance raises, worded as the real server words them."""

from __future__ import annotations

from typing import Any, Literal

SERVICE_KIND = "linkis-cg-entrance"
PUBLIC_SERVICE = "linkis-ps-publicservice"  # job history, filesystem, configuration
GATEWAY = "linkis-mg-gateway"
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


class DownloadError(Exception):
    """A failed download. The real handlers write the file straight to the response and,
    on failure, reset it and write `body` as plain text: `error(错误):<message>` for the
    result downloads, nothing for the job-list export
    (docs/reference/linkis-console.md §5.3, §7.1)."""

    def __init__(self, body: str) -> None:
        super().__init__(body)
        self.body = body

    @classmethod
    def saying(cls, message: str) -> DownloadError:
        return cls(f"error(错误):{message}")


def _host_port(instance: str) -> tuple[str, int]:
    host, _, port = instance.rpartition(":")
    return host, int(port) if port.isdigit() else 0


def _error_msg(err_code: int, desc: str, instance: str, service_kind: str) -> dict[str, Any]:
    host, port = _host_port(instance)
    return {
        "level": 2,
        "errCode": err_code,
        "desc": desc,
        "ip": host,
        "port": port,
        "serviceKind": service_kind,
    }


def coded_error(
    code: int,
    desc: str,
    instance: str,
    service_kind: str = SERVICE_KIND,
    shown: tuple[int, str] | None = None,
) -> LinkisError:
    """A Linkis error with an error code (LinkisException), as the central AOP renders it:
    the message shows `shown`, the code and text of its cause when that is coded too
    (linkis-module package.scala:85-96), `data.errorMsg` the error itself."""
    shown_code, shown_desc = shown or (code, desc)
    return LinkisError(
        f"error code(错误码): {shown_code}, error message(错误信息): {shown_desc}.",
        data={"errorMsg": _error_msg(code, desc, instance, service_kind)},
    )


def generic_error(
    exception_class: str, text: str, instance: str, service_kind: str = SERVICE_KIND
) -> LinkisError:
    """Any other exception escaping a handler (bad number, malformed id, ...)."""
    return LinkisError(
        f"operation failed(操作失败)s！the reason(原因)：{exception_class}: {text}",
        data={"errorMsg": _error_msg(0, text, instance, service_kind)},
        method="none",
    )


def wrapped_text(code: int, desc: str, instance: str, service_kind: str) -> str:
    """A coded exception's own message (LinkisRuntimeException.java:37-48), which handlers
    that catch one send on as their error text."""
    host, port = _host_port(instance)
    return f"errCode: {code} ,desc: {desc} ,ip: {host} ,port: {port} ,serviceKind: {service_kind}"
