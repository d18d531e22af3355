"""The RDF stage: records built by hand from the seed letters, checked against the ontology,
the SHACL shapes, pyoxigraph, and each other.

The letter texts are abridged from data/letters/000 (reply to 20210208), 002 (reply to 20200012)
and 001 (the proposal form of 20210208); offsets are found in them, never typed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyshacl import validate
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from policykg import ids
from policykg.model import (
    Agency,
    AgencyRef,
    Amount,
    Fund,
    LetterRecord,
    Measure,
    Mention,
    Organization,
    PolicyDocument,
    Proposal,
    Reply,
    Session,
    Suggestion,
)
from policykg.paths import ONTOLOGY_FILE, SHAPES_FILE
from policykg.rdf import (
    agency_key,
    build_dataset,
    decimal_literal,
    document_key,
    fund_key,
    proposal_key,
    record_quads,
    serialize_quads,
    serialize_sorted,
)
from policykg.vocab import DCTERMS, OA, POL, RDF, RDFS, SCHEMA, XSD

REPLY_208 = """\
市工业和信息化局关于对市政协七届一次会议第20210208号提案答复意见的函
尊敬的刘丹宁委员：
您在市政协七届一次会议上提出的第20210208号提案《关于持续改善科技型中小企业营商环境的建议》收悉。\
非常感谢您对中小企业发展的关心与支持。经认真研究，现答复如下：
一、针对允许科技型企业用无形资产抵押贷款的建议
近年来，我市不断完善科技金融组织体系。一是在特色机构方面。截至2020年12月，我市拥有4家创新型\
法人金融机构（微众银行、招联消费金融）。二是财政支持方面。市财政已出资50亿元设立中小微企业银行\
贷款风险补偿资金池，并联合市工信部门修订印发《深圳市中小微企业银行贷款风险补偿资金池管理实施细则》\
（深工信规〔2020〕4号），对符合相关规定的贷款予以补偿。
再次感谢您对我市中小企业发展的关心与支持！
专此答复。
       深圳市工业和信息化局

                                2021年8月4日

公开方式：主动公开
抄送：市政协提案委、市政府督查室。
"""

REPLY_012 = """\
市工业和信息化局关于对市政协六届六次会议第20200012号提案答复意见的函

市政协经济委：

市政协办公厅转来市政协六届六次会议第20200012号提案《关于积极应对疫情促进深圳企业尽快恢复正常生产\
经营的提案》收悉。现就提案办理有关情况答复如下：

一、针对提案“融资支持”，答复如下：

按照《深圳市中小微企业银行贷款风险补偿资金池管理实施细则》（深工信规〔2020〕4号），\
已完成补偿项目186个，补偿金额总计18456.98万元，惠及20家（次）银行。

深圳市工业和信息化局
2020年7月10日
"""

FORM_208 = """\
\t标    题：
\t关于持续改善科技型中小企业营商环境的建议
\t提 出 人：
\t刘丹宁
\t办理类型：
\t主办会办
\t主办单位：
\t市工业和信息化局
\t会办单位：
\t市科技创新委员会,市地方金融监督管理局,市财政局
\t意见建议：
    建议一、建议允许科技型企业用无形资产抵押贷款。
    建议二、建议政府尽快细化落实产业园区准入及孵化政策，让高科技中小企业在政府规划与政策红利下快速生长
"""

AGENCY = "深圳市工业和信息化局"
DOC_NO = "深工信规〔2020〕4号"
DOC_TITLE = "深圳市中小微企业银行贷款风险补偿资金池管理实施细则"
KEY_208 = "深圳市|市政协七届一次会议|20210208"


@dataclass(slots=True)
class KeyedRecord(LetterRecord):
    """A record as the resolver leaves it: with the proposal's canonical key."""

    proposal_key: str | None = None


