"""Tests of ``policykg query``: the named-query library on the seed letters, parameter binding,
result formats and error handling.

Expected rows are written from reading the five seed letters in ``data/letters`` (file names
abbreviated F0…F4 below), not copied from program output. Where the extraction gets a letter
wrong, the true rows stay in the test and the part the extraction misses is a strict
``xfail`` naming the gap — fixing the extractor turns it into an XPASS failure, to be promoted.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from policykg import query as q
from policykg.build import write_outputs
from policykg.cli import main
from policykg.pipeline import extract_paths

LETTERS = Path(__file__).resolve().parents[1] / "data" / "letters"
F0 = "000_42c7ff2b028ad38b.txt"  # 深圳工信局 reply to 20210208 (刘丹宁)
F1 = "001_a2b1ea49786702ab.txt"  # proposal form of 20210208
F2 = "002_aac65292805c1249.txt"  # 深圳工信局 reply to 20200012 (市政协经济委)
F3 = "003_8c7b722f76a7ec1f.txt"  # 深圳工信局 reply to 20210201 (常远), number written 2021021
F4 = "004_44ec9fff1936b0cc.txt"  # 广西科技厅 reply to 20210239 (自治区工商联)

SZ_MIIT = "深圳市工业和信息化局"
GX_STD = "广西壮族自治区科学技术厅"
TIANWEI = "中国人民政治协商会议深圳市委员会提案委员会"  # 市政协提案委 (抄送)
DUCHA = "深圳市人民政府督查室"  # 市政府督查室 (抄送)
GX_CO = {  # 会办单位 named in F4: 自治区工业和信息化厅、国资委、财政厅和广西银保监局
    "广西壮族自治区工业和信息化厅",
    "广西壮族自治区人民政府国有资产监督管理委员会",
    "广西壮族自治区财政厅",
    "中国银行保险监督管理委员会广西监管局",
}
SZ_CO = {"深圳市科技创新委员会", "深圳市地方金融监督管理局", "深圳市财政局"}  # 会办单位 in F1
SZ_MEASURES = "深府规〔2020〕1号"
RUOGAN = "深圳市人民政府关于印发应对新型冠状病毒感染的肺炎疫情支持企业共渡难关若干措施的通知"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store built from the seed letters (opened per query, read-only, never kept open)."""
    out = tmp_path_factory.mktemp("seed")
    write_outputs(extract_paths([LETTERS]), out, store_spec=str(out / "store"))
    return str(out / "store")


def rows(store: str, name: str, **params: str) -> list[dict[str, str]]:
    """The rows of named query ``name`` as dicts of cell strings."""
    named = q.load(name)
    result = q.run(q.open_store(store), q.bind(named.text, named.params, params))
    assert isinstance(result, ox.QuerySolutions)
    return q.rows_as_dicts(q.table(result))


def pick(found: list[dict[str, str]], *columns: str) -> list[tuple[str, ...]]:
    return [tuple(r[c] for c in columns) for r in found]


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


TESTED: set[str] = set()


def covers(name: str):  # noqa: ANN201 — a decorator recording which named query a test checks
    TESTED.add(name)
    return lambda f: f


# --- the named queries on the seed corpus ---


