"""Text documents that parts of the mock outside the simulator keep in the shared state
(the fault rules), by name: saved and loaded by the storage backends with the rest, so
that every process that shares the state shares them too."""

from __future__ import annotations

from linkis_mock.sim.storage.changes import Changes


class SharedDocuments:
    def __init__(self, changes: Changes) -> None:
        self._changes = changes
        self._texts: dict[str, str] = {}
        self._versions: dict[str, int] = {}

    def get(self, name: str) -> tuple[int, str | None]:
        """The document and its version, which moves with every put (this process's or
        one loaded from another's)."""
        return self._versions.get(name, 0), self._texts.get(name)

    def put(self, name: str, text: str) -> int:
        """Keep `text` as the document; its new version."""
        if self._texts.get(name) == text:
            return self._versions.get(name, 0)
        self._texts[name] = text
        self._versions[name] = self._versions.get(name, 0) + 1
        self._changes.document(name)
        return self._versions[name]

    def all(self) -> dict[str, str]:
        return dict(self._texts)
