"""Size limits: refused before the request is read, in the API's own error format."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from linkis_mock.config import load_settings
from linkis_mock.testing import Mock, in_process

TOKEN = {"Token-Code": "LINKIS-AUTH", "Token-User": "alice"}
SUBMIT = "/api/rest_j/v1/entrance/submit"
VIAS_TASKS = "/v2/0123456789abcdef0123456789abcdef/tasks"


@pytest.fixture(scope="module")
def small_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mock]:
    """A mock with small limits, so the tests need not send megabytes."""
    folder: Path = tmp_path_factory.mktemp("limits")
    config = folder / "limits.toml"
    config.write_text("[limits]\nbody_bytes = 1000\nurl_bytes = 500\nheader_bytes = 2000\n")
    mock = in_process(load_settings(config))
    yield mock
    mock.stop()


def post(mock: Mock, path: str, content: bytes | Iterator[bytes]) -> httpx.Response:
    headers = {**TOKEN, "Content-Type": "application/json"}
    return mock.http.post(mock.base_url + path, content=content, headers=headers)


def test_a_body_over_the_limit_is_a_413_in_the_envelope(small_mock: Mock) -> None:
    reply = post(small_mock, SUBMIT, b'{"x": "' + b"a" * 2000 + b'"}')
    assert reply.status_code == 413
    assert reply.json() == {
        "method": "/api/rest_j/v1/entrance/submit",
        "status": 1,
        "message": "operation failed(操作失败)：The request body is larger than 1000 bytes",
        "data": {},
    }


def test_a_chunked_body_is_cut_off_at_the_limit(small_mock: Mock) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"x": "'
        for _ in range(200):
            yield b"a" * 100

    reply = post(small_mock, SUBMIT, chunks())
    assert reply.status_code == 413
    assert (
        small_mock.as_token("alice")
        .get("/entrance/operation/metrics/runningtask")
        .json()["data"]["runningTaskNumber"]
        == 0
    )


def test_a_body_under_the_limit_goes_through(small_mock: Mock) -> None:
    body = (
        b'{"executionContent": {"code": "select 1", "runType": "sql"},'
        b' "labels": {"engineType": "spark"}}'
    )
    assert post(small_mock, SUBMIT, body).json()["status"] == 0

    def chunks() -> Iterator[bytes]:
        yield body[:40]
        yield body[40:]

    assert post(small_mock, SUBMIT, chunks()).json()["data"]["taskID"] == 2


def test_a_long_url_is_a_414_in_the_vias_shape(small_mock: Mock) -> None:
    reply = small_mock.http.get(
        small_mock.base_url + VIAS_TASKS,
        params={"task_name": "a" * 600},
        headers={"X-Auth-Token": "vias-dev-token"},
        timeout=10,
    )
    assert reply.status_code == 414
    assert reply.json()["error_code"] == "VIAS.00010001"
    assert reply.json()["detail"] == "The request URL is longer than 500 bytes"
    assert len(reply.headers["x-request-id"]) == 32


def test_large_headers_are_a_431_as_a_problem_on_the_admin_api(small_mock: Mock) -> None:
    reply = small_mock.http.get(
        small_mock.base_url + "/__admin/clock", headers={"X-Filler": "b" * 3000}, timeout=10
    )
    assert reply.status_code == 431
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["detail"] == "The request headers are larger than 2000 bytes"


def test_the_default_body_limit_is_ten_megabytes(running_mock: Mock) -> None:
    reply = post(running_mock, SUBMIT, b'{"x": "' + b"a" * (10 * 1024 * 1024) + b'"}')
    assert reply.status_code == 413
    assert "larger than 10485760 bytes" in reply.json()["message"]