@covers("cited-documents")
def test_cited_documents(store_path: str) -> None:
    # every document in 《》 the letters cite (the survey report in F2 is not a policy document)
    expected = {
        ("深圳市中小微企业银行贷款风险补偿资金池管理实施细则", "深工信规〔2020〕4号", F0),
        ("深圳市促进生物医药产业集聚发展的指导意见", "", F0),
        ("深圳市创新型产业用房管理办法（修订版）", "", F0),
        ("关于加强政府投资基金管理提高财政出资效益的通知", "财预〔2020〕7号", F0),
        ("关于加快生物医药产业高质量发展的决定", "", F1),
        (RUOGAN, SZ_MEASURES, F2),
        ("深圳市民营企业平稳发展基金应对新型冠状病毒感染疫情扶持优质中小企业专项实施方案", "", F2),
        ("深圳市应对新型冠状病毒肺炎疫情中小微企业贷款贴息项目实施办法", "", F2),
        ("关于落实分区分级防控措施科学有序推进企业复工复产工作的通知", "", F2),
        ("深圳市建立清理拖欠民营企业中小企业账款长效工作机制方案", "深府办函〔2019〕94号", F2),
        ("关于做好2020年清理拖欠民营企业中小企业账款工作的通知", "工信明电〔2020〕11号", F2),
        ("深圳市企业研究开发项目与高新技术企业培育项目资助管理办法", "深科技创新规〔2019〕5号", F3),
        ("关于推动制造业高质量发展坚定不移打造制造强市的若干措施", "深府规〔2021〕1号", F3),
        ("制造业创新中心建设管理细则", "", F3),
        ("深圳市关于进一步促进科技成果产业化若干措施", "", F3),
        ("深圳市中小企业公共服务示范平台认定管理办法", "", F3),
        ("深圳市中小企业公益服务行动方案（2020-2025年）", "", F3),
        ("政府工作报告", "", F4),
        (
            "自治区党委 自治区人民政府印发〈关于推进工业振兴三年行动方案（2021—2023年）〉的通知",
            "",
            F4,
        ),
        ("关于推进工业振兴三年行动方案（2021—2023年）", "", F4),
        ("关于加快推进中小企业“专精特新”发展的指导意见", "", F4),
        ("关于中小企业“专精特新”发展培育提升的实施方案", "", F4),
        ("科技型中小企业评价办法", "国科发政〔2017〕115号", F4),
        ("科技型中小企业评价工作指引（试行）", "国科火字〔2017〕144号", F4),
        ("广西壮族自治区人民政府印发关于推进工业振兴若干政策措施的通知", "", F4),
        ("广西科技项目揭榜制工作实施办法试行", "桂科政字〔2020〕81号", F4),
        ("广西壮族自治区创新联合体建设管理工作方案", "", F4),
        ("广西创新驱动发展投资基金管理办法", "", F4),
        ("广西壮族自治区本级政府性融资担保风险代偿补偿资金使用管理暂行办法", "", F4),
        ("关于广西银行业保险业加强科技创新金融服务工作的通知", "", F4),
    }
    found = rows(store_path, "cited-documents")
    assert set(pick(found, "document", "number", "cited_in")) == expected
    assert {r["letters"] for r in found} == {"1"}  # no document is cited by two seed letters
    assert [r["document"] for r in found] == sorted(r["document"] for r in found)  # ties by name


@covers("agency-roles")
def test_agency_roles_where_extraction_is_right(store_path: str) -> None:
    found = {r["agency"]: pick([r], "proposals", "lead", "co", "signed", "cc")[0] for r in
             rows(store_path, "agency-roles")}  # fmt: skip
    assert found[GX_STD] == ("1", "0", "0", "1", "0")
    for agency in GX_CO:
        assert found[agency] == ("1", "0", "1", "0", "0")
    assert found[TIANWEI] == found[DUCHA] == ("0", "0", "0", "0", "3")
    assert found[SZ_MIIT][0] == "3" and found[SZ_MIIT][3] == "3"  # replies to 3 proposals


def test_agency_roles_lead_and_co_of_the_proposal_form(store_path: str) -> None:
    found = {r["agency"]: pick([r], "proposals", "lead", "co", "signed", "cc")[0] for r in
             rows(store_path, "agency-roles")}  # fmt: skip
    assert found[SZ_MIIT] == ("3", "1", "0", "3", "0")
    for agency in SZ_CO:
        assert found[agency] == ("1", "0", "1", "0", "0")


@covers("co-handling")
def test_co_handling_guangxi(store_path: str) -> None:
    expected = [(a, "20210239", "co", "signed") for a in sorted(GX_CO)]
    for name in (GX_STD, "自治区科技厅"):  # full name or a short name used in the letters
        found = rows(store_path, "co-handling", agency=name)
        assert pick(found, "partner", "number", "partner_roles", "agency_roles") == expected


def test_co_handling_shenzhen_replies(store_path: str) -> None:
    found = pick(
        rows(store_path, "co-handling", agency=SZ_MIIT), "partner", "number", "partner_roles"
    )
    for number in ("20200012", "20210201"):
        assert [r for r in found if r[1] == number] == [
            (TIANWEI, number, "cc"),
            (DUCHA, number, "cc"),
        ]


def test_co_handling_shenzhen_proposal_form(store_path: str) -> None:
    found = pick(
        rows(store_path, "co-handling", agency=SZ_MIIT), "partner", "number", "partner_roles"
    )
    expected = {(a, "20210208", "co") for a in SZ_CO} | {
        (TIANWEI, "20210208", "cc"),
        (DUCHA, "20210208", "cc"),
    }
    assert {r for r in found if r[1] == "20210208"} == expected


def test_parameter_cannot_change_the_query(store_path: str) -> None:
    before = len(q.open_store(store_path))
    assert rows(store_path, "co-handling", agency='"} ; DROP ALL #') == []
    assert rows(store_path, "sources", label='\\u0022 } } DROP ALL # "') == []
    assert len(q.open_store(store_path)) == before
    assert rows(store_path, "co-handling", agency=GX_STD)  # the data is still there


