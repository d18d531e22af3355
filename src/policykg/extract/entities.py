"""Agencies and organizations named in the text, each with every surface form and span.

Agencies are recognised by shape — a place or level word (深圳市, 市, 自治区, 县 …), a
body, and a suffix of government (局, 厅, 委员会, 政府, 办公室, 领导小组 …) — and by the
gazetteer's list of known names. Canonical names are decided later, in ``resolve``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache, lru_cache

from ..gazetteer import load_gazetteer
from ..model import Agency, Mention, Organization
from .base import Context, extractor, literal_matches, walk_back
from .lexicon import VERBS_BEFORE_NAMES
from .matcher import WordMatcher, register_pattern, register_words

_PLACE_LEVEL = ("自治区", "自治州", "自治县", "省", "市", "区", "县", "镇", "乡", "旗", "盟")
# Characters that do not occur in place names but do end words before a level word.
_NOT_IN_PLACE = set("部局厅委处办室院会建设发展加强推进促进实现开展提升级内外前后上下各全本该其")
_LEVEL = ("自治区", "自治州", "全国", "国家", "中央", "省", "市", "区", "县", "镇", "乡", "州", "盟", "旗")
# Suffixes that end an agency name, longest first so 人民政府办公厅 beats 政府.
_SUFFIXES = sorted(
    {
        "人民政府办公厅", "人民政府办公室", "政府办公厅", "政府办公室", "政府督查室", "人民政府", "政府",
        "党委", "委员会", "办公厅", "办公室", "领导小组办公室", "领导小组", "联席会议", "指挥部办公室",
        "指挥部", "总局", "局", "厅", "部", "委", "署", "政协", "人大常委会", "人大", "提案委", "处",
        "党中央", "国务院", "财政", "法院", "检察院", "管委会", "工作委员会", "督查室", "部门",
        "督查办", "编办", "大队", "总队", "支队", "分署", "海关", "分局", "管理委员会",
    },
    key=len,
    reverse=True,
)  # fmt: skip
# Overlapping suffixes are all seen (提案委 and 委员会 in 提案委员会).
register_words("agency-suffix", lambda: _SUFFIXES)
_INNER_STOP = set("的了是在对向从把被将已由于为与及并或等各该其这那您你我他们给至到以年月日每，。、；：！？“”《》\"'")
_VERBS = VERBS_BEFORE_NAMES
_BARE_TYPES = ("财政厅", "科技厅", "国资委", "发改委", "工信厅", "交通局", "路政局", "教育厅", "教育局",
               "公安厅", "公安局", "民政厅", "民政局", "商务厅", "商务局", "卫健委", "住建局", "住建厅",
               "交通运输局", "交通运输厅", "工业和信息化局", "工业和信息化厅", "财政局", "科技局",
               "人社局", "人社厅", "自然资源局", "生态环境局", "水利局", "水务局", "农业农村局",
               "市场监管局", "应急管理局", "审计局", "统计局", "税务局", "文旅局", "发改局",
               "国务院", "党中央", "财政部", "教育部", "工信部", "科技部", "商务部", "交通运输部",
               "人社部", "民政部", "公安部", "司法部", "自然资源部", "生态环境部", "住建部", "水利部",
               "农业农村部", "文化和旅游部", "卫健委", "国家卫健委", "审计署", "国家发改委", "外交部",
               "国防部", "退役军人事务部", "应急管理部", "人民银行", "中国人民银行", "银保监会",
               "证监会", "国家税务总局", "市场监管总局", "海关总署")  # fmt: skip
_BARE_RE = register_pattern(re.compile("|".join(map(re.escape, sorted(set(_BARE_TYPES), key=len, reverse=True)))))
_NOT_AGENCY_TAIL = ("投资", "引导基金", "基金", "平台", "公司", "集团", "银行", "大学", "学院")
_NOT_AGENCY = {"全国委员会", "财政", "中央", "国家", "全市",
               "全省", "全区", "全县", "政府", "人大", "政协", "部", "局", "厅", "委", "处", "中心"}  # fmt: skip
# Suffixes that make a name an agency even with no place or level word in front.
_SELF_STANDING = ("领导小组办公室", "领导小组", "联席会议", "指挥部办公室", "指挥部", "管委会", "管理委员会")
_OPENERS = ("自治区", "自治州", "全国", "国家", "国务院", "中央", "中共", "党中央", "民航", "人民银行", "中国人民银行", "省", "市", "区", "县", "镇", "乡")
_PROVINCE_SHORT = ("北京", "天津", "上海", "重庆", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "江苏",
                   "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南",
                   "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆")  # fmt: skip
_JOINED_FIRST = "市省区县自党"  # what a joined name (_JOINED) can begin with
_JOINED = re.compile(r"(市委|省委|区委|县委|自治区党委|党中央)(市政府|省政府|区政府|县政府|自治区人民政府|自治区政府|国务院)")

# The eight democratic parties' local bodies are organizations, not government agencies.
PARTY_BODY = register_pattern(
    re.compile(r"(?:民革|民盟|民建|民进|农工党|致公党|九三学社|台盟)[\u4e00-\u9fff]{0,10}?(?:委员会|委会|支社|支部|总支)")
)
CENTRAL_BANK_BRANCH = register_pattern(
    re.compile(r"(?:中国)?人民银行[\u4e00-\u9fff]{2,10}?(?:中心支行|分行|支行|营业管理部)")
)
ORG_SUFFIX = re.compile(
    r"(股份有限公司|有限责任公司|有限公司|集团|银行(?:(?:(?![第家])[\u4e00-\u9fff]){2,8}?分行)?|分行|支行|小贷公司|小额贷款公司|"
    r"担保公司|保险社|保险公司|证券|大学|学院|中学|小学|研究院|研究所|协会|商会|联合会|工商联|"
    r"孵化器|创投网|总队|联盟|研究中心|工程中心|技术中心|合作平台|共享平台|服务平台|管理平台|备案平台|信息平台|网络平台|云平台|APP|小程序|"
    r"公司|学校|医院|幼儿园)"
)
register_pattern(ORG_SUFFIX)
_ORG_STOP = (_INNER_STOP | set("0123456789月日个项为以含")) - set("（）()年")
_COUNTERS = set("年家所个只")  # stop only after a number: 3家银行, 2021年…, 5所学校
_ORG_END = ("公司", "银行", "集团", "社", "大学", "学院", "协会", "中心")
_GENERIC_ORG_WORDS = ("科技", "商业", "辖内", "各大", "大", "国有", "金融", "融资", "担保", "小额贷款", "国家级",
                      "市级", "区级", "省级", "专业", "相关", "多家", "本地", "生物", "级", "一批", "重点",
                      "高等", "民营", "股份制", "地方", "农村", "城市", "设立", "鼓励", "扩大", "推动",
                      "进一步", "引导", "支持", "开展", "建立", "通过", "组织", "所有", "上市", "中小",
                      "自治区级", "特色", "共性", "综合", "技术", "行业", "辖区", "市辖区", "中小微",
                      "企业", "微信", "各类", "示范", "公共", "科研", "服务", "合作", "保险", "证券",
                      "义务教育", "县域", "城乡", "城区", "地方", "高水平", "法人", "所", "家", "产业",
                      "国有", "外资", "本地", "全市", "全省", "全区", "全县", "优质", "龙头", "单家")
_GENERIC_ORG_WORDS = tuple(sorted(set(_GENERIC_ORG_WORDS), key=len, reverse=True))  # fmt: skip


@extractor("agencies", assigns=("agencies",), order=40)
def extract_agencies(ctx: Context) -> None:
    """Public bodies by shape and by known bare names; joined forms (市委市政府) split."""
    found: list[tuple[int, int]] = []
    for suffix_start, end in _longest_at(ctx.words["agency-suffix"]).items():
        start = _agency_start(ctx, suffix_start)
        if start is not None and end - start >= 2:
            found.append((start, end))
    for m in ctx.finditer(_BARE_RE):
        found.append((m.start(), m.end()))
    # (no 人民银行, no match: tried only where its name begins)
    found.extend((m.start(), m.end()) for m in ctx.finditer(CENTRAL_BANK_BRANCH))
    found.extend(ctx.words["known-agency"])
    kept = _drop_nested(sorted(set(found)))
    agencies: dict[str, Agency] = {}
    for start, end in kept:
        text = ctx.original(start, end)
        if _rejected(ctx, start, end, text):
            continue
        agency = agencies.setdefault(text, Agency(name=text, jurisdiction=None))
        agency.mentions.append(Mention(text, start, end))
    ctx.record.agencies.extend(agencies.values())
    split_joined(ctx)


def known_agency_names() -> list[str]:
    """Gazetteer names: full names, and short forms specific enough to trust."""
    return [n for n in load_gazetteer().surface_forms() if _trusted_form(n)]


def _trusted_form(name: str) -> bool:
    """Short forms such as 区交通 or 人行 also occur in running text; keep specific ones."""
    if name in _GENERIC_FORMS or len(name) < 3:
        return False
    return name.endswith(("局", "厅", "部", "委", "署", "办", "院", "府", "会", "室", "组", "处", "行", "关"))


_GENERIC_FORMS = {"委员会", "全国委员会", "人民代表大会", "人民政府", "常务委员会", "办公厅", "办公室"}


def region_name_list() -> set[str]:
    """Known region names and short names (深圳市, 深圳, 乌鲁木齐 …)."""
    gaz = load_gazetteer()
    names: set[str] = set(_PROVINCE_SHORT)
    for region in gaz.regions:
        names.add(region.name)
        names.update(n for n in region.short_names if len(n) >= 2)
    names.discard("中华人民共和国")
    return names


@cache
def region_names() -> WordMatcher:
    """A matcher of region names, for code outside the extractors (resolve)."""
    return WordMatcher(region_name_list())


def _region_starts(ctx: Context) -> frozenset[int]:
    """Offsets where a known region name starts in this record."""
    starts = ctx._memo.get("region-starts")
    if starts is None:
        starts = ctx._memo["region-starts"] = frozenset(s for s, _ in ctx.words["region"])
    return starts


def _sorted_region_starts(ctx: Context) -> list[int]:
    """Offsets where a known region name starts in this record, ascending."""
    starts = ctx._memo.get("region-starts-sorted")
    if starts is None:
        starts = ctx._memo["region-starts-sorted"] = sorted(_region_starts(ctx))
    return starts


def _longest_at(spans: list[tuple[int, int]]) -> dict[int, int]:
    """For each start offset, the end of the longest span starting there."""
    out: dict[int, int] = {}
    for s, e in spans:
        if e > out.get(s, -1):
            out[s] = e
    return out


def _agency_start(ctx: Context, suffix_start: int) -> int | None:
    """Where the agency ending at this suffix begins: the leftmost level or place word.

    Walk back over name characters (stopping at punctuation, particles and verbs), then
    take the leftmost position that opens with 市/省/自治区/… or a place name.
    """
    norm = ctx.norm
    run = _agency_run(ctx, suffix_start)
    if run > 0 and norm[run - 1] in "我本全" and norm[run : run + 1] in ("市", "省", "区", "县"):
        run += 1  # 我市清欠工作领导小组: 我市 is a pronoun, not part of the name
    if norm.startswith(_SYSTEMS, run):  # 民航江西安全监督管理局, 海关总署广东分署
        return run
    if suffix_start - run >= 2 and _ZONES_RE.search(norm, run, suffix_start):  # 东湖新技术开发区管委会
        return run
    regions = _sorted_region_starts(ctx)
    i = bisect_left(regions, run)  # a known region first: 和河南省… starts at 河南
    if i < len(regions) and regions[i] <= suffix_start:
        return regions[i]
    for p in range(run, suffix_start + 1):  # (no region starts here: checked just above)
        if norm[p : p + 1] in _OPENER_FIRST and norm.startswith(_OPENERS, p):
            if not norm.startswith(_NOT_OPENERS, p) or norm.startswith(("市场监", "市民营"), p):
                return p
        elif (norm[p + 2 : p + 3] in _LEVEL_FIRST or norm[p + 3 : p + 4] in _LEVEL_FIRST) and _is_place_start(norm, p):
            return p
    if norm.startswith(_SELF_STANDING, suffix_start) and suffix_start - run >= 2:
        return run
    return None


def _agency_run(ctx: Context, suffix_start: int) -> int:
    """walk_back(ctx, suffix_start, 30, stops) over an agency's name: where it stops.

    The walk stops at the first position (going left) after a particle or mark, a
    non-Chinese character, a verb, or 和 between two agency names (中国民用航空局和民航…).
    Without brackets on the way that is the largest such position, found at once: the last
    stopping character by one regex match over the window, the last verb by bisection.
    """
    norm, floor = ctx.norm, ctx.start
    lo = max(floor, suffix_start - 30)
    m = _AGENCY_STOPPER.match(norm, lo, suffix_start)
    stop = lo
    if m is not None and not (m.group(1) == "和" and m.start(1) == floor):  # 和 needs a name before it
        stop = m.end()
    verb = ctx.last_verb_end(lo, suffix_start)
    if verb > stop:
        return verb
    if m is None or stop == lo or m.group(1) not in ")）(（":
        return stop
    # a bracket first: the walk takes a bracketed part whole (rare, so the plain walk)
    verb_ends = ctx.verb_ends

    def stops(ch: str, at: int) -> bool:
        return (
            ch in _INNER_STOP
            or not "\u4e00" <= ch <= "\u9fff"
            or at in verb_ends
            or ch == "和" and norm[at - 2 : at - 1] in _AGENCY_LAST and at - 2 >= floor
        )

    return walk_back(ctx, suffix_start, 30, stops)[0]


_AGENCY_LAST = set("局厅委办部府院署")
# The last character in a window that stops the walk over an agency's name (greedy .*).
_AGENCY_STOPPER = re.compile(
    "(?s:.*)([^\u4e00-\u9fff]|["
    + "".join(sorted(c for c in _INNER_STOP if "\u4e00" <= c <= "\u9fff"))
    + "]|(?<=[局厅委办部府院署])和)"
)
# Vertically managed systems whose local offices are named system + region + office.
_SYSTEMS = ("民航", "海关总署", "中国人民银行", "人民银行", "国家税务总局", "国家金融监督管理总局", "中国证监会")
# Development zones name their own management committees (…开发区管委会).
_ZONES = ("开发区", "高新区", "新区", "园区", "示范区", "保税区", "自贸区", "试验区")
_NOT_OPENERS = ("市场", "市民", "区域", "区位", "县城", "省道", "国家级", "全国性", "区两级", "市两级", "县两级")
_ZONES_RE = re.compile("|".join(_ZONES))
# First characters of the openers and of the level words after a place (quick tests before
# the tuple startswith; "" is "in" any string, and no slice here is empty unless at the end).
_OPENER_FIRST = frozenset(w[0] for w in _OPENERS)
_LEVEL_FIRST = frozenset(w[0] for w in _PLACE_LEVEL)


def _is_place_start(norm: str, i: int) -> bool:
    """A place name (2–3 characters) followed by a level word: 南票区, 台集屯镇."""
    for n in (2, 3):
        name = norm[i : i + n]
        if norm.startswith(_PLACE_LEVEL, i + n) and _plausible_place(name):
            return not norm.startswith(("市场", "市民", "区域", "县城"), i + n)
    return False


@lru_cache(maxsize=65536)
def _plausible_place(name: str) -> bool:
    if not all("\u4e00" <= c <= "\u9fff" and c not in _NOT_IN_PLACE for c in name):
        return False
    # no verb inside the name: no substring of it is a verb (names are 2–3 characters)
    return not any(name[i:j] in _VERB_SET for i in range(len(name)) for j in range(i + 1, len(name) + 1))


_VERB_SET = frozenset(v for v in _VERBS if v)


def _drop_nested(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Keep the longest of overlapping spans (leftmost on ties)."""
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int]] = []
    for s, e in spans:
        if kept and s < kept[-1][1]:
            continue
        kept.append((s, e))
    return kept


