"""Policy documents: numbers (机关代字〔年〕序号号), titles in 《》, their pairing, aliases.

A document is cited by number, by title, or both; a short alias (下称《若干措施》) points
back to the document it was introduced with. The proposal's own title is not a document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..gazetteer import Gazetteer, load_gazetteer
from ..model import Mention, PolicyDocument
from .base import Context, extractor, gazetteer_cached
from .matcher import register_pattern

_OPEN = "〔[［【（("
_CLOSE = "〕]］】）)"
# 〔2020〕1号 with any bracket style; the issuer code in front is found by walking back.
DOC_NUMBER_CORE = register_pattern(
    re.compile(r"[〔\[［【（(]\s*((?:19|20)\d{2})\s*[〕\]］】）)]\s*(第?\s*\d{1,5})\s*号")
)
# 财政部令第105号 / 国家发展和改革委员会令第12号 / 第12号令
# 财政部令第105号 / 国家发展和改革委员会令2019年第12号 / 第12号令 — anchored on 令 and 号令.
ORDER_NUMBER = register_pattern(re.compile(r"令\s*(?:(\d{4})\s*年\s*)?第\s*(\d{1,5})\s*号|第\s*(\d{1,5})\s*号令"))
TITLE = re.compile(r"《([^《》\n]{2,200})》")
INNER_TITLE = re.compile(r"〈([^〈〉\n]{2,200})〉")
ALIAS = re.compile(r"(?:以下简称|下称|简称|以下称)\s*[《“\"]([^》”\"]{1,30})[》”\"]")
_CODE_STOP = set("的和与及于在为是即或至等由将对向被把了从以号")
POLICY_WORDS = (
    "通知", "办法", "意见", "规划", "方案", "措施", "细则", "规定", "条例", "决定", "法", "报告",
    "计划", "纲要", "指引", "指南", "标准", "规则", "决议", "批复", "纪要", "目录", "清单", "政策",
    "要点", "公告", "通告", "规程", "制度", "守则", "章程", "准则", "战略", "行动", "导则", "细则",
    "（试行）", "(试行)", "试行", "（修订版）", "（修订）", "（暂行）", "（草案）", "实施意见", "函",
)  # fmt: skip
NOT_POLICY = ("调查报告", "研究报告", "日报", "晚报", "杂志", "建议", "提案", "议案")


@dataclass(slots=True)
class _Num:
    value: str  # normalised, 〔〕 brackets
    code: str
    year: int | None
    serial: str
    start: int
    end: int


def normalize_doc_number(code: str, year: str | int | None, serial: str) -> str:
    """深府规 + 2020 + 1 → 深府规〔2020〕1号."""
    serial = "".join(serial.split())  # (str.split splits at re's \\s)
    return f"{code}〔{year}〕{serial}号" if year else f"{code}{serial}号"


def find_doc_numbers(ctx: Context) -> list[_Num]:
    """Every document number in the record, normalised, with its code walked back."""
    out = []
    for m in ctx.finditer(DOC_NUMBER_CORE):
        code_end = m.start()
        while code_end > ctx.start and ctx.norm[code_end - 1] in " \t":
            code_end -= 1  # 深府规 〔2020〕1号
        code_start = _walk_code(ctx, code_end, ctx.start)
        code = ctx.norm[code_start:code_end]
        if len(code) < 1 or ctx.is_claimed(code_start, m.end()):
            continue
        serial = "".join(m.group(2).split())
        value = normalize_doc_number(code, m.group(1), serial)
        out.append(_Num(value, code, int(m.group(1)), serial, code_start, m.end()))
    for m in ctx.finditer(ORDER_NUMBER):
        if ctx.is_claimed(m.start(), m.end()):
            continue
        if m.group(2):  # the issuer stands before 令: walk back over it (2–20 characters)
            start = _walk_issuer(ctx.norm, m.start(), ctx.start)
            if m.start() - start < 2:
                continue
            issuer = ctx.norm[start : m.start()]
            value = "".join(ctx.norm[start : m.end()].split())
            year = int(m.group(1)) if m.group(1) else None
            out.append(_Num(value, issuer + "令", year, m.group(2), start, m.end()))
        else:
            out.append(_Num(f"第{m.group(3)}号令", "", None, m.group(3), m.start(), m.end()))
    return sorted(out, key=lambda n: n.start)


_ISSUER_STOP = set("的与及据照于在按为是即或至等由将对向被把了从以号（(《》）)")  # 和 can be inside: 发展和改革


def _walk_issuer(norm: str, pos: int, floor: int) -> int:
    """Walk back from 令 over an issuer's name (财政部, 国家发展和改革委员会)."""
    start = pos
    while start > max(floor, pos - 20):
        ch = norm[start - 1]
        if not "\u4e00" <= ch <= "\u9fff" or ch in _ISSUER_STOP:
            break
        start -= 1
    return start