SUGGESTION_MEASURES = [  # F1's four suggestions and the sections of F0 answering them
    ("1", "建议一", "一、针对允许科技型企业用无形资产抵押贷款的建议",
     {"深圳市中小微企业银行贷款风险补偿资金池管理实施细则（深工信规〔2020〕4号）"}, {"中小微企业银行贷款风险补偿资金池"}),
    ("2", "建议二", "二、针对政府尽快细化落实产业园区准入及孵化政策",
     {"深圳市促进生物医药产业集聚发展的指导意见", "深圳市创新型产业用房管理办法（修订版）"}, set()),
    ("3", "建议三", "三、针对开放政府引导基金申报机构的范围",
     {"关于加强政府投资基金管理提高财政出资效益的通知（财预〔2020〕7号）"}, {"市引导基金"}),
    ("4", "建议四", "四、针对政府利用应用大数据为中小企业画像", set(), set()),
]  # fmt: skip


def _split(cell: str) -> set[str]:
    return set(cell.split("；")) if cell else set()


@covers("reply-to-suggestions")
def test_reply_to_suggestions(store_path: str) -> None:
    found = rows(store_path, "reply-to-suggestions", number="20210208")
    assert len(found) == 4
    for row, (order, label, heading, documents, funds) in zip(
        found, SUGGESTION_MEASURES, strict=True
    ):
        assert (row["order"], row["suggestion"], row["file"]) == (order, label, F0)
        assert heading.startswith(row["measure"].rstrip("…")) or row["measure"].startswith(heading)
        assert _split(row["documents"]) == documents
        if order != "2":
            assert _split(row["funds"]) == funds


def test_reply_to_suggestion_two_names_no_fund(store_path: str) -> None:
    found = rows(store_path, "reply-to-suggestions", number="20210208")
    assert _split(found[1]["funds"]) == set()


def test_reply_without_proposal_form_lists_sections(store_path: str) -> None:
    found = rows(store_path, "reply-to-suggestions", number="20210239")
    assert [r["measure"][:2] for r in found] == ["一、", "二、", "三、", "四、", "五、"]
    assert {r["file"] for r in found} == {F4} and {r["suggestion"] for r in found} == {""}
    assert _split(found[0]["documents"]) == {
        "政府工作报告",
        "自治区党委 自治区人民政府印发〈关于推进工业振兴三年行动方案（2021—2023年）〉的通知",
        "关于推进工业振兴三年行动方案（2021—2023年）",
        "关于加快推进中小企业“专精特新”发展的指导意见",
        "关于中小企业“专精特新”发展培育提升的实施方案",
        "科技型中小企业评价办法（国科发政〔2017〕115号）",
        "科技型中小企业评价工作指引（试行）（国科火字〔2017〕144号）",
        "广西壮族自治区人民政府印发关于推进工业振兴若干政策措施的通知",
    }
    assert _split(found[1]["documents"]) == {
        "广西科技项目揭榜制工作实施办法试行（桂科政字〔2020〕81号）"
    }
    assert _split(found[2]["documents"]) == {"广西壮族自治区创新联合体建设管理工作方案"}
    assert _split(found[3]["documents"]) == {"广西创新驱动发展投资基金管理办法"}
    assert _split(found[4]["documents"]) == {
        "广西壮族自治区本级政府性融资担保风险代偿补偿资金使用管理暂行办法",
        "关于广西银行业保险业加强科技创新金融服务工作的通知",
    }


POL = "https://w3id.org/policykg/ontology#"
ID = "https://w3id.org/policykg/id/"


def memory_store(turtle_by_graph: dict[str, str]) -> q.Store:
    """A memory store with one named graph per key (Turtle with the pol:, id:, rdfs: prefixes)."""
    store = q.Store("memory")
    head = f"@prefix pol: <{POL}> . @prefix id: <{ID}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    for graph, turtle in turtle_by_graph.items():
        for t in ox.parse((head + turtle).encode("utf-8"), format=ox.RdfFormat.TURTLE):
            store.ox.add(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(ID + graph)))  # type: ignore[attr-defined]
    return store


def test_suggestion_no_measure_answers_has_one_empty_row() -> None:
    # proposal 7 has two suggestions; the reply answers the first only. Another letter's
    # measures must not show up under the unanswered one.
    store = memory_store({
        "graph/form": """id:p a pol:Proposal ; pol:proposalNumber "7" ; rdfs:label "提案"@zh ;
              pol:hasSuggestion id:s1, id:s2 .
            id:s1 a pol:Suggestion ; pol:order 1 ; rdfs:label "建议一"@zh .
            id:s2 a pol:Suggestion ; pol:order 2 ; rdfs:label "建议二"@zh .""",
        "graph/reply": """id:r a pol:Letter, pol:ReplyLetter ; pol:sourceFile "r.txt" ; pol:repliesTo id:p ;
              pol:hasMeasure id:m1 .
            id:p pol:proposalNumber "7" ; pol:hasSuggestion id:s1 . id:s1 pol:order 1 .
            id:m1 a pol:Measure ; rdfs:label "一、答复"@zh ; pol:order 1 ; pol:respondsTo id:s1 .""",
        "graph/other": """id:o a pol:Letter, pol:ReplyLetter ; pol:sourceFile "o.txt" ; pol:hasMeasure id:m9 .
            id:m9 a pol:Measure ; rdfs:label "九、别的"@zh ; pol:order 9 .""",
    })  # fmt: skip
    named = q.load("reply-to-suggestions")
    result = q.run(store, q.bind(named.text, named.params, {"number": "7"}))
    found = pick(q.rows_as_dicts(q.table(result)), "order", "suggestion", "measure", "file")  # type: ignore[arg-type]
    assert found == [("1", "建议一", "一、答复", "r.txt"), ("2", "建议二", "", "")]


