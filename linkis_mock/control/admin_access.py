"""Who may use the admin plane (the admin API, its Swagger UI and the dashboard).

The plane resets everyone's state, adds fault rules for everyone and shows session
tickets, so it answers only its owners:

- **a token** (`[admin] token`): every operation but the health probes needs
  `Authorization: Bearer <token>`;
- **beyond loopback** with no token set, the CLI makes one at start and prints it;
  opening the plane without one is a setting of its own (`[admin] open`), for a
  container that only its CI job can reach;
- **on loopback** with no token set, local callers need none; what a browser page on
  another site can send is refused instead: a change whose `Origin` is another origin
  or whose `Sec-Fetch-Site` is `cross-site` (a `no-cors` POST needs no CORS approval),
  and any request whose `Host` is not a loopback name (DNS rebinding: the page's own
  host name, resolved to 127.0.0.1).

Framework-free: linkis_mock.middleware.admin_guard reads the request for it.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

TOKEN_SCHEME = "bearer"
# Methods that only read; the others change state.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_PORTS = {"http": 80, "https": 443}
NEEDED = "Authorization: Bearer <token>"
Mode = Literal["token", "loopback", "open", "locked"]


@dataclass(frozen=True, slots=True)
class Refusal:
    status: Literal[401, 403]
    detail: str


@dataclass(frozen=True, slots=True)
class AdminAccess:
    """`token`: the admin token, if one is set. `open`: beyond loopback without a token,
    on purpose. `loopback`: the mock is bound to a loopback address."""

    token: str | None = None
    open: bool = False
    loopback: bool = True

    @property
    def mode(self) -> Mode:
        if self.token is not None:
            return "token"
        if self.loopback:
            return "loopback"
        return "open" if self.open else "locked"

    @property
    def needs_made_token(self) -> bool:
        """Beyond loopback with no token and not opened: the CLI makes one at start."""
        return self.mode == "locked"

    @property
    def shows_secrets(self) -> bool:
        """Whether a caller the plane let in is one of its owners, to whom session tickets
        may be shown: the token's holder, or a local caller of a loopback mock. A plane
        opened beyond loopback lets in anyone who can reach it."""
        return self.mode in ("token", "loopback")

    def refusal(
        self,
        *,
        method: str,
        host: str | None,
        origin: str | None,
        fetch_site: str | None,
        authorization: str | None,
        needs_token: bool,
    ) -> Refusal | None:
        """Why a request to the admin plane is refused, if it is. `needs_token`: its
        operation declares the admin token (every one but the health probes)."""
        if self.loopback and not is_loopback_name(host):
            return Refusal(
                403,
                "the admin API answers only to loopback names on a loopback mock "
                f"(Host: {_shown(host)})",
            )
        if method not in SAFE_METHODS:
            if fetch_site == "cross-site":
                return Refusal(403, "the admin API refuses changes from another site")
            if origin is not None and not same_origin(origin, host):
                return Refusal(
                    403, f"the admin API refuses changes from another origin (Origin: {origin})"
                )
        if needs_token:
            return self._token_refusal(authorization)
        return None

    def _token_refusal(self, authorization: str | None) -> Refusal | None:
        mode = self.mode
        if mode in ("loopback", "open"):
            return None
        if mode == "locked" or self.token is None:
            return Refusal(
                401,
                "the mock listens beyond loopback and no admin token is set: set [admin] "
                "token (or [admin] open = true to open the admin API to the network)",
            )
        scheme, _, given = (authorization or "").strip().partition(" ")
        if scheme.lower() != TOKEN_SCHEME or not given.strip():
            return Refusal(401, f"the admin API needs the admin token: {NEEDED}")
        if not hmac.compare_digest(given.strip().encode(), self.token.encode()):
            return Refusal(401, "the admin token given is not this mock's")
        return None


def is_loopback_name(host: str | None) -> bool:
    """Whether a `Host` value (or a bind address) names this machine's loopback:
    `localhost` (and `*.localhost`, which browsers never look up), 127.0.0.0/8 or ::1,
    with or without a port."""
    if not host:
        return False
    name = _host_name(host)
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def same_origin(origin: str, host: str | None) -> bool:
    """Whether an `Origin` names the server the request's `Host` names. A `Host` without
    a port stands for the origin scheme's default one (a TLS-terminating proxy in
    front of the mock sees `https` origins over plain http)."""
    if not host:
        return False
    try:
        parts = urlsplit(origin)
        origin_port = parts.port or DEFAULT_PORTS.get(parts.scheme)
        host_parts = urlsplit("//" + host)
        host_port = host_parts.port or origin_port
    except ValueError:
        return False
    if not parts.hostname or parts.scheme not in DEFAULT_PORTS:
        return False
    return parts.hostname == host_parts.hostname and origin_port == host_port


def _host_name(host: str) -> str:
    """`host`, `host:port`, `[::1]:port` or a bare IPv6 address, as its name."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host  # a name, or a bare IPv6 address


def _shown(value: str | None) -> str:
    if value is None:
        return "none"
    return value if len(value) <= 100 else value[:97] + "..."
