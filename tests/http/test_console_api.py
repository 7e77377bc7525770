"""The web console's calls around a job, over HTTP through the in-process app
(docs/reference/linkis-console.md §1-9 and the spec's operations): the history
searches and whose jobs they show, the caller's roles, a job's code and metrics, its
diagnosis and log file, the result and job-list downloads, the gateway's user calls,
the engine types, and the legacy execute body the console sends.

Expected values come from the reference's rules (windows, filters, paging, texts) and
from what other endpoints say about the same jobs at the same instant; the clock is
frozen and moved with the admin API, so jobs finish without sleeping.
Durations are written by the simulator's own formatters, whose Java float arithmetic
tests/sim/test_exports.py pins at its edges: the frozen instant falls on any millisecond.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

import httpx
import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from linkis_mock.config import load_settings
from linkis_mock.sim.linkis.exports import duration_en, duration_zh
from linkis_mock.sim.settings import Timings
from linkis_mock.testing import API, LocalMock, Mock, in_process
from tests.helpers.console import JOB_LIST_HEADERS_EN, JOB_LIST_HEADERS_ZH
from tests.helpers.linkis import (
    GENERIC_PREFIX,
    HISTORY_NOT_FOUND,
    LOGIN_OK,
    NOT_LOGGED_IN,
    SESSION_COOKIE,
    check,
    check_generic,
    ok,
    submit_body,
)

PUBLIC = "linkis-ps-publicservice"
GATEWAY = "linkis-mg-gateway"
LIST = "/api/jobhistory/list"
UNDONE = "/api/jobhistory/listundonetasks"
ROLES = "/api/jobhistory/governanceStationAdmin"
EXTRA = "/api/jobhistory/job-extra-info"
DIAGNOSIS = "/api/jobhistory/diagnosis-query"
OPEN_LOG = "/api/filesystem/openLog"
ENGINE_TYPES = "/api/configuration/engineType"
EXECUTE = "/api/entrance/execute"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DAY_MS = 24 * 3600 * 1000
TIMINGS = Timings()
# A default job: Inited, Scheduled after `inited`, Running after `queue`, done after `running`.
SCHEDULED_AT_S = TIMINGS.inited
RUNNING_AT_S = TIMINGS.inited + TIMINGS.queue
FINISHED_AT_S = TIMINGS.inited + TIMINGS.queue + TIMINGS.running
LONG_RUN = "--@mock duration=200000\nselect 1"  # Running for about 2.3 days

JOB_ID_EMPTY = "Invalid jobId cannot be empty"
DID_NOT_END = (
    "The task did not end normally and the usage time could not be counted."
    "(任务并未正常结束，无法统计使用时间)"
)
# UserCreatorLabel.java:73-80 (the desc ends in a space).
LABEL_VALUE_WRONG = (
    "The value of the label is set incorrectly, only one value can be set, and the separator "
    "symbol '-' cannot be used(标签的值设置错误,只能设置一个值，不能使用分割符符号 '-') "
)
ERROR_MSG_TIP = (
    "The request interface %s is abnormal. You can try to troubleshoot common problems in "
    "the knowledge base document"
)
OAUTH_OFF = "Gateway 未启用 OAuth 认证，请采用其他认证方式!"
NO_COOKIE = "You are not logged in, please login first(您尚未登录，请先登录!)"
UNKNOWN_TICKET = "You are not logged in, please login first!(您尚未登录，请先登录!)"
HEARTBEAT_OK = "Maintain heartbeat success(维系心跳成功)"
NO_LOG_PERMISSION = "This user has no permission to read this log(该用户无权限读取此日志)!"
# docs/reference/linkis-console.md §9: every EngineType value, in declaration order.
DEFAULT_ENGINE_TYPES = [
    "spark",
    "hive",
    "hbase",
    "python",
    "repl",
    "doris",
    "shell",
    "jdbc",
    "io_file",
    "io_hdfs",
    "fps",
    "pipeline",
    "presto",
    "nebula",
    "flink",
    "appconn",
    "sqoop",
    "datax",
    "openlookeng",
    "trino",
    "elasticsearch",
    "seatunnel",
    "impala",
    "jobserver",
]

# Roles and departments other than the defaults: G is ALICE (names compare
# case-insensitively), H adds bob, D is carol; bob and hadoop have no department, and
# the analytics department may not see result sets; ADMIN-LINKIS may name an executeUser.
CUSTOM_CONFIG = """
[auth]
tokens = ["LINKIS-AUTH", "ADMIN-LINKIS"]

[roles]
governance_admins = ["ALICE"]
history_admins = ["bob"]
department_admins = ["carol"]
result_limit_departments = ["analytics"]

[departments]
alice = "linkis"
carol = "analytics"
dave = "analytics"

[console]
engine_types = ["spark", "hive", "shell"]
oauth_url = "https://sso.example.com/oauth/authorize"
oauth_client_id = "linkis"
oauth_scope = "openid"
"""


@pytest.fixture(scope="module")
def custom_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMock]:
    path = tmp_path_factory.mktemp("console-api") / "roles.toml"
    path.write_text(CUSTOM_CONFIG, encoding="utf-8")
    mock = in_process(load_settings(path))
    try:
        yield mock
    finally:
        mock.stop()


@pytest.fixture
def custom(custom_mock: LocalMock) -> LocalMock:
    """The mock with the custom roles, cleared and with its clock frozen."""
    custom_mock.reset()
    custom_mock.freeze()
    return custom_mock


# ---- helpers ------------------------------------------------------------------------------


def host_port(mock: Mock) -> tuple[str, int]:
    parts = urlsplit(mock.base_url)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


def wrapped(mock: Mock, code: int, desc: str, service: str = PUBLIC) -> str:
    """A coded exception's own message (E-wrapped, LinkisRuntimeException.java:37-48)."""
    host, port = host_port(mock)
    return f"errCode: {code} ,desc: {desc} ,ip: {host} ,port: {port} ,serviceKind: {service}"


def error_msg(mock: Mock, code: int, desc: str) -> dict[str, Any]:
    host, port = host_port(mock)
    return {
        "level": 2,
        "errCode": code,
        "desc": desc,
        "ip": host,
        "port": port,
        "serviceKind": PUBLIC,
    }


def check_public_coded(
    reply: httpx.Response, mock: Mock, code: int, desc: str, method: str
) -> None:
    """E-coded from a public service (jobhistory, filesystem)."""
    check(
        reply,
        status=1,
        message=f"error code(错误码): {code}, error message(错误信息): {desc}.",
        method=method,
        data={"errorMsg": error_msg(mock, code, desc)},
    )


def check_public_generic(reply: httpx.Response, mock: Mock, exception: str, text: str) -> None:
    """E-generic from a public service: method null, errCode 0."""
    check(
        reply,
        status=1,
        message=f"{GENERIC_PREFIX}{exception}: {text}",
        method=None,
        data={"errorMsg": error_msg(mock, 0, text)},
    )


def check_plain(reply: httpx.Response, message: str, method: str) -> None:
    """E-plain: the handler's own `Message.error(text)`."""
    check(reply, status=1, message=message, method=method, data={})


def clock_ms(mock: Mock) -> int:
    now = mock.admin("GET", "/clock")["now"]
    assert isinstance(now, int)
    return now