FUNDS = [  # funds whose size a letter states, largest first
    (
        "中小微企业银行贷款风险补偿资金池",
        "5000000000",
        "50亿元",
        F0,
    ),  # 市财政已出资50亿元设立…资金池
    ("中小微企业银行贷款风险补偿资金池", "5000000000", "50亿元", F2),  # 设立了规模为50亿元的…资金池
    ("企业研究开发资助项目", "3500000000", "35亿元", F3),  # …资助项目立项资助企业约1.2万家，资助金额约35亿元
    ("市级产业专项资金", "2000000000", "20亿元", F2),  # 划拨10%的市级产业专项资金20亿元
    ("技术重点攻关项目", "1050000000", "10.5亿元", F3),  # 12批技术重点攻关项目…资助总额约10.5亿元
    ("高新技术企业培育项目", "337000000", "3.37亿元", F3),  # …培育项目立项资助企业约1155家，资助金额约3.37亿元
    ("高企认定奖补", "316000000", "3.16亿元", F3),  # 高企认定奖补立项资助企业约6325家，资助金额约3.16亿元
    ("专项资金", "68400000", "6840万元", F4),  # 自治区财政安排专项资金6840万元
    ("创新驱动发展融资担保资金", "50000000", "5000万元", F4),  # 新增安排5000万元“创新驱动…资金”
    (
        "小企业贷款风险补偿专项资金",
        "20000000",
        "2000万元",
        F4,
    ),  # 拨付小企业贷款风险补偿专项资金2000万元
]


@covers("funds-above")
@pytest.mark.parametrize(
    ("minimum", "count"),
    [(None, 10), ("100000000", 7), ("5000000000", 2), ("5e9", 2), ("5000000000.01", 0)],
)
def test_funds_above(store_path: str, minimum: str | None, count: int) -> None:
    params = {} if minimum is None else {"min": minimum}
    found = rows(store_path, "funds-above", **params)
    assert pick(found, "fund", "yuan", "as_written", "file") == FUNDS[:count]


NUMBERED = [  # documents with a number, the issuer the letter names (or the number's code implies)
    ("广西壮族自治区科学技术厅", "2020", "桂科政字〔2020〕81号"),
    ("深圳市人民政府", "2020", SZ_MEASURES),
    ("深圳市人民政府", "2021", "深府规〔2021〕1号"),
    ("深圳市人民政府办公厅", "2019", "深府办函〔2019〕94号"),  # 市政府办公厅印发
    (SZ_MIIT, "2020", "深工信规〔2020〕4号"),  # 联合市工信部门修订印发
    ("深圳市科技创新委员会", "2019", "深科技创新规〔2019〕5号"),  # 市科技创新委研究制定
    ("科学技术部", "2017", "国科发政〔2017〕115号"),
    ("科学技术部火炬高技术产业开发中心", "2017", "国科火字〔2017〕144号"),
    ("财政部", "2020", "财预〔2020〕7号"),  # 2020年财政部印发
]


@covers("documents-by-issuer")
def test_documents_by_issuer(store_path: str) -> None:
    found = pick(rows(store_path, "documents-by-issuer"), "issuer_name", "year", "number")
    assert set(NUMBERED) <= set(found)
    assert found == sorted(found)
    for issuer in ("深圳市人民政府", "市政府"):  # full name or the short name F2 uses
        only = pick(rows(store_path, "documents-by-issuer", issuer=issuer), "issuer_name", "number")
        assert only == [("深圳市人民政府", SZ_MEASURES), ("深圳市人民政府", "深府规〔2021〕1号")]


def test_documents_by_issuer_named_in_text(store_path: str) -> None:
    found = set(pick(rows(store_path, "documents-by-issuer"), "issuer_name", "title"))
    assert {
        ("国务院减轻企业负担部际联席会议", "关于做好2020年清理拖欠民营企业中小企业账款工作的通知"),
        (
            "深圳市疫情防控指挥部办公室",
            "关于落实分区分级防控措施科学有序推进企业复工复产工作的通知",
        ),
        (SZ_MIIT, "深圳市应对新型冠状病毒肺炎疫情中小微企业贷款贴息项目实施办法"),
        (SZ_MIIT, "深圳市中小企业公益服务行动方案（2020-2025年）"),
        (
            "中国银行保险监督管理委员会广西监管局",
            "关于广西银行业保险业加强科技创新金融服务工作的通知",
        ),
    } <= found


