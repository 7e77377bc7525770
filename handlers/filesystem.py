"""The two filesystem reads clients use to fetch a job's result set."""

from __future__ import annotations

from typing import Any

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.context import Call


async def get_dir_file_trees(
    call: Call, token_info: dict[str, Any], path: str | None = None
) -> tuple[api.DirFileTreesReply, int]:
    return call.ok(call.sim.entrance.dir_file_trees(path, call.caller(token_info)))


async def open_file(
    call: Call,
    token_info: dict[str, Any],
    *,
    path: str | None = None,
    page: int = 1,
    page_size: int = 5000,
    charset: str | None = None,
) -> tuple[api.OpenFileReply, int]:
    del charset  # accepted and ignored, as by the real server
    return call.ok(call.sim.entrance.open_file(path, call.caller(token_info), page, page_size))
