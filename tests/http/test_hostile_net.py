"""A systematic net for hostile input: raw requests to a live server, for every operation
of the three specs.

Schemathesis sends what the schemas describe; this sends what they do not: arbitrary
bytes and edge-value JSON as bodies, odd and repeated headers and cookies, odd query
strings (repeated names, huge numbers, non-ASCII digits, NUL), odd path segments. The
requests are written byte by byte on a socket, so no client library tidies them up,
but they stay valid HTTP/1.1: what the HTTP parser itself refuses never reaches the mock.

For each request: no 5xx and a reply in the format of the API the path belongs to; after
each operation's requests, a plain poll of an existing job answers byte for byte as
before; nothing the mock or its server logs is an error. All of it once straight to the
mock, and once through the proxy in front of it, and once with the state in PostgreSQL.
"""

from __future__ import annotations

import functools
import http.client
import json
import logging
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from linkis_mock.config import load_settings
from linkis_mock.specs import ADMIN_SPEC, LINKIS_SPEC, VIAS_SPEC, load_spec
from linkis_mock.testing import Mock, free_port, proxy_of, serve_in_thread
from tests.helpers.linkis import submit
from tests.helpers.postgres import PostgresServer, fresh_database

pytestmark = pytest.mark.runs_long

SPECS = {
    "/api/rest_j/v1": LINKIS_SPEC,
    "/v2": VIAS_SPEC,
    "/__admin": ADMIN_SPEC,
}
# The one operation whose purpose is to forget everything, whatever it is sent.
LEFT_OUT = {"reset"}
# Per operation and backend; `make fuzz` runs 300, exploring (not derandomized).
EXAMPLES = int(os.environ.get("HOSTILE_NET_EXAMPLES", "12"))
METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH")

ENVELOPE = {"method", "status", "message", "data"}
VIAS_ERROR = {"error_code", "error_msg", "detail", "params", "reason", "advice"}
GATEWAY_ERROR = {"error_code", "error_msg", "request_id"}
PROBLEM = {"type", "title", "status", "detail"}


@dataclass(frozen=True)
class Operation:
    base: str
    method: str
    template: str
    operation_id: str
    query_names: tuple[str, ...]
    # Media types other than JSON the operation documents (downloads: files, plain-text errors).
    file_types: frozenset[str] = frozenset()


def _operations() -> list[Operation]:
    found = []
    for base, file in SPECS.items():
        spec = load_spec(file)
        for template, item in spec["paths"].items():
            for method, operation in item.items():
                if method == "parameters" or operation["operationId"] in LEFT_OUT:
                    continue
                names = tuple(
                    p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"
                )
                found.append(
                    Operation(
                        base,
                        method.upper(),
                        template,
                        operation["operationId"],
                        names,
                        _file_types(spec, operation),
                    )
                )
    return found


def _file_types(spec: dict[str, Any], operation: dict[str, Any]) -> frozenset[str]:
    responses = spec.get("components", {}).get("responses", {})
    types = set()
    for declared in operation.get("responses", {}).values():
        response = (
            responses[declared["$ref"].rsplit("/", 1)[-1]] if "$ref" in declared else declared
        )
        types |= {t for t in response.get("content", {}) if "json" not in t}
    return frozenset(types)


OPERATIONS = _operations()

# ---- the pieces of a hostile request ------------------------------------------------------

EDGE_TEXT = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "1e999",
    "NaN",
    "Infinity",
    "9" * 30,
    "9" * 5000,
    "0x1f",
    "+5",
    "١٢٣",
    "１２３",
    "true",
    "null",
    "[]",
    "{}",
    "..",
    "../../etc/passwd",
    "a" * 3000,
    "\x00",
    "a\x00b",
    "\ud800",
    "é",
    "😀",
    "%",
    "%%",
    "%zz",
    "%2F",
    "a/b",
    "exec_id",
    ";",
    "exec_id018014linkis-cg-entrance127.0.0.1:8080IDE_alice_spark_0",
    "\r\n",
    "\t",
]
text_values = st.sampled_from(EDGE_TEXT) | st.text(max_size=40)