@covers("replies-per-agency-year")
def test_replies_per_agency_year(store_path: str) -> None:
    found = pick(rows(store_path, "replies-per-agency-year"), "agency", "year", "replies")
    # F2 is dated 2020年6月4日, F0 2021年8月4日, F3 2021年8月11日, F4 2021年9月18日
    assert found == [(GX_STD, "2021", "1"), (SZ_MIIT, "2020", "1"), (SZ_MIIT, "2021", "2")]


@covers("warnings")
def test_warnings(store_path: str) -> None:
    found = rows(store_path, "warnings")
    # F3's title says 第20210201号, its first line 第2021021号
    assert pick(found, "file", "code", "text") == [(F3, "number-mismatch", "2021021")]
    assert "2021021" in found[0]["message"] and "20210201" in found[0]["message"]


@covers("sources")
def test_sources_of_a_document_number(store_path: str) -> None:
    found = rows(store_path, "sources", label="深工信规〔2020〕4号")
    sentence = (
        "市财政已出资50亿元设立中小微企业银行贷款风险补偿资金池，并联合市工信部门修订印发"
        "《深圳市中小微企业银行贷款风险补偿资金池管理实施细则》（深工信规〔2020〕4号），"
        "对符合相关规定，以纯信用、知识产权、应收账款和存货抵（质）押等方式获得的贷款，"
        "对其不良贷款补偿标准比一般贷款提高5%，进一步鼓励金融机构向科技型企业开展无形资产抵押贷款。"
    )
    assert {(r["entity"], r["file"], r["sentence"]) for r in found} == {
        ("深圳市中小微企业银行贷款风险补偿资金池管理实施细则", F0, sentence)
    }
    assert "深工信规〔2020〕4号" in {r["mention"] for r in found}


def test_sources_of_an_alias(store_path: str) -> None:
    found = rows(store_path, "sources", label="若干措施")
    assert {r["entity"] for r in found} == {RUOGAN} and {r["file"] for r in found} == {F2}
    sentences = sorted({r["sentence"] for r in found}, key=lambda s: s[:4])
    assert len(sentences) == 3
    assert sentences[0].startswith("为落实《若干措施》，我局于3月1日印发修订后的资金池管理实施细则")
    assert sentences[1].startswith(
        "为贯彻落实《深圳市人民政府关于印发应对新型冠状病毒感染的肺炎疫情"
    )
    assert sentences[2].startswith("根据《若干措施》，我局于2月29日印发")
    assert all(s.endswith("。") for s in sentences)


@covers("unanswered-proposals")
def test_unanswered_proposals(store_path: str, tmp_path: Path) -> None:
    assert rows(store_path, "unanswered-proposals") == []  # every seed proposal has its reply
    write_outputs(extract_paths([LETTERS / F1]), tmp_path, store_spec=str(tmp_path / "store"))
    found = rows(str(tmp_path / "store"), "unanswered-proposals")
    assert pick(found, "number", "title", "file") == [
        ("", "关于持续改善科技型中小企业营商环境的建议", F1)
    ]


@covers("amounts-per-letter")
def test_amounts_per_letter(store_path: str) -> None:
    found = pick(
        rows(store_path, "amounts-per-letter"),
        "file",
        "amounts",
        "largest_yuan",
        "largest_as_written",
    )
    assert found == [
        (F0, "5", "450500000000", "4505亿元"),  # 4505亿元 51亿元 5亿元 111.3亿元 50亿元
        (F1, "4", "151500000000", "1515亿元"),  # 1515亿元 1105亿元 100万元 645.526亿元
        (F2, "11", "393000000000", "3930亿元"),
        (F3, "8", "7698000000", "76.98亿元"),
        (F4, "16", "22450000000", "224.5亿元"),
    ]


@covers("document-aliases")
def test_document_aliases(store_path: str) -> None:
    found = pick(rows(store_path, "document-aliases"), "alias", "number", "document", "file")
    assert found == [("若干措施", SZ_MEASURES, RUOGAN, F2)]  # （…，下称《若干措施》）