_FALSE_ENDINGS = ("部署", "布局", "格局", "大局", "全局", "结局", "开局", "僵局", "内部", "全部", "外部", "局部",
                  "干部", "西部", "东部", "中部", "南部", "北部", "总部", "头部", "底部", "大厅", "展厅",
                  "餐厅", "之处", "好处", "难处", "用处", "到处")  # fmt: skip


_FALSE_NEXT = {"部": "分署门位件", "局": "面势限", "委": "托屈婉", "处": "理置于分", "厅": "堂", "府": "性"}
_VAGUE = ("相关", "有关", "主管", "职能", "各级", "省级", "市级", "区级", "县级")


def _rejected(ctx: Context, start: int, end: int, text: str) -> bool:
    if text in _NOT_AGENCY or text.endswith(_FALSE_ENDINGS) or ctx.overlaps_claimed(start, end, ("fund", "docnumber")):
        return True
    if ctx.surrounds_claimed(start, ("org",)):  # starts inside an organization's name
        return True
    if "届" in text or "次会议" in text or ctx.norm[start - 1 : start] == "各":
        return True
    nxt = ctx.norm[end : end + 1]
    if nxt and nxt in _FALSE_NEXT.get(text[-1], ""):
        return True
    if text.endswith(("科学院", "研究院", "研究所", "研究中心")):
        return True  # research institutes are organizations, not agencies
    if text.endswith("队") and not re.search(r"(执法|交警|公安|消防|稽查|监察|武警|交通)", text):
        return True  # 志愿服务总队 is a volunteer team, 行政执法总队 an agency
    if text.endswith("部门") and (any(v in text for v in _VAGUE) or len(text) > 6):
        return True
    if text.endswith("处") and not re.search(r"[局厅委办].{1,6}处$", text):
        return True
    # (every tail word has at most 4 characters: the same as norm[end:end + 4].startswith)
    return ctx.norm.startswith(_NOT_AGENCY_TAIL, end) or ctx.norm.startswith(("届", "次会议"), end)


