"""The Huawei Cloud VIAS task API over real HTTP (docs/reference/vias-task.md,
openapi/vias-task.yaml).

Every request goes through `Vias.call`, which checks what every VIAS response
must carry: an `X-Request-Id` of 32 lowercase hex characters, a JSON body
(never problem+json) and never a 5xx. The simulated clock is frozen by the
`mock` fixture and only moves through the admin clock (`Vias.advance`).
"""

from __future__ import annotations

import copy
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from linkis_mock.testing import Mock

PROJECT = "0123456789abcdef0123456789abcdef"
OTHER_PROJECT = "fedcba9876543210fedcba9876543210"
TOKEN = "vias-dev-token"
OTHER_TOKEN = "vias-other-token"
SERVICE = "c-intrusion-detection-cloud"
UNKNOWN_TASK = "0" * 32

REQUEST_ID = re.compile(r"[0-9a-f]{32}")
TASK_ID = re.compile(r"[0-9a-f]{32}")
ISO_MS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
EPOCH_MS = re.compile(r"[0-9]+")
ERROR_KEYS = {"error_code", "error_msg", "detail", "params", "reason", "advice"}
GATEWAY_KEYS = {"error_msg", "error_code", "request_id"}

TOKEN_MISSING = "Incorrect IAM authentication information: x-auth-token not found"
TOKEN_UNKNOWN = "Incorrect IAM authentication information: decrypt token fail"
NO_API = "The API does not exist or has not been published in the environment."

STATUS_TEXT = {
    "PENDING": "Waiting for available computing resource.",
    "STARTING": "The task is starting.",
    "RUNNING": "The task is running.",
    "STOPPING": "The task is stopping.",
    "STOPPED": "The task is stopped.",
}

CREATE_BODY: dict[str, Any] = {
    "name": "gate-cam-1",
    "description": "Intrusion detection at the north gate.",
    "input": {"type": "video_source", "data": [{"video_source_id": "vs-0001"}]},
    "output": {"webhook": {"url": "http://127.0.0.1:9000/hook", "headers": {"a": "a"}}},
    "config": {"common": {}},
    "service_version": "1.1",
    "is_saved_as_template": False,
}
UPDATE_BODY: dict[str, Any] = {
    "name": "gate-cam-1-night",
    "input": {"type": "obs", "data": [{"bucket": "vias-input", "path": "night/gate-1/"}]},
    "output": {"dis": {"stream_name": "vias-events"}},
}

# Each operation: method, path template, JSON body.
OPERATIONS: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "create": ("POST", "/{project}/services/" + SERVICE + "/tasks", CREATE_BODY),
    "list": ("GET", "/{project}/tasks", None),
    "show": ("GET", "/{project}/tasks/{task}", None),
    "update": ("PUT", "/{project}/tasks/{task}", UPDATE_BODY),
    "delete": ("DELETE", "/{project}/tasks/{task}", None),
    "start": ("PUT", "/{project}/tasks/{task}/action/start", None),
    "stop": ("PUT", "/{project}/tasks/{task}/action/stop", None),
}
TASK_OPERATIONS = ["show", "update", "delete", "start", "stop"]


@dataclass(frozen=True)
class ErrorKind:
    status: int
    code: str
    message: str
    reason: str
    advice: str


INVALID = ErrorKind(
    400,
    "VIAS.00010001",
    "The parameters are invalid.",
    "Invalid parameter.",
    "Ensure that the input parameters are valid.",
)
NOT_ALLOWED = ErrorKind(
    400,
    "VIAS.00010004",
    "The object or parameter is invalid.",
    "The object or parameter is invalid.",
    "Confirm the format of the object or parameter.",
)
FORBIDDEN = ErrorKind(
    403,
    "VIAS.00010005",
    "Authorization failed.",
    "Authorization failed.",
    "Check user permissions.",
)
NO_TASK = ErrorKind(
    400,
    "VIAS.00010007",
    "No task is found based on the task ID.",
    "No task is found based on the task ID.",
    "Check your task ID.",
)


# ---------------------------------------------------------------------------- helpers


def done(task_id: str) -> dict[str, Any]:
    """The mock's reply to update, delete, start and stop."""
    return {"id": task_id, "status_code": 200, "status_msg": "success"}