def _encoded(text: str) -> str:
    """Percent-encoded as a client would send it; lone surrogates as the bytes Java writes."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


segments = st.one_of(
    text_values.map(_encoded),
    st.sampled_from(["%00", "%FF", "%C3%28", "%2e%2e", "%252F", "a%2Fb", "..", "."]),
)
query_pairs = st.lists(
    st.tuples(
        st.sampled_from(["fromLine", "size", "taskID", "path", "page", "user", "x", ""])
        | st.text(max_size=8),
        text_values,
    ),
    max_size=5,
)


def _json_like(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


EDGE_JSON = [
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"1e999",
    b"-1e999",
    b"9" * 5000,
    b"-" + b"9" * 400,
    b'"\\ud800"',
    b'"\\udfff\\ud800"',
    b'"\\u0000"',
    b"[" * 2000,
    b"[" * 150 + b"]" * 150,
    b'{"a":' * 150 + b"1" + b"}" * 150,
    b"1.0e-400",
    b"-0",
    b"0.1e1",
    b"true",
    b"null",
    b"9223372036854775808",
    b"-9223372036854775809",
    b'"\xed\xa0\x80"',
    b"\xef\xbb\xbf{}",
    b"{}",
    b"[]",
    b'""',
    b"{,}",
    b'{"a" 1}',
    b"[1,]",
]
member_names = st.sampled_from(
    [
        "executionContent",
        "code",
        "runType",
        "labels",
        "engineType",
        "params",
        "idList",
        "taskIDList",
        "userName",
        "password",
        "name",
        "input",
        "output",
        "seconds",
        "speed",
        "frozen",
        "state",
        "operationId",
        "action",
        "status",
        "version",
        "jobs",
    ]
) | st.text(max_size=6)
json_scalars = st.one_of(
    st.sampled_from(EDGE_JSON),
    st.integers().map(lambda n: str(n).encode()),
    st.floats().map(lambda f: _json_like(f).encode()),
    text_values.map(lambda t: _json_like(t).encode("utf-8", "surrogatepass")),
)
json_bodies: st.SearchStrategy[bytes] = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda items: b"[" + b",".join(items) + b"]"),
        st.lists(st.tuples(member_names, inner), max_size=4).map(
            lambda members: (
                b"{" + b",".join(_json_like(k).encode() + b":" + v for k, v in members) + b"}"
            )
        ),
    ),
    max_leaves=12,
)
bodies = st.one_of(st.none(), st.binary(max_size=200), json_bodies)

# Header values as HTTP allows them: visible ASCII, spaces, tabs and obs-text (0x80-0xFF).
header_text = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"),
    max_size=60,
)
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=utf-8",
    "application/json;charset=latin-1",
    'application/json;charset="utf-16"',
    "application/json;charset=nonsense",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
    "application/merge-patch+json",
    "*/*",
    "application/",
    "",
]


@dataclass(frozen=True)
class Credentials:
    alice_cookie: str


@functools.cache
def _header_strategies(
    credentials: Credentials,
) -> tuple[st.SearchStrategy[list[str]], dict[str, st.SearchStrategy[str]]]:
    """The names to send (repeats: repeated headers) and each name's values, built once per
    set of credentials: building Hypothesis strategies costs more than drawing from them."""
    cookie = st.one_of(
        st.just(credentials.alice_cookie),
        st.sampled_from(
            ["$Foo=bar", "a=b,c=d", '=";', "==;;", "linkis_user_session_ticket_id_v1="]
        ),
        header_text,
    )
    pool = {
        "Cookie": st.lists(cookie, min_size=1, max_size=3).map("; ".join),
        "Token-Code": st.sampled_from(["LINKIS-AUTH", "", "ADMIN-X", "LINKIS-AUTH "]) | header_text,
        "Token-User": st.sampled_from(["alice", "bob", "", "hadoop", "a" * 300]) | header_text,
        "X-Auth-Token": st.sampled_from(["vias-dev-token", "vias-other-token", ""]) | header_text,
        "Content-Type": st.sampled_from(CONTENT_TYPES) | header_text,
        "Prefer": st.sampled_from(["code=200", "code=999", "example=x", "code=400, example=y"])
        | header_text,
        "Origin": st.sampled_from(["http://localhost:5173", "null", "http://evil.example"])
        | header_text,
        "Accept": header_text,
        "X-Request-Id": header_text,
    }
    return st.lists(st.sampled_from(sorted(pool)), max_size=7), pool


def _headers(draw: st.DrawFn, credentials: Credentials) -> list[tuple[str, str]]:
    names_strategy, pool = _header_strategies(credentials)
    names = draw(names_strategy)
    return [(name, draw(pool[name])) for name in names]


USUAL_METHOD = st.integers(0, 5)  # 0 (one in six): any method, not only the operation's
OTHER_METHODS = st.sampled_from(METHODS)
COIN = st.booleans()


@st.composite
def requests(draw: st.DrawFn, operation: Operation, credentials: Credentials) -> bytes:
    path = operation.template
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + draw(segments) + path[end + 1 :]
    pairs = draw(query_pairs)
    if draw(COIN):
        pairs += [(name, draw(text_values)) for name in operation.query_names]
    query = "&".join(f"{_encoded(k)}={_encoded(v)}" for k, v in pairs)
    method = operation.method if draw(USUAL_METHOD) else draw(OTHER_METHODS)
    target = operation.base + path + (f"?{query}" if query or draw(COIN) else "")
    body = draw(bodies)
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value.strip()}" for name, value in _headers(draw, credentials)]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    lines.append("Connection: close")
    return "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + (body or b"")


# ---- the server and the checks ------------------------------------------------------------


@dataclass
class Net:
    mock: Mock
    credentials: Credentials
    canary: str
    canary_reply: bytes

    def send(self, request: bytes) -> tuple[int, dict[str, str], bytes]:
        host, port = self.mock.base_url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=20) as sock:
            sock.sendall(request)
            reply = http.client.HTTPResponse(sock)
            reply.begin()
            return reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read()

    def poll_canary(self) -> bytes:
        request = (
            f"GET /api/rest_j/v1/entrance/{self.canary}/status HTTP/1.1\r\nHost: x\r\n"
            "Token-Code: LINKIS-AUTH\r\nToken-User: bob\r\nConnection: close\r\n\r\n"
        )
        status, _, body = self.send(request.encode())
        assert status == 200, body
        return body


class ErrorRecords(logging.Handler):
    """The errors the mock and its server log: an unexpected error in any request."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))


