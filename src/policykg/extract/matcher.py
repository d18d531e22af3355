"""Many-word matching in one pass (Aho-Corasick, via pyahocorasick): C speed, any overlap.

Word lists (verbs, agency suffixes, region and agency names) are matched this way rather
than with a regex alternation, which Python's re engine tries word by word at every
position of a letter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

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


# ------------------------------------------------------------------ one pass for every list
#
# Extractors register their word lists by kind (verbs, agency suffixes, region names, known
# agency names); a record's text is scanned once for all of them together.

_LISTS: dict[str, Callable[[], Iterable[str]]] = {}


def register_words(kind: str, supplier: Callable[[], Iterable[str]]) -> None:
    """Add a word list (built lazily by ``supplier``) to the combined one-pass matcher."""
    _LISTS[kind] = supplier
    _combined.cache_clear()


@cache
def _combined() -> tuple[ahocorasick.Automaton, tuple[str, ...]]:
    kinds = tuple(sorted(_LISTS))
    masks: dict[str, int] = {}
    for bit, kind in enumerate(kinds):
        for word in _LISTS[kind]():
            if word:
                masks[word] = masks.get(word, 0) | (1 << bit)
    automaton = ahocorasick.Automaton()
    for word, mask in masks.items():
        indices = tuple(bit for bit in range(len(kinds)) if mask >> bit & 1)
        automaton.add_word(word, (len(word), indices))
    automaton.make_automaton()
    return automaton, kinds


def find_words(text: str, start: int, end: int) -> dict[str, list[tuple[int, int]]]:
    """(start, end) spans of every registered word in ``text[start:end]``, by kind."""
    automaton, kinds = _combined()
    out: dict[str, list[tuple[int, int]]] = {kind: [] for kind in kinds}
    lists = [out[kind] for kind in kinds]
    for last, (length, indices) in automaton.iter(text, start, end):
        span = (last + 1 - length, last + 1)
        for i in indices:
            lists[i].append(span)
    return out