def iso(at_ms: int) -> str:
    stamp = datetime.fromtimestamp(at_ms // 1000, tz=UTC)
    return f"{stamp:%Y-%m-%dT%H:%M:%S}.{at_ms % 1000:03d}Z"


def ok(reply: httpx.Response) -> Any:
    assert reply.status_code == 200, reply.text
    return reply.json()


def expect_error(
    reply: httpx.Response,
    kind: ErrorKind,
    *,
    detail: str | None = None,
    params: list[str] | None = None,
) -> dict[str, Any]:
    """The six-field VIAS error body of `kind`; `params` holds at most one item."""
    assert reply.status_code == kind.status, reply.text
    body: dict[str, Any] = reply.json()
    assert set(body) == ERROR_KEYS, body
    assert body["error_code"] == kind.code, body
    assert body["error_msg"] == kind.message, body
    assert body["reason"] == kind.reason, body
    assert body["advice"] == kind.advice, body
    assert isinstance(body["detail"], str), body
    assert isinstance(body["params"], list), body
    assert len(body["params"]) <= 1, body
    assert all(isinstance(p, str) for p in body["params"]), body
    if detail is not None:
        assert body["detail"] == detail, body
    if params is not None:
        assert body["params"] == params, body
    return body


def expect_gateway(reply: httpx.Response, status: int, code: str, message: str) -> None:
    """The API gateway's three-field body, whose request_id is the header's."""
    assert reply.status_code == status, reply.text
    assert reply.json() == {
        "error_msg": message,
        "error_code": code,
        "request_id": reply.headers["X-Request-Id"],
    }


def expect_not_found(reply: httpx.Response, task_id: str) -> None:
    expect_error(reply, NO_TASK, detail=f"task {task_id} not found", params=["task_id"])


class Vias:
    """A VIAS client over real HTTP that checks what every response must carry."""

    def __init__(self, mock: Mock, client: httpx.Client, admin: httpx.Client) -> None:
        self.mock = mock
        self.client = client
        self.admin_client = admin
        self.request_ids: list[str] = []

    def call(
        self,
        method: str,
        path: str,
        *,
        token: str | None = TOKEN,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        sent = dict(headers or {})
        if token is not None:
            sent["X-Auth-Token"] = token
        reply = self.client.request(method, path, headers=sent, **kwargs)
        request_id = reply.headers.get("X-Request-Id", "")
        assert REQUEST_ID.fullmatch(request_id), (method, path, dict(reply.headers))
        assert reply.status_code < 500, reply.text
        assert reply.headers.get("Content-Type") == "application/json", dict(reply.headers)
        self.request_ids.append(request_id)
        return reply

    def op(
        self,
        name: str,
        *,
        project: str = PROJECT,
        task_id: str = UNKNOWN_TASK,
        token: str | None = TOKEN,
    ) -> httpx.Response:
        method, template, body = OPERATIONS[name]
        path = template.format(project=project, task=task_id)
        if body is None:
            return self.call(method, path, token=token)
        return self.call(method, path, token=token, json=body)

    def create(
        self,
        body: dict[str, Any] | None = None,
        *,
        name: str | None = None,
        project: str = PROJECT,
        token: str = TOKEN,
    ) -> str:
        spec = copy.deepcopy(body if body is not None else CREATE_BODY)
        if name is not None:
            spec["name"] = name
        reply = self.call("POST", f"/{project}/services/{SERVICE}/tasks", token=token, json=spec)
        created = ok(reply)
        task_id = created["tasks"][0]["id"]
        assert created == {"tasks": [{"id": task_id}]}
        assert TASK_ID.fullmatch(task_id), created
        return str(task_id)

    def show(self, task_id: str, *, project: str = PROJECT, token: str = TOKEN) -> dict[str, Any]:
        task: dict[str, Any] = ok(self.call("GET", f"/{project}/tasks/{task_id}", token=token))
        return task

    def state(self, task_id: str) -> str:
        return str(self.show(task_id)["state"])

    def tasks(
        self, *, project: str = PROJECT, token: str = TOKEN, **params: str | int
    ) -> dict[str, Any]:
        return self.page(project, token, params)

    def page(self, project: str, token: str, params: dict[str, str | int]) -> dict[str, Any]:
        page: dict[str, Any] = ok(self.call("GET", f"/{project}/tasks", token=token, params=params))
        return page

    def names(self, **params: str | int) -> list[str]:
        return [task["name"] for task in self.page(PROJECT, TOKEN, params)["tasks"]]

    def act(self, task_id: str, command: str, **kwargs: Any) -> httpx.Response:
        return self.call("PUT", f"/{PROJECT}/tasks/{task_id}/action/{command}", **kwargs)

    def clock(self, method: str = "GET", path: str = "/clock", **kwargs: Any) -> dict[str, Any]:
        """The admin API (as `mock.admin`, on a kept-alive connection)."""
        reply = self.admin_client.request(method, path, **kwargs)
        assert reply.status_code == 200, reply.text
        clock: dict[str, Any] = reply.json()
        return clock

    def now(self) -> int:
        return int(self.clock()["now"])

    def advance(self, seconds: float) -> None:
        self.clock("POST", "/clock/advance", json={"seconds": seconds})


@pytest.fixture(scope="session")
def clients(running_mock: Mock) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """Kept-alive connections for the whole session (a new client costs ~20 ms)."""
    with (
        running_mock.client("/v2") as client,
        running_mock.client("/__admin") as admin,
    ):
        yield client, admin


@pytest.fixture
def vias(mock: Mock, clients: tuple[httpx.Client, httpx.Client]) -> Iterator[Vias]:
    api = Vias(mock, *clients)
    yield api
    assert len(set(api.request_ids)) == len(api.request_ids), "an X-Request-Id was repeated"


# ---------------------------------------------------------------------------- 1. operations


def test_every_operation_succeeds_with_the_documented_body(vias: Vias) -> None:
    created_ms = vias.now()
    task_id = vias.create()

    service_id = vias.show(task_id)["service_id"]
    assert str(uuid.UUID(service_id)) == service_id
    assert vias.show(task_id) == {
        "id": task_id,
        "name": "gate-cam-1",
        "description": "Intrusion detection at the north gate.",
        "creator": "vias-user",
        "project_id": PROJECT,
        "service_id": service_id,
        "service_name": SERVICE,
        "service_version": "1.1",
        "state": "PENDING",
        "status": "Waiting for available computing resource.",
        "created_at": iso(created_ms),
        "updated_at": iso(created_ms),
        "input": CREATE_BODY["input"],
        "output": CREATE_BODY["output"],
        "config": {"common": {}},
        "company": "Huawei",
        "video_source_name": "vs-0001",
        "type": "0",
    }

    page = vias.tasks()
    publish_id = page["tasks"][0]["algorithm_publish_id"]
    assert str(uuid.UUID(publish_id)) == publish_id
    assert page == {
        "count": 1,
        "page": 1,
        "page_size": 10,
        "tasks": [
            {
                "id": task_id,
                "name": "gate-cam-1",
                "service_id": service_id,
                "created_at": str(created_ms),
                "state": "PENDING",
                "video_source_name": "vs-0001",
                "title": "gate-cam-1",
                "type": "0",
                "algorithm_publish_id": publish_id,
            }
        ],
    }

    assert ok(vias.op("update", task_id=task_id)) == done(task_id)
    assert ok(vias.op("stop", task_id=task_id)) == done(task_id)
    vias.advance(1)
    assert ok(vias.op("start", task_id=task_id)) == done(task_id)
    assert ok(vias.op("delete", task_id=task_id)) == done(task_id)
    assert vias.tasks() == {"count": 0, "page": 1, "page_size": 10, "tasks": []}


def test_tasks_of_one_service_share_its_ids(vias: Vias) -> None:
    first, second = vias.create(name="a-1"), vias.create(name="a-2")
    assert first != second
    assert vias.show(first)["service_id"] == vias.show(second)["service_id"]
    ids = {(t["service_id"], t["algorithm_publish_id"]) for t in vias.tasks()["tasks"]}
    assert len(ids) == 1


def test_every_kind_of_response_carries_its_own_request_id(vias: Vias) -> None:
    task_id = vias.create()
    replies = [
        vias.op("list"),
        vias.op("show", task_id=task_id),
        vias.op("update", task_id=task_id),
        vias.op("stop", task_id=task_id),
        vias.op("start", task_id=task_id),  # STOPPING: 400 VIAS.00010004
        vias.op("show", task_id=UNKNOWN_TASK),  # 400 VIAS.00010007
        vias.op("show", task_id="abc"),  # 400 VIAS.00010001
        vias.op("list", project=OTHER_PROJECT),  # 403
        vias.op("list", token=None),  # 401
        vias.op("list", token="nope"),  # 401
        vias.call("GET", "/nothing/here"),  # 404
        vias.op("delete", task_id=task_id),
    ]
    statuses = [reply.status_code for reply in replies]
    assert statuses == [200, 200, 200, 200, 400, 400, 400, 403, 401, 401, 404, 200]
    ids = [reply.headers["X-Request-Id"] for reply in replies]
    assert all(REQUEST_ID.fullmatch(i) for i in ids)
    assert len(set(ids)) == len(ids)
    for reply in replies[8:11]:
        assert reply.json()["request_id"] == reply.headers["X-Request-Id"]


def test_the_same_request_twice_gets_two_request_ids(vias: Vias) -> None:
    first, second = vias.op("list", token=None), vias.op("list", token=None)
    assert first.json()["request_id"] != second.json()["request_id"]
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]


SCHEDULED_BODY: dict[str, Any] = {
    "name": "parking-lot-2",
    "input": {"type": "obs", "data": [{"bucket": "vias-input", "path": "parking/lot-2/"}]},
    "output": {"obs": {"bucket": "vias-results", "path": "parking/"}, "event_center": True},
    "service_version": "1.1",
    "schedule": {
        "type": "weekly",
        "periods": [{"days": [1, 2, 3, 4, 5], "start_time": "08:00", "end_time": "18:00"}],
    },
    "resource_order_id": "ro-0001",
}


def test_create_keeps_schedule_and_outputs_as_sent(vias: Vias) -> None:
    created_ms = vias.now()
    task_id = vias.create(SCHEDULED_BODY)
    task = vias.show(task_id)
    service_id = task["service_id"]
    assert task == {
        "id": task_id,
        "name": "parking-lot-2",
        "creator": "vias-user",
        "project_id": PROJECT,
        "service_id": service_id,
        "service_name": SERVICE,
        "service_version": "1.1",
        "state": "PENDING",
        "status": "Waiting for available computing resource.",
        "created_at": iso(created_ms),
        "updated_at": iso(created_ms),
        "input": SCHEDULED_BODY["input"],
        "output": SCHEDULED_BODY["output"],
        "schedule": SCHEDULED_BODY["schedule"],
        "company": "Huawei",
        "video_source_name": "parking/lot-2/",
        "type": "0",
    }


def test_create_keeps_algorithm_settings_and_unicode_names(vias: Vias) -> None:
    config = {"common": {"fps": 5}, "intrusion": {"zones": [[0, 0, 1, 1]]}}
    body = {**CREATE_BODY, "name": "北门摄像头_1", "config": config}
    reply = vias.call(
        "POST",
        f"/{PROJECT}/services/{SERVICE}/tasks",
        headers={"Content-Type": "application/json;charset=UTF-8"},
        content=json.dumps(body, ensure_ascii=False).encode(),
    )
    task_id = ok(reply)["tasks"][0]["id"]
    task = vias.show(task_id)
    assert (task["name"], task["config"]) == ("北门摄像头_1", config)
    assert vias.names(task_name="北门") == ["北门摄像头_1"]
    assert vias.tasks()["tasks"][0]["title"] == "北门摄像头_1"


# ---------------------------------------------------------------------------- 2. auth


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_no_token_gets_the_gateway_401(vias: Vias, operation: str) -> None:
    task_id = vias.create()
    before = vias.show(task_id)
    expect_gateway(
        vias.op(operation, task_id=task_id, token=None), 401, "APIGW.0301", TOKEN_MISSING
    )
    assert vias.show(task_id) == before
    assert vias.tasks()["count"] == 1


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_unknown_token_gets_the_gateway_401(vias: Vias, operation: str) -> None:
    task_id = vias.create()
    before = vias.show(task_id)
    reply = vias.op(operation, task_id=task_id, token="MIIFAKE-TOKEN-abc123")
    expect_gateway(reply, 401, "APIGW.0301", TOKEN_UNKNOWN)
    assert vias.show(task_id) == before
    assert vias.tasks()["count"] == 1


def test_blank_token_counts_as_missing(vias: Vias) -> None:
    expect_gateway(vias.op("list", token=""), 401, "APIGW.0301", TOKEN_MISSING)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/bad!project/tasks", None),
        ("GET", f"/{PROJECT}/tasks/abc", None),
        ("PUT", f"/{PROJECT}/tasks/{UNKNOWN_TASK}/action/stopp", None),
        ("POST", f"/{PROJECT}/services/{SERVICE}/tasks", {"name": "x"}),
        ("GET", f"/{PROJECT}/tasks/{UNKNOWN_TASK}", None),
    ],
)
def test_the_gateway_rejects_a_missing_token_before_vias_validates(
    vias: Vias, method: str, path: str, body: dict[str, Any] | None
) -> None:
    reply = vias.call(method, path, token=None, json=body)
    expect_gateway(reply, 401, "APIGW.0301", TOKEN_MISSING)


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_token_of_another_project_is_forbidden_and_changes_nothing(
    vias: Vias, operation: str
) -> None:
    task_id = vias.create()
    vias.advance(2)
    before = vias.show(task_id)
    reply = vias.op(operation, task_id=task_id, token=OTHER_TOKEN)
    expect_error(
        reply,
        FORBIDDEN,
        detail=f"the token is scoped to project {OTHER_PROJECT}, not {PROJECT}",
        params=["project_id"],
    )
    vias.advance(5)
    after = vias.show(task_id)
    assert after == before
    assert after["state"] == "RUNNING"
    assert vias.tasks()["count"] == 1
    assert vias.tasks(project=OTHER_PROJECT, token=OTHER_TOKEN)["count"] == 0