@covers("sessions")
def test_sessions(store_path: str) -> None:
    found = pick(
        rows(store_path, "sessions"),
        "session",
        "body",
        "term",
        "meeting",
        "number",
        "title",
        "proposers",
    )
    assert found == [
        ("市政协六届六次会议", "市政协", "6", "6", "20200012", "关于积极应对疫情促进深圳企业尽快恢复正常生产经营的提案",
         "中国人民政治协商会议深圳市委员会经济委员会"),
        ("市政协七届一次会议", "市政协", "7", "1", "20210201", "关于深圳市先进制造业中小企业创新发展提案", "常远"),
        ("市政协七届一次会议", "市政协", "7", "1", "20210208", "关于持续改善科技型中小企业营商环境的建议", "刘丹宁"),
        ("自治区政协十二届四次会议", "自治区政协", "12", "4", "20210239",
         "关于加快推动科技型中小企业创新发展，促进广西高质量发展的提案", "自治区工商联"),
    ]  # fmt: skip


@covers("letters")
def test_letters(store_path: str) -> None:
    found = pick(
        rows(store_path, "letters"), "file", "kind", "date", "sender", "number", "documents"
    )
    assert found == [
        (F0, "ReplyLetter", "2021-08-04", SZ_MIIT, "20210208", "4"),
        (F1, "ProposalForm", "", "", "20210208", "1"),  # the form of the proposal F0 answers
        (F2, "ReplyLetter", "2020-06-04", SZ_MIIT, "20200012", "6"),
        (F3, "ReplyLetter", "2021-08-11", SZ_MIIT, "20210201", "6"),
        (F4, "ReplyLetter", "2021-09-18", GX_STD, "20210239", "13"),
    ]


@covers("measures-citing")
@pytest.mark.parametrize("document", [SZ_MEASURES, "若干措施", RUOGAN])
def test_measures_citing(store_path: str, document: str) -> None:
    found = rows(store_path, "measures-citing", document=document)
    # F2 section 二 and its three parts: 为贯彻落实《…》 / 为落实《若干措施》 / 根据《若干措施》
    assert [(r["file"], nfkc(r["measure"])) for r in found] == [
        (F2, nfkc("二、针对提案“贷款融资支持”和“出台中小企业援助计划”，答复如下：")),
        (F2, nfkc("（一）民营企业平稳发展基金扶持受疫情影响中小企业")),
        (F2, nfkc("（二）加大中小微企业银行贷款风险补偿力度")),
        (F2, nfkc("（三）实施普惠的中小微企业贷款贴息政策")),
    ]
    assert "《若干措施》" in found[2]["text"]


# --- the rewritten queries do not depend on how the letters split the graph ---

# Each letter graph repeats the description of every shared entity it names, and Oxigraph's
# union default graph keeps those copies: the named queries collapse them themselves. The same
# triples split differently (each also copied into one more graph; all in one graph, no copies)
# must give the same rows.
LAYOUT_CASES = [
    ("agency-roles", {}), ("amounts-per-letter", {}), ("cited-documents", {}),
    ("co-handling", {"agency": SZ_MIIT}), ("co-handling", {"agency": "自治区科技厅"}),
    ("document-aliases", {}), ("documents-by-issuer", {}),
    ("documents-by-issuer", {"issuer": "市政府"}), ("funds-above", {}),
    ("funds-above", {"min": "100000000"}), ("letters", {}),
    ("measures-citing", {"document": "若干措施"}), ("replies-per-agency-year", {}),
    ("reply-to-suggestions", {"number": "20210208"}),
    ("reply-to-suggestions", {"number": "20210239"}), ("sessions", {}),
    ("sources", {"label": "若干措施"}), ("sources", {"label": SZ_MIIT}),
    ("unanswered-proposals", {}), ("warnings", {}),
]  # fmt: skip
CONCAT_COLUMNS = {"cited_in": " ", "partner_roles": " ", "agency_roles": " ", "documents": "；",
                  "funds": "；", "proposers": "；"}  # fmt: skip


@pytest.fixture(scope="module")
def layouts(store_path: str) -> dict[str, q.Store]:
    """The seed quads with every quad also in a second graph, and with all triples in one."""
    quads = list(q.open_store(store_path).ox.quads_for_pattern(None, None, None, None))  # type: ignore[attr-defined]
    doubled, single = q.Store("memory"), q.Store("memory")
    extra, one = ox.NamedNode(ID + "graph/copy"), ox.NamedNode(ID + "graph/all")
    doubled.ox.extend(quads)  # type: ignore[attr-defined]
    doubled.ox.extend(ox.Quad(t.subject, t.predicate, t.object, extra) for t in quads)  # type: ignore[attr-defined]
    single.ox.extend(ox.Quad(t.subject, t.predicate, t.object, one) for t in quads)  # type: ignore[attr-defined]
    return {"doubled": doubled, "single": single}


def canonical(result: object) -> list[tuple[object, ...]]:
    """Rows as terms, list cells (GROUP_CONCAT) as sets, in a fixed order."""
    assert isinstance(result, ox.QuerySolutions)
    columns = [v.value for v in result.variables]
    found = []
    for solution in result:
        row: list[object] = []
        for column, value in zip(columns, solution, strict=True):
            if column in CONCAT_COLUMNS and value is not None:
                row.append(frozenset(value.value.split(CONCAT_COLUMNS[column])))
            else:
                row.append(None if value is None else str(value))
        found.append(tuple(row))
    return sorted(found, key=repr)


