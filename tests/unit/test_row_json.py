"""A state row's JSON reads back as it was written, whichever library writes it."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from linkis_mock.sim.storage.row_json import parsed as _parsed
from linkis_mock.sim.storage.row_json import text as _text

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**80), 2**80)  # past 64 bits too: the standard library's then
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(values)
def test_a_row_reads_back_as_it_was_written(value: Any) -> None:
    text = _text(value)
    assert _parsed(text) == value
    assert json.loads(text) == value  # rows an older mock reads, with the standard library


def test_an_escape_orjson_refuses_is_read_by_the_standard_library() -> None:
    assert _parsed('{"code": "\\ud800"}') == {"code": "\ud800"}