# ---------------------------------------------------------------------------- 3. isolation


def test_a_task_is_unknown_in_another_project(vias: Vias) -> None:
    task_id = vias.create()
    vias.advance(2)
    before = vias.show(task_id)

    def in_b(operation: str) -> httpx.Response:
        return vias.op(operation, project=OTHER_PROJECT, task_id=task_id, token=OTHER_TOKEN)

    for operation in TASK_OPERATIONS:
        expect_not_found(in_b(operation), task_id)
    assert vias.tasks(project=OTHER_PROJECT, token=OTHER_TOKEN) == {
        "count": 0,
        "page": 1,
        "page_size": 10,
        "tasks": [],
    }

    vias.advance(5)
    assert vias.show(task_id) == before
    assert [t["id"] for t in vias.tasks()["tasks"]] == [task_id]


def test_each_project_lists_only_its_own_tasks(vias: Vias) -> None:
    mine = vias.create(name="mine")
    theirs = vias.create(name="theirs", project=OTHER_PROJECT, token=OTHER_TOKEN)
    assert [t["id"] for t in vias.tasks()["tasks"]] == [mine]
    other = vias.tasks(project=OTHER_PROJECT, token=OTHER_TOKEN)["tasks"]
    assert [t["id"] for t in other] == [theirs]
    expect_not_found(vias.op("show", task_id=theirs), theirs)
    shown = vias.show(theirs, project=OTHER_PROJECT, token=OTHER_TOKEN)
    assert shown["project_id"] == OTHER_PROJECT
    assert shown["name"] == "theirs"


