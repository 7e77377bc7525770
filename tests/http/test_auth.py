"""Login, logout, sessions and tokens over real HTTP (docs/reference/linkis-entrance.md §1, §2)."""

from __future__ import annotations

import re

import httpx
import pytest

from linkis_mock.specs import LINKIS_SPEC, load_spec
from linkis_mock.testing import API, TOKEN, Mock
from tests.helpers.linkis import (
    LOGIN_OK,
    NOT_LOGGED_IN,
    SESSION_COOKIE,
    check,
    envelope,
    ok,
)

HTTP_METHODS = ("get", "post", "put", "delete", "patch", "head", "options")
SAMPLE_EXEC_ID = "exec_id018014linkis-cg-entrance127.0.0.1:9104IDE_hadoop_spark_0"
LOGIN_EXTRAS = {"sessionTimeOut": 3_600_000, "enableWatermark": True}
BLANK_USER = "Username can not be empty(用户名不能为空)！"
BLANK_PASSWORD = "Password can not be blank(密码不能为空)！"
WRONG_PASSWORD = "wrong user name or password(用户名或密码错误)！"


def secured_operations() -> list[tuple[str, str]]:
    """(HTTP method, path) of every operation of the spec that needs a login."""
    spec = load_spec(LINKIS_SPEC)
    default_security = spec.get("security")
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in HTTP_METHODS:
                continue
            if operation.get("security", default_security) == []:
                continue
            found.append((method.upper(), path))
    return found


SECURED = secured_operations()


def concrete(path: str) -> str:
    return path.replace("{id}", SAMPLE_EXEC_ID).replace("{taskID}", "1")


def call(client: httpx.Client, method: str, path: str) -> httpx.Response:
    """Calls an operation with a harmless, well-formed request."""
    if method in {"POST", "PUT", "PATCH"}:
        return client.request(method, concrete(path), json={})
    return client.request(method, concrete(path))


def cookie_parts(header: str) -> tuple[str, str, dict[str, str]]:
    """(name, value, {lower-cased attribute: value}) of one Set-Cookie header."""
    first, *attributes = [part.strip() for part in header.split(";")]
    name, _, value = first.partition("=")
    attrs = {}
    for attribute in attributes:
        key, _, attr_value = attribute.partition("=")
        attrs[key.strip().lower()] = attr_value.strip()
    return name, value, attrs


def login(client: httpx.Client, user: str, password: str) -> httpx.Response:
    return client.post("/user/login", json={"userName": user, "password": password})


def ticket_of(reply: httpx.Response) -> str:
    headers = reply.headers.get_list("set-cookie")
    assert len(headers) == 1, headers
    name, value, _ = cookie_parts(headers[0])
    assert name == SESSION_COOKIE
    return value


def assert_not_logged_in(reply: httpx.Response, path: str) -> None:
    check(reply, status=-1, message=NOT_LOGGED_IN, method=API + path, data={}, http=401)


# ---- login --------------------------------------------------------------------------------


def test_login_success_sets_a_plain_session_cookie(mock: Mock) -> None:
    reply = login(mock.client(), "alice", "alice")
    check(
        reply,
        status=0,
        message=LOGIN_OK,
        method=None,
        data={"userName": "alice", "isAdmin": False, **LOGIN_EXTRAS},
    )
    headers = reply.headers.get_list("set-cookie")
    assert len(headers) == 1, headers
    name, value, attrs = cookie_parts(headers[0])
    assert name == SESSION_COOKIE
    assert value
    assert attrs.get("path") == "/"
    assert "secure" not in attrs
    assert "max-age" not in attrs
    assert "expires" not in attrs
    assert "domain" not in attrs
    assert set(attrs) <= {"path", "httponly", "samesite"}


def test_admin_login_reports_is_admin(mock: Mock) -> None:
    reply = login(mock.client(), "hadoop", "hadoop")
    check(
        reply,
        status=0,
        message=LOGIN_OK,
        method=None,
        data={"userName": "hadoop", "isAdmin": True, **LOGIN_EXTRAS},
    )


def test_login_through_query_parameters(mock: Mock) -> None:
    client = mock.client()
    reply = client.post("/user/login", params={"userName": "bob", "password": "bob"})
    check(
        reply,
        status=0,
        message=LOGIN_OK,
        method=None,
        data={"userName": "bob", "isAdmin": False, **LOGIN_EXTRAS},
    )
    assert ticket_of(reply)
    who = client.get("/user/userInfo")
    assert ok(who, None, "get user information succeed!") == {"userName": "bob"}


