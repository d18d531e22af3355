"""Bodies and schemes named by the part they play in a sentence rather than by a suffix.

Letters call many organisations by short forms with no telling suffix (高新投, 深创投, the app
“i深圳”) and subsidy schemes by brand names (桂惠贷). The sentence around such a name gives
it away: it *acts as* a financial institution, *launches* a product, *issues* a notice on a
date, is listed among the *implementing enterprises*, sits in a list of channels beside a
WeChat account, is the group someone *leads*, or is a voucher or a scheme of 贴息 support.
Each pattern below is one such role; a span another extractor already claimed is left alone.
"""

from __future__ import annotations

import re

from ..model import Agency, Fund, Mention, Organization
from .base import Context, extractor, walk_back

# Single characters that open a clause before a subject (但高新投作为…, 而深创投于…).
_LEADS = frozenset("但而并且也和与及就还都其该由对向在从只有即如若是让使经据")
_NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_NAME_MAX = 10

# …高新投作为金融机构…: X acts as a kind of organisation.
ACTS_AS = re.compile(
    r"作为(?:一家|一个|一类|国内|全国|本市|我市|市属)?[\u4e00-\u9fff]{0,6}?"
    r"(?:金融机构|国有企业|国企|企业|机构|公司|银行|平台)"
)
# …深圳高新投针对中小微科技型企业推出了“知本贷”产品…: X launches a product.
LAUNCHES = re.compile(r"(?:针对[^，,。；;\n]{1,20}?)?推出了?“[^“”\n]{1,12}”(?:等)?(?:产品|服务|业务)")
# 深创投于2019年9月12日发通知公示…: X issued something on a date.
ISSUED_ON = re.compile(r"于\d{4}年\d{1,2}月\d{1,2}日(?:发|印发|发布|公布|公示|出台)")
# 实施企业高新投、担保集团累计收到…: a list right after an implementing / partner role.
ROLE_LIST = re.compile(
    r"(?:实施|合作|承办|受托|运营|托管|承担|管理)(?:企业|机构|银行|单位)"
    r"((?:[\u4e00-\u9fffA-Za-z]{2,10}、)+[\u4e00-\u9fffA-Za-z]{2,16})"
)
_LIST_TAIL = re.compile(r"(?:累计|共|已|分别|均|先后|目前|正|将|等|负责|承担|受理|收到)")
# 通过微信公众号、“i深圳”等…: a quoted name in a list of channels is a platform.
_CHANNEL = r"(?:微信公众号|公众号|APP|App|app|小程序|网站|客户端|热线|政务服务网)"
CHANNEL_LIST = re.compile(
    rf"{_CHANNEL}[、和及]“([^“”\n]{{2,12}})”|“([^“”\n]{{2,12}})”[、和及][^，,。；;\n]{{0,6}}{_CHANNEL}"
)
# 搭建部市共建技术转移南方中心平台: the centre a platform is built on is a body.
_BUILD = r"(?:共建|搭建|建设|依托)"
CENTRE_PLATFORM = re.compile(rf"{_BUILD}((?:(?!{_BUILD})[\u4e00-\u9fff]){{2,12}}?中心)平台")
# 打造一站式…服务平台, 建设成…于一体的企业服务智慧云平台: a platform still to be built, described
# rather than named (a named one is quoted: 把“深i企”建设成…).
GOAL = re.compile(r"(?:打造|建设成|构建|建设为|打造成)[^，,。；;\n“”]{0,40}$")  # not 已建成
# 成立了由黄敏副市长为组长的物资组: the group someone leads is a (temporary) public body.
TASK_FORCE = re.compile(
    r"(?:组长|牵头|挂帅)的([\u4e00-\u9fff]{1,12}?(?:工作专班|专班|领导小组|工作小组|工作组|小组|指挥部|组))"
    r"(?=[，,。；;、\n（(])"
)
# 实施创新券项目: vouchers (创新券, 科技券) are subsidies paid out of a budget.
VOUCHER = re.compile(r"([\u4e00-\u9fff]{2,6}?券)项目")
# 联合“桂惠贷”等贴息政策: a quoted scheme of interest subsidies or grants.
QUOTED_SCHEME = re.compile(r"“([^“”\n]{2,10})”(?:等)?(?:贴息|补贴|奖补|补助|资助)(?:政策|资金|项目)")


