"""What a request presents as credentials, read from its headers: the session cookie, the
token pair, the VIAS token. The one cookie reader is here: Starlette's lenient parser, as
browsers write cookies, so no `Cookie` header can do more than leave the ticket out."""

from __future__ import annotations

from typing import Any, NamedTuple

from starlette.requests import cookie_parser

from linkis_mock.contract.request_headers import RequestHeaders
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.short_texts import kept_for_short_texts
from linkis_mock.sim.simulator import Simulator

TOKEN_USER_HEADER = "Token-User"
SESSION_COOKIE = "linkis_user_session_ticket_id_v1"


def session_ticket(cookie_header: str | None) -> str | None:
    """The session ticket a `Cookie` header carries, if any; never raises."""
    return _ticket_in(cookie_header or "")


@kept_for_short_texts(longest=1024, maxsize=1024)  # a poller sends the same Cookie each time
def _ticket_in(cookie_header: str) -> str | None:
    return cookie_parser(cookie_header).get(SESSION_COOKIE)


class Credentials(NamedTuple):
    """What a request presents, read from its headers once, checked by the methods below
    as the security functions above check it (those get the same values from Connexion).
    A NamedTuple, immutable, made for every request: a frozen dataclass takes four times
    as long to make.
    """

    session_ticket: str | None
    cookie_headers: int
    token_code: str | None
    token_user: str | None
    vias_token: str

    @classmethod
    def of(cls, headers: RequestHeaders) -> Credentials:
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
        return self.token_info(sim) is not None

    def token_info(self, sim: Simulator) -> dict[str, Any] | None:
        """What Connexion's security layer hands a handler as `token_info` for valid
        credentials of one kind (linkis_mock.contract.security's functions, the cookie
        scheme or the token pair's two), or None for anything else."""
        ticket, token, token_user = self.session_ticket, self.token_code, self.token_user
        if ticket is not None and token is None and token_user is None:
            user = sim.users.session_user(ticket) if self.cookie_headers == 1 else None
            return None if user is None else {"sub": user, "ticket": ticket}
        if ticket is None and token and token_user:
            try:
                user = sim.users.token_user(token, token_user)
            except LinkisError:
                return None
            return {"tokenCode": {"sub": user, "token": token}, "tokenUser": {"sub": token_user}}
        return None

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
