"""The one JSON decoding policy for every body the mock reads: RFC 8259, strictly.

Python's `json` module is laxer than the standard, and what it lets through breaks
later: `NaN` and `Infinity` become floats that the clock cannot turn into time and
that no reply can carry as JSON; `1e999` overflows to infinity; a lone `\\ud800`
escape becomes a string that cannot be written back as UTF-8 (in a reply, in the
state file); an integer of thousands of digits passes the parser but not `str()`;
and nesting deep enough for the parser is too deep for whatever walks it next
(validation, snapshots). So a body is accepted only if it is:

- UTF-8 text (RFC 8259 §8.1), without a byte order mark;
- one JSON value with no `NaN`, `Infinity` or `-Infinity` (§6);
- with integers in the 64-bit range Linkis' Java side holds, and finite numbers (§6 lets
  an implementation bound them);
- with strings whose `\\u` escapes pair up (§8.2), so that every string is valid Unicode;
- nested at most `MAX_DEPTH` arrays and objects deep (§9 lets an implementation bound it).

`loads` raises `JsonPolicyError` naming the problem; the error mapper answers it with a
400 in the API's own format.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DEPTH = 100
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1
# The longest integer literal that can be in the 64-bit range: a sign and 19 digits.
LONG_LITERAL_MAX = 20
SHOWN_LITERAL = 24
# A `\u` escape of a surrogate; only bodies that have one need their strings checked.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class JsonPolicyError(ValueError):
    """A body this policy refuses; the message says what is wrong with it."""


def loads(data: bytes | str) -> Any:
    text = _text(data) if isinstance(data, bytes) else data
    if text.startswith("\ufeff"):
        raise JsonPolicyError("a JSON text must not start with a byte order mark")
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise JsonPolicyError(str(exc)) from None
    except RecursionError:
        raise JsonPolicyError(_too_deep()) from None
    _check_nesting_and_strings(value, text)
    return value


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonPolicyError(f"Invalid UTF-8: {exc.reason} at byte {exc.start}") from None


def _non_standard_constant(name: str) -> Any:
    raise JsonPolicyError(f"Non-standard token '{name}': NaN and Infinity are not JSON numbers")


def _bounded_integer(literal: str) -> int:
    if len(literal) <= LONG_LITERAL_MAX and LONG_MIN <= (value := int(literal)) <= LONG_MAX:
        return value
    raise JsonPolicyError(
        f"Numeric value ({_shown(literal)}) out of range of long ({LONG_MIN} - {LONG_MAX})"
    )


def _finite_number(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise JsonPolicyError(f"Numeric value ({_shown(literal)}) out of range of double")
    return value


def _shown(literal: str) -> str:
    if len(literal) <= SHOWN_LITERAL:
        return literal
    return f"{literal[:SHOWN_LITERAL]}... ({len(literal)} characters)"


_DECODER = json.JSONDecoder(
    parse_constant=_non_standard_constant,
    parse_int=_bounded_integer,
    parse_float=_finite_number,
)


def _check_nesting_and_strings(value: Any, text: str) -> None:
    """Walks the value only when its text could break a rule: enough brackets to be too
    deep, or a surrogate escape that may be unpaired."""
    deep = text.count("[") + text.count("{") > MAX_DEPTH
    strings = SURROGATE_ESCAPE.search(text) is not None
    if not (deep or strings):
        return
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict | list):
            if depth >= MAX_DEPTH:
                raise JsonPolicyError(_too_deep())
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, child in items:
                if strings and isinstance(key, str):
                    _check_string(key)
                pending.append((child, depth + 1))
        elif strings and isinstance(node, str):
            _check_string(node)


def _check_string(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        raise JsonPolicyError(
            f"Invalid UTF-16 surrogate \\u{code:04x} in a string: a \\u escape of a "
            "surrogate must be one of a pair"
        ) from None


def _too_deep() -> str:
    return f"Document nesting depth exceeds the maximum allowed ({MAX_DEPTH})"
