"""The replies' JSON encoder: the standard library's JSON, compact, faster."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linkis_mock.contract.reply_json import ReplyJsonifier, encode, encode_line

LONG_MAX = 2**63 - 1

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)  # past 64 bits too
    | st.text()  # any code point but lone surrogates: the CJK of Linkis messages, emoji
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def standard(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


@given(values)
def test_it_writes_what_the_standard_library_writes_compactly(value: Any) -> None:
    assert encode(value) == standard(value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_read_back_as_the_same_number(number: float) -> None:
    # The digits are the shortest that read back; only the exponent's form may differ
    # from Python's repr (1e+16 against 1e16).
    assert json.loads(encode({"progress": number})) == {"progress": number}


def test_keys_that_are_not_text_are_written_as_json_dumps_writes_them() -> None:
    assert encode({1: "a", "b": [LONG_MAX + 1]}) == b'{"1":"a","b":[9223372036854775808]}'


def test_a_string_that_is_not_unicode_fails_as_with_the_standard_library() -> None:
    with pytest.raises(UnicodeEncodeError):
        encode({"code": "\ud800"})


def test_connexion_gets_the_same_bytes_and_the_newline_it_always_ended_with() -> None:
    value = {"message": "请求成功", "status": 0, "data": {"execID": "exec_id018"}}
    assert encode_line(value) == standard(value) + b"\n"
    assert ReplyJsonifier().dumps(value).encode() == encode_line(value)
