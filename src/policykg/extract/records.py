"""Split a file into records, and recognise the kind of each.

A proposal-form export can hold several forms one after another; a form whose fields
are all placeholders ('A', 'XXX', empty) is an unfilled template, reported, never built.
"""

from __future__ import annotations

import re

from .base import line_start_matches

# The first field of a proposal form starts a new record when it repeats in one file.
FORM_START = re.compile(r"^[ \t]*(?:标[ \t]*题|题[ \t]*目|案[ \t]*由|提案标题|建议标题)[ \t]*[:：]", re.M)
FORM_FIELD = re.compile(
    r"^[ \t]*(标[ \t]*题|题[ \t]*目|提[ \t]*出[ \t]*人|领衔(?:代表|人)|代表姓名|提案人|建议人|附议人|"
    r"办理类型|主办单位|会办单位|协办单位|分办单位|案由及需要说明的情况|意见建议|内[ \t]*容|建[ \t]*议)"
    r"[ \t]*[:：|]?[ \t]*(.*)$",
    re.M,
)
_FIELD_FIRST = frozenset("标题提领代建附办主会协分案意内")
_PLACEHOLDER = re.compile(r"^[\sA-Za-z×xX*＊.。,，、\-—_|]*$")

REPLY_SIGNALS = ("收悉", "答复如下", "现答复", "此复", "函复", "专此答复", "特此答复", "复函", "答复的函",
                 "答复意见的函", "办理情况的答复", "现将有关情况", "现将办理情况")  # fmt: skip
FORM_LABELS = ("提出人", "提案人", "领衔代表", "代表姓名", "办理类型", "主办单位", "意见建议", "案由")


def split_records(norm: str) -> list[tuple[int, int]]:
    """Return the (start, end) of each record in a file's normalised text."""
    starts = [m.start() for m in line_start_matches(FORM_START, norm, 0, len(norm), " \t", "标题案提建")]
    if len(starts) < 2:
        return [(0, len(norm))]
    bounds = [0, *starts[1:], len(norm)]
    return [(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]


def is_empty_template(norm: str, start: int, end: int) -> bool:
    """True when every form field in the span is a placeholder such as 'A' or blank."""
    values = []
    lines = norm[start:end].split("\n")
    for i, line in enumerate(lines):
        # (after spaces and tabs, a field label opens with one of these characters)
        m = FORM_FIELD.match(line) if line.lstrip(" \t")[:1] in _FIELD_FIRST else None
        if not m:
            continue
        value = m.group(2).strip()
        if not value:  # the value sits on the next non-blank line(s)
            value = next((nxt.strip() for nxt in lines[i + 1 : i + 4] if nxt.strip()), "")
            if FORM_FIELD.match(value):
                value = ""
        values.append(value)
    return len(values) >= 3 and all(_PLACEHOLDER.match(v) for v in values)


SIGNATURE_AND_DATE = re.compile(
    r"\n[ \t]*[\u4e00-\u9fff（）()]{2,30}(?:局|厅|委员会|委|部|办公室|办公厅|政府|署)[ \t]*\n[ \t]*"
    r"(?:\d{4}|[〇零○一二三四五六七八九]{4})\s*年"
)


def detect_kind(norm: str, start: int, end: int) -> str:
    """'reply', 'proposal' or 'unknown' from the signals in the record's text."""
    body = norm[start:end]
    head = body[:300]
    if any(s in body for s in REPLY_SIGNALS) or re.search(r"答复|复函|函复", head):
        return "reply"
    if SIGNATURE_AND_DATE.search(body[-400:]):  # signed and dated by an agency
        return "reply"
    compact = re.sub(r"[ \t]", "", body)
    labels = sum(1 for label in FORM_LABELS if label in compact)
    if labels >= 2 or (labels >= 1 and re.search(r"(提案|建议)", head)):
        return "proposal"
    if re.search(r"第\s*\S{1,12}\s*号\s*(提案|建议|议案)", head) and re.search(r"(委员|代表)", body):
        return "proposal"
    return "unknown"
