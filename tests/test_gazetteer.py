"""The gazetteer: table integrity, region lookups, agency canonicalisation, issuer codes."""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path

import pytest

from policykg.gazetteer import NATIONAL, AgencyMatch, Gazetteer, Region, load_gazetteer
from policykg.paths import DATA_DIR

TABLES = ("regions.tsv", "agency_types.tsv", "agencies.tsv", "issuer_codes.tsv")


def rows(table: str) -> list[dict[str, str]]:
    with (DATA_DIR / table).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="module")
def sz(g: Gazetteer) -> Region:
    region = g.region("深圳")
    assert region is not None
    return region


@pytest.fixture(scope="module")
def gx(g: Gazetteer) -> Region:
    region = g.region("广西")
    assert region is not None
    return region


# ---------------------------------------------------------------- integrity
@pytest.mark.parametrize("table", TABLES)
def test_every_row_is_complete_and_has_a_source(table: str) -> None:
    header = (DATA_DIR / table).read_text(encoding="utf-8").splitlines()[0].split("\t")
    assert header[-1] == "source"
    for row in rows(table):
        assert None not in row.values(), row  # no row with more or fewer columns than the header
        assert row["source"].strip(), row
        assert all(v == v.strip() for v in row.values()), row


@pytest.mark.parametrize(("table", "key"), [
    ("regions.tsv", ("name",)),
    ("agency_types.tsv", ("key",)),
    ("agencies.tsv", ("name",)),
    ("issuer_codes.tsv", ("code", "jurisdiction")),
])
def test_no_duplicate_keys(table: str, key: tuple[str, ...]) -> None:
    counts = Counter(tuple(r[k] for k in key) for r in rows(table))
    assert [k for k, n in counts.items() if n > 1] == []


def test_every_jurisdiction_is_a_region() -> None:
    regions = {r["name"] for r in rows("regions.tsv")}
    for table in ("agencies.tsv", "issuer_codes.tsv"):
        missing = {r["jurisdiction"] for r in rows(table)} - regions
        assert missing == set(), table
    for r in rows("regions.tsv"):
        assert r["province"] in regions | {""}, r
        assert r["parent"] in regions | {""}, r


def test_levels_are_known_values() -> None:
    levels = {"national", "province", "prefecture", "county", "township"}
    for table in ("regions.tsv", "agencies.tsv", "issuer_codes.tsv"):
        assert {r["level"] for r in rows(table)} <= levels, table


def test_region_coverage() -> None:
    regions = rows("regions.tsv")
    provinces = [r for r in regions if r["level"] == "province"]
    assert len(provinces) == 34
    assert all(len(r["abbr"]) == 1 for r in provinces)
    per_province = Counter(r["province"] for r in regions if r["level"] == "prefecture")
    # 广东 21, 广西 14, 浙江 11, 江苏 13, 山东 16 (+ 莱芜, merged into 济南 in 2019)
    assert per_province["广东省"] == 21
    assert per_province["广西壮族自治区"] == 14
    assert per_province["浙江省"] == 11
    assert per_province["江苏省"] == 13
    assert per_province["山东省"] == 17
    assert sum(per_province.values()) > 320


def test_type_surfaces_are_unambiguous() -> None:
    seen: dict[str, str] = {}
    clashes = []
    for r in rows("agency_types.tsv"):
        surfaces = {r[c] for c in ("national", "provincial", "prefecture", "county") if r[c]}
        surfaces |= set(filter(None, r["short_forms"].split("|")))
        for s in surfaces:
            if seen.setdefault(s, r["key"]) != r["key"]:
                clashes.append((s, seen[s], r["key"]))
    assert clashes == []


def test_code_stems_are_unambiguous() -> None:
    counts = Counter(s for r in rows("agency_types.tsv") for s in r["code_stems"].split("|") if s)
    assert [s for s, n in counts.items() if n > 1] == []


def test_load_is_cached_and_fast(tmp_path: Path) -> None:
    assert load_gazetteer() is load_gazetteer()
    for table in TABLES:
        (tmp_path / table).write_bytes((DATA_DIR / table).read_bytes())
    start = time.perf_counter()
    other = load_gazetteer(tmp_path)
    assert time.perf_counter() - start < 1.0
    assert other is not load_gazetteer()
    assert other.region("深圳") == load_gazetteer().region("深圳")


def test_missing_table_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_gazetteer(tmp_path)


