"""A succeeded job's result files: the directory listing and one page of a file, as the
console and the SDKs read them, and the downloads as CSV or xlsx
(docs/reference/linkis-entrance.md §8.2, §8.3; docs/reference/linkis-console.md §7).

Each succeeded job has one table result set, `<resultLocation>/_0.dolphin`, computed
from its script on demand; another user's result gets 80010.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.sim.linkis import exports
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.entrance_part import EntrancePart
from linkis_mock.sim.linkis.errors import PUBLIC_SERVICE, DownloadError, LinkisError, wrapped_text
from linkis_mock.sim.linkis.jobs import Job, JobState
from linkis_mock.sim.linkis.ok import Ok
from linkis_mock.sim.linkis.query_task import RESULT_FILE, result_location, task_id_named

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOAD_ROW_CAP = 5000  # wds.linkis.workspace.resultset.download.maxsize.csv / .excel


@dataclass(frozen=True, slots=True)
class FileRead:
    """`filesystem/openFile`'s parameters. charset, enableLimit, nullValue, the column
    paging, maskedFieldNames and truncateColumn are accepted and ignored: the mock's
    results are single-page tables with no null cells."""

    path: str | None = None
    page: int = 1
    page_size: int = 5000
    charset: str | None = None
    enable_limit: str | None = None
    null_value: str | None = None
    column_page: int | None = None
    column_page_size: int | None = None
    masked_field_names: str | None = None
    truncate_column: str | None = None


@dataclass(frozen=True, slots=True)
class ResultDownload:
    """`filesystem/resultsetToExcel`'s parameters, named as the handler receives them."""

    path: str | None = None
    charset: str = "utf-8"
    output_file_type: str = "csv"
    csv_separator: str | None = None
    csv_seperator: str | None = None
    quote_retouch_enable: bool = False
    output_file_name: str = "downloadResultset"
    sheet_name: str = "result"
    null_value: str = "NULL"
    limit: int = 0
    auto_format: bool = False
    keep_newline: bool = False
    masked_field_names: str | None = None


@dataclass(frozen=True, slots=True)
class ResultsDownload:
    """`filesystem/resultsetsToExcel`'s parameters."""

    path: str | None = None
    output_file_name: str = "downloadResultset"
    null_value: str = "NULL"
    limit: int = 0
    auto_format: bool = False
    masked_field_names: str | None = None


@dataclass(frozen=True, slots=True)
class DownloadedFile:
    file_name: str
    file_type: str  # "csv" or "xlsx"
    charset: str
    content: bytes