def _walk_code(ctx: Context, pos: int, floor: int) -> int:
    """Where the issuer code before 〔year〕 begins (深府规, 杭经信联, 国科火字 …).

    Walk back over the code's characters; then prefer the leftmost start whose code
    the gazetteer knows, else cut after a verb (财政部印发财资 → 财资).
    """
    norm = ctx.norm
    start = pos
    while start > floor and pos - start < 10:
        ch = norm[start - 1]
        if not ("\u4e00" <= ch <= "\u9fff" or ch.isalpha() and ch.isascii()) or ch in _CODE_STOP:
            break
        start -= 1
    if start < pos - 1:
        run = norm[start:pos]
        gaz = load_gazetteer()
        known = gazetteer_cached(gaz, ("known-code-start", run), lambda: _known_code_start(gaz, run))
        if known is not None:
            return start + known
    verb_ends = ctx.verb_ends
    for s in range(pos - 1, start - 1, -1):  # the last verb inside the run ends the code's left side
        if s in verb_ends and s > start:
            return s
    return start


def _known_code_start(gaz: Gazetteer, run: str) -> int | None:
    """The first offset in ``run`` from which the rest is a code the gazetteer tables."""
    for i in range(len(run) - 1):
        issuer = gaz.issuer_for_code(run[i:])
        if issuer is not None and not issuer.inferred and issuer.code == run[i:]:
            return i
    return None


@lru_cache(maxsize=16384)
def _is_policy_title(title: str) -> bool:
    t = title.strip()
    if t.endswith(NOT_POLICY):
        return False
    core = _trailing_brackets(t, _BRACKETED_TAIL)  # 办法（修订版） → 办法
    return core.endswith(POLICY_WORDS) or t.endswith(POLICY_WORDS)


_BRACKETED_TAIL = re.compile(r"[（(][^（）()]*[)）]$")
_NUMBER_TAIL = re.compile(r"[（(][^（）()]*号[)）]$")


def _trailing_brackets(text: str, pattern: re.Pattern[str]) -> str:
    """``pattern.sub("", text)`` for a pattern ending in a closing bracket and ``$``, with
    ``text`` free of line breaks: nothing to remove unless the text ends with a bracket."""
    return pattern.sub("", text) if text.endswith((")", "）")) else text