def split_joined(ctx: Context) -> None:
    """市委市政府 → 市委, 市政府 (as two mentions)."""
    out: dict[str, Agency] = {a.name: a for a in ctx.record.agencies}
    for agency in list(ctx.record.agencies):
        m = _JOINED.fullmatch(agency.name) if agency.name[:1] in _JOINED_FIRST else None
        if not m:
            continue
        del out[agency.name]
        for mention in agency.mentions:
            for g in (1, 2):
                s, e = mention.start + m.start(g), mention.start + m.end(g)
                part = out.setdefault(m.group(g), Agency(name=m.group(g), jurisdiction=None))
                part.mentions.append(Mention(ctx.original(s, e), s, e))
    ctx.record.agencies[:] = sorted(out.values(), key=lambda a: a.mentions[0].start)


@extractor("organizations", assigns=("organizations",), order=38)
def extract_organizations(ctx: Context) -> None:
    """Companies, banks, schools, associations and platforms (not government bodies)."""
    orgs: dict[str, Organization] = {}
    spans = []
    for m in ctx.finditer(ORG_SUFFIX):
        if ctx.overlaps_claimed(m.start(), m.end(), ("document", "fund")):
            continue
        start = _walk_org(ctx, m.start())
        if m.start() - start < 2 and m.group(1) not in ("工商联",):
            continue
        if not _generic_org(ctx.norm[start : m.end()], m.group(1)):
            spans.append((start, m.end()))
    spans.extend(_enumerated_members(ctx))
    # (no party named, no match: tried only where a party's name begins)
    spans.extend((m.start(), m.end()) for m in ctx.finditer(PARTY_BODY))
    for start, end in _drop_nested(spans):
        name = ctx.original(start, end)
        if name.endswith("队") and re.search(r"(执法|交警|公安|消防|稽查|监察|武警)", name):
            continue  # an enforcement corps is an agency
        if ctx.norm.startswith(("人民银行", "中国人民银行"), start) or ctx.norm[max(0, start - 4) : start] == "人民银行":
            continue  # the central bank's branches are agencies
        if name[0] in "(（)）":
            continue
        org = orgs.setdefault(name, Organization(name=name))
        org.mentions.append(Mention(name, start, end))
    for m in ctx.finditer(QUOTED_PLATFORM):
        name = ctx.original(m.start(1), m.end(1))
        org = orgs.setdefault(name, Organization(name=name))
        org.mentions.append(Mention(name, m.start(1), m.end(1)))
    _quoted_short_forms(ctx, orgs)
    ctx.record.organizations.extend(orgs.values())
    for org in ctx.record.organizations:
        for mention in org.mentions:
            ctx.claim(mention.start, mention.end, "org")