def to_next_noon(mock: Mock) -> int:
    """Move the clock to just after the next 12:00 UTC (whole seconds: exact ms)."""
    now = clock_ms(mock)
    noon = now - now % DAY_MS + DAY_MS + DAY_MS // 2
    mock.advance(-(-(noon - now) // 1000))
    moved = clock_ms(mock)
    assert noon <= moved < noon + 1000
    return moved


def run(
    client: httpx.Client,
    user: str,
    code: str = "select 1",
    *,
    creator: str = "IDE",
    engine: str = "spark-2.4.3",
    run_type: str = "sql",
) -> tuple[str, int]:
    """Submits a job as `user`; returns (execID, taskID)."""
    body = submit_body(code, engine, f"{user}-{creator}", run_type)
    data = ok(client.post("/entrance/submit", json=body), "/api/entrance/submit")
    exec_id, task_id = data["execID"], data["taskID"]
    assert isinstance(exec_id, str) and isinstance(task_id, int), data
    return exec_id, task_id


def search(
    client: httpx.Client, path: str = "/jobhistory/list", /, **params: Any
) -> dict[str, Any]:
    """One search's data, its envelope checked (ST=0, OK, the service method)."""
    return ok(client.get(path, params=params), "/api" + path)


def task_ids(data: Mapping[str, Any]) -> list[int]:
    return [task["taskID"] for task in data["tasks"]]


def tasks_by_id(data: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    return {task["taskID"]: task for task in data["tasks"]}


def one_task(client: httpx.Client, task_id: int, **params: Any) -> dict[str, Any]:
    data = search(client, taskID=task_id, **params)
    assert task_ids(data) == [task_id], data
    task: dict[str, Any] = data["tasks"][0]
    return task


def entrance_log(client: httpx.Client, exec_id: str) -> list[str]:
    """The entrance's whole log: its 4 texts, each a `\\n`-joined list of lines."""
    data = ok(
        client.get(f"/entrance/{exec_id}/log", params={"fromLine": 1, "size": -1}),
        f"/api/entrance/{exec_id}/log",
    )
    log = data["log"]
    assert isinstance(log, list) and len(log) == 4, data
    return [str(text) for text in log]


def as_file_text(entrance_text: str) -> str:
    """Lines the entrance joins with `\\n`, as openLog writes them: each ends in `\\n`."""
    return "".join(line + "\n" for line in entrance_text.split("\n")) if entrance_text else ""


LIMIT_ADDED = "You submitted a sql without limit, DSS will add limit 5000 to your sql"


def without_empty_lines(file_text: str) -> str:
    """openLog's text without the interceptors' two empty lines (each written `\\n\\n`, a
    blank line read back as `\\n`), which the entrance's log counts but does not show."""
    assert file_text.count("\n\n\n") == 2, file_text
    return file_text.replace("\n\n\n", "\n")


def open_log(client: httpx.Client, path: str, **params: str) -> list[str]:
    data = ok(client.get("/filesystem/openLog", params={"path": path, **params}), OPEN_LOG)
    assert set(data) == {"log"}, data  # no fromLine here
    log = data["log"]
    assert isinstance(log, list) and len(log) == 4, data
    assert all(isinstance(text, str) for text in log), data
    return [str(text) for text in log]


def metrics_ms(text: str) -> int:
    """A metrics date (`yyyy-MM-dd'T'HH:mm:ssZ`) in epoch ms."""
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z").timestamp() * 1000)


def date_text(epoch_ms: int | None) -> str:
    """`yyyy-MM-dd HH:mm:ss` (UTC in the mock), "" for none."""
    if epoch_ms is None:
        return ""
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


def finished_result(mock: Mock, client: httpx.Client, user: str) -> tuple[int, str]:
    """A succeeded two-column job (int, string) and its resultLocation."""
    _, task_id = run(client, user, "select id, name from t")
    mock.advance(FINISHED_AT_S)
    task = one_task(client, task_id)
    assert task["status"] == "Succeed", task
    location = task["resultLocation"]
    assert isinstance(location, str), task
    return task_id, location


def open_file_table(client: httpx.Client, path: str) -> tuple[list[str], list[list[str]]]:
    data = ok(client.get("/filesystem/openFile", params={"path": path}), "/api/filesystem/openFile")
    header = [column["columnName"] for column in data["metadata"]]
    rows = [list(row) for row in data["fileContent"]]
    assert rows, data
    return header, rows


def csv_bytes(
    header: Sequence[str],
    rows: Sequence[Sequence[str | None]],
    *,
    separator: str = ",",
    null_value: str = "NULL",
    quote: bool = False,
    charset: str = "utf-8",
) -> bytes:
    """StorageCSVWriter's rules (docs/reference/linkis-console.md §7.1): one line per row,
    each ending in `\\n`; null, `NULL` and "" written as nullValue (BLANK: ""); no quoting
    unless asked, then every non-blank value loses its quotes and is wrapped in them."""
    null_text = "" if null_value.upper() == "BLANK" else null_value

    def field(value: str) -> str:
        if quote and value.strip():
            return '"' + value.replace('"', "") + '"'
        return value

    lines = [separator.join(field(name) for name in header)]
    for row in rows:
        cells = [null_text if cell is None or cell in ("NULL", "") else cell for cell in row]
        lines.append(separator.join(field(cell) for cell in cells))
    return "".join(line + "\n" for line in lines).encode(charset)


def sheet_of(content: bytes, name: str) -> Worksheet:
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book[name]
    assert isinstance(sheet, Worksheet)
    return sheet


def sheet_names(content: bytes) -> list[str]:
    return list(openpyxl.load_workbook(io.BytesIO(content)).sheetnames)


def sheet_values(sheet: Worksheet) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def check_download_error(reply: httpx.Response, body: str) -> None:
    """A failed download: a plain-text `error(错误):...` body, HTTP 400 from the mock."""
    assert reply.status_code == 400, reply.text
    assert reply.headers["content-type"].startswith("text/plain"), reply.headers
    assert "content-disposition" not in reply.headers, reply.headers
    assert reply.text.startswith("error(错误):"), reply.text
    assert reply.text == body


# ---- jobhistory/list: the window ------------------------------------------------------------


def test_list_default_window_starts_at_1970_the_console_sends_today(mock: Mock) -> None:
    alice = mock.as_token("alice")
    to_next_noon(mock)
    _, yesterday = run(alice, "alice")
    mock.advance(DAY_MS // 1000)
    _, today = run(alice, "alice")
    now = clock_ms(mock)
    # No dates: from 0 (1970) to now.
    everything = search(alice)
    assert task_ids(everything) == [today, yesterday]
    assert everything["totalPage"] == 2
    # The history page's default: today 00:00:00.000 to 23:59:59.999.
    day_start = now - now % DAY_MS
    assert task_ids(search(alice, startDate=day_start, endDate=day_start + DAY_MS - 1)) == [today]
    previous_day = search(alice, startDate=day_start - DAY_MS, endDate=day_start - 1)
    assert task_ids(previous_day) == [yesterday]
    assert previous_day["totalPage"] == 1


def test_list_date_window_is_inclusive_and_equal_dates_span_a_day(mock: Mock) -> None:
    alice = mock.as_token("alice")
    start = clock_ms(mock)
    _, first = run(alice, "alice")
    mock.advance(10)
    _, second = run(alice, "alice")
    rows = tasks_by_id(search(alice))
    assert (rows[first]["createdTime"], rows[second]["createdTime"]) == (start, start + 10_000)

    def window(**params: int) -> list[int]:
        return task_ids(search(alice, **params))

    assert window(startDate=start, endDate=start + 10_000) == [second, first]  # both ends in
    assert window(startDate=start + 1) == [second]
    assert window(endDate=start + 9_999) == [first]
    assert window(startDate=start + 1, endDate=start + 9_999) == []
    # start == end: the end moves a day later, so both jobs are in [start, start + 1 day].
    assert window(startDate=start, endDate=start) == [second, first]
    assert window(startDate=start + 10_000, endDate=start + 10_000) == [second]
    # No check that start < end: such a range matches nothing.
    reversed_range = search(alice, startDate=start + 10_000, endDate=start)
    assert reversed_range == {"tasks": [], "totalPage": 0}


def test_list_task_id_still_obeys_the_date_window(mock: Mock) -> None:
    alice = mock.as_token("alice")
    start = clock_ms(mock)
    run(alice, "alice")
    mock.advance(5)
    _, second = run(alice, "alice")
    assert task_ids(search(alice, taskID=second)) == [second]
    assert task_ids(search(alice, taskID=second, endDate=start + 1000)) == []
    assert task_ids(search(alice, taskID=999)) == []


# ---- jobhistory/list: filters --------------------------------------------------------------


def test_list_status_filter_is_an_exact_comma_list(mock: Mock) -> None:
    alice = mock.as_token("alice")
    _, succeeded = run(alice, "alice")
    mock.advance(1)
    _, failed = run(alice, "alice", '--@mock outcome=Failed error="boom"\nselect 1')
    mock.advance(1)
    _, running = run(alice, "alice", LONG_RUN)
    mock.advance(FINISHED_AT_S + 0.5)
    states = {task["taskID"]: task["status"] for task in search(alice)["tasks"]}
    assert states == {succeeded: "Succeed", failed: "Failed", running: "Running"}

    def with_status(status: str) -> list[int]:
        return task_ids(search(alice, status=status))

    assert with_status("Succeed") == [succeeded]
    assert with_status("Succeed,Failed") == [failed, succeeded]
    assert with_status("Running") == [running]
    assert with_status("Succeed,NoSuchState") == [succeeded]
    assert with_status("succeed") == []  # case-sensitive
    assert with_status("") == [running, failed, succeeded]  # blank: no filter


@pytest.fixture
def four_jobs(mock: Mock) -> dict[str, int]:
    """alice's jobs, two seconds apart: spark/sql/IDE (done), hive/hql/IDE (done),
    spark/sql/Scheduler (Running), python/py/IDE (Inited, no engine yet)."""
    alice = mock.as_token("alice")
    jobs = {}
    _, jobs["spark"] = run(alice, "alice")
    mock.advance(2)
    _, jobs["hive"] = run(alice, "alice", "show tables", engine="hive-2.3.3", run_type="hql")
    mock.advance(2)
    _, jobs["scheduler"] = run(alice, "alice", creator="Scheduler")
    mock.advance(2)
    _, jobs["python"] = run(alice, "alice", "print(1)", engine="python", run_type="py")
    states = {task["taskID"]: task["status"] for task in search(alice)["tasks"]}
    assert states == {
        jobs["spark"]: "Succeed",
        jobs["hive"]: "Succeed",
        jobs["scheduler"]: "Running",
        jobs["python"]: "Inited",
    }
    return jobs


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"creator": "Scheduler"}, ["scheduler"]),
        ({"creator": "Sched"}, ["scheduler"]),  # LIKE '..."userCreator":"alice-Sched%'
        ({"creator": "IDE"}, ["python", "hive", "spark"]),
        ({"creator": "Other"}, []),
        ({"executeApplicationName": "spark"}, ["scheduler", "spark"]),
        ({"executeApplicationName": "hive"}, ["hive"]),
        ({"executeApplicationName": "spar"}, []),  # exact engine_type
        ({"executeApplicationName": ""}, ["python", "scheduler", "hive", "spark"]),
        ({"runType": "hql"}, ["hive"]),
        ({"runType": "py"}, ["python"]),
        ({"runType": "sq"}, ["scheduler", "spark"]),  # LIKE '..."codeType":"sq%'
        ({"runType": "scala"}, []),
        ({"executeApplicationName": "spark", "creator": "IDE"}, ["spark"]),
        ({"executeApplicationName": "spark", "status": "Running"}, ["scheduler"]),
    ],
)
def test_list_label_and_engine_filters(
    mock: Mock, four_jobs: dict[str, int], params: dict[str, str], expected: list[str]
) -> None:
    data = search(mock.as_token("alice"), **params)
    assert task_ids(data) == [four_jobs[name] for name in expected]
    assert data["totalPage"] == len(expected)