def test_the_cookie_authenticates_later_calls(mock: Mock) -> None:
    client = mock.logged_in("alice")
    reply = client.get("/user/userInfo")
    check(
        reply,
        status=0,
        message="get user information succeed!",
        method=None,  # the gateway's /user/* replies name no method
        data={"userName": "alice"},
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param({"password": "alice"}, BLANK_USER, id="user-missing"),
        pytest.param({"userName": "", "password": "alice"}, BLANK_USER, id="user-empty"),
        pytest.param({"userName": "   ", "password": "alice"}, BLANK_USER, id="user-blank"),
        pytest.param({"userName": "", "password": ""}, BLANK_USER, id="both-empty"),
        pytest.param({"userName": "alice"}, BLANK_PASSWORD, id="password-missing"),
        pytest.param({"userName": "alice", "password": ""}, BLANK_PASSWORD, id="password-empty"),
        pytest.param({"userName": "alice", "password": "  "}, BLANK_PASSWORD, id="password-blank"),
        pytest.param({"userName": "alice", "password": "bob"}, WRONG_PASSWORD, id="wrong-password"),
        pytest.param({"userName": "mallory", "password": "x"}, WRONG_PASSWORD, id="unknown-user"),
    ],
)
def test_login_failures(mock: Mock, body: dict[str, str], message: str) -> None:
    reply = mock.client().post("/user/login", json=body)
    check(reply, status=1, message=message, method=None, data=LOGIN_EXTRAS)
    assert reply.headers.get_list("set-cookie") == []


def test_login_without_any_credentials_is_a_blank_user(mock: Mock) -> None:
    reply = mock.client().post("/user/login")
    check(reply, status=1, message=BLANK_USER, method=None, data=LOGIN_EXTRAS)


def test_login_while_logged_in_answers_already_logged_in(mock: Mock) -> None:
    client = mock.logged_in("alice")
    reply = login(client, "bob", "bob")
    check(
        reply,
        status=0,
        message=(
            "alice already logged in, please log out before signing in"
            "(已经登录，请先退出再进行登录)！"
        ),
        method=None,
        data={"userName": "alice"},
    )
    assert reply.headers.get_list("set-cookie") == []
    who = client.get("/user/userInfo")
    assert ok(who, None, "get user information succeed!") == {"userName": "alice"}


def test_two_logins_give_different_long_unguessable_tickets(mock: Mock) -> None:
    first = ticket_of(login(mock.client(), "alice", "alice"))
    second = ticket_of(login(mock.client(), "alice", "alice"))
    assert first != second
    for ticket in (first, second):
        assert len(ticket) >= 32, ticket
        assert "alice" not in ticket.lower()
        assert re.fullmatch(r"[A-Za-z0-9_\-.~%+/=]+", ticket), ticket
    # Both sessions are live at the same time.
    for ticket in (first, second):
        reply = mock.client(cookies={SESSION_COOKIE: ticket}).get("/user/userInfo")
        assert envelope(reply)["data"] == {"userName": "alice"}


# ---- logout -------------------------------------------------------------------------------


def test_logout_clears_the_cookie_and_ends_the_session(mock: Mock) -> None:
    client = mock.client()
    ticket = ticket_of(login(client, "alice", "alice"))
    reply = client.post("/user/logout")
    check(
        reply,
        status=0,
        message="Logout successful(退出登录成功)！",
        method=None,
        data={},
    )
    headers = reply.headers.get_list("set-cookie")
    assert len(headers) == 1, headers
    name, value, attrs = cookie_parts(headers[0])
    assert name == SESSION_COOKIE
    assert value == ""
    assert attrs.get("max-age") == "0"
    assert attrs.get("path") == "/"
    # The old ticket is dead, even when a client keeps sending it.
    stale = mock.client(cookies={SESSION_COOKIE: ticket})
    assert_not_logged_in(stale.get("/user/userInfo"), "/user/userInfo")
    assert_not_logged_in(
        stale.get(f"/entrance/{SAMPLE_EXEC_ID}/status"), f"/entrance/{SAMPLE_EXEC_ID}/status"
    )
    # And a fresh login works again.
    assert envelope(login(mock.client(), "alice", "alice"))["status"] == 0


# The real gateway does not check the method of /user/* calls; the contract declares the
# documented ones only (nothing is served that the spec does not declare).