# ---------------------------------------------------------------- regions
@pytest.mark.parametrize(("text", "name", "level", "province"), [
    ("深圳", "深圳市", "prefecture", "广东省"),
    ("深圳市", "深圳市", "prefecture", "广东省"),
    ("广西", "广西壮族自治区", "province", "广西壮族自治区"),
    ("广西壮族自治区", "广西壮族自治区", "province", "广西壮族自治区"),
    ("吉林", "吉林省", "province", "吉林省"),  # the province wins over 吉林市
    ("海南", "海南省", "province", "海南省"),  # and over 海南藏族自治州
    ("延边州", "延边朝鲜族自治州", "prefecture", "吉林省"),
    ("宁陕县", "宁陕县", "county", None),  # by pattern
])
def test_region(g: Gazetteer, text: str, name: str, level: str, province: str | None) -> None:
    region = g.region(text)
    assert region is not None
    assert (region.name, region.level, region.province) == (name, level, province)


def test_region_unknown(g: Gazetteer) -> None:
    assert g.region("火星") is None
    assert g.region("全市") is None
    assert g.region("市") is None


def test_pattern_regions_are_not_known(g: Gazetteer) -> None:
    assert g.is_known_region(g.region("深圳"))
    assert not g.is_known_region(g.region("宁陕县"))


@pytest.mark.parametrize(("abbr", "name"), [
    ("粤", "广东省"), ("桂", "广西壮族自治区"), ("深", "深圳市"), ("穗", "广州市"),
    ("杭", "杭州市"), ("甬", "宁波市"), ("内", "内蒙古自治区"), ("蒙", "内蒙古自治区"),
    ("宁", "宁夏回族自治区"),  # the province, not 南京
    ("滇", "云南省"), ("云", "云南省"),  # not 云浮
])
def test_region_by_abbr(g: Gazetteer, abbr: str, name: str) -> None:
    region = g.region_by_abbr(abbr)
    assert region is not None and region.name == name


def test_region_by_abbr_shared_by_cities_is_none(g: Gazetteer) -> None:
    assert g.region_by_abbr("济") is None  # 济南市 and 济宁市
    assert {r.name for r in g.regions_by_abbr("济")} == {"济南市", "济宁市"}
    assert g.region_by_abbr("无") is None


@pytest.mark.parametrize(("text", "name", "level"), [
    ("深圳市工业和信息化局", "深圳市", "prefecture"),
    ("广东省深圳市财政局", "深圳市", "prefecture"),
    ("广西壮族自治区科学技术厅", "广西壮族自治区", "province"),
    ("周村区交通运输局", "周村区", "county"),
    ("南票区文化旅游和广播电视局", "南票区", "county"),
    ("武定县水务局", "武定县", "county"),
    ("台集屯镇政府", "台集屯镇", "township"),
])
def test_region_prefix(g: Gazetteer, text: str, name: str, level: str) -> None:
    region = g.region_prefix(text)
    assert region is not None and (region.name, region.level) == (name, level)


def test_region_prefix_keeps_the_parent_of_a_pattern_county(g: Gazetteer) -> None:
    region = g.region_prefix("淄博市周村区交通运输局")
    assert region is not None
    assert (region.name, region.parent, region.province) == ("周村区", "淄博市", "山东省")


@pytest.mark.parametrize("text", ["市工业和信息化局", "自治区财政厅", "省政府", "全市各区", "工信部"])
def test_region_prefix_none(g: Gazetteer, text: str) -> None:
    assert g.region_prefix(text) is None


# ---------------------------------------------------------------- agencies
def name_of(match: AgencyMatch | None) -> str | None:
    return None if match is None else match.name


@pytest.mark.parametrize(("surface", "name", "jurisdiction"), [
    ("深圳市工业和信息化局", "深圳市工业和信息化局", "深圳市"),
    ("广西银保监局", "中国银行保险监督管理委员会广西监管局", "广西壮族自治区"),
    ("北京市经信局", "北京市经济和信息化局", "北京市"),
    ("中国人民政治协商会议深圳市委员会", "中国人民政治协商会议深圳市委员会", "深圳市"),
    ("中共深圳市委", "中共深圳市委员会", "深圳市"),
    ("国家税务总局深圳市税务局", "国家税务总局深圳市税务局", "深圳市"),
    ("广东省人民政府", "广东省人民政府", "广东省"),
    ("北京市财政局", "北京市财政局", "北京市"),  # municipalities name departments like cities
])
def test_full_names_need_no_context(g: Gazetteer, surface: str, name: str, jurisdiction: str) -> None:
    match = g.canonical_agency(surface, None)
    assert match == AgencyMatch(name, jurisdiction, match.level if match else None, True)