def test_list_instance_and_engine_instance_filters(mock: Mock, four_jobs: dict[str, int]) -> None:
    alice = mock.as_token("alice")
    rows = tasks_by_id(search(alice))
    instance = rows[four_jobs["spark"]]["instance"]
    host, port = host_port(mock)
    assert instance == f"{host}:{port}"
    everything = [four_jobs[n] for n in ("python", "scheduler", "hive", "spark")]
    assert task_ids(search(alice, instance=instance)) == everything
    assert task_ids(search(alice, instance=f"{host}:{port + 1}")) == []
    # engineInstance: a prefix match on the metrics, so only jobs that reached an engine.
    engine_instance = rows[four_jobs["spark"]]["engineInstance"]
    assert isinstance(engine_instance, str) and engine_instance
    assert rows[four_jobs["python"]]["engineInstance"] is None
    started = [four_jobs[n] for n in ("scheduler", "hive", "spark")]
    assert task_ids(search(alice, engineInstance=engine_instance)) == started
    assert task_ids(search(alice, engineInstance=engine_instance[:-2])) == started
    assert task_ids(search(alice, engineInstance=engine_instance + "9")) == []


def test_list_pages_newest_first_and_total_page_counts_rows(mock: Mock) -> None:
    alice = mock.as_token("alice")
    ids = []
    for _ in range(5):
        ids.append(run(alice, "alice")[1])
        mock.advance(1)
    newest_first = ids[::-1]

    def page(**params: int) -> list[int]:
        data = search(alice, **params)
        assert data["totalPage"] == 5, data  # the number of rows, not of pages
        return task_ids(data)

    assert page() == newest_first  # pageSize 20 by default
    assert page(pageNow=1, pageSize=2) == newest_first[0:2]
    assert page(pageNow=2, pageSize=2) == newest_first[2:4]
    assert page(pageNow=3, pageSize=2) == newest_first[4:]
    assert page(pageNow=9, pageSize=2) == newest_first[4:]  # past the end: the last page
    assert page(pageNow=0, pageSize=2) == newest_first[0:2]  # below 1: page 1
    assert page(pageNow=-3, pageSize=2) == newest_first[0:2]
    assert page(pageNow=2, pageSize=0) == newest_first  # size 0: every row
    assert page(pageSize=-1) == []  # negative: no rows, still counted
    created = [task["createdTime"] for task in search(alice)["tasks"]]
    assert created == sorted(created, reverse=True)


def test_list_page_size_is_20_by_default(mock: Mock) -> None:
    alice = mock.as_token("alice")
    ids = []
    for _ in range(21):
        ids.append(run(alice, "alice")[1])
        mock.advance(0.005)
    first = search(alice)
    assert (task_ids(first), first["totalPage"]) == (ids[::-1][:20], 21)
    second = search(alice, pageNow=2)
    assert (task_ids(second), second["totalPage"]) == ([ids[0]], 21)


# ---- jobhistory/list: whose jobs --------------------------------------------------------------


@pytest.fixture
def everyones_jobs(mock: Mock) -> dict[str, int]:
    """One job each of alice, bob (analytics), hadoop and admin (linkis), and a
    Scheduler job of bob's, a second apart."""
    jobs = {}
    for user in ("alice", "bob", "hadoop", "admin"):
        _, jobs[user] = run(mock.as_token(user), user)
        mock.advance(1)
    _, jobs["bob-scheduler"] = run(mock.as_token("bob"), "bob", creator="Scheduler")
    return jobs


def test_plain_user_sees_only_own_jobs_even_asking_for_the_admin_view(
    mock: Mock, everyones_jobs: dict[str, int]
) -> None:
    alice = mock.as_token("alice")
    mine = [everyones_jobs["alice"]]
    assert task_ids(search(alice)) == mine
    assert task_ids(search(alice, isAdminView="true")) == mine
    assert task_ids(search(alice, isAdminView="true", proxyUser="bob")) == mine
    assert task_ids(search(alice, proxyUser="bob")) == mine
    bob = search(mock.as_token("bob"), isAdminView="true")
    assert task_ids(bob) == [everyones_jobs["bob-scheduler"], everyones_jobs["bob"]]
    assert {task["umUser"] for task in bob["tasks"]} == {"bob"}


@pytest.mark.parametrize("admin", ["hadoop", "admin"])
def test_history_admin_view_sees_everyone_proxy_user_narrows_it(
    mock: Mock, everyones_jobs: dict[str, int], admin: str
) -> None:
    client = mock.as_token(admin)
    everyone = search(client, isAdminView="true")
    order = ["bob-scheduler", "admin", "hadoop", "bob", "alice"]
    assert task_ids(everyone) == [everyones_jobs[name] for name in order]
    assert everyone["totalPage"] == 5
    assert task_ids(search(client)) == [everyones_jobs[admin]]  # no admin view: own jobs
    bobs = [everyones_jobs["bob-scheduler"], everyones_jobs["bob"]]
    assert task_ids(search(client, isAdminView="true", proxyUser="bob")) == bobs
    assert task_ids(search(client, isAdminView="true", proxyUser="nobody")) == []
    assert task_ids(search(client, isAdminView="true", proxyUser="")) == task_ids(everyone)
    # Without an owner the creator filter is `userCreator LIKE '%-<creator>%'`.
    scheduler = search(client, isAdminView="true", creator="Scheduler")
    assert task_ids(scheduler) == [everyones_jobs["bob-scheduler"]]
    # The admin view wins over the department view.
    both = search(client, isAdminView="true", isDeptView="true")
    assert task_ids(both) == task_ids(everyone)


def test_department_view_shows_the_callers_department_for_any_caller(
    mock: Mock, everyones_jobs: dict[str, int]
) -> None:
    linkis = [everyones_jobs[name] for name in ("admin", "hadoop", "alice")]
    assert task_ids(search(mock.as_token("hadoop"), isDeptView="true")) == linkis
    # D membership is not checked: alice (linkis) and bob (analytics) get theirs too.
    assert task_ids(search(mock.as_token("alice"), isDeptView="true")) == linkis
    analytics = [everyones_jobs["bob-scheduler"], everyones_jobs["bob"]]
    assert task_ids(search(mock.as_token("bob"), isDeptView="true")) == analytics
    # proxyUser narrows it to one member; someone outside the department matches nothing.
    hadoop = mock.as_token("hadoop")
    proxied = search(hadoop, isDeptView="true", proxyUser="alice")
    assert task_ids(proxied) == [everyones_jobs["alice"]]
    assert task_ids(search(hadoop, isDeptView="true", proxyUser="bob")) == []
    assert task_ids(search(hadoop, isDeptView="false")) == [everyones_jobs["hadoop"]]


def test_roles_from_the_config_decide_whose_jobs_lists_show(custom: LocalMock) -> None:
    jobs = {}
    for user in ("alice", "bob", "carol", "dave", "hadoop"):
        _, jobs[user] = run(custom.as_token(user), user)
        custom.advance(1)
    everyone = [jobs[user] for user in ("hadoop", "dave", "carol", "bob", "alice")]
    # carol, the department admin of analytics, sees carol's and dave's jobs.
    carol = search(custom.as_token("carol"), isDeptView="true")
    assert task_ids(carol) == [jobs["dave"], jobs["carol"]]
    assert task_ids(search(custom.as_token("carol"), isAdminView="true")) == [jobs["carol"]]
    # bob is a history admin without a department: the admin view shows everyone, the
    # department view (a join on the department) no one, not even himself.
    assert task_ids(search(custom.as_token("bob"), isAdminView="true")) == everyone
    assert task_ids(search(custom.as_token("bob"), isDeptView="true")) == []
    # alice is G (listed as ALICE), so in H as well.
    assert task_ids(search(custom.as_token("alice"), isAdminView="true")) == everyone
    # hadoop holds no role here.
    assert task_ids(search(custom.as_token("hadoop"), isAdminView="true")) == [jobs["hadoop"]]


def test_own_jobs_are_those_submitted_not_those_executed(custom: LocalMock) -> None:
    """A job hadoop submits to run as alice (an admin token) is hadoop's in the lists;
    its log file is readable by both (docs/reference/linkis-console.md §0.3, §6)."""
    hadoop = custom.as_token("hadoop", token="ADMIN-LINKIS")
    body = {**submit_body("select 1", "spark-2.4.3", "alice-IDE"), "executeUser": "alice"}
    task_id = ok(hadoop.post("/entrance/submit", json=body), "/api/entrance/submit")["taskID"]
    task = one_task(hadoop, task_id)
    assert (task["umUser"], task["executeUser"]) == ("hadoop", "alice")
    assert task["logPath"].endswith(f"/IDE/alice/{task_id}.log")
    alice = custom.as_token("alice")
    assert task_ids(search(alice)) == []
    assert task_ids(search(alice, "/jobhistory/listundonetasks")) == []
    assert open_log(alice, task["logPath"]) == open_log(hadoop, task["logPath"])


# ---- jobhistory/list: errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("param", "value", "desc"),
    [
        ("creator", "a b", "Invalid creator : a b"),
        ("creator", "IDE;drop", "Invalid creator : IDE;drop"),
        ("executeApplicationName", "spark 2", "Invalid applicationName : spark 2"),
        ("executeApplicationName", "spark:2", "Invalid applicationName : spark:2"),
        ("instance", "127.0.0.1 8080", "Invalid instances : 127.0.0.1 8080"),
        ("engineInstance", "host/x", "Invalid instances : host/x"),  # instances' wording
    ],
)
def test_list_refuses_filters_outside_their_pattern_e_wrapped_21304(
    mock: Mock, param: str, value: str, desc: str
) -> None:
    reply = mock.as_token("alice").get("/jobhistory/list", params={param: value})
    check_plain(reply, wrapped(mock, 21304, desc), LIST)


