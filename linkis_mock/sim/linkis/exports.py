"""The bytes of the real Linkis server's download endpoints, built without a web framework.

- `result_csv` / `result_xlsx`: `filesystem/resultsetToExcel` and `filesystem/resultsetsToExcel`
  (docs/reference/linkis-console.md §7).
- `job_list_xlsx`: `jobhistory/download-job-list` (docs/reference/linkis-console.md §5.3).
- `duration_zh` / `duration_en`: the two duration formatters the server uses.

Every rule is copied from the Linkis source at HEAD `bad400a7` (paths below are shortened to the
file name; `FsRestfulApi.java` is linkis-pes-publicservice, the Scala writers are
linkis-commons/linkis-storage) and cited as `File:line`.

A cell goes the way the server sends it (`FileSplit.scala:73-101`):
1. `DataType.toValue` (`DataType.scala:73-102`) parses the stored text by the column type: ints,
   doubles, decimals, dates and timestamps become typed values, or stay the raw text when parsing
   fails; null, `LINKIS_NULL` and (for typed columns) `NULL`/blank become null.
2. `ResultsetFileSource.scala:26-51` replaces null, `"NULL"` and `""` by `nullValue` (both for
   csv and xlsx) and prints doubles with `NumberFormat` (`StorageUtils.scala:50-60`).
3. The writer prints the value with `DataType.valueToString` (`DataType.scala:118-125`: BigDecimal
   in plain notation, `1E+3` -> `1000`; everything else `toString`).

Java's number parsing and printing is mirrored with `decimal` and `struct` (32-bit floats), and
`%.1f`/`%.2f` round HALF_UP as `java.util.Formatter` does. Known gaps, all far from real data:
Java's non-ASCII digits and hex floats are not parsed; `binary` columns keep their text instead
of the server's `[B@<hash>`; a charset is looked up in Python's codec registry (Java's names
mostly agree); openpyxl writes numbers with 16 significant digits and `\\r` inside xlsx text
unescaped (POI: 17 digits and `&#xd;`).
"""

from __future__ import annotations

import codecs
import io
import math
import re
import struct
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from itertools import islice
from typing import Any

__all__ = [
    "CsvOptions",
    "ExportError",
    "ResultTable",
    "TableColumn",
    "duration_en",
    "duration_zh",
    "job_list_xlsx",
    "resolve_csv_separator",
    "result_csv",
    "result_xlsx",
]


class ExportError(ValueError):
    """A download the server fails; the message is the Java exception's `getMessage()`, which the
    server sends as `error(错误):<message>` (`FsRestfulApi.java:1084-1091`)."""


@dataclass(frozen=True, slots=True)
class TableColumn:
    name: str
    data_type: str  # a Linkis type name: "int", "bigint", "double", "decimal(10,2)", "string", ...


@dataclass(frozen=True, slots=True)
class ResultTable:
    columns: tuple[TableColumn, ...]
    rows: Iterable[Sequence[str | None]]  # cell texts as the result file holds them; None = null


@dataclass(frozen=True, slots=True)
class CsvOptions:
    separator: str = ","  # "t" or "" means TAB (`StorageCSVWriter.scala:51-56`)
    null_value: str = "NULL"  # the raw nullValue parameter; "BLANK" in any case means ""
    quote_retouch: bool = False
    keep_newline: bool = False
    charset: str = "utf-8"


# --- parameters ----------------------------------------------------------------------------------

BLANK = "BLANK"  # WorkSpaceConstants.java:25
LINKIS_NULL = "LINKIS_NULL"  # Dolphin.scala:48


def resolve_csv_separator(csv_separator: str | None, csv_seperator: str | None) -> str:
    """The separator `resultsetToExcel` uses (`FsRestfulApi.java:986-988`): the old spelling
    `csvSeperator` wins only when `csvSeparator` is "," and `csvSeperator` is not.

    Both parameters default to "," (`FsRestfulApi.java:970-971`), and Spring uses a `defaultValue`
    for an empty parameter too, so None and "" both count as ",". An empty separator therefore
    never reaches the writer over HTTP; `CsvOptions(separator="")` still means TAB, as the writer
    says."""
    new = csv_separator or ","
    old = csv_seperator or ","
    return old if new == "," and old != "," else new


def _resolve_null_value(null_value: str) -> str:
    """`BLANK` in any case means the empty string (`FsRestfulApi.java:1024,1179-1181`)."""
    return "" if null_value.lower() == BLANK.lower() else null_value