# ---------------------------------------------------------------------------- 4. state machine


def test_a_new_task_goes_pending_starting_running(vias: Vias) -> None:
    start = vias.now()
    task_id = vias.create()
    seen: list[tuple[str, str, str]] = []
    for step in (0, 0.999, 0.001, 0.999, 0.001, 10):
        vias.advance(step)
        task = vias.show(task_id)
        listed = vias.tasks()["tasks"][0]
        assert listed["state"] == task["state"]
        assert task["status"] == STATUS_TEXT[task["state"]]
        assert task["created_at"] == iso(start)
        assert listed["created_at"] == str(start)
        seen.append((task["state"], task["updated_at"], listed["created_at"]))
    assert seen == [
        ("PENDING", iso(start), str(start)),
        ("PENDING", iso(start), str(start)),
        ("STARTING", iso(start + 1000), str(start)),
        ("STARTING", iso(start + 1000), str(start)),
        ("RUNNING", iso(start + 2000), str(start)),
        ("RUNNING", iso(start + 2000), str(start)),
    ]


def test_stop_then_start_a_running_task(vias: Vias) -> None:
    start = vias.now()
    task_id = vias.create()
    vias.advance(3)
    assert vias.state(task_id) == "RUNNING"

    assert ok(vias.act(task_id, "stop")) == done(task_id)
    assert (vias.state(task_id), vias.show(task_id)["updated_at"]) == (
        "STOPPING",
        iso(start + 3000),
    )
    vias.advance(0.999)
    assert vias.state(task_id) == "STOPPING"
    vias.advance(0.001)
    task = vias.show(task_id)
    assert (task["state"], task["status"], task["updated_at"]) == (
        "STOPPED",
        "The task is stopped.",
        iso(start + 4000),
    )
    vias.advance(10)
    assert vias.state(task_id) == "STOPPED"

    assert ok(vias.act(task_id, "start")) == done(task_id)
    assert (vias.state(task_id), vias.show(task_id)["updated_at"]) == (
        "STARTING",
        iso(start + 14000),
    )
    vias.advance(1)
    task = vias.show(task_id)
    assert (task["state"], task["updated_at"]) == ("RUNNING", iso(start + 15000))
    assert task["created_at"] == iso(start)


