"""The ECM's page rules of linkis_mock.sim.linkis.engine_logs.read_page
(EngineConnLogOperator.scala:40-134), on lines of our own."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from linkis_mock.sim.linkis.engine_logs import (
    MULTILINE_MAX,
    EcmError,
    EngineLogRequest,
    read_page,
)

LINES = [f"2024-05-01 10:00:{n:02d}.000 INFO line {n}" for n in range(10)]


BASE = EngineLogRequest("linkis-cg-engineconn", "127.0.0.1:9102", "127.0.0.1:41761", "stdout")


def request(**given: Any) -> EngineLogRequest:
    return replace(BASE, **given)


def test_tail_pages_count_from_the_end_and_keep_file_order() -> None:
    assert read_page(LINES, request(page_size=3)) == {"logs": LINES[-3:], "endLine": 3, "rows": 3}
    assert read_page(LINES, request(page_size=3, from_line=4))["logs"] == LINES[-6:-3]
    # fromLine 0 and 1 both start at the first line (the console sends 0)
    assert read_page(LINES, request(page_size=3, from_line=0)) == read_page(
        LINES, request(page_size=3, from_line=1)
    )


def test_past_the_end_is_an_empty_page_that_counts_what_it_read() -> None:
    page = read_page(LINES, request(page_size=5, from_line=20))
    assert page == {"logs": [], "endLine": 10, "rows": 0}


def test_forwards_without_tail() -> None:
    page = read_page(LINES, request(page_size=2, from_line=3, enable_tail=False))
    assert page == {"logs": LINES[2:4], "endLine": 4, "rows": 2}


def test_a_dropped_entry_takes_its_unstamped_continuation_lines_with_it() -> None:
    lines = [
        "2024-05-01 10:00:00.000 INFO keep",
        "2024-05-01 10:00:01.000 ERROR drop me",
        "\tat Foo.bar(Foo.java:1)",
        "\tat Foo.baz(Foo.java:2)",
        "2024-05-01 10:00:02.000 INFO keep again",
        "unstamped after a kept line",
    ]
    page = read_page(lines, request(enable_tail=False, ignore_keywords="drop"))
    assert page["logs"] == [lines[0], lines[4], lines[5]]
    only = read_page(lines, request(enable_tail=False, only_keywords="keep,Foo.baz"))
    # the stack lines follow a dropped entry: dropped with it, Foo.baz too
    assert only["logs"] == [lines[0], lines[4]]


def test_a_continuation_longer_than_the_limit_is_shown_from_the_limit_on() -> None:
    lines = ["2024-05-01 10:00:01.000 ERROR drop", *(f"\tat {n}" for n in range(MULTILINE_MAX + 2))]
    page = read_page(lines, request(enable_tail=False, ignore_keywords="drop", page_size=10))
    assert page["logs"] == lines[MULTILINE_MAX : MULTILINE_MAX + 3]


def test_last_rows_and_its_limit() -> None:
    assert read_page(LINES, request(last_rows=2)) == {"logs": LINES[-2:], "rows": 2}
    assert read_page([], request(last_rows=2)) == {"logs": [""], "rows": 1}  # tail's "" split
    with pytest.raises(EcmError, match="Cannot fetch more than 5000 lines"):
        read_page(LINES, request(last_rows=5001))


def test_a_negative_page_size_is_the_ecms_exception() -> None:
    with pytest.raises(EcmError, match=r"^IllegalArgumentException: Illegal Capacity: -2$"):
        read_page(LINES, request(page_size=-2))
    assert read_page(LINES, request(page_size=0)) == {"logs": [], "endLine": 0, "rows": 0}
