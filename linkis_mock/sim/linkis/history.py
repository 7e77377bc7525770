"""Job history and the result files: what clients read once the entrance has let a job
go, with the real visibility rule (the submitting or executing user, or an admin)."""

from __future__ import annotations

import json
import time

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.entrance_part import EntrancePart
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.jobs import Job, JobState
from linkis_mock.sim.linkis.messages import HISTORY_NOT_FOUND
from linkis_mock.sim.linkis.ok import Ok

ENGINE_INSTANCE = "127.0.0.1:41761"
RESULT_FILE = "_0.dolphin"


class History(EntrancePart):
    def job_history(self, task_id: int, caller: Caller, brief: bool) -> Ok[api.JobHistoryData]:
        job = self.store.by_task_id(task_id)
        if job is None or not self._may_view(job, caller):
            raise LinkisError(HISTORY_NOT_FOUND)
        return Ok({"task": self._history_row(job, self.clock.now_ms(), brief)})

    @staticmethod
    def _may_view(job: Job, caller: Caller) -> bool:
        return caller.admin or caller.user in (job.submit_user, job.execute_user)

    def _history_row(self, job: Job, now: int, brief: bool) -> api.JobHistoryTask:
        state = job.state(now)
        err_code, err_desc = job.error_of(now)
        updated = job.timeline.moved_at(now)
        row: api.JobHistoryTask = {
            "taskID": job.ident.task_id,
            "status": state.api_name,
            "progress": str(round(job.progress(now), 2)),
            "resultLocation": self.result_location(job) if state is JobState.SUCCEED else None,
            "logPath": self._log_path(job),
            "errCode": None if state is JobState.RUNNING else err_code,
            "errDesc": err_desc,
            "costTime": (updated if state.is_terminal else now) - job.created_ms,
            "createdTime": job.created_ms,
            "updatedTime": updated,
            "execId": job.ident.short_exec_id or None,
            "strongerExecId": job.ident.exec_id or None,
            "umUser": job.submit_user,
            "executeUser": job.execute_user,
        }
        if brief:
            return row
        started = bool(job.timeline.attempts) and job.timeline.attempts[0].start_ms <= now
        row["engineType"] = job.engine_type
        row["runType"] = job.run_type
        row["executeApplicationName"] = job.engine_type
        row["requestApplicationName"] = job.creator
        row["executionCode"] = job.code
        row["sourceJson"] = json.dumps(dict(job.source), ensure_ascii=False)
        row["paramsJson"] = json.dumps(dict(job.params), ensure_ascii=False)
        row["instance"] = job.ident.instance
        row["engineInstance"] = ENGINE_INSTANCE if started else None
        row["labels"] = dict(job.labels)
        return row

    def result_location(self, job: Job) -> str:
        stamp = time.strftime("%Y%m%d_%H%M%S", time.gmtime(job.created_ms // 1000))
        return (
            f"{self.settings.result_root}/{job.execute_user}/linkis/{stamp}/"
            f"{job.creator}/{job.ident.task_id}"
        )

    def _log_path(self, job: Job) -> str:
        day = time.strftime("%Y-%m-%d", time.gmtime(job.created_ms // 1000))
        return (
            f"{self.settings.result_root}/log/{day}/{job.creator}/{job.execute_user}/"
            f"{job.ident.task_id}.log"
        )

    def dir_file_trees(self, path: str | None, caller: Caller) -> Ok[api.DirFileTreesData]:
        path = self._required_path(path)
        job = self._job_with_result_dir(path, caller)
        if job is None:
            return Ok({"dirFileTrees": None})
        end = job.timeline.ends_at
        child: api.FileTree = {
            "name": RESULT_FILE,
            "path": f"{path}/{RESULT_FILE}",
            "properties": {"size": str(self._result_size(job)), "modifytime": str(end)},
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
    ) -> Ok[api.OpenFileData]:
        path = self._required_path(path)
        directory, _, name = path.rpartition("/")
        job = self._job_with_result_dir(directory, caller) if name == RESULT_FILE else None
        if job is None:
            raise self.coded(80013, f"The file does not exist(文件不存在): {path}")
        script = job.script
        first = (page - 1) * page_size
        rows = [script.row(i) for i in range(first, min(first + page_size, script.rows))]
        return Ok(
            {
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
        )

    def _required_path(self, path: str | None) -> str:
        if path is None or not path.strip():
            raise self.coded(80004, "The path cannot be empty(路径不能为空)")
        return path.rstrip("/") if path.strip("/") else path

    def _job_with_result_dir(self, directory: str, caller: Caller) -> Job | None:
        """The succeeded job whose result directory is exactly `directory`, if any."""
        last = directory.rsplit("/", 1)[-1]
        job = self.store.by_task_id(int(last)) if last.isdigit() else None
        now = self.clock.now_ms()
        if job is None or job.state(now) is not JobState.SUCCEED:
            return None
        if self.result_location(job) != directory:
            return None
        if not self._may_view(job, caller):
            raise self.coded(
                80010,
                f"You do not have permission to access the path {directory}(没有访问该路径的权限)",
            )
        return job

    @staticmethod
    def _result_size(job: Job) -> int:
        sample = min(job.script.rows, 100)
        if sample == 0:
            return 0
        sample_bytes = sum(len(",".join(job.script.row(i))) + 1 for i in range(sample))
        return sample_bytes * job.script.rows // sample
