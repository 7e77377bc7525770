"""What an operation of the simulated entrance gives back when it succeeds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

D = TypeVar("D")


@dataclass(frozen=True, slots=True)
class Ok(Generic[D]):
    """A successful reply: the envelope's `data`, typed by the spec, and `message`."""

    data: D
    message: str = "OK"
