"""Connexion security functions for the Linkis API's two ways in: session cookie, token pair.

Connexion calls these by the names in the spec's `x-apikeyInfoFunc`, with the request,
whose `Call` gives this app's simulator. Returning None makes Connexion refuse the
request (mapped to the real not-logged-in reply); a rejected token raises the
gateway's own error.

Every reader of the session cookie goes through `session_ticket`: Starlette's lenient
parser, as browsers write cookies, so no `Cookie` header can do more than leave the
ticket out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from connexion.lifecycle import ConnexionRequest
from connexion.security import ApiKeySecurityHandler
from starlette.datastructures import Headers
from starlette.requests import cookie_parser

from linkis_mock.context import call_of
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.simulator import Simulator

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


def check_session(api_key: str, request: ConnexionRequest) -> dict[str, Any] | None:
    user = call_of(request.scope).sim.users.session_user(api_key)
    return {"sub": user, "ticket": api_key} if user else None


def check_token_code(api_key: str, request: ConnexionRequest) -> dict[str, Any] | None:
    """A token the gateway does not know raises its 401 (the simulator's LinkisError),
    which wins over the other scheme's failure."""
    token_user = request.headers.get(TOKEN_USER_HEADER, "")
    if not token_user:
        return None
    user = call_of(request.scope).sim.users.token_user(api_key, token_user)
    return {"sub": user, "token": api_key}


def check_token_user(api_key: str) -> dict[str, Any] | None:
    return {"sub": api_key} if api_key else None


def check_vias_token(api_key: str, request: ConnexionRequest) -> dict[str, Any] | None:
    """A VIAS token stands for the project it is scoped to."""
    project = call_of(request.scope).sim.vias.project_of_token(api_key)
    return {"sub": project} if project else None


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a request presents, read from its headers once, checked by the methods below
    as the security functions above check it (those get the same values from Connexion).
    """

    session_ticket: str | None
    cookie_headers: int
    token_code: str | None
    token_user: str | None
    vias_token: str

    @classmethod
    def of(cls, headers: Headers) -> Credentials:
        return cls(
            session_ticket=session_ticket(headers.get("cookie")),
            cookie_headers=len(headers.getlist("cookie")),
            token_code=headers.get("token-code"),
            token_user=headers.get(TOKEN_USER_HEADER),
            vias_token=headers.get("x-auth-token", "").strip(),
        )

    def valid_of_one_kind(self, sim: Simulator) -> bool:
        """Exactly one of the spec's two ways in, and a good one: a live session cookie,
        or an accepted token pair.

        The fast lane asks this; anything else (both kinds, neither, a bad one) it leaves
        to Connexion's security layer, which gives the real reply.
        """
        ticket, token, token_user = self.session_ticket, self.token_code, self.token_user
        if ticket is not None and token is None and token_user is None:
            return self.cookie_headers == 1 and sim.users.session_user(ticket) is not None
        if ticket is None and token and token_user:
            try:
                sim.users.token_user(token, token_user)
            except LinkisError:
                return False
            return True
        return False

    def owner(self, sim: Simulator) -> str | None:
        """Whom the credentials name (a Linkis user or a VIAS project), if anyone.

        For the journal and fault rules: nothing is checked further or used up (a
        session does not slide).
        """
        if self.token_code and self.token_user:
            return self.token_user
        user = sim.users.who(self.session_ticket) if self.session_ticket else None
        if user:
            return user
        return sim.vias.project_of_token(self.vias_token) if self.vias_token else None
