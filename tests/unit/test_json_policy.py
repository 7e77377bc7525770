"""The one JSON decoding policy (linkis_mock/contract/json_policy.py): RFC 8259, strictly."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkis_mock.contract.json_policy import MAX_DEPTH, JsonPolicyError, loads

LONGS = st.integers(min_value=-(2**63), max_value=2**63 - 1)
FINITE = st.floats(allow_nan=False, allow_infinity=False)
TEXT = st.text(st.characters(exclude_categories=["Cs"]))
JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | LONGS | FINITE | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300)
@given(JSON_VALUES, st.booleans())
def test_standard_json_reads_as_python_reads_it(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert loads(text.encode("utf-8")) == json.loads(text)


@settings(max_examples=500)
@given(st.binary(max_size=64) | JSON_VALUES.map(lambda v: json.dumps(v).encode()))
def test_whatever_it_accepts_can_be_written_back_as_strict_utf8_json(data: bytes) -> None:
    """Mutations of real JSON and random bytes: accepted means safe to reply with and to save."""
    for candidate in (data, data.replace(b"1", b"NaN"), data.replace(b'"', b'"\\ud800', 1)):
        try:
            value = loads(candidate)
        except JsonPolicyError:
            continue
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (b"NaN", "Non-standard token 'NaN'"),
        (b"[Infinity]", "Non-standard token 'Infinity'"),
        (b'{"a": -Infinity}', "Non-standard token '-Infinity'"),
        (b"1e999", "Numeric value (1e999) out of range of double"),
        (b"-1e999", "Numeric value (-1e999) out of range of double"),
        (b"9223372036854775808", "Numeric value (9223372036854775808) out of range of long"),
        (b"-9223372036854775809", "out of range of long"),
        (b"9" * 5000, "Numeric value (999999999999999999999999... (5000 characters))"),
        (b'"\\ud800"', "Invalid UTF-16 surrogate \\ud800"),
        (b'"\\udc00\\ud800"', "Invalid UTF-16 surrogate \\udc00"),
        (b'{"\\ud800": 1}', "Invalid UTF-16 surrogate \\ud800"),
        (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), "nesting depth exceeds"),
        (b"[" * 100_000 + b"]" * 100_000, "nesting depth exceeds"),
        (b'{"a":' * (MAX_DEPTH + 1) + b"1" + b"}" * (MAX_DEPTH + 1), "nesting depth exceeds"),
        (b"\xff{}", "Invalid UTF-8: invalid start byte at byte 0"),
        (b'"\xed\xa0\x80"', "Invalid UTF-8"),  # a surrogate encoded in UTF-8
        (b"\xef\xbb\xbf{}", "byte order mark"),
        (b'{"a": ', "Expecting value"),
        (b"", "Expecting value"),
    ],
)
def test_what_it_refuses_and_says(text: bytes, problem: str) -> None:
    with pytest.raises(JsonPolicyError) as refused:
        loads(text)
    assert problem in str(refused.value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (b"9223372036854775807", 2**63 - 1),
        (b"-9223372036854775808", -(2**63)),
        (b"1.7976931348623157e308", 1.7976931348623157e308),
        (b'"\\ud83d\\ude00"', "\U0001f600"),
        (b'"a\\u0000b"', "a\x00b"),
        (b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)),
        (b'"' + b"[[[[" * 50 + b'"', "[[[[" * 50),  # brackets inside a string are not nesting
    ],
)
def test_what_it_accepts_at_the_edges(text: bytes, value: Any) -> None:
    assert loads(text) == value
