"""A request's headers, read once for every layer that asks.

Starlette's `Headers(scope=...)` answers each `get` by scanning the raw list and
encoding the name again; a poll asks a dozen times across the layers. This reads the
list once into a dict, with Starlette's meaning kept: names as the ASGI server gives
them (lower case), values decoded as latin-1, `get` and `[]` the first value of a
name, `getlist` all of them in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import overload


class RequestHeaders(Mapping[str, str]):
    __slots__ = ("_values",)

    def __init__(self, raw: Iterable[tuple[bytes, bytes]]) -> None:
        values: dict[str, list[str]] = {}
        for name, value in raw:
            key = name.decode("latin-1")
            text = value.decode("latin-1")
            if key in values:
                values[key].append(text)
            else:
                values[key] = [text]
        self._values = values

    def __getitem__(self, name: str) -> str:
        return self._values[name.lower()][0]

    @overload  # type: ignore[override]
    def get(self, name: str) -> str | None: ...
    @overload
    def get(self, name: str, default: str) -> str: ...
    def get(self, name: str, default: str | None = None) -> str | None:
        found = self._values.get(name.lower())
        return default if found is None else found[0]

    def getlist(self, name: str) -> list[str]:
        return list(self._values.get(name.lower(), ()))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)