def _capped(
    rows: Iterable[Sequence[str | None]], row_cap: int | None
) -> Iterable[Sequence[str | None]]:
    """`fileSource.page(1, cap)` keeps rows 0..cap-1 (`FileSplit.scala:57-63,188`)."""
    return rows if row_cap is None else islice(rows, max(row_cap, 0))


# --- Java helpers --------------------------------------------------------------------------------

_JAVA_TRIM = "".join(map(chr, range(33)))  # String.trim() drops every char <= U+0020
_JAVA_INT = re.compile(r"[+-]?[0-9]+")
_JAVA_FLOATING = re.compile(
    r"[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?)"
)
_BIG_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_TIMESTAMP = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2}) ([0-9]+):([0-9]+):([0-9]+)(?:\.([0-9]{1,9}))?"
)


class _JavaFloat(float):
    """A `java.lang.Float`: a 32-bit value that `toString` prints as `Float.toString`."""


def _java_length(text: str) -> int:
    """`String.length()`: UTF-16 code units."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _java_prefix(text: str, units: int) -> str:
    """`substring(0, units)`; a surrogate pair the cut would split is left out whole."""
    if len(text) * 2 <= units:
        return text
    taken = 0
    for index, char in enumerate(text):
        taken += 2 if ord(char) > 0xFFFF else 1
        if taken > units:
            return text[:index]
    return text


def _is_java_blank(text: str) -> bool:
    """`StringUtils.isBlank`: empty or only `Character.isWhitespace` chars."""
    return all(char.isspace() and char not in "\u00a0\u2007\u202f\x85" for char in text)


def _to_float32(value: float) -> float:
    """The nearest `float` (32-bit) to a double, as Java's `(float)` cast rounds it."""
    try:
        result: float = struct.unpack("f", struct.pack("f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)
    return result


def _java_fixed(value: float, places: int) -> str:
    """`String.format("%.<places>f", value)`: HALF_UP on the shortest decimal digits."""
    return str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _java_decimal_layout(number: Decimal) -> str:
    """`Float/Double.toString` layout of non-zero finite digits: plain for 1e-3 <= |x| < 1e7, else
    `d.dddEn`; at least one fraction digit either way."""
    sign = "-" if number < 0 else ""
    magnitude = abs(number).normalize()
    if Decimal("1e-3") <= magnitude < Decimal("1e7"):
        text = format(magnitude, "f")
        return sign + (text if "." in text else text + ".0")
    digits = "".join(map(str, magnitude.as_tuple().digits))
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{magnitude.adjusted()}"


def _java_float_text(value: float) -> str:
    """`Float.toString`: the shortest digits that read back as the same 32-bit value."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1, value) < 0 else "0.0"
    for digits in range(1, 10):
        candidate = f"{value:.{digits - 1}e}"
        if _to_float32(float(candidate)) == value:
            return _java_decimal_layout(Decimal(candidate))
    return _java_decimal_layout(Decimal(repr(value)))


def _java_number_format(value: float) -> str:
    """`StorageUtils.doubleToString` (`StorageUtils.scala:50-60`): `NumberFormat` without grouping,
    at most 30 fraction digits (`StorageConfiguration.scala:77`), HALF_EVEN; NaN is "NaN"."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"  # DecimalFormatSymbols.getInfinity()
    number = Decimal(repr(value))
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -30:
        number = number.quantize(Decimal("1e-30"), rounding=ROUND_HALF_EVEN)
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _plain_decimal(number: Decimal) -> str:
    """`BigDecimal.toPlainString` (Java has no negative zero)."""
    text = format(number, "f")
    return text.removeprefix("-") if number.is_zero() else text


# --- DataType.toValue ----------------------------------------------------------------------------

_PREFIX_KINDS = (  # DataType.scala:54-61, in that order
    ("short", "short"),
    ("long", "long"),
    ("bigint", "bigint"),
    ("int", "int"),
    ("float", "float"),
    ("double", "double"),
    ("varchar", "varchar"),
    ("char", "char"),
)
_DECIMAL_TYPE = re.compile(r"decimal\(\s*\d*\s*,\s*\d*\s*\)")  # DataType.scala:30 (a prefix)


def _linkis_type(data_type: str) -> str:
    """`DataType.toDataType` (`DataType.scala:50-71`), case-sensitive. No name gives TinyIntType:
    "tinyint" is a string column; "smallint" and "integer" are int columns."""
    if data_type in ("void", "null"):
        return "void"
    if data_type in ("string", "boolean", "date", "timestamp", "binary"):
        return data_type
    for prefix, kind in _PREFIX_KINDS:
        if data_type.startswith(prefix):
            return kind
    if data_type in ("integer", "smallint"):
        return "int"
    if data_type == "decimal" or _DECIMAL_TYPE.match(data_type):
        return "decimal"
    return "string"  # char/varchar/array/map/list/struct and unknown names print as text


def _parse_java_int(text: str, bits: int) -> int | None:
    """`Short/Integer/Long.parseInt`: ASCII digits with an optional sign, in range."""
    if not _JAVA_INT.fullmatch(text):
        return None
    number, limit = int(text), 1 << (bits - 1)
    return number if -limit <= number < limit else None


def _parse_java_double(text: str) -> float | None:
    """`Double.parseDouble` (trims; accepts NaN, Infinity and an f/d suffix)."""
    trimmed = text.strip(_JAVA_TRIM)
    if not _JAVA_FLOATING.fullmatch(trimmed):
        return None
    return float(trimmed.rstrip("fFdD"))


def _parse_java_float(text: str) -> _JavaFloat | None:
    """`Float.parseFloat` (rounded through a double; differs only on exact double-rounding ties)."""
    double = _parse_java_double(text)
    return None if double is None else _JavaFloat(_to_float32(double))


def _parse_big_decimal(text: str) -> Decimal | None:
    return Decimal(text) if _BIG_DECIMAL.fullmatch(text) else None


def _lenient_date(year: int, month: int, day: int) -> date | None:
    """`new Date(year - 1900, month - 1, day)` after `valueOf`'s range checks: day 31 of a short
    month rolls over into the next (a lenient Calendar)."""
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    try:
        return date(year, month, 1) + timedelta(days=day - 1)
    except (ValueError, OverflowError):
        return None


def _parse_date(text: str) -> date | None:
    """`java.sql.Date.valueOf`: yyyy-[m]m-[d]d."""
    match = _DATE.fullmatch(text)
    return _lenient_date(*map(int, match.groups())) if match else None


def _parse_timestamp(text: str) -> str | None:
    """`Timestamp.valueOf(v).toString.stripSuffix(".0")` (`DataType.scala:94-95`): a timestamp
    column holds *text*, normalized, lenient like `Timestamp.valueOf` (25:00 is the next day)."""
    match = _TIMESTAMP.fullmatch(text.strip(_JAVA_TRIM))
    if not match:
        return None
    year, month, day, hour, minute, second = map(int, match.groups()[:6])
    start = _lenient_date(year, month, day)
    if start is None:
        return None
    try:
        moment = datetime.combine(start, time()) + timedelta(
            hours=hour, minutes=minute, seconds=second
        )
    except OverflowError:
        return None
    fraction = (match.group(7) or "").ljust(9, "0").rstrip("0") or "0"
    clock = f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    text = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} {clock}.{fraction}"
    return text.removesuffix(".0")


def _parse_boolean(text: str) -> bool | None:
    """Scala's `toBoolean`: "true"/"false" in any case."""
    return {"true": True, "false": False}.get(text.lower())


_Value = str | bool | int | float | Decimal | date | None
_PARSERS: dict[str, Callable[[str], _Value]] = {  # DataType.scala:86-95
    "boolean": _parse_boolean,
    "short": lambda text: _parse_java_int(text, 16),
    "int": lambda text: _parse_java_int(text, 32),
    "long": lambda text: _parse_java_int(text, 64),
    "bigint": lambda text: _parse_java_int(text, 64),
    "float": _parse_java_float,
    "double": _parse_java_double,
    "decimal": _parse_big_decimal,
    "date": _parse_date,
    "timestamp": _parse_timestamp,
}


def _is_number_null(text: str) -> bool:
    """`DataType.isNumberNull` (`DataType.scala:111-116`)."""
    return text.upper() == "NULL" or text.strip(_JAVA_TRIM) == ""


def _to_value(kind: str | None, raw: str | None) -> _Value:
    """`DataType.toValue` (`DataType.scala:73-102`); a value that does not parse stays its text.
    `kind` None is a value beyond the declared columns, kept as read
    (`TableResultDeserializer.scala:149`)."""
    if kind is None:
        return raw
    if raw is None or raw == LINKIS_NULL or kind == "void":
        return None
    if kind == "binary":  # DataType.isNull (:108-109); the bytes would print as [B@<hash>
        return None if raw == "NULL" or not raw.strip(_JAVA_TRIM) else raw
    parse = _PARSERS.get(kind)
    if parse is None:
        return raw
    if _is_number_null(raw):
        return None
    parsed = parse(raw)
    return raw if parsed is None else parsed


def _substituted(value: _Value, null_value: str) -> _Value:
    """`ResultsetFileSource.scala:26-51`: null, "NULL" and "" become `nullValue` (unless that is
    `LINKIS_NULL`), doubles become `NumberFormat` text."""
    if value is None or (isinstance(value, str) and value == "NULL"):
        return value if null_value == LINKIS_NULL else null_value
    if isinstance(value, str) and value == "":
        return "" if null_value == LINKIS_NULL else null_value
    if isinstance(value, float) and not isinstance(value, _JavaFloat):
        return _java_number_format(value)
    return value


def _java_text(value: _Value) -> str | None:
    """`DataType.valueToString` (`DataType.scala:118-125`) of a value after substitution."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _plain_decimal(value)
    if isinstance(value, float):
        return _java_float_text(value)
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    return str(value)


def _row_values(kinds: Sequence[str], row: Sequence[str | None], null_value: str) -> list[_Value]:
    width = len(kinds)
    return [
        _substituted(_to_value(kinds[index] if index < width else None, raw), null_value)
        for index, raw in enumerate(row)
    ]


# --- CSV -----------------------------------------------------------------------------------------

_CSV_BUFFER_CHARS = 49500  # StorageCSVWriter.scala:94
_PYTHON_ONLY_CODECS = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "utf-7"}
)


def _java_encoder(charset: str) -> Callable[[str], bytes]:
    """`String.getBytes(charset)`: unmappable chars become '?'; "UTF-16" is big-endian with a BOM
    and "UTF-32" big-endian without one, per call. An unknown name raises
    `UnsupportedEncodingException`, whose message is the name."""
    try:
        name = codecs.lookup(charset).name
        if name in _PYTHON_ONLY_CODECS:
            raise LookupError(name)
        "".encode(name)
    except LookupError:
        raise ExportError(charset) from None
    if name == "utf-16":
        return lambda text: b"\xfe\xff" + text.encode("utf-16-be", "replace")
    codec = "utf-32-be" if name == "utf-32" else name
    return lambda text: text.encode(codec, "replace")


def _csv_delimiter(separator: str) -> str:
    """`StorageCSVWriter.scala:51-56`: "t" (a lost escape) and "" mean TAB."""
    return "\t" if separator in ("t", "") else separator


def _decorated(value: str | None, quote_retouch: bool, keep_newline: bool) -> str:
    """`StorageCSVWriter.scala:70-83`: blank values (and null, printed "null") are left alone;
    otherwise quotes are dropped and the value wrapped in quotes, then "\\n" becomes a space."""
    if value is None:
        return "null"
    if _is_java_blank(value):
        return value
    if quote_retouch:
        value = '"' + value.replace('"', "") + '"'
    return value if keep_newline else value.replace("\n", " ")


def _csv_lines(table: ResultTable, options: CsvOptions, row_cap: int | None) -> Iterator[str]:
    """The header line, then one line per row; every line ends with "\\n"
    (`StorageCSVWriter.scala:61-105`)."""
    delimiter = _csv_delimiter(options.separator)
    null_value = _resolve_null_value(options.null_value)
    kinds = [_linkis_type(column.data_type) for column in table.columns]

    def line(texts: Iterable[str | None]) -> str:
        fields = (_decorated(text, options.quote_retouch, options.keep_newline) for text in texts)
        return delimiter.join(fields) + "\n"

    yield line(column.name for column in table.columns)
    for row in _capped(table.rows, row_cap):
        yield line(map(_java_text, _row_values(kinds, row, null_value)))


def result_csv(table: ResultTable, options: CsvOptions, row_cap: int | None) -> bytes:
    """The csv body of `resultsetToExcel` for a table result set
    (docs/reference/linkis-console.md §7.1).

    No BOM, no quoting or escaping unless `quote_retouch`. Text is encoded in chunks of at most
    49500 chars, as the writer flushes its buffer (`StorageCSVWriter.scala:92-110`)."""
    encode = _java_encoder(options.charset)
    chunks: list[bytes] = []
    buffer: list[str] = []
    buffered = 0
    for line in _csv_lines(table, options, row_cap):
        if buffered + len(line) > _CSV_BUFFER_CHARS:
            chunks.append(encode("".join(buffer)))
            buffer, buffered = [], 0
        buffer.append(line)
        buffered += len(line)
    chunks.append(encode("".join(buffer)))
    return b"".join(chunks)


# --- XLSX ----------------------------------------------------------------------------------------

_MAX_CELL_TEXT = 32767  # POI CellBase.checkLength (SpreadsheetVersion.EXCEL2007)
_MAX_SHEET_NAME = 31
_SHEET_NAME_BAD_CHARS = "/\\?*][:"
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SXSSF_WINDOW_ROWS = 100  # SXSSFWorkbook.DEFAULT_WINDOW_SIZE
_MAX_COLUMN_WIDTH = 255.0  # SXSSFSheet.autoSizeColumn caps at 255 * 256
_HEADER_WIDTH_SCALE = 14 / 11 * 1.1  # a bold 14 pt header against the 11 pt default font

_AUTO_FORMATS = {  # StorageExcelWriter.scala:96-113 (TinyIntType is unreachable, see _linkis_type)
    "short": "#",
    "int": "#",
    "long": "#.##E+00",
    "bigint": "#.##E+00",
    "float": "#.0000000000",
    "double": "#.0000000000",
    "date": "m/d/yy h:mm",
    "timestamp": "m/d/yy h:mm",
    "decimal": "#.000000000",
}
_CellValue = str | int | float | datetime | None
_LEADING_ZERO = re.compile(r"^(-?)0\.")  # "#.000" shows no integer zero


def _cell_text(text: str) -> str:
    """POI refuses text over 32767 chars and writes XML-illegal chars as '?'."""
    if len(text) * 2 > _MAX_CELL_TEXT and _java_length(text) > _MAX_CELL_TEXT:
        raise ExportError("The maximum length of cell contents (text) is 32767 characters")
    return _XML_UNSAFE.sub("?", text)


def _checked_sheet_name(name: str, taken: list[str]) -> str:
    """`XSSFWorkbook.createSheet`: refuse a duplicate (case-insensitive, first 31 chars), cut to
    31 chars, then `WorkbookUtil.validateSheetName`; messages as POI words them."""
    short = _java_prefix(name, _MAX_SHEET_NAME)
    if short.lower() in (other.lower() for other in taken):
        raise ExportError(f"The workbook already contains a sheet named '{name}'")
    if not short:
        raise ExportError(
            f"sheetName '{short}' is invalid - character count MUST be greater than or equal"
            " to 1 and less than or equal to 31"
        )
    for index, char in enumerate(short):
        if char in _SHEET_NAME_BAD_CHARS:
            raise ExportError(
                f"Invalid char ({char}) found at index ({index}) in sheet name '{short}'"
            )
    if short[0] == "'" or short[-1] == "'":
        raise ExportError(
            f"Invalid sheet name '{short}'. Sheet names must not begin or end with (')."
        )
    taken.append(short)
    return short


def _checked_double(text: str) -> float | None:
    """`doubleCheck` then `toDouble` (`StorageExcelWriter.scala:245-252`): refused when the value
    has more than 15 digits before the decimal point (`precision - scale` of the stripped
    BigDecimal; digits after the point do not count)."""
    number = _parse_big_decimal(text)
    if number is None:
        return None
    _, digits, exponent = number.as_tuple()
    if not number.is_zero() and isinstance(exponent, int) and len(digits) + exponent > 15:
        return None
    return float(text)


def _excel_long(text: str) -> int | float | None:
    """`setCellValue(toLong)`: POI stores a double."""
    number = _parse_java_int(text, 64)
    if number is None:
        return None
    return number if abs(number) <= 2**53 else float(number)


def _excel_float(text: str) -> float | None:
    number = _parse_java_float(text)
    return None if number is None else float(number)


_EXCEL_NUMBERS: dict[str, Callable[[str], int | float | None]] = {  # StorageExcelWriter:201-221
    "short": lambda text: _parse_java_int(text, 32),
    "int": lambda text: _parse_java_int(text, 32),
    "long": _excel_long,
    "bigint": _excel_long,
    "float": _excel_float,
    "double": _checked_double,
    "decimal": _checked_double,
}


def _auto_formatted(kind: str, value: _Value) -> _CellValue:
    """`setCellTypeValue` (`StorageExcelWriter.scala:198-229`): null gets no value; numbers and
    `java.sql.Date` values become numeric/date cells; a value that fails stays text. Timestamp
    columns hold text (`DataType.scala:95`), so `getDate` fails and they stay text."""
    if value is None:
        return None
    text = _java_text(value) or ""
    if kind in ("date", "timestamp"):
        if isinstance(value, date):
            return datetime.combine(value, time())
        return _cell_text(text)
    to_number = _EXCEL_NUMBERS.get(kind)
    number = to_number(text) if to_number else None
    return _cell_text(text) if number is None else number


def _excel_value(kind: str, value: _Value, auto_format: bool) -> _CellValue:
    """`addRecord` (`StorageExcelWriter.scala:179-196`): without autoFormat a text cell (null gives
    a blank cell)."""
    if auto_format:
        return _auto_formatted(kind, value)
    text = _java_text(value)
    return None if text is None else _cell_text(text)


def _displayed(value: _CellValue, number_format: str) -> str | None:
    """Roughly what POI's DataFormatter shows, for auto-sizing."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return f"{value.month}/{value.day}/{value.year % 100:02d} {value.hour}:{value.minute:02d}"
    if number_format == "#":
        return f"{value:.0f}"
    if "E" in number_format:
        return f"{value:.2E}"
    if number_format.startswith("#."):
        return _LEADING_ZERO.sub(r"\1.", f"{value:.{len(number_format) - 2}f}")
    return str(value)


def _text_width(text: str) -> float:
    """Width in '0' widths of the longest line plus one '0' (`SheetUtil.getCellWidth`); wide
    East Asian characters count twice."""
    return 1 + max(
        sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)
        for line in text.split("\n")
    )


