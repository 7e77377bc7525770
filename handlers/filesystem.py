"""The two filesystem reads clients use to fetch a job's result set."""

from __future__ import annotations

from typing import Any

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.contract.envelope import ok
from linkis_mock.contract.security import caller_of
from linkis_mock.runtime import sim


async def get_dir_file_trees(
    token_info: dict[str, Any], path: str | None = None
) -> tuple[api.DirFileTreesReply, int]:
    return ok(sim().entrance.dir_file_trees(path, caller_of(token_info)))


async def open_file(
    token_info: dict[str, Any],
    path: str | None = None,
    page: int = 1,
    page_size: int = 5000,
    charset: str | None = None,
) -> tuple[api.OpenFileReply, int]:
    del charset  # accepted and ignored, as by the real server
    return ok(sim().entrance.open_file(path, caller_of(token_info), page, page_size))
