"""The fast lane's writes change speed, not answers: submits, executes and the VIAS
start/stop action get the same replies (status, media type, bytes) from a server with the
lane and one without, for generated bodies, media types, credentials and `Prefer`; and the
lane does answer the plain ones itself."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import httpx
import pytest
from connexion.middleware.security import SecurityOperation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from linkis_mock.app import create_app
from linkis_mock.config import load_settings
from linkis_mock.testing import API, VIAS, Mock
from tests.helpers.lanes import COOKIE, WHO, credentials, with_and_without_the_lane

PROJECT = "0123456789abcdef0123456789abcdef"
SERVICE = "c-intrusion-detection-cloud"
TASK = {
    "name": "cam",
    "input": {"type": "video_source", "data": [{"video_source_id": "vs-0001"}]},
    "output": {"webhook": {"url": "http://127.0.0.1:9000/hook", "headers": {"a": "a"}}},
    "config": {"common": {}},
    "service_version": "1.1",
}
CODES = (
    "select 1",
    "select * from t",
    "select '${run_date}' from t",
    "select '${run_date-}'",
    "--@mock outcome=Failed\nselect 2",
    "rm -rf /tmp/x",
    "sc.stop()",
    "-- only a comment",
    "",
    "   ",
    "select ${n*3}\n--@set n=4",
)
RUN_TYPES = ("sql", "hql", "py", "shell", "scala", "jdbc", "aisql", "", None)
ENGINES = ("spark-2.4.3", "hive-2.3.3", "shell-1", "spark", "", None)
CREATORS = ("alice-IDE", "alice-Schedulis", "bob-IDE", "alice-", "", None)
PARAMS: tuple[Any, ...] = (
    "absent",
    None,
    {},
    {"variable": {"run_date": "20200228"}},
    {"variable": {"n": "7", "s": 3}},
    {"variable": "x"},
    {"configuration": {"runtime": {"x": 1}}},
    [],
)
RAW_BODIES = (b"", b"{", b"[]", b'{"a": NaN}', b"null", b'"text"', b"\xff\xfe", b"[" * 200)
MEDIA_TYPES = (
    "application/json",
    "application/json; charset=utf-8",
    "application/json; charset=UTF-8",
    "application/json; charset=latin-1",
    "text/plain",
    "application/vnd.api+json",
    None,
)


class Pair:
    """One server with the lane and one without, in the same state, each with a session."""

    def __init__(self, fast: Mock, full: Mock) -> None:
        self.fast, self.full = fast, full
        self.tickets = {id(mock): mock.logged_in("alice").cookies[COOKIE] for mock in (fast, full)}
        self.tasks: list[str] = []
        for mock in (fast, full):
            created = mock.vias().post(f"/services/{SERVICE}/tasks", json=TASK)
            ids = [created.json()["tasks"][0]["id"]]
            assert not self.tasks or ids == self.tasks
            self.tasks = ids

    def headers(
        self, mock: Mock, *, who: str, media_type: str | None, prefer: bool
    ) -> dict[str, str]:
        headers = {"Prefer": "code=500"} if prefer else {}
        if media_type is not None:
            headers["Content-Type"] = media_type
        return headers | credentials(who, self.tickets[id(mock)])

    def both(
        self, method: str, url_path: str, body: bytes, headers: Callable[[Mock], dict[str, str]]
    ) -> tuple[httpx.Response, httpx.Response]:
        """The same request to each (with each one's own cookie); the same order keeps
        their states alike."""
        fast, full = (
            mock.http.request(method, mock.base_url + url_path, content=body, headers=headers(mock))
            for mock in (self.fast, self.full)
        )
        return fast, full


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    with with_and_without_the_lane(tmp_path_factory.mktemp("fast-lane-writes")) as mocks:
        yield Pair(*mocks)


def assert_alike(fast: httpx.Response, full: httpx.Response) -> None:
    assert (fast.status_code, fast.headers.get("content-type")) == (
        full.status_code,
        full.headers.get("content-type"),
    )
    assert fast.content == full.content


@st.composite
def submit_bodies(draw: st.DrawFn) -> bytes:
    """A submit or execute body, mostly well formed, sometimes not JSON at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(RAW_BODIES))
    body: dict[str, Any] = {}
    code = draw(st.sampled_from(CODES))
    if draw(st.booleans()):  # the current format
        content: dict[str, Any] = {"code": code}
        run_type = draw(st.sampled_from(RUN_TYPES))
        if run_type is not None:
            content["runType"] = run_type
        body["executionContent"] = draw(st.sampled_from([content, {}, None, "select 1"]))
        labels: dict[str, Any] = {}
        engine, creator = draw(st.sampled_from(ENGINES)), draw(st.sampled_from(CREATORS))
        if engine is not None:
            labels["engineType"] = engine
        if creator is not None:
            labels["userCreator"] = creator
        if draw(st.integers(0, 5)) > 0:
            body["labels"] = draw(st.sampled_from([labels, None, {}]))
    else:  # the legacy format
        body["executionCode"] = code
        body["runType"] = draw(st.sampled_from([r for r in RUN_TYPES if r is not None]))
        body["executeApplicationName"] = draw(st.sampled_from(["spark", "hive", "shell"]))
    params = draw(st.sampled_from(PARAMS))
    if params != "absent":
        body["params"] = params
    if draw(st.integers(0, 7)) == 0:
        body["source"] = draw(st.sampled_from([{"scriptPath": "/a.sql"}, "x", None]))
    return json.dumps(body).encode()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    endpoint=st.sampled_from(["submit", "execute"]),
    body=submit_bodies(),
    media_type=st.sampled_from(MEDIA_TYPES),
    who=st.sampled_from(WHO),
    prefer=st.integers(0, 9).map(lambda n: n == 0),
    query=st.sampled_from(["", "", "", "x=1"]),
)
def test_a_submit_gets_the_same_reply_either_way(
    pair: Pair,
    *,
    endpoint: str,
    body: bytes,
    media_type: str | None,
    who: str,
    prefer: bool,
    query: str,
) -> None:
    path = f"{API}/entrance/{endpoint}" + (f"?{query}" if query else "")
    headers = partial(pair.headers, who=who, media_type=media_type, prefer=prefer)
    assert_alike(*pair.both("POST", path, body, headers))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    command=st.sampled_from(["start", "stop", "restart"]),
    task=st.sampled_from(["known", "0" * 32, "nope"]),
    token=st.sampled_from(["vias-dev-token", "vias-other-token", "forged", None]),
    body=st.sampled_from([b"", b"{}", b"{"]),
    prefer=st.integers(0, 9).map(lambda n: n == 0),
)
def test_a_task_action_gets_the_same_reply_either_way(
    pair: Pair, *, command: str, task: str, token: str | None, body: bytes, prefer: bool
) -> None:
    task_id = pair.tasks[0] if task == "known" else task
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["X-Auth-Token"] = token
    if prefer:
        headers["Prefer"] = "code=500"
    path = f"{VIAS}/{PROJECT}/tasks/{task_id}/action/{command}"
    fast, full = pair.both("PUT", path, body, lambda mock: headers)
    # VIAS replies carry a request id of their own: the rest must be alike.
    fast_id, full_id = fast.headers.get("x-request-id"), full.headers.get("x-request-id")
    assert (fast_id is None) == (full_id is None)
    assert (fast.status_code, fast.headers.get("content-type")) == (
        full.status_code,
        full.headers.get("content-type"),
    )
    assert fast.content.replace((fast_id or "").encode(), b"") == full.content.replace(
        (full_id or "").encode(), b""
    )


