"""viz: the offline HTML page — no remote resource, counts equal to the graph, text escaped."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from policykg import viz
from policykg.cli import main
from policykg.store import Store

POL = "https://w3id.org/policykg/ontology#"
ID = "https://w3id.org/policykg/id/"
SHENFU = "深府规〔2020〕1号"
EVIL = '<img src=x onerror=window.__pwned=1><script>window.__pwned=2</script><a href="javascript:window.__pwned=3">点我</a>'
CLASSES = " ".join(f"<{POL}{s.key}>" for s in viz.STYLES)


# ------------------------------------------------------------------------------ helpers


def payload(html: str) -> dict:
    """The JSON data island the page is built from."""
    match = re.search(r'<script id="pkg-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "no data island"
    return json.loads(match.group(1))


class Tags(HTMLParser):
    """Every start tag with its attributes (script and style bodies are not parsed as tags)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def count(store: Store, where: str) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    return int(next(iter(rows))["n"].value)  # type: ignore[call-overload]


def graph_counts(store: Store) -> tuple[int, int]:
    """Entities of the drawn classes, and distinct relations between two of them."""
    entities = count(store, f"SELECT DISTINCT ?s WHERE {{ VALUES ?t {{ {CLASSES} }} ?s a ?t }}")
    relations = count(
        store,
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?t {{ {CLASSES} }} VALUES ?u {{ {CLASSES} }} "
        f"?s a ?t ; ?p ?o . ?o a ?u FILTER(?p != <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>) }}",
    )
    return entities, relations


def lit(text: str) -> str:
    return str(ox.Literal(text))


def evil_store() -> Store:
    """A tiny graph whose labels and source sentence are markup and script."""
    store = Store("memory")
    doc, agency, mention, sentence = (
        f"<{ID}{k}/evil>" for k in ("document", "agency", "mention", "sentence")
    )
    store.update(f"""INSERT DATA {{ GRAPH <{ID}graph/evil> {{
        {doc} a <{POL}PolicyDocument> ; <http://www.w3.org/2000/01/rdf-schema#label> {lit(EVIL)} ;
            <{POL}documentNumber> "深府规〔2099〕9号" ; <{POL}issuedBy> {agency} .
        {agency} a <{POL}Agency> ;
            <http://www.w3.org/2000/01/rdf-schema#label> {lit("</script><script>window.__pwned=4</script>")} .
        {mention} a <{POL}Mention> ; <{POL}denotes> {doc} ; <{POL}inSentence> {sentence} .
        {sentence} a <{POL}Sentence> ; <http://www.w3.org/ns/oa#exact> {lit("原文<img src=x onerror=window.__pwned=5>见" + SHENFU)} .
    }} }}""")  # fmt: skip
    return store


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def seed(seed_build):
    """(output folder, store, graph.html text) of the seed build."""
    out, _summary = seed_build
    return (
        out,
        Store(str(out / "store"), read_only=True),
        (out / "graph.html").read_text(encoding="utf-8"),
    )


@pytest.fixture(scope="module")
def seed_graph(seed):
    return viz.load_graph(seed[1])


# ------------------------------------------------------------------------------ the page is offline


def test_build_writes_graph_html(seed):
    out, _, html = seed
    assert (out / "graph.html").stat().st_size > 100_000  # vis-network inlined
    assert html.startswith("<!DOCTYPE html>")


def test_charset_is_declared_first_in_head(seed):
    html = seed[2]
    assert html.index('<meta charset="utf-8">') < 200


def test_no_tag_loads_anything_from_anywhere(seed):
    html = seed[2]
    for tag, attrs in tags(html):
        assert tag not in ("link", "img", "iframe", "object", "embed", "base"), tag
        for name in ("src", "href", "srcset", "action", "poster", "data"):
            assert attrs.get(name) is None, (tag, name, attrs.get(name))
    assert not re.search(r"<(script|link|img)[^>]+(src|href)\s*=\s*[\"']?https?://", html, re.I)


