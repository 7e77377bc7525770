"""linkis_mock.proxy.conformance on exchanges built by hand: real reply shapes taken from
the specs' examples, then broken one way at a time, each found where it is; and every
example reply of the three specs, replayed to its operation, found conforming."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from linkis_mock.apis import ApiRegistry
from linkis_mock.contract.routes import Operation, RouteTable
from linkis_mock.proxy.conformance import MAX_FINDINGS, Conformance, Finding
from linkis_mock.proxy.exchange import ApiName, Exchange, Pairs

APIS = ApiRegistry()
ROUTES = RouteTable({api.base_path: api.spec for api in APIS})
CHECK = Conformance(ROUTES)
LINKIS = APIS.linkis.base_path
VIAS = APIS.vias.base_path
EXEC_ID = "exec_id018014linkis-cg-entrance127.0.0.1:8080IDE_hadoop_spark_0"
PROJECT = "0123456789abcdef0123456789abcdef"
REQUEST_ID = ("x-request-id", "8f1c2a0e5b7d4c3f9a6e1d2b3c4d5e6f")
JSON = "application/json"
SUBMIT_BODY = {
    "executionContent": {"code": "select 1", "runType": "sql"},
    "labels": {"engineType": "spark-2.4.3", "userCreator": "hadoop-IDE"},
}


def exchange(
    method: str,
    path: str,
    status: int,
    reply: Any,
    *,
    query: Pairs = (),
    request: Any = None,
    request_headers: Pairs = (),
    content_type: str | None = JSON,
    reply_headers: Pairs = (),
    api: ApiName = "linkis",
) -> Exchange:
    """An exchange; bodies that are not bytes are sent as JSON."""
    if request is not None and not isinstance(request, bytes):
        request = json.dumps(request).encode()
        request_headers = (("content-type", JSON), *request_headers)
    typed = (("content-type", content_type),) if content_type else ()
    return Exchange(
        api=api,
        method=method,
        path=path,
        query=query,
        request_headers=request_headers,
        request_body=request or b"",
        status=status,
        reply_headers=(*typed, *reply_headers),
        reply_body=reply if isinstance(reply, bytes) else json.dumps(reply).encode(),
        started_ms=0,
        finished_ms=1,
    )


def envelope(method: str | None, data: Any, status: int = 0) -> dict[str, Any]:
    return {"method": method, "status": status, "message": "OK", "data": data}


def status_poll(reply: Any, status: int = 200, **given: Any) -> Exchange:
    return exchange("GET", f"{LINKIS}/entrance/{EXEC_ID}/status", status, reply, **given)


def status_reply(state: str = "Running") -> dict[str, Any]:
    return envelope(f"/api/entrance/{EXEC_ID}/status", {"status": state, "execID": EXEC_ID})


def submit(reply: Any, status: int = 200, request: Any = SUBMIT_BODY) -> Exchange:
    return exchange("POST", f"{LINKIS}/entrance/submit", status, reply, request=request)


def submit_reply(task_id: Any = 1) -> dict[str, Any]:
    return envelope("/api/entrance/submit", {"execID": EXEC_ID, "taskID": task_id})


def log_poll(query: Pairs, data: Any = None) -> Exchange:
    data = data or {"log": ["", "", "", "line"], "execID": EXEC_ID, "fromLine": 2}
    reply = envelope(f"/api/entrance/{EXEC_ID}/log", data)
    return exchange("GET", f"{LINKIS}/entrance/{EXEC_ID}/log", 200, reply, query=query)


def vias_list(reply_headers: Pairs = (REQUEST_ID,), status: int = 200) -> Exchange:
    reply = {"count": 0, "page": 1, "page_size": 10, "tasks": []}
    path = f"{VIAS}/{PROJECT}/tasks"
    return exchange("GET", path, status, reply, api="vias", reply_headers=reply_headers)


def shown(found: list[Finding]) -> list[tuple[str, str, str, str]]:
    return [(f.direction, f.pointer, f.expected, f.actual) for f in found]


# ---- a conforming exchange, and one break at a time ------------------------------------


def test_a_correct_status_poll_gives_no_finding() -> None:
    assert CHECK.check(status_poll(status_reply())) == []
    with_task_id = status_poll(status_reply("Succeed"), query=(("taskID", "7"),))
    assert CHECK.check(with_task_id) == []


def test_a_task_id_as_a_string_is_found_at_its_member() -> None:
    found = CHECK.check(submit(submit_reply("12")))
    assert shown(found) == [("reply", "/body/data/taskID", "type integer", '"12"')]
    assert found[0].operation_id == "submit" and found[0].status == 200


def test_an_undocumented_envelope_status_is_found() -> None:
    reply = status_reply()
    reply["status"] = 2
    assert shown(CHECK.check(status_poll(reply))) == [("reply", "/body/status", "one of [0]", "2")]
    # An error reply's envelope says 1: 0 is not one of its values.
    unknown = envelope(f"/api/entrance/{EXEC_ID}/status", {}, status=0)
    assert shown(CHECK.check(status_poll(unknown, status=400))) == [
        ("reply", "/body/status", "one of [1]", "0")
    ]


def test_a_missing_required_member_is_pointed_at_where_it_belongs() -> None:
    reply = status_reply()
    del reply["data"]["execID"]
    assert shown(CHECK.check(status_poll(reply))) == [
        ("reply", "/body/data/execID", 'required member "execID"', "missing")
    ]


def test_an_undocumented_member_is_pointed_at_where_it_is_names_escaped() -> None:
    reply = status_reply()
    reply["data"]["a/b~c"] = [1]
    assert shown(CHECK.check(status_poll(reply))) == [
        ("reply", "/body/data/a~1b~0c", "no undocumented member", "[1]")
    ]


def test_every_schema_error_is_reported_each_at_its_own_pointer() -> None:
    reply = {"method": 5, "status": 0, "message": "OK", "data": {"status": "Weird"}}
    assert shown(CHECK.check(status_poll(reply))) == [
        ("reply", "/body/method", "type string", "5"),
        ("reply", "/body/data/execID", 'required member "execID"', "missing"),
        ("reply", "/body/data/status", 'one of ["Inited", "WaitForRetry", "Scheduled", '
         '"Running", "Succeed", "Failed", "Cancelled", "Timeout"]', '"Weird"'),
    ]  # fmt: skip


def test_null_is_judged_by_nullable() -> None:
    reply = status_reply()
    reply["method"] = None  # Method is nullable
    assert CHECK.check(status_poll(reply)) == []
    reply["data"]["execID"] = None  # execID is not: one finding, not one per keyword
    assert shown(CHECK.check(status_poll(reply))) == [
        ("reply", "/body/data/execID", "type string", "null")
    ]


def test_an_undocumented_status_is_found_and_ends_the_reply_check() -> None:
    assert shown(CHECK.check(submit({"whatever": 1}, status=404))) == [
        ("reply", "/status",
         "a documented status (200, 400, 401, 413, 414, 431, 500, 502, 503, 504)", "404"),
    ]  # fmt: skip
    assert CHECK.check(status_poll(envelope(None, {}, status=1), status=404)) == []


def test_a_vias_reply_without_its_required_request_id() -> None:
    assert CHECK.check(vias_list()) == []
    assert shown(CHECK.check(vias_list(reply_headers=()))) == [
        ("reply", "/header/x-request-id", "header X-Request-Id", "missing")
    ]
    assert shown(CHECK.check(vias_list(reply_headers=(("x-request-id", "NOT-HEX"),)))) == [
        ("reply", "/header/x-request-id", "pattern ^[0-9a-f]{32}$", '"NOT-HEX"')
    ]


def test_the_reply_media_type_is_checked_without_its_parameters() -> None:
    utf8 = status_poll(status_reply(), content_type="application/json; charset=UTF-8")
    assert CHECK.check(utf8) == []
    html = status_poll(b"<html/>", content_type="text/html")
    assert shown(CHECK.check(html)) == [
        ("reply", "/header/content-type", "media type application/json", "text/html")
    ]
    untyped = status_poll(status_reply(), content_type=None)
    assert [(f.pointer, f.actual) for f in CHECK.check(untyped)] == [
        ("/header/content-type", "missing")
    ]


def test_a_body_that_is_not_json_where_json_is_documented() -> None:
    for body, actual in ((b'{"method":', '"{\\"method\\":"'), (b"\xff\xfe", '"\ufffd\ufffd"')):
        assert shown(CHECK.check(status_poll(body))) == [
            ("reply", "/body", "a JSON body (application/json)", actual)
        ]
    assert [f.actual for f in CHECK.check(status_poll(b""))] == ["empty"]


def test_a_truncated_reply_is_judged_on_its_status_and_headers_only() -> None:
    cut = replace(status_poll(b'{"method": "/api/entr'), reply_truncated=True)
    assert CHECK.check(cut) == []
    assert [f.pointer for f in CHECK.check(replace(cut, status=418))] == ["/status"]
    html = replace(cut, reply_headers=(("content-type", "text/html"),))
    assert [f.pointer for f in CHECK.check(html)] == ["/header/content-type"]
    vias = replace(vias_list(reply_headers=()), reply_body=b"{", reply_truncated=True)
    assert [f.pointer for f in CHECK.check(vias)] == ["/header/x-request-id"]


# ---- the request ------------------------------------------------------------------------


def test_query_parameters_are_read_as_the_spec_types_them() -> None:
    good = (("fromLine", "-3"), ("size", "100"), ("distinctLevel", "false"))
    assert CHECK.check(log_poll(good)) == []
    assert shown(CHECK.check(log_poll((("fromLine", "abc"),)))) == [
        ("request", "/query/fromLine", "type integer", '"abc"')
    ]
    bad = (("fromLine", "1.5"), ("size", "99999999999"), ("distinctLevel", "True"))
    assert shown(CHECK.check(log_poll(bad))) == [
        ("request", "/query/fromLine", "type integer", '"1.5"'),
        ("request", "/query/size", "format int32", "99999999999"),
        ("request", "/query/size", "a value <= 2147483647", "99999999999"),
        ("request", "/query/distinctLevel", "type boolean", '"True"'),
    ]
    # Undeclared parameters are not judged (the Linkis API is not strict about them).
    assert CHECK.check(log_poll((("anything", "x"),))) == []


def test_path_parameters_are_read_as_the_spec_types_them() -> None:
    path = f"{LINKIS}/jobhistory/abc/get"
    found = CHECK.check(exchange("GET", path, 400, envelope(None, {}, status=1)))
    assert [(f.direction, f.pointer, f.actual) for f in found] == [
        ("request", "/path/taskID", '"abc"')
    ]
    assert found[0].operation_id == "getJobHistory"


def test_required_query_parameters_must_be_there() -> None:
    path = f"{LINKIS}/jobhistory/download-job-list"
    found = CHECK.check(
        exchange(
            "GET",
            path,
            200,
            b"PK\x03\x04",
            query=(("isDeptView", "false"),),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            reply_headers=(
                ("content-disposition", "attachment;filename=hadoop_null_history.xlsx"),
                ("content-length", "4"),
            ),
        )
    )
    assert shown(found) == [
        ("request", "/query/isAdminView", "query parameter isAdminView", "missing")
    ]


def test_the_json_request_body_is_checked_against_its_schema() -> None:
    assert CHECK.check(submit(submit_reply())) == []
    wrong = {"executionContent": "select 1", "labels": {"engineType": "spark"}}
    assert shown(CHECK.check(submit(submit_reply(), request=wrong))) == [
        ("request", "/body/executionContent", "type object", '"select 1"')
    ]
    missing = CHECK.check(submit(submit_reply(), request=None))
    assert shown(missing) == [("request", "/body", "a request body", "missing")]
    not_json = submit(submit_reply(), request=b"{code")
    not_json = replace(not_json, request_headers=(("content-type", JSON),))
    assert shown(CHECK.check(not_json)) == [
        ("request", "/body", "a JSON body (application/json)", '"{code"')
    ]
    form = replace(not_json, request_headers=(("content-type", "text/plain"),))
    assert shown(CHECK.check(form)) == [
        ("request", "/header/content-type", "media type application/json", "text/plain")
    ]


def test_a_vias_request_body_missing_required_members() -> None:
    path = f"{VIAS}/{PROJECT}/services/intrusion/tasks"
    body = {"name": "gate cam!", "input": {"type": "obs", "data": []}, "output": {}}
    reply = {"tasks": [{"id": "3d7c81cf35784d88a4e26066bcc5debd"}]}
    found = CHECK.check(
        exchange("POST", path, 200, reply, request=body, api="vias", reply_headers=(REQUEST_ID,))
    )
    assert [(f.direction, f.pointer, f.actual) for f in found][:2] == [
        ("request", "/body/service_version", "missing"),
        ("request", "/body/name", '"gate cam!"'),
    ]
    assert all(f.direction == "request" and f.operation_id == "createTask" for f in found)


# ---- what no operation matches ------------------------------------------------------------


def test_an_unknown_path_under_a_spec_is_one_finding() -> None:
    found = CHECK.check(exchange("GET", f"{LINKIS}/no/such/thing", 404, {}))
    assert [(f.operation_id, f.direction, f.pointer, f.actual) for f in found] == [
        (None, "request", "/path", f"{LINKIS}/no/such/thing")
    ]
    wrong_method = CHECK.check(exchange("DELETE", f"{LINKIS}/entrance/submit", 405, {}))
    assert shown(wrong_method) == [("request", "/path", "a documented method (POST)", "DELETE")]


def test_a_path_outside_every_spec_gives_nothing() -> None:
    for path in ("/elsewhere", "/api/rest_j/v10/entrance/submit", "/v2x/tasks", "/"):
        assert CHECK.check(exchange("GET", path, 200, {"any": "thing"})) == []


# ---- oneOf, the cap ---------------------------------------------------------------------


def test_a_failed_one_of_is_one_finding_at_its_node() -> None:
    data = {"log": 5, "execID": EXEC_ID, "fromLine": 2}
    assert shown(CHECK.check(log_poll((), data))) == [
        ("reply", "/body/data/log", "exactly one of [array, string or null]", "5")
    ]


def test_a_one_of_that_only_one_branch_can_be_is_judged_inside_that_branch() -> None:
    """`oneOf: [FileTree, NullValue]` and an object: the tree's own errors, however deep
    (FileTree is recursive: the registry resolves the $ref the inlining kept)."""
    leaf = {"name": "a", "path": "/a", "properties": {}, "isLeaf": True, "parentPath": "/"}
    leaf["children"] = None
    inner = {**leaf, "isLeaf": False, "children": [{**leaf, "name": 3}]}
    tree = {**leaf, "properties": None, "parentPath": None, "children": [leaf, inner]}
    reply = envelope("/api/filesystem/getDirFileTrees", {"dirFileTrees": tree})
    path = f"{LINKIS}/filesystem/getDirFileTrees"
    found = CHECK.check(exchange("GET", path, 200, reply, query=(("path", "/a"),)))
    assert shown(found) == [
        ("reply", "/body/data/dirFileTrees/children/1/children/0/name", "type string", "3")
    ]
    tree["children"] = [leaf, {**inner, "children": [leaf]}]
    assert CHECK.check(exchange("GET", path, 200, reply, query=(("path", "/a"),))) == []


def test_the_findings_of_one_exchange_are_capped() -> None:
    reply = submit_reply()
    reply["data"] = {f"member{n}": n for n in range(200)}  # 200 undocumented, 2 missing
    found = CHECK.check(submit(reply))
    assert len(found) == MAX_FINDINGS == 50
    assert len({f.pointer for f in found}) == MAX_FINDINGS
    assert all(f.pointer.startswith("/body/data/") for f in found)
    assert found[0] == Finding(
        "submit", "reply", 200, "/body/data/member0", "no undocumented member", "0"
    )


def test_a_long_actual_value_is_cut() -> None:
    found = CHECK.check(submit(submit_reply(["x" * 50] * 20)))
    assert len(found) == 1 and len(found[0].actual) == 200 and found[0].actual.endswith("…")


# ---- a spec of its own: no content, status ranges, arrays, header parameters ------------

TINY_SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "servers": [{"url": "/tiny"}],
    "paths": {
        "/items/{n}": {
            "parameters": [
                {"name": "n", "in": "path", "required": True, "schema": {"type": "number"}}
            ],
            "delete": {
                "operationId": "deleteItem",
                "parameters": [
                    {"name": "X-Trace", "in": "header", "required": True, "schema": {}},
                    {
                        "name": "ids",
                        "in": "query",
                        "schema": {"type": "array", "items": {"type": "integer"}},
                    },
                    {
                        "name": "tags",
                        "in": "query",
                        "explode": False,
                        "schema": {"type": "array", "items": {"enum": ["a", "b"]}},
                    },
                    {
                        "name": "q",
                        "in": "query",
                        "allowEmptyValue": True,
                        "schema": {"type": "integer"},
                    },
                ],
                "responses": {
                    "204": {"description": "Gone."},
                    "4XX": {
                        "description": "Refused.",
                        "content": {
                            "application/problem+json": {
                                "schema": {"$ref": "#/components/schemas/Problem"}
                            }
                        },
                    },
                    "default": {
                        "description": "Anything else.",
                        "content": {"text/*": {"schema": {"type": "string"}}},
                    },
                },
            },
        }
    },
    "components": {
        "schemas": {
            "Problem": {
                "type": "object",
                "required": ["title"],
                "properties": {"title": {"type": "string"}},
            }
        }
    },
}
TINY = Conformance(RouteTable({"/tiny": TINY_SPEC}))
TRACE = (("x-trace", "t-1"),)


def tiny(
    status: int = 204,
    reply: bytes = b"",
    *,
    n: str = "3.5",
    query: Pairs = (),
    headers: Pairs = TRACE,
    content_type: str | None = None,
) -> list[Finding]:
    return TINY.check(
        exchange(
            "DELETE",
            f"/tiny/items/{n}",
            status,
            reply,
            query=query,
            request_headers=headers,
            content_type=content_type,
        )
    )


def test_a_response_without_content_must_come_without_a_body() -> None:
    query = (("ids", "1"), ("ids", "-2"), ("tags", "a,b"), ("q", ""))
    assert tiny(query=query) == []
    assert shown(tiny(reply=b"gone")) == [("reply", "/body", "an empty body", '"gone"')]


def test_status_ranges_and_default() -> None:
    problem = json.dumps({"title": 7}).encode()
    assert shown(tiny(418, problem, content_type="application/problem+json")) == [
        ("reply", "/body/title", "type string", "7")
    ]
    assert tiny(503, b"busy", content_type="text/plain; charset=utf-8") == []
    assert shown(tiny(503, b"{}", content_type=JSON)) == [
        ("reply", "/header/content-type", "media type text/*", JSON)
    ]


def test_array_number_and_header_parameters() -> None:
    bad = (("ids", "1"), ("ids", "x"), ("tags", "a,c"), ("q", "y"))
    assert shown(tiny(query=bad, n="1e3x", headers=())) == [
        ("request", "/path/n", "type number", '"1e3x"'),
        ("request", "/header/x-trace", "header parameter X-Trace", "missing"),
        ("request", "/query/ids/1", "type integer", '"x"'),
        ("request", "/query/tags/1", 'one of ["a", "b"]', '"c"'),
        ("request", "/query/q", "type integer", '"y"'),
    ]


# ---- every documented example ---------------------------------------------------------


def test_every_example_reply_of_the_three_specs_conforms() -> None:
    """Each example of each response, replayed as the reply to a request built from the
    spec's own parameter and request body examples: not one finding, either way."""
    cases = list(example_exchanges())
    assert len(cases) > 300  # all three specs were read
    failures = [(name, shown(found)) for name, case in cases if (found := CHECK.check(case))]
    assert failures == []


