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


# ---- the entrance's interceptors (docs/reference/linkis-interceptors.md) ------------------

CODE_EMPTY_AFTER_PREPROCESSING = (  # 30010, EntranceServer.scala:192-197
    "Submitting the execution code, after code preprocessing, the real execution code is empty, "
    "please check the executed code(提交的执行代码，经过预处理后为空，请检查执行的代码是否为空或则"
    "只有注解)!"
)
QUEUE_FULL = "The submission job failed and the queue is full!(提交作业失败，队列已满！)"  # 12001
FAILED_ANALYSIS_TASK = "Failed to analysis task,because:{}(分析任务失败)!"  # 20039
SHELL_BLACKLISTED = "Shell code contains blacklisted code(shell中包含黑名单代码)"  # 50081
SPARK_CODE_CHECK_FAILED = "spark code check failed"  # 20050
SCALA_SYSTEM_EXIT = "scala code can not use System.exit"  # 20074
SCALA_RUNTIME = "scala code can not use Runtime.getRuntime"  # 20074
ENGINE_LABEL_NEEDED = "engineTypeLabel must be need"  # 50079
USER_CREATOR_LABEL_NEEDED = "UserCreatorLabel must be need"  # 50079
USER_NOT_EXECUTE_USER = (  # 50080
    "SubmitUser : {} must be the same as ExecuteUser : {} , and user : {} in userCreatorLabel."
)
SQL_CODE_EMPTY = (  # 20015
    "execute code is null, nothing will be execute!(执行代码为空，没有任何代码会被执行)"
)
VARIABLE_REPLACEMENT_FAILED = "Variable replacement failed!(变量替换失败！)"  # 20050, + the cause
# LinkisCommonErrorException texts of variable substitution
VARIABLE_IS_NULL = "[{}] replaced var is null"  # 20041
EXPRESSION_NOT_RIGHT = "[{}] expression is not right, please check"  # 20042
SET_LINE_AMBIGUOUS = "{} var defined uncorrectly"  # 20044
SET_LINE_INCOMPLETE = "var was defined uncorrectly:{}"  # 20045
OPERATOR_NOT_SUPPORTED = "{} is not supported to use:{}"  # 20046 (dates), 20049 (String class)
VARIABLE_OPERATION_FAILED = "variable operation expression"  # 20050 of `&{...}`, + the cause

# The interceptors' lines at the head of a job's log.
SUBSTITUTING = "Program is substituting variables for you"
SUBMIT_USER_REPLACED = "submitUser variable will be replaced by system value:{} -> {}"
EXECUTE_USER_REPLACED = "executeUser variable will be replaced by system value:{} -> {}"
SUBSTITUTION_ENDED = "Variables substitution ended successfully"
JOB_VARIABLES = "Job variables is"
VARIABLE_BANNER = "*" * 36 + "Variable" + "*" * 36
SCRIPT_CODE_INTRO = "You have submitted a new job, script code (after variable substitution) is"
SCRIPT_CODE_BANNER = "*" * 36 + "SCRIPT CODE" + "*" * 36
AISQL_TASK = "current code is aiSql task."
AISQL_TEMPLATE = "use {} by set {} template."
AISQL_SELECTION = "use {} by intelligent selection."
NOT_LIMITED = "The code you submit will not be limited by the limit "
FULL_EXPORT = "please pay attention ,SQL full export mode opened(请注意,SQL全量导出模式打开)"
LIMIT_ADDED = "You submitted a sql without limit, DSS will add limit 5000 to your sql"
LIMIT_LOWERED = (
    "You submitted a sql with limit exceeding 5000, it is not allowed. DSS will change your "
    "limit to 5000"
)
SQL_CHECK_PASSED = "SQL code check has passed"

# ---- the public service's global variables (VariableServiceImpl.scala) --------------------

VARIABLE_KEY_OR_VALUE_EMPTY = "Key or value cannot be empty"  # a VariableException
