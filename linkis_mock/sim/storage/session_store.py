"""Where the simulator keeps the gateway's login sessions, by ticket (the cookie's value)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from linkis_mock.sim.storage.changes import Changes


@dataclass(slots=True)
class Session:
    user: str
    last_used_ms: int


class SessionStore:
    def __init__(self, changes: Changes | None = None) -> None:
        self._changes = changes or Changes()
        self._sessions: dict[str, Session] = {}
        # Held by the rules that read and change a session in one step (Users).
        self.lock = threading.RLock()

    def get(self, ticket: str) -> Session | None:
        """A session as stored, expired or not."""
        return self._sessions.get(ticket)

    def open(self, ticket: str, session: Session) -> None:
        with self.lock:
            self._sessions[ticket] = session
        self._changes.session(ticket)

    def end(self, ticket: str) -> None:
        with self.lock:
            self._sessions.pop(ticket, None)
        self._changes.session(ticket)

    def changed(self, ticket: str) -> None:
        """A session changed in place (its expiry slid): it must be saved again."""
        self._changes.session(ticket)

    def all(self) -> dict[str, Session]:
        """Copies of every session, by ticket."""
        with self.lock:
            return {ticket: Session(s.user, s.last_used_ms) for ticket, s in self._sessions.items()}

    def put(self, ticket: str, session: Session | None) -> None:
        """Take in a session as another process saved it (None: it ended)."""
        with self.lock:
            if session is None:
                self._sessions.pop(ticket, None)
            else:
                self._sessions[ticket] = session

    def load(self, sessions: dict[str, Session]) -> None:
        """Replace every session (restoring a snapshot)."""
        with self.lock:
            self._sessions = dict(sessions)
        self._changes.all_replaced()

    def clear(self) -> None:
        with self.lock:
            self._sessions.clear()
        self._changes.all_replaced()
