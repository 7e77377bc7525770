"""Acceptance: the official Huawei Cloud Python SDK core (PyPI `huaweicloudsdkcore`) against
the live VIAS task mock.

The task is created and observed with plain httpx (the mock's one cookieless client:
building a client per request costs more than the request); starting and stopping go
through the core's own request path (`Client.do_http_request`, as generated service
clients call it) with a token credential, see contract_tests/vias_sdk_client.py. Task
states move on the mock's frozen clock, which the tests advance; nothing sleeps.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException

from contract_tests.vias_sdk_client import (
    AUTH_TOKEN_HEADER,
    ViasClient,
    Wire,
    build_client,
    service_error,
)
from linkis_mock.testing import Mock

DEV_TOKEN = "vias-dev-token"
DEV_PROJECT = "0123456789abcdef0123456789abcdef"
OTHER_TOKEN = "vias-other-token"
SERVICE = "c-intrusion-detection-cloud"
HEX32 = re.compile(r"[0-9a-f]{32}")
CLOCK_STEP_S = 0.25
CLOCK_LIMIT_S = 120.0
TASK_SPEC = {
    "name": "gate-cam-1",
    "input": {"type": "video_source", "data": [{"video_source_id": "vs-0001"}]},
    "output": {"webhook": {"url": "http://127.0.0.1:9000/hook", "headers": {"a": "a"}}},
    "service_version": "1.1",
}


def tasks_url(mock: Mock, task_id: str) -> str:
    return f"{mock.base_url}/v2/{DEV_PROJECT}/tasks/{task_id}"


def create_task(mock: Mock) -> str:
    reply = mock.http.post(
        f"{mock.base_url}/v2/{DEV_PROJECT}/services/{SERVICE}/tasks",
        json=TASK_SPEC,
        headers={AUTH_TOKEN_HEADER: DEV_TOKEN},
    )
    assert reply.status_code == 200, reply.text
    tasks = reply.json()["tasks"]
    assert len(tasks) == 1, reply.text
    task_id = tasks[0]["id"]
    assert isinstance(task_id, str)
    assert HEX32.fullmatch(task_id), task_id
    return task_id


def task_state(mock: Mock, task_id: str) -> str:
    reply = mock.http.get(tasks_url(mock, task_id), headers={AUTH_TOKEN_HEADER: DEV_TOKEN})
    assert reply.status_code == 200, reply.text
    state = reply.json()["state"]
    assert isinstance(state, str)
    return state


def advance_until(mock: Mock, task_id: str, target: str, via: set[str]) -> list[str]:
    """Advance the clock in small steps until `target`; every state on the way is in `via`.

    Returns the distinct states seen, in order, ending with `target`.
    """
    seen = [task_state(mock, task_id)]
    advanced = 0.0
    while seen[-1] != target:
        assert seen[-1] in via, f"unexpected state {seen[-1]} on the way to {target}: {seen}"
        assert advanced < CLOCK_LIMIT_S, f"no {target} after {advanced}s simulated: {seen}"
        mock.advance(CLOCK_STEP_S)
        advanced += CLOCK_STEP_S
        state = task_state(mock, task_id)
        if state != seen[-1]:
            seen.append(state)
    return seen


@pytest.fixture
def running_task(mock: Mock) -> str:
    """A fresh task of the dev project, advanced from creation to RUNNING."""
    task_id = create_task(mock)
    advance_until(mock, task_id, "RUNNING", via={"PENDING", "STARTING"})
    return task_id


@contextmanager
def open_client(
    mock: Mock, token: str, *, via_builder: bool = False
) -> Iterator[tuple[ViasClient, Wire]]:
    client, wire = build_client(mock.base_url, token, DEV_PROJECT, via_builder=via_builder)
    try:
        yield client, wire
    finally:
        client.shutdown()


@pytest.fixture
def sdk(mock: Mock) -> Iterator[tuple[ViasClient, Wire]]:
    """The dev project's token client, built directly as a `Client`."""
    with open_client(mock, DEV_TOKEN) as pair:
        yield pair


@pytest.fixture(params=["client", "builder"])
def any_sdk(request: pytest.FixtureRequest, mock: Mock) -> Iterator[tuple[ViasClient, Wire]]:
    """The dev token client, built directly and through `ClientBuilder`."""
    with open_client(mock, DEV_TOKEN, via_builder=request.param == "builder") as pair:
        yield pair