@pytest.mark.parametrize(("surface", "name"), [
    ("市工业和信息化局", "深圳市工业和信息化局"),
    ("市工信局", "深圳市工业和信息化局"),
    ("市工信部门", "深圳市工业和信息化局"),
    ("工业和信息化局", "深圳市工业和信息化局"),
    ("市财政", "深圳市财政局"),
    ("市财政局", "深圳市财政局"),
    ("市政府", "深圳市人民政府"),
    ("市人民政府", "深圳市人民政府"),
    ("市委", "中共深圳市委员会"),
    ("市政协", "中国人民政治协商会议深圳市委员会"),
    ("市人大", "深圳市人民代表大会"),
    ("市政协提案委", "中国人民政治协商会议深圳市委员会提案委员会"),
    ("市政府督查室", "深圳市人民政府督查室"),
    ("市政府办公厅", "深圳市人民政府办公厅"),
    ("市科技创新委", "深圳市科技创新委员会"),
    ("市科技创新委员会", "深圳市科技创新委员会"),
    ("市地方金融监督管理局", "深圳市地方金融监督管理局"),
    ("市市场监管局", "深圳市市场监督管理局"),
    ("市中小企业服务局", "深圳市中小企业服务局"),
    ("市国资委", "深圳市人民政府国有资产监督管理委员会"),
    ("市税务局", "国家税务总局深圳市税务局"),
    ("省工信厅", "广东省工业和信息化厅"),
    ("省委", "中共广东省委员会"),
])
def test_level_prefix_resolves_to_a_city_context(g: Gazetteer, sz: Region, surface: str, name: str) -> None:
    match = g.canonical_agency(surface, sz)
    assert match is not None
    assert match.name == name
    assert match.known


@pytest.mark.parametrize(("surface", "name"), [
    ("自治区财政厅", "广西壮族自治区财政厅"),
    ("自治区财政", "广西壮族自治区财政厅"),
    ("自治区本级财政", "广西壮族自治区财政厅"),
    ("财政厅", "广西壮族自治区财政厅"),
    ("自治区科技厅", "广西壮族自治区科学技术厅"),
    ("科技厅", "广西壮族自治区科学技术厅"),
    ("国资委", "广西壮族自治区人民政府国有资产监督管理委员会"),
    ("自治区国资委", "广西壮族自治区人民政府国有资产监督管理委员会"),
    ("自治区党委", "中共广西壮族自治区委员会"),
    ("自治区政协", "中国人民政治协商会议广西壮族自治区委员会"),
    ("自治区人民政府", "广西壮族自治区人民政府"),
    ("自治区工业和信息化厅", "广西壮族自治区工业和信息化厅"),
    ("自治区市场监管局", "广西壮族自治区市场监督管理局"),
])
def test_level_prefix_resolves_to_a_province_context(g: Gazetteer, gx: Region, surface: str, name: str) -> None:
    match = g.canonical_agency(surface, gx)
    assert match == AgencyMatch(name, "广西壮族自治区", "province", True)


@pytest.mark.parametrize(("surface", "name"), [
    ("工信部", "工业和信息化部"),
    ("财政部", "财政部"),
    ("教育部", "教育部"),
    ("科技部", "科学技术部"),
    ("国务院", "国务院"),
    ("党中央", "中国共产党中央委员会"),
    ("国家发改委", "国家发展和改革委员会"),
    ("国资委", "国务院国有资产监督管理委员会"),  # bare, without context: the central one
    ("银保监会", "中国银行保险监督管理委员会"),
    ("全国政协", "中国人民政治协商会议全国委员会"),
    ("市场监管总局", "国家市场监督管理总局"),
])
def test_central_short_forms(g: Gazetteer, gx: Region, surface: str, name: str) -> None:
    match = g.canonical_agency(surface, None)
    assert match == AgencyMatch(name, NATIONAL, "national", True)
    if surface != "国资委":  # central forms ignore the context
        assert g.canonical_agency(surface, gx) == match


@pytest.mark.parametrize(("surface", "context", "level"), [
    ("市财政局", "广西", "prefecture"),  # a province letter: which city?
    ("省工信厅", "北京", "province"),  # a municipality has no 省
    ("县政府", "深圳", "county"),
    ("市财政局", None, "prefecture"),
])
def test_level_prefix_that_does_not_fit_keeps_the_written_name(
    g: Gazetteer, surface: str, context: str | None, level: str
) -> None:
    ctx = g.region(context) if context else None
    assert g.canonical_agency(surface, ctx) == AgencyMatch(surface, None, level, False)


