"""Login, sessions and tokens as the gateway keeps them (docs/reference/linkis-entrance.md §2)."""

from __future__ import annotations

import pytest

from linkis_mock.sim.clock import Clock
from linkis_mock.sim.linkis.errors import LinkisError
from linkis_mock.sim.linkis.users import LOGIN_OK, Users
from linkis_mock.sim.settings import Account, SimSettings
from linkis_mock.sim.storage.session_store import SessionStore
from tests.helpers.sim import START_MS

HOUR_MS = 3_600_000


class Wall:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __call__(self) -> float:
        return self.seconds


def make_users(**overrides: object) -> tuple[Users, Wall, Clock]:
    wall = Wall(1_700_000_000.0)
    clock = Clock(START_MS, frozen=True, wall=wall)
    settings = SimSettings(**overrides)  # type: ignore[arg-type]
    return Users(settings, clock), wall, clock


def login_error(
    users: Users, user: str | None, password: str | None, ticket: str | None = None
) -> LinkisError:
    with pytest.raises(LinkisError) as info:
        users.login(user, password, ticket)
    return info.value


# ---- login ----------------------------------------------------------------------------


def test_admin_login() -> None:
    users, _, _ = make_users()
    outcome = users.login("hadoop", "hadoop", None)
    assert (outcome.user, outcome.is_admin, outcome.message) == ("hadoop", True, LOGIN_OK)
    assert LOGIN_OK == "login successful(登录成功)！"
    assert outcome.ticket
    assert users.session_user(outcome.ticket) == "hadoop"


def test_plain_user_login() -> None:
    users, _, _ = make_users()
    outcome = users.login("alice", "alice", None)
    assert (outcome.user, outcome.is_admin, outcome.message) == ("alice", False, LOGIN_OK)


def test_user_name_is_lower_cased() -> None:
    users, _, _ = make_users()
    outcome = users.login("ALICE", "alice", None)
    assert outcome.user == "alice"
    assert outcome.ticket is not None
    assert users.session_user(outcome.ticket) == "alice"


def test_every_login_opens_its_own_session() -> None:
    users, _, _ = make_users()
    one = users.login("alice", "alice", None).ticket
    two = users.login("alice", "alice", None).ticket
    assert one and two and one != two


@pytest.mark.parametrize(
    ("user", "password"),
    [("alice", "wrong"), ("alice", "ALICE"), ("nobody", "nobody"), ("hadoop", "alice")],
)
def test_wrong_user_or_password(user: str, password: str) -> None:
    users, _, _ = make_users()
    error = login_error(users, user, password)
    assert error.message == "wrong user name or password(用户名或密码错误)！"
    assert error.status == 1
    assert error.method == "none"
    assert error.data == {"sessionTimeOut": HOUR_MS, "enableWatermark": True}


@pytest.mark.parametrize("user", [None, "", "   "])
def test_blank_user_is_checked_before_the_password(user: str | None) -> None:
    users, _, _ = make_users()
    for password in (None, "", "alice"):
        error = login_error(users, user, password)
        assert error.message == "Username can not be empty(用户名不能为空)！"
        assert error.data["sessionTimeOut"] == HOUR_MS


@pytest.mark.parametrize("password", [None, "", "  "])
def test_blank_password(password: str | None) -> None:
    users, _, _ = make_users()
    error = login_error(users, "nobody", password)
    assert error.message == "Password can not be blank(密码不能为空)！"
    assert error.method == "none"


def test_already_logged_in_comes_first() -> None:
    users, _, _ = make_users()
    ticket = users.login("alice", "alice", None).ticket
    assert ticket is not None
    for user, password in (("alice", "alice"), ("", ""), ("bob", "wrong"), ("hadoop", "hadoop")):
        outcome = users.login(user, password, ticket)
        assert outcome.user == "alice"
        assert outcome.is_admin is False
        assert outcome.ticket is None  # no new cookie
        assert outcome.message == (
            "alice already logged in, please log out before signing in"
            "(已经登录，请先退出再进行登录)！"
        )


def test_already_logged_in_admin_keeps_the_admin_flag() -> None:
    users, _, _ = make_users()
    ticket = users.login("hadoop", "hadoop", None).ticket
    assert users.login(None, None, ticket).is_admin is True


def test_stale_ticket_is_ignored_by_login() -> None:
    users, _, _ = make_users()
    outcome = users.login("alice", "alice", "not-a-ticket")
    assert outcome.message == LOGIN_OK
    assert outcome.ticket is not None