QUOTED_PLATFORM = re.compile(r"“([^“”\n]{2,30})”\s*(?:平台|APP|小程序)")
# 3家科技融资担保公司（高新投、中小担、力合融资担保）: the bracket lists the members by name.
ENUMERATION = re.compile(
    r"\d+\s*家[^（(，,。；;\n]{0,20}?(?:公司|机构|银行|保险社|平台|企业|协会|商会|集团|学校|医院)[（(]([^（）()\n]{2,120})[）)]"
)


# …知名基金管理人…，如厚朴科技股权投资、基石资产、同创锦绣等: examples named after a kind.
EXAMPLES = register_pattern(re.compile(r"(?:如|例如|包括|比如)((?:[^、，,。；;：:\n]{2,20}、)+[^、，,。；;：:\n]{2,20})等"))
_INSTITUTIONS = re.compile(r"(机构|企业|公司|管理人|银行|平台|协会|高校|院校|大学|集团|投资人)")


QUOTED = re.compile(r"“([^“”\n]{2,12})”")


def _quoted_short_forms(ctx: Context, orgs: dict[str, Organization]) -> None:
    """“深i企” beside the platform “深i企-精准服务企业”: the quoted head is its short name."""
    heads = {name.split(sep)[0]: name for name in orgs for sep in "-—–·" if sep in name}
    for m in ctx.finditer(QUOTED):
        short = ctx.original(m.start(1), m.end(1))
        if short in heads and short not in orgs and ctx.norm[m.end(1) : m.end(1) + 1] != "-":
            orgs[short] = Organization(name=short)
        if short in orgs and short in heads and not ctx.overlaps_claimed(m.start(1), m.end(1)):
            orgs[short].mentions.append(Mention(short, m.start(1), m.end(1)))
    for name in [n for n, o in orgs.items() if not o.mentions]:
        del orgs[name]


