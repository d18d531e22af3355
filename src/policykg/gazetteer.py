"""The gazetteer: regions, agency types, known agencies and 机关代字, loaded once from data/.

Four TSV tables (documented in ``data/README.md``) feed one :class:`Gazetteer`:

- ``regions.tsv``: provincial and prefecture-level divisions, their short names and the
  abbreviations used in document numbers (深 for 深圳, 桂 for 广西);
- ``agency_types.tsv``: standard departments and how each level names them
  (财政部 / 财政厅 / 财政局), with short forms and document-code stems;
- ``agencies.tsv``: bodies that do not follow the template, central bodies, local usage;
- ``issuer_codes.tsv``: issuer codes (深工信规) → issuing body.

Counties, districts and townships are not tabled: names ending in 县/区/市/旗/镇/乡/街道
that are followed by an agency type are recognised by pattern and flagged as unknown.

Naming conventions for canonical names (see data/README.md): party committees are
``中共{region}委员会`` (中共深圳市委员会; the central one 中国共产党中央委员会), CPPCC
committees ``中国人民政治协商会议{region}委员会``, congresses ``{region}人民代表大会``;
sub-units append to their parent's canonical name (…委员会提案委员会, …人民政府督查室).

Every lookup is a bounded number of dict probes; nothing scans a table per call.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .paths import DATA_DIR

NATIONAL = "中华人民共和国"
LEVELS = ("national", "province", "prefecture", "county", "township")

# Level prefixes written instead of a region name (市财政局, 自治区党委), longest first.
_LEVEL_PREFIXES = ("自治区", "自治州", "自治县", "自治旗", "省", "市", "区", "县", "州", "旗", "盟", "镇", "乡")
_PREFIX_LEVEL = {
    "自治区": "province", "省": "province", "自治州": "prefecture", "州": "prefecture",
    "盟": "prefecture", "市": "prefecture", "区": "county", "县": "county", "自治县": "county",
    "旗": "county", "自治旗": "county", "镇": "township", "乡": "township",
}
# Suffixes that make a name a plausible public body.
_AGENCY_SUFFIXES = (
    "部", "厅", "局", "委", "委员会", "办", "办公室", "署", "院", "会", "室", "处", "科", "组",
    "中心", "站", "所", "队", "政府", "党委", "政协", "人大", "指挥部", "管委会",
)
# Suffixes that make it an organisation rather than an agency.
_ORG_SUFFIXES = ("公司", "集团", "银行", "协会", "学会", "商会", "基金会", "研究院", "大学", "学院", "医院")
# Sub-units that every body of a known type has.
_STANDARD_SUBUNITS = frozenset({"办公厅", "办公室", "督查室"})
# Characters that begin a pronoun-like region mention (全市, 本区, 各县), never a name.
_NOT_NAME_START = frozenset("全本各我该此其两三四五六七八九十")
_PATTERN_MAX = 16


@dataclass(frozen=True, slots=True)
class Region:
    """An administrative division.

    ``province`` is the containing provincial-level division (itself for a province);
    ``parent`` is the division one level up, when known.
    """

    name: str
    short_names: tuple[str, ...]
    abbr: str | None
    level: str  # 'national' | 'province' | 'prefecture' | 'county' | 'township'
    province: str | None
    parent: str | None = None
    code_abbr: str | None = None  # abbreviation used in document numbers, when it differs
    adcode: str | None = None

    @property
    def is_municipality(self) -> bool:
        """True for 北京市, 天津市, 上海市, 重庆市: provincial level, named like cities."""
        return self.level == "province" and self.name.endswith("市")


@dataclass(frozen=True, slots=True)
class AgencyMatch:
    """A resolved agency name."""

    name: str  # canonical full name, e.g. 深圳市工业和信息化局
    jurisdiction: str | None  # region full name, 中华人民共和国 for central bodies
    level: str | None
    known: bool  # True when tabled, or a known type at a tabled region


@dataclass(frozen=True, slots=True)
class Issuer:
    """The body behind an issuer code (机关代字)."""

    code: str
    name: str
    jurisdiction: str | None
    inferred: bool  # built from the letter's jurisdiction rather than read from the table


@dataclass(frozen=True, slots=True)
class AgencyType:
    """A standard department type and its name at each level (``{R}`` marks the region)."""

    key: str
    forms: dict[str, str] = field(hash=False)  # level -> form
    short_forms: tuple[str, ...]
    code_stems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _AgencyRow:
    name: str
    jurisdiction: str
    level: str
    short_forms: tuple[str, ...]
    kind: str


@dataclass(frozen=True, slots=True)
class _IssuerRow:
    code: str
    name: str
    jurisdiction: str
    level: str


def _split(value: str) -> tuple[str, ...]:
    return tuple(v for v in (value or "").split("|") if v)


def _read_tsv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh, delimiter="\t")


def _agency_like(text: str) -> bool:
    return text.endswith(_AGENCY_SUFFIXES) and not text.endswith(_ORG_SUFFIXES)


def _suffix_fits(surface: str, form: str) -> bool:
    """A bare 交通局 names a 局, so it cannot be a province's 交通运输厅."""
    for written, accepted in (("局", ("局",)), ("厅", ("厅",)), ("委", ("委", "委员会")),
                              ("办", ("办", "办公室", "办公厅"))):
        if surface.endswith(written):
            return form.endswith(accepted)
    return True