def test_csp_forbids_every_request_and_allows_only_the_inlined_scripts(seed):
    html = seed[2]
    (csp,) = [
        a["content"]
        for t, a in tags(html)
        if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 2
    for script in scripts:
        assert viz._script_hash(script) in csp


def test_vendored_scripts_cannot_end_their_script_element():
    for name in ("vis-network.min.js", "viz.js"):
        assert viz._inline_script(name)


# ------------------------------------------------------------------------------ the page shows the graph


def test_node_and_edge_counts_equal_the_graph(seed):
    _, store, html = seed
    data = payload(html)
    entities, relations = graph_counts(store)
    assert len(data["nodes"]) == entities > 100
    assert len(data["edges"]) == relations > 200
    ids = {n["id"] for n in data["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in data["edges"])
    assert count(store, "?m <https://w3id.org/policykg/ontology#denotes> ?e") > 0  # mentions: not drawn
    assert not any("/mention/" in i or "/sentence/" in i for i in ids)


def test_every_class_has_a_colour_shape_and_chinese_name(seed):
    data = payload(seed[2])
    names = {c["key"]: c["name"] for c in data["classes"]}
    assert names["PolicyDocument"] == "政策文件" and names["ReplyLetter"] == "答复函"
    assert len({c["color"] for c in data["classes"]}) == len(data["classes"])
    assert {n["cls"] for n in data["nodes"]} <= set(names)


def test_document_node_has_number_label_and_tooltip_with_issuer_year_and_source(seed):
    data = payload(seed[2])
    (node,) = [n for n in data["nodes"] if SHENFU in n["keys"]]
    assert node["label"] == SHENFU and node["cls"] == "PolicyDocument"
    props = dict(node["tip"]["props"])
    assert props["文号"] == SHENFU and props["年份"] == "2020"
    assert props["发文机关"] == "深圳市人民政府"
    assert any(SHENFU in s for s in node["tip"]["sources"])


def test_edges_carry_chinese_relation_labels(seed):
    labels = {e["label"] for e in payload(seed[2])["edges"]}
    assert {"引用", "答复", "发文", "措施", "提出", "资金", "会办", "回应"} <= labels


def test_fund_amounts_show_as_written_and_in_yuan(seed):
    funds = [n for n in payload(seed[2])["nodes"] if n["cls"] == "Fund"]
    amounts = [dict(n["tip"]["props"]).get("金额") for n in funds]
    assert any(a and re.search(r"亿元（[\d,]+ 元）", a) for a in amounts)


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("25.99亿元", "2599000000", "25.99亿元（2,599,000,000 元）"),
        ("3.5万元", "35000.0", "3.5万元（35,000 元）"),
        ("1.25元", "1.25", "1.25元（1.25 元）"),
        (None, "100", "100 元"),
        ("五十亿元", None, "五十亿元"),
    ],
)
def test_format_amount(text, value, expected):
    assert viz.format_amount(text, value) == expected


def test_rendering_is_deterministic_across_processes(seed, tmp_path):
    """Another interpreter (another string hash seed) writes the same bytes."""
    import os
    import subprocess
    import sys

    out = tmp_path / "again.html"
    code = "import sys; from pathlib import Path; from policykg.viz import write_viz; write_viz(Path(sys.argv[1]), sys.argv[2])"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [sys.executable, "-c", code, str(out), str(seed[0] / "store")], check=True, env=env
    )
    assert out.read_text(encoding="utf-8") == seed[2]


def test_rendering_is_deterministic(seed_graph):
    assert viz.render_html(viz.make_drawing(seed_graph)) == viz.render_html(
        viz.make_drawing(seed_graph)
    )


# ------------------------------------------------------------------------------ focus and trimming