@pytest.mark.parametrize(("after", "state"), [(0, "PENDING"), (1.5, "STARTING")])
def test_stop_before_running_ends_stopped_and_never_runs(
    vias: Vias, after: float, state: str
) -> None:
    task_id = vias.create()
    vias.advance(after)
    assert vias.state(task_id) == state
    assert ok(vias.act(task_id, "stop")) == done(task_id)
    seen = []
    for step in (0, 0.5, 0.5, 0.5, 1, 10):
        vias.advance(step)
        seen.append((vias.state(task_id), vias.tasks()["tasks"][0]["state"]))
    assert seen == [("STOPPING", "STOPPING")] * 2 + [("STOPPED", "STOPPED")] * 4


@pytest.mark.parametrize(("after", "state"), [(5, "RUNNING"), (1.5, "STARTING")])
def test_repeating_a_start_changes_nothing(vias: Vias, after: float, state: str) -> None:
    created = vias.now()
    task_id = vias.create()
    vias.advance(after)
    before = vias.show(task_id)
    assert before["state"] == state
    assert ok(vias.act(task_id, "start")) == done(task_id)
    assert vias.show(task_id) == before
    vias.advance(10)
    task = vias.show(task_id)
    assert (task["state"], task["updated_at"]) == ("RUNNING", iso(created + 2000))


@pytest.mark.parametrize(("after", "state"), [(5, "STOPPED"), (0.5, "STOPPING")])
def test_repeating_a_stop_changes_nothing(vias: Vias, after: float, state: str) -> None:
    task_id = vias.create()
    vias.advance(3)
    assert ok(vias.act(task_id, "stop")) == done(task_id)
    stopped_at = vias.now()
    vias.advance(after)
    before = vias.show(task_id)
    assert before["state"] == state
    assert ok(vias.act(task_id, "stop")) == done(task_id)
    assert vias.show(task_id) == before
    vias.advance(10)
    task = vias.show(task_id)
    assert (task["state"], task["updated_at"]) == ("STOPPED", iso(stopped_at + 1000))


def test_start_while_stopping_is_refused(vias: Vias) -> None:
    task_id = vias.create()
    vias.advance(3)
    assert ok(vias.act(task_id, "stop")) == done(task_id)
    stopped_at = vias.now()
    vias.advance(0.5)
    before = vias.show(task_id)
    assert before["state"] == "STOPPING"
    expect_error(
        vias.act(task_id, "start"),
        NOT_ALLOWED,
        detail=f"task {task_id} is STOPPING; start is not allowed in this state",
        params=["command"],
    )
    assert vias.show(task_id) == before
    vias.advance(0.5)
    task = vias.show(task_id)
    assert (task["state"], task["updated_at"]) == ("STOPPED", iso(stopped_at + 1000))


def test_update_moves_updated_at_and_keeps_the_state(vias: Vias) -> None:
    start = vias.now()
    task_id = vias.create()
    vias.advance(5)
    assert ok(vias.call("PUT", f"/{PROJECT}/tasks/{task_id}", json=UPDATE_BODY)) == done(task_id)
    task = vias.show(task_id)
    assert (task["state"], task["created_at"], task["updated_at"]) == (
        "RUNNING",
        iso(start),
        iso(start + 5000),
    )
    vias.advance(1)
    assert vias.show(task_id)["updated_at"] == iso(start + 5000)
    assert vias.tasks()["tasks"][0]["created_at"] == str(start)


def test_timestamps_are_iso_in_show_and_epoch_ms_in_list(vias: Vias) -> None:
    vias.advance(0.123)
    task_id = vias.create()
    task = vias.show(task_id)
    assert ISO_MS.fullmatch(task["created_at"]), task
    assert ISO_MS.fullmatch(task["updated_at"]), task
    listed = vias.tasks()["tasks"][0]
    assert EPOCH_MS.fullmatch(listed["created_at"]), listed
    assert iso(int(listed["created_at"])) == task["created_at"]
    assert task["created_at"] == iso(vias.now())


# ---------------------------------------------------------------------------- 5. action as sent


@pytest.mark.parametrize(
    ("headers", "kwargs", "sent_type", "sent_length"),
    [
        ({"Content-Type": "application/json"}, {"content": b""}, "application/json", "0"),
        ({}, {}, None, "0"),
        ({}, {"json": {"x": 1}}, "application/json", "7"),
        ({"Content-Type": "application/json"}, {"content": b"{bad"}, "application/json", "4"),
        ({"Content-Type": "text/plain"}, {"content": b"hello"}, "text/plain", "5"),
    ],
    ids=["json-empty", "no-content-type", "json-body", "broken-json", "text-body"],
)
def test_start_as_real_clients_send_it(
    vias: Vias,
    headers: dict[str, str],
    kwargs: dict[str, Any],
    sent_type: str | None,
    sent_length: str,
) -> None:
    task_id = vias.create()
    assert ok(vias.act(task_id, "stop")) == done(task_id)
    vias.advance(1)
    assert vias.state(task_id) == "STOPPED"

    reply = vias.act(task_id, "start", headers=headers, **kwargs)
    assert reply.request.headers.get("Content-Type") == sent_type
    assert reply.request.headers.get("Content-Length") == sent_length
    assert ok(reply) == done(task_id)
    assert vias.state(task_id) == "STARTING"
    vias.advance(1)
    assert vias.state(task_id) == "RUNNING"