@pytest.mark.parametrize(
    ("user", "params"),
    [
        ("alice", {"creator": "x-y"}),  # alice-x-y
        ("ann-marie", {"creator": "IDE"}),  # a user name with '-'
        ("hadoop", {"isAdminView": "true", "proxyUser": "ann-marie", "creator": "IDE"}),
    ],
)
def test_list_user_creator_pair_of_three_parts_is_e_wrapped_25002(
    mock: Mock, user: str, params: dict[str, str]
) -> None:
    reply = mock.as_token(user).get("/jobhistory/list", params=params)
    check_plain(reply, wrapped(mock, 25002, LABEL_VALUE_WRONG), LIST)


def test_list_without_an_owner_makes_no_user_creator_check(mock: Mock) -> None:
    """The admin view without proxyUser has no owner to pair with the creator."""
    hadoop = mock.as_token("hadoop")
    assert search(hadoop, isAdminView="true", creator="x-y") == {"tasks": [], "totalPage": 0}
    # Without a creator there is no pair at all.
    assert search(mock.as_token("ann-marie")) == {"tasks": [], "totalPage": 0}


@pytest.mark.parametrize(
    ("params", "exception", "text"),
    [
        ({"taskID": "abc"}, "NumberFormatException", 'For input string: "abc"'),
        ({"startDate": "yesterday"}, "NumberFormatException", 'For input string: "yesterday"'),
        ({"endDate": "1.5"}, "NumberFormatException", 'For input string: "1.5"'),
        ({"pageNow": "x"}, "NumberFormatException", 'For input string: "x"'),
        (
            {"isAdminView": "maybe"},
            "IllegalArgumentException",
            "'maybe' is not of type 'boolean' - 'isAdminView'",
        ),
    ],
)
def test_list_unconvertible_parameters_are_the_generic_400(
    mock: Mock, params: dict[str, str], exception: str, text: str
) -> None:
    """E-spring: refused before the handler; the mock answers the generic envelope."""
    reply = mock.as_token("alice").get("/jobhistory/list", params=params)
    check_generic(reply, mock, exception, text)


@pytest.mark.parametrize(
    "path",
    [
        "/jobhistory/list",
        "/jobhistory/listundonetasks",
        "/jobhistory/governanceStationAdmin",
        "/jobhistory/job-extra-info",
        "/jobhistory/diagnosis-query",
        "/jobhistory/download-job-list",
        "/filesystem/openLog",
        "/filesystem/resultsetToExcel",
        "/filesystem/resultsetsToExcel",
        "/configuration/engineType",
    ],
)
def test_console_calls_need_a_login(mock: Mock, path: str) -> None:
    reply = mock.http.get(mock.api_url + path, params={"isAdminView": "true"})
    check(reply, status=-1, message=NOT_LOGGED_IN, method=API + path, data={}, http=401)


# ---- jobhistory/listundonetasks -------------------------------------------------------------


def test_undone_default_window_is_the_last_24_hours(mock: Mock) -> None:
    alice = mock.as_token("alice")
    _, old = run(alice, "alice", LONG_RUN)
    old_created = clock_ms(mock)
    mock.advance(DAY_MS // 1000 + 1)
    _, recent = run(alice, "alice")
    assert one_task(alice, old)["status"] == "Running"  # still undone, but a day old
    data = search(alice, "/jobhistory/listundonetasks")
    assert task_ids(data) == [recent]
    assert data["totalPage"] == 1
    # startDate 0 counts as missing; an explicit start reaches back.
    assert task_ids(search(alice, "/jobhistory/listundonetasks", startDate=0)) == [recent]
    wider = search(alice, "/jobhistory/listundonetasks", startDate=old_created)
    assert task_ids(wider) == [recent, old]
    # The day before endDate.
    at_old = search(alice, "/jobhistory/listundonetasks", endDate=old_created + 1000)
    assert task_ids(at_old) == [old]
    # jobhistory/list has no such window.
    assert task_ids(search(alice, status="Running,Inited")) == [recent, old]


def test_undone_pages_twenty_by_default(mock: Mock) -> None:
    alice = mock.as_token("alice")
    ids = []
    for _ in range(21):
        ids.append(run(alice, "alice")[1])
        mock.advance(0.005)  # distinct creation times, all still Inited
    data = search(alice, "/jobhistory/listundonetasks")
    assert data["totalPage"] == 21
    assert task_ids(data) == ids[::-1][:20]
    second = search(alice, "/jobhistory/listundonetasks", pageNow=2)
    assert (task_ids(second), second["totalPage"]) == ([ids[0]], 21)
    assert len(search(alice, "/jobhistory/listundonetasks", pageSize=100)["tasks"]) == 21


def test_undone_shows_unfinished_states_and_takes_a_status_list(mock: Mock) -> None:
    alice = mock.as_token("alice")
    jobs = {}
    _, jobs["Succeed"] = run(alice, "alice")
    mock.advance(0.5)
    _, jobs["Failed"] = run(alice, "alice", "--@mock outcome=Failed\nselect 1")
    mock.advance(1)
    _, jobs["WaitForRetry"] = run(alice, "alice", "--@mock retry=1\nselect 1")
    mock.advance(0.5)
    _, jobs["Running"] = run(alice, "alice")
    mock.advance(1.5)
    _, jobs["Scheduled"] = run(alice, "alice")
    mock.advance(0.5)
    _, jobs["Inited"] = run(alice, "alice")
    states = {task["taskID"]: task["status"] for task in search(alice)["tasks"]}
    assert states == {task_id: state for state, task_id in jobs.items()}

    def undone(**params: str) -> list[int]:
        return task_ids(search(alice, "/jobhistory/listundonetasks", **params))

    # Running, Inited and Scheduled by default: not WaitForRetry, nothing finished.
    assert undone() == [jobs["Inited"], jobs["Scheduled"], jobs["Running"]]
    assert undone(status="") == undone()
    assert undone(status="WaitForRetry") == [jobs["WaitForRetry"]]
    everything_undone = "Running,Inited,Scheduled,WaitForRetry"
    assert undone(status=everything_undone) == [
        jobs[s] for s in ("Inited", "Scheduled", "Running", "WaitForRetry")
    ]
    assert undone(status="Succeed,Failed") == [jobs["Failed"], jobs["Succeed"]]
    assert undone(status="running") == []


def test_undone_job_disappears_when_it_finishes(mock: Mock) -> None:
    alice = mock.as_token("alice")
    _, task_id = run(alice, "alice")
    before = search(alice, "/jobhistory/listundonetasks")
    assert task_ids(before) == [task_id]
    assert before["tasks"][0]["status"] == "Inited"
    assert before["tasks"][0]["executionCode"] == "select 1"  # a full record
    mock.advance(RUNNING_AT_S + 0.1)
    running = search(alice, "/jobhistory/listundonetasks")
    assert [task["status"] for task in running["tasks"]] == ["Running"]
    mock.advance(FINISHED_AT_S)
    assert search(alice, "/jobhistory/listundonetasks") == {"tasks": [], "totalPage": 0}
    assert one_task(alice, task_id)["status"] == "Succeed"


def test_undone_filters_and_own_jobs_only(mock: Mock) -> None:
    alice = mock.as_token("alice")
    _, first = run(alice, "alice")
    _, hive = run(alice, "alice", "show tables", engine="hive-2.3.3", run_type="hql")
    _, scheduler = run(alice, "alice", creator="Scheduler")
    run(mock.as_token("bob"), "bob")

    def undone(client: httpx.Client = alice, **params: Any) -> list[int]:
        return sorted(task_ids(search(client, "/jobhistory/listundonetasks", **params)))

    assert undone() == [first, hive, scheduler]
    assert undone(startTaskID=hive) == [hive]  # an exact id, despite the name
    assert undone(engineType="hive") == [hive]
    assert undone(engineType="spark") == [first, scheduler]
    assert undone(creator="Scheduler") == [scheduler]
    assert undone(creator="IDE") == [first, hive]
    # Always the caller's own: no admin view, even for an admin.
    hadoop = mock.as_token("hadoop")
    assert undone(hadoop) == []
    assert undone(hadoop, isAdminView="true") == []


def test_undone_errors(mock: Mock) -> None:
    alice = mock.as_token("alice")
    get = alice.get
    reply = get("/jobhistory/listundonetasks", params={"creator": "a b"})
    check_plain(reply, "Invalid creator : a b", UNDONE)
    reply = get("/jobhistory/listundonetasks", params={"engineType": "x y"})
    check_plain(reply, "Invalid engienType: x y", UNDONE)  # sic
    # A three-part user-creator pair: LabelErrorException escapes (E-generic).
    reply = get("/jobhistory/listundonetasks", params={"creator": "x-y"})
    check_public_generic(
        reply, mock, "LabelErrorException", wrapped(mock, 25002, LABEL_VALUE_WRONG)
    )
    reply = get("/jobhistory/listundonetasks", params={"startTaskID": "x"})
    check_generic(reply, mock, "NumberFormatException", 'For input string: "x"')


# ---- jobhistory/governanceStationAdmin ------------------------------------------------------


def roles_of(client: httpx.Client) -> tuple[bool, bool, bool, bool]:
    data = ok(client.get("/jobhistory/governanceStationAdmin"), ROLES)
    assert set(data) == {"admin", "historyAdmin", "deptAdmin", "canResultSet", "errorMsgTip"}
    assert data["errorMsgTip"] == ERROR_MSG_TIP  # with the literal %s
    return data["admin"], data["historyAdmin"], data["deptAdmin"], data["canResultSet"]


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("hadoop", (True, True, True, True)),
        ("admin", (True, True, True, True)),
        ("alice", (False, False, False, True)),
        ("bob", (False, False, False, True)),
        # No department: the empty limit list splits into [""], so no result sets.
        ("zed", (False, False, False, False)),
    ],
)
def test_roles_by_default(mock: Mock, user: str, expected: tuple[bool, ...]) -> None:
    assert roles_of(mock.as_token(user)) == expected


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("hadoop", (False, False, False, True)),  # no role; no department is not limited
        ("alice", (True, True, False, True)),  # G (as ALICE), so H
        ("bob", (False, True, False, True)),
        ("carol", (False, False, True, False)),  # analytics may not see result sets
        ("dave", (False, False, False, False)),
    ],
)
def test_roles_from_the_config(custom: LocalMock, user: str, expected: tuple[bool, ...]) -> None:
    assert roles_of(custom.as_token(user)) == expected


