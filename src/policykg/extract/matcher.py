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

import itertools
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


_PLANS: dict[re.Pattern[str], tuple[tuple[str, int, int], ...] | None] = {}


def anchor_plan(pattern: re.Pattern[str]) -> tuple[tuple[str, int, int], ...] | None:
    """``literal_anchors(pattern)`` when finding the literals with str.find beats re's own
    scan (not when the pattern opens with a literal: re searches for that one itself, or
    when there are too many literals), else None; worked out once per pattern."""
    try:
        return _PLANS[pattern]
    except KeyError:
        pass
    items = _parsed(pattern)
    first = next((op for op, _ in items or () if op not in (_sre_constants.AT, _sre_constants.ASSERT, _sre_constants.ASSERT_NOT)), None)
    plan = None
    if items is not None and first is not _sre_constants.LITERAL:
        anchors = literal_anchors(pattern)
        if anchors is not None and len(anchors) <= 32:
            plan = anchors
    _PLANS[pattern] = plan
    return plan


def literal_prefixes(pattern: re.Pattern[str], longest: int = 4, most: int = 256) -> frozenset[str] | None:
    """Strings one of which begins every match of ``pattern`` (None when there are none to
    tell: a class of many characters or a repeat first, ignored case).

    Read from the parsed pattern: literals, small classes, groups, alternations and
    optional parts are followed from the start, zero-width assertions skipped; a string
    stops growing at the first other item, and all once every string has ``longest``
    characters — every string found still begins every match.
    """
    items = _parsed(pattern)
    if items is None:
        return None
    found = _prefixes(items, longest, most)
    if found is None or ("", False) in found or ("", True) in found:
        return None
    strings = {x for x, _ in found}
    # a string with another one as its prefix adds no place to try
    return frozenset(x for x in strings if not any(x != y and x.startswith(y) for y in strings))


def _parsed(pattern: re.Pattern[str]) -> list[Any] | None:
    if pattern.flags & re.IGNORECASE:
        return None
    try:
        return list(_sre_parser.parse(pattern.pattern, pattern.flags))
    except Exception:  # noqa: BLE001 — an unparsable pattern is simply not sped up
        return None


def _prefixes(items: list[Any], longest: int, most: int) -> set[tuple[str, bool]] | None:
    """Pairs (string, whole): every match of the sequence ``items`` begins with one of the
    strings; a whole one is all the match, so what follows the sequence may extend it."""
    state = {("", True)}
    for op, av in items:
        if op in (_sre_constants.AT, _sre_constants.ASSERT, _sre_constants.ASSERT_NOT):
            continue  # zero width
        if op is _sre_constants.LITERAL:
            item: set[tuple[str, bool]] | None = {(chr(av), True)}
        elif op is _sre_constants.IN:
            chars = _class_chars(av)
            item = None if chars is None else {(c, True) for c in chars}
        elif op is _sre_constants.SUBPATTERN:
            if (av[1] | av[2]) & re.IGNORECASE:
                return None
            item = _prefixes(list(av[3]), longest, most)
            if item is None:
                return None
        elif op in (_sre_constants.MAX_REPEAT, _sre_constants.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
            item = _prefixes(list(av[2]), longest, most)  # an optional part: it, or nothing
            if item is None:
                return None
            item = item | {("", True)}
        elif op is _sre_constants.BRANCH:
            item = set()
            for branch in av[1]:
                found = _prefixes(list(branch), longest, most)
                if found is None:
                    return None
                item |= found
        else:
            item = None
        if item is None or len(state) * len(item) > most:
            return {(x, False) for x, _ in state}  # nothing more to append
        state = {(x, False) for x, whole in state if not whole} | {
            (x + y, whole) for x, open_ in state if open_ for y, whole in item
        }
        if all(not whole or len(x) >= longest for x, whole in state):
            return {(x, False) for x, _ in state}
    return state


def literal_anchors(pattern: re.Pattern[str], widest: int = 24) -> tuple[tuple[str, int, int], ...] | None:
    """(literal, lo, hi) triples: every match of ``pattern`` holds one of the literals,
    beginning between ``lo`` and ``hi`` characters after the match's start (None when the
    pattern gives none). The strings a match begins with (``literal_prefixes``) when it
    has them; else the first literal of the pattern, after parts of bounded width (at most
    ``widest`` apart), e.g. ``[\\u4e00-\\u9fff]{2,6}?券项目`` → (券项目, 2, 6)."""
    prefixes = literal_prefixes(pattern)
    if prefixes is not None:
        return tuple((x, 0, 0) for x in sorted(prefixes))
    items = _parsed(pattern)
    if items is None:
        return None
    flat: list[Any] = []

    def flatten(seq: list[Any]) -> bool:  # groups are transparent for positions
        for op, av in seq:
            if op is _sre_constants.SUBPATTERN:
                if (av[1] | av[2]) & re.IGNORECASE or not flatten(list(av[3])):
                    return False
            else:
                flat.append((op, av))
        return True

    if not flatten(items):
        return None
    lo = hi = 0
    for i, (op, av) in enumerate(flat):
        if op is _sre_constants.LITERAL:
            literal = "".join(chr(v) for _, v in itertools.takewhile(lambda it: it[0] is _sre_constants.LITERAL, flat[i:]))
            return ((literal, lo, hi),)
        try:
            width = _sre_parser.SubPattern(_sre_parser.State(), [(op, av)]).getwidth()
        except Exception:  # noqa: BLE001 — e.g. a back reference: no anchor
            return None
        lo, hi = lo + width[0], hi + width[1]
        if hi - lo > widest:
            return None
    return None


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