def test_stop_with_an_empty_json_body(vias: Vias) -> None:
    task_id = vias.create()
    vias.advance(2)
    reply = vias.act(task_id, "stop", headers={"Content-Type": "application/json"}, content=b"")
    assert ok(reply) == done(task_id)
    assert vias.state(task_id) == "STOPPING"


# ---------------------------------------------------------------------------- 6. errors


def test_unknown_command_is_invalid(vias: Vias) -> None:
    task_id = vias.create()
    before = vias.show(task_id)
    for command in ("stopp", "restart", "START"):
        expect_error(vias.act(task_id, command), INVALID)
    assert vias.show(task_id) == before


@pytest.mark.parametrize(
    "bad_id", ["abc", "3D7C81CF35784D88A4E26066BCC5DEBD", "a" * 37], ids=["short", "upper", "37"]
)
@pytest.mark.parametrize("operation", TASK_OPERATIONS)
def test_malformed_task_id_is_invalid(vias: Vias, operation: str, bad_id: str) -> None:
    expect_error(vias.op(operation, task_id=bad_id), INVALID)


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_malformed_project_id_is_invalid(vias: Vias, operation: str) -> None:
    task_id = vias.create()
    expect_error(vias.op(operation, project="bad!project", task_id=task_id), INVALID)
    assert vias.tasks()["count"] == 1


@pytest.mark.parametrize("operation", TASK_OPERATIONS)
def test_unknown_task_is_400_not_found(vias: Vias, operation: str) -> None:
    vias.create()
    expect_not_found(vias.op(operation, task_id=UNKNOWN_TASK), UNKNOWN_TASK)


def _without(key: str) -> dict[str, Any]:
    return {k: v for k, v in CREATE_BODY.items() if k != key}


def _with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    body = copy.deepcopy(CREATE_BODY)
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


CREATE_FAILURES: list[Any] = [
    pytest.param({"content": b'{"name": '}, None, id="malformed-json"),
    pytest.param({"json": [CREATE_BODY]}, None, id="json-array"),
    pytest.param({"json": _without("name")}, None, id="no-name"),
    pytest.param({"json": _without("input")}, None, id="no-input"),
    pytest.param({"json": _without("output")}, None, id="no-output"),
    pytest.param({"json": _without("service_version")}, None, id="no-service-version"),
    pytest.param({"json": _with(("input", "type"), "camera")}, ["input.type"], id="bad-enum"),
    pytest.param(
        {"json": _with(("input", "data"), [{"video_source_id": f"vs-{i}"} for i in range(51)])},
        ["input.data"],
        id="51-sources",
    ),
    pytest.param({"json": _with(("output",), {})}, ["output"], id="empty-output"),
    pytest.param(
        {"json": _with(("output", "webhook", "url"), "ftp://example.com/hook")},
        ["output.webhook.url"],
        id="bad-webhook-url",
    ),
    pytest.param({"json": _with(("name",), "bad name!")}, ["name"], id="bad-name"),
    pytest.param({"json": _with(("service_version",), "V1")}, ["service_version"], id="bad-ver"),
    pytest.param({"json": {**CREATE_BODY, "colour": "red"}}, None, id="unknown-member"),
    pytest.param({"json": _with(("name",), 1)}, ["name"], id="name-not-a-string"),
    pytest.param({"json": _with(("description",), "x" * 501)}, ["description"], id="long-desc"),
    pytest.param({"json": _with(("input", "data"), [])}, ["input.data"], id="no-sources"),
    pytest.param(
        {"json": _with(("output", "webhook", "headers"), {str(i): "v" for i in range(11)})},
        ["output.webhook.headers"],
        id="11-webhook-headers",
    ),
    pytest.param(
        {"json": _with(("schedule",), {"type": "weekly", "periods": [{"days": [1, 1]}]})},
        None,
        id="bad-schedule",
    ),
    pytest.param(
        {"content": b'{"name": "\xff"}'},
        None,
        id="not-utf8",
    ),
]


@pytest.mark.parametrize(("kwargs", "params"), CREATE_FAILURES)
def test_create_with_a_bad_body_is_invalid(
    vias: Vias, kwargs: dict[str, Any], params: list[str] | None
) -> None:
    headers = {"Content-Type": "application/json"} if "content" in kwargs else {}
    path = f"/{PROJECT}/services/{SERVICE}/tasks"
    reply = vias.call("POST", path, headers=headers, **kwargs)
    expect_error(reply, INVALID, params=params)
    assert vias.tasks()["count"] == 0


def test_create_with_text_plain_is_invalid(vias: Vias) -> None:
    reply = vias.call(
        "POST",
        f"/{PROJECT}/services/{SERVICE}/tasks",
        headers={"Content-Type": "text/plain"},
        content=json.dumps(CREATE_BODY).encode(),
    )
    expect_error(reply, INVALID)
    assert vias.tasks()["count"] == 0


def test_create_without_a_body_or_with_a_bad_service_name_is_invalid(vias: Vias) -> None:
    expect_error(vias.call("POST", f"/{PROJECT}/services/{SERVICE}/tasks"), INVALID)
    reply = vias.call("POST", f"/{PROJECT}/services/bad!service/tasks", json=CREATE_BODY)
    expect_error(reply, INVALID)
    assert vias.tasks()["count"] == 0


