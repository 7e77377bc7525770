"""The admin plane's rules, one decision at a time (linkis_mock.control.admin_access)."""

from __future__ import annotations

import pytest

from linkis_mock.control.admin_access import AdminAccess, is_loopback_name, same_origin


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.1:8080", True),
        ("127.8.9.10:1", True),
        ("localhost", True),
        ("LocalHost:8080", True),
        ("app.localhost:5173", True),  # RFC 6761: browsers never look these up
        ("[::1]:8080", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("10.0.0.5:8080", False),
        ("localhost.evil.example", False),
        ("evil.example", False),
        ("[::ffff:10.0.0.1]:80", False),
        ("", False),
        (None, False),
    ],
)
def test_loopback_names(host: str | None, loopback: bool) -> None:
    assert is_loopback_name(host) is loopback


@pytest.mark.parametrize(
    ("origin", "host", "same"),
    [
        ("http://127.0.0.1:8080", "127.0.0.1:8080", True),
        ("http://LOCALHOST:8080", "localhost:8080", True),
        ("https://mock.example", "mock.example", True),  # TLS ends in front of the mock
        ("http://mock.example", "mock.example:80", True),
        ("https://mock.example", "mock.example:80", False),
        ("http://127.0.0.1:3000", "127.0.0.1:8080", False),
        ("http://localhost:8080", "127.0.0.1:8080", False),
        ("null", "127.0.0.1:8080", False),
        ("file://", "127.0.0.1:8080", False),
        ("http://127.0.0.1:99999", "127.0.0.1:8080", False),  # not a port
        ("http://127.0.0.1:8080", None, False),
    ],
)
def test_same_origin(origin: str, host: str | None, same: bool) -> None:
    assert same_origin(origin, host) is same


def test_the_modes() -> None:
    assert AdminAccess().mode == "loopback"
    assert AdminAccess(token="t").mode == "token"
    assert AdminAccess(token="t", loopback=False).mode == "token"
    assert AdminAccess(loopback=False).mode == "locked"
    assert AdminAccess(loopback=False).needs_made_token
    assert AdminAccess(loopback=False, open=True).mode == "open"
    assert not AdminAccess(loopback=False, open=True).shows_secrets
    assert AdminAccess().shows_secrets and AdminAccess(token="t").shows_secrets


def refusal(access: AdminAccess, **given: object) -> object:
    request: dict[str, object] = {
        "method": "GET",
        "host": "127.0.0.1:8080",
        "origin": None,
        "fetch_site": None,
        "authorization": None,
        "needs_token": True,
        **given,
    }
    return access.refusal(**request)  # type: ignore[arg-type]


def test_a_foreign_host_is_refused_before_the_token_is_looked_at() -> None:
    """A rebinding page never learns whether its guess of the token was right."""
    access = AdminAccess(token="t")
    found = refusal(access, host="rebind.example:8080", authorization="Bearer t")
    assert getattr(found, "status", None) == 403


def test_beyond_loopback_the_host_is_not_checked_but_other_sites_are() -> None:
    access = AdminAccess(token="t", loopback=False)
    assert refusal(access, host="mock-2:8080", authorization="Bearer t") is None
    cross = refusal(
        access,
        method="POST",
        host="mock-2:8080",
        origin="https://evil.example",
        authorization="Bearer t",
    )
    assert getattr(cross, "status", None) == 403