def _column_widths(rows: Sequence[Sequence[_CellValue]], formats: Sequence[str]) -> list[float]:
    """`autoSizeColumn` after `trackAllColumnsForAutoSizing` is called at the end
    (`StorageExcelWriter.scala:81-88`, `StorageMultiExcelWriter.scala:33-37`): SXSSF has written
    all but the last 100 rows to disk by then, so only those (the header included only while the
    sheet has at most 100 rows) are measured; capped at 255. An approximation of POI's font
    metrics: 0 means "not set"."""
    first = max(len(rows) - _SXSSF_WINDOW_ROWS, 0)
    widths = [0.0] * len(formats)
    for index in range(first, len(rows)):
        scale = _HEADER_WIDTH_SCALE if index == 0 else 1.0
        for column, value in enumerate(rows[index][: len(formats)]):
            shown = value if index == 0 else _displayed(value, formats[column])
            if isinstance(shown, str):
                widths[column] = max(widths[column], _text_width(shown) * scale)
    return [min(int(width * 256) / 256, _MAX_COLUMN_WIDTH) for width in widths]


def _new_workbook() -> Any:
    """openpyxl is imported by the first xlsx download, not at start: it pulls in numpy,
    a fifth of the idle server's memory."""
    from openpyxl import Workbook  # noqa: PLC0415

    return Workbook(write_only=True)