@pytest.mark.parametrize(
    ("method", "path", "body", "param"),
    [
        ("PUT", f"/{PROJECT}/tasks/{UNKNOWN_TASK}/action/stopp", None, "command"),
        ("GET", f"/{PROJECT}/tasks/abc", None, "task_id"),
        ("POST", f"/{PROJECT}/services/{SERVICE}/tasks", _without("name"), "name"),
    ],
    ids=["command", "task_id", "name"],
)
def test_invalid_parameter_errors_name_the_parameter(
    vias: Vias, method: str, path: str, body: dict[str, Any] | None, param: str
) -> None:
    expect_error(vias.call(method, path, json=body), INVALID, params=[param])


@pytest.mark.parametrize(
    "params",
    [
        {"page_size": 4},
        {"page_size": 1001},
        {"page": 0},
        {"page": "x"},
        {"sort_dir": "up"},
        {"task_state": "BOGUS"},
        {"source_data_type": "batch"},
        {"alg_id": "not-a-uuid"},
    ],
    ids=["size-4", "size-1001", "page-0", "page-x", "sort", "state", "source-type", "alg-id"],
)
def test_list_with_bad_query_is_invalid(vias: Vias, params: dict[str, str | int]) -> None:
    expect_error(vias.call("GET", f"/{PROJECT}/tasks", params=params), INVALID)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/nothing/here"),
        ("GET", f"/{PROJECT}/jobs"),
        ("GET", f"/{PROJECT}/tasks/{UNKNOWN_TASK}/logs"),
        ("POST", f"/{PROJECT}/tasks/{UNKNOWN_TASK}/action/start/now"),
    ],
)
def test_unknown_route_is_the_gateway_404(vias: Vias, method: str, path: str) -> None:
    expect_gateway(vias.call(method, path), 404, "APIGW.0101", NO_API)


def test_wrong_method_is_a_gateway_error_with_request_id(vias: Vias) -> None:
    reply = vias.call("DELETE", f"/{PROJECT}/tasks")
    assert reply.status_code in (404, 405), reply.text
    body = reply.json()
    assert set(body) == GATEWAY_KEYS
    assert body["error_code"] == "APIGW.0101"
    assert body["request_id"] == reply.headers["X-Request-Id"]


# ---------------------------------------------------------------------------- 7. list


def test_list_filters_by_state_and_name(vias: Vias) -> None:
    vias.create(name="gate-cam-1")
    vias.advance(1)
    vias.create(name="gate-cam-2")
    vias.advance(1)
    vias.create(name="parking-lot-1")

    assert [(t["name"], t["state"]) for t in vias.tasks()["tasks"]] == [
        ("parking-lot-1", "PENDING"),
        ("gate-cam-2", "STARTING"),
        ("gate-cam-1", "RUNNING"),
    ]
    assert vias.names(task_state="RUNNING") == ["gate-cam-1"]
    assert vias.names(task_state="STARTING") == ["gate-cam-2"]
    assert vias.names(task_state="PENDING") == ["parking-lot-1"]
    for state in ("STOPPED", "SCHEDULING", "LACK_OF_RESOURCES"):
        assert vias.tasks(task_state=state) == {
            "count": 0,
            "page": 1,
            "page_size": 10,
            "tasks": [],
        }
    assert vias.names(task_name="gate") == ["gate-cam-2", "gate-cam-1"]
    assert vias.names(task_name="cam-2") == ["gate-cam-2"]
    assert vias.names(task_name="-lot-") == ["parking-lot-1"]
    assert vias.names(task_name="nothing") == []
    assert vias.names(task_name="gate", task_state="RUNNING") == ["gate-cam-1"]
    assert vias.tasks(task_name="gate", task_state="PENDING")["count"] == 0

    vias.advance(2)
    assert vias.names(task_state="RUNNING") == ["parking-lot-1", "gate-cam-2", "gate-cam-1"]


def test_list_sorts_by_creation(vias: Vias) -> None:
    for name in ("first", "second", "third"):
        vias.create(name=name)
        vias.advance(0.01)
    assert vias.names() == ["third", "second", "first"]
    assert vias.names(sort_dir="desc") == ["third", "second", "first"]
    assert vias.names(sort_dir="asc") == ["first", "second", "third"]


def test_list_keeps_creation_order_within_one_instant(vias: Vias) -> None:
    names = [f"t{i}" for i in range(5)]
    for name in names:
        vias.create(name=name)
    assert vias.names(sort_dir="asc") == names
    assert vias.names() == names[::-1]


def test_list_pages(vias: Vias) -> None:
    names = [f"task-{i:02d}" for i in range(12)]
    for name in names:
        vias.create(name=name)
        vias.advance(0.001)
    newest_first = names[::-1]

    default = vias.tasks()
    assert (default["count"], default["page"], default["page_size"]) == (10, 1, 10)
    assert [t["name"] for t in default["tasks"]] == newest_first[:10]

    seen: list[str] = []
    for page, count in ((1, 5), (2, 5), (3, 2), (4, 0)):
        reply = vias.tasks(page=page, page_size=5)
        assert (reply["count"], reply["page"], reply["page_size"]) == (count, page, 5)
        assert len(reply["tasks"]) == count
        seen += [t["name"] for t in reply["tasks"]]
    assert seen == newest_first

    assert vias.names(page=2, page_size=5, sort_dir="asc") == names[5:10]
    whole = vias.tasks(page_size=1000)
    assert (whole["count"], whole["page_size"]) == (12, 1000)
    assert vias.tasks(page=2, page_size=10, task_name="task-1")["count"] == 0
    assert vias.names(page=1, page_size=5, task_name="task-1") == [
        "task-11",
        "task-10",
    ]


