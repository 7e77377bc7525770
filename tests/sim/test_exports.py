"""The download bodies of linkis_mock.sim.linkis.exports, read back as bytes or with openpyxl."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from linkis_mock.sim.linkis.exports import (
    CsvOptions,
    ExportError,
    ResultTable,
    TableColumn,
    duration_en,
    duration_zh,
    job_list_xlsx,
    resolve_csv_separator,
    result_csv,
    result_xlsx,
)
from tests.helpers.console import JOB_LIST_HEADERS_EN, JOB_LIST_HEADERS_ZH

COLUMNS = (
    TableColumn("id", "int"),
    TableColumn("name", "string"),
    TableColumn("amount", "decimal(10,2)"),
)
TEXTS = (TableColumn("id", "int"), TableColumn("name", "string"), TableColumn("note", "varchar(9)"))


def table(*rows: Sequence[str | None], columns: tuple[TableColumn, ...] = COLUMNS) -> ResultTable:
    return ResultTable(columns, rows)


def csv_text(result: ResultTable, row_cap: int | None = None, **options: Any) -> str:
    return result_csv(result, CsvOptions(**options), row_cap).decode()


def read_book(body: bytes) -> Any:
    return load_workbook(io.BytesIO(body))


def values(sheet: Any) -> list[list[Any]]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


# --- csv -----------------------------------------------------------------------------------------


def test_csv_default_options_exact_bytes() -> None:
    body = result_csv(
        table(["1", "a,b", "1E+3"], ["2", 'say "hi"', None]), CsvOptions(), row_cap=None
    )
    assert body == b'id,name,amount\n1,a,b,1000\n2,say "hi",NULL\n'


def test_csv_null_empty_and_null_text_become_null_value() -> None:
    rows = (["1", "", None], ["2", "NULL", "NULL"])
    assert csv_text(table(*rows)) == "id,name,amount\n1,NULL,NULL\n2,NULL,NULL\n"
    assert csv_text(table(*rows), null_value="blank") == "id,name,amount\n1,,\n2,,\n"
    assert csv_text(table(*rows), null_value="-") == "id,name,amount\n1,-,-\n2,-,-\n"


def test_csv_tab_separator_from_t_and_from_empty() -> None:
    expected = "id\tname\tamount\n1\tx\t2.50\n"
    assert csv_text(table(["1", "x", "2.50"]), separator="t") == expected
    assert csv_text(table(["1", "x", "2.50"]), separator="") == expected
    assert csv_text(table(["1", "x", "2.50"]), separator=";") == "id;name;amount\n1;x;2.50\n"


def test_csv_quote_retouch_quotes_header_and_non_blank_values() -> None:
    text = csv_text(table(["1", 'a"b"c', " "], columns=TEXTS), quote_retouch=True)
    assert text == '"id","name","note"\n"1","abc", \n'


def test_csv_newlines_replaced_unless_kept_and_cr_always_kept() -> None:
    rows = (["1", "a\r\nb\nc", " \n"],)  # a whitespace-only value is never changed
    assert csv_text(table(*rows, columns=TEXTS)) == "id,name,note\n1,a\r b c, \n\n"
    kept = csv_text(table(*rows, columns=TEXTS), keep_newline=True)
    assert kept == "id,name,note\n1,a\r\nb\nc, \n\n"


def test_csv_gbk_round_trips_chinese_text() -> None:
    body = result_csv(table(["1", "中文名称", None]), CsvOptions(charset="gbk"), None)
    assert body.decode("gbk") == "id,name,amount\n1,中文名称,NULL\n"
    assert body != "id,name,amount\n1,中文名称,NULL\n".encode()


def test_csv_utf16_is_big_endian_with_bom_as_java() -> None:
    assert result_csv(table(), CsvOptions(charset="UTF-16"), None)[:4] == b"\xfe\xff\x00i"


def test_csv_unknown_charset_message_is_the_name() -> None:
    with pytest.raises(ExportError) as error:
        result_csv(table(["1", "x", "1"]), CsvOptions(charset="no-such-charset"), None)
    assert str(error.value) == "no-such-charset"
    with pytest.raises(ExportError, match=r"^rot13$"):
        result_csv(table(), CsvOptions(charset="rot13"), None)


def test_csv_row_cap() -> None:
    rows = [[str(n), f"n{n}", "1"] for n in range(5)]
    assert csv_text(table(*rows), row_cap=2) == "id,name,amount\n0,n0,1\n1,n1,1\n"
    assert csv_text(table(*rows), row_cap=0) == "id,name,amount\n"
    assert csv_text(table(*rows)).count("\n") == 6


def test_csv_cells_are_printed_as_parsed_by_column_type() -> None:
    columns = (
        TableColumn("i", "int"),
        TableColumn("t", "tinyint"),  # no Linkis DataType: a string column
        TableColumn("d", "double"),
        TableColumn("f", "float"),
        TableColumn("b", "boolean"),
        TableColumn("ts", "timestamp"),
        TableColumn("dt", "date"),
        TableColumn("n", "decimal"),
    )
    rows = (
        ["007", "007", "1.0", "3", "TRUE", "2024-01-02 03:04:05.0", "2024-02-31", "-0.00"],
        ["1.5", "x", "1e20", "1e10", "yes", "2024-01-02 25:00:00.120", "2024-1-2", "1.5E-3"],
        ["null", "null", " ", "NaN", "", "bad", "x", "abc"],
    )
    assert csv_text(table(*rows, columns=columns)).splitlines()[1:] == [
        "7,007,1,3.0,true,2024-01-02 03:04:05,2024-03-02,0.00",
        "1.5,x,100000000000000000000,1.0E10,yes,2024-01-03 01:00:00.12,2024-01-02,0.0015",
        "NULL,null,NULL,NaN,NULL,bad,x,abc",
    ]


def test_resolve_csv_separator_follows_fs_restful_api() -> None:
    assert resolve_csv_separator(None, None) == ","
    assert resolve_csv_separator(",", ";") == ";"
    assert resolve_csv_separator(None, "t") == "t"
    assert resolve_csv_separator("|", ";") == "|"
    assert resolve_csv_separator("", "") == ","  # Spring applies the default to empty values
    assert resolve_csv_separator(",", ",") == ","


# --- xlsx ----------------------------------------------------------------------------------------

NUMBERS = (
    TableColumn("i", "int"),
    TableColumn("d", "double"),
    TableColumn("n", "decimal(20,3)"),
    TableColumn("dt", "date"),
    TableColumn("ts", "timestamp"),
    TableColumn("s", "string"),
)
NUMBER_ROW: list[str | None] = ["42", "2.5", "1E+3", "2024-01-02", "2024-01-02 03:04:05", "x"]


def test_xlsx_header_row_bold_14pt_black() -> None:
    sheet = read_book(result_xlsx([("result", table(["1", "x", "1"]))]))["result"]
    header = next(sheet.iter_rows(min_row=1, max_row=1))
    assert [cell.value for cell in header] == ["id", "name", "amount"]
    for cell in header:
        assert cell.font.b is True
        assert cell.font.sz == 14
        assert cell.font.color.indexed == 8  # IndexedColors.BLACK


def test_xlsx_without_auto_format_every_cell_is_text_with_at_format() -> None:
    body = result_xlsx([("result", table(*[NUMBER_ROW], columns=NUMBERS))])
    sheet = read_book(body)["result"]
    row = next(sheet.iter_rows(min_row=2, max_row=2))
    assert [cell.value for cell in row] == [
        "42",
        "2.5",
        "1000",
        "2024-01-02",
        "2024-01-02 03:04:05",
        "x",
    ]
    assert {cell.data_type for cell in row} == {"s"}
    assert {cell.number_format for cell in row} == {"@"}


def test_xlsx_auto_format_numbers_and_dates() -> None:
    body = result_xlsx([("r", table(*[NUMBER_ROW], columns=NUMBERS))], auto_format=True)
    row = next(read_book(body)["r"].iter_rows(min_row=2, max_row=2))
    assert [cell.value for cell in row] == [
        42,
        2.5,
        1000,
        datetime(2024, 1, 2),
        "2024-01-02 03:04:05",  # timestamp columns hold text, so getDate fails
        "x",
    ]
    assert [cell.number_format for cell in row] == [
        "#",
        "#.0000000000",
        "#.000000000",
        "m/d/yy h:mm",
        "m/d/yy h:mm",
        "@",
    ]
    assert [cell.data_type for cell in row] == ["n", "n", "n", "d", "s", "s"]


def test_xlsx_auto_format_more_than_15_integer_digits_stays_text() -> None:
    columns = (TableColumn("n", "decimal"), TableColumn("d", "double"))
    rows = (["1234567890123456", "1e16"], ["123456789012345.6", "0.1234567890123456"])
    sheet = read_book(result_xlsx([("r", table(*rows, columns=columns))], auto_format=True))["r"]
    assert values(sheet)[1:] == [
        ["1234567890123456", "10000000000000000"],
        [123456789012345.6, 0.1234567890123456],  # 15 digits before the point are fine
    ]


def test_xlsx_null_cells_get_null_value_also_with_auto_format() -> None:
    rows = (["1", None, ""], [None, "NULL", "2"])
    plain = read_book(result_xlsx([("r", table(*rows))]))["r"]
    assert values(plain)[1:] == [["1", "NULL", "NULL"], ["NULL", "NULL", "2"]]
    auto = read_book(result_xlsx([("r", table(*rows))], null_value="-", auto_format=True))["r"]
    assert values(auto)[1:] == [[1, "-", "-"], ["-", "-", 2]]


def test_xlsx_row_cap_applies_to_every_sheet_and_sheets_keep_their_order() -> None:
    first = table(*[[str(n), "a", "1"] for n in range(10)])
    second = table(*[[str(n), "b", "2"] for n in range(3)])
    book = read_book(result_xlsx([("resultset0", first), ("resultset1", second)], row_cap=2))
    assert book.sheetnames == ["resultset0", "resultset1"]
    assert values(book["resultset0"]) == [
        ["id", "name", "amount"],
        ["0", "a", "1"],
        ["1", "a", "1"],
    ]
    assert len(values(book["resultset1"])) == 3


def test_xlsx_columns_are_sized_from_their_longest_value_capped() -> None:
    rows = (["1", "x" * 40, "1"], ["2", "y" * 400, "1"])
    sheet = read_book(result_xlsx([("r", table(*rows))]))["r"]
    widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
    assert widths["B"] == 255
    assert 3 < widths["A"] < widths["B"]


def test_xlsx_sheet_names_follow_poi() -> None:
    book = read_book(result_xlsx([("a" * 40, table())]))
    assert book.sheetnames == ["a" * 31]
    with pytest.raises(ExportError, match=r"^The workbook already contains a sheet named 'R'$"):
        result_xlsx([("r", table()), ("R", table())])
    with pytest.raises(ExportError, match=r"Invalid char \(/\) found at index \(1\)"):
        result_xlsx([("a/b", table())])
    with pytest.raises(ExportError, match=r"^null$"):
        result_xlsx([])


def test_xlsx_refuses_text_longer_than_excel_allows() -> None:
    with pytest.raises(ExportError, match="maximum length of cell contents"):
        result_xlsx([("r", table(["1", "x" * 32768, "1"]))])


# --- job list ------------------------------------------------------------------------------------

FINISHED: dict[str, Any] = {
    "taskID": 42,
    "sourceTailor": "file:///x.sql-10.0.0.1",
    "executionCode": "select 1",
    "status": "Succeed",
    "costTime": 61500,
    "errCode": None,
    "errDesc": "ok",
    "isReuse": True,
    "requestStartTime": 1700000000000,
    "requestEndTime": 1700000001250,
    "requestSpendTime": 1250,
    "requestApplicationName": "IDE",
    "runType": "sql",
    "executeApplicationName": "spark",
    "umUser": "hadoop",
    "createdTime": 1699999999000,
}
WITH_NULLS: dict[str, Any] = {
    **{key: None for key in FINISHED},
    "taskID": 7,
    "status": "Inited",
    "isReuse": False,
}


def job_rows(*tasks: dict[str, Any], english: bool = False, with_user: bool = True) -> Any:
    book = read_book(job_list_xlsx(tasks, english=english, with_user=with_user))
    assert book.sheetnames == ["任务信息表"]
    return values(book["任务信息表"])


def test_job_list_headers_zh_with_user_and_en_without() -> None:
    assert job_rows()[0] == JOB_LIST_HEADERS_ZH
    assert job_rows(english=True, with_user=False)[0] == [
        h for h in JOB_LIST_HEADERS_EN if h != "User"
    ]
    assert job_rows(with_user=False)[0] == [h for h in JOB_LIST_HEADERS_ZH if h != "用户"]


def test_job_list_finished_job_cells() -> None:
    assert job_rows(FINISHED)[1] == [
        "42",
        "file:///x.sql-10.0.0.1",
        "select 1",
        "Succeed",
        "1.0 分钟",
        "ok",
        "是",
        "2023-11-14 22:13:20",
        "2023-11-14 22:13:21",
        "1.3 秒",
        "IDE/sql/spark",
        "hadoop",
        "2023-11-14 22:13:19",
    ]
    assert len(job_rows(FINISHED, with_user=False)[1]) == 12


def test_job_list_null_members() -> None:
    # "" and null both read back as None: openpyxl writes an empty text cell without a value.
    assert job_rows(WITH_NULLS, english=True)[1] == [
        "7",
        None,
        None,
        "Inited",
        "0 ms",
        None,
        "否",
        None,
        None,
        "0 ms",
        "null/null/null",
        None,
        None,
    ]


def test_job_list_code_is_abbreviated_to_1000_chars() -> None:
    long_code = {**FINISHED, "executionCode": "x" * 1001}
    assert job_rows(long_code)[1][2] == "x" * 997 + "..."
    exact = {**FINISHED, "executionCode": "y" * 1000}
    assert job_rows(exact)[1][2] == "y" * 1000


# --- durations -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ms", "zh", "en"),
    [
        (0, "0 ms", "0 ms"),
        (999, "999 ms", "999 ms"),
        (1000, "1.0 秒", "1.0 s"),
        (1250, "1.3 秒", "1.3 s"),  # an exact binary half: Java rounds HALF_UP
        (1450, "1.5 秒", "1.5 s"),  # 1.45000005f: above the half, where a double is below
        (59949, "59.9 秒", "59.9 s"),
        (59950, "60.0 秒", "60.0 s"),  # still under the minute threshold
        (60000, "1.0 分钟", "1.0 m"),
        (3599999, "60.0 分钟", "60.0 m"),
        (3600000, "1.00 小时", "1.00 h"),
        (4050000, "1.13 小时", "1.13 h"),  # 1.125 h, exact half at two places
        (-5, "-5 ms", "-5 ms"),
    ],
)
def test_durations(ms: int, zh: str, en: str) -> None:
    assert duration_zh(ms) == zh
    assert duration_en(ms) == en


def test_duration_uses_32_bit_float_arithmetic() -> None:
    # 1050f / 1000 is 1.04999995f, so Java prints 1.0 where double arithmetic would give 1.1
    assert duration_zh(1050) == "1.0 秒"
    assert duration_en(1050) == "1.0 s"