def test_focus_on_a_document_number_draws_its_neighbourhood(seed_graph):
    drawing = viz.make_drawing(seed_graph, focus="深府规[2020]1号", depth=1)
    (doc,) = drawing.focus
    assert seed_graph.nodes[doc].first(POL + "documentNumber") == SHENFU
    neighbours = {
        e.target if e.source == doc else e.source
        for e in seed_graph.edges
        if doc in (e.source, e.target)
    }
    assert set(drawing.graph.nodes) == neighbours | {doc}
    assert "焦点" in drawing.notes[0]


def test_focus_on_a_proposal_number_reaches_replies_suggestions_and_documents(seed_graph):
    drawing = viz.make_drawing(seed_graph, focus="20210208", depth=2)
    classes = {n.cls for n in drawing.graph.nodes.values()}
    assert {
        "Proposal",
        "ProposalForm",
        "Suggestion",
        "Person",
        "Agency",
        "PolicyDocument",
    } <= classes
    assert len(drawing.graph.nodes) < len(seed_graph.nodes)


def test_focus_errors_are_one_line(seed_graph):
    with pytest.raises(viz.VizError, match="no entity matches 'zzz'"):
        viz.make_drawing(seed_graph, focus="zzz")
    with pytest.raises(viz.VizError, match=r"entities match '深圳', be more precise"):
        viz.make_drawing(seed_graph, focus="深圳")


def test_trim_keeps_the_best_connected_and_says_so(seed_graph):
    drawing = viz.make_drawing(seed_graph, max_nodes=20)
    assert len(drawing.graph.nodes) == 20 and drawing.dropped == len(seed_graph.nodes) - 20
    degree = seed_graph.degrees()
    assert min(degree[i] for i in drawing.graph.nodes) >= max(
        degree[i] for i in seed_graph.nodes if i not in drawing.graph.nodes
    )
    assert any("已裁剪" in note and "--max-nodes" in note for note in drawing.notes)
    assert any("已裁剪" in note for note in payload(viz.render_html(drawing))["notes"])


# ------------------------------------------------------------------------------ reading a large store


def test_trimmed_page_reads_names_only_for_the_drawn_entities_and_is_the_same(seed, tmp_path):
    # write_viz without --focus reads names only for the entities it draws: the page must
    # be the one the full graph gives
    store = seed[1]
    path = tmp_path / "trimmed.html"
    viz.write_viz(path, store, max_nodes=25)
    graph = viz.load_graph(store, details=False)
    drawing = viz.make_drawing(graph, max_nodes=25)
    viz.load_details(store, drawing.graph.nodes)
    assert path.read_text(encoding="utf-8") == viz.render_html(drawing)


def test_entity_graph_does_not_depend_on_how_letters_split_the_graph(seed, seed_graph):
    # every letter graph repeats the description of the entities it names; the same triples
    # copied into one more graph, or all in one graph, give the same entities and relations
    quads = list(seed[1].ox.quads_for_pattern(None, None, None, None))
    for graphs in ((None, ID + "graph/copy"), (ID + "graph/all",)):
        store = Store("memory")
        for g in graphs:
            store.ox.extend(
                q if g is None else ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(g))
                for q in quads
            )
        graph = viz.load_graph(store)
        assert graph.edges == seed_graph.edges
        assert graph.nodes == seed_graph.nodes


LITERALS = [
    '"b"', '"a"', '"a"@zh', '"b"@zh', '"a"@en', '"深圳"@zh', '"北京"', '"10"', '"9"',
    '"2021-08-04"^^<http://www.w3.org/2001/XMLSchema#date>', '"2020-06-04"^^<http://www.w3.org/2001/XMLSchema#date>',
    '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>', '"x"^^<urn:type:a>', '"x"^^<urn:type:b>',
]  # fmt: skip
NUMBERS = ['"10"^^<http://www.w3.org/2001/XMLSchema#integer>', '"9"^^<http://www.w3.org/2001/XMLSchema#integer>',
           '"9.5"^^<http://www.w3.org/2001/XMLSchema#decimal>', '"-1"^^<http://www.w3.org/2001/XMLSchema#integer>']  # fmt: skip


