"""A database row's JSON: what the rows of the state file and of PostgreSQL hold (rows.py,
job_rows.py) is written and read here."""

from __future__ import annotations

import json
from typing import Any

import orjson

STANDARD_ROW = " "  # a row the standard library wrote and must read (text)


def text(value: object) -> str:
    """A row's JSON, compact; orjson writes it (a unit writes a job's row with each change
    of it). What orjson will not write (an integer past 64 bits) the standard library
    writes, after a space: still JSON for any reader, and the mark that tells `parsed`
    orjson would not read it back exactly (it makes such an integer a float)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return STANDARD_ROW + json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def parsed(text: str) -> Any:
    """A row's JSON: orjson reads it (a restart reads every job's row), the standard library
    a row `text` marked, or one orjson refuses (a lone surrogate's escape). Rows of a mock
    before orjson carry no mark: an integer past 64 bits in one, which only a scenario
    file could have brought, would come back as a float."""
    if text.startswith(STANDARD_ROW):
        return json.loads(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
