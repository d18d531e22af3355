"""Structure: a proposal's suggestions, and a reply's numbered sections and actions.

A reply answers a proposal section by section (一、… （一）…) and lists actions inside
them (一是…二是…); each becomes a Measure. A proposal form lists its suggestions
(建议一、… / 第二，…); each becomes a Suggestion.
"""

from __future__ import annotations

import re

from ..model import Measure, Suggestion
from .base import Context, extractor, line_firsts, literal_matches
from .numerals import cn_to_int

_CN = "一二三四五六七八九十"
HEADINGS = (
    (1, re.compile(rf"^[ \t]*([{_CN}]{{1,3}})\s*[、.．]"  , re.M)),
    (2, re.compile(rf"^[ \t]*[（(]([{_CN}]{{1,3}})[)）]", re.M)),
    (3, re.compile(r"^[ \t]*(\d{1,2})\s*[、.．](?!\d)", re.M)),
)
INLINE = re.compile(rf"([{_CN}]{{1,3}})是")  # 一是 …; callers check what precedes it
SUGGESTION_STYLES = (
    re.compile(rf"(?:^|(?<=[\s。；]))(建议([{_CN}]{{1,3}}))\s*[、：:，,.]"),
    re.compile(rf"(?:^|(?<=[\s。；]))(第([{_CN}]{{1,3}}))\s*[，,、：:]"),
    re.compile(rf"^[ \t]*(([{_CN}]{{1,3}}))\s*[、.]", re.M),
    re.compile(r"^[ \t]*((\d{1,2}))\s*[、.．](?!\d)", re.M),
)


@extractor("suggestions", assigns=("proposal",), order=15)
def extract_suggestions(ctx: Context) -> None:
    """Each numbered suggestion of a proposal form, in order (one style per form)."""
    if ctx.record.kind != "proposal":
        return
    body_start = _suggestion_area(ctx)
    best: list[re.Match[str]] = []
    for style in SUGGESTION_STYLES:
        found = list(style.finditer(ctx.norm, body_start, ctx.end))
        found = _increasing(found)
        if len(found) > len(best):
            best = found
    for m in best:
        index = cn_to_int(m.group(2)) or 0
        text_start = m.end()
        stop = _first(ctx.norm, text_start, ctx.end, "。\n")
        text = ctx.norm[text_start:stop].strip()
        s = ctx.norm.index(text, text_start) if text else text_start
        ctx.record.proposal.suggestions.append(
            Suggestion(label=m.group(1), text=ctx.original(s, s + len(text)), start=s, end=s + len(text), index=index)
        )


def _suggestion_area(ctx: Context) -> int:
    m = re.search(r"(意见建议|建\s*议|内\s*容)\s*[:：]", ctx.norm[ctx.start : ctx.end])
    return ctx.start + m.start() if m else ctx.start


def _increasing(found: list[re.Match[str]]) -> list[re.Match[str]]:
    """Keep the run 1, 2, 3 … of labels (drops repeats such as a second 第二)."""
    out: list[re.Match[str]] = []
    for m in found:
        n = cn_to_int(m.group(2))
        if n == len(out) + 1:
            out.append(m)
    return out


def _first(text: str, start: int, end: int, chars: str) -> int:
    """The first of ``chars`` in ``text[start:end]``, else ``end``."""
    for c in chars:
        i = text.find(c, start, end)  # (each next char is looked for before the best so far)
        if i != -1:
            end = i
    return end


@extractor("measures", assigns=("measures",), order=50)
def extract_measures(ctx: Context) -> None:
    """Numbered sections and the 一是/二是 actions inside them, as a tree of Measures."""
    if ctx.record.kind != "reply":
        return
    heads: list[tuple[int, int, str, int]] = []  # (start, level, label, label_end)
    for level, m in _heading_matches(ctx):
        heads.append((m.start(1) - (1 if level == 2 else 0), level, m.group(0).strip(), m.end()))
    for m in literal_matches(INLINE, ctx.norm, ctx.start, ctx.end, "是", _CN, min_back=1):
        if m.start() == 0 or ctx.norm[m.start() - 1] in "。；;：:\n \t":
            heads.append((m.start(1), 4, m.group(0), m.end()))
    heads.sort()
    heads = [h for h in heads if _plausible(ctx, h)]
    closing = _closing(ctx, heads[-1][0] if heads else ctx.start)
    stack: list[tuple[int, str]] = []  # (level, path) of the open ancestors
    children: dict[str, int] = {}  # path → number of children so far ("" is the root)
    for i, (start, level, label, label_end) in enumerate(heads):
        j = i + 1  # the section ends where the next heading of its level or above starts
        while j < len(heads) and heads[j][1] > level:
            j += 1
        end = heads[j][0] if j < len(heads) else closing
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent = stack[-1][1] if stack else ""
        children[parent] = children.get(parent, 0) + 1
        path = f"{parent}.{children[parent]}" if parent else str(children[parent])
        stack.append((level, path))
        title_end = _first(ctx.norm, label_end, min(end, label_end + 200), "。；\n")
        title = ctx.original(label_end, title_end).strip()
        ctx.record.measures.append(
            Measure(label=label, path=path, title=title, start=start, end=end, level=level)
        )


def _heading_matches(ctx: Context) -> list[tuple[int, re.Match[str]]]:
    """(level, match) of every HEADINGS pattern's matches in the record, as ``finditer``
    over the record finds them, in another order.

    The patterns match only at a line start, after spaces or tabs, and then need a Chinese
    numeral (level 1), a bracket (level 2) or a digit (level 3): only there are they tried.
    """
    norm, end = ctx.norm, ctx.end
    found: list[tuple[int, re.Match[str]]] = []
    resume = [0, ctx.start, ctx.start, ctx.start]  # per level: where its finditer goes on
    for line, ch in line_firsts(norm, ctx.start, end, " \t"):
        level = 1 if ch in _CN else 2 if ch in "（(" else 3 if ch.isdecimal() else 0
        if level and line >= resume[level]:
            m = HEADINGS[level - 1][1].match(norm, line, end)
            if m is not None:
                found.append((level, m))
                resume[level] = m.end() if m.end() > m.start() else m.end() + 1
    return found


def _plausible(ctx: Context, head: tuple[int, int, str, int]) -> bool:
    start, level, _, label_end = head
    return start >= ctx.start and label_end < ctx.end and ctx.norm[label_end : label_end + 1] not in ("\n", "")


def _closing(ctx: Context, after: int) -> int:
    """Where the answer ends: the thanks / 专此答复 block after the last heading, or the end."""
    m = _CLOSING.search(ctx.norm, after, ctx.end)
    return m.start() + 1 if m else ctx.end


_CLOSING = re.compile(r"\n[^\n]*(感谢|专此答复|特此函复|特此答复|此复|此致)")