def example_exchanges() -> Iterator[tuple[str, Exchange]]:
    for api in APIS:
        for template, item in api.spec["paths"].items():
            for method, spec in item.items():
                if isinstance(spec, dict) and "responses" in spec:
                    route, operation = ROUTES.find(method.upper(), spec["operationId"])
                    request = example_request(operation, api.base_path + template, item)
                    assert route.path_parameters(request.path) is not None, request.path
                    yield from example_replies(operation, request)


def example_replies(operation: Operation, request: Exchange) -> Iterator[tuple[str, Exchange]]:
    """The request, answered with each example of each of the operation's responses."""
    for status, raw in operation.spec["responses"].items():
        response = operation.resolve(raw)
        headers = tuple(
            (name.lower(), header_text(example_of(operation, operation.resolve(header))))
            for name, header in response.get("headers", {}).items()
            if operation.resolve(header).get("required")
        )
        for media_type, media in response.get("content", {}).items():
            for label, value in examples_of(operation, media):
                body = json.dumps(value) if "json" in media_type else str(value)
                case = replace(
                    request,
                    status=int(status),
                    reply_headers=(("content-type", media_type), *headers),
                    reply_body=body.encode(),
                )
                yield f"{operation.operation_id} {status} {media_type} {label}", case


def example_request(operation: Operation, template: str, path_item: dict[str, Any]) -> Exchange:
    """A request to the operation built from its parameters' and body's examples."""
    path, query, headers = template, [], []
    for raw in [*path_item.get("parameters", []), *operation.spec.get("parameters", [])]:
        parameter = operation.resolve(raw)
        text = header_text(example_of(operation, parameter))
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", text)
        elif parameter.get("required") and parameter["in"] == "query":
            query.append((str(parameter["name"]), text))
        elif parameter.get("required") and parameter["in"] == "header":
            headers.append((str(parameter["name"]).lower(), text))
    body = b""
    if "requestBody" in operation.spec:
        content = operation.resolve(operation.spec["requestBody"])["content"]
        media_type, media = next(iter(content.items()))
        body = json.dumps(next(examples_of(operation, media))[1]).encode()
        headers.append(("content-type", str(media_type)))
    return replace(
        exchange("GET", path, 200, b"", query=tuple(query), request_headers=tuple(headers)),
        method=next(m.upper() for m, spec in path_item.items() if spec is operation.spec),
        request_body=body,
    )


def examples_of(operation: Operation, holder: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(name, value) of every example of a media type."""
    if "example" in holder:
        yield "example", holder["example"]
    for name, example in holder.get("examples", {}).items():
        yield name, operation.resolve(example)["value"]


def example_of(operation: Operation, holder: dict[str, Any]) -> Any:
    """The first example of a parameter or header, or of its schema."""
    schema = operation.resolve(holder.get("schema", {}))
    for found in (examples_of(operation, holder), examples_of(operation, schema)):
        for _, value in found:
            return value
    if "default" in schema:
        return schema["default"]
    return {"integer": 1, "boolean": True}.get(str(schema.get("type")), "sample")


def header_text(value: Any) -> str:
    """A value as a parameter or header writes it (booleans in lower case)."""
    return json.dumps(value) if isinstance(value, bool) else str(value)


# ---- no web framework -------------------------------------------------------------------


def test_the_check_loads_no_web_framework() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys, linkis_mock.proxy.conformance\n"
            "print(json.dumps(sorted(sys.modules)))",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    frameworks = ("connexion", "starlette", "uvicorn", "httpx")
    imported = [m for m in json.loads(loaded.stdout) if m.split(".")[0] in frameworks]
    assert imported == []