def test_custom_accounts_and_extras() -> None:
    users, _, _ = make_users(
        accounts=(Account("root", "s3cret", admin=True),),
        session_timeout_ms=5000,
        enable_watermark=False,
    )
    outcome = users.login("root", "s3cret", None)
    assert outcome.is_admin
    assert users.login_extras() == {"sessionTimeOut": 5000, "enableWatermark": False}
    assert login_error(users, "hadoop", "hadoop").message.startswith("wrong user name")


def test_is_admin() -> None:
    users, _, _ = make_users()
    assert users.is_admin("hadoop")
    assert not users.is_admin("alice")
    assert not users.is_admin("nobody")


# ---- sessions -------------------------------------------------------------------------


def test_session_slides_on_use_and_expires_after_the_timeout() -> None:
    users, wall, _ = make_users()
    ticket = users.login("alice", "alice", None).ticket
    assert ticket is not None
    wall.seconds += 3000
    assert users.session_user(ticket) == "alice"  # used: expiry slides
    wall.seconds += 3000  # 6000 s after login, 3000 s after last use
    assert users.session_user(ticket) == "alice"
    wall.seconds += 3599  # just under the timeout since last use
    assert users.session_user(ticket) == "alice"
    wall.seconds += 3600.5
    assert users.session_user(ticket) is None
    wall.seconds -= 3600  # an expired session is gone for good
    assert users.session_user(ticket) is None


def test_expired_session_does_not_count_as_logged_in() -> None:
    users, wall, _ = make_users()
    ticket = users.login("alice", "alice", None).ticket
    wall.seconds += 3601
    outcome = users.login("bob", "bob", ticket)
    assert (outcome.user, outcome.message) == ("bob", LOGIN_OK)


def test_sessions_follow_wall_time_not_simulated_time() -> None:
    users, _, clock = make_users()
    ticket = users.login("alice", "alice", None).ticket
    assert ticket is not None
    clock.advance(10 * 3600)
    assert users.session_user(ticket) == "alice"


def test_logout() -> None:
    users, _, _ = make_users()
    ticket = users.login("alice", "alice", None).ticket
    other = users.login("alice", "alice", None).ticket
    assert ticket is not None and other is not None
    users.logout(ticket)
    assert users.session_user(ticket) is None
    assert users.session_user(other) == "alice"
    users.logout(ticket)  # twice is harmless
    users.logout(None)
    users.logout("unknown")
    assert users.session_user(other) == "alice"


def test_unknown_ticket() -> None:
    users, _, _ = make_users()
    assert users.session_user("nope") is None


def test_clear_forgets_sessions() -> None:
    sessions = SessionStore()
    users = Users(SimSettings(), Clock(START_MS, frozen=True), sessions)
    ticket = users.login("alice", "alice", None).ticket
    assert ticket is not None
    sessions.clear()
    assert users.session_user(ticket) is None


# ---- tokens ---------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["alice", "anyone", "hadoop"])
def test_configured_token_accepts_any_user(user: str) -> None:
    users, _, _ = make_users()
    assert users.token_user("LINKIS-AUTH", user) == user


@pytest.mark.parametrize("token", ["WRONG", "linkis-auth", "LINKIS-AUTH ", ""])
def test_unknown_token_is_rejected(token: str) -> None:
    users, _, _ = make_users()
    with pytest.raises(LinkisError) as info:
        users.token_user(token, "alice")
    assert info.value.message == f"未授权的token{token}，无法将请求绑定给tokenUseralice!"
    assert info.value.status == -1


def test_token_rejection_message_exact() -> None:
    users, _, _ = make_users()
    with pytest.raises(LinkisError) as info:
        users.token_user("BAD", "bob")
    assert info.value.message == "未授权的tokenBAD，无法将请求绑定给tokenUserbob!"


def test_configured_token_list() -> None:
    users, _, _ = make_users(tokens=("WS-AUTH", "ADMIN-KEY"))
    assert users.token_user("ADMIN-KEY", "x") == "x"
    assert users.token_user("WS-AUTH", "y") == "y"
    with pytest.raises(LinkisError):
        users.token_user("LINKIS-AUTH", "alice")


@pytest.mark.parametrize(
    ("token", "admin"),
    [
        ("ADMIN-KEY", True),
        ("my-admin-token", True),
        ("xADMIN-", True),
        ("LINKIS-AUTH", False),
        ("ADMIN", False),
        ("ADMINKEY", False),
        ("", False),
    ],
)
def test_is_admin_token(token: str, admin: bool) -> None:
    assert Users.is_admin_token(token) is admin
