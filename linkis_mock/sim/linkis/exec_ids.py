"""execIDs as the real entrance makes and reads them (ZuulEntranceUtils):

    exec_id + len(app) + len(instance) (3 digits each) + app + instance + short execID

where the short execID is `<creator>_<user>_<engine>_<index>`. A malformed id fails as
the Java code fails, with its exception's generic error.
"""

from __future__ import annotations

import re

from linkis_mock.sim.linkis.errors import LinkisError, generic_error

APP_NAME = "linkis-cg-entrance"
JAVA_INT = re.compile(r"[+-]?\d+")


class ExecIds:
    def __init__(self, instance: str) -> None:
        self.instance = instance  # the entrance's host:port, in every id it makes

    def make(self, short_exec_id: str) -> str:
        instance = self.instance
        return f"exec_id{len(APP_NAME):03d}{len(instance):03d}{APP_NAME}{instance}{short_exec_id}"

    def short_of(self, exec_id: str) -> str:
        """Parse an execID like ZuulEntranceUtils; malformed ids fail like the Java code."""
        if exec_id.startswith("exec_id"):
            body, widths = exec_id[len("exec_id") :], [3, 3]
        else:  # the 0.x layout: three 2-digit lengths
            body, widths = exec_id, [2, 2, 2]
        offset = 0
        lengths: list[int] = []
        for width in widths:
            digits = self._substring(body, offset, offset + width)
            if not JAVA_INT.fullmatch(digits):
                raise self._error("NumberFormatException", f'For input string: "{digits}"')
            lengths.append(int(digits))
            offset += width
        prefix = offset + sum(lengths)
        if any(length < 0 for length in lengths):
            raise self._error(
                "StringIndexOutOfBoundsException",
                f"begin {offset}, end {prefix}, length {len(body)}",
            )
        self._substring(body, offset, prefix)
        return body[prefix:]

    def _substring(self, text: str, begin: int, end: int) -> str:
        if end > len(text) or begin > end:
            raise self._error(
                "StringIndexOutOfBoundsException", f"begin {begin}, end {end}, length {len(text)}"
            )
        return text[begin:end]

    def _error(self, exception_class: str, text: str) -> LinkisError:
        return generic_error(exception_class, text, self.instance)
