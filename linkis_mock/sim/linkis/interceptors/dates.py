"""The date built-ins of variable substitution: `run_date` and the dates Linkis derives from
it, each a value with the arithmetic Linkis gives it (docs/reference/linkis-interceptors.md
§8.4-§8.6).

Linkis computes them with java.text.SimpleDateFormat (lenient: `20261301` reads as
2027-01-01, `2026-08-19` as 2025-12-08 under `yyyyMMdd`) and java.util.Calendar; both are
emulated here on a proleptic Gregorian day count (Java switches to the Julian calendar
before 1582-10-15; the mock does not).
"""

from __future__ import annotations

from dataclasses import dataclass

from linkis_mock.sim.linkis.interceptors.java import (
    INT_MAX,
    INT_MIN,
    JavaError,
    int32,
    parse_int,
)
from linkis_mock.sim.linkis.messages import OPERATOR_NOT_SUPPORTED
from linkis_mock.sim.short_texts import kept_for_short_texts

YMD, YMD_STD = "yyyyMMdd", "yyyy-MM-dd"
YM, YM_STD = "yyyyMM", "yyyy-MM"
YMDH, YMDH_STD = "yyyyMMddHH", "yyyy-MM-dd HH"
DAY_MS = 86_400_000
# The patterns and the date text of a call whose result is kept (run_date and the like);
# a longer text, which a body may send, is read each time.
SHORT_DATE_TEXTS = 64
HOUR_MS = 3_600_000


@dataclass(frozen=True, slots=True)
class Stamp:
    """A local date and hour, as a Calendar built from these patterns holds them."""

    days: int  # since 1970-01-01
    hour: int = 0


@dataclass(frozen=True, slots=True)
class Moment:
    """The entrance clock's reading in the entrance's zone: the day and the time of day."""

    days: int
    ms_of_day: int

    @classmethod
    def of(cls, epoch_ms: int, offset_ms: int = 0) -> Moment:
        days, ms_of_day = divmod(epoch_ms + offset_ms, DAY_MS)
        return cls(days, ms_of_day)

    @property
    def hour(self) -> int:
        return self.ms_of_day // HOUR_MS


# ---- the proleptic Gregorian calendar (H. Hinnant's days_from_civil / civil_from_days) ----


def days_from_civil(year: int, month: int, day: int) -> int:
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def civil_from_days(days: int) -> tuple[int, int, int]:
    days += 719468
    era = days // 146097
    day_of_era = days - era * 146097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = shifted_month + (3 if shifted_month < 10 else -9)
    return year_of_era + era * 400 + (month <= 2), month, day