def test_roles_follow_the_session_user(mock: Mock) -> None:
    assert roles_of(mock.logged_in("admin")) == (True, True, True, True)
    assert roles_of(mock.logged_in("alice")) == (False, False, False, True)


# ---- jobhistory/job-extra-info --------------------------------------------------------------


def extra_info(client: httpx.Client, job_id: int) -> dict[str, Any]:
    data = ok(client.get("/jobhistory/job-extra-info", params={"jobId": job_id}), EXTRA)
    assert set(data) == {"metricsMap"}, data
    metrics: dict[str, Any] = data["metricsMap"]
    return metrics


def test_extra_info_while_running_and_when_finished(mock: Mock) -> None:
    alice = mock.as_token("alice")
    code = "select id, name\nfrom default.t -- the full code"
    _, task_id = run(alice, "alice", code)
    assert extra_info(alice, task_id)["executionCode"] == code  # Inited: as inserted
    mock.advance(RUNNING_AT_S + 0.5)
    running = extra_info(alice, task_id)
    # From the first status update, the code the interceptors made of it: the IDE's limit
    # added, the comment gone (docs/reference/linkis-interceptors.md §11-§13).
    processed = "select id, name\nfrom default.t limit 5000"
    assert running["executionCode"] == processed
    assert running["runtime"] == DID_NOT_END
    listed = json.loads(one_task(alice, task_id)["metrics"])
    assert {k: v for k, v in running.items() if k not in ("executionCode", "runtime")} == listed
    assert "engineInstance" in running and "completeTime" not in running
    mock.advance(FINISHED_AT_S)
    done = extra_info(alice, task_id)
    assert done["executionCode"] == processed
    spent = metrics_ms(done["completeTime"]) - metrics_ms(done["submitTime"])
    assert spent == FINISHED_AT_S * 1000
    assert done["runtime"] == duration_en(spent) == "3.0 s"


def test_extra_info_runtime_in_minutes(mock: Mock) -> None:
    alice = mock.as_token("alice")
    _, task_id = run(alice, "alice", "--@mock duration=100\nselect 1")
    mock.advance(200)
    done = extra_info(alice, task_id)
    spent = metrics_ms(done["completeTime"]) - metrics_ms(done["submitTime"])
    assert spent == round((RUNNING_AT_S + 100) * 1000)
    assert done["runtime"] == duration_en(spent) == "1.7 m"


def test_extra_info_access_and_errors(mock: Mock) -> None:
    alice = mock.as_token("alice")
    _, task_id = run(alice, "alice", "select 42")
    check_plain(alice.get("/jobhistory/job-extra-info"), JOB_ID_EMPTY, EXTRA)
    bob = mock.as_token("bob")
    reply = bob.get("/jobhistory/job-extra-info", params={"jobId": task_id})
    check_plain(reply, HISTORY_NOT_FOUND, EXTRA)
    reply = alice.get("/jobhistory/job-extra-info", params={"jobId": task_id + 100})
    check_plain(reply, HISTORY_NOT_FOUND, EXTRA)
    # A history admin reads any job.
    assert extra_info(mock.as_token("hadoop"), task_id)["executionCode"] == "select 42"
    reply = alice.get("/jobhistory/job-extra-info", params={"jobId": "abc"})
    check_generic(reply, mock, "NumberFormatException", 'For input string: "abc"')


def test_extra_info_for_a_department_admin(custom: LocalMock) -> None:
    _, daves = run(custom.as_token("dave"), "dave")
    _, alices = run(custom.as_token("alice"), "alice")
    carol = custom.as_token("carol")
    assert extra_info(carol, daves)["executionCode"] == "select 1"  # same department
    reply = carol.get("/jobhistory/job-extra-info", params={"jobId": alices})
    check_plain(reply, HISTORY_NOT_FOUND, EXTRA)
    assert extra_info(custom.as_token("bob"), alices)["executionCode"] == "select 1"  # H
    reply = custom.as_token("hadoop").get("/jobhistory/job-extra-info", params={"jobId": daves})
    check_plain(reply, HISTORY_NOT_FOUND, EXTRA)


# ---- jobhistory/diagnosis-query -------------------------------------------------------------


def diagnosis(client: httpx.Client, task_id: int | str, **params: str) -> str:
    reply = client.get("/jobhistory/diagnosis-query", params={"taskID": task_id, **params})
    data = ok(reply, DIAGNOSIS)
    assert set(data) == {"diagnosisMsg"}, data
    message = data["diagnosisMsg"]
    assert isinstance(message, str)
    return message


def test_diagnosis_directive_text_is_returned(mock: Mock) -> None:
    alice = mock.as_token("alice")
    text = "Executor 3 ran out of memory; raise spark.executor.memory"
    _, task_id = run(alice, "alice", f'--@mock diagnosis="{text}"\nselect 1')
    assert diagnosis(alice, task_id) == text
    mock.advance(FINISHED_AT_S)
    assert diagnosis(alice, task_id) == text
    assert diagnosis(mock.as_token("hadoop"), task_id) == text  # H reads any job
    # The doctoris source has no stored diagnosis.
    assert diagnosis(alice, task_id, diagnosisSource="doctoris") == ""


def test_diagnosis_without_directive_summarises_the_job(mock: Mock) -> None:
    alice = mock.as_token("alice")
    _, task_id = run(alice, "alice")
    mock.advance(RUNNING_AT_S + 0.5)
    head = f"Diagnosis of job {task_id} (任务诊断): "
    running = diagnosis(alice, task_id)
    assert running.startswith(head + "Running, engine spark-2.4.3, creator IDE, user alice\n")
    mock.advance(FINISHED_AT_S)
    done = diagnosis(alice, task_id)
    assert done.startswith(head + "Succeed, engine spark-2.4.3, creator IDE, user alice\n")
    assert done != running and done.split("\n")[1].strip()


def test_diagnosis_errors_and_unknown_jobs(mock: Mock) -> None:
    alice = mock.as_token("alice")
    _, task_id = run(alice, "alice")
    check_plain(alice.get("/jobhistory/diagnosis-query"), JOB_ID_EMPTY, DIAGNOSIS)
    for blank in ("", "   "):
        reply = alice.get("/jobhistory/diagnosis-query", params={"taskID": blank})
        check_plain(reply, JOB_ID_EMPTY, DIAGNOSIS)
    for bad in ("12a", "-1", "١٢"):
        reply = alice.get("/jobhistory/diagnosis-query", params={"taskID": bad})
        check_public_coded(reply, mock, 21304, f"Invalid taskID : {bad}", DIAGNOSIS)
    # An unknown or forbidden job is not an error: an empty diagnosis.
    assert diagnosis(alice, task_id + 100) == ""
    assert diagnosis(mock.as_token("bob"), task_id) == ""


def test_failed_job_is_failed_in_the_list_its_log_and_its_diagnosis(mock: Mock) -> None:
    alice = mock.as_token("alice")
    error = "Table or view not found: default.no_such_table"
    exec_id, task_id = run(alice, "alice", f'--@mock outcome=Failed error="{error}"\nselect 1')
    mock.advance(FINISHED_AT_S)
    task = one_task(alice, task_id)
    assert task["status"] == "Failed"
    assert task["errDesc"] == error
    assert isinstance(task["errCode"], int)
    assert task_ids(search(alice, status="Failed")) == [task_id]
    status = ok(alice.get(f"/entrance/{exec_id}/status"), f"/api/entrance/{exec_id}/status")
    assert status["status"] == "Failed"
    log = open_log(alice, task["logPath"])
    error_lines = log[0].splitlines()
    assert len(error_lines) == 1, log[0]
    assert error_lines[0].endswith(f" ERROR Sorry, your job executed failed with reason: {error}")
    assert error_lines[0] + "\n" in log[3]
    assert log[3].endswith(
        "Sorry. Your job completed with a status Failed. You can view logs for the reason.\n"
    )
    message = diagnosis(alice, task_id)
    assert message.startswith(f"Diagnosis of job {task_id} (任务诊断): Failed, ")
    assert f"error code {task['errCode']}: {error}" in message