@pytest.mark.parametrize("terms", [LITERALS, NUMBERS, ["<urn:b>", "<urn:a>", '"z"']])
def test_rows_are_sorted_as_oxigraph_orders_them(terms):
    # viz sorts in Python what it used to ask ORDER BY for; the order must be the same
    store = Store("memory")
    triples = " ".join(f"<urn:s> <urn:p> {t} ." for t in terms)
    store.update(f"INSERT DATA {{ GRAPH <urn:g> {{ {triples} }} }}")
    rows = store.query("SELECT ?o WHERE { <urn:s> <urn:p> ?o } ORDER BY ?o")
    expected = [str(r["o"]) for r in rows]  # type: ignore[index,union-attr]
    found = [str(r["o"]) for r in store.query("SELECT ?o WHERE { <urn:s> <urn:p> ?o }")]  # type: ignore[index,union-attr]
    terms_found = [r["o"] for r in store.query("SELECT ?o WHERE { <urn:s> <urn:p> ?o }")]  # type: ignore[index,union-attr]
    assert sorted(found) == sorted(expected)
    assert [str(t) for t in sorted(terms_found, key=viz._sort_key)] == expected


# ------------------------------------------------------------------------------ escaping


def test_markup_in_labels_and_sentences_is_data_not_html(tmp_path):
    path = tmp_path / "evil.html"
    viz.write_viz(path, evil_store())
    html = path.read_text(encoding="utf-8")
    for raw in ("<img src=x", "<script>window.__pwned", "</script><script>", 'href="javascript:'):
        assert raw not in html
    data = payload(html)
    (doc,) = [n for n in data["nodes"] if n["cls"] == "PolicyDocument"]
    assert doc["tip"]["name"] == "深府规〔2099〕9号 " + EVIL  # the text survives, as text
    assert doc["tip"]["sources"] == ["原文<img src=x onerror=window.__pwned=5>见" + SHENFU]
    assert [t for t, _ in tags(html)].count("script") == 3


def test_viz_js_never_uses_innerhtml():
    source = (Path(viz.__file__).parent / "resources" / "viz.js").read_text(encoding="utf-8")
    for sink in (
        r"\.innerHTML\b",
        r"\.outerHTML\b",
        "insertAdjacentHTML",
        r"document\.write",
        r"\beval\(",
    ):
        assert not re.search(sink, source), sink


# ------------------------------------------------------------------------------ command line


def test_cli_viz_writes_the_page_and_a_summary(tmp_path, seed):
    out = tmp_path / "focus.html"
    result = CliRunner().invoke(
        main, ["viz", "--store", str(seed[0] / "store"), "--focus", SHENFU, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (
        result.output.startswith(f"wrote {out}: ") and f"(focus {SHENFU}, depth 2)" in result.output
    )
    assert payload(out.read_text(encoding="utf-8"))["focus"]


def test_cli_viz_help_has_an_example():
    result = CliRunner().invoke(main, ["viz", "--help"])
    assert "Example:" in result.output and "policykg viz --focus" in result.output


def test_cli_viz_errors(tmp_path):
    missing = tmp_path / "nothing"
    result = CliRunner().invoke(
        main, ["viz", "--store", str(missing), "-o", str(tmp_path / "g.html")]
    )
    assert result.exit_code == 1
    assert (
        result.output
        == f"Error: no store at {missing}; build one first: policykg build LETTERS --store {missing}\n"
    )
    assert not missing.exists()
    result = CliRunner().invoke(main, ["viz", "--store", "memory", "--depth", "3"])
    assert result.exit_code == 2 and "--depth: only applies with --focus" in result.output
    result = CliRunner().invoke(main, ["viz", "--store", "memory", "-o", str(tmp_path / "g.html")])
    assert result.exit_code == 1 and "holds no entities" in result.output
