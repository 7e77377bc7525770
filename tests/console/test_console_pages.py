"""The Linkis web console (linkis-web, HEAD bad400a7) played against a served mock, page by
page: each request is the one the console's own code sends (path, method, query string as
axios serialises it, body, headers), and each check is on a reply field that code reads.

Citations name files under `linkis-web/src/` by their last two path parts, as the
reference does (docs/reference/linkis-console.md §12). Every api.js call goes
through `console_fetch`, which applies the console's reply rule (common/service/api.js:151-197):
a reply whose `status` is not 0 becomes an error toast (-1: the login handler), so the
test fails with that reply. The browser's clock is the mock's frozen clock, read from the
admin API; the browser's time zone is this process's.
"""

from __future__ import annotations

import importlib
import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest

from linkis_mock.testing import LocalMock
from tests.helpers.console import JOB_LIST_HEADERS_EN, JOB_LIST_HEADERS_ZH

# api.js:53 `baseURL`: the page's own origin + /api/rest_j/v1/ (the dev server proxies /api,
# vue.config.js:221-233); the console is served from the mock's host here.
API_ROOT = "/api/rest_j/v1/"
# api.js:61: every api.js request carries the UI language, `zh-CN` unless switched to `en`.
LOCALE = "zh-CN"
# axios' default Accept (not set by api.js; sent by every axios request).
AXIOS_ACCEPT = "application/json, text/plain, */*"
# api.js:56: the instance's Content-Type; axios drops it when a request has no body.
JSON_CONTENT_TYPE = "application/json;charset=UTF-8"
# vue.config.js:38-40,97-100: a default build has enableDisallowLogin (unless built with
# DISALLOW_LOGIN=false) and the prefixes hduser,shduser,hadoop.
DISALLOW_LOGIN_PREFIX = ("hduser", "shduser", "hadoop")
# The real default `errorMsgTip` (docs/reference/linkis-console.md §4).
ERROR_MSG_TIP = (
    "The request interface %s is abnormal. You can try to troubleshoot common problems in "
    "the knowledge base document"
)
NOT_LOGGED_IN = "You are not logged in, please login first(您尚未登录，请先登录)!"
OAUTH_OFF = "Gateway 未启用 OAuth 认证，请采用其他认证方式!"
UNDONE = ("Running", "Inited", "Scheduled")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- how the console sends: api.js and axios -------------------------------------------------


