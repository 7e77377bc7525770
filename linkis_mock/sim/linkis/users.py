"""Accounts, login sessions and tokens, as the Linkis gateway keeps them."""

from __future__ import annotations

import hmac
import secrets
import threading
from dataclasses import dataclass

from linkis_mock.api_types import linkis_entrance as api
from linkis_mock.sim.clock import Clock
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.settings import SimSettings
from linkis_mock.sim.storage.stores import Changes

NOT_LOGGED_IN = "You are not logged in, please login first(您尚未登录，请先登录)!"
LOGIN_OK = "login successful(登录成功)！"
ADMIN_TOKEN_MARK = "ADMIN-"
# A session's sliding expiry is saved to the state file at most this often.
SLIDE_SAVE_MS = 60_000


@dataclass(slots=True)
class Session:
    user: str
    last_used_ms: int


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    user: str
    is_admin: bool
    ticket: str | None
    message: str


class Users:
    def __init__(self, settings: SimSettings, clock: Clock, changes: Changes | None = None) -> None:
        self._settings = settings
        self._changes = changes or Changes()
        self._clock = clock
        self._accounts = {a.name: a for a in settings.accounts}
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}

    def is_admin(self, user: str) -> bool:
        account = self._accounts.get(user)
        return account is not None and account.admin

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

    def login_data(self, outcome: LoginOutcome) -> api.LoginData:
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
        with self._lock:
            self._sessions[ticket] = Session(user, self._clock.wall_ms())
        self._changes.session(ticket)
        return ticket

    def session_user(self, ticket: str) -> str | None:
        """The user of a live session; each use slides its expiry."""
        now = self._clock.wall_ms()
        with self._lock:
            session = self._sessions.get(ticket)
            if session is None:
                return None
            if now - session.last_used_ms > self._settings.session_timeout_ms:
                del self._sessions[ticket]
                self._changes.session(ticket)
                return None
            if now - session.last_used_ms >= SLIDE_SAVE_MS:
                self._changes.session(ticket)
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

    def logout(self, ticket: str | None) -> None:
        if ticket:
            with self._lock:
                self._sessions.pop(ticket, None)
            self._changes.session(ticket)

    def token_user(self, token: str, user: str) -> str:
        """The user a Token-Code/Token-User pair authenticates, or the gateway's 401."""
        if not any(hmac.compare_digest(token.encode(), t.encode()) for t in self._settings.tokens):
            message = f"未授权的token{token}，无法将请求绑定给tokenUser{user}!"
            raise LinkisError(message, status=-1, method="request")
        return user

    @staticmethod
    def is_admin_token(token: str) -> bool:
        return ADMIN_TOKEN_MARK in token.upper()

    def sessions(self) -> dict[str, Session]:
        with self._lock:
            return {ticket: Session(s.user, s.last_used_ms) for ticket, s in self._sessions.items()}

    def session(self, ticket: str) -> Session | None:
        """A session as stored, expired or not (for saving)."""
        return self._sessions.get(ticket)

    def put_session(self, ticket: str, session: Session | None) -> None:
        """Take in a session as another process saved it (None: it ended)."""
        with self._lock:
            if session is None:
                self._sessions.pop(ticket, None)
            else:
                self._sessions[ticket] = session

    def load_sessions(self, sessions: dict[str, Session]) -> None:
        with self._lock:
            self._sessions = dict(sessions)
        self._changes.all_replaced()

    def clear(self) -> None:
        with self._lock:
            self._sessions.clear()
        self._changes.all_replaced()
