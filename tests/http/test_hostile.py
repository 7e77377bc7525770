"""Hostile input: always a 4xx in the API's own format, never a 500, never a hang."""

from __future__ import annotations

import json

import httpx
import pytest

from linkis_mock.testing import Mock
from tests.helpers.hostile import BODIES, CREATE, SUBMIT, TOKEN, VIAS


def assert_linkis_400(reply: httpx.Response) -> None:
    assert reply.status_code == 400, reply.text[:300]
    body = reply.json()
    assert set(body) == {"method", "status", "message", "data"}
    assert body["status"] == 1


def assert_vias_400(reply: httpx.Response) -> None:
    assert reply.status_code == 400, reply.text[:300]
    assert set(reply.json()) == {"error_code", "error_msg", "detail", "params", "reason", "advice"}
    assert reply.json()["error_code"] == "VIAS.00010001"


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
def test_bad_bodies_are_400s_in_each_format(running_mock: Mock, body: bytes) -> None:
    headers = {"Content-Type": "application/json"}
    linkis = running_mock.http.post(
        running_mock.base_url + SUBMIT, content=body, headers={**TOKEN, **headers}
    )
    vias = running_mock.http.post(
        running_mock.base_url + CREATE, content=body, headers={**VIAS, **headers}
    )
    if body.startswith(b'{"executionContent"') and b"\x00" in body:
        assert linkis.json()["status"] == 1  # parsed: a business error (no labels), not a crash
    else:
        assert_linkis_400(linkis)
    assert_vias_400(vias)


@pytest.mark.parametrize(
    "path",
    [
        "/entrance/a%00b/status",
        "/entrance/" + "a" * 5000 + "/status",
        "/entrance/-1/kill?taskID=-99999999999999999999",
        "/entrance/x/log?fromLine=NaN&size=1e999",
        "/jobhistory/99999999999999999999999/get",
        "/jobhistory/-5/get",
    ],
)
def test_bad_ids_and_numbers_are_400s(running_mock: Mock, path: str) -> None:
    reply = running_mock.http.get(running_mock.api_url + path, headers=TOKEN)
    assert_linkis_400(reply)


@pytest.mark.parametrize("path", ["/entrance/a%2Fb/status", "/entrance/..%2F..%2Fetc/status"])
def test_encoded_slashes_match_no_route(running_mock: Mock, path: str) -> None:
    reply = running_mock.http.get(running_mock.api_url + path, headers=TOKEN)
    assert reply.status_code == 404
    assert reply.json()["status"] == 1


def test_a_huge_kill_jobs_array_is_refused_quickly(running_mock: Mock) -> None:
    body = json.dumps({"idList": ["x"] * 100_000, "taskIDList": [1] * 100_000})
    reply = running_mock.http.post(
        running_mock.api_url + "/entrance/x/killJobs",
        content=body,
        headers={**TOKEN, "Content-Type": "application/json"},
        timeout=30,
    )
    assert_linkis_400(reply)


@pytest.mark.parametrize(
    "headers",
    [
        {"Cookie": "linkis_user_session_ticket_id_v1=a; linkis_user_session_ticket_id_v1=b"},
        {"Cookie": ";;=;linkis_user_session_ticket_id_v1"},
        {"Token-Code": "", "Token-User": "alice"},
        {"Token-Code": "LINKIS-AUTH", "Token-User": ""},
        {"Token-Code": "LINKIS-AUTH" * 500, "Token-User": "alice"},
    ],
)
def test_malformed_credentials_are_401s(running_mock: Mock, headers: dict[str, str]) -> None:
    reply = running_mock.http.get(running_mock.api_url + "/user/userInfo", headers=headers)
    assert reply.status_code == 401
    assert reply.json()["status"] == -1


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", None])
def test_wrong_or_missing_content_types_are_400s(
    running_mock: Mock, content_type: str | None
) -> None:
    headers = {**TOKEN, **({"Content-Type": content_type} if content_type else {})}
    reply = running_mock.http.post(running_mock.base_url + SUBMIT, content=b"{}", headers=headers)
    assert_linkis_400(reply)


@pytest.mark.parametrize(
    "path",
    ["hdfs:///tmp/linkis/alice/../../../etc/passwd", "/etc/passwd", "file:///etc", "../../1"],
)
def test_the_filesystem_serves_only_result_files(running_mock: Mock, path: str) -> None:
    client = running_mock.client(headers=TOKEN)
    with client:
        listing = client.get("/filesystem/getDirFileTrees", params={"path": path}).json()
        assert listing["data"] == {"dirFileTrees": None}
        opened = client.get("/filesystem/openFile", params={"path": path})
        assert_linkis_400(opened)
        assert "80013" in opened.json()["message"]