def js_string(value: object) -> str:
    """JavaScript's String(value) for the JSON values the console sends."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _axios_encode(text: str) -> str:
    """axios' buildURL encode: encodeURIComponent, then `:`, `$`, `,`, `[`, `]` back and
    a space as `+`."""
    kept = {"%3A": ":", "%24": "$", "%2C": ",", "%20": "+", "%5B": "[", "%5D": "]"}
    encoded = quote(text, safe="-_.!~*'()")
    return re.sub("%3A|%24|%2C|%20|%5B|%5D", lambda m: kept[m.group()], encoded)


def axios_query(params: Mapping[str, object] | None) -> str:
    """axios `params` as a query string: in key order, null (and undefined: a key left out
    here) dropped, '' kept as `key=`, booleans and numbers as JavaScript prints them."""
    return "&".join(
        f"{_axios_encode(key)}={_axios_encode(js_string(value))}"
        for key, value in (params or {}).items()
        if value is not None
    )


def console_reply(
    client: httpx.Client,
    path: str,
    params_or_body: Mapping[str, object] | None = None,
    method: str = "post",
    *,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """The HTTP exchange of `api.fetch(path, params_or_body, method)` (api.js:225-271):
    GET/DELETE/HEAD/OPTIONS put the object into axios `params`, POST/PUT/PATCH send it as the
    JSON body; the default method is post; cookies ride along (withCredentials, api.js:55)."""
    method = method.lower()
    url = path.lstrip("/")  # axios joins baseURL and url with exactly one '/'
    sent = {"Accept": AXIOS_ACCEPT, "Content-language": LOCALE}  # api.js:61
    content: bytes | None = None
    if method in ("get", "delete", "head", "options"):
        query = axios_query(params_or_body)
        if query:
            url += ("&" if "?" in url else "?") + query
    elif params_or_body is not None:
        content = json.dumps(params_or_body, ensure_ascii=False, separators=(",", ":")).encode()
        sent["Content-Type"] = JSON_CONTENT_TYPE  # api.js:56
    sent.update(headers or {})
    return client.request(method.upper(), url, content=content, headers=sent)


def console_result(reply: httpx.Response, what: str) -> dict[str, Any]:
    """api.js's reply rule (api.js:151-197, 273-305): the reply's `data`, or the test fails
    with the reply where the console would show an error toast (any status but 0; -1 sends
    it to #/login) or its errorMsgTip fallback (a body that is not JSON). The console itself
    ignores the HTTP status; a reply that is not 200 fails here as well."""
    where = f"{what} -> HTTP {reply.status_code}: {reply.text[:2000]}"
    try:
        body = reply.json()
    except ValueError:
        pytest.fail(f"not JSON, the console shows its errorMsgTip toast: {where}")
    if not isinstance(body, dict):
        pytest.fail(f"not a JSON object, the console shows its errorMsgTip toast: {where}")
    if body.get("status") == -1:
        pytest.fail(f"status -1, the console goes to #/login (api.js:111-121): {where}")
    if body.get("status") != 0:
        pytest.fail(f"the console shows the toast {body.get('message')!r}: {where}")
    if reply.status_code != 200:
        pytest.fail(f"status 0 but not HTTP 200: {where}")
    data = body.get("data")
    if data is None:
        return {}  # api.js:196 `result || {}`
    assert isinstance(data, dict), where
    return data


def console_fetch(
    client: httpx.Client,
    path: str,
    params_or_body: Mapping[str, object] | None = None,
    method: str = "post",
    *,
    headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """`api.fetch(path, params_or_body, method)` as the console calls it: sent as api.js
    sends it, answered by api.js's rule (`console_result`)."""
    reply = console_reply(client, path, params_or_body, method, headers=headers)
    return console_result(reply, f"{method.upper()} {path}")


def browser_get(
    client: httpx.Client, url: str, headers: Mapping[str, str] | None = None
) -> httpx.Response:
    """A request outside api.js (an `<a href>`, a bare axios call): the URL exactly as
    built, the session cookie, no api.js headers and no reply rule."""
    return client.get(url, headers=dict(headers or {}))


def page_origin(mock: LocalMock) -> str:
    """`http://${window.location.host}`: the console and the API share an origin."""
    return f"http://{urlsplit(mock.base_url).netloc}"


def read_xlsx(content: bytes) -> dict[str, list[list[Any]]]:
    """Every sheet of a workbook, as rows of cell values (openpyxl ships no type hints)."""
    openpyxl = importlib.import_module("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


# ---- the console's steps ---------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    exec_id: str
    task_id: int
    code: str

    @property
    def runs(self) -> str:
        """The code job history holds once the job is scheduled: each job here is one IDE
        select and `--@mock` lines, which the IDE's SQL limit and comment stripping leave
        as the select with ` limit 5000` (docs/reference/linkis-interceptors.md §11-§13)."""
        select, *directives = self.code.split("\n")
        assert select.startswith("select ") and all(d.startswith("--@mock") for d in directives)
        return f"{select} limit 5000"


@dataclass(frozen=True)
class Flags:
    """governanceStationAdmin as the layout stores it (linkis/index.vue:596-601)."""

    admin: bool
    history_admin: bool
    dept_admin: bool


def console_allows_login(user: str) -> bool:
    """The login form's rule in a default build (login/index.vue:80-83,96-102): the name as
    typed must not start with a disallowed prefix (case-sensitive, before lower-casing)."""
    return not any(re.match(f"^{prefix}", user) for prefix in DISALLOW_LOGIN_PREFIX)


def log_in(mock: LocalMock, user: str, password: str | None = None) -> httpx.Client:
    """The login page's submit (login/index.vue:133-188) in a default build: the form's
    prefix rule, the name lower-cased (:140), `{userName, password}` in the clear (the
    publicKey reply says enableLoginEncrypt false, :144-158), the `webLogin` header (:172)."""
    assert console_allows_login(user), f"a default build refuses {user!r} before sending"
    client = mock.client()
    body = {"userName": user.lower(), "password": password or user}
    # login/index.vue:169-174
    data = console_fetch(client, "/user/login", body, headers={"webLogin": "true"})
    assert data["userName"] == user.lower(), data  # :177, storage 'userName'
    return client


def governance_flags(client: httpx.Client) -> Flags:
    # linkis/index.vue:596 (beforeRouteEnter), :435 (created), globalHistoryManagement/index.vue:349
    data = console_fetch(client, "/jobhistory/governanceStationAdmin", None, "get")
    for key in ("admin", "historyAdmin", "deptAdmin"):
        assert isinstance(data[key], bool), data
    return Flags(data["admin"], data["historyAdmin"], data["deptAdmin"])


def submit_as_console(
    client: httpx.Client, code: str, *, run_type: str = "sql", engine: str = "spark"
) -> Job:
    """A script run the console's way: the legacy body of consoleComponent/console.vue:186-202
    (`postType` removed, execute.js:47-48) POSTed by httpExecute (execute.js:226-229) to
    `entrance/execute`. console.vue builds that body only to restore a running job, with
    `executeApplicationName`, `executionCode` and `params` null; the script editor that fills
    them lives in DSS. The engine and code are set here, and `params` is a map: the real
    entrance dereferences it (CommonEntranceParser.scala:291-292). `source.scriptPath` stays
    null, as for a script never saved."""
    body = {
        "executeApplicationName": engine,
        "executionCode": code,
        "runType": run_type,
        "params": {"variable": {}, "configuration": {}},
        "source": {"scriptPath": None},
        "fromLine": 1,  # console.vue:200 `this.script.logLine`, 1 for a new script
    }
    data = console_fetch(client, "entrance/execute", body)  # execute.js:228-229, POST
    assert "errorMsg" not in data, data  # execute.js:549-561 deconstructExecute
    assert isinstance(data["execID"], str), data
    assert isinstance(data["taskID"], int), data
    return Job(data["execID"], data["taskID"], code)


def submit_in_turn(mock: LocalMock, client: httpx.Client, codes: Sequence[str]) -> list[Job]:
    """One job after another, 10 ms apart: lists sort by creation time, and ties have no
    defined order (docs/reference/linkis-console.md §0.4)."""
    jobs = []
    for code in codes:
        jobs.append(submit_as_console(client, code))
        mock.advance(0.01)
    return jobs


def job_status(client: httpx.Client, job: Job) -> str:
    # execute.js:260 queryStatus
    data = console_fetch(client, f"/entrance/{job.exec_id}/status", {"taskID": job.task_id}, "get")
    status: str = data["status"]
    return status


def wait_for_state(
    mock: LocalMock, client: httpx.Client, job: Job, seconds: float, state: str
) -> None:
    """Move the frozen clock, then read the job's state as the script console polls it."""
    mock.advance(seconds)
    assert job_status(client, job) == state, job


def clock_ms(mock: LocalMock) -> int:
    now: int = mock.admin("GET", "/clock")["now"]
    return now


def local(ms: int) -> datetime:
    """An epoch-ms instant in the browser's (this process's) time zone, naive like JS Date."""
    return datetime.fromtimestamp(ms / 1000)


def epoch_ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def today_window(mock: LocalMock) -> tuple[int, int]:
    """The history page's default date range (globalHistoryManagement/index.vue:202,222, then
    getParams' setSeconds at :583-584): today 00:00:00.000 to 23:59:59.000, local time, by the
    mock's clock. Near midnight the clock first moves into the next day, so that the jobs
    the test creates fall into "today"; call it before logging in (sessions last an hour)."""
    now = local(clock_ms(mock))
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if now + timedelta(minutes=10) > midnight + timedelta(days=1):
        mock.advance((midnight + timedelta(days=1, minutes=5) - now).total_seconds())
        midnight += timedelta(days=1)
    end = midnight.replace(hour=23, minute=59, second=59)
    return epoch_ms(midnight), epoch_ms(end)


@dataclass
class SearchBar:
    """The history page's search bar (globalHistoryManagement/index.vue:216-223). `runType`,
    `engineInstance` and `instance` are not in its initial data: undefined until typed."""

    window: tuple[int, int] | None
    id: int | None = None
    proxy_user: str = ""
    creator: str = ""
    engine: str = "all"
    status: str = ""
    run_type: str | None = None
    engine_instance: str | None = None
    instance: str | None = None


@dataclass
class HistoryPage:
    flags: Flags
    bar: SearchBar
    admin_model: bool = False  # the manage-view toggle (:921-931)
    page_size: int = 50  # pageSetting (:210-215)
    current: int = 1
    rows: list[dict[str, Any]] = field(default_factory=list)

    def get_params(self, page: int | None = None) -> dict[str, object]:
        """getParams (globalHistoryManagement/index.vue:582-631), key order kept."""
        bar, flags = self.bar, self.flags
        start, end = bar.window or (None, None)
        params: dict[str, object] = {
            "taskID": bar.id,
            "runType": bar.run_type,
            "creator": bar.creator,
            "executeApplicationName": bar.engine,
            "status": bar.status,
            "startDate": start,
            "endDate": end,
            "engineInstance": bar.engine_instance,
            "pageNow": page or self.current,
            "pageSize": self.page_size,
            "proxyUser": bar.proxy_user,
            "isAdminView": self.admin_model and (flags.admin or flags.history_admin),
            "instance": (bar.instance or "").replace(" ", ""),
            "isDeptView": self.admin_model
            and flags.dept_admin
            and not flags.admin
            and not flags.history_admin,
        }
        if not self.admin_model:
            del params["proxyUser"]
        if bar.id:
            for key in (
                "creator",
                "executeApplicationName",
                "status",
                "startDate",
                "endDate",
                "proxyUser",
                "instance",
                "engineInstance",
                "runType",
            ):
                params.pop(key, None)
        else:
            if bar.engine == "all":
                del params["executeApplicationName"]
            if bar.status == "all":
                del params["status"]
            if not start:
                del params["startDate"]
            if not end:
                del params["endDate"]
            del params["taskID"]
        return params

    def search(self, client: httpx.Client, page: int | None = None) -> dict[str, Any]:
        """search (:661-680) for page None, changePage (:632-654) otherwise."""
        data = console_fetch(client, "/jobhistory/list", self.get_params(page), "get")
        assert isinstance(data["tasks"], list), data
        assert isinstance(data["totalPage"], int), data
        if page is not None:
            max_page = math.ceil(data["totalPage"] / self.page_size)  # :642
            self.current = max_page if max_page < page else page
        self.rows = render_rows(data["tasks"], admin_model=self.admin_model)
        return data


def engine_version(task: Mapping[str, Any]) -> str:
    """getEngineVersion (globalHistoryManagement/index.vue:688-700)."""
    labels = task.get("labels")
    if isinstance(labels, list):
        for label in labels:
            if label and label.startswith("engineType:"):
                version: str = label.split(":")[1]
                if "-" in version:
                    return version
    return ""


def failed_reason(task: Mapping[str, Any]) -> str:
    """getFailedReason (:682-686): errCode and errDesc side by side in JavaScript's `+`."""
    code, desc = task.get("errCode"), task.get("errDesc")
    if code and desc:
        return f"{code}{desc}"
    return js_string(code or desc or "")


def render_rows(tasks: Sequence[Mapping[str, Any]], *, admin_model: bool) -> list[dict[str, Any]]:
    """getList (:681-753): the row each task becomes; the general view copies named fields,
    the admin view keeps the whole task."""
    rows = []
    for task in tasks:
        derived = {
            "disabled": task["status"] not in ("Submitted", *UNDONE),
            "failedReason": failed_reason(task),
            "source": task["sourceTailor"],
            "isReuse": "" if task["isReuse"] is None else ("是" if task["isReuse"] else "否"),
            "executeApplicationName": engine_version(task) or task["executeApplicationName"],
        }
        if admin_model:
            rows.append({**task, **derived})
            continue
        copied = [
            "taskID",
            "strongerExecId",
            "executionCode",
            "status",
            "costTime",
            "requestApplicationName",
            "createdTime",
            "progress",
            "runType",
            "instance",
            "engineInstance",
            "requestSpendTime",
            "requestStartTime",
            "requestEndTime",
            "metrics",
        ]
        rows.append({**{key: task[key] for key in copied}, **derived})
    return rows


def check_row_fields(task: Mapping[str, Any]) -> None:
    """The types of what the history table renders (:701-753, columns :763-910)."""
    assert isinstance(task["taskID"], int), task
    assert isinstance(task["strongerExecId"], str), task
    assert task["sourceTailor"] is None or isinstance(task["sourceTailor"], str), task
    assert isinstance(task["executionCode"], str), task
    assert isinstance(task["status"], str), task
    assert task["costTime"] is None or isinstance(task["costTime"], int), task
    assert isinstance(task["requestApplicationName"], str), task
    assert isinstance(task["createdTime"], int), task
    assert task["isReuse"] is None or isinstance(task["isReuse"], bool), task
    for key in ("requestStartTime", "requestEndTime", "requestSpendTime"):
        assert task[key] is None or isinstance(task[key], int), (key, task)
    assert isinstance(task["metrics"], str), task  # raw JSON text, shown as is
    json.loads(task["metrics"])
    labels = task["labels"]
    assert isinstance(labels, list), task  # "key:value" strings, never an object
    assert all(isinstance(label, str) and ":" in label for label in labels), task


def convert_log(logs: object) -> dict[str, str]:
    """common/util/convert.js:27-49: a string is all of it; an array is error, warning,
    info, all, in that order."""
    converted = {"all": "", "error": "", "warning": "", "info": ""}
    if isinstance(logs, str):
        converted["all"] = logs
    elif isinstance(logs, list):
        for key, text in zip(("error", "warning", "info", "all"), logs, strict=False):
            converted[key] = text
    elif isinstance(logs, dict):
        converted.update(logs)
    return converted


def check_open_log(data: Mapping[str, Any]) -> dict[str, str]:
    """openLog's reply as viewHistory.getLogs (viewHistory.vue:483-492) uses it."""
    log = data["log"]
    assert isinstance(log, list), data
    assert len(log) == 4, data  # ERROR, WARN, INFO, ALL (docs/reference/linkis-console.md §6)
    assert all(isinstance(part, str) for part in log), data
    # every line of the file comes with its '\n' (docs/reference/linkis-console.md §6)
    for part in log:
        assert part == "" or part.endswith("\n"), data
    assert "fromLine" not in data, data  # viewHistory stores `openLog.fromLine`: undefined
    return convert_log(log)


def results_of(client: httpx.Client, result_location: str) -> list[dict[str, Any]]:
    """getResult's listing (viewHistory.vue:541-553), sorted as the console sorts it."""
    data = console_fetch(client, "/filesystem/getDirFileTrees", {"path": result_location}, "get")
    tree = data["dirFileTrees"]
    assert tree is not None, data
    children: list[dict[str, Any]] = tree["children"]
    assert children, data
    for child in children:
        assert re.fullmatch(r"[^_]*_\d+\.\w+", child["name"]), child
    return sorted(children, key=lambda c: int(c["name"].split("_")[1].split(".")[0]))


def open_result(client: httpx.Client, path: str) -> dict[str, Any]:
    # viewHistory.vue:556-567 getResult's openFile
    params = {"path": path, "page": 1, "enableLimit": True, "pageSize": 5000}
    data = console_fetch(client, "/filesystem/openFile", params, "get")
    assert not data.get("display_prohibited"), data  # :570 would hide the table
    assert not data.get("column_limit_display"), data  # :580
    assert data["type"] == "2", data  # a table
    assert isinstance(data["totalLine"], int), data
    assert all(isinstance(column["columnName"], str) for column in data["metadata"]), data
    return data


def logged_out(reply: httpx.Response) -> dict[str, Any]:
    """A reply the console sends to the login page (api.js:111-121): status -1, HTTP 401."""
    body = reply.json()
    assert reply.status_code == 401, reply.text
    assert body["status"] == -1, body
    assert set(body) == {"method", "status", "message", "data"}, body
    result: dict[str, Any] = body
    return result


# ---- 1. login page: dss/view/login/index.vue ------------------------------------------------


def test_login_page(console: LocalMock) -> None:
    client = console.client()
    # login/index.vue:128-131 getPublicKey: api.fetch('/user/publicKey', 'get')
    public_key = console_fetch(client, "/user/publicKey", None, "get")
    assert public_key["enableLoginEncrypt"] is False, public_key  # :144: password in the clear
    assert public_key["enableSSL"] is False, public_key

    # login/index.vue:210-213 checkOAuthStatus: api.fetch('/user/oauth-redirect', {}, 'get').
    # OAuth is off: -1, which api.js drops silently on #/login (:116-120, then Error(''): no
    # toast), so this call does not go through the toast rule.
    reply = console_reply(client, "/user/oauth-redirect", {}, "get")
    assert logged_out(reply) == {
        "method": "/api/rest_j/v1/user/oauth-redirect",
        "status": -1,
        "message": OAUTH_OFF,
        "data": {},
    }

    # login/index.vue:96-102: the form itself refuses system users, as typed.
    for refused in ("hadoop", "hduser01", "shduser", "hadoop2"):
        assert not console_allows_login(refused)
    assert console_allows_login("admin")
    assert console_allows_login("Hadoop")  # the rule runs before :140 lower-cases the name

    # login/index.vue:169-174: POST user/login {userName, password}, header webLogin: 'true'
    body = {"userName": "admin", "password": "admin"}
    reply = console_reply(client, "/user/login", body, headers={"webLogin": "true"})
    login = console_result(reply, "POST /user/login")
    assert "linkis_user_session_ticket_id_v1=" in reply.headers.get("set-cookie", ""), reply
    assert login["userName"] == "admin", login  # :177 storage 'userName'
    assert login["enableWatermark"] is True, login  # :178 `? true : false`; dss/view/layout.vue:90
    # Not read by linkis-web, but part of the reply (docs/reference/linkis-entrance.md §2.1):
    assert login["isAdmin"] is True, login
    assert isinstance(login["sessionTimeOut"], int), login
    assert login["sessionTimeOut"] > 0, login

    # The session works: the next page's first call (linkis/index.vue:596) is answered.
    assert governance_flags(client).admin is True


# ---- 2. layout start-up: apps/linkis/view/linkis/index.vue ----------------------------------


def test_layout_start_up(console: LocalMock) -> None:
    admin = log_in(console, "admin")
    # linkis/index.vue:596-601 beforeRouteEnter: admin, historyAdmin, deptAdmin to storage
    flags = governance_flags(admin)
    assert flags.admin is True and flags.history_admin is True, flags
    # linkis/index.vue:435-439 created(): admin, and canResultSet stored as String(value)
    station = console_fetch(admin, "/jobhistory/governanceStationAdmin", None, "get")
    assert isinstance(station["canResultSet"], bool), station  # "true"/"false", not "undefined"
    # api.js:171-174 keeps `errorMsgTip` of any reply as the fallback toast text
    assert station["errorMsgTip"] == ERROR_MSG_TIP, station
    # linkis/index.vue:442-446: resultSetExportEnable, linkisClusterName, engineLogOnlyAdminEnable
    base = console_fetch(admin, "/user/baseinfo", None, "get")
    assert base["resultSetExportEnable"] is True, base  # toolbar.vue:70,316-318: download shown
    assert base["linkisClusterName"] == "", base  # header/index.vue:88 shows it
    assert base["engineLogOnlyAdminEnable"] is False, base  # viewHistory.vue:133-135

    alice = log_in(console, "alice")
    assert governance_flags(alice) == Flags(admin=False, history_admin=False, dept_admin=False)
    station = console_fetch(alice, "/jobhistory/governanceStationAdmin", None, "get")
    assert isinstance(station["canResultSet"], bool), station


# ---- 3. footer and running-jobs panel: dss/module/footer, dss/module/resourceSimple ---------


def footer_count(client: httpx.Client) -> int:
    # footer/index.vue:68-76 getRunningJob, 0.5 s after the layout loads (:56-60)
    data = console_fetch(
        client,
        "/jobhistory/listundonetasks",
        {"pageSize": 100, "status": "Running,Inited,Scheduled"},
        "get",
    )
    tasks = [
        t for t in data["tasks"] if t["requestApplicationName"] not in ("nodeexecution", "CLI")
    ]
    return len(tasks)


def panel_jobs(client: httpx.Client) -> list[dict[str, Any]]:
    # resourceSimple/job.vue:111-129 getJobList: api.fetch('/jobhistory/listundonetasks', {}, 'get')
    data = console_fetch(client, "/jobhistory/listundonetasks", {}, "get")
    tasks: list[dict[str, Any]] = data["tasks"] or []
    for task in tasks:
        assert isinstance(task["requestApplicationName"], str), task  # :121 groups by it
        source = json.loads(task["sourceJson"])  # :306 getLabel, :331-336 convertJson
        assert isinstance(source, dict), task
        assert 0 <= float(task["progress"]) <= 1, task  # :52-54 `progress * 100`
        assert task["status"] in UNDONE, task  # :229-236 colour, :68 menu
        assert isinstance(task["strongerExecId"], str), task  # :134 kill needs it
        assert isinstance(task["taskID"], int), task
        assert task["engineInstance"] is None or isinstance(task["engineInstance"], str), task
    return tasks


def test_footer_and_running_jobs_panel(console: LocalMock) -> None:
    admin = log_in(console, "admin")
    long_job = submit_as_console(admin, "select id, name from orders\n--@mock duration=60")
    short_job = submit_as_console(admin, "select id from customers")
    wait_for_state(console, admin, long_job, 1.5, "Running")
    assert job_status(admin, short_job) == "Running"

    assert footer_count(admin) == 2
    panel = {task["taskID"]: task for task in panel_jobs(admin)}
    assert set(panel) == {long_job.task_id, short_job.task_id}, panel
    assert panel[long_job.task_id]["strongerExecId"] == long_job.exec_id
    assert panel[long_job.task_id]["requestApplicationName"] == "IDE"

    wait_for_state(console, admin, short_job, 3, "Succeed")
    assert footer_count(admin) == 1

    # resourceSimple/job.vue:130-149 killJob: GET entrance/{strongerExecId}/kill?taskID=
    item = next(task for task in panel_jobs(admin) if task["taskID"] == long_job.task_id)
    console_fetch(
        admin, f"/entrance/{item['strongerExecId']}/kill", {"taskID": item["taskID"]}, "get"
    )
    wait_for_state(console, admin, long_job, 3, "Cancelled")
    assert footer_count(admin) == 0
    assert panel_jobs(admin) == []


# ---- 4. history page: apps/linkis/module/globalHistoryManagement/index.vue -------------------


def check_own_rows(
    page: HistoryPage, data: Mapping[str, Any], window: tuple[int, int], jobs: Sequence[Job]
) -> None:
    """A general-view page of the user's own jobs, as the table renders it."""
    by_id = {job.task_id: job for job in jobs}
    for task in data["tasks"]:
        check_row_fields(task)
        assert window[0] <= task["createdTime"] <= window[1], task
        assert task["executionCode"] == by_id[task["taskID"]].runs, task
        assert task["requestApplicationName"] == "IDE", task
        assert task["runType"] == "sql", task
        assert task["executeApplicationName"] == "spark", task
        assert task["umUser"] == "admin", task
    for row in page.rows:
        assert re.fullmatch(r"spark-[\d.]+", row["executeApplicationName"]), row  # :704-716
        assert row["disabled"] is True, row  # every job has finished: no checkbox (:708)


def check_alice_sees_her_own(
    alice: httpx.Client, window: tuple[int, int], hers: Sequence[Job]
) -> None:
    """alice has no manage button (:126); her flags give isAdminView=false even in that
    model, and a hand-made isAdminView=true (not what the console sends) is ignored
    (docs/reference/linkis-console.md §1)."""
    alice_flags = governance_flags(alice)
    assert alice_flags == Flags(admin=False, history_admin=False, dept_admin=False)
    manage = HistoryPage(alice_flags, SearchBar(window), admin_model=True)
    assert manage.get_params()["isAdminView"] is False
    params = {**HistoryPage(alice_flags, SearchBar(window)).get_params(), "isAdminView": True}
    data = console_fetch(alice, "/jobhistory/list", params, "get")
    assert sorted(task["taskID"] for task in data["tasks"]) == sorted(j.task_id for j in hers)
    assert data["totalPage"] == 2, data


def test_history_page(console: LocalMock) -> None:
    window = today_window(console)
    admin, alice = log_in(console, "admin"), log_in(console, "alice")
    # globalHistoryManagement/index.vue:346-360 created(): governanceStationAdmin, engineType
    flags = governance_flags(admin)
    engine_types = console_fetch(admin, "/configuration/engineType", None, "get")["engineType"]
    assert "spark" in engine_types and "hive" in engine_types, engine_types  # :355

    codes = [f"select id, name from t{n}" for n in range(51)]
    mine = submit_in_turn(console, admin, codes)
    failed = submit_as_console(admin, 'select x from gone\n--@mock outcome=Failed error="boom"')
    mine.append(failed)
    hers = submit_in_turn(console, alice, ["select a, b from s0", "select a, b from s1"])
    wait_for_state(console, admin, failed, 10, "Failed")
    newest_first = sorted((job.task_id for job in mine), reverse=True)

    # :386 mounted -> init -> search(true) (:661-680): the default getParams
    page = HistoryPage(flags, SearchBar(window))
    assert axios_query(page.get_params()) == (
        f"creator=&status=&startDate={window[0]}&endDate={window[1]}&pageNow=1&pageSize=50"
        "&isAdminView=false&instance=&isDeptView=false"
    )
    data = page.search(admin)
    # totalPage is the row count (docs/reference/linkis-console.md §0.4), own jobs only
    assert data["totalPage"] == 52, data
    assert math.ceil(data["totalPage"] / page.page_size) == 2  # :642
    assert [task["taskID"] for task in data["tasks"]] == newest_first[:50]
    check_own_rows(page, data, window, mine)
    failed_row = next(row for row in page.rows if row["taskID"] == failed.task_id)
    assert "boom" in failed_row["failedReason"], failed_row

    # :183 Page on-change -> changePage(2) (:632-654)
    data = page.search(admin, page=2)
    assert [task["taskID"] for task in data["tasks"]] == newest_first[50:]
    assert page.current == 2 and data["totalPage"] == 52, data

    # a status filter (:82-90): status=Failed
    page = HistoryPage(flags, SearchBar(window, status="Failed"))
    data = page.search(admin)
    assert [task["taskID"] for task in data["tasks"]] == [failed.task_id], data
    assert data["totalPage"] == 1, data
    # an engine of the engineType list (:76-78): executeApplicationName=hive
    data = HistoryPage(flags, SearchBar(window, engine="hive")).search(admin)
    assert data == {"tasks": [], "totalPage": 0}, data

    # a task id (:24-29): getParams drops the other filters and the dates (:604-613)
    page = HistoryPage(flags, SearchBar(window, id=mine[3].task_id, creator="IDE", status="all"))
    assert axios_query(page.get_params()) == (
        f"taskID={mine[3].task_id}&pageNow=1&pageSize=50&isAdminView=false&isDeptView=false"
    )
    data = page.search(admin)
    assert [task["taskID"] for task in data["tasks"]] == [mine[3].task_id], data
    assert data["totalPage"] == 1, data

    # the manage view (:122-128 shown for admin/historyAdmin/deptAdmin; :921-931 switchAdmin)
    page = HistoryPage(flags, SearchBar(window), admin_model=True)
    assert axios_query(page.get_params()) == (
        f"creator=&status=&startDate={window[0]}&endDate={window[1]}&pageNow=1&pageSize=50"
        "&proxyUser=&isAdminView=true&instance=&isDeptView=false"
    )
    data = page.search(admin)
    assert data["totalPage"] == 54, data
    assert {task["umUser"] for task in data["tasks"]} == {"admin", "alice"}, data
    for row in page.rows:  # the manage view keeps the task: umUser column (:891-896)
        assert isinstance(row["umUser"], str), row
        assert isinstance(row["executeUser"], str), row  # viewHistory's proxyUser (:568-570)
        json.loads(row["sourceJson"])  # :546-553
    page.bar.proxy_user = "alice"  # the user-name box of the manage view (:31-39)
    data = page.search(admin)
    assert sorted(task["taskID"] for task in data["tasks"]) == sorted(j.task_id for j in hers)
    assert data["totalPage"] == 2, data

    check_alice_sees_her_own(alice, window, hers)


# ---- 5. finished jobs: globalHistoryManagement/viewHistory.vue, dss/view/logPage ------------


@dataclass(frozen=True)
class JobView:
    """viewHistory after created(): the task of `{id}/get` and the log tab's text."""

    task: dict[str, Any]
    log: dict[str, str]


def open_view_history(
    client: httpx.Client, task_id: int, *, status: str, proxy_user: str | None = None
) -> JobView:
    """A row clicked on the history page (globalHistoryManagement/index.vue:545-579) opens
    viewHistory with the row's taskID, strongerExecId, status and engineInstance, and, in
    the manage view, proxyUser = the row's executeUser. created() (viewHistory.vue:129-176)
    then runs initHistory (:504-536) and getLogs (:466-502). The row's values are the
    task's own (the list and `{id}/get` build the same object:
    docs/reference/linkis-console.md §2)."""
    # viewHistory.vue:506
    data = console_fetch(client, f"/jobhistory/{task_id}/get", None, "get")
    task: dict[str, Any] = data["task"]
    assert task["status"] == status, task
    assert task["logPath"], task  # :513-528 would show "no log" instead
    assert status not in ("Scheduled", "Running")  # those read entrance/{id}/log (:474-479)
    params = {"path": task["logPath"]}  # :467-472
    if proxy_user:
        params["proxyUser"] = proxy_user
    converted = check_open_log(console_fetch(client, "/filesystem/openLog", params, "get"))
    shown = {key: (text + "\n" if text else "") for key, text in converted.items()}  # :484-490
    # :131-160: the row has an engineInstance and engineLogOnlyAdminEnable is off, so the
    # engine-log tab needs all four members; with one empty the console would ask
    # linkisManager/ecinfo/ecrHistoryList first, which the mock does not serve.
    assert task["engineInstance"], task
    for key in ("ticketId", "ecmInstance", "engineInstance", "engineLogPath"):
        assert task[key], (key, task)
    return JobView(task, shown)


def code_tab(client: httpx.Client, task_id: int) -> str:
    # viewHistory.vue:249-254: api.fetch(`/jobhistory/job-extra-info?jobId=${taskID}`, 'get')
    data = console_fetch(client, f"/jobhistory/job-extra-info?jobId={task_id}", None, "get")
    code: str = data["metricsMap"]["executionCode"]
    return code


def diagnosis_tab(client: httpx.Client, task_id: int) -> str:
    # viewHistory.vue:255-268: api.fetch(`/jobhistory/diagnosis-query?taskID=${taskID}`, 'get')
    data = console_fetch(client, f"/jobhistory/diagnosis-query?taskID={task_id}", None, "get")
    message: str = data["diagnosisMsg"]
    assert isinstance(message, str), data
    return message


def engine_log_tab(client: httpx.Client, task: Mapping[str, Any], log_type: str) -> list[str]:
    """The engine-log tab (viewHistory.vue:225-236 → globalHistoryManagement/log.vue:89-119):
    the first page, `fromLine` 0, 1000 lines, joined with "\n" for display."""
    body = {
        "applicationName": "linkis-cg-engineconn",
        "emInstance": task["ecmInstance"] or "",
        "instance": task["engineInstance"] or "",
        "parameters": {
            "pageSize": 1000,
            "fromLine": 0,
            "logType": log_type,
            "logDirSuffix": task["engineLogPath"] or "",
            "ticketId": task["ticketId"] or "",
        },
    }
    data = console_fetch(client, "/linkisManager/openEngineLog", body, "post")
    result: dict[str, Any] = data["result"]
    logs: list[str] = result.get("logs") or []
    if result:  # log.vue:109-114: rows < 1000 marks the last page
        assert result["rows"] == len(logs) < 1000, result
        assert result["logPath"].endswith(f"{task['engineLogPath']}/{log_type}"), result
    return logs


def test_finished_job_views(console: LocalMock) -> None:
    admin, alice = log_in(console, "admin"), log_in(console, "alice")
    good = submit_as_console(admin, "select id, name from orders\n--@mock rows=4")
    bad = submit_as_console(
        admin,
        'select id from missing\n--@mock outcome=Failed error="boom"\n'
        '--@mock diagnosis="Table missing: check the name"',
    )
    hers = submit_as_console(alice, "select a, b from s")
    wait_for_state(console, admin, good, 10, "Succeed")

    # the Succeed job, from the general view
    view = open_view_history(admin, good.task_id, status="Succeed")
    assert "Job with jobId : " in view.log["info"], view.log
    assert view.log["error"] == "", view.log
    assert all(line in view.log["all"] for line in view.log["info"].splitlines()), view.log
    assert code_tab(admin, good.task_id) == good.runs
    diagnosis_tab(admin, good.task_id)
    # the engine-log tab: stdout holds the job's lines, in file order
    stdout = engine_log_tab(admin, view.task, "stdout")
    assert any("Job with jobId : " in line for line in stdout), stdout
    assert stdout == "\n".join(stdout).split("\n")  # one physical line each
    assert engine_log_tab(admin, view.task, "stderr") == []
    # the result tab (viewHistory.vue:196-224; getResult :538-631)
    assert view.task["resultLocation"], view.task
    first = results_of(admin, view.task["resultLocation"])[0]
    result = open_result(admin, first["path"])
    assert [c["columnName"] for c in result["metadata"]] == ["id", "name"], result
    assert len(result["fileContent"]) == result["totalLine"] == 4, result

    # the Failed job
    view = open_view_history(admin, bad.task_id, status="Failed")
    assert "boom" in (view.task["errDesc"] or ""), view.task
    assert "ERROR" in view.log["error"] and "boom" in view.log["error"], view.log
    assert "boom" in view.log["all"] and "Job with jobId : " in view.log["all"], view.log
    assert code_tab(admin, bad.task_id) == bad.runs
    assert "Table missing: check the name" in diagnosis_tab(admin, bad.task_id)

    # alice's job, from admin's manage view: openLog gets proxyUser = the row's executeUser
    view = open_view_history(admin, hers.task_id, status="Succeed", proxy_user="alice")
    assert view.task["executeUser"] == "alice", view.task
    assert "Job with jobId : " in view.log["all"], view.log

    # the log page #/log?taskID= (logPage/index.vue:80-118): {id}/get, then openLog with the
    # path only (:92-95, proxyUser commented out)
    task = console_fetch(admin, f"/jobhistory/{bad.task_id}/get", None, "get")["task"]
    data = console_fetch(admin, "/filesystem/openLog", {"path": task["logPath"]}, "get")
    shown = check_open_log(data)["all"] + "\n"  # :105-111
    assert "boom" in shown
    assert len(shown.split("\n")) > 3  # :113 fromLine, the line count


# ---- 6. result download: components/consoleComponent/toolbar.vue ----------------------------


def expected_csv(result: Mapping[str, Any], separator: str, null_value: str) -> str:
    """The CSV docs/reference/linkis-console.md §7.1 describes: the header, then the rows,
    fields joined by the separator, every line ending in '\\n'; null, 'NULL' and '' written
    as nullValue."""

    def cell(value: object) -> str:
        return null_value if value is None or value in ("", "NULL") else str(value)

    lines = [[column["columnName"] for column in result["metadata"]], *result["fileContent"]]
    return "".join(separator.join(cell(value) for value in line) + "\n" for line in lines)


def test_result_download(console: LocalMock) -> None:
    admin = log_in(console, "admin")
    job = submit_as_console(admin, "select id, name from orders\n--@mock rows=6")
    wait_for_state(console, admin, job, 10, "Succeed")
    # the result tab first (viewHistory.vue:538-608): the result the toolbar downloads
    task = console_fetch(admin, f"/jobhistory/{job.task_id}/get", None, "get")["task"]
    results = results_of(admin, task["resultLocation"])
    current_path = results[0]["path"]
    result = open_result(admin, current_path)

    # toolbar.vue:375-440 downloadConfirm. In viewHistory the route's fileName is '' for an
    # unsaved script (globalHistoryManagement/index.vue:554-560) and script has no fileName
    # nor title, so the name is `Result__<MMDDHHmm>` (:381-388), by the browser's clock.
    stamp = local(clock_ms(console)).strftime("%m%d%H%M")
    filename = f"Result__{stamp}"
    base = f"{page_origin(console)}/api/rest_j/v1/"  # :396

    def download(api_path: str, query: str) -> httpx.Response:
        console_fetch(admin, "/user/heartbeat", None, "get")  # :410, before every download
        reply = browser_get(admin, base + api_path + "?" + query)  # :362-369 `<a href>`
        assert reply.status_code == 200, reply.text
        return reply

    # CSV, UTF-8, NULL, comma (the popup's defaults, :272-277,326-331)
    reply = download(
        "filesystem/resultsetToExcel",
        "charset=utf-8&outputFileType=csv&nullValue=NULL&csvSeparator=%2C"  # :396,401-405
        f"&path={current_path}&outputFileName={filename}",  # :438
    )
    assert reply.headers["content-disposition"] == f"attachment;filename={filename}.csv"
    assert reply.headers["content-type"].startswith("text/plain"), reply.headers
    assert reply.content.decode("utf-8") == expected_csv(result, ",", "NULL")

    # CSV, GBK, empty string for null, semicolon
    reply = download(
        "filesystem/resultsetToExcel",
        "charset=gbk&outputFileType=csv&nullValue=BLANK&csvSeparator=%3B"
        f"&path={current_path}&outputFileName={filename}",
    )
    assert reply.content.decode("gbk") == expected_csv(result, ";", "")

    # Excel of this result set (:406-408 autoFormat, no csvSeparator)
    reply = download(
        "filesystem/resultsetToExcel",
        "charset=utf-8&outputFileType=xlsx&nullValue=NULL&autoFormat=false"
        f"&path={current_path}&outputFileName={filename}",
    )
    assert reply.headers["content-disposition"] == f"attachment;filename={filename}.xlsx"
    assert reply.headers["content-type"].startswith(XLSX_TYPE), reply.headers
    columns = [column["columnName"] for column in result["metadata"]]
    assert read_xlsx(reply.content) == {"result": [columns, *result["fileContent"]]}

    # Excel of all result sets of a SQL script (:392-395): resultsetsToExcel on the directory
    directory = current_path[: current_path.rindex("/")]
    assert directory == task["resultLocation"]
    reply = download(
        "filesystem/resultsetsToExcel",
        "charset=utf-8&outputFileType=xlsx&nullValue=NULL&autoFormat=false"
        f"&path={directory}&outputFileName={filename}",
    )
    assert reply.headers["content-disposition"] == f"attachment;filename={filename}.xlsx"
    sheets = read_xlsx(reply.content)
    assert list(sheets) == [f"resultset{n}" for n in range(len(results))], list(sheets)
    assert sheets["resultset0"] == [columns, *result["fileContent"]]


# ---- 7. job-list export: globalHistoryManagement/index.vue download() ------------------------


def test_job_list_export(console: LocalMock) -> None:
    window = today_window(console)
    admin, alice = log_in(console, "admin"), log_in(console, "alice")
    flags = governance_flags(admin)
    jobs = submit_in_turn(console, admin, [f"select id from t{n}" for n in range(3)])
    hers = submit_as_console(alice, "select a from s")
    wait_for_state(console, admin, jobs[-1], 10, "Succeed")
    url = f"{page_origin(console)}/api/rest_j/v1/jobhistory/download-job-list"  # :462

    def export(page: HistoryPage, language: str) -> list[list[Any]]:
        # index.vue:456-480: fewer than 10000 rows, no confirmation; bare axios, blob
        params = page.get_params()
        params["pageNow"] = 1  # :459-460, the keys keep their place
        params["pageSize"] = 10000
        reply = browser_get(
            admin,
            f"{url}?{axios_query(params)}",
            {"Accept": AXIOS_ACCEPT, "Content-Language": language},  # :466-468
        )
        assert reply.status_code == 200, reply.text
        assert reply.headers["content-type"].startswith(XLSX_TYPE), reply.headers
        assert reply.headers["content-disposition"] == (
            f"attachment;filename=admin_{window[0]}_history.xlsx"
        )
        sheets = read_xlsx(reply.content)
        assert list(sheets) == ["任务信息表"], list(sheets)
        return sheets["任务信息表"]

    rows = export(HistoryPage(flags, SearchBar(window)), "zh-CN")
    assert rows[0] == [h for h in JOB_LIST_HEADERS_ZH if h != "用户"]
    assert [row[0] for row in rows[1:]] == [str(job.task_id) for job in reversed(jobs)]
    for row in rows[1:]:
        assert row[3] == "Succeed", row
        assert row[10] == "IDE/sql/spark", row  # requestApplicationName/runType/engine

    rows = export(HistoryPage(flags, SearchBar(window), admin_model=True), "en")
    assert rows[0] == JOB_LIST_HEADERS_EN
    assert [row[0] for row in rows[1:]] == [
        str(job.task_id) for job in sorted([*jobs, hers], key=lambda j: -j.task_id)
    ]
    assert {row[11] for row in rows[1:]} == {"admin", "alice"}


# ---- 8. logout: apps/linkis/module/header/userMenu.vue --------------------------------------


def test_logout(console: LocalMock) -> None:
    admin = log_in(console, "admin")
    ticket = admin.cookies["linkis_user_session_ticket_id_v1"]
    # userMenu.vue:115-121 logout (apps/linkis/module/header, as dss/module/header):
    # api.fetch('/user/logout', {}) -> POST with the body {}
    console_fetch(admin, "/user/logout", {})
    assert "linkis_user_session_ticket_id_v1" not in admin.cookies  # cleared (Max-Age=0)

    # the next page's call is refused: viewHistory's {id}/get (viewHistory.vue:506)
    body = logged_out(console_reply(admin, "/jobhistory/1/get", None, "get"))
    assert body["message"] == NOT_LOGGED_IN, body
    # the old ticket, sent again, is no session any more
    stale = console.client(cookies={"linkis_user_session_ticket_id_v1": ticket})
    body = logged_out(console_reply(stale, "/jobhistory/1/get", None, "get"))
    assert body["message"] == NOT_LOGGED_IN, body
    # toolbar.vue:410: the heartbeat before a download sends the user to #/login
    logged_out(console_reply(admin, "/user/heartbeat", None, "get"))


# ---- the Global Variables page --------------------------------------------------------------


def test_global_variables_page(console: LocalMock) -> None:
    alice = log_in(console, "alice")
    # globalValiable/index.vue:141-152 getGlobalValiableList (on mount and after a save):
    # api.fetch('/variable/listGlobalVariable', 'get'); it reads res.globalVariables
    assert console_fetch(alice, "/variable/listGlobalVariable", None, "get") == {
        "globalVariables": []
    }
    # :185-190 handleAdd pushes {key: '', value: ''}; the user fills two in and saves
    # (:171-184): api.fetch('/variable/saveGlobalVariable ', {globalVariables: items}), a POST
    # whose URL's trailing space the browser's URL parser strips
    items: list[dict[str, Any]] = [
        {"key": "run_date", "value": "20200101"},
        {"key": "city", "value": "bj"},
    ]
    assert console_fetch(alice, "/variable/saveGlobalVariable", {"globalVariables": items}) == {}
    listed = console_fetch(alice, "/variable/listGlobalVariable", None, "get")["globalVariables"]
    assert listed == [
        {"keyID": 1, "key": "run_date", "valueID": 1, "value": "20200101"},
        {"keyID": 2, "key": "city", "valueID": 2, "value": "bj"},
    ]
    # the next edit sends the list as loaded (:143-145 keeps each item whole), one removed
    # (:191-193 handleRemove) and one changed
    edited = [{**listed[0], "value": "20200102"}]
    console_fetch(alice, "/variable/saveGlobalVariable", {"globalVariables": edited})
    assert console_fetch(alice, "/variable/listGlobalVariable", None, "get") == {
        "globalVariables": [{"keyID": 1, "key": "run_date", "valueID": 1, "value": "20200102"}]
    }
    # the page's variables reach alice's next job, below the job's own
    job = submit_as_console(alice, "select '${run_date}'")
    log = console_fetch(alice, f"entrance/{job.exec_id}/log", {"fromLine": 1, "size": -1}, "get")[
        "log"
    ]
    assert "select '20200102'" in log[3].split("\n")


# ---- CORS: a console dev build whose API root is the mock on another origin -------------------


def test_console_preflight_for_login(console: LocalMock) -> None:
    origin = "http://localhost:8081"
    login = f"{console.base_url}{API_ROOT}user/login"
    # The browser's preflight for login/index.vue:169-174 (Content-Type application/json and
    # webLogin are not CORS-safelisted; Content-language zh-CN is).
    reply = console.http.options(
        login,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,weblogin",
        },
    )
    assert reply.status_code == 200, reply.text
    assert reply.headers["access-control-allow-origin"] == origin, reply.headers
    assert reply.headers["access-control-allow-credentials"] == "true", reply.headers
    methods = {m.strip().upper() for m in reply.headers["access-control-allow-methods"].split(",")}
    assert "POST" in methods, reply.headers
    # with credentials a `*` is no wildcard: the headers must be named
    allowed = {h.strip().lower() for h in reply.headers["access-control-allow-headers"].split(",")}
    assert {"content-type", "weblogin"} <= allowed, reply.headers

    # The login itself, cross-origin with credentials: the reply must name the origin and
    # allow credentials, or the browser hides it and drops the cookie.
    client = console.client(headers={"Origin": origin})
    body = {"userName": "admin", "password": "admin"}
    reply = console_reply(client, "/user/login", body, headers={"webLogin": "true"})
    console_result(reply, "POST /user/login")
    assert reply.headers["access-control-allow-origin"] == origin, reply.headers
    assert reply.headers["access-control-allow-credentials"] == "true", reply.headers
    assert "linkis_user_session_ticket_id_v1=" in reply.headers["set-cookie"], reply.headers