def test_a_job_forced_to_fail_is_failed_in_every_console_view(mock: Mock) -> None:
    """The admin API's forced state, not a directive: the lists, the log file, the engine
    log and the diagnosis all read it at once."""
    alice = mock.as_token("alice")
    _, task_id = run(alice, "alice", LONG_RUN)
    mock.advance(TIMINGS.inited + TIMINGS.queue + 1)
    assert task_ids(search(alice, "/jobhistory/listundonetasks")) == [task_id]
    forced = mock.http.post(
        f"{mock.base_url}/__admin/jobs/{task_id}/state",
        json={"state": "Failed", "error": "Table t is gone"},
    )
    assert forced.status_code == 200, forced.text
    task = one_task(alice, task_id)
    assert (task["status"], task["errDesc"]) == ("Failed", "Table t is gone")
    assert task_ids(search(alice, "/jobhistory/listundonetasks")) == []
    log = open_log(alice, task["logPath"])
    assert (
        log[0]
        .rstrip("\n")
        .endswith("ERROR Sorry, your job executed failed with reason: Table t is gone")
    )
    engine = ok(
        alice.post(
            "/linkisManager/openEngineLog",
            json={
                "applicationName": "linkis-cg-engineconn",
                "emInstance": task["ecmInstance"],
                "instance": task["engineInstance"],
                "parameters": {"logType": "stdout", "logDirSuffix": task["engineLogPath"]},
            },
        ),
        "/api/linkisManager/openEngineLog",
    )
    assert engine["result"]["logs"][-2].endswith("Table t is gone"), engine
    assert diagnosis(alice, task_id).startswith(f"Diagnosis of job {task_id} (任务诊断): Failed, ")
    assert "Table t is gone" in diagnosis(alice, task_id)


# ---- filesystem/openLog ---------------------------------------------------------------------


def test_open_log_is_four_texts_with_a_newline_after_every_line(mock: Mock) -> None:
    alice = mock.as_token("alice")
    exec_id, task_id = run(alice, "alice", '--@mock retry=1 outcome=Failed error="boom"\nselect 1')
    mock.advance(FINISHED_AT_S * 2)
    path = one_task(alice, task_id)["logPath"]
    log = open_log(alice, path)
    entrance = entrance_log(alice, exec_id)
    # The same lines as the entrance log, each followed by "\n".
    assert without_empty_lines(log[3]) == as_file_text(entrance[3])
    assert all(text.endswith("\n") for text in log), log
    error, warn, info = (text.splitlines() for text in log[:3])
    assert len(error) == 1
    assert error[0].endswith(" ERROR Sorry, your job executed failed with reason: boom")
    # The IDE's limit warning, once in each copy of the interceptors' lines, then the retry's.
    assert len(warn) == 3 and warn[0] == warn[1] and warn[0].endswith(" WARN " + LIMIT_ADDED)
    assert " WARN Job " in warn[2] and "retryable engine error" in warn[2]
    # Every other line is INFO or follows an INFO line (the accepted line's second line).
    assert info == [line for line in log[3].splitlines() if line not in (*error, *warn)]
    assert " Please wait it to be scheduled(您的任务已经提交，进入排队中，请耐心等待调度)" in info
    for level in range(2):
        assert log[level] == as_file_text(entrance[level])
    assert without_empty_lines(log[2]) == as_file_text(entrance[2])  # the empty lines: INFO


@pytest.mark.parametrize(
    ("log_level", "filled"),
    [
        ("all", {0, 1, 2, 3}),
        ("ALL", {0, 1, 2, 3}),
        ("error", {0}),
        ("WARN", {1}),
        ("Info", {2}),
        ("error,info", {0, 2}),
        (" Error , Warn ", {0, 1}),  # spaces removed, any case
        ("debug,warn", {1}),  # unknown names skipped
        ("debug", {0, 1, 2, 3}),  # none known: all
        ("", {0, 1, 2, 3}),
    ],
)
def test_open_log_level_selection(mock: Mock, log_level: str, filled: set[int]) -> None:
    alice = mock.as_token("alice")
    _, task_id = run(alice, "alice", '--@mock retry=1 outcome=Failed error="boom"\nselect 1')
    mock.advance(FINISHED_AT_S * 2)
    path = one_task(alice, task_id)["logPath"]
    full = open_log(alice, path)
    assert all(full), full  # every level has lines
    chosen = open_log(alice, path, logLevel=log_level)
    assert chosen == [full[i] if i in filled else "" for i in range(4)]


def test_open_log_grows_while_the_job_runs(mock: Mock) -> None:
    alice = mock.as_token("alice")
    exec_id, task_id = run(alice, "alice")
    path = one_task(alice, task_id)["logPath"]
    texts = [open_log(alice, path)[3]]
    moments = (SCHEDULED_AT_S + 0.1, RUNNING_AT_S + 0.5, FINISHED_AT_S)
    for earlier_moment, moment in pairwise((0.0, *moments)):
        mock.advance(moment - earlier_moment)
        log = open_log(alice, path)
        assert without_empty_lines(log[3]) == as_file_text(entrance_log(alice, exec_id)[3]), moment
        texts.append(log[3])
    for earlier, later in pairwise(texts):
        assert later.startswith(earlier) and len(later) > len(earlier)
    assert "Your job is Scheduled." in texts[1] and "Your job is Scheduled." not in texts[0]
    assert texts[-1].endswith("Congratulations. Your job completed with status Success.\n")


def test_open_log_errors(mock: Mock) -> None:
    alice = mock.as_token("alice")
    _, task_id = run(alice, "alice")
    path = one_task(alice, task_id)["logPath"]
    assert path.endswith(f"/{task_id}.log")
    reply = alice.get("/filesystem/openLog")
    check_public_coded(reply, mock, 80004, "The path:null is empty(路径:null 为空)!", OPEN_LOG)
    reply = alice.get("/filesystem/openLog", params={"path": ""})
    check_public_coded(reply, mock, 80004, "The path: is empty(路径: 为空)!", OPEN_LOG)
    for missing in (path.replace(f"/{task_id}.log", "/999.log"), path.replace("/IDE/", "/X/")):
        reply = alice.get("/filesystem/openLog", params={"path": missing})
        check_public_generic(reply, mock, "IOException", f"path {missing} not exists.")
    bob = mock.as_token("bob")
    reply = bob.get("/filesystem/openLog", params={"path": path})
    check_public_coded(reply, mock, 80018, NO_LOG_PERMISSION, OPEN_LOG)
    # A non-admin's proxyUser is ignored.
    reply = bob.get("/filesystem/openLog", params={"path": path, "proxyUser": "alice"})
    check_public_coded(reply, mock, 80018, NO_LOG_PERMISSION, OPEN_LOG)


def test_open_log_for_an_admin_and_as_a_proxy_user(mock: Mock) -> None:
    alice = mock.as_token("alice")
    _, task_id = run(alice, "alice")
    mock.advance(FINISHED_AT_S)
    path = one_task(alice, task_id)["logPath"]
    own = open_log(alice, path)
    hadoop = mock.as_token("hadoop")
    assert open_log(hadoop, path) == own  # H may read any log
    assert open_log(hadoop, path, proxyUser="alice") == own  # the console's admin view
    # As bob, the file is bob's to read, and it is not.
    reply = hadoop.get("/filesystem/openLog", params={"path": path, "proxyUser": "bob"})
    check_public_coded(reply, mock, 80018, NO_LOG_PERMISSION, OPEN_LOG)


# ---- filesystem/resultsetToExcel ------------------------------------------------------------


def download(client: httpx.Client, path: str, **params: str) -> httpx.Response:
    return client.get("/filesystem/resultsetToExcel", params={"path": path, **params})


def test_csv_download_is_the_open_file_table(mock: Mock) -> None:
    alice = mock.as_token("alice")
    _, location = finished_result(mock, alice, "alice")
    path = f"{location}/_0.dolphin"
    header, rows = open_file_table(alice, path)
    assert header == ["id", "name"]
    reply = download(alice, path)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "text/plain; charset=utf-8"
    assert reply.headers["content-disposition"] == "attachment;filename=downloadResultset.csv"
    assert not reply.content.startswith(b"\xef\xbb\xbf")  # no BOM
    assert reply.content == csv_bytes(header, rows)
    assert reply.content.count(b"\n") == len(rows) + 1 and b"\r" not in reply.content
    asked = alice.get(
        "/filesystem/resultsetToExcel", params={"path": path}, headers={"Accept": "text/csv"}
    )
    assert asked.headers["content-type"] == "text/csv; charset=utf-8"
    assert asked.content == reply.content


@pytest.mark.parametrize(
    ("params", "separator"),
    [
        ({"csvSeparator": ";"}, ";"),
        ({"csvSeparator": "\t"}, "\t"),
        ({"csvSeparator": "t"}, "\t"),  # a lost escape means TAB
        ({"csvSeparator": " "}, " "),
        ({"csvSeperator": "|"}, "|"),  # the old spelling, when the new one is ","
        ({"csvSeparator": ";", "csvSeperator": "|"}, ";"),
    ],
)
def test_csv_separator(mock: Mock, params: dict[str, str], separator: str) -> None:
    alice = mock.as_token("alice")
    _, location = finished_result(mock, alice, "alice")
    path = f"{location}/_0.dolphin"
    header, rows = open_file_table(alice, path)
    reply = download(alice, path, **params)
    assert reply.status_code == 200, reply.text
    assert reply.content == csv_bytes(header, rows, separator=separator)


def test_csv_options(mock: Mock) -> None:
    alice = mock.as_token("alice")
    _, location = finished_result(mock, alice, "alice")
    path = f"{location}/_0.dolphin"
    header, rows = open_file_table(alice, path)
    quoted = download(alice, path, quoteRetouchEnable="true")
    assert quoted.content == csv_bytes(header, rows, quote=True)
    assert quoted.content.startswith(b'"id","name"\n"1","name1"\n')
    assert download(alice, path, nullValue="BLANK").content == csv_bytes(header, rows)
    assert download(alice, path, limit="2").content == csv_bytes(header, rows[:2])
    gbk = download(alice, path, charset="gbk")
    assert gbk.headers["content-type"] == "text/plain; charset=gbk"
    assert gbk.content == csv_bytes(header, rows, charset="gbk")
    named = download(alice, path, outputFileName="Result_t_05011005")
    assert named.headers["content-disposition"] == "attachment;filename=Result_t_05011005.csv"
    # A non-ASCII name goes out as its UTF-8 bytes, unquoted.
    chinese = download(alice, path, outputFileName="结果")
    raw = dict(chinese.headers.raw)[b"content-disposition"]
    assert raw == "attachment;filename=结果.csv".encode()