def _looks_like_a_name(ctx: Context, start: int, end: int) -> bool:
    """A short item with no verb, particle or number in it (not 为被投资企业提供…)."""
    text = ctx.norm[start:end]
    if not 2 <= len(text) <= 14 or re.search(r"[\d的和与及对为被在将]|[局厅委部府办]$", text):
        return False
    return not any(start < e <= end for e in ctx.verb_ends)


def _enumerated_members(ctx: Context) -> list[tuple[int, int]]:
    """Spans of the names listed in brackets after a counted category of organizations,
    or given as examples (如A、B、C等) right after a kind of institution."""
    out = []
    for m in ctx.finditer(EXAMPLES):
        if not _INSTITUTIONS.search(ctx.norm, max(ctx.start, m.start() - 20), m.start()):
            continue
        items = []
        pos = m.start(1)
        for part in m.group(1).split("、"):
            idx = ctx.norm.find(part, pos, m.end(1))
            pos = idx + len(part)
            items.append((idx, idx + len(part)))
        if all(_looks_like_a_name(ctx, s, e) for s, e in items):  # lists are homogeneous
            out.extend(items)
    for m in literal_matches(ENUMERATION, ctx.norm, ctx.start, ctx.end, "家", min_back=1, digits=True, spaces=True):
        pos = m.start(1)
        for part in re.split(r"[、,，和及]", m.group(1)):
            idx = ctx.norm.find(part, pos, m.end(1))
            name = part.strip().removesuffix("等")
            if idx >= 0 and 2 <= len(name) <= 20 and not re.search(r"\d", name):
                lead = len(part) - len(part.lstrip())
                out.append((idx + lead, idx + lead + len(name)))
            pos = max(pos, idx + len(part))
    return out