def test_bare_names_must_match_the_level_of_the_context(g: Gazetteer) -> None:
    hainan = g.region("海南")
    assert name_of(g.canonical_agency("交通厅", hainan)) == "海南省交通运输厅"
    # a bare 局 in a province letter is not the province's 厅
    assert g.canonical_agency("交通局", hainan) == AgencyMatch("交通局", None, None, False)
    # a bare 厅 in a city letter is the city's province
    assert name_of(g.canonical_agency("财政厅", g.region("深圳"))) == "广东省财政厅"


def test_county_context_by_pattern(g: Gazetteer) -> None:
    zhoucun = g.region_prefix("周村区交通运输局")
    assert g.canonical_agency("区政府办公室", zhoucun) == AgencyMatch(
        "周村区人民政府办公室", "周村区", "county", False)
    assert name_of(g.canonical_agency("区人大常委会代表工作委员会", zhoucun)) == (
        "周村区人民代表大会常务委员会代表工作委员会")
    ningshan = g.region("宁陕县")
    assert name_of(g.canonical_agency("县政府", ningshan)) == "宁陕县人民政府"
    nanpiao = g.region_prefix("南票区文旅广电局")
    assert name_of(g.canonical_agency("交通局", nanpiao)) == "南票区交通运输局"
    assert name_of(g.canonical_agency("区政协", nanpiao)) == "中国人民政治协商会议南票区委员会"


@pytest.mark.parametrize(("surface", "name", "jurisdiction", "level"), [
    ("周村区交通运输局", "周村区交通运输局", "周村区", "county"),
    ("南票区文旅广电局", "南票区文化旅游和广播电视局", "南票区", "county"),
    ("宁陕县住房和城乡建设局", "宁陕县住房和城乡建设局", "宁陕县", "county"),
    ("龙游县农业农村局", "龙游县农业农村局", "龙游县", "county"),
    ("市中区财政局", "市中区财政局", "市中区", "county"),  # a district really called 市中区
    ("台集屯镇政府", "台集屯镇人民政府", "台集屯镇", "township"),
])
def test_untabled_counties_by_pattern(
    g: Gazetteer, surface: str, name: str, jurisdiction: str, level: str
) -> None:
    assert g.canonical_agency(surface, None) == AgencyMatch(name, jurisdiction, level, False)


def test_unknown_bodies_under_a_known_region_are_not_known(g: Gazetteer, sz: Region) -> None:
    match = g.canonical_agency("浙江省公路管理局计财处", None)
    assert match == AgencyMatch("浙江省公路管理局计财处", "浙江省", "province", False)
    match = g.canonical_agency("市疫情防控指挥部办公室", sz)
    assert match == AgencyMatch("深圳市疫情防控指挥部办公室", "深圳市", "prefecture", False)


@pytest.mark.parametrize("surface", [
    "广西柳工集团机械有限公司", "中国银行", "深圳", "物资组", "财政", "财政部门", "市财政资金", "", "市",
])
def test_not_agencies(g: Gazetteer, sz: Region, surface: str) -> None:
    assert g.canonical_agency(surface, sz) is None


# ---------------------------------------------------------------- issuers
@pytest.mark.parametrize(("code", "name", "jurisdiction"), [
    ("国科发政", "科学技术部", NATIONAL),
    ("国科火字", "科学技术部火炬高技术产业开发中心", NATIONAL),
    ("国办发", "国务院办公厅", NATIONAL),
    ("国发", "国务院", NATIONAL),
    ("财预", "财政部", NATIONAL),
    ("工信明电", "工业和信息化部", NATIONAL),
    ("银发", "中国人民银行", NATIONAL),
    ("教技函", "教育部", NATIONAL),
    ("深工信规", "深圳市工业和信息化局", "深圳市"),
    ("深科技创新规", "深圳市科技创新委员会", "深圳市"),
    ("深府规", "深圳市人民政府", "深圳市"),
    ("深府办函", "深圳市人民政府办公厅", "深圳市"),
    ("深财规", "深圳市财政局", "深圳市"),
    ("桂科政字", "广西壮族自治区科学技术厅", "广西壮族自治区"),
    ("桂政发", "广西壮族自治区人民政府", "广西壮族自治区"),
    ("桂政办发", "广西壮族自治区人民政府办公厅", "广西壮族自治区"),
    ("粤府", "广东省人民政府", "广东省"),
    ("粤府办", "广东省人民政府办公厅", "广东省"),
    ("浙交建", "浙江省交通运输厅", "浙江省"),
    ("鲁财预", "山东省财政厅", "山东省"),
    ("苏自然资规", "江苏省自然资源厅", "江苏省"),
    ("粤发", "中共广东省委员会", "广东省"),
    ("川办发", "四川省人民政府办公厅", "四川省"),
    ("京财", "北京市财政局", "北京市"),
    ("沪府发", "上海市人民政府", "上海市"),
    ("穗府办", "广州市人民政府办公厅", "广州市"),
    ("杭政办函", "杭州市人民政府办公厅", "杭州市"),
])
def test_issuer_from_table(g: Gazetteer, code: str, name: str, jurisdiction: str) -> None:
    issuer = g.issuer_for_code(code)
    assert issuer is not None
    assert (issuer.code, issuer.name, issuer.jurisdiction, issuer.inferred) == (code, name, jurisdiction, False)


