"""`filesystem/openLog`: a job's log file, split by level as the public service splits
it (docs/reference/linkis-console.md §6; FsRestfulApi.java:1443-1569,
WorkspaceUtil.java:33-79).

The file is the job's log as the entrance has written it by now, the same lines
`entrance/{id}/log` gives, so a log read either way agrees.
"""

from __future__ import annotations

import re

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.entrance_part import EntrancePart
from linkis_mock.sim.linkis.errors import PUBLIC_SERVICE
from linkis_mock.sim.linkis.jobs import Job
from linkis_mock.sim.linkis.ok import Ok
from linkis_mock.sim.linkis.query_task import log_path, task_id_named

LEVELS = ("ERROR", "WARN", "INFO")  # LogLevel.Type's order; ALL is the fourth
ALL = 3
STAMP = (
    r"((19|20)[0-9]{2})-(0?[1-9]|1[012])-(0?[1-9]|[12][0-9]|3[01]) "
    r"([01]?[0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.\d{3}\s*"
)
LEVEL_LINES = tuple(re.compile(STAMP + level + r"(.*)") for level in LEVELS)
SIZE_LIMIT = 30 * 1024 * 1024  # linkis.filesystem.file.size.limit (30M)


def levels_asked(log_level: str | None) -> frozenset[int]:
    """`all` (the default), one level, or a comma list; unknown names are skipped, and
    none known means all (FsRestfulApi.java:1523-1569)."""
    cleaned = re.sub(r"\s+", "", log_level or "").upper()
    if not cleaned or cleaned == "ALL":
        return frozenset({ALL})
    names = (*LEVELS, "ALL")
    asked = frozenset(names.index(name) for name in cleaned.split(",") if name in names)
    return asked or frozenset({ALL})


def split_levels(lines: list[str], asked: frozenset[int]) -> list[str]:
    """The four texts: a line of a level goes to it and to ALL and sets the current
    level; any other line goes to ALL and to the current level; each line ends in `\\n`."""
    parts: list[list[str]] = [[], [], [], []]
    current: int | None = None
    for line in lines:
        text = line if line else "\n"  # a blank line reads back as "\n"
        level = next((i for i, pattern in enumerate(LEVEL_LINES) if pattern.fullmatch(line)), None)
        if level is not None:
            current = level
        places = {ALL} if current is None else {current, ALL}
        if ALL not in asked:
            places &= asked
        for place in places:
            parts[place].append(text + "\n")
    return ["".join(part) for part in parts]


class LogFiles(EntrancePart):
    def open_log(
        self, path: str | None, proxy_user: str | None, log_level: str | None, caller: Caller
    ) -> Ok[api.OpenLogReplyData]:
        if not path:
            shown = "null" if path is None else path
            raise self.coded(
                80004, f"The path:{shown} is empty(路径:{shown} 为空)!", PUBLIC_SERVICE
            )
        # A history admin's proxyUser opens the file as that user (FsRestfulApi.java:1456-1458).
        reader = proxy_user if proxy_user is not None and caller.history_admin else caller.user
        job = self._job_with_log(path)
        if job is None:
            raise self.generic("IOException", f"path {path} not exists.", PUBLIC_SERVICE)
        roles = self.settings.roles
        if not (
            roles.is_history_admin(reader)
            or reader in (job.submitted.submit_user, job.submitted.execute_user)
        ):
            desc = "This user has no permission to read this log(该用户无权限读取此日志)!"
            raise self.coded(80018, desc, PUBLIC_SERVICE)
        timeline = job.timeline
        lines = timeline.lines[: timeline.lines_visible(self.clock.now_ms())]
        if sum(len(line.encode()) + 1 for line in lines) > SIZE_LIMIT:
            raise self.coded(
                80033,
                "The log file exceeds 30MB and is too large and cannot be opened, path : "
                f"{path} (日志文件超过30M，文件太大暂不支持打开查看，文件地址：{path})",
                PUBLIC_SERVICE,
            )
        return Ok({"log": split_levels(lines, levels_asked(log_level))})

    def _job_with_log(self, path: str) -> Job | None:
        """The job whose log file is exactly `path`."""
        task_id = task_id_named(path.rsplit("/", 1)[-1].removesuffix(".log"))
        job = self.store.by_task_id(task_id) if task_id is not None else None
        if job is None or log_path(job, self.settings.result_root) != path:
            return None
        return job