def test_sdk_stops_and_starts_a_task(
    mock: Mock, running_task: str, any_sdk: tuple[ViasClient, Wire]
) -> None:
    client, wire = any_sdk

    stopped = client.start_stop_task(running_task, "stop")
    assert stopped.status_code == 200
    assert stopped.body == {"id": running_task, "status_code": 200, "status_msg": "success"}
    assert stopped.x_request_id is not None
    assert HEX32.fullmatch(stopped.x_request_id), stopped.x_request_id
    assert stopped.x_request_id == wire.last.response_headers["x-request-id"]
    assert task_state(mock, running_task) == "STOPPING"  # the clock is frozen
    assert advance_until(mock, running_task, "STOPPED", via={"STOPPING"}) == [
        "STOPPING",
        "STOPPED",
    ]

    started = client.start_stop_task(running_task, "start")
    assert started.status_code == 200
    assert started.body == {"id": running_task, "status_code": 200, "status_msg": "success"}
    assert started.x_request_id is not None
    assert HEX32.fullmatch(started.x_request_id), started.x_request_id
    assert started.x_request_id != stopped.x_request_id
    assert task_state(mock, running_task) == "STARTING"
    assert advance_until(mock, running_task, "RUNNING", via={"STARTING"}) == [
        "STARTING",
        "RUNNING",
    ]


def test_sdk_sends_the_token_and_no_signature(
    mock: Mock, running_task: str, sdk: tuple[ViasClient, Wire]
) -> None:
    client, wire = sdk
    client.start_stop_task(running_task, "stop")

    sent = wire.last
    assert sent.method == "PUT"
    assert sent.url == f"{tasks_url(mock, running_task)}/action/stop"
    headers = sent.headers
    assert headers["x-auth-token"] == DEV_TOKEN
    for signing_header in ("authorization", "x-sdk-date", "x-project-id", "x-security-token"):
        assert signing_header not in headers, sent.headers
    assert headers["content-type"] == "application/json"
    assert headers["content-length"] == "0"
    assert not sent.body
    assert headers["user-agent"].startswith("huaweicloud-usdk-python/3.0")
    assert sent.status_code == 200


def test_a_wrong_token_is_refused_by_the_gateway(mock: Mock, running_task: str) -> None:
    """Same client, same request, another token: the action succeeds only with the right one."""
    with open_client(mock, "not-a-valid-token") as (client, wire):
        error = service_error(lambda: client.start_stop_task(running_task, "stop"))

        assert wire.last.headers["x-auth-token"] == "not-a-valid-token"
        assert "authorization" not in wire.last.headers
        assert error.exception_type is ClientRequestException
        assert error.status_code == 401
        assert error.error_code == "APIGW.0301"
        assert error.error_msg.startswith("Incorrect IAM authentication information: ")
        assert error.request_id is not None
        assert HEX32.fullmatch(error.request_id), error.request_id
        assert error.request_id == wire.last.response_headers["x-request-id"]
        assert json.loads(wire.last.response_text)["request_id"] == error.request_id
    assert task_state(mock, running_task) == "RUNNING"


def test_an_unknown_task_is_a_400(mock: Mock, sdk: tuple[ViasClient, Wire]) -> None:
    client, wire = sdk
    error = service_error(lambda: client.start_stop_task(uuid.uuid4().hex, "start"))

    assert error.exception_type is ClientRequestException
    assert error.status_code == 400
    assert error.error_code == "VIAS.00010007"
    assert error.error_msg == "No task is found based on the task ID."
    assert error.request_id is not None
    assert HEX32.fullmatch(error.request_id), error.request_id
    assert error.request_id == wire.last.response_headers["x-request-id"]


def test_another_projects_token_is_forbidden(mock: Mock, running_task: str) -> None:
    with open_client(mock, OTHER_TOKEN) as (client, wire):
        error = service_error(lambda: client.start_stop_task(running_task, "stop"))

        assert wire.last.url == f"{tasks_url(mock, running_task)}/action/stop"
        assert error.exception_type is ClientRequestException
        assert error.status_code == 403
        assert error.error_code == "VIAS.00010005"
        assert error.request_id is not None
        assert HEX32.fullmatch(error.request_id), error.request_id
    assert task_state(mock, running_task) == "RUNNING"
