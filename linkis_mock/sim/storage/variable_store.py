"""Where the simulator keeps each user's global variables: the rows of the public
service's `linkis_ps_variable_key` and `linkis_ps_variable_key_user` tables, in the order
they were saved, with the ids the web console reads (VarMapper.xml;
docs/reference/linkis-interceptors.md §14).

The config's `[variables.<user>]` tables seed them: at start, on a reset, and in a state
file or snapshot that does not carry them (one from an older mock).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from linkis_mock.sim.storage.changes import Changes

Seeds = Mapping[str, Mapping[str, str]]


@dataclass(frozen=True, slots=True)
class GlobalVariable:
    """One saved variable: its key row's id and its value row's id (inserted together,
    so equal here), the name and the value."""

    key_id: int
    key: str
    value_id: int
    value: str


class VariableStore:
    def __init__(self, changes: Changes | None = None, seeds: Seeds | None = None) -> None:
        self._changes = changes or Changes()
        self._lock = threading.Lock()
        self._by_user: dict[str, tuple[GlobalVariable, ...]] = {}
        self._last_id = 0
        self.seeds: Seeds = MappingProxyType({})
        self.reseed(seeds or {})
        self.clear()

    def reseed(self, seeds: Seeds) -> None:
        """New seeds (a reload's config): they apply at the next reset."""
        self.seeds = MappingProxyType({user: dict(values) for user, values in seeds.items()})

    def of(self, user: str) -> tuple[GlobalVariable, ...]:
        """The user's variables, in the order their rows were inserted."""
        return self._by_user.get(user, ())

    def values(self, user: str) -> dict[str, str]:
        """Name -> value, as the entrance asks for them (a later row of a name wins)."""
        return {variable.key: variable.value for variable in self.of(user)}

    def save(self, user: str, items: Iterable[tuple[str, str]]) -> None:
        """saveGlobalVaraibles (VariableServiceImpl.scala:92-133): a name the user already
        has gets its value updated, any other is inserted (each time it comes: a name given
        twice is inserted twice), and the user's names not given are deleted."""
        with self._lock:
            before = self.of(user)
            existing = {variable.key: variable for variable in reversed(before)}
            kept: dict[int, GlobalVariable] = {variable.key_id: variable for variable in before}
            given = set()
            inserted: list[GlobalVariable] = []
            for key, value in items:
                given.add(key)
                old = existing.get(key)
                if old is not None:
                    kept[old.key_id] = GlobalVariable(old.key_id, key, old.value_id, value)
                else:
                    self._last_id += 1
                    inserted.append(GlobalVariable(self._last_id, key, self._last_id, value))
            rows = [variable for variable in kept.values() if variable.key in given]
            self._set(user, (*rows, *inserted))
            self._changes.variables_changed()

    def replace(self, user: str, values: Mapping[str, str]) -> None:
        """The user's whole set (the admin API), saved as the console saves it."""
        self.save(user, values.items())

    def _set(self, user: str, rows: tuple[GlobalVariable, ...]) -> None:
        if rows:
            self._by_user[user] = rows
        else:
            self._by_user.pop(user, None)

    def all(self) -> tuple[dict[str, tuple[GlobalVariable, ...]], int]:
        """Every user's rows and the last id given out."""
        with self._lock:
            return dict(self._by_user), self._last_id

    def load(self, by_user: Mapping[str, Iterable[GlobalVariable]], last_id: int) -> None:
        """Replace everything (a snapshot, or what another process saved)."""
        with self._lock:
            self._by_user = {user: tuple(rows) for user, rows in by_user.items() if rows}
            self._last_id = last_id
        self._changes.variables_changed()

    def clear(self) -> None:
        """Back to the seeds, with ids from 1."""
        with self._lock:
            self._by_user = {}
            self._last_id = 0
        for user, values in self.seeds.items():
            self.replace(user, values)
        self._changes.variables_changed()


def variables_to_json(store: VariableStore) -> dict[str, object]:
    """The snapshot's and the state file's `variables` member."""
    by_user, last_id = store.all()
    return {
        "lastId": last_id,
        "users": {
            user: [
                {"keyID": v.key_id, "key": v.key, "valueID": v.value_id, "value": v.value}
                for v in rows
            ]
            for user, rows in by_user.items()
        },
    }


def variables_from_json(data: Mapping[str, object]) -> tuple[dict[str, list[GlobalVariable]], int]:
    """Rows and last id from `variables_to_json`'s shape (ValueError, KeyError or
    TypeError when it is not that)."""
    users = data["users"]
    if not isinstance(users, Mapping):
        raise TypeError("variables.users is not an object")
    by_user = {
        str(user): [
            GlobalVariable(
                int(row["keyID"]), str(row["key"]), int(row["valueID"]), str(row["value"])
            )
            for row in rows
        ]
        for user, rows in users.items()
    }
    last_id = int(str(data["lastId"]))
    if any(v.key_id > last_id or v.value_id > last_id for rows in by_user.values() for v in rows):
        raise ValueError("variables.lastId is below a variable's id")
    return by_user, last_id
