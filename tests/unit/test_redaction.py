"""What counts as a secret, and how it is taken out (linkis_mock.redaction)."""

from __future__ import annotations

import pytest

from linkis_mock.redaction import (
    REDACTED,
    is_secret_name,
    pointer_names_secret,
    scrubbed,
    secret_values,
    without_password,
    without_secret_parameters,
    without_secrets,
)


@pytest.mark.parametrize(
    "name",
    [
        "password",
        "passWord",
        "user_password",
        "passwd",
        "Token-Code",
        "x-auth-token",
        "X-Subject-Token",
        "Authorization",
        "Cookie",
        "set-cookie",
        "sessionTicketId",
        "client_secret",
        "apiKey",
        "credentials",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name", ["Token-User", "token_user", "userName", "executeUser", "execID", "content-type"]
)
def test_names_that_are_not_secret(name: str) -> None:
    assert not is_secret_name(name)


def test_secret_members_are_replaced_at_any_depth() -> None:
    document = {
        "userName": "alice",
        "password": "alice-pw",
        "nested": [{"accessToken": "t0k", "keep": 1}],
        "params": {"configuration": {"secretKey": {"deep": "x"}}},
    }
    assert without_secrets(document) == {
        "userName": "alice",
        "password": REDACTED,
        "nested": [{"accessToken": REDACTED, "keep": 1}],
        "params": {"configuration": {"secretKey": REDACTED}},
    }


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://mock:s3cret@db:5432/x", "postgresql://mock@db:5432/x"),
        ("https://u:p%40ss@linkis.example/api", "https://u@linkis.example/api"),
        ("postgresql://db/x", "postgresql://db/x"),
    ],
)
def test_passwords_in_urls(url: str, shown: str) -> None:
    assert without_password(url) == shown


def test_secret_query_parameters_in_a_target() -> None:
    target = "/api/x?user=alice&token=abc&password=p&page=2&access_token=z"
    assert without_secret_parameters(target) == (
        f"/api/x?user=alice&token={REDACTED}&password={REDACTED}&page=2&access_token={REDACTED}"
    )
    assert without_secret_parameters("/api/x") == "/api/x"


@pytest.mark.parametrize(
    ("pointer", "secret"),
    [
        ("/body/password", True),
        ("/header/token-code", True),
        ("/body/data/sessionTicket", True),
        ("/body/userName", False),
        ("/body/data/execID", False),
        ("/status", False),
        ("", False),
    ],
)
def test_pointers_at_secrets(pointer: str, secret: bool) -> None:
    assert pointer_names_secret(pointer) is secret


def test_the_secrets_a_request_sent_are_found_and_scrubbed_from_any_text() -> None:
    found = secret_values(
        {"userName": "alice", "password": 918273645, "nested": {"apiToken": "tok-1234"}},
        [
            ("cookie", "a=1; linkis_user_session_ticket_id_v1=T1CK3T; theme=dark"),
            ("authorization", "Bearer adm-token-9"),
            ("token-user", "alice"),
            ("token", "q"),  # too short to hunt down in free text
        ],
    )
    assert {"918273645", "tok-1234", "T1CK3T", "adm-token-9"} <= found
    assert "alice" not in found and "q" not in found and "dark" in found
    message = "918273645 is not of type 'string'; ticket T1CK3T"
    assert scrubbed(message, found) == f"{REDACTED} is not of type 'string'; ticket {REDACTED}"
