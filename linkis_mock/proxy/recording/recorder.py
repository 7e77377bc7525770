"""The recorder: takes in the proxied exchanges and builds the scenario from them."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, get_args

from linkis_mock.api_types import vias_task as vias_api
from linkis_mock.contract.routes import RouteTable
from linkis_mock.proxy.exchange import Exchange
from linkis_mock.proxy.recording import caps
from linkis_mock.proxy.recording.jobs import build_job, groups, held_ids
from linkis_mock.proxy.recording.records import (
    ACTION,
    ENTRANCE,
    HISTORY,
    OBSERVED,
    JobRecord,
    Point,
    Problem,
    Seen,
    TaskRecord,
    Unmapped,
)
from linkis_mock.proxy.recording.replies import (
    add_page,
    add_point,
    as_columns,
    as_dict,
    as_progress,
    envelope,
    integer,
    iso_ms,
    job_state,
    log_lines,
    stage_info,
    submitted,
    text,
    vias_reply,
)
from linkis_mock.proxy.recording.tasks import build_task
from linkis_mock.sim.clock import LAST_INSTANT_MS
from linkis_mock.sim.linkis.jobs import Job
from linkis_mock.sim.linkis.query_task import RESULT_FILE, task_id_named
from linkis_mock.sim.storage import snapshot
from linkis_mock.sim.vias.service import ALREADY
from linkis_mock.sim.vias.tasks import ViasTask

TASK_STATES: frozenset[str] = frozenset(get_args(vias_api.TaskState))
# A job history record's fields a job is built from (the latest non-null of each).
HISTORY_KEYS = frozenset(
    {
        "umUser",
        "executeUser",
        "requestApplicationName",
        "engineType",
        "runType",
        "executionCode",
        "labels",
        "paramsJson",
        "sourceJson",
        "createdTime",
        "resultLocation",
        "instance",
    }
)
# ShowTaskInfo's fields that are a task's definition (what create and update send).
SPEC_KEYS = ("name", "description", "input", "output", "config", "schedule", "service_version")


# ---- the recorder ---------------------------------------------------------------------------


class Recorder:
    """Watches the proxied exchanges and keeps what a scenario needs (thread-safe)."""

    def __init__(self, routes: RouteTable) -> None:
        self._routes = routes
        self._lock = threading.Lock()
        self._start: int | None = None
        self._jobs: list[JobRecord] = []
        self._by_exec: dict[str, JobRecord] = {}
        self._by_task: dict[int, JobRecord] = {}
        self._by_result: dict[str, JobRecord] = {}
        self._tasks: dict[str, TaskRecord] = {}
        self._sessions: OrderedDict[str, str] = OrderedDict()
        self._problems: dict[tuple[str, str], Problem] = {}
        self._problems_dropped = 0
        self._lines = 0
        self._handlers: dict[str, Callable[[Seen], None]] = {
            "submit": self._on_submit,
            "execute": self._on_submit,
            "getStatus": self._on_status,
            "getProgress": self._on_progress,
            "getProgressWithResource": self._on_progress,
            "getLog": self._on_log,
            "kill": self._on_kill,
            "killJobs": self._on_kill_jobs,
            "login": self._on_login,
            "getJobHistory": self._on_history_get,
            "listJobHistory": self._on_history_list,
            "listUndoneTasks": self._on_history_list,
            "getDirFileTrees": self._on_dir_file_trees,
            "openFile": self._on_open_file,
            "createTask": self._on_create_task,
            "showTaskInfo": self._on_show_task,
            "listTasks": self._on_list_tasks,
            "updateTask": self._on_update_task,
            "deleteTask": self._on_delete_task,
            "startStopTask": self._on_start_stop_task,
        }

    # ---- public API -------------------------------------------------------------------

    def observe(self, exchange: Exchange) -> None:
        """Take in one exchange; never raises (what it cannot use goes to `unmapped`)."""
        try:
            seen: Seen | str = self._parse(exchange)
        except Exception as exc:  # an odd exchange must not break the proxy
            seen = f"could not be read ({type(exc).__name__})"
        with self._lock:
            start = exchange.started_ms
            self._start = start if self._start is None else min(self._start, start)
            if isinstance(seen, str):
                self._problem(exchange, f"{exchange.api} {exchange.method}", seen)
                return
            try:
                self._dispatch(seen)
            except Exception as exc:  # a reply of a shape no handler expects
                self._problem(exchange, seen.operation_id, f"not understood ({exc!r:.80})")

    def scenario(self) -> dict[str, Any]:
        """A snapshot document that `PUT /__admin/snapshot` and `serve --scenario` accept."""
        with self._lock:
            document, _ = self._build()
        return document

    def unmapped(self) -> list[str]:
        """What was seen but could not be put in the scenario, one readable line each."""
        with self._lock:
            _, notes = self._build()
            lines = [
                f"{label}: {reason} ({p.count}x, the first at {self._rel(p.first_at)}: {p.where})"
                for (label, reason), p in self._problems.items()
            ]
            if self._problems_dropped:
                lines.append(f"{self._problems_dropped} more exchange(s) of other kinds")
        return [*lines, *notes]

    # ---- taking an exchange in ------------------------------------------------------------

    def _parse(self, exchange: Exchange) -> Seen | str:
        """The exchange parsed, or why it cannot be (outside the lock: JSON costs)."""
        route = self._routes.route(exchange.path)
        operation = route.operations.get(exchange.method) if route is not None else None
        if route is None or operation is None:
            return "no operation of the specs"
        return Seen(
            exchange,
            operation.operation_id,
            route.path_parameters(exchange.path) or {},
            exchange.request_json(),
            exchange.reply_json(),
        )

    def _dispatch(self, seen: Seen) -> None:
        handler = self._handlers.get(seen.operation_id)
        if handler is None:
            reason = "not part of a scenario (the mock answers it from its own state)"
            self._problem(seen.exchange, seen.operation_id, reason)
            return
        try:
            handler(seen)
        except Unmapped as exc:
            self._problem(seen.exchange, seen.operation_id, str(exc))

    def _problem(self, exchange: Exchange, label: str, reason: str) -> None:
        key = (label, reason)
        found = self._problems.get(key)
        if found is not None:
            found.count += 1
        elif len(self._problems) < caps.MAX_PROBLEM_KINDS:
            where = f"{exchange.method} {exchange.path[:200]}"
            self._problems[key] = Problem(1, exchange.started_ms, where)
        else:
            self._problems_dropped += 1

    def _rel(self, at: int) -> str:
        return f"+{(at - (self._start or at)) / 1000:.3f}s"

    # ---- finding a job ----------------------------------------------------------------------

    def _job(self, exec_id: str | None, task_id: int | None) -> JobRecord:
        """The job these ids name, made known under both (or new)."""
        by_exec = self._by_exec.get(exec_id) if exec_id else None
        by_task = self._by_task.get(task_id) if task_id is not None else None
        if by_exec is not None and by_exec.task_id not in (None, task_id) and task_id:
            task_id, by_task = None, None  # a taskID that names another job: not this one's
        job = by_exec or by_task
        if job is None:
            if len(self._jobs) >= caps.MAX_JOBS:
                raise Unmapped(f"more than {caps.MAX_JOBS} jobs seen: this one is not recorded")
            job = JobRecord()
            self._jobs.append(job)
        elif by_exec is not None and by_task is not None and by_exec is not by_task:
            self._merge(by_exec, by_task)
        self._name(job, exec_id, task_id)
        return job

    def _name(self, job: JobRecord, exec_id: str | None, task_id: int | None) -> None:
        if exec_id and job.exec_id is None:
            job.exec_id = exec_id
            self._by_exec[exec_id] = job
        if task_id is not None and job.task_id is None:
            job.task_id = task_id
            self._by_task[task_id] = job

    def _merge(self, keep: JobRecord, gone: JobRecord) -> None:
        keep.absorb(gone)
        keep.task_id = keep.task_id if keep.task_id is not None else gone.task_id
        keep.exec_id = keep.exec_id or gone.exec_id
        self._jobs.remove(gone)
        for index in (self._by_exec, self._by_result):
            for key in [k for k, v in index.items() if v is gone]:
                index[key] = keep
        if gone.task_id is not None:
            self._by_task[gone.task_id] = keep

    def _caller(self, exchange: Exchange) -> str | None:
        """Who sent a Linkis request: its token user, or the login of its cookie."""
        if exchange.request_header("token-code") and exchange.request_header("token-user"):
            return exchange.request_header("token-user")
        for pair in (exchange.request_header("cookie") or "").split(";"):
            user = self._sessions.get(pair.strip())
            if user is not None:
                return user
        return None

    # ---- Linkis operations ------------------------------------------------------------------

    def _on_submit(self, seen: Seen) -> None:
        data = envelope(seen)
        exec_id, task_id = text(data.get("execID")), integer(data.get("taskID"))
        if task_id is None:
            raise Unmapped("submit reply without a taskID")
        if not isinstance(seen.request, dict):
            raise Unmapped("submit request body is not a JSON object")
        job = self._job(exec_id, task_id)
        job.looks.look(seen.at)
        job.submitted = submitted(seen.request, seen.at, self._caller(seen.exchange))

    def _on_status(self, seen: Seen) -> None:
        data = envelope(seen)
        state = job_state(data.get("status"))
        job = self._job(seen.params.get("id"), integer(seen.query("taskID")))
        floor = job.looks.look(seen.at)
        job.states.see(seen.at, state, floor=floor, hint=None, source=ENTRANCE)

    def _on_progress(self, seen: Seen) -> None:
        data = envelope(seen)
        value = data.get("progress")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise Unmapped(f"progress {value!r} is not a number from 0 to 1")
        info = stage_info(data.get("progressInfo"))
        job = self._job(seen.params.get("id"), None)
        floor = job.looks.look(seen.at)
        add_point(job, Point(seen.at, seen.at, floor, float(value), True, info))

    def _on_log(self, seen: Seen) -> None:
        data = envelope(seen)
        asked = integer(seen.query("fromLine") or "0")
        returned = integer(data.get("fromLine"))
        if asked is None or returned is None:
            raise Unmapped("log chunk without a readable fromLine")
        start, read = max(asked, 1) - 1, returned - max(asked, 0)
        shown = log_lines(data.get("log"))
        if read < len(shown):
            raise Unmapped(f"log chunk of {len(shown)} lines says it read {read}")
        job = self._job(seen.params.get("id"), None)
        job.looks.look(seen.at)
        if self._lines >= caps.MAX_LINES:
            job.note(f"log lines past the cap of {caps.MAX_LINES} over all jobs are not kept")
            return
        self._lines += job.log.add(start, shown, read, seen.at)
        if job.log.full:
            job.note(f"log lines past the cap of {caps.MAX_LINES_PER_JOB} per job are not kept")

    def _on_kill(self, seen: Seen) -> None:
        envelope(seen)
        job = self._job(seen.params.get("id"), integer(seen.query("taskID")))
        job.killed = True

    def _on_kill_jobs(self, seen: Seen) -> None:
        messages = envelope(seen).get("messages")
        ids = as_dict(seen.request).get("idList")
        if not isinstance(messages, list) or not isinstance(ids, list):
            raise Unmapped("killJobs without idList or messages")
        for exec_id, item in zip(ids, messages, strict=False):
            if isinstance(exec_id, str) and as_dict(item).get("status") == 0:
                self._job(exec_id, None).killed = True

    def _on_login(self, seen: Seen) -> None:
        data = envelope(seen)
        user = text(data.get("userName")) or text(as_dict(seen.request).get("userName"))
        for name, value in seen.exchange.reply_headers:
            if name == "set-cookie" and user:
                self._sessions[value.split(";", 1)[0].strip()] = user
        while len(self._sessions) > caps.MAX_SESSIONS:
            self._sessions.popitem(last=False)

    def _on_history_get(self, seen: Seen) -> None:
        record = as_dict(envelope(seen).get("task"))
        if not record:
            raise Unmapped("job history reply without a task")
        self._history(record, seen.at)

    def _on_history_list(self, seen: Seen) -> None:
        records = envelope(seen).get("tasks")
        if not isinstance(records, list):
            raise Unmapped("job history list without tasks")
        problems = []
        for record in records:
            try:
                self._history(as_dict(record), seen.at)
            except Unmapped as exc:
                problems.append(str(exc))
        if problems:
            raise Unmapped(problems[0])

    def _history(self, record: dict[str, Any], at: int) -> None:
        task_id = integer(record.get("taskID"))
        if task_id is None:
            raise Unmapped("job history record without a taskID")
        state = job_state(record.get("status"))
        job = self._job(text(record.get("strongerExecId")), task_id)
        floor = job.looks.look(at)
        hint = integer(record.get("updatedTime"))
        job.states.see(at, state, floor=floor, hint=hint, source=HISTORY)
        progress = as_progress(record.get("progress"))
        if progress is not None:
            add_point(job, Point(at, at, floor, progress, False, None))
        job.history.update({k: v for k, v in record.items() if k in HISTORY_KEYS and v is not None})
        job.history_error = (at, record.get("errCode"), record.get("errDesc"))
        location = text(record.get("resultLocation"))
        if location:
            self._by_result[location.rstrip("/")] = job

    def _result_job(self, directory: str) -> JobRecord:
        directory = directory.rstrip("/")
        job = self._by_result.get(directory)
        task_id = task_id_named(directory.rsplit("/", 1)[-1])
        job = job or (self._by_task.get(task_id) if task_id is not None else None)
        if job is None:
            raise Unmapped("no job seen with this result directory")
        return job

    def _on_dir_file_trees(self, seen: Seen) -> None:
        tree = envelope(seen).get("dirFileTrees")
        if tree is None:
            return  # no result (yet): the mock answers the same for a job not succeeded
        children = as_dict(tree).get("children")
        if not isinstance(children, list):
            raise Unmapped("result directory tree without children")
        job = self._result_job(seen.query("path") or "")
        job.result.files = tuple(str(as_dict(child).get("name")) for child in children)

    def _on_open_file(self, seen: Seen) -> None:
        data = envelope(seen)
        if data.get("type") != "2":
            raise Unmapped(f"result file of type {data.get('type')!r}: the mock serves tables")
        columns = as_columns(data.get("metadata"))
        rows = data.get("fileContent")
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise Unmapped("result page without a table of rows")
        directory, _, name = (seen.query("path") or "").rpartition("/")
        job = self._result_job(directory)
        if name != RESULT_FILE:
            job.note(f"result file {name} is not the one file the mock serves ({RESULT_FILE})")
        page = max(integer(seen.query("page") or "1") or 1, 1)
        size = max(integer(seen.query("pageSize") or "5000") or 5000, 1)
        add_page(job.result, columns, rows, (page - 1) * size)

    # ---- VIAS operations --------------------------------------------------------------------

    def _task(self, seen: Seen, task_id: str | None = None) -> TaskRecord:
        task_id = task_id or seen.params.get("task_id") or ""
        task = self._tasks.get(task_id)
        if task is None:
            if len(self._tasks) >= caps.MAX_TASKS:
                raise Unmapped(
                    f"more than {caps.MAX_TASKS} VIAS tasks seen: this one is not recorded"
                )
            task = TaskRecord(task_id, seen.params.get("project_id", ""), seen.at)
            self._tasks[task_id] = task
        return task

    def _on_create_task(self, seen: Seen) -> None:
        tasks = as_dict(vias_reply(seen)).get("tasks")
        task_id = text(as_dict(tasks[0]).get("id")) if isinstance(tasks, list) and tasks else None
        if task_id is None or not isinstance(seen.request, dict):
            raise Unmapped("create without a task id in the reply or a JSON body")
        task = self._task(seen, task_id)
        task.service_name = seen.params.get("service_name")
        task.spec, task.created_ms, task.edited_ms = dict(seen.request), seen.at, seen.at
        floor = task.looks.look(seen.at)
        task.states.see(seen.at, "PENDING", floor=floor, hint=None, source=ACTION)

    def _on_show_task(self, seen: Seen) -> None:
        info = as_dict(vias_reply(seen))
        task = self._task(seen)
        task.service_name = task.service_name or text(info.get("service_name"))
        if task.spec is None:
            task.spec = {k: info[k] for k in SPEC_KEYS if info.get(k) is not None}
        task.created_ms = task.created_ms or iso_ms(info.get("created_at"))
        self._task_state(task, seen.at, info.get("state"), iso_ms(info.get("updated_at")))

    def _on_list_tasks(self, seen: Seen) -> None:
        listed = as_dict(vias_reply(seen)).get("tasks")
        if not isinstance(listed, list):
            raise Unmapped("task list without tasks")
        for item in map(as_dict, listed):
            task_id = text(item.get("id"))
            if task_id is None:
                raise Unmapped("listed task without an id")
            task = self._task(seen, task_id)
            if task.spec is None and text(item.get("name")):
                task.spec = {"name": item["name"]}
            task.created_ms = task.created_ms or integer(item.get("created_at"))
            self._task_state(task, seen.at, item.get("state"), None)

    def _task_state(self, task: TaskRecord, at: int, state: Any, hint: int | None) -> None:
        if state not in TASK_STATES:
            raise Unmapped(f"task state {state!r} is not one of the spec's")
        floor = task.looks.look(at)
        task.states.see(at, str(state), floor=floor, hint=hint, source=OBSERVED)

    def _on_update_task(self, seen: Seen) -> None:
        vias_reply(seen)
        if not isinstance(seen.request, dict):
            raise Unmapped("update without a JSON body")
        task = self._task(seen)
        version = (task.spec or {}).get("service_version")
        task.spec, task.edited_ms = {**seen.request, "service_version": version}, seen.at
        task.looks.look(seen.at)

    def _on_delete_task(self, seen: Seen) -> None:
        vias_reply(seen)
        task = self._task(seen)
        task.deleted_at = seen.at
        floor = task.looks.look(seen.at)
        task.states.see(seen.at, "DELETING", floor=floor, hint=None, source=ACTION)

    def _on_start_stop_task(self, seen: Seen) -> None:
        vias_reply(seen)
        command = seen.params.get("command")
        task = self._task(seen)
        floor = task.looks.look(seen.at)
        settled = next((states for name, states in ALREADY.items() if name == command), None)
        if settled is None:
            raise Unmapped(f"unknown command {command!r}")
        if task.states.latest() not in settled:  # a repeat changes nothing
            begun = "STARTING" if command == "start" else "STOPPING"
            task.states.see(seen.at, begun, floor=floor, hint=None, source=ACTION)

    # ---- building the scenario --------------------------------------------------------------

    def _build(self) -> tuple[dict[str, Any], list[str]]:
        notes: list[str] = []
        jobs = self._built_jobs(notes)
        tasks = self._built_tasks(notes)
        held = held_ids(jobs, notes)
        document = {
            "version": snapshot.VERSION,
            "clock": {"nowMs": self._now(), "frozen": False, "speed": 1.0},
            "counters": {
                "lastTaskId": max((job.ident.task_id for job in jobs), default=0),
                "groups": groups(jobs),
                "tasksCreated": len(tasks),
            },
            "jobs": [snapshot.job_to_json(job, id(job) in held) for job in jobs],
            "tasks": [snapshot.task_to_json(task) for task in tasks],
            "sessions": [],
        }
        return document, notes

    def _now(self) -> int:
        """The scenario's clock: the first exchange (now, if none was seen)."""
        if self._start is None:
            return int(datetime.now(tz=UTC).timestamp() * 1000)
        return min(max(self._start, 0), LAST_INSTANT_MS)

    def _built_jobs(self, notes: list[str]) -> list[Job]:
        jobs = []
        for record in self._jobs:
            job, found = build_job(record, self._now())
            notes.extend(f"{record.label}: {text}" for text in found)
            if job is not None:
                jobs.append(job)
        return sorted(jobs, key=lambda job: -job.ident.task_id)

    def _built_tasks(self, notes: list[str]) -> list[ViasTask]:
        records = sorted(self._tasks.values(), key=lambda t: t.created_ms or t.first_seen)
        tasks: list[ViasTask] = []
        for record in records:
            task, found = build_task(record, len(tasks) + 1)
            notes.extend(f"VIAS task {record.id}: {text}" for text in found)
            if task is not None:
                tasks.append(task)
        return tasks