def test_download_row_cap_is_5000_unless_limit_says_otherwise(mock: Mock) -> None:
    alice = mock.as_token("alice")
    # Full-export mode: the IDE's limit would cut the result itself to 5000 rows (§11).
    code = "--set ide.engine.no.limit.allow=true\n--@mock rows=6000\nselect id, name from t"
    _, task_id = run(alice, "alice", code)
    mock.advance(FINISHED_AT_S)
    path = f"{one_task(alice, task_id)['resultLocation']}/_0.dolphin"
    header, rows = open_file_table(alice, path)  # openFile's first page: 5000 rows
    reply = alice.get("/filesystem/openFile", params={"path": path, "page": 2, "pageSize": 5000})
    rows += [list(row) for row in ok(reply, "/api/filesystem/openFile")["fileContent"]]
    assert len(rows) == 6000
    assert download(alice, path).content == csv_bytes(header, rows[:5000])
    assert download(alice, path, limit="5500").content == csv_bytes(header, rows[:5500])
    assert download(alice, path, limit="0").content == csv_bytes(header, rows[:5000])


def test_xlsx_download(mock: Mock) -> None:
    alice = mock.as_token("alice")
    _, location = finished_result(mock, alice, "alice")
    path = f"{location}/_0.dolphin"
    header, rows = open_file_table(alice, path)
    reply = download(alice, path, outputFileType="xlsx")
    assert reply.status_code == 200
    assert reply.headers["content-type"] == XLSX
    assert reply.headers["content-disposition"] == "attachment;filename=downloadResultset.xlsx"
    assert sheet_names(reply.content) == ["result"]
    sheet = sheet_of(reply.content, "result")
    assert sheet_values(sheet) == [header, *rows]
    assert sheet.cell(row=1, column=1).font.b is True  # the bold header row
    first_data = sheet.cell(row=2, column=1)
    assert (first_data.data_type, first_data.number_format) == ("s", "@")  # text cells
    named = download(alice, path, outputFileType="xlsx", sheetName="mine", limit="1")
    assert sheet_names(named.content) == ["mine"]
    assert sheet_values(sheet_of(named.content, "mine")) == [header, rows[0]]


def test_result_download_errors_are_plain_text(mock: Mock) -> None:
    alice = mock.as_token("alice")
    _, location = finished_result(mock, alice, "alice")
    path = f"{location}/_0.dolphin"
    get = alice.get
    check_download_error(
        get("/filesystem/resultsetToExcel"), "error(错误):Can not create a Path from a null string"
    )
    check_download_error(
        download(alice, ""), "error(错误):Can not create a Path from an empty string"
    )
    missing = f"{location}/_9.dolphin"
    check_download_error(download(alice, missing), f"error(错误):path {missing} not exists.")
    unsupported = wrapped(mock, 80015, "Unsupported resultset output type(不支持的结果集输出类型)")
    check_download_error(download(alice, path, outputFileType="pdf"), f"error(错误):{unsupported}")
    refused = wrapped(
        mock,
        80010,
        f"You do not have permission to access the path {location}(没有访问该路径的权限)",
    )
    check_download_error(download(mock.as_token("bob"), path), f"error(错误):{refused}")


# ---- filesystem/resultsetsToExcel -----------------------------------------------------------


def test_every_result_set_as_one_workbook(mock: Mock) -> None:
    alice = mock.as_token("alice")
    _, location = finished_result(mock, alice, "alice")
    header, rows = open_file_table(alice, f"{location}/_0.dolphin")
    reply = alice.get("/filesystem/resultsetsToExcel", params={"path": location})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == XLSX
    assert reply.headers["content-disposition"] == "attachment;filename=downloadResultset.xlsx"
    assert sheet_names(reply.content) == ["resultset0"]  # one sheet per result set
    assert sheet_values(sheet_of(reply.content, "resultset0")) == [header, *rows]
    named = alice.get(
        "/filesystem/resultsetsToExcel",
        params={"path": location, "outputFileName": "all", "limit": "2"},
    )
    assert named.headers["content-disposition"] == "attachment;filename=all.xlsx"
    assert sheet_values(sheet_of(named.content, "resultset0")) == [header, *rows[:2]]
    check_download_error(
        alice.get("/filesystem/resultsetsToExcel"),
        "error(错误):Can not create a Path from a null string",
    )
    empty = wrapped(mock, 80029, "Empty dir(空目录)!")
    reply = alice.get("/filesystem/resultsetsToExcel", params={"path": location + "0"})
    check_download_error(reply, f"error(错误):{empty}")


# ---- jobhistory/download-job-list -----------------------------------------------------------


def export(
    client: httpx.Client, headers: Mapping[str, str] | None = None, /, **params: str
) -> bytes:
    reply = client.get("/jobhistory/download-job-list", params=params, headers=headers)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == XLSX
    assert reply.headers["content-length"] == str(len(reply.content))
    return reply.content


def job_list_row(task: Mapping[str, Any], with_user: bool) -> list[Any]:
    """One row of the export from the list's record (JobhistoryUtils.java,
    docs/reference/linkis-console.md §5.3): strings, durations in the Chinese form, no cell
    for null."""
    reuse = {None: "", True: "是", False: "否"}[task["isReuse"]]
    cells: list[Any] = [
        str(task["taskID"]),
        task["sourceTailor"],
        task["executionCode"],
        task["status"],
        duration_zh(task["costTime"] or 0),
        task["errDesc"],
        reuse,
        date_text(task["requestStartTime"]),
        date_text(task["requestEndTime"]),
        duration_zh(task["requestSpendTime"] or 0),
        f"{task['requestApplicationName']}/{task['runType']}/{task['executeApplicationName']}",
    ]
    if with_user:
        cells.append(task["umUser"])
    cells.append(date_text(task["createdTime"]))
    # An empty text cell reads back as no value.
    return [None if cell == "" else cell for cell in cells]


def test_job_list_export_has_the_list_rows(mock: Mock) -> None:
    alice = mock.as_token("alice")
    run(alice, "alice", "select 1")
    mock.advance(1)
    run(alice, "alice", '--@mock outcome=Failed error="boom"\nselect 2')
    mock.advance(FINISHED_AT_S)
    flags = {"isAdminView": "false", "isDeptView": "false"}
    reply = alice.get("/jobhistory/download-job-list", params=flags)
    assert reply.headers["content-disposition"] == "attachment;filename=alice_null_history.xlsx"
    content = export(alice, **flags)
    assert sheet_names(content) == ["任务信息表"]
    rows = sheet_values(sheet_of(content, "任务信息表"))
    assert rows[0] == [h for h in JOB_LIST_HEADERS_ZH if h != "用户"]
    tasks = search(alice)["tasks"]
    assert rows[1:] == [job_list_row(task, with_user=False) for task in tasks]
    assert rows[1][3] == "Failed" and rows[1][5] == "boom" and rows[2][4] == "3.0 秒"
    # English only for exactly `en`.
    english = sheet_values(
        sheet_of(export(alice, {"Content-Language": "en"}, **flags), "任务信息表")
    )
    assert english[0] == [h for h in JOB_LIST_HEADERS_EN if h != "User"]
    assert english[1:] == rows[1:]  # durations stay Chinese
    other = export(alice, {"Content-Language": "en-US"}, **flags)
    assert sheet_values(sheet_of(other, "任务信息表"))[0] == rows[0]
    # runType is not one of its parameters (docs/reference/linkis-console.md §5.3).
    assert sheet_values(sheet_of(export(alice, runType="scala", **flags), "任务信息表")) == rows


def test_job_list_export_cuts_the_code_to_1000_characters(mock: Mock) -> None:
    alice = mock.as_token("alice")
    code = "select 1 -- " + "x" * 1200
    _, task_id = run(alice, "alice", code)
    assert one_task(alice, task_id)["executionCode"] == code  # the list has it whole
    content = export(alice, isAdminView="false", isDeptView="false")
    cell = sheet_values(sheet_of(content, "任务信息表"))[1][2]
    assert cell == code[:997] + "..."  # StringUtils.abbreviate(code, 1000)
    assert len(cell) == 1000


def test_job_list_export_views_and_file_name(mock: Mock) -> None:
    start = clock_ms(mock)
    run(mock.as_token("alice"), "alice")
    mock.advance(1)
    run(mock.as_token("bob"), "bob")
    hadoop = mock.as_token("hadoop")
    params = {"isAdminView": "true", "isDeptView": "false", "startDate": str(start)}
    reply = hadoop.get("/jobhistory/download-job-list", params=params)
    assert reply.headers["content-disposition"] == (
        f"attachment;filename=hadoop_{start}_history.xlsx"
    )
    rows = sheet_values(sheet_of(export(hadoop, **params), "任务信息表"))
    assert rows[0] == JOB_LIST_HEADERS_ZH  # the user column in the admin view
    tasks = search(hadoop, isAdminView="true", startDate=start)["tasks"]
    assert [task["umUser"] for task in tasks] == ["bob", "alice"]
    assert rows[1:] == [job_list_row(task, with_user=True) for task in tasks]
    dept_view = export(hadoop, isAdminView="false", isDeptView="true")
    dept = sheet_values(sheet_of(dept_view, "任务信息表"))
    assert dept[0] == JOB_LIST_HEADERS_ZH
    assert [row[11] for row in dept[1:]] == ["alice"]  # linkis only