def at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """(start, end) of the ``nth`` occurrence of ``needle`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def mention(text: str, needle: str, nth: int = 0) -> Mention:
    return Mention(needle, *at(text, needle, nth))


def ref(text: str, written: str, name: str, nth: int = 0) -> AgencyRef:
    return AgencyRef(name, written, *at(text, written, nth), jurisdiction="深圳市")


def document(text: str) -> PolicyDocument:
    return PolicyDocument(
        number=DOC_NO,
        title=DOC_TITLE,
        issuer=AGENCY,
        issuer_inferred=True,
        issuer_code="深工信规",
        year=2020,
        serial="4",
        jurisdiction="深圳市",
        mentions=[mention(text, DOC_NO), mention(text, DOC_TITLE)],
    )


def session(text: str, written: str, term: int, meeting: int) -> Session:
    return Session(written, "市政协", term, meeting, *at(text, written))


def reply_208() -> KeyedRecord:
    t = REPLY_208
    title = "关于持续改善科技型中小企业营商环境的建议"
    measure_1 = at(t, "一、针对")[0], at(t, "再次感谢")[0]
    measure_12 = at(t, "二是财政")[0], at(t, "再次感谢")[0]
    return KeyedRecord(
        source="data/letters/000_42c7ff2b028ad38b.txt",
        source_key="000_42c7ff2b028ad38b.txt",
        record_index=0,
        start=0,
        end=len(t),
        kind="reply",
        content_hash=ids.key_hash(t),
        encoding="utf-8",
        jurisdiction="深圳市",
        proposal_key=KEY_208,
        proposal=Proposal(
            number="20210208",
            number_mention=mention(t, "20210208"),
            session=session(t, "市政协七届一次会议", 7, 1),
            title=title,
            title_mention=mention(t, title),
            proposers=[mention(t, "刘丹宁")],
            proposer_kind="person",
        ),
        reply=Reply(
            agency=ref(t, AGENCY, AGENCY),
            date="2021-08-04",
            date_mention=mention(t, "2021年8月4日"),
            cc=[ref(t, "市政协提案委", "深圳市政协提案委员会"), ref(t, "市政府督查室", "深圳市人民政府督查室")],
            disclosure="主动公开",
            disclosure_mention=mention(t, "主动公开"),
            addressee=mention(t, "尊敬的刘丹宁委员"),
        ),
        policy_documents=[document(t)],
        funds=[
            Fund(
                "中小微企业银行贷款风险补偿资金池",
                "50亿元",
                Decimal("5000000000"),
                [mention(t, "中小微企业银行贷款风险补偿资金池")],
            )
        ],
        agencies=[
            Agency(AGENCY, "深圳市", [mention(t, "市工业和信息化局"), mention(t, AGENCY)], True),
            Agency("深圳市财政局", "深圳市", [mention(t, "市财政")], True),
        ],
        organizations=[
            Organization("微众银行", [mention(t, "微众银行")]),
            Organization("招联消费金融", [mention(t, "招联消费金融")]),
        ],
        amounts=[Amount("50亿元", Decimal("5000000000"), *at(t, "50亿元"))],
        measures=[
            Measure("一、", "1", "针对允许科技型企业用无形资产抵押贷款的建议", *measure_1, level=1,
                    suggestion_index=1),
            Measure("二是", "1.2", "财政支持方面", *measure_12, level=2, suggestion_index=1,
                    documents=[DOC_NO], funds=["中小微企业银行贷款风险补偿资金池"],
                    agencies=["深圳市财政局"]),
        ],
    )  # fmt: skip


def reply_012() -> LetterRecord:
    t = REPLY_012
    record = LetterRecord(
        source="data/letters/002_aac65292805c1249.txt",
        source_key="002_aac65292805c1249.txt",
        record_index=0,
        start=0,
        end=len(t),
        kind="reply",
        content_hash=ids.key_hash(t),
        jurisdiction="深圳市",
        proposal=Proposal(
            number="20200012",
            number_mention=mention(t, "20200012"),
            session=session(t, "市政协六届六次会议", 6, 6),
            title="关于积极应对疫情促进深圳企业尽快恢复正常生产经营的提案",
        ),
        reply=Reply(
            agency=ref(t, AGENCY, AGENCY),
            date="2020-07-10",
            date_mention=mention(t, "2020年7月10日"),
            addressee=mention(t, "市政协经济委"),
        ),
        policy_documents=[document(t)],
        agencies=[
            Agency(AGENCY, "深圳市", [mention(t, "市工业和信息化局"), mention(t, AGENCY)], True),
            Agency("深圳市政协经济委员会", "深圳市", [mention(t, "市政协经济委")], True),
        ],
        amounts=[Amount("18456.98万元", Decimal("18456.98") * 10000, *at(t, "18456.98万元"))],
        measures=[Measure("一、", "1", "针对提案“融资支持”", at(t, "一、")[0], at(t, "深圳市工业和信息化局\n")[0], 1)],
    )  # fmt: skip
    record.warn("date-format", "signature date written without spaces", *at(t, "2020年7月10日"))
    return record


def form_208() -> KeyedRecord:
    t = FORM_208
    suggestions = [
        "建议允许科技型企业用无形资产抵押贷款",
        "建议政府尽快细化落实产业园区准入及孵化政策，让高科技中小企业在政府规划与政策红利下快速生长",
    ]
    return KeyedRecord(
        source="data/letters/001_a2b1ea49786702ab.txt",
        source_key="001_a2b1ea49786702ab.txt",
        record_index=0,
        start=0,
        end=len(t),
        kind="proposal",
        content_hash=ids.key_hash(t),
        jurisdiction="深圳市",
        proposal_key=KEY_208,
        proposal=Proposal(
            title="关于持续改善科技型中小企业营商环境的建议",
            title_mention=mention(t, "关于持续改善科技型中小企业营商环境的建议"),
            proposers=[mention(t, "刘丹宁")],
            proposer_kind="person",
            handling_type="主办会办",
            lead_agency=ref(t, "市工业和信息化局", AGENCY),
            co_agencies=[ref(t, "市科技创新委员会", "深圳市科技创新委员会"), ref(t, "市财政局", "深圳市财政局")],
            suggestions=[
                Suggestion(f"建议{n}", s, *at(t, s), index=i)
                for i, (n, s) in enumerate(zip("一二", suggestions, strict=True), 1)
            ],
        ),
    )  # fmt: skip


RECORDS = [(reply_208(), REPLY_208), (reply_012(), REPLY_012), (form_208(), FORM_208)]


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return build_dataset(RECORDS)


@pytest.fixture(scope="module")
def union(dataset: Dataset) -> Graph:
    graph = Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


def letter(record: LetterRecord) -> URIRef:
    return ids.letter_iri(record.record_id)


def graph_of(dataset: Dataset, record: LetterRecord) -> Graph:
    return dataset.graph(ids.graph_iri(record.record_id))


# --- shape of the output ---


def test_record_quads_is_a_generator_into_the_record_graph() -> None:
    record, text = RECORDS[0]
    quads = record_quads(record, text)
    assert iter(quads) is quads
    quads = list(quads)
    assert quads and {q[3] for q in quads} == {ids.graph_iri(record.record_id)}
    assert len(quads) == len(set(quads))
    assert quads == list(record_quads(record, text))


def test_a_span_denoting_two_things_gets_two_mentions() -> None:
    record = reply_012()
    start, end = at(REPLY_012, "市政协经济委")
    record.organizations.append(Organization("市政协经济委", [Mention("市政协经济委", start, end)]))
    quads = list(record_quads(record, REPLY_012))
    assert len(quads) == len(set(quads))
    denoted = {q[2] for q in quads if q[1] == POL.denotes and f"/{start}-{end}" in q[0]}
    assert denoted == {ids.iri("agency", "深圳市政协经济委员会"), ids.iri("org", "市政协经济委")}


def test_no_blank_nodes(dataset: Dataset) -> None:
    assert not [
        q
        for q in dataset.quads((None, None, None, None))
        if any(isinstance(t, BNode) for t in q[:3])
    ]


def test_every_pol_term_is_declared_in_the_ontology(union: Graph, ontology: Graph) -> None:
    declared = {s for s in ontology.subjects() if str(s).startswith(str(POL))}
    used = {
        t
        for triple in union
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(str(POL))
    }
    assert used - declared == set()


def test_conforms_to_shapes(union: Graph, dataset: Dataset, ontology: Graph) -> None:
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    conforms, _, report = validate(union, shacl_graph=shapes, ont_graph=ontology, inference="none")
    assert conforms, report
    for record, _ in RECORDS:  # each letter graph on its own, too
        conforms, _, report = validate(
            graph_of(dataset, record), shacl_graph=shapes, inference="none"
        )
        assert conforms, report


def test_shapes_catch_a_broken_mention(union: Graph) -> None:
    shapes = Graph().parse(SHAPES_FILE, format="turtle")
    broken = Graph()
    for triple in union:
        broken.add(triple)
    m = next(union.subjects(POL.denotes, None))  # a mention: typed by pol:denotes alone
    broken.set((m, OA.start, Literal(10**6, datatype=XSD.integer)))
    broken.add((m, POL.denotes, URIRef("https://w3id.org/policykg/id/agency/other")))
    conforms, _, report = validate(broken, shacl_graph=shapes, inference="none")
    assert not conforms
    assert "lessThan" in report.replace("LessThan", "lessThan") and "MaxCount" in report


# --- values ---


def test_reply_letter_facts(dataset: Dataset) -> None:
    record = RECORDS[0][0]
    g = graph_of(dataset, record)
    me = letter(record)
    proposal = ids.iri("proposal", KEY_208)
    agency = ids.iri("agency", *agency_key(AGENCY))
    assert (me, RDF.type, POL.ReplyLetter) in g
    assert (me, POL.repliesTo, proposal) in g
    assert (me, POL.sentBy, agency) in g
    assert (me, DCTERMS.date, Literal("2021-08-04", datatype=XSD.date)) in g
    assert (me, POL.addressedTo, ids.iri("person", "深圳市", "刘丹宁")) in g
    assert (me, POL.disclosure, Literal("主动公开", lang="zh")) in g
    assert (proposal, POL.proposalNumber, Literal("20210208")) in g
    assert (proposal, POL.session, ids.iri("session", "深圳市", "市政协七届一次会议")) in g
    assert (ids.iri("session", "深圳市", "市政协七届一次会议"), POL.term, Literal(7)) in g
    assert len(set(g.objects(me, POL.cc))) == 2
    doc = ids.iri("document", *document_key(DOC_NO))
    assert (me, POL.cites, doc) in g
    assert (doc, POL.issuedBy, agency) in g
    assert (doc, POL.issuerInferred, Literal(True)) in g
    assert (doc, POL.year, Literal(2020)) in g
    fund = ids.iri("fund", *fund_key("中小微企业银行贷款风险补偿资金池", "深圳市"))
    amount = ids.local_iri(record.record_id, "amount", REPLY_208.index("50亿元"))
    assert (fund, POL.amount, amount) in g
    assert (amount, SCHEMA.currency, Literal("CNY")) in g
    assert (amount, POL.amountText, Literal("50亿元")) in g


def test_measures(dataset: Dataset) -> None:
    record = RECORDS[0][0]
    g = graph_of(dataset, record)
    top = ids.local_iri(record.record_id, "measure", "1")
    sub = ids.local_iri(record.record_id, "measure", "1.2")
    suggestion = ids.iri("suggestion", KEY_208, 1)
    assert (sub, POL.partOf, top) in g
    assert (sub, POL.order, Literal(2)) in g
    assert (sub, POL.respondsTo, suggestion) in g
    assert (sub, POL.cites, ids.iri("document", *document_key(DOC_NO))) in g
    assert (sub, POL.mentions, ids.iri("agency", "深圳市财政局")) in g
    text = str(g.value(sub, POL.text))
    assert text.startswith("二是财政支持方面。") and DOC_NO in text
    assert str(g.value(top, RDFS.label)).startswith("一、针对允许")


def test_measure_answers_the_suggestion_the_form_states(dataset: Dataset) -> None:
    suggestion = ids.iri("suggestion", KEY_208, 1)
    form = graph_of(dataset, RECORDS[2][0])
    assert str(form.value(suggestion, POL.text)) == "建议允许科技型企业用无形资产抵押贷款"
    assert (ids.iri("proposal", KEY_208), POL.hasSuggestion, suggestion) in form
    assert (letter(RECORDS[2][0]), POL.formOf, ids.iri("proposal", KEY_208)) in form
    assert (ids.iri("proposal", KEY_208), POL.handlingType, Literal("主办会办", lang="zh")) in form


def test_decimals_are_exact(dataset: Dataset) -> None:
    record = RECORDS[1][0]
    amount = ids.local_iri(record.record_id, "amount", REPLY_012.index("18456.98万元"))
    value = graph_of(dataset, record).value(amount, SCHEMA.value)
    assert isinstance(value, Literal)
    assert str(value) == "184569800"
    assert value.toPython() == Decimal("184569800")
    assert str(decimal_literal(Decimal("1.05E+8"))) == "105000000"
    assert str(decimal_literal(Decimal("0.50"))) == "0.5"


@given(st.decimals(min_value=0, max_value=10**15, allow_nan=False, allow_infinity=False, places=4))
def test_decimal_literals_round_trip(value: Decimal) -> None:
    literal = decimal_literal(value)
    assert "E" not in str(literal) and "e" not in str(literal)
    assert literal.toPython() == value
    assert Literal(str(literal), datatype=XSD.decimal).toPython() == value


def test_every_mention_slices_its_text(union: Graph) -> None:
    texts = {letter(r): t for r, t in RECORDS}
    mentions = set(union.subjects(POL.denotes, None))
    sentences = set(union.subjects(RDF.type, POL.Sentence))
    assert sentences and len(mentions | sentences) > 40
    for node in mentions | sentences:
        sentence = union.value(node, POL.inSentence) or node
        text = texts[union.value(sentence, POL.inLetter)]
        start, end = int(union.value(node, OA.start)), int(union.value(node, OA.end))
        assert text[start:end] == str(union.value(node, OA.exact))
    for m in mentions:
        sentence = union.value(m, POL.inSentence)
        assert int(union.value(sentence, OA.start)) <= int(union.value(m, OA.start))
        assert int(union.value(m, OA.end)) <= int(union.value(sentence, OA.end))


def test_sentences_are_bounded_by_punctuation(union: Graph) -> None:
    record = RECORDS[0][0]

    def sentence_of(needle: str) -> URIRef:
        m = ids.local_iri(record.record_id, "mention", "{}-{}".format(*at(REPLY_208, needle)))
        return union.value(m, POL.inSentence)

    sentence = sentence_of("50亿元")
    assert sentence == sentence_of(DOC_NO)  # one node per sentence
    exact = str(union.value(sentence, OA.exact))
    assert exact.startswith("市财政已出资50亿元") and exact.endswith("予以补偿。")
    date = str(union.value(sentence_of("2021年8月4日"), OA.exact))
    assert date == "2021年8月4日"  # a line of its own, indentation stripped


def test_measures_may_name_documents_by_resolver_key() -> None:
    record = reply_208()
    other_title = "关于加强政府投资基金管理提高财政出资效益的通知"
    record.measures[1].documents = ["title:" + DOC_TITLE, other_title]
    quads = list(record_quads(record, REPLY_208))
    sub = ids.local_iri(record.record_id, "measure", "1.2")
    cited = {q[2] for q in quads if q[:2] == (sub, POL.cites)}
    other = ids.iri("document", "title", other_title)
    assert cited == {ids.iri("document", "no", DOC_NO), other}
    assert (other, RDF.type, POL.PolicyDocument, ids.graph_iri(record.record_id)) in quads


def test_mentions_with_wrong_offsets_are_dropped() -> None:
    record = reply_208()
    record.organizations.append(
        Organization("力合科技小贷公司", [Mention("力合科技小贷公司", 3, 11)])
    )
    quads = list(record_quads(record, REPLY_208))
    org = ids.iri("org", "力合科技小贷公司")
    assert any(q[0] == org for q in quads)
    assert not [q for q in quads if q[1] == POL.denotes and q[2] == org]


# --- shared entities and named graphs ---


def test_shared_entities_are_one_node(dataset: Dataset, union: Graph) -> None:
    agency = ids.iri("agency", AGENCY)
    doc = ids.iri("document", "no", DOC_NO)
    first, second = (graph_of(dataset, r) for r, _ in RECORDS[:2])
    for g in (first, second):
        assert (agency, RDF.type, POL.Agency) in g
        assert (doc, DCTERMS.title, Literal(DOC_TITLE, lang="zh")) in g
    assert set(union.subjects(RDFS.label, Literal(AGENCY, lang="zh"))) == {agency}
    assert set(union.subjects(POL.documentNumber, Literal(DOC_NO))) == {doc}
    assert set(union.subjects(POL.sentBy, agency)) == {letter(r) for r, _ in RECORDS[:2]}


def test_removing_a_letter_graph_keeps_the_others() -> None:
    ds = build_dataset(RECORDS)
    kept = {q[:3] for q in ds.quads((None, None, None, ids.graph_iri(RECORDS[0][0].record_id)))}
    ds.remove_graph(ids.graph_iri(RECORDS[1][0].record_id))
    left = {q[:3] for q in ds.quads((None, None, None, None))}
    assert kept <= left
    assert (ids.iri("document", "no", DOC_NO), POL.issuedBy, ids.iri("agency", AGENCY)) in left
    assert not any(s == letter(RECORDS[1][0]) for s, _, _ in left)


def test_proposal_key_fallbacks() -> None:
    plain = reply_012()
    assert proposal_key(plain) == "深圳市|市政协六届六次会议|20200012"
    plain.proposal.number = None
    assert proposal_key(plain) == "title|关于积极应对疫情促进深圳企业尽快恢复正常生产经营的提案"
    plain.proposal.title = None
    assert proposal_key(plain) is None
    assert not [q for q in record_quads(plain, REPLY_012) if q[1] == POL.repliesTo]


def test_unknown_kind_and_body_proposer() -> None:
    record = reply_012()
    record.kind = "unknown"
    record.proposal.proposers = [mention(REPLY_012, "市政协经济委")]
    record.proposal.proposer_kind = "body"
    quads = list(record_quads(record, REPLY_012))
    body = ids.iri("agency", "深圳市政协经济委员会")
    proposal = ids.iri("proposal", proposal_key(record))
    assert (letter(record), RDF.type, POL.Letter, ids.graph_iri(record.record_id)) in quads
    assert any(q[:3] == (letter(record), POL.concerns, proposal) for q in quads)
    assert any(q[:3] == (proposal, POL.proposedBy, body) for q in quads)


# --- serialisation ---


def test_serialisation_is_deterministic() -> None:
    forward, backward = build_dataset(RECORDS), build_dataset(reversed(RECORDS))
    for fmt in ("turtle", "trig", "nt", "nquads"):
        once = serialize_sorted(forward, fmt)
        assert once == serialize_sorted(forward, fmt) == serialize_sorted(backward, fmt)


def test_oxigraph_reads_what_we_write(dataset: Dataset, union: Graph) -> None:
    turtle = serialize_sorted(union, "turtle")
    triples = list(pyoxigraph.parse(turtle, format=pyoxigraph.RdfFormat.TURTLE))
    assert len(set(triples)) == len(union)
    trig = serialize_sorted(dataset, "trig")
    quads = list(pyoxigraph.parse(trig, format=pyoxigraph.RdfFormat.TRIG))
    assert len(set(quads)) == len(list(dataset.quads((None, None, None, None))))
    assert {str(q.graph_name.value) for q in quads} == {
        str(ids.graph_iri(r.record_id)) for r, _ in RECORDS
    }


def test_rdflib_reads_sorted_turtle_back_isomorphic(union: Graph) -> None:
    again = Graph().parse(data=serialize_sorted(union, "turtle"), format="turtle")
    assert set(again) == set(union)


def test_serialize_quads_equals_serialize_sorted(dataset: Dataset) -> None:
    quads = [q for record, text in RECORDS for q in record_quads(record, text)]
    for fmt in ("turtle", "trig", "nt", "nquads"):
        assert serialize_quads(reversed(quads), fmt) == serialize_sorted(dataset, fmt)


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nt", "nquads"])
def test_awkward_literals_survive_every_format(fmt: str) -> None:
    node, graph = ids.ID["x"], ids.ID["graph/x"]
    values = [
        Literal('引号"与\\反斜杠\t制表\r\n换行\x01控制\x7f'),
        Literal("多行\n文本", lang="zh"),
        Literal("0.5", datatype=XSD.decimal),
        Literal("true", datatype=XSD.boolean),
        Literal("纯文本", datatype=XSD.string),
    ]
    text = serialize_quads([(node, RDFS.comment, v, graph) for v in values], fmt)
    rdf_format = {
        "turtle": pyoxigraph.RdfFormat.TURTLE,
        "trig": pyoxigraph.RdfFormat.TRIG,
        "nt": pyoxigraph.RdfFormat.N_TRIPLES,
        "nquads": pyoxigraph.RdfFormat.N_QUADS,
    }[fmt]
    parsed = list(pyoxigraph.parse(text, format=rdf_format))
    assert sorted(str(t.object.value) for t in parsed) == sorted(str(v) for v in values)
    if fmt in ("turtle", "nt"):
        again = Graph().parse(data=text, format=fmt)
        assert set(again.objects(node, RDFS.comment)) == set(values) - {values[4]} | {
            Literal("纯文本")
        }


def test_serialize_sorted_rejects_unknown_formats(union: Graph) -> None:
    with pytest.raises(ValueError, match="unsupported format 'xml'"):
        serialize_sorted(union, "xml")