def test_list_accepts_and_ignores_the_other_filters(vias: Vias) -> None:
    vias.create(name="gate-cam-1")
    vias.advance(1)
    vias.create(name="gate-cam-2")
    unfiltered = vias.tasks()
    filtered = vias.tasks(
        title="nothing-like-it",
        camera_name="north-gate",
        company="Acme",
        source_data_type="sync_task",
        batch_id="5e0c2f8d7a9b4c1e8f3a6d2b9c7e4f10",
        video_group_id="7b3e9d1c5a2f4e8b9d0c6a1f3e5b7d92",
        alg_id="2b7e4c9a-1f3d-4e8b-a6c5-0d9f8e7a6b5c",
    )
    assert filtered == unfiltered
    assert filtered["count"] == 2


# ---------------------------------------------------------------------------- 8. update, delete


def test_update_replaces_the_definition_and_keeps_the_version(vias: Vias) -> None:
    start = vias.now()
    task_id = vias.create()
    before = vias.show(task_id)
    vias.advance(0.5)
    reply = vias.call("PUT", f"/{PROJECT}/tasks/{task_id}", json=UPDATE_BODY)
    assert ok(reply) == done(task_id)

    expected = {k: v for k, v in before.items() if k not in ("description", "config")}
    expected.update(
        name="gate-cam-1-night",
        input=UPDATE_BODY["input"],
        output=UPDATE_BODY["output"],
        video_source_name="night/gate-1/",
        updated_at=iso(start + 500),
    )
    assert vias.show(task_id) == expected
    assert expected["service_version"] == "1.1"
    assert expected["state"] == "PENDING"
    listed = vias.tasks()["tasks"][0]
    assert (listed["name"], listed["title"], listed["video_source_name"]) == (
        "gate-cam-1-night",
        "gate-cam-1-night",
        "night/gate-1/",
    )


def test_update_with_description_and_config_keeps_them(vias: Vias) -> None:
    task_id = vias.create(_without("description"))
    body = {**UPDATE_BODY, "description": "night shift", "config": {"common": {"fps": 5}}}
    assert ok(vias.call("PUT", f"/{PROJECT}/tasks/{task_id}", json=body)) == done(task_id)
    task = vias.show(task_id)
    assert (task["description"], task["config"]) == ("night shift", {"common": {"fps": 5}})


@pytest.mark.parametrize(
    ("body", "params"),
    [
        pytest.param({**UPDATE_BODY, "service_version": "1.2"}, None, id="service-version"),
        pytest.param(
            {**UPDATE_BODY, "input": {"type": "obs", "data": [{"bucket": "b"}, {"bucket": "c"}]}},
            ["input.data"],
            id="two-sources",
        ),
        pytest.param({k: v for k, v in UPDATE_BODY.items() if k != "name"}, None, id="no-name"),
        pytest.param({**UPDATE_BODY, "output": {}}, ["output"], id="empty-output"),
    ],
)
def test_update_with_a_bad_body_is_refused(
    vias: Vias, body: dict[str, Any], params: list[str] | None
) -> None:
    task_id = vias.create()
    before = vias.show(task_id)
    vias.advance(0.5)
    reply = vias.call("PUT", f"/{PROJECT}/tasks/{task_id}", json=body)
    expect_error(reply, INVALID, params=params)
    assert vias.show(task_id) == before


def test_deleted_task_is_unknown(vias: Vias) -> None:
    task_id = vias.create()
    kept = vias.create(name="kept")
    vias.advance(2)
    assert ok(vias.op("delete", task_id=task_id)) == done(task_id)
    for operation in TASK_OPERATIONS:
        expect_not_found(vias.op(operation, task_id=task_id), task_id)
    assert [t["id"] for t in vias.tasks()["tasks"]] == [kept]
    assert vias.state(kept) == "RUNNING"


@pytest.mark.parametrize("state_after", [0.5, 1.5, 3])
def test_delete_works_in_any_state(vias: Vias, state_after: float) -> None:
    task_id = vias.create()
    vias.advance(state_after)
    assert ok(vias.op("delete", task_id=task_id)) == done(task_id)
    expect_not_found(vias.op("show", task_id=task_id), task_id)


# ---------------------------------------------------------------------------- 9. admin


def test_reset_forgets_tasks(vias: Vias) -> None:
    task_id = vias.create()
    other = vias.create(project=OTHER_PROJECT, token=OTHER_TOKEN)
    assert vias.mock.admin("POST", "/reset")["reset"] is True
    vias.mock.freeze()
    expect_not_found(vias.op("show", task_id=task_id), task_id)
    expect_not_found(
        vias.op("show", project=OTHER_PROJECT, task_id=other, token=OTHER_TOKEN), other
    )
    assert vias.tasks() == {"count": 0, "page": 1, "page_size": 10, "tasks": []}
    assert vias.tasks(project=OTHER_PROJECT, token=OTHER_TOKEN)["count"] == 0


def test_the_admin_clock_drives_task_states(vias: Vias) -> None:
    clock = vias.mock.admin("GET", "/clock")
    assert clock["frozen"] is True
    task_id = vias.create()
    assert vias.show(task_id)["created_at"] == iso(clock["now"])
    moved = vias.mock.admin("POST", "/clock/advance", json={"seconds": 1})
    assert moved["now"] == clock["now"] + 1000
    assert vias.state(task_id) == "STARTING"
    vias.mock.admin("POST", "/clock/advance", json={"seconds": 1})
    task = vias.show(task_id)
    assert (task["state"], task["updated_at"]) == ("RUNNING", iso(clock["now"] + 2000))