def _header_font() -> Any:
    """`getDefaultHeadStyle` (`StorageExcelWriter.scala:62-70`): bold, 14 pt, BLACK (index 8),
    on POI's default font name."""
    from openpyxl.styles import Color, Font  # noqa: PLC0415 (see _new_workbook)

    return Font(name="Calibri", size=14, bold=True, color=Color(indexed=8))


def _styled_cell(
    sheet: Any, value: _CellValue, *, number_format: str = "", font: Any = None
) -> Any:
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 (see _new_workbook)

    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


def _sheet_rows(
    table: ResultTable, null_value: str, auto_format: bool, row_cap: int | None
) -> tuple[list[list[_CellValue]], list[str]]:
    """The header and data rows of one sheet as cell values, and each column's number format:
    "@" for every column without autoFormat (`StorageExcelWriter.scala:90-116`)."""
    kinds = [_linkis_type(column.data_type) for column in table.columns]
    formats = [_AUTO_FORMATS.get(kind, "@") if auto_format else "@" for kind in kinds]
    rows: list[list[_CellValue]] = [[_cell_text(column.name) for column in table.columns]]
    for row in _capped(table.rows, row_cap):
        if len(row) > len(kinds):  # `types.apply(i)` (:186): ArrayIndexOutOfBounds, JDK 8 text
            raise ExportError(str(len(kinds)))
        values = _row_values(kinds, row, null_value)
        rows.append([_excel_value(kinds[i], value, auto_format) for i, value in enumerate(values)])
    return rows, formats