@pytest.fixture(scope="module", params=["direct", "proxied", "postgresql"])
def net(request: pytest.FixtureRequest, postgres: PostgresServer) -> Iterator[Net]:
    """The mock with one finished job, reached straight or through `linkis-mock proxy`
    (served in this process too: what either logs is caught), or with its state in
    PostgreSQL."""
    errors = ErrorRecords()
    loggers = [logging.getLogger(name) for name in ("linkis_mock", "connexion", "uvicorn.error")]
    for logger in loggers:
        logger.addHandler(errors)
    if request.param == "postgresql":
        port = free_port()
        settings = load_settings(port=port, state=fresh_database(postgres))
        mock = serve_in_thread(settings, port=port)
    else:
        mock = serve_in_thread()  # a real socket: the requests are raw bytes
    proxy = None
    if request.param == "proxied":
        proxy = proxy_of(mock.base_url, mock.base_url, served=True)
    try:
        mock.freeze()
        exec_id, task_id = submit(mock.as_token("bob"))
        # A finished job: moving the clock (which the net may do) changes nothing it shows.
        mock.admin("POST", f"/jobs/{task_id}/state", json={"state": "Succeed"})
        login = mock.client().post("/user/login", json={"userName": "alice", "password": "alice"})
        cookie = (
            f"linkis_user_session_ticket_id_v1={login.cookies['linkis_user_session_ticket_id_v1']}"
        )
        net = Net(proxy or mock, Credentials(cookie), exec_id, b"")
        net.canary_reply = net.poll_canary()
        yield net
        assert errors.records == [], errors.records[:3]
    finally:
        if proxy is not None:
            proxy.stop()
        mock.stop()
        for logger in loggers:
            logger.removeHandler(errors)


def _in_api_format(operation: Operation, status: int, headers: dict[str, str], body: bytes) -> None:
    media_type = headers.get("content-type", "").split(";")[0]
    base = operation.base
    if media_type in operation.file_types:
        return  # a file or a plain-text error the spec documents (the downloads)
    if base == "/__admin" and status < 400:
        assert media_type == "application/json", headers
        return
    document = json.loads(body)
    if base == "/api/rest_j/v1":
        assert media_type == "application/json", headers
        assert isinstance(document, dict) and set(document) == ENVELOPE, document
    elif base == "/v2":
        assert media_type == "application/json", headers
        assert len(headers.get("x-request-id", "")) == 32, headers
        if status >= 400:
            assert set(document) in (VIAS_ERROR, GATEWAY_ERROR), document
    else:
        assert media_type == "application/problem+json", headers
        assert set(document) == PROBLEM and document["status"] == status, document


@pytest.mark.parametrize("operation", OPERATIONS, ids=[o.operation_id for o in OPERATIONS])
def test_no_hostile_request_gets_a_5xx_or_changes_an_existing_job(
    net: Net, operation: Operation
) -> None:
    sent: list[bytes] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize="HOSTILE_NET_EXPLORE" not in os.environ,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=requests(operation, net.credentials))
    def attempt(request: bytes) -> None:
        note(f"request: {request[:600]!r}")
        sent.append(request)
        status, headers, body = net.send(request)
        note(f"reply: {status} {headers} {body[:600]!r}")
        assert status < 500, (request[:300], status, body[:300])
        _in_api_format(operation, status, headers, body)

    attempt()
    # Once for all the examples, not after each (which doubled the requests): a finished
    # job has no state to go back to, so whatever one of them changed is still there.
    assert net.poll_canary() == net.canary_reply, [request[:300] for request in sent]
