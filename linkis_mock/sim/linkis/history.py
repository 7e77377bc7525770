"""The job-history service: one job's record, the searches of the history and the
running-jobs lists, the caller's admin roles, a job's code and metrics, its diagnosis,
and the job-list export (docs/reference/linkis-console.md §1-5; QueryRestfulApi.java)."""

from __future__ import annotations

from dataclasses import dataclass

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.sim.linkis import exports
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.entrance_part import EntrancePart
from linkis_mock.sim.linkis.errors import PUBLIC_SERVICE, DownloadError, LinkisError, wrapped_text
from linkis_mock.sim.linkis.history_search import (
    INSTANCE_NAME,
    NAME,
    HistorySearch,
    Page,
    date_window,
    page_of,
    search,
    status_set,
    undone_window,
)
from linkis_mock.sim.linkis.jobs import Job, JobState
from linkis_mock.sim.linkis.messages import (
    DID_NOT_END,
    HISTORY_NOT_FOUND,
    JOB_ID_EMPTY,
    LABEL_VALUE_WRONG,
)
from linkis_mock.sim.linkis.ok import Ok
from linkis_mock.sim.linkis.query_task import brief_task, full_task, job_metrics, stored_code

UNDONE_STATUSES = "Running,Inited,Scheduled"
RETRY_ERROR_CODE = 20503
EXPORT_PAGE_SIZE = 5000  # download-job-list reads pages of this size, two at most


@dataclass(frozen=True, slots=True)
class ListRequest:
    """`jobhistory/list`'s parameters, named as the handler receives them."""

    start_date: int | None = None
    end_date: int | None = None
    status: str | None = None
    page_now: int | None = None
    page_size: int | None = None
    task_id: int | None = None
    execute_application_name: str | None = None
    creator: str | None = None
    proxy_user: str | None = None
    is_admin_view: bool | None = None
    is_dept_view: bool | None = None
    instance: str | None = None
    engine_instance: str | None = None
    run_type: str | None = None


@dataclass(frozen=True, slots=True)
class UndoneRequest:
    """`jobhistory/listundonetasks`' parameters."""

    start_date: int | None = None
    end_date: int | None = None
    status: str | None = None
    page_now: int | None = None
    page_size: int | None = None
    start_task_id: int | None = None
    engine_type: str | None = None
    creator: str | None = None


@dataclass(frozen=True, slots=True)
class Export:
    file_name: str
    content: bytes


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