def _write_result_sheet(sheet: Any, rows: list[list[_CellValue]], formats: list[str]) -> None:
    from openpyxl.utils import get_column_letter  # noqa: PLC0415 (see _new_workbook)

    for column, width in enumerate(_column_widths(rows, formats), start=1):
        if width > 0:
            sheet.column_dimensions[get_column_letter(column)].width = width
    font = _header_font()
    sheet.append([_styled_cell(sheet, name, font=font) for name in rows[0]])
    for row in rows[1:]:
        sheet.append(
            [_styled_cell(sheet, value, number_format=formats[i]) for i, value in enumerate(row)]
        )


def _saved(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def result_xlsx(
    sheets: Sequence[tuple[str, ResultTable]],
    *,
    null_value: str = "NULL",
    auto_format: bool = False,
    row_cap: int | None = None,
) -> bytes:
    """The xlsx body of `resultsetToExcel` (one sheet named by `sheetName`) or
    `resultsetsToExcel` (sheets `resultset0`, `resultset1`, ... in file order,
    `StorageMultiExcelWriter.scala:42`); the caller picks the names. `null_value` is the raw
    parameter (BLANK resolved here); it replaces null cells in xlsx as in csv, so with autoFormat
    a null in a number column is the text "NULL". `row_cap` applies to each sheet.

    Row 1 is the column names (bold 14 pt black, no number format); data from row 2. Written with
    openpyxl's write-only mode; the rows of a sheet are held until its column widths are known."""
    if not sheets:  # no sheet: POI's getWorkBook meets a null sheet (NullPointerException)
        raise ExportError("null")
    null_text = _resolve_null_value(null_value)
    taken: list[str] = []
    prepared = [  # every failure comes before openpyxl starts writing
        (_checked_sheet_name(name, taken), *_sheet_rows(table, null_text, auto_format, row_cap))
        for name, table in sheets
    ]
    workbook = _new_workbook()
    for name, rows, formats in prepared:
        _write_result_sheet(workbook.create_sheet(name), rows, formats)
    return _saved(workbook)


# --- durations -----------------------------------------------------------------------------------

_SECOND = 1000
_MINUTE = 60 * _SECOND
_HOUR = 60 * _MINUTE


def _float_ratio(ms: int, unit: int) -> float:
    """`t.toFloat / unit` in 32-bit arithmetic (a double quotient rounded once more to float is
    exact: 53 >= 2 * 24 + 2 bits)."""
    return _to_float32(_to_float32(float(ms)) / unit)


def _ms_duration(ms: int, units: tuple[str, str, str, str]) -> str:
    if ms < _SECOND:
        return f"{ms} {units[0]}"
    if ms < _MINUTE:
        return f"{_java_fixed(_float_ratio(ms, _SECOND), 1)} {units[1]}"
    if ms < _HOUR:
        return f"{_java_fixed(_float_ratio(ms, _MINUTE), 1)} {units[2]}"
    return f"{_java_fixed(_float_ratio(ms, _HOUR), 2)} {units[3]}"


def duration_zh(ms: int) -> str:
    """`Utils.msDurationToString` (`Utils.scala:359-373`): under 1000 ms "%d ms", under 60000
    "%.1f 秒", under 3600000 "%.1f 分钟", else "%.2f 小时"; float division, HALF_UP. So 59950 ms
    is "60.0 秒", not a minute."""
    return _ms_duration(ms, ("ms", "秒", "分钟", "小时"))


def duration_en(ms: int) -> str:
    """`ByteTimeUtils.msDurationToString` (`ByteTimeUtils.java:172-186`): the same thresholds and
    float arithmetic, "%d ms", "%.1f s", "%.1f m", "%.2f h", Locale.US."""
    return _ms_duration(ms, ("ms", "s", "m", "h"))


# --- job list ------------------------------------------------------------------------------------

JOB_LIST_SHEET = "任务信息表"  # JobhistoryUtils.java:66
_HEADERS_ZH = (  # JobhistoryUtils.java:45-46
    "任务ID,来源,查询语句,状态,已耗时,关键信息,是否复用,申请开始时间,申请结束时间,申请耗时,"
    "应用/任务类型/引擎,用户,创建时间"
)
_HEADERS_EN = (  # JobhistoryUtils.java:47-48 ("IsRuse" sic)
    "JobID,Source,Execution Code,Status,Time Elapsed,Key Information,IsRuse,"
    "Application Start Time,Application End Time,Application Takes Time,"
    "App /Run Type/Engine,User,Created at"
)
_CODE_MAX_CHARS = 1000  # JobhistoryUtils.java:163
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _job_list_headers(english: bool, with_user: bool) -> list[str]:
    """`JobhistoryUtils.java:69-84`: the user column is cut out with `replace(",用户", "")`."""
    headers = _HEADERS_EN if english else _HEADERS_ZH
    if not with_user:
        headers = headers.replace(",User" if english else ",用户", "")
    return headers.split(",")


def _object_text(value: Any) -> str | None:
    """`createCell(row, i, value)`: `value.toString()`, no value for null (:154-159)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _abbreviated(code: str | None) -> str | None:
    """`StringUtils.abbreviate(code, 1000)`: over 1000 chars, the first 997 and "..."."""
    if code is None or _java_length(code) <= _CODE_MAX_CHARS:
        return code
    return _java_prefix(code, _CODE_MAX_CHARS - 3) + "..."


def _date_text(epoch_ms: Any) -> str:
    """`formatDateTime` (:172-174): `yyyy-MM-dd HH:mm:ss` (`TaskConversions.scala:428-435`), ""
    for null. SimpleDateFormat uses the server's zone; this mock uses UTC."""
    if epoch_ms is None:
        return ""
    moment = _EPOCH + timedelta(milliseconds=int(epoch_ms))
    clock = f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d} {clock}"


