"""Many-word matching in one pass (Aho-Corasick, via pyahocorasick): C speed, any overlap.

Word lists (verbs, agency suffixes, region and agency names) are matched this way rather
than with a regex alternation, which Python's re engine tries word by word at every
position of a letter.

pyahocorasick finds a node's child by a linear scan of its children, and the root of an
automaton of Chinese words has hundreds (one per distinct first character), scanned at
almost every character of a letter. So words and text are matched as UTF-16 code units,
each written as two Latin-1 characters (high byte first): the root then has about 80
children (the high bytes of CJK characters) and the next level a few each, which halves
the time of a pass. A match is kept only when it starts on a character boundary, and its
offsets are halved back; a text with characters outside the BMP is matched as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from re import _constants as _sre_constants  # type: ignore[attr-defined]
from re import _parser as _sre_parser  # type: ignore[attr-defined]
from typing import Any

import ahocorasick


def _units(text: str) -> str | None:
    """``text`` as UTF-16BE code units, two Latin-1 characters each; None when it has
    characters outside the BMP (or lone surrogates), whose offsets would not halve."""
    try:
        units = text.encode("utf-16-be").decode("latin-1")
    except UnicodeEncodeError:
        return None
    return units if len(units) == 2 * len(text) else None


def _automaton(values: dict[str, object], encode: bool) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word, value in values.items():
        key = _units(word) if encode else word
        if key is not None:  # a word outside the BMP can only occur in a text matched as is
            automaton.add_word(key, value)
    if values:
        automaton.make_automaton()
    return automaton


def _iter(plain: Callable[[], ahocorasick.Automaton], units: ahocorasick.Automaton,
          text: str, start: int, end: int) -> Iterator[tuple[int, object]]:
    """(end offset, value) of every word in ``text[start:end]``, in the order
    ``plain().iter(text, start, end)`` gives them (by end, longest first)."""
    encoded = _units(text[start:end])
    if encoded is None:
        for last, value in plain().iter(text, start, end):
            yield last + 1, value
        return
    for last, value in units.iter(encoded):
        if last & 1:  # ends on a character boundary (and so, being whole characters, starts on one)
            yield start + (last + 1 >> 1), value


class WordMatcher:
    """All occurrences of a fixed set of words in a text, overlapping ones included."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(w for w in words if w)
        lengths = {word: len(word) for word in self.words}
        self._units = _automaton(lengths, encode=True)
        self._plain = cache(lambda: _automaton(lengths, encode=False))

    def spans(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
        """(start, end) of every occurrence inside ``text[start:end]``."""
        if not self.words:
            return []
        end = len(text) if end is None else end
        return [(e - n, e) for e, n in _iter(self._plain, self._units, text, start, end)]  # type: ignore[operator]

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
def _combined() -> tuple[ahocorasick.Automaton, tuple[str, ...], Callable[[], ahocorasick.Automaton]]:
    """The automaton of every registered word (as UTF-16 units), the kinds, and a builder
    of the same automaton over plain characters (for texts outside the BMP)."""
    kinds = tuple(sorted(_LISTS))
    masks: dict[str, int] = {}
    for bit, kind in enumerate(kinds):
        for word in _LISTS[kind]():
            if word:
                masks[word] = masks.get(word, 0) | (1 << bit)
    # Each word's value: (length, its kind's index, or -1 when it has several, their indices).
    values: dict[str, object] = {}
    for word, mask in masks.items():
        indices = tuple(bit for bit in range(len(kinds)) if mask >> bit & 1)
        values[word] = (len(word), indices[0] if len(indices) == 1 else -1, indices)
    return _automaton(values, encode=True), kinds, cache(lambda: _automaton(values, encode=False))


# ------------------------------------------------------------------ patterns tried where they can start
#
# Python's re engine scans for a pattern that opens with an alternation or a class by
# testing the class at every position of a letter. When every match of a pattern begins
# with one of a few literal strings, those strings join the one-pass word lists, and the
# pattern is tried only where one of them begins (Context.finditer).

_PATTERN_KINDS: dict[re.Pattern[str], str] = {}


def register_pattern(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """Let ``Context.finditer(pattern)`` try the pattern only where a match can begin.

    The literal strings every match begins with are read from the pattern itself
    (``literal_prefixes``); a pattern without such strings is left to plain ``finditer``.
    """
    prefixes = literal_prefixes(pattern)
    if prefixes is not None:
        kind = "starts:" + pattern.pattern
        register_words(kind, lambda: prefixes)
        _PATTERN_KINDS[pattern] = kind
    return pattern


def pattern_kind(pattern: re.Pattern[str]) -> str | None:
    """The word-list kind holding the strings ``pattern``'s matches begin with, if registered."""
    return _PATTERN_KINDS.get(pattern)


def literal_prefixes(pattern: re.Pattern[str], longest: int = 4, most: int = 256) -> frozenset[str] | None:
    """Strings one of which begins every match of ``pattern`` (None when there are none to
    tell: a class of many characters, an optional part or a repeat first, ignored case).

    Read from the parsed pattern: literals, small classes, groups, alternations and
    optional parts are followed from the start, zero-width assertions skipped, and the walk stops at the first
    other item or once every string has ``longest`` characters — every string found so far
    still begins every match.
    """
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        items = list(_sre_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 — an unparsable pattern is simply not sped up
        return None
    found = _prefixes(items, longest, most)
    if found is None or "" in found[0]:
        return None
    # a string with another one as its prefix adds no place to try
    return frozenset(x for x in found[0] if not any(x != y and x.startswith(y) for y in found[0]))


def _prefixes(items: list[Any], longest: int, most: int) -> tuple[set[str], bool] | None:
    """(strings, whole): strings one of which begins every match of the sequence ``items``,
    and whether each string is a whole match of it (so what follows can be appended)."""
    out = {""}
    for op, av in items:
        if op in (_sre_constants.AT, _sre_constants.ASSERT, _sre_constants.ASSERT_NOT):
            continue  # zero width
        if op is _sre_constants.LITERAL:
            strings, whole = {chr(av)}, True
        elif op is _sre_constants.IN:
            chars = _class_chars(av)
            if chars is None:
                return out, False
            strings, whole = chars, True
        elif op is _sre_constants.SUBPATTERN:
            if (av[1] | av[2]) & re.IGNORECASE:
                return None
            inner = _prefixes(list(av[3]), longest, most)
            if inner is None:
                return None
            strings, whole = inner
        elif op in (_sre_constants.MAX_REPEAT, _sre_constants.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
            inner = _prefixes(list(av[2]), longest, most)  # an optional part: it, or nothing
            if inner is None:
                return None
            strings, whole = inner[0] | {""}, inner[1]
        elif op is _sre_constants.BRANCH:
            branches = [_prefixes(list(b), longest, most) for b in av[1]]
            if any(b is None for b in branches):
                return None
            strings = {x for b in branches for x in b[0]}  # type: ignore[index]
            whole = all(b[1] for b in branches)  # type: ignore[index]
        else:
            return out, False
        if len(out) * len(strings) > most:
            return out, False
        out = {p + x for p in out for x in strings}
        if not whole or min(map(len, out)) >= longest:
            return out, False
    return out, True


def _class_chars(items: list[Any]) -> set[str] | None:
    """The characters of a small positive class ``[...]``, else None."""
    chars: set[str] = set()
    for op, av in items:
        if op is _sre_constants.LITERAL:
            chars.add(chr(av))
        elif op is _sre_constants.RANGE and av[1] - av[0] < 16:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return None  # a category, a negation or a wide range
    return chars


def find_words(text: str, start: int, end: int) -> dict[str, list[tuple[int, int]]]:
    """(start, end) spans of every registered word in ``text[start:end]``, by kind."""
    automaton, kinds, plain = _combined()
    out: dict[str, list[tuple[int, int]]] = {kind: [] for kind in kinds}
    lists = [out[kind] for kind in kinds]
    encoded = _units(text[start:end])
    if encoded is None:
        for e, (length, _, indices) in _iter(plain, automaton, text, start, end):  # type: ignore[misc]
            span = (e - length, e)
            for i in indices:
                lists[i].append(span)
        return out
    appends = [lst.append for lst in lists]
    for last, (length, k, indices) in automaton.iter(encoded):  # _iter, inlined: the hot loop
        if last & 1:
            e = start + (last + 1 >> 1)
            if k >= 0:
                appends[k]((e - length, e))
            else:
                span = (e - length, e)
                for i in indices:
                    appends[i](span)
    return out