@pytest.mark.parametrize(("name", "params"), LAYOUT_CASES, ids=lambda v: str(v))
def test_named_query_rows_do_not_depend_on_how_letters_split_the_graph(
    store_path: str, layouts: dict[str, q.Store], name: str, params: dict[str, str]
) -> None:
    named = q.load(name)
    text = q.bind(named.text, named.params, params)
    expected = canonical(q.run(q.open_store(store_path), text))
    assert expected or name in ("unanswered-proposals",)  # the seed letters answer every proposal
    for layout, store in layouts.items():
        assert canonical(q.run(store, text)) == expected, layout


def test_layout_cases_cover_every_named_query() -> None:
    assert {name for name, _ in LAYOUT_CASES} == set(q.library())


def test_name_parameter_is_bound_in_every_form_names_take() -> None:
    params = q.parse_header("# param: who — a name (name, required)\n")[2]
    text = q.bind("SELECT ?x WHERE { ?x ?p ?who }", params, {"who": "市政府"})
    assert 'VALUES (?who) { ("市政府") ("市政府"@zh) }' in text
    store = q.Store("memory")
    store.update(
        f'INSERT DATA {{ GRAPH <{ID}graph/g> {{ <{ID}a> <{POL}x> "市政府"@zh . <{ID}b> <{POL}x> "市政府" . '
        f'<{ID}c> <{POL}x> "市政府办公厅"@zh . }} }}'
    )
    rows = {s["x"].value for s in q.run(store, text)}  # type: ignore[union-attr]
    assert rows == {ID + "a", ID + "b"}


def test_parameters_are_bound_in_every_marked_group() -> None:
    params = q.parse_header("# param: n — n (integer, required)\n")[2]
    text = "SELECT * WHERE { { SELECT ?a WHERE { # bind\n ?a ?p ?n } } { SELECT ?b WHERE {  # bind\n ?b ?p ?n } } }"
    bound = q.bind(text, params, {"n": "3"})
    block = 'VALUES (?n) { ("3"^^<http://www.w3.org/2001/XMLSchema#integer>) }'
    assert bound.count(block) == 2
    assert bound.index(block) > bound.index("SELECT ?a WHERE {")  # not in the outer group
    assert q.bind("SELECT * WHERE { ?a ?p ?n }", params, {"n": "3"}).count(block) == 1
    sneaky = q.bind(text, q.parse_header("# param: n — n (string, required)\n")[2], {"n": "x } # bind"})
    assert sneaky.count("VALUES") == 2  # a value that looks like a marker adds no binding


def test_every_named_query_is_tested() -> None:
    assert set(q.library()) == TESTED
    assert len(TESTED) >= 12


# --- the library ---


@pytest.mark.parametrize("name", sorted(q.library()))
def test_query_file_header(name: str) -> None:
    named = q.library()[name]
    first = named.text.splitlines()[0]
    assert first == f"# name: {name}"
    assert named.description and "\n" not in named.description
    for param in named.params:
        assert param.type in q.PARAM_TYPES and param.meaning


def test_parse_header_param_specs() -> None:
    text = "# name: x\n# param: a — one (string, required)\n# param: b — two (integer, 3)\n" \
           "# param: c - three (date, optional)\nSELECT * WHERE { }"  # fmt: skip
    name, _, params = q.parse_header(text)
    assert name == "x"
    assert [(p.key, p.type, p.default, p.required) for p in params] == [
        ("a", "string", None, True),
        ("b", "integer", "3", False),
        ("c", "date", "", False),
    ]
    with pytest.raises(q.QueryError, match="unknown type 'text'"):
        q.parse_header("# param: a — one (text, 1)\n")


def test_bind_builds_terms_not_text() -> None:
    params = q.parse_header(
        "# param: n — n (integer, required)\n# param: d — d (date, optional)\n"
    )[2]
    text = q.bind("SELECT ?n ?d WHERE { }", params, {"n": " 7 "})
    assert 'VALUES (?n ?d) { ("7"^^<http://www.w3.org/2001/XMLSchema#integer> UNDEF) }' in text
    with pytest.raises(q.QueryError, match="not a valid integer"):
        q.bind("SELECT * WHERE { }", params, {"n": "7; DROP ALL"})
    with pytest.raises(q.QueryError, match="missing param n"):
        q.bind("SELECT * WHERE { }", params, {})
    with pytest.raises(q.QueryError, match="unknown param 'x'; this query takes: n, d"):
        q.bind("SELECT * WHERE { }", params, {"n": "1", "x": "2"})


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_string_parameter_round_trips(value: str) -> None:
    params = q.parse_header("# param: v — anything (string, required)\n")[2]
    text = q.bind(
        "# param: v — anything (string, required)\nSELECT ?v WHERE { }", params, {"v": value}
    )
    result = q.run(q.Store("memory"), text)
    assert [s["v"].value for s in result] == [value]  # type: ignore[union-attr]


