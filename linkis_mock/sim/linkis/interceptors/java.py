"""What the entrance's interceptors borrow from the JDK and commons-lang, where Python's own
differs: trimming, splitting, `Integer.parseInt`, `BigDecimal`, the regex `.`, and the
exceptions whose class and message reach a client's error text
(docs/reference/linkis-interceptors.md §2, §8.9).

The texts of the JDK's exceptions are those of JDK 8, the JDK Linkis 1.9 is built and run
with (§2.4).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

# Java's `.` without DOTALL matches anything but these (java.util.regex.Pattern, "Line
# terminators"); Python's `.` only excludes "\n". ANY stands for Java's `.` in patterns.
LINE_TERMINATORS = "\n\r\u0085\u2028\u2029"
ANY = f"[^{LINE_TERMINATORS}]"
INT_MIN, INT_MAX = -(2**31), 2**31 - 1

# String.trim(): every char up to U+0020.
_TRIMMED = "".join(chr(code) for code in range(0x21))
# Character.isWhitespace (commons-lang's StringUtils.strip and isBlank): the Unicode space,
# line and paragraph separators except the no-break ones, and nine controls.
_WHITESPACE = "".join(
    char
    for char in map(chr, range(0x3000 + 1))
    if (unicodedata.category(char) in ("Zs", "Zl", "Zp") and char not in "\u00a0\u2007\u202f")
    or char in "\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f"
)


class JavaError(Exception):
    """A JDK exception as commons-lang's `ExceptionUtils.getRootCauseMessage` shows it:
    `<short class name>: <message>` (an absent message shows as "")."""

    def __init__(self, class_name: str, message: str = "") -> None:
        super().__init__(f"{class_name}: {message}")
        self.class_name = class_name
        self.text = message

    @property
    def root_message(self) -> str:
        return f"{self.class_name}: {self.text}"


def trim(text: str) -> str:
    """String.trim()."""
    return text.strip(_TRIMMED)


def rtrim(text: str) -> str:
    """The end String.trim() cuts."""
    return text.rstrip(_TRIMMED)


def strip(text: str) -> str:
    """StringUtils.strip(text): Character.isWhitespace at both ends."""
    return text.strip(_WHITESPACE)


def is_blank(text: str | None) -> bool:
    """StringUtils.isBlank."""
    return text is None or not strip(text)


def split(pattern: re.Pattern[str], text: str) -> list[str]:
    """String.split / Pattern.split with no limit: the parts between matches, with the
    trailing empty ones removed; no match at all gives [text]."""
    parts: list[str] = []
    index = 0
    found = False
    for match in pattern.finditer(text):
        start, end = match.span()
        if start == end == 0:
            continue  # no leading empty part for a zero-width match at 0
        found = True
        parts.append(text[index:start])
        index = end
    if not found:
        return [text]
    parts.append(text[index:])
    while parts and not parts[-1]:
        parts.pop()
    return parts


def split_on(text: str, separator: str) -> list[str]:
    """String.split(separator) for a literal separator."""
    if separator not in text:
        return [text]
    parts = text.split(separator)
    while parts and not parts[-1]:
        parts.pop()
    return parts


def parse_int(text: str) -> int:
    """Integer.parseInt(text): an optional sign and decimal digits (any script's), within
    32 bits; NumberFormatException otherwise."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not digits or not all(char.isdecimal() for char in digits):
        raise number_format(text)
    value = int(digits) * (-1 if text[:1] == "-" else 1)
    if not INT_MIN <= value <= INT_MAX:
        raise number_format(text)
    return value


def number_format(text: str) -> JavaError:
    return JavaError("NumberFormatException", f'For input string: "{text}"')


def int32(value: int) -> int:
    """`value` wrapped to a Java int, as int arithmetic overflows."""
    return (value + 2**31) % 2**32 - 2**31


# java.math.BigDecimal(String): a sign, digits with an optional point, an optional exponent.
# Python's \d is Unicode's decimal digits, as Character.isDigit is.
_BIG_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def big_decimal(text: str) -> Decimal | None:
    """The number `new BigDecimal(text)` reads, or None where it throws (Python's Decimal
    would also take spaces, underscores, `NaN` and `Infinity`)."""
    if not _BIG_DECIMAL.fullmatch(text):
        return None
    value = Decimal(text)
    # The scale must fit in an int (BigDecimal throws "Exponent overflow" otherwise).
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or not INT_MIN <= -exponent <= INT_MAX:
        return None
    return value
