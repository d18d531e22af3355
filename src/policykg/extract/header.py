"""Header and footer of a reply letter: which proposal, which meeting, who wrote, when.

The header is everything before the first body paragraph (title lines, 文号, the
salutation); the footer is the signature block, date, 公开方式 and 抄送 lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import AgencyRef, Mention, Session
from .base import Context, extractor, first_literal_match, line_start_matches, literal_matches
from .matcher import register_pattern
from .numerals import DATE_RE, cn_to_int, parse_date

_NUM = r"[0-9一二三四五六七八九十〇零]{1,4}"
# The term/meeting core of a session: 七届一次会议, 第十八届人民代表大会第四次会议, 十三届人大一次会议.
SESSION_CORE = re.compile(
    rf"(政协|人大|人民代表大会)?\s*(第?\s*({_NUM})\s*届)\s*(全国人大|全国委员会|人大常委会|人大|人民代表大会|政协|委员会)?"
    rf"\s*(第?\s*({_NUM})\s*次(?:全体)?\s*会议)"
)
# Characters that cannot belong to the place name in front of a session.
_SESSION_STOP = set("于对在的转您你据向经将按及与为是由把了上")

# A proposal number: 第20210208号, 第0123号, 第2021-15号, 第A123号, 温36号.
NUMBER_RE = re.compile(
    r"第\s*([A-Za-z]?\s*[0-9][0-9A-Za-z\-－]*|[0-9]{4}[-－][0-9]+)\s*号"
    r"|(?:(?<=议)|(?<=的)|(?<=是)|(?<![\u4e00-\u9fff0-9]))([\u4e00-\u9fff][0-9]{1,6})\s*号(?=\s*(?:提案|建议|议案|《|“|\"))"
)
NUMBER_FIELD = re.compile(
    r"(?:提案号|提案编号|建议编号|议案编号|案号|编号)[ \t]*[:：|][ \t|]*(?:第\s*)?([A-Za-z]?[0-9][0-9A-Za-z\-－]*)"
)
CATEGORY_NUMBER = re.compile(r"[（(]([\u4e00-\u9fff]{1,4}类?\s*[0-9]{1,6})\s*号[)）]")
_NUMBER_CONTEXT = re.compile(r"(提案|建议|议案|意见|会议|代表|委员)")

SALUTATION = re.compile(r"^(?:尊敬的)?\s*([^:：。，,；;]{2,40}?)\s*[:：]\s*$")
_PERSON_SUFFIX = re.compile(r"(委员|代表|同志|先生|女士|主席)$")
_BODY_SUFFIX = ("委", "会", "团", "联", "组", "局", "厅", "室", "办", "部", "党派", "界别", "小组", "支部")

AGENCY_LINE = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,40}(局|厅|委员会|委|部|办公厅|办公室|政府|中心|院|署|处|办|会|公司|所|站|队)$"
)
DISCLOSURE = re.compile(
    r"(?:公开方式|公开类型|公开属性|信息公开|公开形式)\s*[:：]\s*([\u4e00-\u9fff]{2,8})"
    r"|[(（]\s*(?:此件|本件)?\s*(主动公开|依申请公开|不予公开|不公开|删减后公开)\s*[)）]?"
)
CC_RE = re.compile(r"^\s*抄\s*送\s*[:：]\s*(.+?)\s*$", re.M)
SELF_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{2,10}\s*[〔\[［【（(]\s*\d{4}\s*[〕\]］】）)]?\s*第?\s*\d*\s*号?)"
)
TITLE_QUOTED = re.compile(r"《([^《》\n]{4,150})》|[“\"]([^《》“”\"\n]{4,150})[”\"]")
TITLE_UNQUOTED = re.compile(
    r"提出?的\s*(关于[^。\n]{4,120}?(?:建议|提案|议案))\s*(?:[（(]\s*第?[^()（）\n]{1,15}号\s*[)）])?\s*(?:已)?\s*收悉"
)
FORM_FIELD_START = re.compile(r"[\u4e00-\u9fff ]{2,12}[:：]")
TITLE_FIELD = re.compile(
    r"^[ \t|]*(?:题\s*目|标\s*题|案\s*由|建议题目|提案题目|建议标题|提案标题)[ \t]*(?:[:：]|\|)[ \t|]*([^|\n]*)", re.M
)
LEAD_FIELD = re.compile(r"(?:^|\s)主办单位\s*[:：]\s*([^\s:：;；]+)|^\s*主办单位[ \t]+(会办|协办)\S*[^\n]*", re.M)
CO_FIELD = re.compile(r"(?:会办|协办|分办)单位\s*[:：]\s*([^\n]+)")  # a whole line of names
CO_INLINE = re.compile(
    r"(?:会办|协办|分办)单位\s*[:：|]?\s*\|?\s*([^。；;\n|:：]{2,120}?)(?=\s*(?:认真|研究|的?意见|沟通|共同|协商|\||[，,]?现|[。；;\n]|$))"
)
# 该提案由市经信局主办，市财政局、市数据资源管理局会办。
LEAD_BY = re.compile(r"由\s*([^，,。；;由]{2,30}?)\s*(?:负责)?(?:主办|牵头办理)")
CO_BY = re.compile(r"(?:主办|牵头办理)\s*[，,、]\s*([^。；;]{2,120}?)\s*(?:共同)?(?:会办|协办|配合办理|参与办理)")
_AGENCY_END = re.compile(r"(局|厅|委|办|部|府|会|室|院|署|行|组|关|队|处|中心|政协|人大|财政)$")
LEAD_CELL = re.compile(r"主办单位\s*\|\s*([^|\n]{2,40}?)\s*\|")
_SPLIT_NAMES = re.compile(r"\s*[、,，;；]\s*|\s+和\s*|(?<=[局厅委室办部府])和|(?<=[局厅委室办部府])及")


@extractor("header", assigns=("proposal", "reply"), order=10)
def extract_header(ctx: Context) -> None:
    """Fill proposal number/session/title/proposers and reply agency/date/cc/disclosure."""
    head_end = _header_end(ctx)
    _extract_session(ctx, head_end)
    _extract_number(ctx, head_end)
    _extract_title(ctx, head_end)
    _extract_proposers(ctx, head_end)
    _extract_handling_units(ctx)
    _extract_footer(ctx)
    _extract_self_number(ctx, head_end)


_NOT_ADDRESSEE = re.compile(
    r"(题目|标题|单位|时间|日期|类别|电话|地址|内容|建议人|领衔|姓名|代表团:|说明|情况|案由|意见|建议$|签发人|编号|类型)"
)


def _salutation_lines(ctx: Context) -> list[tuple[int, str]]:
    """(line index, addressee) of lines that address the proposer: 尊敬的刘丹宁委员："""
    found = ctx._memo.get("salutation-lines")
    if found is None:
        found = ctx._memo["salutation-lines"] = _find_salutation_lines(ctx)
    return found


def _find_salutation_lines(ctx: Context) -> list[tuple[int, str]]:
    out = []
    for i, span in enumerate(ctx.lines[:20]):
        line = ctx.line_text(span)
        # (lines are stripped, so a salutation's line ends with its colon)
        m = SALUTATION.match(line) if line.endswith((":", "：")) else None
        if not m:
            continue
        who = m.group(1)
        if re.search(r"\s", who.strip()) and len(re.sub(r"\s", "", who)) <= 4:
            continue  # 标    题： is a form label
        if _NOT_ADDRESSEE.search(who):
            continue
        out.append((i, who))
    return out


def _header_end(ctx: Context) -> int:
    """End of the header: the end of the first body paragraph after the salutation."""
    lines = ctx.lines
    found = _salutation_lines(ctx)
    if found:
        i = found[0][0]
        return (lines[i + 1] if i + 1 < len(lines) else lines[i])[1]
    return lines[min(3, len(lines) - 1)][1] if lines else ctx.end


# What can stand before the 届 of a session: the body, 第, the term's numeral, white space.
_BEFORE_TERM = "政协人大民代表会第0123456789一二三四五六七八九十〇零"


def _extract_session(ctx: Context, head_end: int) -> None:
    stop = min(ctx.end, head_end + 400)
    for m in literal_matches(SESSION_CORE, ctx.norm, ctx.start, stop, "届", _BEFORE_TERM, min_back=1, spaces=True):
        body_type = m.group(1) or m.group(4)
        if not body_type:
            continue
        start = _session_prefix_start(ctx, m.start())
        prefix = ctx.norm[start : m.start()]
        body = prefix + _body_name(body_type)
        ctx.record.proposal.session = Session(
            text=re.sub(r"\s+", "", ctx.text[start : m.end()]),
            body=body,
            term=cn_to_int(m.group(3)),
            meeting=cn_to_int(m.group(6)),
            start=start,
            end=m.end(),
        )
        return


def _body_name(body_type: str) -> str:
    if "政协" in body_type or body_type == "全国委员会":
        return "政协"
    return "人大"


def _session_prefix_start(ctx: Context, core_start: int) -> int:
    """Walk back from the session core over the place name (市, 自治区, 池州市贵池区 …)."""
    pos = core_start
    limit = max(ctx.start, core_start - 12)
    while pos > limit:
        ch = ctx.norm[pos - 1]
        if not ("\u4e00" <= ch <= "\u9fff") or ch in _SESSION_STOP:
            break
        if ch == "来" and ctx.norm[pos - 2 : pos - 1] == "转":
            break
        pos -= 1
    # Drop a leading 关于 / 对 left in by a stop-less run (e.g. 关于对 … handled by stops).
    while ctx.norm.startswith(("关于",), pos):
        pos += 2
    return pos


def _number_candidates(ctx: Context, stop: int) -> list[tuple[str, int, int]]:
    out = []
    for m in literal_matches(NUMBER_FIELD, ctx.norm, ctx.start, stop, "号", "提案编建议", min_back=1):
        out.append((m.group(1).replace("－", "-"), m.start(1), m.end(1)))
    # (a match: 第 and a number, or one character and digits; then 号)
    for m in literal_matches(NUMBER_RE, ctx.norm, ctx.start, stop, "号", _NUMBER_CHARS, spaces=True, extra=1):
        if ctx.norm[max(ctx.start, m.start() - 1) : m.start()] in ("〕", "]", "令", "）", ")"):
            continue  # 教提案〔2021〕第256号, 委员会令第16号: document numbers, not proposals
        if any(s <= m.start(1 if m.group(1) else 2) < e for _, s, e in out):
            continue
        group = 1 if m.group(1) else 2
        value = "".join(m.group(group).split()).replace("－", "-")  # (str.split: re's \\s)
        around = ctx.norm[max(ctx.start, m.start() - 30) : m.end() + 12]
        if not _NUMBER_CONTEXT.search(around):
            continue
        if re.match(r"(19|20)\d{2}$", value) and "〔" in around:
            continue
        out.append((value, m.start(group), m.end(group)))
    return out


_NUMBER_CHARS = "第-－0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _extract_number(ctx: Context, head_end: int) -> None:
    cands = _number_candidates(ctx, min(ctx.end, head_end + 200))
    if not cands:
        return
    p = ctx.record.proposal
    value, s, e = cands[0]
    p.number = value
    p.number_mention = Mention(ctx.original(s, e), s, e)
    cat = CATEGORY_NUMBER.match(ctx.norm, e + 1, min(ctx.end, e + 20))
    if cat:  # 第03456号（教育类281号）: the same proposal numbered within its category
        cs, ce = cat.start(1), cat.end(1)
        p.number_variants.append(Mention(ctx.original(cs, ce), cs, ce))
    for other, s2, e2 in cands[1:]:
        if other != value and not any(v.text == other for v in p.number_variants):
            p.number_variants.append(Mention(ctx.original(s2, e2), s2, e2))
            ctx.record.warn(
                "number-mismatch",
                f"the proposal number is written {other} here but {value} in the header",
                s2,
                e2,
            )


def _extract_title(ctx: Context, head_end: int) -> None:
    m = next(line_start_matches(TITLE_FIELD, ctx.norm, ctx.start, ctx.end, " \t|", "题标案建提"), None)
    if m:
        value_start, value = m.start(1), m.group(1)
        if not value.strip():  # 标    题：⏎  关于…: the value sits on the next line
            nxt = re.compile(r"\s*([^\n]+)").match(ctx.norm, m.end(), ctx.end)
            if nxt and not FORM_FIELD_START.match(nxt.group(1)):
                value_start, value = nxt.start(1), nxt.group(1)
        if value.strip():
            _set_title(ctx, value.strip(), value_start + (len(value) - len(value.lstrip())))
            return
    limit = min(ctx.end, head_end + 300)
    for m in TITLE_QUOTED.finditer(ctx.norm, ctx.start, limit):
        g = 1 if m.group(1) else 2
        inner = m.group(g)
        if re.search(r"(建议|提案|议案|的函)$", inner) or _near_number_or_receipt(ctx, m):
            _set_title(ctx, inner, m.start(g))
            return
    m = TITLE_UNQUOTED.search(ctx.norm, ctx.start, limit)
    if m:
        _set_title(ctx, m.group(1), m.start(1))
        return
    # 对…第30号代表建议的答复(关于优化公交布局…的建议)
    m = re.search(r"[(（](关于[^()（）\n]{4,120}(?:建议|提案|议案))[)）]", ctx.norm[ctx.start : limit])
    if m:
        _set_title(ctx, m.group(1), ctx.start + m.start(1))


def _near_number_or_receipt(ctx: Context, m: re.Match[str]) -> bool:
    before = ctx.norm[max(ctx.start, m.start() - 25) : m.start()]
    after = ctx.norm[m.end() : m.end() + 25]
    return bool(re.search(r"(号|提出的|提的|提案|建议)\s*$", before)) or "收悉" in after


def _set_title(ctx: Context, value: str, start: int) -> None:
    value = value.strip()
    end = start + len(value)
    ctx.record.proposal.title = ctx.original(start, end)
    ctx.record.proposal.title_mention = Mention(ctx.original(start, end), start, end)


PROPOSER_FIELD = re.compile(
    r"(?:提\s*出\s*人|提案人|领衔代表|领衔人|代表姓名|建议人|附议代表|附议人|联名代表|联名人)[ \t]*[:：|]?[ \t|]*\n?[ \t]*"
    r"([\u4e00-\u9fffA-Za-z·、,， ]{2,40}?)[ \t]*(?:\||\n|$)"
)
register_pattern(PROPOSER_FIELD)


def _extract_proposers(ctx: Context, head_end: int) -> None:
    """Proposers from form fields (提案人, 领衔代表, 附议代表 …), else the salutation line."""
    found = False
    for m in ctx.finditer(PROPOSER_FIELD):
        value = m.group(1).strip()
        if value and not re.fullmatch(r"[A-Za-z\s]+", value):
            _add_proposers(ctx, value, m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip())))
            found = True
    if found:
        return
    for i, who in _salutation_lines(ctx)[:1]:
        span = ctx.lines[i]
        offset = span[0] + ctx.line_text(span).index(who)
        _add_proposers(ctx, who, offset)


def _add_proposers(ctx: Context, who: str, offset: int) -> None:
    p = ctx.record.proposal
    who_clean = re.sub(r"^尊敬的", "", who)
    offset += len(who) - len(who_clean)
    person_suffix = _PERSON_SUFFIX.search(who_clean)
    core = who_clean[: person_suffix.start()] if person_suffix else who_clean
    core = re.sub(r"等\s*\d*\s*[位名人个]?$", "", core)  # 张三等5位代表 → 张三
    is_body = not person_suffix and core.endswith(_BODY_SUFFIX) or core.endswith("代表团")
    names = [core] if is_body else [n for n in re.split(r"[、,，\s]+", core) if n]
    pos = offset
    for name in names:
        idx = ctx.norm.find(name, pos)
        if idx < 0:
            continue
        p.proposers.append(Mention(ctx.original(idx, idx + len(name)), idx, idx + len(name)))
        pos = idx + len(name)
    p.proposer_kind = "body" if is_body else "person"


def _extract_handling_units(ctx: Context) -> None:
    p = ctx.record.proposal
    m = first_literal_match(LEAD_FIELD, ctx.norm, ctx.start, ctx.end, "主办单位", spaces=True)
    if m:
        value = m.group(1) or m.group(2)
        if m.group(2) or re.fullmatch(r"(会办|协办|交办日期|交办|单位)", value):
            # a table header row: the value is the first cell of the next line
            nl = ctx.norm.find("\n", m.end() if m.group(2) else m.end(1))
            nxt = re.match(r"\s*([^\s;；|]+)", ctx.norm[nl + 1 : ctx.end]) if nl >= 0 else None
            if nxt:
                s = nl + 1 + nxt.start(1)
                p.lead_agency = _ref(ctx, s, s + len(nxt.group(1)))
        elif value not in ("A",):
            p.lead_agency = _ref(ctx, m.start(1), m.end(1))
    if p.lead_agency is None:
        m = LEAD_CELL.search(ctx.norm, ctx.start, ctx.end) or LEAD_BY.search(ctx.norm, ctx.start, ctx.end)
        if m:
            p.lead_agency = _ref(ctx, m.start(1), m.end(1))
    for pattern, literal, before in _CO_PATTERNS:
        m = first_literal_match(pattern, ctx.norm, ctx.start, ctx.end, literal, before, min_back=1)
        if m is None or "|" in m.group(1):
            continue  # a table row: CO_INLINE reads its cell
        refs = [r for r in _split_refs(ctx, m.start(1), m.end(1)) if _AGENCY_END.search(r.text)]
        if refs:
            p.co_agencies.extend(refs)
            return


# Each pattern with the text every match holds and what stands before it in a match.
_CO_PATTERNS = ((CO_FIELD, "办单位", "会协分"), (CO_INLINE, "办单位", "会协分"), (CO_BY, "办", "主牵头"))


def _split_refs(ctx: Context, start: int, end: int) -> list[AgencyRef]:
    refs = []
    pos = start
    for part in _SPLIT_NAMES.split(ctx.norm[start:end]):
        idx = ctx.norm.find(part, pos, end) if part else -1
        if idx < 0:
            continue
        pos = idx + len(part)
        name = part.strip(" 。.")
        if len(name) >= 2 and not re.search(r"[:：]", name):
            refs.append(_ref(ctx, idx, idx + len(name)))
    return refs


def _ref(ctx: Context, start: int, end: int) -> AgencyRef:
    text = ctx.original(start, end)
    return AgencyRef(name=text, text=text, start=start, end=end)


def _extract_footer(ctx: Context) -> None:
    r = ctx.record.reply
    tail_lines = ctx.lines[-14:] if ctx.record.kind != "proposal" else []
    date_idx = None
    for i in range(len(tail_lines) - 1, -1, -1):
        span = tail_lines[i]
        line = ctx.line_text(span)
        if r.date is None:
            iso, s, e = _line_date(line)
            if iso and len(line) <= 40 or (iso and AGENCY_LINE.match(line[: s].strip())):
                r.date = iso
                r.date_mention = Mention(ctx.original(span[0] + s, span[0] + e), span[0] + s, span[0] + e)
                date_idx = i
                head = line[:s].strip()
                if head and AGENCY_LINE.match(head):  # signatory and date on one line
                    off = span[0] + line.index(head)
                    r.agency = _ref(ctx, off, off + len(head))
    if date_idx is not None and r.agency is None:
        for span in reversed(tail_lines[max(0, date_idx - 3) : date_idx]):
            line = ctx.line_text(span)
            if AGENCY_LINE.match(line) and not line.startswith(("抄送", "联系")):
                r.agency = _ref(ctx, span[0], span[1])
                break
    if r.date is None and ctx.record.kind == "proposal":
        m = re.search(r"(?:办复|答复)", ctx.body)
        if m:
            dm = DATE_RE.search(ctx.norm, max(ctx.start, ctx.start + m.start() - 20), min(ctx.end, ctx.start + m.end() + 20))
            if dm:
                r.date = parse_date(dm)
                r.date_mention = Mention(ctx.original(dm.start(), dm.end()), dm.start(), dm.end())
    if r.date is None:
        m = re.search(r"答复(?:时间|日期)\s*[:：]\s*", ctx.body)
        if m:
            dm = DATE_RE.match(ctx.norm, ctx.start + m.end())
            if dm:
                r.date = parse_date(dm)
                r.date_mention = Mention(ctx.original(dm.start(), dm.end()), dm.start(), dm.end())
    if r.agency is None and ctx.record.kind != "proposal":
        r.agency = _agency_from_title(ctx)
    m = first_literal_match(DISCLOSURE, ctx.norm, ctx.start, ctx.end, "公开", "信息(（此件本主动依申请不予删减后", spaces=True)
    if m:
        g = 1 if m.group(1) else 2
        r.disclosure = m.group(g)
        r.disclosure_mention = Mention(ctx.original(m.start(g), m.end(g)), m.start(g), m.end(g))
    m = first_literal_match(CC_RE, ctx.norm, ctx.start, ctx.end, "抄", spaces=True)
    if m:
        r.cc.extend(_split_refs(ctx, m.start(1), m.end(1)))


def _agency_from_title(ctx: Context) -> AgencyRef | None:
    """No signature: the agency that heads the title (四川省经济和信息化厅⏎关于…的函)."""
    lines = ctx.lines[:3]
    for i, span in enumerate(lines):
        line = ctx.line_text(span)
        head = line.split("关于", 1)[0].strip() if "关于" in line else None
        if head is None and i + 1 < len(lines) and ctx.line_text(lines[i + 1]).startswith("关于"):
            head = line.strip()
        if head and AGENCY_LINE.match(head) and not head.startswith(("对", "关于")):
            off = span[0] + line.index(head)
            return _ref(ctx, off, off + len(head))
    return None


_GARBLED_DATE = re.compile(r"^((?:19|20)\d{2})\s*(\d{1,2})\s*(\d{1,2})$|^((?:19|20)\d{2})\s*(\d{3,4})$")


def _line_date(line: str) -> tuple[str | None, int, int]:
    """A date on a footer line, also when 年月日 were lost (2019615, 2025 915)."""
    matches = list(DATE_RE.finditer(line))
    m = matches[-1] if matches else None
    if m:
        return parse_date(m), m.start(), m.end()
    compact = line.strip()
    if re.fullmatch(r"(19|20)\d{2}\s*\d{2,4}", compact):
        digits = re.sub(r"\s", "", compact)
        year, rest = digits[:4], digits[4:]
        options = []
        for cut in range(1, len(rest)):
            month, day = int(rest[:cut]), int(rest[cut:])
            if 1 <= month <= 12 and 1 <= day <= 31 and len(rest[cut:]) <= 2 and rest[cut] != "0" or (
                1 <= month <= 12 and rest[cut:].startswith("0") and len(rest[cut:]) == 2 and 1 <= day <= 9
            ):
                options.append(f"{year}-{month:02d}-{day:02d}")
        if len(options) == 1:
            start = line.index(compact)
            return options[0], start, start + len(compact)
    return None, 0, 0


def _extract_self_number(ctx: Context, head_end: int) -> None:
    """The letter's own 文号 in its header (浙交建〔2018〕101号), not a cited document.

    It stands on a line of its own, opens a line (签发人 may follow), or closes the
    first line in brackets.
    """
    for i, span in enumerate(ctx.lines[:8]):
        if span[0] >= head_end:
            break
        line = ctx.line_text(span)
        for m in _self_numbers(line):
            value = m.group(1).strip()
            if not _looks_like_own_number(value):
                continue
            before, after = line[: m.start(1)].strip(), line[m.end(1) :].strip()
            closes_first_line = i == 0 and before.endswith(("[", "［", "(", "（")) and after in ("]", "］", ")", "）")
            if closes_first_line or not before and (not after or after.startswith("签发人")):
                s = span[0] + m.start(1)
                ctx.record.reply.self_document_number = ctx.original(s, s + len(value))
                ctx.claim(s, s + len(value), "self-number")
                return


def _self_numbers(line: str) -> Iterator[re.Match[str]]:
    """``SELF_NUMBER.finditer(line)``, tried only before a bracket followed by a year.

    A match is Chinese characters (and spaces), an opening bracket, spaces and four digits:
    so it starts in the run of Chinese characters and spaces before the first such bracket
    at or after where the search goes on, or after that bracket.
    """
    pos, match = 0, SELF_NUMBER.match
    while (anchor := _BRACKET_YEAR.search(line, pos)) is not None:
        b = lo = anchor.start()
        while lo > pos and ("\u4e00" <= line[lo - 1] <= "\u9fff" or line[lo - 1].isspace()):
            lo -= 1
        for s in range(lo, b - 1):  # at least two characters before the bracket
            m = match(line, s)
            if m is not None:
                yield m
                pos = m.end()
                break
        else:
            pos = b + 1


_BRACKET_YEAR = re.compile(r"[〔\[［【（(]\s*\d{4}")


def _looks_like_own_number(value: str) -> bool:
    code = re.match(r"[\u4e00-\u9fff]+", value)
    if not code or re.search(r"(会议|届|关于|号提案|号建议)", code.group(0)):
        return False
    closed = re.search(r"[〕\]］】）)]\s*第?\s*\d+\s*号", value)
    return bool(closed) or "〔" in value  # 〔202527: a garbled number still counts