@extractor("documents", assigns=("policy_documents",), order=20)
def extract_documents(ctx: Context) -> None:
    """Find documents by title and number, pair them, and resolve aliases."""
    record = ctx.record
    own_title = (record.proposal.title or "").strip()
    numbers = find_doc_numbers(ctx)
    used_numbers: set[int] = set()
    docs: list[PolicyDocument] = []
    by_alias: dict[str, PolicyDocument] = {}

    for m in ctx.finditer(TITLE):
        raw = m.group(1)
        t_start, t_end = m.start(1), m.end(1)
        if ctx.overlaps_claimed(m.start(), m.end()):
            continue
        inner_num = next((n for n in numbers if t_start <= n.start and n.end <= t_end), None)
        title_text = ctx.original(t_start, t_end)
        if inner_num:  # 《…办法试行（桂科政字〔2020〕81号）》
            cut = inner_num.start - t_start
            title_text = re.sub(r"[\s（(]+$", "", title_text[:cut])
        alias_target = by_alias.get(raw) or by_alias.get(raw.strip())
        if alias_target is not None:
            alias_target.mentions.append(Mention(ctx.original(m.start(), m.end()), m.start(), m.end()))
            continue
        if _is_alias_definition(ctx, m):
            continue
        if raw.strip() == own_title or not _is_policy_title(_trailing_brackets(title_text, _NUMBER_TAIL)):
            continue
        number = inner_num or _following_number(ctx, m.end(), numbers)
        doc = _merge(docs, title_text, number)
        doc.mentions.append(Mention(ctx.original(m.start(), m.end()), m.start(), m.end()))
        if number:
            used_numbers.add(number.start)
            doc.mentions.append(Mention(ctx.original(number.start, number.end), number.start, number.end))
            ctx.claim(number.start, number.end, "docnumber")
        alias = _alias_after(ctx, m.end())
        if alias:
            if alias not in doc.aliases:
                doc.aliases.append(alias)
            by_alias[alias] = doc
        for inner in INNER_TITLE.finditer(raw) if "〈" in raw else ():  # 《…印发〈关于…方案〉的通知》
            inner_text = inner.group(1)
            if _is_policy_title(inner_text) or inner_text.startswith("关于"):
                s = t_start + inner.start(1)
                sub = _merge(docs, ctx.original(s, s + len(inner_text)), None)
                sub.mentions.append(Mention(ctx.original(s - 1, s + len(inner_text) + 1), s - 1, s + len(inner_text) + 1))
        ctx.claim(m.start(), m.end(), "document")

    for num in numbers:  # numbers cited without a title
        if num.start in used_numbers or _inside_title(ctx, num):
            continue
        if num.value == record.reply.self_document_number:
            continue
        doc = _merge(docs, None, num)
        doc.mentions.append(Mention(ctx.original(num.start, num.end), num.start, num.end))
        ctx.claim(num.start, num.end, "docnumber")
    for doc in docs:
        for mention in doc.mentions:
            ctx.claim(mention.start, mention.end, "document")
    record.policy_documents.extend(docs)


def _inside_title(ctx: Context, num: _Num) -> bool:
    before = ctx.norm.rfind("《", ctx.start, num.start)
    return before != -1 and ctx.norm.find("》", before, num.start) == -1 and "》" in ctx.norm[num.end : num.end + 60]


def _following_number(ctx: Context, pos: int, numbers: list[_Num]) -> _Num | None:
    """A number right after the title: 《…》（深工信规〔2020〕4号）."""
    gap = ctx.norm[pos : pos + 3]
    if not gap.startswith(("(", "（", "[", "〔")):
        return None
    return next((n for n in numbers if pos < n.start <= pos + 2), None)


def _alias_after(ctx: Context, pos: int) -> str | None:
    m = ALIAS.search(ctx.norm, pos, min(ctx.end, pos + 40))
    if m and "》" not in ctx.norm[pos : m.start()].replace("", ""):
        between = ctx.norm[pos : m.start()]
        if "《" not in between:
            return m.group(1)
    return None


def _is_alias_definition(ctx: Context, m: re.Match[str]) -> bool:
    before = ctx.norm[max(ctx.start, m.start() - 5) : m.start()]
    # re.search(r"(以下简称|下称|简称|以下称)\s*$", before): one of them, then only white space
    return before.rstrip().endswith(("以下简称", "下称", "简称", "以下称"))


def _merge(docs: list[PolicyDocument], title: str | None, num: _Num | None) -> PolicyDocument:
    """Return the document with this number or title, creating it if new."""
    for doc in docs:
        if num and doc.number == num.value or title and doc.title == title:
            if title and not doc.title:
                doc.title = title
            if num and not doc.number:
                _set_number(doc, num)
            return doc
    doc = PolicyDocument(number=None, title=title)
    if num:
        _set_number(doc, num)
    docs.append(doc)
    return doc


def _set_number(doc: PolicyDocument, num: _Num) -> None:
    doc.number = num.value
    doc.issuer_code = num.code or None
    doc.year = num.year
    doc.serial = num.serial