def _walk_org(ctx: Context, pos: int) -> int:
    """Walk back from an organization suffix over its name; a known region opens it.

    The walk stops after a verb or at a character that ends a name (see _org_stops); it
    meets the last verb and, right of it, the characters that may stop it (one greedy
    regex match each, tested one by one); a bracket on the way takes the slow walk.
    """
    norm, lo = ctx.norm, max(ctx.start, pos - 24)
    verb = ctx.last_verb_end(lo, pos)
    run, hi = verb, pos
    while hi > lo:
        m = _ORG_STOPPER.match(norm, lo, hi)
        if m is None or m.end() < verb:
            break  # the verb comes first
        at = m.end()
        ch = norm[at - 1]
        if ch in ")）(（":
            return _walk_org_slow(ctx, pos)
        if at == verb or _org_stops(norm, ch, at, pos):
            run = at
            break
        hi = at - 1
    return _first_region_outside_brackets(ctx, run, pos)


def _org_stops(norm: str, ch: str, at: int, pos: int) -> bool:
    """Whether ``ch`` (at ``at - 1``) ends the walk back over an organization's name."""
    return (
        ch in _ORG_STOP
        or not ("\u4e00" <= ch <= "\u9fff" or ch.isalpha())
        # 3家银行, 第二家分行: a count, not a name
        or ch in _COUNTERS and _is_numeral(norm[at - 2 : at - 1])
        or ch in "多余几" and norm[at : at + 1] in _COUNTERS
        # 易安财产保险股份有限公司和众惠财产相互保险社: two names
        or ch == "和" and norm.endswith(_ORG_END, 0, at - 1)
        # an agency's name ends here: 市应急管理局企业复工备案平台
        or ch in "局厅" and at < pos
    )


