"""A pure function of texts whose results are kept for the short texts only.

Pollers and schedulers send the same few short texts over and over (a session cookie, an
execID, a run_date), so reading them once and keeping the result pays. But the texts
come from requests, and a shared mock must not keep megabytes because a body sent them:
texts longer than the bound are read each time and not kept.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class KeptForShortTexts(Generic[P, R]):
    def __init__(self, function: Callable[P, R], longest: int, maxsize: int) -> None:
        self._function = function
        self._kept: Any = functools.lru_cache(maxsize=maxsize)(function)
        self._longest = longest
        functools.update_wrapper(self, function)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """What `function` gives; exceptions are raised each time, never kept. (A plain
        loop: a poll calls two of these, and a generator's sum took twice as long.)"""
        size = 0
        for arg in args:
            if isinstance(arg, str):
                size += len(arg)
        if size <= self._longest:
            result: R = self._kept(*args, **kwargs)
            return result
        return self._function(*args, **kwargs)

    def kept(self) -> int:
        """How many results are kept now."""
        size: int = self._kept.cache_info().currsize
        return size


def kept_for_short_texts(
    longest: int, maxsize: int
) -> Callable[[Callable[P, R]], KeptForShortTexts[P, R]]:
    """Keep up to `maxsize` results (least recently used out first) of calls whose text
    arguments are `longest` characters or fewer in all."""

    def decorate(function: Callable[P, R]) -> KeptForShortTexts[P, R]:
        return KeptForShortTexts(function, longest, maxsize)

    return decorate
