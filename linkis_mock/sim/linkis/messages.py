"""The texts of the real entrance's replies and job logs, each written once
(docs/reference/linkis-entrance.md; those of job history: docs/reference/linkis-console.md)."""

from __future__ import annotations

STATUS_UNKNOWN_JOB = (
    "Get job by ID error and cannot obtain the corresponding task status."
    "(获取job时发生异常，不能获取相应的任务状态)"
)
PROGRESS_UNKNOWN_JOB = (
    "The job corresponding to the ID is empty, and the corresponding task progress cannot be "
    "obtained.(ID 对应的job为空，不能获取相应的任务进度)"
)
LOG_UNKNOWN_JOB = (
    "The job you just executed has ended. This interface no longer provides a query. It is "
    "recommended that you download the log file for viewing."
    "(您刚刚执行的job已经结束，本接口不再提供"
    "查询，建议您下载日志文件进行查看)"
)
KILL_UNKNOWN_JOB = "Get job by ID error, kill failed.(获取job时发生异常，kill失败)"
KILL_OK = "Successfully killed the job(成功kill了job)"
KILL_FORCED = "Forced Kill task (强制杀死任务)"
KILL_FAILED = (
    "An exception occurred while killing the job, kill failed(kill job的时候出现了异常，kill失败)"
)
PAUSE_OK = "success to pause job (成功pause了job)"
KILL_JOBS_LENGTH = (
    "The length of the ID list does not match the length of the TASKID list"
    "(id列表的长度与taskId列表的长度不一致)"
)
HISTORY_NOT_FOUND = (
    "The corresponding job was not found, or there may be no permission to view the job"
    "(没有找到对应的job，也可能是没有查看该job的权限)"
)
JOB_ID_EMPTY = "Invalid jobId cannot be empty"
DID_NOT_END = (
    "The task did not end normally and the usage time could not be counted."
    "(任务并未正常结束，无法统计使用时间)"
)
LABEL_VALUE_WRONG = (
    "The value of the label is set incorrectly, only one value can be set, and the separator "
    "symbol '-' cannot be used(标签的值设置错误,只能设置一个值，不能使用分割符符号 '-') "
)
OTHER_USERS_TASKS = "Non-administrators cannot view other users' task information"
EMPTY_CODE_DESC = "The param executionCode cannot be empty (参数 executionCode 不能为空)"

# ---- in job logs ------------------------------------------------------------------------

KILLED_BY_USER = "Job is killed by user!"
# The line a job's log gets when it moves to a state (by the state's name).
STATE_LINES = {
    "Scheduled": "Your job is Scheduled. Please wait it to run.(您的任务已经调度运行中)",
    "WaitForRetry": "Your job is turn to retry. Please wait it to schedule.",
    "Running": "Your job is Running now. Please wait it to complete.(您的任务已经在运行中)",
    "Succeed": "Congratulations. Your job completed with status Success.",
}


def finished_line(state: str) -> str:
    """The line of a job that ended otherwise than Succeed."""
    return f"Sorry. Your job completed with a status {state}. You can view logs for the reason."


def failed_line(reason: str) -> str:
    return f"Sorry, your job executed failed with reason: {reason}"
