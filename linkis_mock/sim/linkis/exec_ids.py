"""execIDs as the real entrance makes and reads them (ZuulEntranceUtils):

    exec_id + len(app) + len(instance) (3 digits each) + app + instance + short execID

where the short execID is `<creator>_<user>_<engine>_<index>`. A malformed id fails as
the Java code fails, with its exception's generic error.
"""

from __future__ import annotations

import re
from functools import lru_cache

from linkis_mock.sim.linkis.errors import generic_error
from linkis_mock.sim.short_texts import kept_for_short_texts

APP_NAME = "linkis-cg-entrance"
JAVA_INT = re.compile(r"[+-]?\d+")


def make_exec_id(instance: str, short_exec_id: str) -> str:
    """The execID the entrance at `instance` (its host:port) gives a short one."""
    return exec_id_prefix(instance) + short_exec_id


@lru_cache(maxsize=64)
def exec_id_prefix(instance: str) -> str:
    """What every execID of the entrance at `instance` begins with."""
    return f"exec_id{len(APP_NAME):03d}{len(instance):03d}{APP_NAME}{instance}"


class ExecIds:
    def __init__(self, instance: str) -> None:
        self.instance = instance  # the entrance's host:port, named in the errors it raises

    def short_of(self, exec_id: str) -> str:
        """Parse an execID like ZuulEntranceUtils; malformed ids fail like the Java code."""
        parsed = _parsed(exec_id)
        if isinstance(parsed, str):
            return parsed
        raise generic_error(*parsed, self.instance)


@kept_for_short_texts(longest=256, maxsize=4096)  # pollers ask after the same few jobs
def _parsed(exec_id: str) -> str | tuple[str, str]:
    """The short execID, or the Java exception (class, message) parsing fails with."""
    if exec_id.startswith("exec_id"):
        body, widths = exec_id[len("exec_id") :], [3, 3]
    else:  # the 0.x layout: three 2-digit lengths
        body, widths = exec_id, [2, 2, 2]
    offset = 0
    lengths: list[int] = []
    for width in widths:
        if offset + width > len(body):
            return _out_of_bounds(offset, offset + width, len(body))
        digits = body[offset : offset + width]
        if not JAVA_INT.fullmatch(digits):
            return "NumberFormatException", f'For input string: "{digits}"'
        lengths.append(int(digits))
        offset += width
    prefix = offset + sum(lengths)
    if any(length < 0 for length in lengths) or prefix > len(body) or offset > prefix:
        return _out_of_bounds(offset, prefix, len(body))
    return body[prefix:]


def _out_of_bounds(begin: int, end: int, length: int) -> tuple[str, str]:
    return "StringIndexOutOfBoundsException", f"begin {begin}, end {end}, length {length}"
