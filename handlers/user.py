"""Gateway user operations: login, logout, who am I."""

from __future__ import annotations

from typing import Any

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.context import Call
from linkis_mock.contract.security import SESSION_COOKIE, session_ticket
from linkis_mock.sim.linkis.ok import Ok

Headers = dict[str, str]


async def login(
    call: Call,
    body: dict[str, Any] | None = None,
    user_name: str | None = None,
    password: str | None = None,
) -> tuple[api.LoginReply, int, Headers]:
    """Body fields win; the same names are accepted as query parameters."""
    body = body or {}
    users = call.sim.users
    outcome = users.login(
        _text(body.get("userName", user_name)),
        _text(body.get("password", password)),
        session_ticket(call.headers.get("cookie")),
    )
    reply, status = call.ok(Ok(users.login_data(outcome), outcome.message), method="none")
    if outcome.ticket is None:  # already logged in: no new cookie
        return reply, status, {}
    # The real cookie: Path=/, no Max-Age (a browser-session cookie), never Secure.
    return reply, status, {"Set-Cookie": f"{SESSION_COOKIE}={outcome.ticket}; Path=/"}


async def logout(call: Call, token_info: dict[str, Any]) -> tuple[api.LogoutReply, int, Headers]:
    call.sim.users.logout(token_info.get("ticket"))
    empty: api.EmptyData = {}
    reply, status = call.ok(Ok(empty, "Logout successful(退出登录成功)！"))
    return reply, status, {"Set-Cookie": f"{SESSION_COOKIE}=; Path=/; Max-Age=0"}


async def get_user_info(call: Call, token_info: dict[str, Any]) -> tuple[api.UserInfoReply, int]:
    data: api.UserInfoData = {"userName": call.caller(token_info).user}
    return call.ok(Ok(data, "get user information succeed!"))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
