"""Proxy mode over real sockets: the proxy (in this process) in front of a second mock
served in a thread, or of a deliberately wrong upstream (tests/helpers/wrong_upstream.py),
or of nothing at all."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from linkis_mock.config import LIMITS
from linkis_mock.middleware.proxy import BUFFER_BYTES
from linkis_mock.testing import LocalMock, proxy_of
from tests.helpers import wrong_upstream as wrong
from tests.helpers.linkis import SESSION_COOKIE, ok

VIOLATIONS = "x-mock-violations"
SUBMIT = {
    "executionContent": {"code": "select 1", "runType": "sql"},
    "labels": {"engineType": "spark-2.4.3", "userCreator": "alice-IDE"},
}


@pytest.fixture(scope="module")
def shared_proxy(upstream: LocalMock) -> Iterator[LocalMock]:
    mock = proxy_of(upstream.base_url, upstream.base_url)
    try:
        yield mock
    finally:
        mock.stop()


@pytest.fixture
def proxy(upstream: LocalMock, shared_proxy: LocalMock) -> LocalMock:
    """The module's proxy in front of `upstream`, both cleared: no job, journal entry,
    fault rule or violation is left from another test. One proxy app for all: building
    one costs more than most tests here."""
    upstream.reset()
    shared_proxy.reset()
    shared_proxy.admin("DELETE", "/violations")
    return shared_proxy


@pytest.fixture(scope="module")
def wrong_url() -> Iterator[str]:
    with wrong.served() as url:
        yield url


def report(mock: LocalMock) -> dict[str, Any]:
    result: dict[str, Any] = mock.admin("GET", "/violations")
    return result


# ---- a correct upstream -------------------------------------------------------------------


def test_a_job_runs_through_the_proxy_with_no_violation(
    proxy: LocalMock, upstream: LocalMock
) -> None:
    alice = proxy.as_token("alice")
    submitted = alice.post("/entrance/submit", json=SUBMIT)
    assert submitted.headers[VIOLATIONS] == "0", report(proxy)
    exec_id = ok(submitted, "/api/entrance/submit")["execID"]
    # the upstream's own instance is in the execID: the reply came from there
    assert f"127.0.0.1:{upstream.base_url.rsplit(':', 1)[1]}" in exec_id
    status = alice.get(f"/entrance/{exec_id}/status")
    assert status.headers[VIOLATIONS] == "0"
    assert ok(status, f"/api/entrance/{exec_id}/status")["status"] in {
        "Inited",
        "Scheduled",
        "Running",
    }
    summary = report(proxy)
    assert summary["violations"] == [] and summary["exchanges"] == 2, summary
    assert {op["operationId"] for op in summary["operations"]} == {"submit", "getStatus"}
    journal = proxy.admin("GET", "/journal")["entries"]
    assert [entry["operationId"] for entry in journal] == ["submit", "getStatus"]


def test_cookies_pass_both_ways_and_are_not_shared(proxy: LocalMock) -> None:
    first, second = proxy.client(), proxy.client()
    login = first.post("/user/login", json={"userName": "alice", "password": "alice"})
    assert login.status_code == 200 and login.headers[VIOLATIONS] == "0", report(proxy)
    assert SESSION_COOKIE in login.headers["set-cookie"]
    assert first.get("/user/userInfo").json()["data"]["userName"] == "alice"
    # the proxy keeps no cookie jar: another client is not logged in
    assert second.get("/user/userInfo").status_code == 401


def test_the_reply_is_the_upstreams_byte_for_byte(proxy: LocalMock, upstream: LocalMock) -> None:
    direct = upstream.as_token("bob").get("/jobhistory/99/get")
    proxied = proxy.as_token("bob").get("/jobhistory/99/get")
    assert proxied.status_code == direct.status_code == 400
    assert proxied.content == direct.content
    dropped = {VIOLATIONS, "date", "server"}
    assert {k: v for k, v in proxied.headers.items() if k not in dropped} == {
        k: v for k, v in direct.headers.items() if k not in dropped
    }


def test_vias_through_the_proxy_keeps_the_upstreams_request_id(proxy: LocalMock) -> None:
    project = "0123456789abcdef0123456789abcdef"
    vias = proxy.client("/v2", headers={"X-Auth-Token": "vias-dev-token"})
    reply = vias.get(f"/{project}/tasks")
    assert reply.status_code == 200, reply.text
    assert reply.headers[VIOLATIONS] == "0", report(proxy)
    assert len(reply.headers.get_list("x-request-id")) == 1
    refused = proxy.client("/v2").get(f"/{project}/tasks")  # no token: the gateway's 401
    assert refused.status_code == 401
    assert refused.json()["request_id"] == refused.headers["x-request-id"]


def test_fault_rules_apply_before_forwarding(proxy: LocalMock) -> None:
    rule = {"operationId": "getStatus", "action": "status", "status": 503}
    proxy.admin("POST", "/faults", json=rule)
    reply = proxy.as_token("alice").get("/entrance/exec_id0/status")
    assert reply.status_code == 503
    assert VIOLATIONS not in reply.headers  # answered here, never forwarded
    assert report(proxy)["exchanges"] == 0


def test_a_reply_longer_than_the_buffer_streams_through_whole(upstream: LocalMock) -> None:
    """A result download past BUFFER_BYTES: passed on as it comes, checked on its status
    and headers."""
    upstream.reset()
    proxy = proxy_of(upstream.base_url, served=True)
    try:
        streamed, pieces, direct = _long_download(proxy, upstream)
        summary = report(proxy)
    finally:
        proxy.stop()
    assert streamed.status_code == direct.status_code == 200
    assert len(direct.content) > 2 * BUFFER_BYTES
    assert b"".join(pieces) == direct.content and len(pieces) > 1
    assert streamed.headers[VIOLATIONS] == "0", summary
    assert streamed.headers["content-disposition"] == direct.headers["content-disposition"]
    assert summary["exchanges"] == 3


def _long_download(
    proxy: LocalMock, upstream: LocalMock
) -> tuple[httpx.Response, list[bytes], httpx.Response]:
    alice = proxy.as_token("alice")
    # Wide rows, so that few make a long reply: each row costs the mock the same to make
    # whatever its width. 3000 stay under the 5000 the IDE's limit would cut a select to.
    columns = ", ".join(f"column_{name}_{'x' * 100}" for name in "abcdefgh")
    body = {
        **SUBMIT,
        "executionContent": {
            "code": f"select {columns} from t\n--@mock rows=3000 duration=1",
            "runType": "sql",
        },
    }
    task_id = ok(alice.post("/entrance/submit", json=body), "/api/entrance/submit")["taskID"]
    upstream.advance(60)
    task = ok(alice.get(f"/jobhistory/{task_id}/get"), f"/api/jobhistory/{task_id}/get")["task"]
    path = {"path": f"{task['resultLocation']}/_0.dolphin", "limit": "3000"}
    direct = upstream.as_token("alice").get("/filesystem/resultsetToExcel", params=path)
    with alice.stream("GET", "/filesystem/resultsetToExcel", params=path) as streamed:
        pieces = list(streamed.iter_raw())
    return streamed, pieces, direct


def test_the_size_limits_apply_before_forwarding(proxy: LocalMock, upstream: LocalMock) -> None:
    too_long = {**SUBMIT, "executionContent": {"code": "x" * (LIMITS.body_bytes + 1)}}
    reply = proxy.as_token("alice").post("/entrance/submit", json=too_long)
    assert reply.status_code == 413 and reply.json()["status"] == 1
    assert VIOLATIONS not in reply.headers  # answered here, never forwarded
    assert upstream.admin("GET", "/journal")["entries"] == []


def test_the_mocks_own_pages_stay_local(proxy: LocalMock) -> None:
    spec = proxy.http.get(proxy.api_url + "/openapi.json")
    assert spec.status_code == 200 and VIOLATIONS not in spec.headers
    assert proxy.admin("GET", "/clock")["frozen"] in (True, False)


# ---- a wrong upstream ---------------------------------------------------------------------


def violation_at(summary: dict[str, Any], operation_id: str, pointer: str) -> dict[str, Any]:
    found = [
        v
        for v in summary["violations"]
        if v["operationId"] == operation_id and v["pointer"] == pointer
    ]
    assert len(found) == 1, summary["violations"]
    violation: dict[str, Any] = found[0]
    return violation


def test_each_wrong_reply_is_reported_and_passed_on_unchanged(wrong_url: str) -> None:
    proxy = proxy_of(wrong_url, wrong_url)
    try:
        alice = proxy.as_token("alice")
        submitted = alice.post("/entrance/submit", json=SUBMIT)
        assert submitted.content == wrong.REPLIES[f"{wrong.LINKIS}/entrance/submit"][2]
        assert int(submitted.headers[VIOLATIONS]) >= 1
        status = alice.get(f"/entrance/{wrong.EXEC_ID}/status")
        assert status.json()["data"]["status"] == "Weird"
        not_found = alice.get("/user/userInfo")
        assert not_found.status_code == 404
        task = proxy.client("/v2", headers={"X-Auth-Token": "t"}).get(
            f"/{wrong.PROJECT}/tasks/{wrong.TASK}"
        )
        assert task.status_code == 200 and "x-request-id" not in task.headers
        summary = report(proxy)
    finally:
        proxy.stop()
    task_id = violation_at(summary, "submit", "/body/data/taskID")
    assert (task_id["direction"], task_id["status"], task_id["actual"]) == ("reply", 200, '"12"')
    assert "integer" in task_id["expected"]
    assert task_id["example"]["requestHeaders"]["token-code"] == "[redacted]"
    assert violation_at(summary, "getStatus", "/body/data/status")["actual"] == '"Weird"'
    assert violation_at(summary, "getUserInfo", "/status")["actual"] == "404"
    assert violation_at(summary, "showTaskInfo", "/header/x-request-id")["direction"] == "reply"


def test_no_secret_reaches_the_violation_report(proxy: LocalMock) -> None:
    """What was sent at a password is not repeated, nor are tickets, tokens and cookies in
    the example exchanges (issue 25)."""
    login = proxy.client().post(
        "/user/login", json={"userName": "alice", "password": 918273645, "captcha": "pw-SECRET"}
    )
    assert login.status_code == 400  # the upstream's answer to it
    logged_in = proxy.logged_in("alice")
    logged_in.get("/user/userInfo", params={"token": "q-SECRET"})
    text = json.dumps(report(proxy))
    violation = violation_at(report(proxy), "login", "/body/password")
    assert (violation["direction"], violation["actual"]) == ("request", "[redacted]")
    assert "918273645" not in text
    assert logged_in.cookies[SESSION_COOKIE] not in text
    assert "pw-SECRET" in text  # a member that is not a secret is shown as it came


def test_the_proxys_admin_plane_takes_its_token(upstream: LocalMock) -> None:
    proxy = proxy_of(upstream.base_url, admin_token="proxy-admin-token")
    try:
        alice = proxy.as_token("alice")  # the Linkis API is forwarded as before
        ok(alice.post("/entrance/submit", json=SUBMIT), "/api/entrance/submit")
        bare = proxy.http.get(proxy.admin_url + "/violations")
        assert bare.status_code == 401, bare.text
        assert proxy.admin("GET", "/violations")["exchanges"] == 1
        assert proxy.http.get(proxy.admin_url + "/health").status_code == 200
    finally:
        proxy.stop()


# ---- no upstream, a slow one, a cut one -----------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens once it is closed


def test_an_unreachable_target_is_a_502_in_each_apis_format() -> None:
    target = f"http://127.0.0.1:{closed_port()}"
    proxy = proxy_of(target, target)
    try:
        linkis = proxy.as_token("alice").post("/entrance/submit", json=SUBMIT)
        vias = proxy.client("/v2", headers={"X-Auth-Token": "t"}).get(f"/{wrong.PROJECT}/tasks")
    finally:
        proxy.stop()
    assert linkis.status_code == 502
    body = linkis.json()
    assert (body["status"], body["data"]) == (1, {})
    assert body["message"].startswith(
        f"operation failed(操作失败)：the proxy could not reach {target}"
    )
    assert vias.status_code == 502
    assert vias.json()["error_code"] == "APIGW.0201"
    assert vias.json()["error_msg"] == "Backend unavailable."
    assert vias.json()["request_id"] == vias.headers["x-request-id"]


def test_a_slow_target_is_a_504_after_the_timeout(wrong_url: str) -> None:
    proxy = proxy_of(wrong_url, wrong_url, timeout_s=0.3)
    try:
        started = time.monotonic()
        reply = proxy.as_token("alice").get(f"/entrance/{wrong.EXEC_ID}/progress")
        waited = time.monotonic() - started
        vias = proxy.client("/v2", headers={"X-Auth-Token": "t"}).get(f"/{wrong.PROJECT}/slow")
    finally:
        proxy.stop()
    assert reply.status_code == 504 and waited < wrong.SLOW_S
    assert reply.json()["message"].endswith("did not answer within 0.3 s")
    assert vias.status_code == 504 and vias.json()["error_msg"] == "Backend timeout."


def test_a_reply_cut_short_is_a_502_and_the_proxy_goes_on(wrong_url: str) -> None:
    proxy = proxy_of(wrong_url, timeout_s=2.0)
    try:
        reply = proxy.as_token("alice").get(f"/entrance/{wrong.EXEC_ID}/log")
        assert proxy.as_token("alice").get("/user/userInfo").status_code == 404
    finally:
        proxy.stop()
    assert reply.status_code == 502
    assert f"{wrong_url} cut the connection before its reply ended" in reply.json()["message"]


def test_a_streamed_reply_cut_midway_cuts_the_clients_connection_too(wrong_url: str) -> None:
    """Past the buffer the status is sent: a cut can only end the client's reply short,
    never pass for a whole one; the proxy serves the next request."""
    proxy = proxy_of(wrong_url, served=True)
    try:
        received = bytearray()
        alice = proxy.as_token("alice")
        with (
            pytest.raises(httpx.RemoteProtocolError),  # the cut is mid-read
            alice.stream("GET", "/filesystem/resultsetToExcel") as cut,
        ):
            assert cut.status_code == 200
            for piece in cut.iter_raw():
                received += piece
        assert BUFFER_BYTES < len(received) <= wrong.CUT_AFTER
        assert alice.get("/user/userInfo").status_code == 404  # served on
    finally:
        proxy.stop()


# Replies no HTTP client can pass on, each written raw by a socket server.
UNREADABLE = {
    "not HTTP": b"not http at all\r\n\r\n",
    "a status past 999": b"HTTP/1.1 9999 Weird\r\nContent-Length: 0\r\n\r\n",
    "a header line of 300 kB": b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n",
    "5000 headers": b"HTTP/1.1 200 OK\r\n" + b"X-A: 1\r\n" * 5000 + b"\r\n",
    "a bad chunk size": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n",
    "a 101 unasked": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n",
}


@contextmanager
def raw_upstream(reply: Callable[[bytes], bytes]) -> Iterator[str]:
    """A server that answers every connection with `reply(what it was sent)`, then
    closes it."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    done = threading.Event()

    def answer() -> None:
        while not done.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.sendall(reply(connection.recv(65_536)))

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        done.set()
        thread.join()
        server.close()