def test_the_lane_answers_plain_writes_without_connexion(monkeypatch: pytest.MonkeyPatch) -> None:
    """With Connexion's security layer broken, plain submits, executes and task actions
    still succeed (the lane answered them); anything the lane passes on shows the breakage."""
    app = create_app(load_settings())
    token = {"Token-Code": "LINKIS-AUTH", "Token-User": "alice"}
    vias = {"X-Auth-Token": "vias-dev-token"}
    with TestClient(app, base_url="http://127.0.0.1:8080", raise_server_exceptions=False) as client:
        created = client.post(f"{VIAS}/{PROJECT}/services/{SERVICE}/tasks", json=TASK, headers=vias)
        task_id = created.json()["tasks"][0]["id"]

        async def broken(*args: object) -> None:
            raise RuntimeError("Connexion was asked")

        monkeypatch.setattr(SecurityOperation, "__call__", broken)
        current = {
            "executionContent": {"code": "select 1", "runType": "sql"},
            "labels": {"engineType": "spark-2.4.3", "userCreator": "alice-IDE"},
        }
        legacy = {
            "executionCode": "select 1",
            "runType": "sql",
            "params": {},
            "executeApplicationName": "spark",
        }
        for path, body in (("submit", current), ("execute", current), ("execute", legacy)):
            reply = client.post(f"{API}/entrance/{path}", json=body, headers=token)
            assert reply.status_code == 200, reply.text
            assert reply.json()["data"]["taskID"] > 0
        started = client.put(
            f"{VIAS}/{PROJECT}/tasks/{task_id}/action/start",
            headers={**vias, "Content-Type": "application/json"},
        )
        assert started.status_code == 200, started.text
        # Refused by the simulator: the lane answers that too.
        no_labels = client.post(
            f"{API}/entrance/submit", json={"executionContent": {"code": "x"}}, headers=token
        )
        assert no_labels.status_code == 400 and no_labels.json()["status"] == 1
        passed_on = [
            client.post(
                f"{API}/entrance/submit", json=current, headers={**token, "Prefer": "code=400"}
            ),
            client.post(
                f"{API}/entrance/submit",
                content=b"{",
                headers={**token, "Content-Type": "application/json"},
            ),
            client.post(f"{API}/entrance/submit", json=current),  # no credentials
            client.post(f"{API}/entrance/submit", json={**current, "labels": 5}, headers=token),
        ]
        # Prefer is answered before security (its forced 400); the rest reach the breakage.
        assert [reply.status_code for reply in passed_on] == [400, 500, 500, 500]