def test_unknown_named_query_lists_known_names() -> None:
    with pytest.raises(q.UnknownQueryError) as err:
        q.load("most-cited")
    assert "known queries: agency-roles, amounts-per-letter, cited-documents" in str(err.value)


def test_display_width_alignment() -> None:
    table = q.Table(["名称", "n"], [["深圳市财政局", "1"], ["MOF", "22"], ["财政部x", "3"]])
    lines = q.render_table(table).splitlines()
    starts = {q.display_width(line[: line.rindex(" ") + 1]) for line in [lines[0], *lines[2:5]]}
    assert len(starts) == 1  # the second column starts at the same terminal column on every line
    assert lines[-1] == "(3 rows)"


# --- the command line ---


def invoke(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_named_query_table(store_path: str) -> None:
    result = invoke("query", "replies-per-agency-year", "--store", store_path)
    assert result.exit_code == 0  # type: ignore[attr-defined]
    lines = result.output.splitlines()  # type: ignore[attr-defined]
    assert lines[0].split() == ["agency", "year", "replies"]
    assert lines[2].split() == [GX_STD, "2021", "1"]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_cli_w3c_formats(store_path: str, fmt: str) -> None:
    result = invoke(
        "query", "funds-above", "--param", "min=1e8", "--format", fmt, "--store", store_path
    )
    out = result.output  # type: ignore[attr-defined]
    if fmt == "json":
        data = json.loads(out)
        assert data["head"]["vars"] == ["fund", "yuan", "as_written", "file"]
        first = data["results"]["bindings"][0]
        assert first["yuan"] == {"type": "literal", "value": "5000000000",
                                 "datatype": "http://www.w3.org/2001/XMLSchema#decimal"}  # fmt: skip
    elif fmt == "csv":
        table = list(csv.reader(io.StringIO(out)))
        assert table[0] == ["fund", "yuan", "as_written", "file"] and len(table) == 8
    else:
        assert out.splitlines()[0] == "?fund\t?yuan\t?as_written\t?file"
        assert '"市级产业专项资金"' in out


def test_cli_file_ask_and_construct(store_path: str, tmp_path: Path) -> None:
    rq = tmp_path / "q.rq"
    rq.write_text('ASK { ?d pol:documentNumber "财预〔2020〕7号" }', encoding="utf-8")
    assert invoke("query", "--file", str(rq), "--store", store_path).output == "true\n"  # type: ignore[attr-defined]
    out = invoke("query", 'CONSTRUCT WHERE { ?d pol:documentNumber "财预〔2020〕7号" ; pol:issuedBy ?a }',
                 "--store", store_path).output  # type: ignore[attr-defined]  # fmt: skip
    triples = list(ox.parse(out.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    assert len(triples) == 2 and out.startswith("@prefix")


def test_cli_syntax_error_shows_line_and_column(store_path: str) -> None:
    result = CliRunner().invoke(
        main, ["query", "SELECT ?x WHERE {\n  ?x ?y\n}", "--store", store_path]
    )
    assert result.exit_code == 2
    assert "SPARQL syntax error at line 3, column" in result.output
    assert result.output.splitlines()[1].strip() == "}"  # the offending line, then a caret


def test_cli_unknown_query_and_bad_params(store_path: str) -> None:
    result = CliRunner().invoke(main, ["query", "most-cited", "--store", store_path])
    assert result.exit_code == 2 and "known queries: agency-roles" in result.output
    result = CliRunner().invoke(main, ["query", "co-handling", "--store", store_path])
    assert result.exit_code == 2 and "missing param agency" in result.output
    result = CliRunner().invoke(
        main, ["query", "funds-above", "--param", "min=lots", "--store", store_path]
    )
    assert result.exit_code == 2 and "'lots' is not a valid decimal" in result.output


def test_cli_list() -> None:
    out = invoke("query", "--list").output  # type: ignore[attr-defined]
    for name, named in q.library().items():
        assert f"{name}  " in out and named.description in out
    assert "--param min=<decimal>" in out


def test_cli_missing_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["query", "letters", "--store", str(tmp_path / "none")])
    assert result.exit_code == 2 and "no store at" in result.output


def test_cli_help_has_examples() -> None:
    for command in ("query", "stats", "export"):
        out = invoke(command, "--help").output  # type: ignore[attr-defined]
        assert "Example:" in out and f"policykg {command}" in out
