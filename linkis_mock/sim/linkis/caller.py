"""Who calls an operation of the simulated entrance, as the security layer found out."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Caller:
    user: str
    admin: bool = False
    admin_token: bool = False  # a token marked ADMIN-, which may name another executeUser
