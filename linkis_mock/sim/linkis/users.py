"""Accounts, login sessions and tokens, as the Linkis gateway keeps them."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.sim.clock import Clock
from linkis_mock.sim.linkis.caller import Caller
from linkis_mock.sim.linkis.errors import GATEWAY, LinkisError, wrapped_text
from linkis_mock.sim.linkis.ok import Ok
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.storage.session_store import Session, SessionStore

NOT_LOGGED_IN = "You are not logged in, please login first(您尚未登录，请先登录)!"
LOGIN_OK = "login successful(登录成功)！"
ADMIN_TOKEN_MARK = "ADMIN-"
# A session's sliding expiry is saved to the state file at most this often.
SLIDE_SAVE_MS = 60_000


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    user: str
    is_admin: bool
    ticket: str | None
    message: str


class Users:
    def __init__(
        self, settings: SimSettings, clock: Clock, sessions: SessionStore | None = None
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._accounts = {a.name: a for a in settings.accounts}
        self._sessions = sessions or SessionStore()

    def is_admin(self, user: str) -> bool:
        account = self._accounts.get(user)
        return account is not None and account.admin

    def caller(self, user: str, *, admin_token: bool = False) -> Caller:
        """The user, with the roles the settings give them."""
        roles = self._settings.roles
        return Caller(
            user=user,
            admin=self.is_admin(user),
            admin_token=admin_token,
            governance_admin=roles.is_governance_admin(user),
            history_admin=roles.is_history_admin(user),
            department_admin=roles.is_department_admin(user),
            department=roles.department_of(user),
        )

    def login(self, user: str | None, password: str | None, ticket: str | None) -> LoginOutcome:
        """The gateway's login checks, in the real order."""
        already = self.session_user(ticket) if ticket else None
        if already is not None:
            return LoginOutcome(
                already,
                self.is_admin(already),
                None,
                f"{already} already logged in, please log out before signing in"
                "(已经登录，请先退出再进行登录)！",
            )
        if not user or not user.strip():
            raise self._login_error("Username can not be empty(用户名不能为空)！")
        if not password or not password.strip():
            raise self._login_error("Password can not be blank(密码不能为空)！")
        account = self._accounts.get(user) or self._accounts.get(user.lower())
        if account is None or not hmac.compare_digest(account.password.encode(), password.encode()):
            raise self._login_error("wrong user name or password(用户名或密码错误)！")
        return LoginOutcome(account.name, account.admin, self._open_session(account.name), LOGIN_OK)

    def login_data(self, outcome: LoginOutcome) -> api.LoginReplyData | api.AlreadyLoggedInData:
        """What a login reply carries: just the user when already logged in."""
        if outcome.ticket is None:
            return {"userName": outcome.user}
        return {
            "userName": outcome.user,
            "isAdmin": outcome.is_admin,
            "sessionTimeOut": self._settings.session_timeout_ms,
            "enableWatermark": self._settings.enable_watermark,
        }

    def login_extras(self) -> dict[str, object]:
        return {
            "sessionTimeOut": self._settings.session_timeout_ms,
            "enableWatermark": self._settings.enable_watermark,
        }

    def _login_error(self, message: str) -> LinkisError:
        return LinkisError(message, data=self.login_extras(), method="none")

    def _open_session(self, user: str) -> str:
        ticket = secrets.token_urlsafe(32)
        self._sessions.open(ticket, Session(user, self._clock.wall_ms()))
        return ticket

    def session_user(self, ticket: str) -> str | None:
        """The user of a live session; each use slides its expiry."""
        now = self._clock.wall_ms()
        with self._sessions.lock:
            session = self._sessions.get(ticket)
            if session is None:
                return None
            if now - session.last_used_ms > self._settings.session_timeout_ms:
                self._sessions.end(ticket)
                return None
            if now - session.last_used_ms >= SLIDE_SAVE_MS:
                self._sessions.changed(ticket)
            session.last_used_ms = now
            return session.user

    def who(self, ticket: str) -> str | None:
        """The user of a live session, without using it (no sliding)."""
        session = self._sessions.get(ticket)
        if session is None or self._clock.wall_ms() - session.last_used_ms > (
            self._settings.session_timeout_ms
        ):
            return None
        return session.user

    def heartbeat(self, ticket: str | None) -> Ok[api.EmptyData]:
        """Slides the session; without a live one the gateway's NonLoginException, whose
        text names why (UserRestful.scala:195-200; SSOUtils.scala:164-166,228-245)."""
        session = self._sessions.get(ticket) if ticket else None
        expired = session is not None and (
            self._clock.wall_ms() - session.last_used_ms > self._settings.session_timeout_ms
        )
        if ticket and self.session_user(ticket) is not None:
            return Ok({}, "Maintain heartbeat success(维系心跳成功)")
        if not ticket:
            desc = "You are not logged in, please login first(您尚未登录，请先登录!)"
        elif expired:
            desc = "Login has expired, please log in again!(登录已过期，请重新登录！)"
        else:
            desc = "You are not logged in, please login first!(您尚未登录，请先登录!)"
        message = wrapped_text(11002, desc, self._settings.instance, GATEWAY)
        raise LinkisError(message, status=-1, method="none")

    def logout(self, ticket: str | None) -> None:
        if ticket:
            self._sessions.end(ticket)

    def token_user(self, token: str, user: str) -> str:
        """The user a Token-Code/Token-User pair authenticates, or the gateway's 401."""
        if not any(hmac.compare_digest(token.encode(), t.encode()) for t in self._settings.tokens):
            message = f"未授权的token{token}，无法将请求绑定给tokenUser{user}!"
            raise LinkisError(message, status=-1, method="request")
        return user

    @staticmethod
    def is_admin_token(token: str) -> bool:
        return ADMIN_TOKEN_MARK in token.upper()
