"""The filesystem calls around a job: its result directory and files, their downloads,
and its log file."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.context import Call, attachment, takes_parameters
from linkis_mock.sim.linkis.ok import Ok
from linkis_mock.sim.linkis.result_files import (
    XLSX,
    DownloadedFile,
    FileRead,
    ResultDownload,
    ResultsDownload,
)


async def get_dir_file_trees(
    call: Call, token_info: dict[str, Any], path: str | None = None
) -> tuple[api.DirFileTreesReply, int]:
    return call.ok(call.sim.entrance.results.dir_file_trees(path, call.caller(token_info)))


@takes_parameters(FileRead)
async def open_file(
    call: Call, token_info: dict[str, Any], request: FileRead
) -> tuple[api.OpenFileReply, int]:
    caller = call.caller(token_info)
    read = call.sim.entrance.results.open_file(
        request.path, caller, request.page, request.page_size
    )
    data: api.OpenFileReplyData = read.data  # the mock's results are always table pages
    return call.ok(Ok(data, read.message))


async def open_log(
    call: Call,
    token_info: dict[str, Any],
    path: str | None = None,
    proxy_user: str | None = None,
    log_level: str | None = None,
) -> tuple[api.OpenLogReply, int]:
    caller = call.caller(token_info)
    return call.ok(call.sim.entrance.logs.open_log(path, proxy_user, log_level, caller))


@takes_parameters(ResultDownload)
async def download_resultset(
    call: Call, token_info: dict[str, Any], request: ResultDownload
) -> Response:
    return _file(call, call.sim.entrance.results.download_result(request, call.caller(token_info)))


@takes_parameters(ResultsDownload)
async def download_resultsets(
    call: Call, token_info: dict[str, Any], request: ResultsDownload
) -> Response:
    return _file(call, call.sim.entrance.results.download_results(request, call.caller(token_info)))


def _file(call: Call, downloaded: DownloadedFile) -> Response:
    """A CSV is `text/plain` as the real server sends it (FsRestfulApi.java:1036), or
    `text/csv` to a client that asks for that. (A Starlette response: Connexion would
    refuse a media type with a charset parameter as not the spec's.)"""
    if downloaded.file_type == "xlsx":
        media_type = XLSX
    else:
        text = "text/csv" if "text/csv" in call.headers.get("accept", "") else "text/plain"
        media_type = f"{text}; charset={downloaded.charset}"
    name = f"{downloaded.file_name}.{downloaded.file_type}"
    return Response(downloaded.content, 200, headers=attachment(name), media_type=media_type)