# Characters that may stop the walk over an organization's name (a superset: each is tested).
_ORG_STOPPER = re.compile(
    "(?s:.*)([^\u4e00-\u9fff]|["
    + "".join(sorted({c for c in _ORG_STOP | _COUNTERS | set("多余几和局厅") if "\u4e00" <= c <= "\u9fff"}))
    + "])"
)


def _walk_org_slow(ctx: Context, pos: int) -> int:
    """_walk_org one character at a time (brackets are taken whole)."""
    norm, verb_ends = ctx.norm, ctx.verb_ends

    def stops(ch: str, at: int) -> bool:
        return (
            ch in _ORG_STOP
            or not ("\u4e00" <= ch <= "\u9fff" or ch.isalpha())
            or at in verb_ends
            # 3家银行, 第二家分行: a count, not a name
            or ch in _COUNTERS and _is_numeral(norm[at - 2 : at - 1])
            or ch in "多余几" and norm[at : at + 1] in _COUNTERS
            # 易安财产保险股份有限公司和众惠财产相互保险社: two names
            or ch == "和" and norm.endswith(_ORG_END, 0, at - 1)
            # an agency's name ends here: 市应急管理局企业复工备案平台
            or ch in "局厅" and at < pos
        )

    start, balanced = walk_back(ctx, pos, 24, stops)
    if not balanced:
        return pos
    return _first_region_outside_brackets(ctx, start, pos)


def _is_numeral(ch: str) -> bool:
    return ch.isdigit() or ch != "" and ch in "一二两三四五六七八九十百千万第"


def _first_region_outside_brackets(ctx: Context, start: int, pos: int) -> int:
    """The first known region in [start, pos) that is not inside brackets, else ``start``."""
    starts = _region_starts(ctx)
    depth = 0
    for p in range(start, pos):
        ch = ctx.norm[p]
        depth += ch in "(（"
        depth -= ch in ")）"
        if depth == 0 and p in starts:
            return p
    return start


@lru_cache(maxsize=65536)
def _generic_org(name: str, suffix: str) -> bool:
    """True for category words (商业银行, 科技支行) rather than the name of one body."""
    rest = name[: len(name) - len(suffix)]
    changed = True
    while rest and changed:  # passes over _GENERIC_ORG_WORDS, stripping each word that leads
        changed = False
        after = 0  # a pass goes on with the words listed after the one it stripped
        while rest:
            for i, word in _GENERIC_BY_FIRST.get(rest[0], ()):
                if i >= after and rest.startswith(word):
                    rest = rest[len(word) :]
                    after, changed = i + 1, True
                    break
            else:
                break
    return not rest


# The generic words by first character, with their place in _GENERIC_ORG_WORDS (only words
# with rest's first character can lead it).
_GENERIC_BY_FIRST: dict[str, tuple[tuple[int, str], ...]] = {}
for _i, _word in enumerate(_GENERIC_ORG_WORDS):
    _GENERIC_BY_FIRST[_word[0]] = (*_GENERIC_BY_FIRST.get(_word[0], ()), (_i, _word))


register_words("known-agency", known_agency_names)
register_words("region", region_name_list)
