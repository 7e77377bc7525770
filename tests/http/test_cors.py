"""CORS for the Linkis and VIAS APIs: a front end's dev server calls them with cookies."""

from __future__ import annotations

import asyncio
import re
from functools import partial

import httpx
import pytest
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Message, Receive, Scope, Send

from linkis_mock.middleware.cors import _varying_by_origin, origin_regex
from linkis_mock.testing import Mock

PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type,token-code,token-user,prefer",
}
SUBMIT = "/api/rest_j/v1/entrance/submit"
VIAS_TASKS = "/v2/0123456789abcdef0123456789abcdef/tasks"


def cors_headers(reply: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in reply.headers.items() if k.startswith("access-control-")}


@pytest.mark.parametrize(
    "origin", ["http://localhost:5173", "http://127.0.0.1:3000", "http://localhost"]
)
def test_a_preflight_from_a_dev_server_is_answered(running_mock: Mock, origin: str) -> None:
    reply = running_mock.http.options(
        running_mock.base_url + SUBMIT, headers={"Origin": origin, **PREFLIGHT}, timeout=10
    )
    assert reply.status_code == 200
    headers = cors_headers(reply)
    assert headers["access-control-allow-origin"] == origin
    assert headers["access-control-allow-credentials"] == "true"
    assert {"GET", "POST", "PUT", "DELETE"} <= set(
        headers["access-control-allow-methods"].split(", ")
    )
    allowed = set(headers["access-control-allow-headers"].split(","))
    assert allowed == {"content-type", "token-code", "token-user", "prefer"}


@pytest.mark.parametrize(
    "requested", ["content-type,weblogin", "x-auth-token", "content-language,x-requested-with"]
)
def test_a_preflight_may_ask_for_any_header(running_mock: Mock, requested: str) -> None:
    """Front ends send headers of their own: the Linkis console's login carries
    `webLogin` (linkis-web login/index.vue), axios may add X-Requested-With."""
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": requested,
    }
    reply = running_mock.http.options(
        running_mock.base_url + "/api/rest_j/v1/user/login",
        headers={"Origin": "http://localhost:8081", **preflight},
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    assert reply.headers["access-control-allow-headers"] == requested
    assert reply.headers["access-control-allow-credentials"] == "true"


def test_a_disallowed_origin_asking_for_a_header_gets_no_cors_headers(running_mock: Mock) -> None:
    reply = running_mock.http.options(
        running_mock.base_url + "/api/rest_j/v1/user/login",
        headers={"Origin": "http://evil.example", **PREFLIGHT},
        timeout=10,
    )
    assert cors_headers(reply) == {}


def test_a_credentialed_reply_names_the_origin_and_exposes_the_request_id(
    running_mock: Mock,
) -> None:
    origin = "http://localhost:5173"
    reply = running_mock.http.get(running_mock.base_url + VIAS_TASKS, headers={"Origin": origin})
    assert reply.status_code == 401  # no token: the reply still reaches the page
    assert reply.headers["access-control-allow-origin"] == origin
    assert reply.headers["access-control-allow-credentials"] == "true"
    assert reply.headers["access-control-expose-headers"] == "X-Request-Id"


@pytest.mark.parametrize("origin", ["http://evil.example:5173", "https://localhost:5173"])
def test_other_origins_get_no_cors_headers(running_mock: Mock, origin: str) -> None:
    preflight = running_mock.http.options(
        running_mock.base_url + SUBMIT, headers={"Origin": origin, **PREFLIGHT}, timeout=10
    )
    assert cors_headers(preflight) == {}
    assert preflight.status_code == 405
    simple = running_mock.http.get(running_mock.base_url + VIAS_TASKS, headers={"Origin": origin})
    assert cors_headers(simple) == {}


def test_the_admin_api_is_not_opened_to_other_origins(running_mock: Mock) -> None:
    reply = running_mock.http.get(
        running_mock.base_url + "/__admin/clock",
        headers={"Origin": "http://localhost:5173"},
        timeout=10,
    )
    assert reply.status_code == 200
    assert cors_headers(reply) == {}


def test_origin_patterns() -> None:
    pattern = re.compile(origin_regex(["http://localhost:*", "https://*.example.com"]))
    assert pattern.fullmatch("http://localhost:8080")
    assert pattern.fullmatch("http://localhost")
    assert pattern.fullmatch("https://app.example.com")
    assert not pattern.fullmatch("http://localhost:8080.evil.com")
    assert not pattern.fullmatch("https://a.b.example.com.evil")
    assert not pattern.fullmatch("http://localhostx:1")


@pytest.mark.parametrize(
    "headers",
    [
        [(b"content-type", b"application/json")],
        [(b"vary", b"Accept"), (b"content-type", b"application/json")],
        [(b"vary", b"Accept"), (b"x-a", b"1"), (b"vary", b"Cookie"), (b"Vary", b"Odd")],
    ],
    ids=["no vary", "one vary", "several"],
)
def test_a_reply_without_origin_varies_as_starlettes_cors_makes_it(
    headers: list[tuple[bytes, bytes]],
) -> None:
    """The lane for calls without Origin adds what Starlette's CORSMiddleware would."""
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        del scope, receive, send

    async def both() -> None:
        starlette = CORSMiddleware(app, allow_origin_regex="x", allow_credentials=True)
        for add in (
            partial(starlette.send, send=send, request_headers=Headers()),
            partial(_varying_by_origin, send=send),
        ):
            await add({"type": "http.response.start", "status": 200, "headers": list(headers)})

    asyncio.run(both())
    assert sent[0]["headers"] == sent[1]["headers"]
    assert any(name == b"vary" and value.endswith(b"Origin") for name, value in sent[1]["headers"])


def test_a_call_without_origin_gets_vary_origin_once(running_mock: Mock) -> None:
    reply = running_mock.http.get(running_mock.base_url + VIAS_TASKS, timeout=10)
    assert reply.headers.get_list("vary") == ["Origin"]
    assert cors_headers(reply) == {}
