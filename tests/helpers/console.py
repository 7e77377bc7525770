"""What the console's downloads are expected to hold, written once from the Linkis source."""

from __future__ import annotations

# JobhistoryUtils.java:45-48 ("IsRuse" sic).
JOB_LIST_HEADERS_ZH = [
    "任务ID",
    "来源",
    "查询语句",
    "状态",
    "已耗时",
    "关键信息",
    "是否复用",
    "申请开始时间",
    "申请结束时间",
    "申请耗时",
    "应用/任务类型/引擎",
    "用户",
    "创建时间",
]
JOB_LIST_HEADERS_EN = [
    "JobID",
    "Source",
    "Execution Code",
    "Status",
    "Time Elapsed",
    "Key Information",
    "IsRuse",
    "Application Start Time",
    "Application End Time",
    "Application Takes Time",
    "App /Run Type/Engine",
    "User",
    "Created at",
]