def _reuse_text(is_reuse: Any) -> str:
    """`formatIsReuse` (:167-169)."""
    return "" if is_reuse is None else ("是" if is_reuse else "否")


def _concat_text(value: Any) -> str:
    """Java string concatenation: null is "null"."""
    text = _object_text(value)
    return "null" if text is None else text


def _job_row(task: Mapping[str, Any], with_user: bool) -> list[str | None]:
    """One data row (`JobhistoryUtils.java:94-123`). A null `costTime`/`requestSpendTime` counts
    as 0 ("0 ms"); "关键信息" is `errDesc` (not `errCode`)."""
    app = "/".join(
        _concat_text(task.get(key))
        for key in ("requestApplicationName", "runType", "executeApplicationName")
    )
    cells = [
        _object_text(task.get("taskID")),
        _object_text(task.get("sourceTailor")),
        _abbreviated(task.get("executionCode")),
        _object_text(task.get("status")),
        duration_zh(int(task.get("costTime") or 0)),
        _object_text(task.get("errDesc")),
        _reuse_text(task.get("isReuse")),
        _date_text(task.get("requestStartTime")),
        _date_text(task.get("requestEndTime")),
        duration_zh(int(task.get("requestSpendTime") or 0)),
        app,
    ]
    if with_user:
        cells.append(_object_text(task.get("umUser")))
    cells.append(_date_text(task.get("createdTime")))
    return [None if cell is None else _cell_text(cell) for cell in cells]


def job_list_xlsx(tasks: Sequence[Mapping[str, Any]], *, english: bool, with_user: bool) -> bytes:
    """The body of `download-job-list` (`JobhistoryUtils.java:56-136`): sheet "任务信息表", a plain
    header row (no style) in Chinese, or English when `Content-Language` is exactly "en"
    (`english`), the user column only for an admin or department view (`with_user`), then one
    row of text cells per task (QueryTaskVO as the JSON API gives it; times in epoch ms).
    Durations always use the Chinese formatter, whatever the language. No column is auto-sized.
    A text over 32767 chars raises ExportError (the server then sends an empty body)."""
    rows = [_job_list_headers(english, with_user), *(_job_row(task, with_user) for task in tasks)]
    workbook = _new_workbook()
    sheet = workbook.create_sheet(JOB_LIST_SHEET)
    for row in rows:
        sheet.append(row)
    return _saved(workbook)
