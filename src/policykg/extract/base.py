"""The contract every extractor shares, and the registry that finds them by name.

An extractor reads one record's text (through a ``Context``) and fills the fields of the
``LetterRecord`` it declares in ``assigns``. Adding an extractor is one new module with a
function decorated by ``@extractor(...)``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from typing import Any

from ..model import LetterRecord
from . import lexicon  # noqa: F401  (registers the verbs)
from .matcher import anchor_plan, find_words, pattern_kind

# Characters that end a sentence, for provenance and for keeping patterns inside one.
SENTENCE_END = "。！？；!?;\n"
# Characters that end a clause in the normalised text (full-width ，；： are folded to ,;:).
CLAUSE_END = "。，、；：,;:\n"


@dataclass
class Context:
    """One record under extraction: the file's text, the record's span, shared findings."""

    text: str  # the whole file's text, as decoded (spans index into it)
    norm: str  # same length, full-width folded, for matching
    start: int  # this record's span in ``text``
    end: int
    record: LetterRecord
    # Spans already claimed by a more specific entity (document titles, fund names),
    # by kind, so a weaker pattern does not match inside them.
    claimed: list[tuple[int, int, str]] = field(default_factory=list)
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)
    _by_kind: dict[str, list[tuple[int, int]]] = field(default_factory=dict, repr=False)
    # Per tuple of kinds: (claims indexed, their starts sorted, running max of their ends).
    _index: dict[tuple[str, ...], tuple[int, list[int], list[int]]] = field(default_factory=dict, repr=False)

    @property
    def body(self) -> str:
        """The record's normalised text (offsets relative to ``start``)."""
        return self.norm[self.start : self.end]

    def finditer(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        """Matches of ``pattern`` in the record (use ``abs_span`` for file offsets).

        A pattern registered with ``matcher.register_pattern`` is tried only where one of
        the strings its matches begin with begins (found by the one pass over the record):
        the same matches as ``pattern.finditer``, without a scan of every position.
        """
        kind = pattern_kind(pattern)
        if kind is not None:
            starts: list[int] | Iterable[int] = self.word_starts(kind)
        else:
            plan = anchor_plan(pattern)
            if plan is None:
                return list(pattern.finditer(self.norm, self.start, self.end))
            starts = self._anchored_starts(plan)
        found = []
        pos, norm, end, match = self.start, self.norm, self.end, pattern.match
        for p in starts:
            if p >= pos:
                m = match(norm, p, end)
                if m is not None:
                    found.append(m)
                    pos = m.end() if m.end() > p else p + 1
        return found

    def _anchored_starts(self, plan: tuple[tuple[str, int, int], ...]) -> list[int]:
        """Where a match can begin, ascending: ``lo`` to ``hi`` characters before each
        occurrence of one of the plan's literals in the record (matcher.anchor_plan)."""
        norm, start, end = self.norm, self.start, self.end
        found: set[int] = set()
        for literal, lo, hi in plan:
            i = norm.find(literal, start + lo, end)
            while i != -1:
                if lo == hi:
                    found.add(i - lo)
                else:
                    found.update(range(max(start, i - hi), i - lo + 1))
                i = norm.find(literal, i + 1, end)
        return sorted(found)

    def word_starts(self, kind: str) -> list[int]:
        """Where words of a registered list begin in the record, ascending, once each."""
        key = "starts:" + kind
        starts = self._memo.get(key)
        if starts is None:
            starts = self._memo[key] = sorted({s for s, _ in self.words[kind]})
        return starts

    def claim(self, start: int, end: int, kind: str) -> None:
        self.claimed.append((start, end, kind))
        self._by_kind.setdefault(kind, []).append((start, end))

    def _claims(self, kinds: tuple[str, ...]) -> list[tuple[int, int]]:
        if not kinds:
            return [(s, e) for s, e, _ in self.claimed]
        if len(kinds) == 1:
            return self._by_kind.get(kinds[0], [])
        return [span for k in kinds for span in self._by_kind.get(k, [])]

    def _indexed(self, kinds: tuple[str, ...]) -> tuple[int, list[int], list[int]]:
        """The claims (of ``kinds``) sorted by start, with the running maximum of their
        ends: whether any claim starting before x ends after y is one bisection. Claims
        made since the index was built (at most a few) are checked one by one."""
        entry = self._index.get(kinds)
        if entry is None or len(self.claimed) - entry[0] > 8:
            spans = sorted(self._claims(kinds))
            entry = (len(self.claimed), [s for s, _ in spans], list(accumulate([e for _, e in spans], max)))
            self._index[kinds] = entry
        return entry

    def _recent(self, indexed: int, kinds: tuple[str, ...]) -> list[tuple[int, int]]:
        """Claims (of ``kinds``) made after the first ``indexed`` ones."""
        return [(s, e) for s, e, k in self.claimed[indexed:] if not kinds or k in kinds]

    # (The queries below take the index from _index directly when it is current: they run
    # for every candidate name.)

    def is_claimed(self, start: int, end: int, kinds: tuple[str, ...] = ()) -> bool:
        """True if a claimed span (of one of ``kinds``, or any) contains [start, end)."""
        entry = self._index.get(kinds)
        if entry is None or entry[0] != len(self.claimed):
            entry = self._indexed(kinds)
        i = bisect_right(entry[1], start)  # claims with s <= start
        if i and entry[2][i - 1] >= end:
            return True
        indexed = entry[0]
        return indexed < len(self.claimed) and any(s <= start and end <= e for s, e in self._recent(indexed, kinds))

    def overlaps_claimed(self, start: int, end: int, kinds: tuple[str, ...] = ()) -> bool:
        """True if a claimed span (of one of ``kinds``, or any) overlaps [start, end)."""
        entry = self._index.get(kinds)
        if entry is None or entry[0] != len(self.claimed):
            entry = self._indexed(kinds)
        i = bisect_left(entry[1], end)  # claims with s < end
        if i and entry[2][i - 1] > start:
            return True
        indexed = entry[0]
        return indexed < len(self.claimed) and any(start < e and s < end for s, e in self._recent(indexed, kinds))

    def surrounds_claimed(self, pos: int, kinds: tuple[str, ...] = ()) -> bool:
        """True if ``pos`` lies strictly inside a claimed span (of one of ``kinds``, or any):
        s < pos < e."""
        entry = self._index.get(kinds)
        if entry is None or entry[0] != len(self.claimed):
            entry = self._indexed(kinds)
        i = bisect_left(entry[1], pos)  # claims with s < pos
        if i and entry[2][i - 1] > pos:
            return True
        indexed = entry[0]
        return indexed < len(self.claimed) and any(s < pos < e for s, e in self._recent(indexed, kinds))

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """A per-record cache for an expensive pass over the text (computed once)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @cached_property
    def words(self) -> dict[str, list[tuple[int, int]]]:
        """Spans of every registered word list's words in the record, by kind (one pass)."""
        return find_words(self.norm, self.start, self.end)

    @cached_property
    def verb_ends(self) -> frozenset[int]:
        """Offsets where a verb that precedes names ends (see lexicon.VERBS_BEFORE_NAMES)."""
        return frozenset({e for _, e in self.words["verb"]})

    @cached_property
    def sorted_verb_ends(self) -> list[int]:
        """``verb_ends``, ascending."""
        return sorted(self.verb_ends)

    def last_verb_end(self, lo: int, hi: int) -> int:
        """The largest offset in (lo, hi] where a verb ends, else ``lo``: where a walk back
        from ``hi`` that stops after verbs stops, when nothing else stops it first."""
        ends = self.sorted_verb_ends
        i = bisect_right(ends, hi) - 1
        return ends[i] if i >= 0 and ends[i] > lo else lo

    def after_verb(self, pos: int) -> bool:
        """True when a verb such as 会同 or 设立 ends right before ``pos``."""
        return pos in self.verb_ends

    @cached_property
    def lines(self) -> list[tuple[int, int]]:
        """(start, end) of each non-blank line of the record, in file offsets."""
        out = []
        pos = self.start
        for line in self.norm[self.start : self.end].split("\n"):
            stripped = line.strip()
            if stripped:
                lead = len(line) - len(line.lstrip())
                out.append((pos + lead, pos + lead + len(stripped)))
            pos += len(line) + 1
        return out

    def line_text(self, span: tuple[int, int]) -> str:
        return self.norm[span[0] : span[1]]

    def original(self, start: int, end: int) -> str:
        """The text as written (not normalised) — what mentions record."""
        return self.text[start:end]


ExtractFn = Callable[[Context], None]


# ------------------------------------------------------------ gazetteer lookups, memoised
#
# The gazetteer is read-only once loaded and its lookups are pure functions of their
# arguments (strings and frozen Regions), while letters name the same agencies and codes
# again and again: remember each answer, for the gazetteer last asked.

_LOOKUPS: dict[tuple[Any, ...], Any] = {}
_LOOKUP_OWNER: list[object] = [None]
_LOOKUPS_MAX = 200_000


def gazetteer_lookup(gaz: Any, method: str, *args: Any) -> Any:
    """``getattr(gaz, method)(*args)``, remembered per gazetteer (same answer, once)."""
    if _LOOKUP_OWNER[0] is not gaz:
        _LOOKUPS.clear()
        _LOOKUP_OWNER[0] = gaz
    key = (method, *args)
    try:
        return _LOOKUPS[key]
    except KeyError:
        pass
    if len(_LOOKUPS) >= _LOOKUPS_MAX:
        _LOOKUPS.clear()
    value = _LOOKUPS[key] = getattr(gaz, method)(*args)
    return value


def gazetteer_cached(gaz: Any, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered under ``key`` for this gazetteer (for answers that depend
    on nothing but the gazetteer and the values in ``key``)."""
    if _LOOKUP_OWNER[0] is not gaz:
        _LOOKUPS.clear()
        _LOOKUP_OWNER[0] = gaz
    try:
        return _LOOKUPS[key]
    except KeyError:
        pass
    if len(_LOOKUPS) >= _LOOKUPS_MAX:
        _LOOKUPS.clear()
    value = _LOOKUPS[key] = compute()
    return value


@dataclass(frozen=True, slots=True)
class Extractor:
    name: str
    assigns: tuple[str, ...]  # LetterRecord fields it fills
    run: ExtractFn
    order: int


_REGISTRY: dict[str, Extractor] = {}


def extractor(name: str, assigns: tuple[str, ...], order: int) -> Callable[[ExtractFn], ExtractFn]:
    """Register an extractor function under ``name``; ``order`` sets when it runs."""

    def register(fn: ExtractFn) -> ExtractFn:
        _REGISTRY[name] = Extractor(name, assigns, fn, order)
        return fn

    return register


def registered() -> list[Extractor]:
    """All registered extractors in run order."""
    return sorted(_REGISTRY.values(), key=lambda e: e.order)


def get_extractor(name: str) -> Extractor:
    """Return the extractor called ``name``; KeyError lists the known names."""
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise KeyError(f"unknown extractor {name!r}; known: {known}") from None


def literal_matches(
    pattern: re.Pattern[str],
    text: str,
    pos: int,
    endpos: int,
    literal: str,
    back: str = "",
    *,
    min_back: int = 0,
    spaces: bool = False,
    digits: bool = False,
    extra: int = 0,
) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer(text, pos, endpos)``, found from ``literal``.

    For patterns that Python's re engine can only try at every position of a letter (an
    optional group or a class first), when every match contains ``literal`` and the part
    of a match before its first ``literal`` has at least ``min_back`` characters, all in
    ``back`` (or white space with ``spaces``, Unicode decimal digits with ``digits``: the
    ``\\s`` and ``\\d`` of re), after up to ``extra`` characters of any kind. Then a match
    can only start in the run of such characters right before an occurrence of ``literal``
    (or ``extra`` before it), so only there is the pattern tried: same matches, in the same
    order. (``literal[0]`` must not be a ``back`` character.)
    """
    find, match = text.find, pattern.match
    while True:
        f = find(literal, pos, endpos)
        if f == -1:
            return
        lo = f
        while lo > pos:
            ch = text[lo - 1]
            if not (ch in back or spaces and ch.isspace() or digits and ch.isdecimal()):
                break
            lo -= 1
        lo = max(pos, lo - extra)
        for s in range(lo, f - min_back + 1):
            m = match(text, s, endpos)
            if m is not None:
                yield m
                pos = m.end() if m.end() > m.start() else m.end() + 1
                break
        else:
            pos = f + 1


def line_start_matches(
    pattern: re.Pattern[str], text: str, pos: int, endpos: int, lead: str, first: str
) -> Iterator[re.Match[str]]:
    """The matches of ``pattern.finditer(text, pos, endpos)`` for a MULTILINE pattern that
    begins with ``^``, then any run of ``lead`` characters, then one of ``first``: tried
    only at the line starts where that holds (re would try every position)."""
    match, resume = pattern.match, pos
    for line, ch in line_firsts(text, pos, endpos, lead):
        if line >= resume and ch in first:
            m = match(text, line, endpos)
            if m is not None:
                yield m
                resume = m.end() if m.end() > m.start() else m.end() + 1


def line_firsts(text: str, pos: int, endpos: int, lead: str) -> list[tuple[int, str]]:
    """(start, first character after any run of ``lead`` characters) of each line of
    ``text[pos:endpos]`` that has such a character; a line start is where ``^`` matches in
    MULTILINE mode (the start of the text or after a line break), so a ``pos`` inside a
    line skips that line."""
    if pos == 0 or text[pos - 1] == "\n":
        base = pos
    else:
        nl = text.find("\n", pos, endpos)
        if nl == -1:
            return []
        base = nl + 1
    lines = text[base:endpos].split("\n")
    starts = accumulate([len(line) + 1 for line in lines], initial=base)
    return [(start, ch) for start, line in zip(starts, lines, strict=False) if (ch := line.lstrip(lead)[:1])]


def first_literal_match(
    pattern: re.Pattern[str], text: str, pos: int, endpos: int, literal: str, back: str = "", **kw: Any
) -> re.Match[str] | None:
    """``pattern.search(text, pos, endpos)``, found as ``literal_matches`` finds matches."""
    return next(literal_matches(pattern, text, pos, endpos, literal, back, **kw), None)


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]``, bounded by 。！？； and line breaks."""
    left = max(text.rfind(ch, 0, start) for ch in SENTENCE_END) + 1
    rights = [i for i in (text.find(ch, end) for ch in SENTENCE_END) if i != -1]
    right = min(rights) + 1 if rights else len(text)
    while left < start and text[left].isspace():
        left += 1
    while right > end and text[right - 1].isspace():
        right -= 1
    return left, right


def walk_back(ctx: Context, pos: int, limit: int, stops: Callable[[str, int], bool]) -> tuple[int, bool]:
    """Walk back from ``pos`` over a name until ``stops(char, offset)`` says it ended.

    A bracketed part is taken whole (市中小微企业（民营经济）…, 云南爱伲农牧(集团)…).
    Returns where the name starts and whether its brackets were balanced.
    """
    start, depth = pos, 0
    while start > ctx.start and pos - start < limit:
        ch = ctx.norm[start - 1]
        if ch in ")）":
            depth += 1
        elif ch in "(（":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and stops(ch, start):
            break
        start -= 1
    return start, depth == 0