def _expand_tail(tail: str) -> str:
    """Spell out an abbreviated sub-unit: 提案委 → 提案委员会, 代表工委 → 代表工作委员会."""
    if tail.endswith("工委"):
        return tail[:-2] + "工作委员会"
    if tail.endswith("委") and not tail.endswith("委员会"):
        return tail + "员会"
    if tail == "办":
        return "办公室"
    return tail


class Gazetteer:
    """Lookups over the curated tables. Build with :func:`load_gazetteer`."""

    def __init__(
        self,
        regions: list[Region],
        types: list[AgencyType],
        agencies: list[_AgencyRow],
        issuers: list[_IssuerRow],
    ) -> None:
        self.regions = regions
        self.types = types
        self.agencies = agencies
        self.issuers = issuers
        self._index_regions(regions)
        self._index_types(types)
        self._index_agencies(agencies)
        self._index_issuers(issuers)
        self._surface_forms: list[str] | None = None

    # ------------------------------------------------------------------ indexes
    def _index_regions(self, regions: list[Region]) -> None:
        rank = {lvl: i for i, lvl in enumerate(LEVELS)}
        self._region_by_name: dict[str, Region] = {}
        self._region_surface: dict[str, Region] = {}
        self._region_abbr: dict[str, tuple[Region, ...]] = {}
        for r in regions:
            self._region_by_name.setdefault(r.name, r)
            for s in (r.name, *r.short_names):
                old = self._region_surface.get(s)
                if old is None or rank[r.level] < rank[old.level]:
                    self._region_surface[s] = r
            for a in {r.abbr, r.code_abbr} - {None, ""}:
                self._region_abbr[a] = (*self._region_abbr.get(a, ()), r)
        for a, rs in self._region_abbr.items():
            self._region_abbr[a] = tuple(sorted(rs, key=lambda r: rank[r.level]))
        self._region_lengths = sorted({len(s) for s in self._region_surface}, reverse=True)
        self.national = self._region_by_name.get(NATIONAL) or Region(NATIONAL, (), None, "national", None)

    def _index_types(self, types: list[AgencyType]) -> None:
        self._type_surface: dict[str, AgencyType] = {}
        self._templates: list[tuple[str, str, AgencyType]] = []
        self._stems: dict[str, AgencyType] = {}
        for t in types:
            for form in t.forms.values():
                if "{R}" in form:
                    head, _, tail = form.partition("{R}")
                    if (head, tail, t) not in self._templates:
                        self._templates.append((head, tail, t))
                    continue
                self._type_surface.setdefault(form, t)
            for s in t.short_forms:
                self._type_surface.setdefault(s, t)
            for stem in t.code_stems:
                self._stems.setdefault(stem, t)
        self._type_lengths = sorted({len(s) for s in self._type_surface}, reverse=True)
        self._stem_lengths = sorted({len(s) for s in self._stems}, reverse=True)
        self._type_by_key = {t.key: t for t in types}

    def _index_agencies(self, agencies: list[_AgencyRow]) -> None:
        self._agency_by_name: dict[str, _AgencyRow] = {}
        self._agency_short: dict[str, _AgencyRow] = {}
        self._agency_local: dict[tuple[str, str], _AgencyRow] = {}
        for row in agencies:
            self._agency_by_name.setdefault(row.name, row)
        for row in agencies:
            local = row.jurisdiction != NATIONAL
            for s in row.short_forms:
                if not local or self._match_region(s)[0] is not None:
                    self._agency_short.setdefault(s, row)
                else:
                    self._agency_local.setdefault((row.jurisdiction, self._strip_level(s)), row)
            if local:
                region, rest = self._match_region(row.name)
                if region is not None and rest:
                    self._agency_local.setdefault((row.jurisdiction, rest), row)
        self._local_lengths = sorted({len(k[1]) for k in self._agency_local}, reverse=True)

    def _index_issuers(self, issuers: list[_IssuerRow]) -> None:
        self._issuer: dict[str, tuple[_IssuerRow, ...]] = {}
        for row in issuers:
            self._issuer[row.code] = (*self._issuer.get(row.code, ()), row)

    @staticmethod
    def _strip_level(text: str) -> str:
        for p in _LEVEL_PREFIXES:
            if text.startswith(p) and len(text) > len(p):
                return text[len(p):]
        return text

    # ------------------------------------------------------------------ regions
    def region(self, text: str) -> Region | None:
        """Return the region named by ``text`` (full or short name), e.g. 深圳 → 深圳市.

        Unknown names ending in 县/区/市/旗/镇/乡/街道 give a pattern-built region that is
        not in the table; anything else gives None. Abbreviations: see :meth:`region_by_abbr`.
        """
        text = text.strip()
        found = self._region_surface.get(text)
        if found is not None:
            return found
        return self._pattern_name(text, None)

    def region_by_abbr(self, abbr: str) -> Region | None:
        """Return the region with this abbreviation (粤 → 广东省, 深 → 深圳市).

        A provincial abbreviation wins over a city's (宁 → 宁夏回族自治区, not 南京市);
        an abbreviation shared by cities only (济: 济南市, 济宁市) gives None.
        """
        found = self._region_abbr.get(abbr.strip(), ())
        if not found:
            return None
        if found[0].level == "province" or len(found) == 1:
            return found[0]
        return None

    def regions_by_abbr(self, abbr: str) -> tuple[Region, ...]:
        """Return every region using this abbreviation, provinces first."""
        return self._region_abbr.get(abbr.strip(), ())

    def region_prefix(self, text: str) -> Region | None:
        """Return the most specific region that ``text`` starts with.

        ``深圳市工业和信息化局`` → 深圳市; ``广东省深圳市…`` → 深圳市; ``周村区交通运输局`` → a
        pattern-built county 周村区 (not tabled). Level prefixes (市, 自治区) are not regions.
        """
        region, _ = self._match_region_chain(text.strip())
        return region

    def is_known_region(self, region: Region) -> bool:
        """True when ``region`` comes from the table rather than a pattern."""
        return self._region_by_name.get(region.name) == region

    def ancestors(self, region: Region) -> list[Region]:
        """Return ``region`` and the regions containing it, nearest first."""
        chain = [region]
        seen = {region.name}
        for name in (region.parent, region.province):
            while name and name not in seen:
                seen.add(name)
                parent = self._region_by_name.get(name)
                if parent is None:
                    break
                chain.append(parent)
                name = parent.parent
        return chain

    def _match_region(self, text: str) -> tuple[Region | None, str]:
        for n in self._region_lengths:
            if n <= len(text):
                found = self._region_surface.get(text[:n])
                if found is not None:
                    return found, text[n:]
        return None, text

    def _match_region_chain(self, text: str) -> tuple[Region | None, str]:
        region, rest = self._match_region(text)
        while region is not None and rest:
            inner, inner_rest = self._match_region(rest)
            if inner is None or region.name not in (inner.parent, inner.province):
                break
            region, rest = inner, inner_rest
        if region is None or region.level in ("province", "prefecture"):
            county, county_rest = self._pattern_prefix(rest, region)
            if county is not None:
                return county, county_rest
        return region, rest

    def _pattern_prefix(self, text: str, parent: Region | None) -> tuple[Region | None, str]:
        """Find an untabled county/township name at the start of ``text`` by its suffix."""
        if not text or text[0] in _NOT_NAME_START:
            return None, text
        for i in range(2, min(len(text), _PATTERN_MAX) + 1):
            if text[i - 1] not in "区县市旗镇乡道":
                continue
            rest = text[i:]
            if rest and self._type_at(rest)[0] is None:
                continue
            region = self._pattern_name(text[:i], parent)
            if region is not None:
                return region, rest
        return None, text

    def _pattern_name(self, name: str, parent: Region | None) -> Region | None:
        if len(name) < 2 or len(name) > _PATTERN_MAX or name in _PREFIX_LEVEL or name[0] in _NOT_NAME_START:
            return None
        if name.endswith(("镇", "乡", "街道")):
            level = "township"
        elif name.endswith(("区", "县", "市", "旗")):
            level = "county"
        else:
            return None
        if name.startswith(_LEVEL_PREFIXES[:4]):  # 自治区…, 自治县…
            return None
        province = parent.province if parent is not None else None
        return Region(name, (), None, level, province, parent.name if parent is not None else None)

    # ------------------------------------------------------------------ agencies
    def canonical_agency(self, surface: str, context: Region | None) -> AgencyMatch | None:
        """Resolve an agency name as written to its canonical full name.

        ``context`` is the letter's own jurisdiction. Level prefixes (市财政局) and bare
        department names (财政厅, 国资委) resolve against it when the level fits; when it
        does not, the written name comes back with ``known=False``. Central short forms
        (工信部) need no context. Returns None for strings that are not agency names.

        >>> g = load_gazetteer()
        >>> g.canonical_agency("市工信局", g.region("深圳")).name
        '深圳市工业和信息化局'
        """
        s = surface.strip()
        if len(s) < 2:
            return None
        row = self._agency_by_name.get(s)
        if row is None and s not in self._type_surface:
            row = self._agency_short.get(s)
        if row is None and context is not None:
            row = self._local_short(s, context)
        if row is not None:
            return self._row_match(row)
        if s.startswith("中共") and len(s) > 2 and s not in self._agency_short:
            inner = self.canonical_agency(s[2:], context)
            if inner is not None and inner.name.startswith("中共"):
                return inner
        templated = self._match_template(s)
        if templated is not None:
            return templated
        region, rest = self._match_region_chain(s)
        if region is not None:
            return self._resolve_rest(region, rest, s)
        if s in self._type_surface:
            return self._bare(s, context)
        return self._prefixed(s, context)

    def _local_short(self, s: str, context: Region) -> _AgencyRow | None:
        """A tabled local body named without its region (科创委 in a 深圳 letter)."""
        for r in self.ancestors(context):
            row = self._agency_local.get((r.name, s))
            if row is not None:
                return row
        return None

    def _row_match(self, row: _AgencyRow) -> AgencyMatch:
        return AgencyMatch(row.name, row.jurisdiction, row.level, True)

    def _match_template(self, s: str) -> AgencyMatch | None:
        """中国人民政治协商会议深圳市委员会…, 中共广东省委员会…, 国家税务总局深圳市税务局…"""
        for head, tail, t in self._templates:
            if head and s.startswith(head):
                region, rest = self._match_region_chain(s[len(head):])
                if region is not None and rest.startswith(tail):
                    return self._with_tail(t, region, rest[len(tail):], s)
        return None

    def _prefixed(self, s: str, context: Region | None) -> AgencyMatch | None:
        prefix = next((p for p in _LEVEL_PREFIXES if s.startswith(p) and len(s) > len(p)), None)
        if prefix is not None:
            rest = s[len(prefix):].removeprefix("本级")
            if self._type_at(rest)[0] is not None or self._is_local_surface(rest, context):
                return self._resolve_prefix(prefix, rest, s, context)
        county, rest = self._pattern_prefix(s, None)
        if county is not None:
            return self._resolve_rest(county, rest, s)
        if prefix is not None and _agency_like(s):
            return self._resolve_prefix(prefix, s[len(prefix):], s, context)
        return None

    def _is_local_surface(self, rest: str, context: Region | None) -> bool:
        if context is None:
            return False
        return any(self._local_at(r, rest)[0] is not None for r in self.ancestors(context))

    def _resolve_prefix(self, prefix: str, rest: str, written: str, context: Region | None) -> AgencyMatch | None:
        target = self._level_target(prefix, context)
        if target is None:
            if self._type_at(rest)[0] is None and not _agency_like(rest):
                return None
            return AgencyMatch(written, None, _PREFIX_LEVEL[prefix], False)
        return self._resolve_rest(target, rest, written)

    def _level_target(self, prefix: str, context: Region | None) -> Region | None:
        """The region a level prefix refers to, from the letter's jurisdiction."""
        if context is None:
            return None
        for r in self.ancestors(context):
            if self._prefix_fits(prefix, r):
                return r
        return None

    @staticmethod
    def _prefix_fits(prefix: str, r: Region) -> bool:
        if prefix == "市":
            return r.name.endswith("市") and r.level != "national"
        if prefix in ("省", "自治区"):
            return r.level == "province" and r.name.endswith(prefix)
        if prefix in ("州", "自治州", "盟"):
            return r.level == "prefecture" and r.name.endswith(prefix[-1])
        if prefix in ("镇", "乡"):
            return r.level == "township" and r.name.endswith(prefix)
        return r.level == "county" and r.name.endswith(prefix[-1])

    def _resolve_rest(self, region: Region, rest: str, written: str) -> AgencyMatch | None:
        """Resolve what follows a region: a local table entry, a type (+ sub-unit), or a body."""
        rest = rest.removeprefix("本级")
        if not rest:
            return None
        row, tail = self._local_at(region, rest)
        if row is not None:
            if not tail:
                return self._row_match(row)
            if _agency_like(tail):
                return AgencyMatch(row.name + _expand_tail(tail), row.jurisdiction, row.level, False)
            return None
        t, n = self._type_at(rest)
        if t is not None:
            return self._with_tail(t, region, rest[n:], written, rest[:n])
        if _agency_like(rest):
            return AgencyMatch(region.name + rest, region.name, region.level, False)
        return None

    def _with_tail(
        self, t: AgencyType, region: Region, tail: str, written: str, surface: str | None = None
    ) -> AgencyMatch | None:
        base = self._build(t, region)
        if base is None:
            name = region.name + (surface or "") if surface else written
            return AgencyMatch(name + tail, region.name, region.level, False)
        known = self.is_known_region(region)
        if tail:
            if not _agency_like(tail):
                return None
            known = known and tail in _STANDARD_SUBUNITS
            base = base + _expand_tail(tail)
        jurisdiction = NATIONAL if region.level == "national" else region.name
        return AgencyMatch(base, jurisdiction, region.level, known)

    def _build(self, t: AgencyType, region: Region) -> str | None:
        """Canonical name of type ``t`` at ``region``, or None if that level has no such body."""
        if region.level == "national":
            return t.forms.get("national") or None
        levels = {"province": ("provincial",), "prefecture": ("prefecture",),
                  "county": ("county",), "township": ("county",)}[region.level]
        if region.is_municipality:
            levels = ("prefecture", "provincial")
        form = next((t.forms[lv] for lv in levels if t.forms.get(lv)), None)
        if not form:
            return None
        if "{R}" in form:
            return form.replace("{R}", region.name)
        return region.name + form

    def _type_at(self, text: str) -> tuple[AgencyType | None, int]:
        """Longest type surface at the start of ``text``."""
        for n in self._type_lengths:
            if n <= len(text):
                t = self._type_surface.get(text[:n])
                if t is not None:
                    return t, n
        return None, 0

    def _local_at(self, region: Region, text: str) -> tuple[_AgencyRow | None, str]:
        for n in self._local_lengths:
            if n <= len(text):
                row = self._agency_local.get((region.name, text[:n]))
                if row is not None:
                    return row, text[n:]
        return None, text

    def _bare(self, s: str, context: Region | None) -> AgencyMatch | None:
        """A type name with no region or level prefix: 财政厅, 工信部, 国资委, 交通局."""
        t = self._type_surface[s]
        if len(s) < 3 or not _agency_like(s) or s.endswith("部门"):
            return None
        if s == t.forms.get("national") or s.endswith(("总局", "署")) or s.endswith("部"):
            national = self._agency_by_name.get(t.forms.get("national", ""))
            if national is not None:
                return self._row_match(national)
            return self._with_tail(t, self.national, "", s)
        if s.endswith("厅") and not s.endswith("办公厅"):
            target = next((r for r in self.ancestors(context) if r.level == "province"
                           and not r.is_municipality), None) if context is not None else None
        else:
            target = context
        if target is None or target.level == "national":
            row = self._agency_short.get(s)
            if row is not None and context is None:
                return self._row_match(row)
            return AgencyMatch(s, None, None, False)
        form = self._build(t, target)
        if form is not None and not _suffix_fits(s, form):
            return AgencyMatch(s, None, None, False)
        return self._with_tail(t, target, "", s, s)

    # ------------------------------------------------------------------ issuers
    def issuer_for_code(self, code: str, context: Region | None = None) -> Issuer | None:
        """Return the body behind an issuer code such as 深工信规 or 国科发政.

        Tries the exact code, then the longest tabled prefix (国科发政 → 国科发), then, if
        the code starts with the abbreviation of ``context`` (the letter's jurisdiction),
        that jurisdiction's department or government with ``inferred=True``; None otherwise.
        Codes shared by several bodies (宁政发: 宁夏, 南京) are settled by ``context``.
        """
        code = code.strip()
        if not code:
            return None
        chain = self.ancestors(context) if context is not None else []
        ctx_abbr = self._context_abbr(code, context)
        chain.append(self.national)
        for n in range(len(code), 1, -1):
            rows = self._issuer.get(code[:n])
            if rows:
                row = self._pick(rows, chain, ctx_abbr is not None)
                if row is not None:
                    return Issuer(code, row.name, row.jurisdiction, False)
                if ctx_abbr is not None:
                    break
        if ctx_abbr is not None and context is not None:
            return self._infer_issuer(code, ctx_abbr, context)
        rows = self._issuer.get(code[:1])
        if rows:
            row = self._pick(rows, chain, False)
            if row is not None:
                return Issuer(code, row.name, row.jurisdiction, False)
        return None

    @staticmethod
    def _pick(rows: tuple[_IssuerRow, ...], chain: list[Region], context_claims: bool) -> _IssuerRow | None:
        names = [r.name for r in chain]
        for name in names:
            for row in rows:
                if row.jurisdiction == name:
                    return row
        if context_claims:
            return None
        if len(rows) == 1:
            return rows[0]
        for level in ("national", "province"):
            for row in rows:
                if row.level == level:
                    return row
        return None

    def _context_abbr(self, code: str, context: Region | None) -> str | None:
        if context is None or context.level == "national":
            return None
        candidates = [a for a in (context.code_abbr, context.abbr) if a]
        if not candidates and context.level != "province":
            candidates = [context.name[0]]  # 商丘市 → 商政发, 周村区 → 周交政发
        for a in sorted(candidates, key=len, reverse=True):
            if code.startswith(a) and len(code) > len(a):
                return a
        return None

    def _infer_issuer(self, code: str, abbr: str, context: Region) -> Issuer:
        rest = code[len(abbr):]
        for n in self._stem_lengths:
            t = self._stems.get(rest[:n]) if n <= len(rest) else None
            if t is None:
                continue
            name = self._build(t, context)
            if name is not None:
                if t.key == "人民政府" and rest[n:].startswith("办"):
                    name += "办公厅" if context.level == "province" else "办公室"
                elif t.key == "党委" and rest[n:].startswith("办"):
                    name += "办公厅"
                return Issuer(code, name, context.name, True)
        return Issuer(code, f"{context.name}人民政府", context.name, True)

    # ------------------------------------------------------------------ matcher
    def surface_forms(self) -> list[str]:
        """Every full name and short form the gazetteer can resolve, for a many-name matcher.

        Tabled agency names and shorts, each tabled region's full name joined with each type
        form at its level, level prefixes joined with type surfaces (市财政局), and bare type
        names of three or more characters (财政厅, 国资委). Sorted, no duplicates.
        """
        if self._surface_forms is None:
            self._surface_forms = sorted(set(self._iter_surface_forms()))
        return list(self._surface_forms)

    def _iter_surface_forms(self) -> Iterator[str]:
        for row in self.agencies:
            yield row.name
            yield from row.short_forms
        for region in self.regions:
            for t in self.types:
                name = self._build(t, region)
                if name is not None:
                    yield name
        for s in self._type_surface:
            if len(s) >= 3 and _agency_like(s) and not s.endswith("部门"):
                yield s
            for p in ("省", "自治区", "市", "区", "县", "州"):
                yield p + s
        yield from ("中共中央", "党中央")


