"""Gateway user operations: login, logout, who am I, the heartbeat, and what the console
asks before login. Every /user/* reply carries `method: null`, as the gateway writes it."""

from __future__ import annotations

from typing import Any

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.context import Call
from linkis_mock.contract.credentials import SESSION_COOKIE, session_ticket
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
    reply, status = call.ok(Ok(empty, "Logout successful(退出登录成功)！"), method="none")
    return reply, status, {"Set-Cookie": f"{SESSION_COOKIE}=; Path=/; Max-Age=0"}


async def get_user_info(call: Call, token_info: dict[str, Any]) -> tuple[api.UserInfoReply, int]:
    data: api.UserInfoData = {"userName": call.caller(token_info).user}
    return call.ok(Ok(data, "get user information succeed!"), method="none")


async def get_heartbeat(call: Call) -> tuple[api.HeartbeatReply, int]:
    """The gateway checks the session cookie itself here; token headers do not count."""
    ticket = session_ticket(call.headers.get("cookie"))
    return call.ok(call.sim.users.heartbeat(ticket), method="none")


async def post_heartbeat(call: Call) -> tuple[api.HeartbeatReply, int]:
    return await get_heartbeat(call)


async def get_public_key(call: Call) -> tuple[api.PublicKeyReply, int]:
    return call.ok(call.sim.console.public_key(), method="none")


async def get_oauth_redirect(call: Call) -> tuple[api.OAuthRedirectReply, int]:
    return call.ok(call.sim.console.oauth_redirect(), method="request")


async def get_base_info(call: Call) -> tuple[api.BaseInfoReply, int]:
    return call.ok(call.sim.console.base_info(), method="none")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