class History(EntrancePart):
    # ---- one job ------------------------------------------------------------------------

    def job_history(self, task_id: int, caller: Caller, brief: bool) -> Ok[api.JobHistoryData]:
        job = self.store.by_task_id(task_id)
        if job is None or not caller.may_view(
            job.submitted.submit_user, job.submitted.execute_user
        ):
            raise LinkisError(HISTORY_NOT_FOUND)
        now = self.clock.now_ms()
        root = self.settings.result_root
        task = brief_task(job, now, root) if brief else full_task(job, now, root, with_code=False)
        if task["status"] == "Running" and task["errCode"] != RETRY_ERROR_CODE:
            task["errCode"], task["errDesc"] = None, None  # QueryRestfulApi.java:148-153
        return Ok({"task": task})

    def _job_for_details(self, task_id: int, caller: Caller) -> Job | None:
        """The job as job-extra-info and diagnosis-query find it: H any job, D its
        department's, anyone else their own (QueryRestfulApi.java:462-479)."""
        job = self.store.by_task_id(task_id)
        if job is None or caller.history_admin:
            return job
        if caller.department_admin:
            department = self.settings.roles.department_of(job.submitted.submit_user)
            return job if caller.department and department == caller.department else None
        return job if job.submitted.submit_user == caller.user else None

    def extra_info(self, job_id: int | None, caller: Caller) -> Ok[api.JobExtraInfoData]:
        if job_id is None:
            raise LinkisError(JOB_ID_EMPTY)
        job = self._job_for_details(job_id, caller)
        if job is None:
            raise LinkisError(HISTORY_NOT_FOUND)
        now = self.clock.now_ms()
        metrics: api.JobMetricsMap = {
            **job_metrics(job, now),
            "executionCode": stored_code(job, now),
            "runtime": self._runtime(job, now),
        }
        return Ok({"metricsMap": metrics})

    @staticmethod
    def _runtime(job: Job, now: int) -> str:
        if not job.state(now).is_terminal:
            return DID_NOT_END
        seconds_apart = job.timeline.moved_at(now) // 1000 - job.created_ms // 1000
        return exports.duration_en(seconds_apart * 1000)

    def diagnosis(
        self, task_id: str | None, source: str | None, caller: Caller
    ) -> Ok[api.DiagnosisData]:
        if task_id is None or not task_id.strip():
            raise LinkisError(JOB_ID_EMPTY)
        if not task_id.isascii() or not task_id.isdigit():
            raise self.coded(21304, f"Invalid taskID : {task_id}", PUBLIC_SERVICE)
        job = self._job_for_details(int(task_id), caller)
        if job is None or (source or "linkis").strip().lower() == "doctoris":
            return Ok({"diagnosisMsg": ""})
        now = self.clock.now_ms()
        if job.script.diagnosis is not None:
            return Ok({"diagnosisMsg": job.script.diagnosis})
        return Ok({"diagnosisMsg": _diagnosis_of(job, now)})

    # ---- searches -----------------------------------------------------------------------

    def job_list(self, request: ListRequest, caller: Caller) -> Ok[api.JobHistoryListData]:
        now = self.clock.now_ms()
        try:
            query = self._list_query(request, caller, now)
            rows = self._search(query, now)
        except _WrappedError as exc:
            raise LinkisError(exc.text) from None
        page = Page(_or(request.page_now, 1), _or(request.page_size, 20))
        return self._tasks(page_of(rows, page), len(rows), now)

    def undone_tasks(self, request: UndoneRequest, caller: Caller) -> Ok[api.JobHistoryListData]:
        """Always the caller's own jobs (there is no admin view), in the last day by
        default (QueryRestfulApi.java:260-344)."""
        now = self.clock.now_ms()
        creator = None if _blank(request.creator) else request.creator
        if creator is not None and not NAME.match(creator):
            raise LinkisError(f"Invalid creator : {creator}")
        engine = None if _blank(request.engine_type) else request.engine_type
        if engine is not None and not NAME.match(engine):
            raise LinkisError(f"Invalid engienType: {engine}")  # sic
        start, end = undone_window(request.start_date, request.end_date, now)
        status = request.status if not _blank(request.status) else UNDONE_STATUSES
        query = HistorySearch(
            start_ms=start,
            end_ms=end,
            owner=caller.user,
            statuses=status_set(status),
            task_id=request.start_task_id,
            engine=engine,
            creator=creator,
        )
        try:
            self._check_user_creator(query)
        except _WrappedError as exc:  # not caught there: a runtime exception
            raise self.generic("LabelErrorException", exc.text, PUBLIC_SERVICE) from None
        rows = self._search(query, now)
        page = Page(_or(request.page_now, 1), _or(request.page_size, 20))
        return self._tasks(page_of(rows, page), len(rows), now)

    def export(self, request: ListRequest, caller: Caller, english: bool) -> Export:
        """The job-list workbook: pages of 5000, the second appended past 5000 rows
        (QueryRestfulApi.java:503-589). Any failure is an empty reply."""
        now = self.clock.now_ms()
        try:
            query = self._list_query(request, caller, now)
            rows = self._search(query, now)
        except _WrappedError:
            raise DownloadError("") from None
        chosen = rows[: EXPORT_PAGE_SIZE * 2]
        root = self.settings.result_root
        tasks = [full_task(job, now, root, with_code=True) for job in chosen]
        with_user = bool(request.is_admin_view or request.is_dept_view)
        content = exports.job_list_xlsx(tasks, english=english, with_user=with_user)
        start = "null" if request.start_date is None else str(request.start_date)
        return Export(f"{caller.user}_{start}_history.xlsx", content)

    def _list_query(self, request: ListRequest, caller: Caller, now: int) -> HistorySearch:
        """The list's checks, in the real order, and whose jobs it shows
        (QueryRestfulApi.java:680-784)."""
        creator = None if _blank(request.creator) else request.creator
        if creator is not None and not NAME.match(creator):
            raise self._wrapped(21304, f"Invalid creator : {creator}")
        engine = request.execute_application_name
        if _blank(engine):
            engine = None
        elif engine is not None and not NAME.match(engine):
            raise self._wrapped(21304, f"Invalid applicationName : {engine}")
        start, end = date_window(request.start_date, request.end_date, now)
        owner, department = self._whose_jobs(request, caller)
        instance = None if _blank(request.instance) else request.instance
        engine_instance = None if _blank(request.engine_instance) else request.engine_instance
        for value in (instance, engine_instance):
            if value is not None and not INSTANCE_NAME.match(value):
                raise self._wrapped(21304, f"Invalid instances : {value}")
        query = HistorySearch(
            start_ms=start,
            end_ms=end,
            owner=owner,
            department=department,
            statuses=status_set(request.status),
            task_id=request.task_id,
            engine=engine,
            creator=creator,
            instance=instance,
            engine_instance=engine_instance,
            run_type=request.run_type,  # not blanked: "" still needs a codeType label
        )
        self._check_user_creator(query)
        return query

    @staticmethod
    def _whose_jobs(request: ListRequest, caller: Caller) -> tuple[str | None, str | None]:
        """(owner, department): every user's with the admin view, the department's with
        the department view (for anyone: membership is not checked), else one's own."""
        proxy = None if _blank(request.proxy_user) else request.proxy_user
        if caller.history_admin and request.is_admin_view:
            return proxy, None
        if request.is_dept_view:
            return (proxy if caller.department else None), caller.department
        return caller.user, None

    def _check_user_creator(self, query: HistorySearch) -> None:
        """The `user-creator` label value must have exactly two parts
        (JobHistoryQueryServiceImpl.scala:399-407; UserCreatorLabel.java:73-80)."""
        if query.owner is None or query.creator is None:
            return
        if len(f"{query.owner}-{query.creator}".split("-")) != 2:
            raise self._wrapped(25002, LABEL_VALUE_WRONG)

    def _search(self, query: HistorySearch, now: int) -> list[Job]:
        return search(self.store.newest_first(), query, now, self.settings.roles.departments)

    def _tasks(self, jobs: list[Job], total: int, now: int) -> Ok[api.JobHistoryListData]:
        root = self.settings.result_root
        tasks = [full_task(job, now, root, with_code=True) for job in jobs]
        return Ok({"tasks": tasks, "totalPage": total})

    def _wrapped(self, code: int, desc: str) -> _WrappedError:
        return _WrappedError(wrapped_text(code, desc, self.settings.instance, PUBLIC_SERVICE))

    # ---- roles --------------------------------------------------------------------------

    def admin_roles(self, caller: Caller) -> Ok[api.GovernanceStationAdminData]:
        roles = self.settings.roles
        return Ok(
            {
                "admin": caller.governance_admin,
                "historyAdmin": caller.history_admin,
                "deptAdmin": caller.department_admin,
                "canResultSet": roles.can_see_result_sets(caller.user),
                "errorMsgTip": self.settings.console.error_msg_tip,
            }
        )


class _WrappedError(Exception):
    """A coded exception a handler catches and sends on as its message."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _diagnosis_of(job: Job, now: int) -> str:
    """A summary in the spirit of linkis-analyze.sh's output, from the job's state."""
    state = job.state(now)
    err_code, err_desc = job.error_of(now)
    submitted = job.submitted
    head = (
        f"Diagnosis of job {job.ident.task_id} (任务诊断): {state.value}, engine "
        f"{submitted.engine_type}-{submitted.engine_version}, creator {submitted.creator}, "
        f"user {submitted.execute_user}"
    )
    if state is JobState.SUCCEED:
        verdict = "No problem found: the job succeeded.(未发现问题，任务执行成功)"
    elif state is JobState.FAILED:
        verdict = (
            f"The job failed with error code {err_code}: {err_desc}. Check the ERROR lines "
            "of its log.(任务执行失败，请查看日志中的错误信息)"
        )
    elif state.is_terminal:
        verdict = f"The job ended as {state.value}: {err_desc}.(任务未正常结束)"
    else:
        verdict = f"The job is {state.value}: nothing to diagnose yet.(任务尚未结束)"
    return f"{head}\n{verdict}"