def _load_regions(path: Path) -> list[Region]:
    return [
        Region(
            name=r["name"],
            short_names=_split(r["short_names"]),
            abbr=r["abbr"] or None,
            level=r["level"],
            province=r["province"] or None,
            parent=r["parent"] or None,
            code_abbr=r["code_abbr"] or None,
            adcode=r["adcode"] or None,
        )
        for r in _read_tsv(path)
    ]


def _load_types(path: Path) -> list[AgencyType]:
    out = []
    for r in _read_tsv(path):
        forms = {lv: r[lv] for lv in ("national", "provincial", "prefecture", "county") if r[lv]}
        out.append(AgencyType(r["key"], forms, _split(r["short_forms"]), _split(r["code_stems"])))
    return out


def _load_agencies(path: Path) -> list[_AgencyRow]:
    return [
        _AgencyRow(r["name"], r["jurisdiction"], r["level"], _split(r["short_forms"]), r["kind"])
        for r in _read_tsv(path)
    ]


def _load_issuers(path: Path) -> list[_IssuerRow]:
    return [_IssuerRow(r["code"], r["name"], r["jurisdiction"], r["level"]) for r in _read_tsv(path)]


@cache
def load_gazetteer(data_dir: Path = DATA_DIR) -> Gazetteer:
    """Load the four gazetteer tables from ``data_dir`` (once per directory) and index them.

    Raises FileNotFoundError if a table is missing.
    """
    data_dir = Path(data_dir)
    return Gazetteer(
        _load_regions(data_dir / "regions.tsv"),
        _load_types(data_dir / "agency_types.tsv"),
        _load_agencies(data_dir / "agencies.tsv"),
        _load_issuers(data_dir / "issuer_codes.tsv"),
    )