@pytest.mark.parametrize(("path", "allowed"), [("/user/logout", "POST"), ("/user/login", "POST")])
def test_user_calls_answer_only_their_declared_method(mock: Mock, path: str, allowed: str) -> None:
    reply = mock.logged_in("alice").get(path, params={"userName": "bob", "password": "bob"})
    assert reply.status_code == 405
    assert reply.headers["allow"] == allowed
    body = reply.json()
    assert (body["status"], body["data"]) == (1, {})
    assert body["message"] == f"Request method 'GET' is not supported for /api/rest_j/v1{path}"


def test_undeclared_user_calls_are_not_served(mock: Mock) -> None:
    reply = mock.logged_in("alice").post("/user/oauth-login")
    assert reply.status_code == 404
    assert reply.json()["message"] == "No route matches POST /api/rest_j/v1/user/oauth-login"


# ---- not logged in ------------------------------------------------------------------------
# These are stateless, so they share module-wide clients (each httpx.Client is slow to build).


@pytest.fixture(scope="module")
def anonymous(running_mock: Mock) -> httpx.Client:
    return running_mock.client()


@pytest.fixture(scope="module")
def forged(running_mock: Mock) -> httpx.Client:
    return running_mock.client(cookies={SESSION_COOKIE: "bGludGlzLWZvcmdlZC10aWNrZXQ"})


@pytest.fixture(scope="module")
def wrong_token(running_mock: Mock) -> httpx.Client:
    return running_mock.as_token("alice", token="NOT-A-TOKEN")


def test_the_spec_has_the_expected_secured_operations() -> None:
    assert ("POST", "/user/login") not in SECURED
    assert ("POST", "/entrance/submit") in SECURED
    assert ("GET", "/entrance/{id}/log") in SECURED
    assert ("GET", "/jobhistory/{taskID}/get") in SECURED
    assert ("GET", "/user/userInfo") in SECURED
    assert len(SECURED) >= 18


@pytest.mark.parametrize(("method", "path"), SECURED, ids=[f"{m} {p}" for m, p in SECURED])
def test_no_credentials_gets_401(anonymous: httpx.Client, method: str, path: str) -> None:
    reply = call(anonymous, method, path)
    assert_not_logged_in(reply, concrete(path))


@pytest.mark.parametrize(("method", "path"), SECURED, ids=[f"{m} {p}" for m, p in SECURED])
def test_a_forged_cookie_gets_401(forged: httpx.Client, method: str, path: str) -> None:
    assert_not_logged_in(call(forged, method, path), concrete(path))


@pytest.mark.parametrize(("method", "path"), SECURED, ids=[f"{m} {p}" for m, p in SECURED])
def test_a_wrong_token_gets_401_naming_it(
    wrong_token: httpx.Client, method: str, path: str
) -> None:
    check(
        call(wrong_token, method, path),
        status=-1,
        message="未授权的tokenNOT-A-TOKEN，无法将请求绑定给tokenUseralice!",
        method=API + concrete(path),
        data={},
        http=401,
    )


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Token-Code": TOKEN}, id="token-code-only"),
        pytest.param({"Token-User": "alice"}, id="token-user-only"),
        pytest.param({"Token-Code": TOKEN, "Token-User": ""}, id="token-user-empty"),
    ],
)
@pytest.mark.parametrize("path", ["/user/userInfo", "/entrance/operation/metrics/runningtask"])
def test_one_token_header_alone_gets_401(
    running_mock: Mock, headers: dict[str, str], path: str
) -> None:
    reply = running_mock.client(headers=headers).get(path)
    assert_not_logged_in(reply, path)


def test_a_good_token_pair_authenticates_one_request_without_cookie(
    running_mock: Mock,
) -> None:
    client = running_mock.as_token("bob")
    reply = client.get("/user/userInfo")
    check(
        reply,
        status=0,
        message="get user information succeed!",
        method=None,  # the gateway's /user/* replies name no method
        data={"userName": "bob"},
    )
    assert reply.headers.get_list("set-cookie") == []
    # Nothing was remembered: the same client without headers is a stranger.
    plain = running_mock.client(cookies=dict(client.cookies))
    assert_not_logged_in(plain.get("/user/userInfo"), "/user/userInfo")


def test_any_user_may_use_the_shared_token(running_mock: Mock) -> None:
    for user in ("hadoop", "alice", "someone-else"):
        reply = running_mock.as_token(user).get("/user/userInfo")
        assert envelope(reply)["data"] == {"userName": user}
