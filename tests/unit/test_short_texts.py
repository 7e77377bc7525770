"""Results of short texts are kept; long texts and failures are not."""

from __future__ import annotations

import pytest

from linkis_mock.sim.short_texts import kept_for_short_texts


def test_short_texts_are_read_once_long_ones_each_time_and_failures_are_not_kept() -> None:
    reads: list[str] = []

    @kept_for_short_texts(longest=8, maxsize=2)
    def length_of(text: str) -> int:
        reads.append(text)
        if text == "bad":
            raise ValueError(text)
        return len(text)

    assert [length_of("short"), length_of("short")] == [5, 5]
    assert [length_of("x" * 9), length_of("x" * 9)] == [9, 9]
    assert reads == ["short", "x" * 9, "x" * 9]
    assert length_of.kept() == 1
    for _ in range(2):
        with pytest.raises(ValueError, match="bad"):
            length_of("bad")
    assert reads.count("bad") == 2
    for text in "abc":  # at most two are kept
        length_of(text)
    assert length_of.kept() == 2