def test_shared_codes_are_settled_by_context(g: Gazetteer) -> None:
    assert g.issuer_for_code("宁政发").jurisdiction == "宁夏回族自治区"
    assert g.issuer_for_code("宁政发", g.region("南京")).name == "南京市人民政府"
    assert g.issuer_for_code("济政发") is None  # 济南 or 济宁
    assert g.issuer_for_code("济政发", g.region("济宁")).name == "济宁市人民政府"


def test_central_codes_beat_a_context_with_the_same_initial(g: Gazetteer) -> None:
    issuer = g.issuer_for_code("中发", g.region("中山"))  # 中山's abbreviation is 中
    assert issuer is not None and issuer.name == "中国共产党中央委员会"


@pytest.mark.parametrize(("code", "context", "name"), [
    ("深人社规", "深圳", "深圳市人力资源和社会保障局"),  # tabled
    ("宁发改", "南京", "南京市发展和改革委员会"),  # 宁 is 南京 here, not 宁夏
    ("商政发", "商丘", "商丘市人民政府"),  # first character of an untabled abbreviation
    ("甬财", "宁波", "宁波市财政局"),
    ("柳工信", "柳州", "柳州市工业和信息化局"),
])
def test_issuer_inferred_from_context(g: Gazetteer, code: str, context: str, name: str) -> None:
    issuer = g.issuer_for_code(code, g.region(context))
    assert issuer is not None and issuer.name == name
    assert issuer.jurisdiction == g.region(context).name


def test_issuer_inferred_flag(g: Gazetteer) -> None:
    assert g.issuer_for_code("甬财", g.region("宁波")).inferred
    assert not g.issuer_for_code("深财规", g.region("深圳")).inferred
    zhoucun = g.region_prefix("周村区交通运输局")
    issuer = g.issuer_for_code("周交政发", zhoucun)
    assert issuer is not None and (issuer.name, issuer.inferred) == ("周村区交通运输局", True)


def test_unknown_codes(g: Gazetteer) -> None:
    assert g.issuer_for_code("") is None
    assert g.issuer_for_code("甬财") is None  # no context, not tabled
    assert g.issuer_for_code("ABC") is None


# ---------------------------------------------------------------- matcher and speed
def test_surface_forms(g: Gazetteer, sz: Region) -> None:
    forms = g.surface_forms()
    assert forms == sorted(set(forms))
    for s in ("深圳市工业和信息化局", "市工信局", "工信部", "广西银保监局", "自治区财政厅",
              "国资委", "市政协", "中国人民政治协商会议深圳市委员会", "财政厅"):
        assert s in forms, s
    assert "财政" not in forms  # too weak to match on its own
    # every form resolves (level prefixes and local short forms in a letter from 深圳)
    unresolved = [s for s in forms if g.canonical_agency(s, sz) is None
                  and not s.startswith(("省", "区", "县", "州", "自治区"))]
    assert unresolved == []


def test_lookups_are_fast(g: Gazetteer, sz: Region) -> None:
    surfaces = ["市工信局", "深圳市工业和信息化局", "国资委", "周村区交通运输局", "市政府督查室"]
    start = time.perf_counter()
    for _ in range(2000):
        for s in surfaces:
            g.canonical_agency(s, sz)
        g.issuer_for_code("深工信规", sz)
    per_call = (time.perf_counter() - start) / (2000 * 6)
    assert per_call < 200e-6
