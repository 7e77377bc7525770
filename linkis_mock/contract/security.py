"""Connexion security functions for the Linkis API's two ways in: session cookie, token pair.

Connexion calls these by the names in the spec's `x-apikeyInfoFunc`. Returning
None makes Connexion refuse the request (mapped to the real not-logged-in
reply); a rejected token raises `TokenRejectedError` to carry the gateway's words.

Every reader of the session cookie goes through `session_ticket`: Starlette's lenient
parser, as browsers write cookies, so no `Cookie` header can do more than leave the
ticket out.
"""

from __future__ import annotations

from typing import Any

from connexion.lifecycle import ConnexionRequest
from connexion.security import ApiKeySecurityHandler
from starlette.datastructures import Headers
from starlette.requests import cookie_parser

from linkis_mock.runtime import sim
from linkis_mock.sim.linkis.entrance import Caller
from linkis_mock.sim.linkis.errors import LinkisError

TOKEN_USER_HEADER = "Token-User"
SESSION_COOKIE = "linkis_user_session_ticket_id_v1"


def session_ticket(cookie_header: str | None) -> str | None:
    """The session ticket a `Cookie` header carries, if any; never raises."""
    return cookie_parser(cookie_header or "").get(SESSION_COOKIE)


class LenientApiKeyHandler(ApiKeySecurityHandler):  # type: ignore[misc]  # untyped base
    """Connexion's API-key security, reading cookies with `session_ticket`'s parser.

    Connexion's own reader uses `http.cookies.SimpleCookie`, which raises on headers
    browsers send and Starlette accepts (`a=1; $Foo=bar`), and that was a 500.
    """

    @staticmethod
    def get_cookie_value(cookies: str | None, name: str) -> str | None:
        return cookie_parser(cookies or "").get(name)


SECURITY_MAP = {"apiKey": LenientApiKeyHandler}


class TokenRejectedError(LinkisError):
    """A token the gateway does not know; 401 wins over the other scheme's failure."""

    status_code = 401


def check_session(api_key: str, request: ConnexionRequest) -> dict[str, Any] | None:
    del request
    user = sim().users.session_user(api_key)
    return {"sub": user, "ticket": api_key} if user else None


def check_token_code(api_key: str, request: ConnexionRequest) -> dict[str, Any] | None:
    token_user = request.headers.get(TOKEN_USER_HEADER, "")
    if not token_user:
        return None
    try:
        user = sim().users.token_user(api_key, token_user)
    except LinkisError as exc:
        raise TokenRejectedError(exc.message, status=exc.status) from None
    return {"sub": user, "token": api_key}


def check_token_user(api_key: str) -> dict[str, Any] | None:
    return {"sub": api_key} if api_key else None


def valid_credentials_of_one_kind(headers: Headers) -> bool:
    """The spec's two ways in, checked as the security functions above check them, for a
    request that sends exactly one: a live session cookie, or an accepted token pair.

    The fast lane asks this; anything else (both kinds, neither, a bad one) it leaves to
    Connexion's security layer, which gives the real reply.
    """
    ticket = session_ticket(headers.get("cookie"))
    token, token_user = headers.get("token-code"), headers.get(TOKEN_USER_HEADER)
    if ticket is not None and token is None and token_user is None:
        return len(headers.getlist("cookie")) == 1 and sim().users.session_user(ticket) is not None
    if ticket is None and token and token_user:
        try:
            sim().users.token_user(token, token_user)
        except LinkisError:
            return False
        return True
    return False


def caller_of(token_info: dict[str, Any]) -> Caller:
    """Who is calling, from what Connexion's security layer put in `token_info`."""
    info = token_info.get("tokenCode", token_info)
    user = str(info["sub"])
    users = sim().users
    return Caller(
        user=user,
        admin=users.is_admin(user),
        admin_token="token" in info and users.is_admin_token(str(info["token"])),
    )


def credential_owner(headers: Headers) -> str | None:
    """Whom a request's credentials name (a Linkis user or a VIAS project), if anyone.

    For the journal: it reads the credentials without checking them further or
    using up anything (a session does not slide).
    """
    simulator = sim()
    token_user = headers.get("token-user")
    if headers.get("token-code") and token_user:
        return token_user
    ticket = session_ticket(headers.get("cookie"))
    user = simulator.users.who(ticket) if ticket else None
    if user:
        return user
    token = headers.get("x-auth-token", "").strip()
    return simulator.vias.project_of_token(token) if token else None


def check_vias_token(api_key: str) -> dict[str, Any] | None:
    """A VIAS token stands for the project it is scoped to."""
    project = sim().vias.project_of_token(api_key)
    return {"sub": project} if project else None