class ResultFiles(EntrancePart):
    def dir_file_trees(self, path: str | None, caller: Caller) -> Ok[api.DirFileTreesData]:
        path = self._required_path(path)
        job = self._job_with_result_dir(path, caller)
        if job is None:
            return Ok({"dirFileTrees": None})
        end = job.timeline.ends_at
        child: api.FileTree = {
            "name": RESULT_FILE,
            "path": f"{path}/{RESULT_FILE}",
            "properties": {"size": str(_result_size(job)), "modifytime": str(end)},
            "isLeaf": True,
            "parentPath": path,
            "children": None,
        }
        tree: api.FileTree = {
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "properties": None,
            "isLeaf": False,
            "parentPath": None,
            "children": [child],
        }
        return Ok({"dirFileTrees": tree})

    def open_file(
        self, path: str | None, caller: Caller, page: int, page_size: int
    ) -> Ok[api.OpenFilePage]:
        path = self._required_path(path)
        job = self._job_with_result_file(path, caller)
        if job is None:
            raise self.coded(80013, f"The file does not exist(文件不存在): {path}")
        script, digest = job.script, job.digest
        first = (page - 1) * page_size
        last = min(first + page_size, script.rows)
        rows = [script.row(i, digest) for i in range(first, last)]
        data: api.OpenFilePage = {
            "metadata": [
                {"columnName": c.name, "comment": "NULL", "dataType": c.data_type}
                for c in script.columns
            ],
            "fileContent": rows,
            "type": "2",
            "totalLine": len(rows),
            "page": page,
            "totalPage": 0,
            "totalColumn": len(script.columns),
        }
        return Ok(data)

    # ---- downloads ----------------------------------------------------------------------

    def download_result(self, request: ResultDownload, caller: Caller) -> DownloadedFile:
        """One result file as CSV or xlsx (FsRestfulApi.java:963-1101)."""
        path = self._download_path(request.path)
        job = self._found(lambda: self._job_with_result_file(path, caller))
        if job is None:  # the read check itself throws (LocalFileSystem.java:482-484)
            raise DownloadError.saying(f"path {path} not exists.")
        cap = request.limit if request.limit > 0 else DOWNLOAD_ROW_CAP
        table = _table(job)
        kind = request.output_file_type
        if kind == "csv":
            separator = exports.resolve_csv_separator(request.csv_separator, request.csv_seperator)
            options = exports.CsvOptions(
                separator=separator,
                null_value=request.null_value,
                quote_retouch=request.quote_retouch_enable,
                keep_newline=request.keep_newline,
                charset=request.charset,
            )
            try:
                content = exports.result_csv(table, options, cap)
            except exports.ExportError as exc:
                raise DownloadError.saying(str(exc)) from None
        elif kind == "xlsx":
            content = exports.result_xlsx(
                [(request.sheet_name, table)],
                null_value=request.null_value,
                auto_format=request.auto_format,
                row_cap=cap,
            )
        else:
            raise self._download_error(
                80015, "Unsupported resultset output type(不支持的结果集输出类型)"
            )
        return DownloadedFile(request.output_file_name, kind, request.charset, content)

    def download_results(self, request: ResultsDownload, caller: Caller) -> DownloadedFile:
        """Every table result set of a directory, one sheet each (FsRestfulApi.java:1127-1235)."""
        path = self._download_path(request.path)
        job = self._found(lambda: self._job_with_result_dir(path, caller))
        if job is None:
            raise self._download_error(80029, "Empty dir(空目录)!")
        cap = request.limit if request.limit > 0 else DOWNLOAD_ROW_CAP
        content = exports.result_xlsx(
            [("resultset0", _table(job))],
            null_value=request.null_value,
            auto_format=request.auto_format,
            row_cap=cap,
        )
        return DownloadedFile(request.output_file_name, "xlsx", "utf-8", content)

    @staticmethod
    def _download_path(path: str | None) -> str:
        """FsPath refuses a missing or empty path before anything else (FsPath.java:101-108)."""
        if path is None:
            raise DownloadError.saying("Can not create a Path from a null string")
        if not path:
            raise DownloadError.saying("Can not create a Path from an empty string")
        return path.rstrip("/") if path.strip("/") else path

    def _found(self, find: Callable[[], Job | None]) -> Job | None:
        """The job, with a refusal (80010) as a download's error text."""
        try:
            return find()
        except LinkisError as exc:
            error_msg = exc.data["errorMsg"]
            raise self._download_error(error_msg["errCode"], error_msg["desc"]) from None

    def _download_error(self, code: int, desc: str) -> DownloadError:
        return DownloadError.saying(
            wrapped_text(code, desc, self.settings.instance, PUBLIC_SERVICE)
        )

    # ---- finding a job by its result paths ------------------------------------------------

    def _required_path(self, path: str | None) -> str:
        if path is None or not path.strip():
            raise self.coded(80004, "The path cannot be empty(路径不能为空)")
        return path.rstrip("/") if path.strip("/") else path

    def _job_with_result_file(self, path: str, caller: Caller) -> Job | None:
        directory, _, name = path.rpartition("/")
        return self._job_with_result_dir(directory, caller) if name == RESULT_FILE else None

    def _job_with_result_dir(self, directory: str, caller: Caller) -> Job | None:
        """The succeeded job whose result directory is exactly `directory`, if any."""
        task_id = task_id_named(directory.rsplit("/", 1)[-1])
        job = self.store.by_task_id(task_id) if task_id is not None else None
        now = self.clock.now_ms()
        if job is None or job.state(now) is not JobState.SUCCEED:
            return None
        if result_location(job, self.settings.result_root) != directory:
            return None
        if not caller.may_view(job.submitted.submit_user, job.submitted.execute_user):
            raise self.coded(
                80010,
                f"You do not have permission to access the path {directory}(没有访问该路径的权限)",
            )
        return job


def _table(job: Job) -> exports.ResultTable:
    columns = tuple(exports.TableColumn(c.name, c.data_type) for c in job.script.columns)
    return exports.ResultTable(columns, _rows(job))


def _rows(job: Job) -> Iterator[list[str]]:
    script, digest = job.script, job.digest
    return (script.row(index, digest) for index in range(script.rows))


def _result_size(job: Job) -> int:
    script, digest = job.script, job.digest
    sample = min(script.rows, 100)
    if sample == 0:
        return 0
    sample_bytes = sum(len(",".join(script.row(i, digest))) + 1 for i in range(sample))
    return sample_bytes * script.rows // sample