def month_length(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def lenient(year: int, month0: int, day: int, hour: int = 0) -> Stamp:
    """A lenient Calendar's reading of the fields: months, days and hours past their range
    carry over (month 13 is January of the next year)."""
    year += month0 // 12
    days = days_from_civil(year, month0 % 12 + 1, 1) + day - 1
    return Stamp(days + hour // 24, hour % 24)


# ---- SimpleDateFormat -------------------------------------------------------------------


def _fields(pattern: str) -> tuple[tuple[str, int], ...]:
    """The pattern as (letter, count) fields and ("", char) literals."""
    parts: list[tuple[str, int]] = []
    index = 0
    while index < len(pattern):
        letter = pattern[index]
        count = 1
        while index + count < len(pattern) and pattern[index + count] == letter:
            count += 1
        if letter.isalpha():
            parts.append((letter, count))
        else:
            parts.extend(("", ord(char)) for char in pattern[index : index + count])
        index += count
    return tuple(parts)


_FIELDS = {pattern: _fields(pattern) for pattern in (YMD, YMD_STD, YM, YM_STD, YMDH, YMDH_STD)}


def _number(text: str, start: int, end: int) -> tuple[int, int] | None:
    """DecimalFormat's integer parse of text[start:end] from `start` (a minus sign, then
    decimal digits of any script): the value as `Number.intValue()` gives it, and where it
    stopped; None without a digit."""
    index = start
    negative = index < end and text[index] == "-"
    index += negative
    digits_from = index
    while index < end and text[index].isdecimal():
        index += 1
    if index == digits_from:
        return None
    magnitude = int(text[digits_from:index])
    value = -magnitude if negative else magnitude
    if -(2**63) <= value < 2**63:  # a Long: intValue() keeps the low 32 bits
        return int32(value), index
    return (INT_MAX if value > 0 else INT_MIN), index  # a Double: intValue() saturates


# Every submit reads run_date and the days after it: the same few texts all day long.
@kept_for_short_texts(longest=SHORT_DATE_TEXTS, maxsize=1024)
def parse(pattern: str, text: str) -> Stamp:
    """SimpleDateFormat(pattern).parse(text), lenient: fields abutting another field read
    exactly their width, others as many digits as there are; the text may go on after the
    pattern. ParseException when a field or literal does not match."""
    fields = _FIELDS[pattern]
    values = {"y": 1970, "M": 1, "d": 1, "H": 0}
    position = 0
    for number, (letter, count) in enumerate(fields):
        if not letter:
            if position >= len(text) or text[position] != chr(count):
                raise unparseable(text)
            position += 1
            continue
        start = position
        while position < len(text) and text[position] in " \t":
            position += 1
        if position >= len(text):
            raise unparseable(text)
        abutting = number + 1 < len(fields) and bool(fields[number + 1][0])
        end = start + count if abutting else len(text)
        if end > len(text):
            raise unparseable(text)
        read = _number(text, position, end)
        if read is None:
            raise unparseable(text)
        values[letter], position = read
    return lenient(values["y"], values["M"] - 1, values["d"], values["H"])


def unparseable(text: str) -> JavaError:
    return JavaError("ParseException", f'Unparseable date: "{text}"')


def format_stamp(pattern: str, stamp: Stamp) -> str:
    """SimpleDateFormat(pattern).format: `yyyy` is the year of its era, at least 4 digits."""
    year, month, day = civil_from_days(stamp.days)
    era_year = year if year > 0 else 1 - year
    parts = []
    for letter, count in _FIELDS[pattern]:
        if not letter:
            parts.append(chr(count))
        else:
            value = {"y": era_year, "M": month, "d": day, "H": stamp.hour}[letter]
            parts.append(f"{value:0{count}d}")
    return "".join(parts)


@kept_for_short_texts(longest=SHORT_DATE_TEXTS, maxsize=4096)
def reformat(parse_pattern: str, format_pattern: str, text: str) -> str:
    return format_stamp(format_pattern, parse(parse_pattern, text))


# ---- Calendar arithmetic ----------------------------------------------------------------


def add_days(stamp: Stamp, days: int) -> Stamp:
    return Stamp(stamp.days + days, stamp.hour)


def add_hours(stamp: Stamp, hours: int) -> Stamp:
    total = stamp.hour + hours
    return Stamp(stamp.days + total // 24, total % 24)


def add_months(stamp: Stamp, months: int) -> Stamp:
    """Calendar.add(MONTH): the day is kept, or the month's last if it is shorter."""
    year, month, day = civil_from_days(stamp.days)
    index = year * 12 + month - 1 + months
    year, month = index // 12, index % 12 + 1
    return Stamp(days_from_civil(year, month, min(day, month_length(year, month))), stamp.hour)


def add_years(stamp: Stamp, years: int) -> Stamp:
    return add_months(stamp, years * 12)


def first_of_month(stamp: Stamp) -> Stamp:
    year, month, _ = civil_from_days(stamp.days)
    return Stamp(days_from_civil(year, month, 1), stamp.hour)


def last_of_month(stamp: Stamp) -> Stamp:
    """`set(DATE, 1)` then `roll(DATE, -1)`: the month's last day."""
    year, month, _ = civil_from_days(stamp.days)
    return Stamp(days_from_civil(year, month, month_length(year, month)), stamp.hour)


def with_month(stamp: Stamp, month0: int) -> Stamp:
    """`set(MONTH, month0)` on a lenient Calendar (the day carries over if too large)."""
    year, _, day = civil_from_days(stamp.days)
    return Stamp(lenient(year, month0, day).days, stamp.hour)


# ---- DateTypeUtils ----------------------------------------------------------------------


def _ymd(std: bool) -> str:
    return YMD_STD if std else YMD


def month_bound(std: bool, is_end: bool, stamp: Stamp) -> str:
    """DateTypeUtils.getMonth: the first (or last) day of the stamp's month."""
    day = last_of_month(stamp) if is_end else first_of_month(stamp)
    return format_stamp(_ymd(std), day)


def mon(std: bool, is_end: bool, stamp: Stamp) -> str:
    """DateTypeUtils.getMon: the stamp's month as `yyyyMM`, or December of its year
    with `is_end` (DateTypeUtils.scala:133-146)."""
    month = with_month(stamp, 11) if is_end else stamp
    return format_stamp(YM_STD if std else YM, month)


def _period_start(stamp: Stamp, months: int) -> Stamp:
    year, month, _ = civil_from_days(stamp.days)
    first = (month - 1) // months * months + 1
    return Stamp(days_from_civil(year, first, 1), stamp.hour)


def period_bound(months: int, std: bool, is_end: bool, stamp: Stamp) -> str:
    """getQuarter (3), getHalfYear (6), getYear (12): the first day of the stamp's period,
    or with `is_end` its last (`add(MONTH, n - 1)` then `roll(DATE, -1)`)."""
    start = _period_start(stamp, months)
    day = last_of_month(add_months(start, months - 1)) if is_end else start
    return format_stamp(_ymd(std), day)


def yesterday(now: Moment) -> str:
    """DateTypeUtils.getYesterday(false)."""
    return format_stamp(YMD, Stamp(now.days - 1))


def current_hour(now: Moment, date_text: str) -> str:
    """DateTypeUtils.getCurHour(false, date): the date followed by the hour now, checked
    as `yyyyMMddHH`."""
    text = f"{date_text}{now.hour:02d}"
    parse(YMDH, text)
    return text


# ---- the variable types (VariableType.scala, CustomDateType.scala) -----------------------


class CodedVariableError(Exception):
    """A LinkisCommonErrorException of variable substitution."""

    def __init__(self, code: int, desc: str) -> None:
        super().__init__(desc)
        self.code = code
        self.desc = desc


class DateValue:
    """A value whose arithmetic Linkis restricts to `+` and `-` with a whole number of its
    unit; `kind` names its type in the error for any other operator."""

    __slots__ = ()
    kind = ""

    def value(self) -> str:
        raise NotImplementedError

    def shifted(self, amount: int) -> str:
        raise NotImplementedError

    def calculate(self, signal: str, operand: str) -> str:
        if signal not in ("+", "-"):
            raise CodedVariableError(20046, OPERATOR_NOT_SUPPORTED.format(self.kind, signal))
        amount = parse_int(operand)  # bValue.toInt
        return self.shifted(amount if signal == "+" else int32(-amount))


class DayValue(DateValue):
    """DateType(CustomDateType): a day, moved by days."""

    __slots__ = ("date", "std")
    kind = "DateType"

    def __init__(self, date: str, std: bool = False) -> None:
        self.date, self.std = date, std

    def value(self) -> str:
        pattern = _ymd(self.std)
        return reformat(pattern, pattern, self.date)

    def shifted(self, amount: int) -> str:
        pattern = _ymd(self.std)
        return format_stamp(pattern, add_days(parse(pattern, self.date), amount))


class MonthBoundValue(DateValue):
    """MonthType(CustomMonthType): the first or last day of a month, moved by months."""

    __slots__ = ("date", "is_end", "std")
    kind = "MonthType"

    def __init__(self, date: str, std: bool = False, is_end: bool = False) -> None:
        self.date, self.std, self.is_end = date, std, is_end

    def value(self) -> str:
        return month_bound(self.std, self.is_end, parse(YMD, self.date))

    def shifted(self, amount: int) -> str:
        return month_bound(self.std, self.is_end, add_months(parse(YMD, self.date), amount))


class MonValue(DateValue):
    """MonType(CustomMonType): a `yyyyMM` month (December with `is_end`), moved by months."""

    __slots__ = ("date", "is_end", "std")
    kind = "MonType"

    def __init__(self, date: str, std: bool = False, is_end: bool = False) -> None:
        self.date, self.std, self.is_end = date, std, is_end

    def value(self) -> str:
        return mon(self.std, self.is_end, parse(YM, self.date))

    def shifted(self, amount: int) -> str:
        return mon(self.std, self.is_end, add_months(parse(YM, self.date), amount))


PERIOD_KINDS = {3: "QuarterType", 6: "HalfYearType", 12: "YearType"}


class PeriodValue(DateValue):
    """QuarterType (3 months), HalfYearType (6), YearType (12): the first or last day of
    the period, moved by whole periods."""

    __slots__ = ("date", "is_end", "months", "std")

    def __init__(self, months: int, date: str, std: bool = False, is_end: bool = False) -> None:
        self.months, self.date, self.std, self.is_end = months, date, std, is_end

    @property
    def kind(self) -> str:  # type: ignore[override]
        return PERIOD_KINDS[self.months]

    def value(self) -> str:
        return period_bound(self.months, self.std, self.is_end, parse(YMD, self.date))

    def shifted(self, amount: int) -> str:
        if self.months == 12:  # CustomYearType: addYears on the day itself
            moved = add_years(parse(YMD, self.date), amount)
        else:  # from the period's first day, by amount * months (an int product)
            start = parse(YMD, period_bound(self.months, False, False, parse(YMD, self.date)))
            moved = add_months(start, int32(amount * self.months))
        return period_bound(self.months, self.std, self.is_end, moved)


class HourValue(DateValue):
    """HourType(CustomHourType): `yyyyMMddHH`, given back verbatim unless `std`; moved by
    hours."""

    __slots__ = ("date_hour", "std")
    kind = "HourType"

    def __init__(self, date_hour: str, std: bool = False) -> None:
        self.date_hour, self.std = date_hour, std

    def value(self) -> str:
        if not self.std:
            return self.date_hour
        return reformat(YMDH, YMDH_STD, self.date_hour)

    def shifted(self, amount: int) -> str:
        moved = add_hours(parse(YMDH, self.date_hour), amount)
        return format_stamp(YMDH_STD if self.std else YMDH, moved)


_BOUNDS = (("begin", False, False), ("begin_std", True, False), ("end", False, True),
           ("end_std", True, True))  # fmt: skip


def run_today(run_date: str) -> str:
    """`getToday(false, run_date + 1)`: the day after, read and written again."""
    return reformat(YMD, YMD, DayValue(run_date).shifted(1))


def built_ins(run_date: str) -> dict[str, DateValue]:
    """The built-ins Linkis derives from `run_date` as given (VariableUtils.scala:177-301),
    but `run_date` itself and `run_today_h`, `run_today_hour` and their `_std` forms. The
    ones of `run_date`'s month, quarter, half-year and year start from its normalised text
    (`run_date.toString`), the others from it as given."""
    day = parse(YMD, run_date)
    normalised = format_stamp(YMD, day)
    values: dict[str, DateValue] = {"run_date_std": DayValue(format_stamp(YMD_STD, day), True)}
    for name, std, is_end in _BOUNDS:
        values[f"run_month_{name}"] = MonthBoundValue(normalised, std, is_end)
        values[f"run_quarter_{name}"] = PeriodValue(3, normalised, std, is_end)
        values[f"run_half_year_{name}"] = PeriodValue(6, normalised, std, is_end)
        values[f"run_year_{name}"] = PeriodValue(12, normalised, std, is_end)
    today = run_today(run_date)
    values["run_today"] = DayValue(today)
    values["run_today_std"] = DayValue(reformat(YMD, YMD_STD, today), std=True)
    previous_month = MonthBoundValue(today).shifted(-1)
    for name, std, is_end in _BOUNDS:
        values[f"run_month_now_{name}"] = MonthBoundValue(previous_month, std, is_end)
    run_mon = format_stamp(YM, day)
    values["run_mon"] = values["run_mon_start"] = MonValue(run_mon)
    values["run_mon_std"] = values["run_mon_start_std"] = MonValue(run_mon, std=True)
    values["run_mon_end"] = MonValue(run_mon, is_end=True)
    values["run_mon_end_std"] = MonValue(run_mon, std=True, is_end=True)
    today_mon = format_stamp(YM, parse(YMD, today))
    last_mon = MonValue(today_mon).shifted(-1)
    values["run_last_mon_now"] = MonValue(last_mon)
    values["run_last_mon_now_std"] = MonValue(last_mon, std=True)
    for name in ("run_current_mon_now", "run_mon_now"):
        values[name] = MonValue(today_mon)
        values[f"{name}_std"] = MonValue(today_mon, std=True)
    return values
