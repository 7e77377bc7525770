"""Connexion security functions for the Linkis API's two ways in: session cookie, token pair.

Connexion calls these by the names in the spec's `x-apikeyInfoFunc`, with the request,
whose `Call` gives this app's simulator. Returning None makes Connexion refuse the
request (mapped to the real not-logged-in reply); a rejected token raises the
gateway's own error.

Every reader of the session cookie goes through `credentials.session_ticket`:
Starlette's lenient parser, as browsers write cookies, so no `Cookie` header can do more
than leave the ticket out.
"""

from __future__ import annotations

from typing import Any

from connexion.lifecycle import ConnexionRequest
from connexion.security import ApiKeySecurityHandler
from starlette.requests import cookie_parser

from linkis_mock.context import call_of
from linkis_mock.contract.credentials import TOKEN_USER_HEADER


class LenientApiKeyHandler(ApiKeySecurityHandler):  # type: ignore[misc]  # untyped base
    """Connexion's API-key security, reading cookies with the parser `session_ticket` uses.

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
