"""What is a secret, and how it is shown: the one place every report, log line and reply
that repeats what a client or a server sent takes credentials out.

Secrets are passwords, tokens, session tickets and cookies: named by a JSON member, a
header or a query parameter, or written into a URL (`postgresql://user:password@...`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

REDACTED = "[redacted]"
# A member, header or parameter whose name holds one of these (any case, `-` and `_`
# ignored): `password`, `Token-Code`, `X-Auth-Token`, `Set-Cookie`, `sessionTicket`...
SECRET_WORDS = (
    "password",
    "passwd",
    "secret",
    "token",
    "ticket",
    "credential",
    "apikey",
    "cookie",
    "authorization",
)
# ... except these, which name whom a token stands for, not the token.
NOT_SECRET = frozenset({"tokenuser"})
PASSWORD_IN_URL = re.compile(r"(?<=://)([^:@/]*):[^@/]*@")
QUERY_PAIR = re.compile(r"(?<=[?&])([^=&#]+)=([^&#]*)")
# A secret value shorter than this is not hunted down in free text (it would blot out
# every "1" of a report); its own member, header or parameter is still replaced.
SHORTEST_SCRUBBED = 4


def is_secret_name(name: str) -> bool:
    """Whether a JSON member, header or query parameter of this name holds a secret."""
    folded = name.lower().replace("-", "").replace("_", "")
    return folded not in NOT_SECRET and any(word in folded for word in SECRET_WORDS)


def without_secrets(value: Any) -> Any:
    """A JSON document with the value of every secret member replaced."""
    if isinstance(value, dict):
        return {
            key: REDACTED if is_secret_name(str(key)) else without_secrets(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [without_secrets(item) for item in value]
    return value


def without_password(url: str) -> str:
    """The URL as messages show it: `postgresql://user@host/db`."""
    return PASSWORD_IN_URL.sub(r"\1@", url)


def without_secret_parameters(target: str) -> str:
    """A request target (`/path?query`) with the values of secret query parameters
    replaced, as logs show it."""
    if "?" not in target:
        return target
    return QUERY_PAIR.sub(
        lambda pair: f"{pair[1]}={REDACTED}" if is_secret_name(pair[1]) else pair[0], target
    )


def pointer_names_secret(pointer: str) -> bool:
    """Whether a JSON pointer (`/body/password`, `/header/token-code`) ends at a secret."""
    last = pointer.rstrip("/").rsplit("/", 1)[-1]
    return bool(last) and is_secret_name(last.replace("~1", "/").replace("~0", "~"))


def secret_values(document: Any, pairs: Iterable[tuple[str, str]] = ()) -> frozenset[str]:
    """The values a request sent as secrets: those of secret JSON members (at any depth)
    and of secret `pairs` (headers, query parameters), cookies one by one, so that they
    can be taken out wherever a reply or a message repeats them."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if is_secret_name(str(key)) and isinstance(item, str | int | float):
                    found.add(str(item))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(document)
    for name, value in pairs:
        if is_secret_name(name):
            found.add(value)
            found.update(part.split("=", 1)[-1].strip() for part in value.split(";"))
            found.add(value.partition(" ")[2].strip())  # `Bearer <token>`
    return frozenset(value for value in found if len(value) >= SHORTEST_SCRUBBED)


def scrubbed(text: str, secrets: frozenset[str]) -> str:
    """`text` with each of `secrets` replaced, the longest first."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text