@extractor("roles", assigns=("organizations", "agencies", "funds"), order=45)
def extract_roles(ctx: Context) -> None:
    """Organisations, task forces and schemes told by their role in the sentence."""
    orgs = {o.name: o for o in ctx.record.organizations if not _described_goal(ctx, o)}
    for start, end in _organization_spans(ctx):
        _add(ctx, orgs, Organization, start, end, "org")
    ctx.record.organizations[:] = sorted(orgs.values(), key=lambda o: o.mentions[0].start)
    agencies = {a.name: a for a in ctx.record.agencies}
    for m in ctx.finditer(TASK_FORCE):
        _add(ctx, agencies, lambda name: Agency(name=name, jurisdiction=None), *m.span(1), "agency")
    ctx.record.agencies[:] = sorted(agencies.values(), key=lambda a: a.mentions[0].start)
    funds = {f.name: f for f in ctx.record.funds}
    for m in ctx.finditer(VOUCHER):
        start = _name_start(ctx, m.end(1), 6)
        if m.end(1) - start >= 3:
            _add(ctx, funds, _fund, start, m.end(), "fund")
    for m in ctx.finditer(QUOTED_SCHEME):
        _add(ctx, funds, _fund, *m.span(1), "fund")
    ctx.record.funds[:] = sorted(funds.values(), key=lambda f: f.mentions[0].start if f.mentions else 0)


def _described_goal(ctx: Context, org: Organization) -> bool:
    """A platform every mention of which is the goal of 打造/建设成 (a description)."""
    if not org.name.endswith("平台"):
        return False
    return all(
        GOAL.search(ctx.norm, max(ctx.start, m.start - 40), m.start)
        and ctx.norm[m.start - 1 : m.start] != "”"
        for m in org.mentions
    )


def _fund(name: str) -> Fund:
    return Fund(name=name, amount=None, amount_cny=None)


def _organization_spans(ctx: Context) -> list[tuple[int, int]]:
    """Spans of names whose role in the sentence says they are organisations."""
    spans = []
    for pattern in (ACTS_AS, LAUNCHES, ISSUED_ON):
        for m in ctx.finditer(pattern):
            start = _name_start(ctx, m.start(), _NAME_MAX)
            if m.start() - start >= 2:
                spans.append((start, m.start()))
    for m in ctx.finditer(ROLE_LIST):
        tail = _LIST_TAIL.search(ctx.norm, m.start(1), m.end(1))
        end = tail.start() if tail else m.end(1)
        pos = m.start(1)
        for part in ctx.norm[pos:end].split("、"):
            if 2 <= len(part) <= _NAME_MAX:
                spans.append((pos, pos + len(part)))
            pos += len(part) + 1
    spans += [m.span(1) for m in ctx.finditer(CENTRE_PLATFORM)]
    for m in ctx.finditer(CHANNEL_LIST):
        group = 1 if m.start(1) >= 0 else 2
        spans.append(m.span(group))
    return spans


def _name_start(ctx: Context, pos: int, limit: int) -> int:
    """Where a short name ending at ``pos`` starts: after punctuation, a verb or a lead word."""

    in_region = ctx.memo("roles:region-chars", lambda: _region_chars(ctx))

    def stops(ch: str, at: int) -> bool:
        if not _NAME_CHAR.match(ch) or ctx.after_verb(at):
            return True
        return ch in _LEADS and at - 1 not in in_region  # 成都产投: 都 ends a region here

    start, balanced = walk_back(ctx, pos, limit, stops)
    return start if balanced else pos


def _region_chars(ctx: Context) -> set[int]:
    """Offsets covered by a known region name (成都, 都江堰市)."""
    return {i for s, e in ctx.words.get("region", ()) for i in range(s, e)}


def _add(ctx: Context, found: dict, make, start: int, end: int, kind: str) -> None:  # noqa: ANN001
    """Record a mention of the name at [start, end) unless something claims the span."""
    if end <= start or ctx.overlaps_claimed(start, end):
        return
    name = ctx.original(start, end)
    if not name.strip() or any(ch in name for ch in "，,。；;\n"):
        return
    item = found.get(name)
    if item is None:
        item = found[name] = make(name)
    item.mentions.append(Mention(name, start, end))
    ctx.claim(start, end, kind)
