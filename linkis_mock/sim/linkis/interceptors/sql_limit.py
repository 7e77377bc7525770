"""The IDE's SQL limit (SQLLimitEntranceInterceptor, #16; SQLExplain.dealSQLLimit,
Explain.scala:88-375; docs/reference/linkis-interceptors.md §11).

Each statement of the comment-stripped code that is a select without a limit gets
` limit 5000`, one whose trailing limit is above 5000 gets 5000 instead, and the
statements are joined again with `;\\n`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from linkis_mock.sim.linkis import messages
from linkis_mock.sim.linkis.interceptors import java
from linkis_mock.sim.linkis.interceptors.comments import strip_comments

DEFAULT_LIMIT = 5000  # wds.linkis.sql.default.limit
APPENDED = f" limit {DEFAULT_LIMIT}"
LIMIT = "limit"
FULL_EXPORT = re.compile(
    rf"--set\s*ide{java.ANY}engine{java.ANY}no{java.ANY}limit{java.ANY}allow\s*=\s*true", re.ASCII
)
WHITESPACE = re.compile(r"\s+", re.ASCII)
LIMIT_TAIL = re.compile(r"limit\s+\d+\s*;?", re.ASCII)

LogEntry = tuple[str | None, str]


class EmptySqlError(Exception):
    """The statements joined are empty: 20015."""


@dataclass(frozen=True, slots=True)
class Limited:
    code: str
    log: tuple[LogEntry, ...]
    changed: bool  # a limit was added or lowered


def _real_semicolon_parts(code: str) -> list[str]:
    """findRealSemicolonIndex (:225-232): split at every `;` not after a backslash."""
    padded = code if code.endswith(";") else code + ";"
    parts, start = [], 0
    for index in range(1, len(padded)):
        if padded[index] == ";" and padded[index - 1] != "\\":
            parts.append(code[start:index])
            start = index + 1
    return parts


def _parts_outside_quotes(code: str) -> list[str]:
    """splitSqlWithRealSemicolon (:234-276): split at `;` outside quotes and back-ticks,
    a backslash keeping the next character; an empty last part is dropped."""
    parts: list[str] = []
    current: list[str] = []
    single = double = back = escape = False
    for char in code:
        if escape:
            escape = False
        elif char == "\\":
            escape = True
        elif char == "'" and not double and not back:
            single = not single
        elif char == '"' and not single and not back:
            double = not double
        elif char == "`" and not single and not double:
            back = not back
        elif char == ";" and not single and not double and not back:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    if current:
        parts.append("".join(current))
    return parts


def _clean_comment(sql: str) -> str:
    """cleanComment (:317-325): the lines not starting with `--`."""
    kept = [line + "\n" for line in java.split_on(java.trim(sql), "\n")]
    return java.trim("".join(line for line in kept if not java.trim(line).startswith("--")))


def is_select(code: str) -> bool:
    """isSelectCmd (:282-290): the first word, comment lines dropped, contains `select`."""
    if not code:
        return False
    return "select" in java.split(WHITESPACE, java.trim(_clean_comment(code)))[0].lower()


def has_no_limit(statement: str) -> bool:
    """isSelectCmdNoLimit (:294-315): the second-to-last word is not `limit` and does not
    contain `)limit`."""
    words = java.split(WHITESPACE, java.trim(statement)) if statement else []
    if len(words) < 2:
        return False
    second_last = words[-2].lower()
    return not (second_last == LIMIT or ")limit" in second_last)


def is_over_limit(statement: str) -> bool:
    """isSelectOverLimit (:327-349): ends with `limit <n>` and n > 5000; n beyond an int
    is a NumberFormatException."""
    if not statement:
        return False
    code = java.trim(statement)
    lower = code.lower()
    if LIMIT in lower:
        code = java.trim(code[lower.rindex(LIMIT) :])
    if not LIMIT_TAIL.fullmatch(code.lower()):
        return False
    number = java.trim(code[5:-1] if code.find(";") > 0 else code[5:])
    return java.parse_int(number) > DEFAULT_LIMIT


def lowered(statement: str) -> str:
    """repairSelectOverLimit (:358-373)."""
    code = java.trim(statement)
    lower = code.lower()
    before = java.trim(code[: lower.rindex(LIMIT)]) if LIMIT in lower else ""
    keyword = "LIMIT" if code.startswith("SELECT") else LIMIT
    return f"{before} {keyword} {DEFAULT_LIMIT}"


def limit(code: str) -> Limited:
    """dealSQLLimit: the limited code, the log lines it adds, and whether it changed a
    limit. EmptySqlError when nothing is left (20015); java.JavaError for a limit
    beyond an int."""
    statements = strip_comments(code)
    full_export = bool(FULL_EXPORT.search(code))
    log: list[LogEntry] = [("WARN", messages.FULL_EXPORT)] if full_export else []
    fixed: list[str] = []
    changed = False
    for statement in (
        _real_semicolon_parts(statements) if "\\;" in statements
        else _parts_outside_quotes(statements)
    ):  # fmt: skip
        trimmed = java.trim(statement)
        if is_select(statement) and has_no_limit(trimmed) and not full_export:
            if ("WARN", messages.LIMIT_ADDED) not in log:
                log.append(("WARN", messages.LIMIT_ADDED))
            fixed.append(_clean_comment(trimmed) + APPENDED)
            changed = True
        elif is_select(statement) and is_over_limit(statement) and not full_export:
            if ("WARN", messages.LIMIT_LOWERED) not in log:
                log.append(("WARN", messages.LIMIT_LOWERED))
            fixed.append(lowered(trimmed))
            changed = True
        else:
            fixed.append(trimmed)
    log.append(("INFO", messages.SQL_CHECK_PASSED))
    joined = ";\n".join(fixed)
    if not joined:
        raise EmptySqlError
    return Limited(joined, tuple(log), changed)
