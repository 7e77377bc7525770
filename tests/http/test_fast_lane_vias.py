"""The fast lane on the VIAS task reads (show, list): the same requests get the same
replies from a server with it and a server without it, and it does answer the plain
ones. (tests/http/test_fast_lane.py does the same for the Linkis polls.)"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urlencode

import httpx
import pytest
from connexion.middleware.security import SecurityOperation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from linkis_mock.app import create_app
from linkis_mock.config import load_settings
from linkis_mock.testing import Mock
from tests.helpers.lanes import with_and_without_the_lane

PROJECT = "0123456789abcdef0123456789abcdef"  # vias-dev-token's
OTHER_PROJECT = "fedcba9876543210fedcba9876543210"  # vias-other-token's
SERVICE = "c-intrusion-detection-cloud"
TASK = {
    "input": {"type": "video_source", "data": [{"video_source_id": "vs-0001"}]},
    "output": {"webhook": {"url": "http://127.0.0.1:9000/hook", "headers": {"a": "a"}}},
    "config": {"common": {}},
    "service_version": "1.1",
}
OTHER_TASK_IDS = ("0" * 32, "nope", "a b", "x" * 300)
PROJECTS = (PROJECT, OTHER_PROJECT, "not-a-project", "0" * 32)
TOKENS = {
    "dev": ["vias-dev-token"],
    "other": ["vias-other-token"],
    "forged": ["forged"],
    "empty": [""],
    "two": ["vias-dev-token", "vias-dev-token"],
    "none": [],
}
NAMES = ("page", "page_size", "sort_dir", "task_state", "task_name", "title", "other")
VALUES = ("1", "0", "-1", "01", "2", "10", "100", "1001", "asc", "desc", "RUNNING", "cam-1", "")


class Pair:
    """One server with the fast lane and one without, holding the same tasks."""

    def __init__(self, fast: Mock, full: Mock) -> None:
        self.fast, self.full = fast, full
        self.task_ids: list[str] = []
        for mock in (fast, full):
            client = mock.client("/v2")
            ids = [
                client.post(
                    f"/{PROJECT}/services/{SERVICE}/tasks",
                    json={**TASK, "name": f"cam-{number}"},
                    headers={"X-Auth-Token": "vias-dev-token"},
                ).json()["tasks"][0]["id"]
                for number in range(3)
            ]
            assert not self.task_ids or ids == self.task_ids
            self.task_ids = ids
            mock.advance(5)

    def ask(self, mock: Mock, path: str, token: str, prefer: bool) -> httpx.Response:
        headers = [("X-Auth-Token", value) for value in TOKENS[token]]
        if prefer:
            headers.append(("Prefer", "code=400"))
        return mock.http.get(f"{mock.base_url}/v2{path}", headers=headers)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    with with_and_without_the_lane(tmp_path_factory.mktemp("fast-lane-vias")) as mocks:
        yield Pair(*mocks)


@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    show=st.booleans(),
    project=st.sampled_from([PROJECT, PROJECT, *PROJECTS]),  # the plain case more often
    task=st.integers(0, 3 + len(OTHER_TASK_IDS) - 1),
    query=st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(VALUES)), max_size=3),
    token=st.sampled_from(["dev", "dev", *sorted(TOKENS)]),
    prefer=st.booleans(),
)
def test_the_same_request_gets_the_same_reply_either_way(
    pair: Pair,
    project: str,
    task: int,
    query: list[tuple[str, str]],
    *,
    show: bool,
    token: str,
    prefer: bool,
) -> None:
    task_id = [*pair.task_ids, *OTHER_TASK_IDS][task]
    path = f"/{project}/tasks/{quote(task_id)}" if show else f"/{project}/tasks"
    if query:
        path += "?" + urlencode(query)
    fast = pair.ask(pair.fast, path, token, prefer)
    full = pair.ask(pair.full, path, token, prefer)
    assert (fast.status_code, fast.headers.get("content-type")) == (
        full.status_code,
        full.headers.get("content-type"),
    )
    assert sorted(fast.headers.keys()) == sorted(full.headers.keys())
    if fast.status_code == 200:
        assert fast.content == full.content
    else:  # a VIAS error names its request id, which differs between the two
        assert _without_request_id(fast) == _without_request_id(full)


def _without_request_id(reply: httpx.Response) -> bytes:
    return reply.content.replace(reply.headers.get("x-request-id", "-").encode(), b"")


def test_the_fast_lane_answers_plain_task_reads_without_connexion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With Connexion's security layer broken, plain shows and lists still get 200 (the
    lane answered them), and anything the lane passes on shows the breakage."""
    app = create_app(load_settings())
    token = {"X-Auth-Token": "vias-dev-token"}
    with TestClient(app, raise_server_exceptions=False) as client:
        created = client.post(
            f"/v2/{PROJECT}/services/{SERVICE}/tasks", json={**TASK, "name": "cam"}, headers=token
        )
        task_id = created.json()["tasks"][0]["id"]

        async def broken(*args: object) -> None:
            raise RuntimeError("Connexion was asked")

        monkeypatch.setattr(SecurityOperation, "__call__", broken)
        for path in (f"tasks/{task_id}", "tasks", "tasks?page=1&page_size=5&sort_dir=asc"):
            reply = client.get(f"/v2/{PROJECT}/{path}", headers=token)
            assert reply.status_code == 200, reply.text
        assert client.get(f"/v2/{PROJECT}/tasks/{task_id}", headers=token).json()["name"] == "cam"
        # The simulator's refusals of plain reads are the lane's answers too.
        unknown = client.get(f"/v2/{PROJECT}/tasks/{'0' * 32}", headers=token)
        assert (unknown.status_code, unknown.json()["error_code"]) == (400, "VIAS.00010007")
        other_project = client.get(f"/v2/{OTHER_PROJECT}/tasks", headers=token)
        assert other_project.status_code == 403
        passed_on = [
            client.get(f"/v2/{PROJECT}/tasks?title=gate", headers=token),  # a filter unused
            client.get(f"/v2/{PROJECT}/tasks?page=01", headers=token),
            client.get(f"/v2/{PROJECT}/tasks"),
            client.get(
                f"/v2/{PROJECT}/tasks",
                headers=[("X-Auth-Token", "vias-dev-token"), ("X-Auth-Token", "forged")],
            ),
        ]
        assert [reply.status_code for reply in passed_on] == [500] * len(passed_on)
