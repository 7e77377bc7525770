"""`&{pattern%±n<unit>...}`: run_date with the time of day now, moved and formatted with a
java.time.DateTimeFormatter pattern (VariableOperationUtils.java:138-205), and the JSON
form of it for json code (:115-131, 214-243). docs/reference/linkis-interceptors.md §8.7.

DateTimeFormatter is emulated for the letters a date-time formats without a locale's week
rules or a zone: G u y Q q M L D d E a h K k H m s S A n N, quotes and optional sections,
in English. A pattern with another letter Java knows (week-based fields, zones, day
periods) is left as written, as Java leaves an invalid one; years outside 1 to 9999 too.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from linkis_mock.sim.linkis.interceptors import java
from linkis_mock.sim.linkis.interceptors.dates import (
    DAY_MS,
    Stamp,
    add_months,
    civil_from_days,
    days_from_civil,
)

LEFT, RIGHT, SPLIT = "&{", "}", "%"
# changeDateTime tries the units in this order; the first the part contains wins.
UNITS = ("y", "M", "d", "H", "m", "s")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS = ("1st", "2nd", "3rd", "4th")
YEAR_LIMIT = 999_999_999  # LocalDate's range
# Years a Python date of the mock's formatting can stand for (see the module docstring).
FIRST_YEAR, LAST_YEAR = 1, 9999


class PatternError(ValueError):
    """What Java throws as an IllegalArgumentException (NumberFormatException included):
    the placeholder stays as written."""


class OperationFailedError(Exception):
    """VariableOperationFailedException(20050, "variable operation expression" + the
    message), with the JDK exception it caught as its cause."""

    def __init__(self, cause: java.JavaError) -> None:
        super().__init__(cause.text)
        self.cause = cause


@dataclass(frozen=True, slots=True)
class DateTime:
    """A local date-time to the millisecond (the entrance's zone has no offset changes)."""

    days: int
    ms_of_day: int

    def plus_ms(self, ms: int) -> DateTime:
        days, ms_of_day = divmod(self.ms_of_day + ms, DAY_MS)
        return DateTime(self.days + days, ms_of_day)

    def plus_months(self, months: int) -> DateTime:
        return DateTime(add_months(Stamp(self.days), months).days, self.ms_of_day)

    def checked(self) -> DateTime:
        year = civil_from_days(self.days)[0]
        if not -YEAR_LIMIT <= year <= YEAR_LIMIT:
            raise OperationFailedError(
                java.JavaError(
                    "DateTimeException",
                    f"Invalid value for Year (valid values -{YEAR_LIMIT} - {YEAR_LIMIT}): {year}",
                )
            )
        return self


def _change(moment: DateTime, part: str) -> DateTime:
    """changeDateTime: the first unit the part names, by the whole number left when every
    occurrence of that unit letter is removed."""
    if not part:
        return moment
    for unit in UNITS:
        if unit in part:
            try:
                amount = java.parse_int(part.replace(unit, ""))
            except java.JavaError as exc:
                raise PatternError(exc.text) from exc
            if unit == "y":
                return moment.plus_months(amount * 12).checked()
            if unit == "M":
                return moment.plus_months(amount).checked()
            per_unit = {"d": DAY_MS, "H": 3_600_000, "m": 60_000, "s": 1000}[unit]
            return moment.plus_ms(amount * per_unit).checked()
    return moment


# ---- DateTimeFormatter.ofPattern(...).format(...) ---------------------------------------


def _value(number: int, width: int = 1, exceeds_pad: bool = False) -> str:
    digits = f"{abs(number):0{width}d}"
    if number < 0:
        return "-" + digits
    if exceeds_pad and len(digits) > width:
        return "+" + digits
    return digits


def _text(names: tuple[str, ...], index: int, count: int) -> str:
    """SHORT (up to 3 letters), FULL (4) or NARROW (5) text."""
    name = names[index]
    if count <= 3:
        return name[:3]
    return name if count == 4 else name[0]


@dataclass(frozen=True, slots=True)
class Fields:
    """The fields of a moment that patterns print."""

    year: int
    month: int
    day: int
    day_of_year: int
    weekday: int  # 0 Monday
    ms: int  # of the day

    @classmethod
    def of(cls, moment: DateTime) -> Fields:
        year, month, day = civil_from_days(moment.days)
        day_of_year = moment.days - days_from_civil(year, 1, 1) + 1
        return cls(year, month, day, day_of_year, (moment.days + 3) % 7, moment.ms_of_day)

    @property
    def hour(self) -> int:
        return self.ms // 3_600_000

    @property
    def nano(self) -> int:
        return self.ms % 1000 * 1_000_000


def _limit(letter: str, count: int, most: int) -> None:
    if count > most:
        raise PatternError(f"Too many pattern letters: {letter}")


def _year(letter: str, count: int, f: Fields) -> str:
    value = f.year if letter == "u" or f.year > 0 else 1 - f.year
    if count == 2:
        return f"{value % 100:02d}"
    return _value(value, count, exceeds_pad=count >= 4)


def _month_or_quarter(letter: str, count: int, f: Fields) -> str:
    _limit(letter, count, 5)
    number = f.month if letter in "ML" else (f.month - 1) // 3 + 1
    if count <= 2:
        return _value(number, count)
    if letter in "ML":
        return _text(MONTHS, f.month - 1, count)
    return (f"Q{number}", f"{ORDINALS[number - 1]} quarter", str(number))[count - 3]


def _weekday(letter: str, count: int, f: Fields) -> str:
    _limit(letter, count, 5)
    return _text(WEEKDAYS, f.weekday, count)


def _era(letter: str, count: int, f: Fields) -> str:
    _limit(letter, count, 5)
    names = ("AD", "Anno Domini", "A") if f.year > 0 else ("BC", "Before Christ", "B")
    return names[0 if count <= 3 else count - 3]


def _am_pm(letter: str, count: int, f: Fields) -> str:
    _limit(letter, count, 1)
    return "AM" if f.hour < 12 else "PM"


def _day_of_year(letter: str, count: int, f: Fields) -> str:
    _limit(letter, count, 3)
    return _value(f.day_of_year, count)


def _fraction(letter: str, count: int, f: Fields) -> str:
    _limit(letter, count, 9)
    return f"{f.nano:09d}"[:count]


def _long(letter: str, count: int, f: Fields) -> str:
    return _value({"A": f.ms, "n": f.nano, "N": f.ms * 1_000_000}[letter], count)


def _small(letter: str, count: int, f: Fields) -> str:
    """The one- or two-digit fields."""
    _limit(letter, count, 2)
    hour = f.hour
    value = {
        "d": f.day,
        "H": hour,
        "k": hour or 24,
        "K": hour % 12,
        "h": hour % 12 or 12,
        "m": f.ms // 60_000 % 60,
        "s": f.ms // 1000 % 60,
    }[letter]
    return _value(value, count)


LETTERS = {
    **dict.fromkeys("uy", _year),
    **dict.fromkeys("MLQq", _month_or_quarter),
    "E": _weekday,
    "G": _era,
    "a": _am_pm,
    "D": _day_of_year,
    "S": _fraction,
    **dict.fromkeys("AnN", _long),
    **dict.fromkeys("dHkKhms", _small),
}


def _quoted(pattern: str, index: int) -> tuple[str, int]:
    """The literal of a quote starting at `index`, and where the pattern goes on."""
    end = index + 1
    while end < len(pattern):
        if pattern[end] == "'":
            if end + 1 < len(pattern) and pattern[end + 1] == "'":
                end += 2
                continue
            break
        end += 1
    if end >= len(pattern):
        raise PatternError("Pattern ends with an incomplete string literal")
    literal = pattern[index + 1 : end]
    return (literal.replace("''", "'") if literal else "'"), end + 1


def format_pattern(pattern: str, moment: DateTime) -> str:
    """DateTimeFormatter.ofPattern(pattern).format(moment); PatternError where Java throws
    IllegalArgumentException, and for letters it formats by a locale's week rules or a
    zone (not emulated)."""
    fields = Fields.of(moment)
    if not FIRST_YEAR <= fields.year <= LAST_YEAR:
        raise PatternError("a year the mock does not format")
    out: list[str] = []
    index, depth = 0, 0
    while index < len(pattern):
        char = pattern[index]
        if char.isascii() and char.isalpha():
            end = index
            while end < len(pattern) and pattern[end] == char:
                end += 1
            printer = LETTERS.get(char)
            if printer is None:
                raise PatternError(f"Unknown pattern letter: {char}")
            out.append(printer(char, end - index, fields))
            index = end
            continue
        if char == "'":
            literal, index = _quoted(pattern, index)
            out.append(literal)
            continue
        if char in "{}#" or (char == "]" and not depth):
            raise PatternError(f"Pattern invalid at '{char}'")
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char not in "[]":
            out.append(char)
        index += 1
    return "".join(out)


def replace(moment: DateTime, text: str) -> str:
    """Every `&{...}` in the text, formatted; one whose pattern or numbers are invalid is
    left as written."""
    start = text.find(LEFT)
    while start != -1:
        end = text.find(RIGHT, start)
        if end == -1:
            break
        content = java.trim(text[start : end + 1].replace(LEFT, "").replace(RIGHT, ""))
        parts = java.split_on(content, SPLIT)
        try:
            if not parts:  # "%".split("%") is empty: parts[0] throws
                raise OperationFailedError(java.JavaError("ArrayIndexOutOfBoundsException", "0"))
            moved = moment
            for part in parts[1:]:
                moved = _change(moved, part)
            formatted = format_pattern(parts[0], moved)
        except PatternError:
            start = text.find(LEFT, end)
            continue
        text = text[:start] + formatted + text[end + 1 :]
        start = text.find(LEFT, start + len(formatted))
    return text


# ---- json code --------------------------------------------------------------------------


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def _java_double(number: float) -> str:
    """Double.toString: plain from 10^-3 to 10^7, `d.dddE<n>` outside, shortest digits."""
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    sign = "-" if math.copysign(1, number) < 0 else ""
    if number == 0:
        return sign + "0.0"
    if 1e-3 <= abs(number) < 1e7:
        text = repr(abs(number))
        return sign + (text if "." in text else text + ".0")
    shortest = Decimal(repr(abs(number))).normalize().as_tuple()
    digits = "".join(map(str, shortest.digits))
    exponent = len(digits) - 1 + int(shortest.exponent)
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exponent}"