def _unreadable_reply(request: bytes) -> bytes:
    """The UNREADABLE reply whose index is in the job id polled: `exec_id<index>`."""
    path = request.split(b" ", 2)[1].decode()
    index = int(path.removesuffix("/status").rsplit("exec_id", 1)[1])
    return list(UNREADABLE.values())[index]


@pytest.fixture(scope="module")
def unreadable() -> Iterator[tuple[LocalMock, str]]:
    """One proxy, and the raw server behind it that sends each unreadable reply: one proxy
    app for all of them, as building one costs more than a case. Each case is a fresh
    connection of its own (the server closes each after its reply)."""
    with raw_upstream(_unreadable_reply) as target:
        proxy = proxy_of(target)
        try:
            yield proxy, target
        finally:
            proxy.stop()


@pytest.mark.parametrize("index", range(len(UNREADABLE)), ids=UNREADABLE.keys())
def test_a_reply_that_cannot_be_passed_on_is_a_502_with_a_short_reason(
    unreadable: tuple[LocalMock, str], index: int
) -> None:
    proxy, target = unreadable
    answer = proxy.as_token("alice").get(f"/entrance/exec_id{index}/status")
    assert answer.status_code == 502
    body = answer.json()
    assert (body["status"], body["data"]) == (1, {})
    assert f"{target} sent a reply the proxy cannot pass on: " in body["message"]
    assert len(body["message"]) < 500  # what it could not read is quoted, cut short
