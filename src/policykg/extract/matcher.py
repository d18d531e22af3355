"""Many-word matching in one pass (Aho-Corasick, via pyahocorasick): C speed, any overlap.

Word lists (verbs, agency suffixes, region and agency names) are matched this way rather
than with a regex alternation, which Python's re engine tries word by word at every
position of a letter.
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick


class WordMatcher:
    """All occurrences of a fixed set of words in a text, overlapping ones included."""

    def __init__(self, words: Iterable[str]) -> None:
        self._automaton = ahocorasick.Automaton()
        self.words = frozenset(w for w in words if w)
        for word in self.words:
            self._automaton.add_word(word, len(word))
        if self.words:
            self._automaton.make_automaton()

    def spans(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """(start, end) of every occurrence inside ``text[start:end]``."""
        if not self.words:
            return []
        end = len(text) if end is None else end
        return [(last + 1 - n, last + 1) for last, n in self._automaton.iter(text, start, end)]

    def ends(self, text: str, start: int = 0, end: int | None = None) -> frozenset[int]:
        """Offsets where some word ends."""
        return frozenset(e for _, e in self.spans(text, start, end))

    def longest_at(self, text: str, start: int = 0, end: int | None = None) -> dict[int, int]:
        """For each offset where a word starts, the end of the longest word starting there."""
        out: dict[int, int] = {}
        for s, e in self.spans(text, start, end):
            if e > out.get(s, -1):
                out[s] = e
        return out