def _json_string(text: str) -> str:
    """A JSON string as Jackson writes it: `\\uXXXX` escapes in upper case."""
    out = ['"']
    for char in text:
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char < " ":
            short = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
            out.append(short.get(char) or f"\\u{ord(char):04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _node_text(node: Any) -> str:
    """JsonNode.toString() of a parsed value."""
    if isinstance(node, dict):
        return "{" + ",".join(f"{_json_string(k)}:{_node_text(v)}" for k, v in node.items()) + "}"
    if isinstance(node, list):
        return "[" + ",".join(_node_text(v) for v in node) + "]"
    return _scalar_text(node)


def _scalar_text(node: Any) -> str:
    if isinstance(node, str):
        return _json_string(node)
    if node is None or isinstance(node, bool):
        return {None: "null", True: "true", False: "false"}[node]
    if isinstance(node, float):
        return _java_double(node)
    return str(node)


def _replace_leaves(moment: DateTime, node: Any) -> Any:
    """Every scalar becomes a string: its JSON text with `&{}` replaced."""
    if isinstance(node, dict):
        return {key: _replace_leaves(moment, value) for key, value in node.items()}
    if isinstance(node, list):
        return [_replace_leaves(moment, value) for value in node]
    return replace(moment, _node_text(node))


def replace_json(moment: DateTime, text: str) -> str:
    """json code: a JSON object or array has its leaves replaced and is written again,
    compact; anything else is replaced as text."""
    try:
        root = json.loads(text, parse_constant=_refuse_constant)
    except ValueError:
        return replace(moment, text)
    if not isinstance(root, (dict, list)):
        return replace(moment, text)
    return _node_text(_replace_leaves(moment, root))
