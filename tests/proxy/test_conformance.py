"""linkis_mock.proxy.conformance on exchanges built by hand: every example reply the
specs give passes, and each kind of break is found where it is."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from linkis_mock.apis import ApiRegistry
from linkis_mock.contract.routes import RouteTable
from linkis_mock.proxy.conformance import Conformance
from linkis_mock.proxy.exchange import ApiName, Exchange

APIS = ApiRegistry()
ROUTES = RouteTable({api.base_path: api.spec for api in APIS})
CHECK = Conformance(ROUTES)
LINKIS = APIS.linkis.base_path
EXEC_ID = "exec_id018014linkis-cg-entrance127.0.0.1:8080IDE_hadoop_spark_0"
REQUEST_ID = ("x-request-id", "8f1c2a0e5b7d4c3f9a6e1d2b3c4d5e6f")
Headers = tuple[tuple[str, str], ...]


def exchange(
    method: str,
    path: str,
    status: int,
    reply: Any,
    *,
    query: tuple[tuple[str, str], ...] = (),
    request: Any = None,
    content_type: str = "application/json",
    reply_headers: tuple[tuple[str, str], ...] = (),
    api: ApiName = "linkis",
) -> Exchange:
    body = reply if isinstance(reply, bytes) else json.dumps(reply).encode()
    return Exchange(
        api=api,
        method=method,
        path=path,
        query=query,
        request_headers=(("content-type", "application/json"),) if request is not None else (),
        request_body=json.dumps(request).encode() if request is not None else b"",
        status=status,
        reply_headers=(("content-type", content_type), *reply_headers),
        reply_body=body,
        started_ms=0,
        finished_ms=1,
    )


def status_reply(status: str = "Running") -> dict[str, Any]:
    path = f"/api/entrance/{EXEC_ID}/status"
    return {
        "method": path,
        "status": 0,
        "message": "OK",
        "data": {"execID": EXEC_ID, "status": status},
    }


def pointers(found: list[Any]) -> list[tuple[str, str]]:
    return [(f.direction, f.pointer) for f in found]


def test_a_plain_status_poll_conforms() -> None:
    assert (
        CHECK.check(exchange("GET", f"{LINKIS}/entrance/{EXEC_ID}/status", 200, status_reply()))
        == []
    )


def test_a_task_id_as_a_string_is_found_at_its_member() -> None:
    reply = {
        "method": "/api/entrance/submit",
        "status": 0,
        "message": "OK",
        "data": {"execID": EXEC_ID, "taskID": "12"},
    }
    request = {
        "executionContent": {"code": "select 1", "runType": "sql"},
        "labels": {"engineType": "spark"},
    }
    found = CHECK.check(exchange("POST", f"{LINKIS}/entrance/submit", 200, reply, request=request))
    assert [(f.pointer, f.expected, f.actual) for f in found] == [
        ("/body/data/taskID", "type integer", '"12"')
    ]
    assert found[0].operation_id == "submit" and found[0].direction == "reply"


def test_an_unknown_state_a_missing_member_and_an_undocumented_status() -> None:
    path = f"{LINKIS}/entrance/{EXEC_ID}/status"
    weird = CHECK.check(exchange("GET", path, 200, status_reply("Weird")))
    assert pointers(weird) == [("reply", "/body/data/status")] and weird[0].expected.startswith(
        "one of"
    )
    reply = status_reply()
    del reply["data"]["execID"]
    missing = CHECK.check(exchange("GET", path, 200, reply))
    assert [(f.pointer, f.actual) for f in missing] == [("/body/data/execID", "missing")]
    teapot = CHECK.check(exchange("GET", path, 418, status_reply()))
    assert [(f.pointer, f.actual) for f in teapot] == [("/status", "418")]


def test_a_wrong_media_type_and_a_body_that_is_not_json() -> None:
    path = f"{LINKIS}/entrance/{EXEC_ID}/status"
    html = CHECK.check(exchange("GET", path, 200, b"<html/>", content_type="text/html"))
    assert [(f.pointer, f.actual) for f in html] == [("/header/content-type", "text/html")]
    cut = CHECK.check(exchange("GET", path, 200, b'{"method":'))
    assert pointers(cut) == [("reply", "/body")]


def test_request_parameters_are_checked_as_the_spec_types_them() -> None:
    path = f"{LINKIS}/entrance/{EXEC_ID}/log"
    log = {
        "method": f"/api/entrance/{EXEC_ID}/log",
        "status": 0,
        "message": "OK",
        "data": {"execID": EXEC_ID, "log": ["", "", "", ""], "fromLine": 1},
    }
    found = CHECK.check(exchange("GET", path, 200, log, query=(("fromLine", "abc"),)))
    assert [(f.direction, f.pointer, f.actual) for f in found] == [
        ("request", "/query/fromLine", '"abc"')
    ]


def test_a_vias_reply_needs_its_request_id() -> None:
    project = "0123456789abcdef0123456789abcdef"
    reply = {"count": 0, "page": 1, "page_size": 10, "tasks": []}
    path = f"/v2/{project}/tasks"
    with_id = CHECK.check(
        exchange("GET", path, 200, reply, api="vias", reply_headers=(REQUEST_ID,))
    )
    without = CHECK.check(exchange("GET", path, 200, reply, api="vias"))
    assert [f for f in with_id if f.pointer.startswith("/header")] == []
    assert [(f.pointer, f.actual) for f in without if f.pointer.startswith("/header")] == [
        ("/header/x-request-id", "missing")
    ]


def test_paths_no_operation_matches() -> None:
    found = CHECK.check(exchange("GET", f"{LINKIS}/no/such/thing", 404, {}))
    assert [(f.operation_id, f.pointer) for f in found] == [(None, "/path")]
    wrong_method = CHECK.check(exchange("DELETE", f"{LINKIS}/entrance/submit", 405, {}))
    assert "POST" in wrong_method[0].expected


def test_a_truncated_reply_is_judged_on_its_status_and_headers_only() -> None:
    path = f"{LINKIS}/entrance/{EXEC_ID}/status"
    cut = exchange("GET", path, 200, b'{"broken')
    truncated = Exchange(**{**{f: getattr(cut, f) for f in cut.__slots__}, "reply_truncated": True})
    assert CHECK.check(truncated) == []


def documented_examples() -> Iterator[tuple[str, str, str, str, str, Any, Headers]]:
    """(api, method, path with sample ids, status, media type, example, the response's
    required headers with their example values) of every example reply."""
    samples = {
        "id": EXEC_ID,
        "taskID": "7",
        "project_id": "0123456789abcdef0123456789abcdef",
        "task_id": "5f0c2e7a-8a3b-4f0c-9d61-3c1b2a4e5d6f",
    }
    for api in (APIS.linkis, APIS.vias):
        spec = api.spec
        for template, item in spec["paths"].items():
            path = api.base_path + re.sub(
                r"\{(\w+)\}", lambda m: samples.get(m[1], "sample"), template
            )
            for method, operation in item.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                resolve = ROUTES.operation(method.upper(), path)
                assert resolve is not None, (method, path)
                for status, raw in operation["responses"].items():
                    response = resolve.resolve(raw)
                    headers = tuple(
                        (name.lower(), str(resolve.resolve(header).get("example", "x")))
                        for name, header in response.get("headers", {}).items()
                        if resolve.resolve(header).get("required")
                    )
                    for media, content in response.get("content", {}).items():
                        for example in content.get("examples", {}).values():
                            value = resolve.resolve(example).get("value")
                            yield api.name, method.upper(), path, status, media, value, headers


EXAMPLES = list(documented_examples())


@pytest.mark.parametrize("case", EXAMPLES)
def test_every_documented_example_reply_conforms(
    case: tuple[ApiName, str, str, str, str, Any, Headers],
) -> None:
    api, method, path, status, media, value, headers = case
    if "json" not in media:
        return  # files and plain text: their bodies have no schema to check
    found = CHECK.check(
        exchange(
            method, path, int(status), value, api=api, content_type=media, reply_headers=headers
        )
    )
    replies = [f for f in found if f.direction == "reply"]
    assert replies == [], replies


def test_the_findings_of_one_exchange_are_capped() -> None:
    reply = {"method": 1, "status": "x", "message": 2, "data": {f"m{n}": n for n in range(200)}}
    found = CHECK.check(exchange("GET", f"{LINKIS}/entrance/{EXEC_ID}/status", 200, reply))
    assert 3 < len(found) <= 50
