"""Money: every amount (50亿元, 1,234.5万元, 三千万元) and the named funds it belongs to.

Amounts become exact decimals in CNY. A fund is a named pool, fund, special fund, subsidy
or voucher scheme (资金池, 基金, 专项资金, 创新券 …); its amount is the one written next to
it, or joined to it by its size or allocation (首期规模150亿元, 安排经费2000万元).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from ..model import Amount, Fund, Mention
from .base import CLAUSE_END, Context, extractor
from .matcher import register_pattern
from .numerals import AMOUNT_RE, CN_DIGIT_CHARS, CN_NUM_CHARS, amount_to_cny

FUND_SUFFIX = re.compile(
    r"(资金池|引导基金|投资基金|创投基金|产业基金|发展基金|基金|专项资金|专项经费|引导资金|补偿资金|补偿金|担保资金|"
    r"配套资金|涉农资金|奖补资金|贴息资金|扶持资金|补助资金|补贴资金|奖励资金|发展资金|风险资金|周转资金|还贷资金|转贷资金|过桥资金|"
    r"直达资金|防治资金|转移支付|助学金|补助经费|培养经费|计划”?经费|预算内投资|科技专项|"
    r"(?:创新|服务|消费)券(?:资金)?)"
)
register_pattern(FUND_SUFFIX)
_NAME_STOP = set("的了是在对向从把被将已由于为与及并或等各该其这那您你我他们和了给至到有年元万亿、，。；：")
# Characters that may stop the walk back over a fund's name (a superset: each is tested).
_NAME_STOPPER = re.compile(
    "(?s:.*)([^\u4e00-\u9fff]|[" + "".join(sorted(c for c in _NAME_STOP | set("厅局") if "\u4e00" <= c <= "\u9fff")) + "])"
)
# Generic kinds of money: a name that is only one of these needs an amount beside it.
_GENERIC_KINDS = ("补助", "奖补", "奖励", "补贴", "扶持", "配套", "引导", "发展", "补偿", "贴息", "风险", "周转")
_NOT_AFTER = set("管公会募份规使运申额支")  # 基金管理/基金公司/基金会: not the end of a fund name
# Kinds of funds, not the name of one.
_GENERIC = {"基金", "资金", "子基金", "政府基金", "母基金", "该基金", "资金池", "各类基金", "政府投资基金",
            "政府引导基金", "投资基金", "引导基金", "创投基金", "产业基金", "发展基金", "产业投资基金",
            "股权投资基金", "创业投资基金", "风险补偿资金", "财政资金", "专项债券"}  # fmt: skip


@extractor("amounts", assigns=("amounts",), order=30)
def extract_amounts(ctx: Context) -> None:
    """Every monetary amount, in order, with its exact CNY value.

    Only the text just before each 元 is matched: scanning the whole letter for numerals
    (一, 二 … are common characters) costs more than the rest of this extractor.
    """
    norm, floor = ctx.norm, ctx.start
    pos = norm.find("元", ctx.start, ctx.end)
    while pos != -1:
        lo = max(floor, pos - 40)
        # An amount is made only of these characters before its 元: search from where
        # they start (the leftmost match cannot start earlier), and not at all if none do.
        run = lo + len(norm[lo:pos].rstrip(_AMOUNT_STRIP))
        while run > lo and (norm[run - 1].isdecimal() or norm[run - 1].isspace()):  # beyond ASCII
            run -= 1
            run = lo + len(norm[lo:run].rstrip(_AMOUNT_STRIP))
        m = _AMOUNT_BEFORE.search(norm, run, pos + 1) if run < pos else None
        if m is not None:
            end = m.end() + 3 if norm.startswith("人民币", m.end()) else m.end()
            _add_amount(ctx, m, end)
            floor = end
        pos = norm.find("元", pos + 1, ctx.end)


# An amount ending at the 元 the search window stops at (the window ends right after it).
_AMOUNT_BEFORE = re.compile(AMOUNT_RE.pattern.removesuffix("(?:人民币)?") + "$")
# What an amount is written with before its 元, besides \d and \s (isdecimal, isspace).
_AMOUNT_CHARS = ",." + CN_NUM_CHARS
_AMOUNT_STRIP = _AMOUNT_CHARS + "0123456789 \t\n\r\f\v"  # …and the ASCII \d and \s
_FIRST_DIGITS = CN_DIGIT_CHARS + "十0123456789"


def _add_amount(ctx: Context, m: re.Match[str], end: int) -> None:
    number, unit = m.group(1, 3)
    if number[0] not in _FIRST_DIGITS:
        return
    start, norm = m.start(), ctx.norm
    if unit is None and norm[m.end() : m.end() + 1] in _NOT_AMOUNT_NEXT:
        return  # 元素, 元旦 …: words, not amounts (元/吨-style unit prices are still amounts)
    if start > 0 and norm[start - 1] in "0123456789.,":
        return  # the tail of a longer number
    value = amount_to_cny(number, unit)
    if value is None or value == 0:
        return
    ctx.record.amounts.append(Amount(ctx.text[start:end], value, start, end))


_NOT_AMOUNT_NEXT = ("素", "旦", "首", "件")


@extractor("funds", assigns=("funds",), order=35)
def extract_funds(ctx: Context) -> None:
    """Named funds and pools, with the amount attached to each when one is written."""
    record = ctx.record
    funds: dict[str, Fund] = {}
    for m in ctx.finditer(FUND_SUFFIX):
        after = ctx.norm[m.end() : m.end() + 2]
        if after[:1] in _NOT_AFTER and after != "规模" or ctx.overlaps_claimed(m.start(), m.end()):
            continue
        end = m.end() + 1 if ctx.norm[m.end() : m.end() + 1] == "池" else m.end()
        start = _quoted_start(ctx, m.start(), end) or _past_verbs(ctx, _walk_name(ctx, m.start()), m)
        if m.group() == "转移支付" and (level := _TRANSFER_FROM.search(ctx.norm, max(ctx.start, start - 8), start)):
            start = level.start()  # 中央对地方转移支付: the 对 of a transfer between levels
        counted = _skip_counters(ctx.norm, start, m.start())
        if counted != start and ctx.norm[counted - 1] in "家只支个":
            continue  # 400多家创投基金: a count of funds of a kind, not one fund
        start = counted
        name = ctx.original(start, end)
        if "子基金" in name or name.endswith("资金") and ctx.norm[end : end + 1] in ("支", "周", "需", "使"):
            continue
        if name in _GENERIC or len(name) < 4 and not name.startswith("专项") or name in ("转移支付", "一般性转移支付"):
            continue
        if (len(name) == 4 and name.startswith(_GENERIC_KINDS) or "券" in m.group()) and _attached_amount(
            ctx, start, end
        ) is None:
            continue  # 补助资金 alone is a kind of money, and a voucher (创新券) a scheme, not a fund
        fund = funds.get(name) or _alias_of(funds, name)
        if fund is None:
            fund = funds[name] = Fund(name=name, amount=None, amount_cny=None)
        fund.mentions.append(Mention(name, start, end))
        if fund.amount is None:
            amount = _attached_amount(ctx, start, end)
            if amount:
                fund.amount, fund.amount_cny = amount.text, amount.value_cny
    _enumerated_funds(ctx, funds)
    _funded_programmes(ctx, funds)
    record.funds.extend(sorted(funds.values(), key=lambda f: f.mentions[0].start))
    for fund in record.funds:
        for mention in fund.mentions:
            ctx.claim(mention.start, mention.end, "fund")


# 设立了A、B、C等科创子基金群: every item of a list that ends in a kind of fund is a fund.
# (Anchored on the 等…基金 that closes the list; the list is read backwards from there.)
FUND_LIST_END = re.compile(r"等[科创产业投资股权政府引导]{0,6}(?:子基金群|基金群|子基金|基金)")
# 企业研究开发资助项目立项资助企业约1.2万家，资助金额约35亿元: a programme and its money.
PROGRAMME_SUFFIX = register_pattern(re.compile(r"资助项目|培育项目|攻关项目|扶持项目|奖补|专项行动|计划|工程"))
PROGRAMME_MONEY = re.compile(r"[^。；;]{0,40}?(?:资助|补助|奖励|扶持)(?:金额|总额|资金)(?:约|共|达|为)?")


def _enumerated_funds(ctx: Context, funds: dict[str, Fund]) -> None:
    for m in ctx.finditer(FUND_LIST_END):
        clause_start = max(ctx.norm.rfind(c, ctx.start, m.start()) for c in CLAUSE_END if c != "、") + 1
        items = ctx.norm[clause_start : m.start()].split("、")
        if len(items) < 2:
            continue
        pos = clause_start
        for i, part in enumerate(items):
            idx, pos = pos, pos + len(part) + 1
            if i == 0:  # the first item starts after the last verb before it
                cut = max((e for e in ctx.verb_ends if idx < e < idx + len(part)), default=idx)
                cut = max(cut, ctx.norm.rfind("了", idx, idx + len(part)) + 1)
                part, idx = ctx.norm[cut : idx + len(part)], cut
            name = ctx.original(idx, idx + len(part)).strip()
            if 4 <= len(name) <= 30 and name not in funds and not _alias_of(funds, name):
                funds[name] = Fund(name=name, amount=None, amount_cny=None, mentions=[Mention(name, idx, idx + len(name))])


def _funded_programmes(ctx: Context, funds: dict[str, Fund]) -> None:
    for m in ctx.finditer(PROGRAMME_SUFFIX):
        money = PROGRAMME_MONEY.match(ctx.norm, m.end(), ctx.end)
        if money is None:
            continue
        amount = next((a for a in ctx.record.amounts if money.end() <= a.start <= money.end() + 2), None)
        if amount is None:
            continue
        floor = max(ctx.start, m.start() - 20)
        start = _walk_name(ctx, m.start())
        if m.end() - start < 4:  # the walk stopped at a verb inside the name (高企认定奖补)
            start = max(floor, max(ctx.norm.rfind(c, floor, m.start()) for c in CLAUSE_END) + 1)
        start = _skip_counters(ctx.norm, start, m.start())
        name = ctx.original(start, m.end())
        if _inside_a_fund(funds, start, m.end()):
            continue  # 安居工程 of 保障性安居工程补助资金: part of a fund's name, found already
        if len(name) >= 4 and name not in funds:
            funds[name] = Fund(name, amount.text, amount.value_cny, [Mention(name, start, m.end())])


def _inside_a_fund(funds: dict[str, Fund], start: int, end: int) -> bool:
    return any(m.start <= start and end <= m.end for f in funds.values() for m in f.mentions)


def _suffix_len(name: str) -> int:
    for suffix in ("资助项目", "培育项目", "攻关项目", "扶持项目", "专项行动", "奖补", "计划", "工程"):
        if name.endswith(suffix):
            return len(suffix)
    return 0


def _alias_of(funds: dict[str, Fund], name: str) -> Fund | None:
    """An earlier fund this shorter name abbreviates (平稳基金 → 民营企业平稳发展基金)."""
    for fund in funds.values():
        if len(name) < len(fund.name) and (fund.name.endswith(name) or _is_subsequence(name, fund.name)):
            return fund
    return None


@lru_cache(maxsize=65536)
def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(ch in chars for ch in short)


def _skip_counters(norm: str, start: int, limit: int) -> int:
    """Drop a leading count word (多家, 余只, 个) or the 区 of 我区 left by the walk back."""
    while start < limit and norm[start] in "多余家只个支项批类":
        start += 1
    if start < limit and norm[start] in "市区省县" and norm[start - 1 : start] in ("我", "本", "全", "各", "该"):
        start += 1
    return start


def _quoted_start(ctx: Context, s: int, e: int) -> int | None:
    """The start of a quoted name “创新驱动发展融资担保资金” that ends at this suffix."""
    if ctx.norm[e : e + 1] not in ("”", '"', "》"):
        return None
    q = max(ctx.norm.rfind("“", ctx.start, s), ctx.norm.rfind('"', ctx.start, s))
    return q + 1 if q != -1 and s - q < 30 else None


def _walk_name(ctx: Context, pos: int) -> int:
    """Walk back from the suffix over the name's characters, stopping at verbs and marks.

    A quoted part just before the suffix belongs to the name (“绿色食品牌”专项资金).
    """
    start = pos
    if ctx.norm[pos - 1 : pos] in ("”", '"'):
        q = max(ctx.norm.rfind("“", ctx.start, pos - 1), ctx.norm.rfind('"', ctx.start, pos - 1))
        if q != -1 and pos - q <= 20:
            start = q
    # Walk back from start, stopping after a verb, a non-Chinese character or a stop word,
    # or an agency's name (省文化和旅游厅省级…资金): the last verb, and right of it the last
    # character that may stop the walk (one greedy regex match each, tested one by one).
    norm, lo = ctx.norm, max(ctx.start, pos - 24)
    if start <= lo:
        return start
    verb = ctx.last_verb_end(lo, start)
    hi = start
    while hi > verb:
        m = _NAME_STOPPER.match(norm, verb, hi)
        if m is None:
            break
        at = m.end()
        ch = norm[at - 1]
        if not ("\u4e00" <= ch <= "\u9fff") or ch in _NAME_STOP or ch in "厅局" and at < pos:
            return at
        hi = at - 1
    # a leading level word stays (市级产业专项资金), a leading year/number does not
    return verb


# A transfer between levels of government, named by them (中央对地方, 省对下, 市对区县).
_TRANSFER_FROM = re.compile(r"(?:中央|省级?|市级?|县级?)(?:财政)?对$")
# Verbs that say what a kind of money is for, so may sit inside its name (黑土地保护利用
# 补助资金); verbs that move money (下达, 安排, 拨付 …) take it as their object instead.
_PURPOSE_VERBS = frozenset({"利用", "提升", "改建", "新建", "维护", "培育", "引进", "开放", "强化",
                            "增强", "完善", "打造", "规范", "运用", "缓解", "化解"})  # fmt: skip


def _past_verbs(ctx: Context, start: int, suffix: re.Match[str]) -> int:
    """Walk on past a purpose verb that stopped the walk right at a bare kind of money:
    the name would otherwise be only 补助资金. A name with a word of its own before the
    suffix (推进乡村振兴补助资金) keeps the verb out, as does a verb that moves money
    (财政厅下达配套资金)."""
    if start != suffix.start() or not suffix.group().startswith(_GENERIC_KINDS):
        return start
    verb_starts = ctx.memo("verb_starts", lambda: {e: b for b, e in ctx.words["verb"]})
    floor = max(ctx.start, suffix.start() - 24)
    while start in verb_starts and verb_starts[start] > floor:
        if ctx.norm[verb_starts[start] : start] not in _PURPOSE_VERBS:
            break
        start = _walk_name(ctx, verb_starts[start])
    return start


def _attached_amount(ctx: Context, start: int, end: int) -> Amount | None:
    """The amount written right after (专项资金20亿元) or just before (规模为50亿元的…) a fund."""
    amounts = ctx.record.amounts
    bounds = _amount_bounds(ctx)
    # Amounts are found in text order and do not overlap, so the candidates of each loop
    # are a slice of them, found by bisection (else every amount is tried, in list order).
    for i in _starting(bounds, len(amounts), end, end + 4):
        amount = amounts[i]
        if 0 <= amount.start - end <= 4 and not _CLAUSE_MARK.search(ctx.norm, end, amount.start):
            return amount
    link = _AMOUNT_LINK.match(ctx.norm, end, end + 16)
    if link is not None:  # 基金，首期规模150亿元 / 资金规模扩大至2.8万亿元 / 专项，安排经费2000万元
        for i in _starting(bounds, len(amounts), link.end(), link.end() + 2):
            if 0 <= amounts[i].start - link.end() <= 2:
                return amounts[i]
    lo = bisect_left(bounds[1], start - 6) if bounds else 0
    for i in range(bisect_right(bounds[1], start) - 1 if bounds else len(amounts) - 1, lo - 1, -1):
        amount = amounts[i]
        if not 0 <= start - amount.end <= 6:
            continue
        gap = ctx.norm[amount.end : start]
        if _GAP_BEFORE.fullmatch(gap.strip() or ""):
            return amount
        if start - amount.end <= 3 and _GAP_BEFORE_SHORT.fullmatch(gap):
            return amount
    return None


_CLAUSE_MARK = re.compile(r"[，。；,]")
# What joins a fund to its amount when more than a few characters do: its size (规模) or
# what was allocated to it (安排, 下达 …), possibly as the next clause of the sentence.
_AMOUNT_LINK = re.compile(
    r"[，,]?(?:(?:首期|总|资金|基金)?规模(?:为|达到|达|扩大至|增至|增加到|增加至|提高至|扩大到)?"
    r"|(?:已|共|累计|每年|年均)*(?:安排|下达|投入|拨付|筹集|发放)了?(?:资金|经费)?)"
    r"(?:超过|约|共|达到|达|总计|合计)?"
)
_GAP_BEFORE = re.compile(r"[“\"的]?|设立|用于|的|建立|\s*")
_GAP_BEFORE_SHORT = re.compile(r"(设立|用于|的|“|\")*")


def _starting(bounds: tuple[list[int], list[int]] | None, count: int, lo: int, hi: int) -> range:
    """Indices of the amounts that may start in [lo, hi]: found by bisection, or all
    ``count`` of them when their bounds are not ascending."""
    return range(bisect_left(bounds[0], lo), bisect_right(bounds[0], hi)) if bounds else range(count)


def _amount_bounds(ctx: Context) -> tuple[list[int], list[int]] | None:
    """Starts and ends of the record's amounts, both ascending (None if they are not),
    cached while the list of amounts is unchanged."""
    amounts = ctx.record.amounts
    cached = ctx._memo.get("amount-bounds")
    if cached is None or cached[0] != len(amounts):
        starts, ends = [a.start for a in amounts], [a.end for a in amounts]
        ordered = starts == sorted(starts) and ends == sorted(ends)
        cached = ctx._memo["amount-bounds"] = (len(amounts), (starts, ends) if ordered else None)
    return cached[1]