def test_job_list_export_errors(mock: Mock) -> None:
    alice = mock.as_token("alice")
    reply = alice.get("/jobhistory/download-job-list", params={"isDeptView": "false"})
    check_generic(reply, mock, "IllegalArgumentException", "Missing query parameter 'isAdminView'")
    reply = alice.get("/jobhistory/download-job-list", params={"isAdminView": "false"})
    check_generic(reply, mock, "IllegalArgumentException", "Missing query parameter 'isDeptView'")
    # A business failure: an empty plain-text body.
    params = {"isAdminView": "false", "isDeptView": "false", "creator": "a b"}
    reply = alice.get("/jobhistory/download-job-list", params=params)
    assert reply.status_code == 400
    assert reply.headers["content-type"].startswith("text/plain")
    assert reply.content == b""


# ---- gateway /user calls ------------------------------------------------------------------


def test_public_key_base_info_and_oauth_off_need_no_login(mock: Mock) -> None:
    get = mock.http.get
    check(
        get(mock.api_url + "/user/publicKey"),
        status=0,
        message="Gain success(获取成功)！",
        method=None,
        data={"enableSSL": False, "enableLoginEncrypt": False},
    )
    check(
        get(mock.api_url + "/user/baseinfo"),
        status=0,
        message="get baseinfo success(获取成功)！",
        method=None,
        data={
            "resultSetExportEnable": True,
            "linkisClusterName": "",
            "engineLogOnlyAdminEnable": False,
        },
    )
    # OAuth off: 401 with the request URI as method, logged in or not.
    for client in (mock.http, mock.logged_in("alice")):
        reply = client.get(mock.api_url + "/user/oauth-redirect")
        check(
            reply,
            status=-1,
            message=OAUTH_OFF,
            method=API + "/user/oauth-redirect",
            data={},
            http=401,
        )


def test_oauth_redirect_when_configured(custom: LocalMock) -> None:
    check(
        custom.http.get(custom.api_url + "/user/oauth-redirect"),
        status=0,
        message="创建链接成功！",
        method=API + "/user/oauth-redirect",
        data={
            "redirectUrl": (
                "https://sso.example.com/oauth/authorize"
                "?client_id=linkis&response_type=code&scope=openid"
            )
        },
    )


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_heartbeat_session_vs_none_vs_token(mock: Mock, method: str) -> None:
    def heartbeat(client: httpx.Client) -> httpx.Response:
        return client.request(method, mock.api_url + "/user/heartbeat")

    session = mock.logged_in("alice")
    check(heartbeat(session), status=0, message=HEARTBEAT_OK, method=None, data={})
    not_logged_in = wrapped(mock, 11002, NO_COOKIE, GATEWAY)
    check(heartbeat(mock.http), status=-1, message=not_logged_in, method=None, data={})
    # Token headers do not apply to /user/*: the same as no cookie.
    token = mock.as_token("alice")
    check(heartbeat(token), status=-1, message=not_logged_in, method=None, data={})
    stale = mock.client(cookies={SESSION_COOKIE: "no-such-ticket"})
    unknown = wrapped(mock, 11002, UNKNOWN_TICKET, GATEWAY)
    check(heartbeat(stale), status=-1, message=unknown, method=None, data={})
    # After logout: the client has dropped the cookie (no cookie); the old ticket is unknown.
    ticket = session.cookies.get(SESSION_COOKIE)
    assert ticket
    ok(session.post("/user/logout"), None, "Logout successful(退出登录成功)！")
    assert session.cookies.get(SESSION_COOKIE) is None
    check(heartbeat(session), status=-1, message=not_logged_in, method=None, data={})
    replayed = mock.client(cookies={SESSION_COOKIE: ticket})
    check(heartbeat(replayed), status=-1, message=unknown, method=None, data={})


def test_login_as_admin_and_again_on_the_live_session(mock: Mock) -> None:
    client = mock.client()
    fresh = client.post("/user/login", json={"userName": "admin", "password": "admin"})
    check(
        fresh,
        status=0,
        message=LOGIN_OK,
        method=None,
        data={
            "userName": "admin",
            "isAdmin": True,
            "sessionTimeOut": 3_600_000,
            "enableWatermark": True,
        },
    )
    assert fresh.headers["set-cookie"].startswith(f"{SESSION_COOKIE}=")
    again = mock.api_url + "/user/login"
    for body in ({"userName": "admin", "password": "admin"}, {"userName": "alice"}):
        second = client.post(again, json=body)
        check(
            second,
            status=0,
            message=(
                "admin already logged in, please log out before signing in"
                "(已经登录，请先退出再进行登录)！"
            ),
            method=None,
            data={"userName": "admin"},
        )
        assert "set-cookie" not in second.headers
    check(client.get("/user/heartbeat"), status=0, message=HEARTBEAT_OK, method=None, data={})
    user_info = client.get("/user/userInfo")
    check(
        user_info,
        status=0,
        message="get user information succeed!",
        method=None,
        data={"userName": "admin"},
    )
    plain = mock.client().post("/user/login", json={"userName": "alice", "password": "alice"})
    assert ok(plain, None, LOGIN_OK)["isAdmin"] is False


# ---- configuration/engineType ---------------------------------------------------------------


def test_engine_types_default_and_configured(mock: Mock, custom: LocalMock) -> None:
    data = ok(mock.as_token("alice").get("/configuration/engineType"), ENGINE_TYPES)
    assert data == {"engineType": DEFAULT_ENGINE_TYPES}
    assert len(data["engineType"]) == 24
    data = ok(custom.logged_in("alice").get("/configuration/engineType"), ENGINE_TYPES)
    assert data == {"engineType": ["spark", "hive", "shell"]}


# ---- entrance/execute with the console's nulls ----------------------------------------------


def test_execute_accepts_a_null_script_path(mock: Mock) -> None:
    hadoop = mock.logged_in("hadoop")
    body = {
        "executeApplicationName": "spark",
        "executionCode": "show tables",
        "runType": "sql",
        "params": {"variable": {}, "configuration": {}},
        "source": {"scriptPath": None},
        "fromLine": 1,
    }
    data = ok(hadoop.post("/entrance/execute", json=body), EXECUTE)
    task = one_task(hadoop, data["taskID"])
    assert (task["executionCode"], task["status"], task["engineType"]) == (
        "show tables",
        "Inited",
        "spark",
    )


def test_execute_takes_nulls_as_missing_members(mock: Mock) -> None:
    hadoop = mock.logged_in("hadoop")
    body: dict[str, Any] = {
        "executeApplicationName": "spark",
        "executionCode": "select 1",
        "runType": None,
        "requestApplicationName": None,
        "params": {},  # null is refused: the real parser dereferences it (§15)
        "labels": None,
        "executeUser": None,
        "source": None,
    }
    data = ok(hadoop.post("/entrance/execute", json=body), EXECUTE)
    task = one_task(hadoop, data["taskID"])
    assert (task["runType"], task["requestApplicationName"]) == ("sql", "IDE")  # the defaults
    assert task["executeUser"] == "hadoop"


@pytest.mark.parametrize(
    ("body", "code", "desc"),
    [
        (
            {"executeApplicationName": None, "executionCode": "select 1", "params": {}},
            50079,
            "engineTypeLabel must be need",
        ),
        (
            {"executionCode": "select 1", "source": {"scriptPath": None}, "params": {}},
            50079,
            "engineTypeLabel must be need",
        ),
        (
            {"executeApplicationName": "spark", "executionCode": None},
            20007,
            "The param executionCode and scriptPath cannot be empty at the same time"
            "(参数 executionCode 和 scriptPath 不能同时为空)",
        ),
        (
            {
                "executeApplicationName": "spark",
                "executionCode": None,
                "source": {"scriptPath": None},
            },
            20007,
            "The param executionCode and scriptPath cannot be empty at the same time"
            "(参数 executionCode 和 scriptPath 不能同时为空)",
        ),
    ],
)
def test_execute_nulls_get_the_real_business_errors(
    mock: Mock, body: dict[str, Any], code: int, desc: str
) -> None:
    reply = mock.logged_in("hadoop").post("/entrance/execute", json=body)
    host, port = host_port(mock)
    check(
        reply,
        status=1,
        message=f"error code(错误码): {code}, error message(错误信息): {desc}.",
        method=EXECUTE,
        data={
            "errorMsg": {
                "level": 2,
                "errCode": code,
                "desc": desc,
                "ip": host,
                "port": port,
                "serviceKind": "linkis-cg-entrance",
            }
        },
    )
    assert "None" not in reply.text


@pytest.mark.parametrize(
    ("member", "where", "json_type"),
    [
        ({"fromLine": None}, "fromLine", "integer"),
        ({"formatCode": None}, "formatCode", "boolean"),
        ({"labels": {"tenant": None}}, "labels.tenant", "string"),
        ({"params": {"variable": {"x": None}}}, "params.variable.x", "string"),
    ],
)
def test_execute_schema_messages_name_null_as_json(
    mock: Mock, member: dict[str, Any], where: str, json_type: str
) -> None:
    body = {"executeApplicationName": "spark", "executionCode": "select 1", **member}
    reply = mock.logged_in("hadoop").post("/entrance/execute", json=body)
    check_generic(
        reply, mock, "IllegalArgumentException", f"null is not of type '{json_type}' - '{where}'"
    )
    assert "None" not in reply.text
