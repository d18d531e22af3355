"""Tests of ``policykg stats`` and ``export --format graphml|csv`` on the seed letters.

Expectations come from reading the letters (see tests/test_query.py for the file names):
F0, F2, F3 are replies of 深圳市工业和信息化局 copied to 市政协提案委 and 市政府督查室; F4 is the
reply of 广西壮族自治区科学技术厅 naming four co-handling agencies; F1 is the proposal form of
the proposal F0 answers, with one lead and three co-handling agencies.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from policykg import analyse
from policykg.build import write_outputs
from policykg.cli import main
from policykg.pipeline import extract_paths
from policykg.query import display_width, open_store

LETTERS = Path(__file__).resolve().parents[1] / "data" / "letters"
SZ_MIIT = "深圳市工业和信息化局"
TIANWEI = "中国人民政治协商会议深圳市委员会提案委员会"
DUCHA = "深圳市人民政府督查室"
GUANGXI = {
    "广西壮族自治区科学技术厅",
    "广西壮族自治区工业和信息化厅",
    "广西壮族自治区人民政府国有资产监督管理委员会",
    "广西壮族自治区财政厅",
    "中国银行保险监督管理委员会广西监管局",
}
SZ_CO = {"深圳市科技创新委员会", "深圳市地方金融监督管理局", "深圳市财政局"}
POL = "https://w3id.org/policykg/ontology#"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("seed")
    write_outputs(extract_paths([LETTERS]), out, store_spec=str(out / "store"))
    return str(out / "store")


def by_label(graph: nx.Graph) -> dict[str, str]:
    return {data["label"]: node for node, data in graph.nodes(data=True)}


def test_shape(store_path: str) -> None:
    s = analyse.shape(open_store(store_path))
    assert s["letters"] == {"ReplyLetter": 4, "ProposalForm": 1}
    assert s["warnings"] == 1  # F3: proposal number 2021021 vs 20210201
    assert s["entities"]["Proposal"] == 4  # 20210208, 20200012, 20210201, 20210239
    assert s["entities"]["Session"] == 3  # 市政协七届一次, 市政协六届六次, 自治区政协十二届四次
    assert s["entities"]["Suggestion"] == 4  # 建议一 … 建议四 of F1
    assert s["entities"]["PolicyDocument"] == 30
    assert 0 < s["triples"] <= s["quads"]


def test_cohandling_network_guangxi(store_path: str) -> None:
    graph = analyse.cohandling_graph(open_store(store_path))
    nodes = by_label(graph)
    gx = graph.subgraph(nodes[a] for a in GUANGXI)
    assert gx.number_of_edges() == 10  # one proposal, five agencies: a clique
    component = nx.node_connected_component(graph, nodes["广西壮族自治区科学技术厅"])
    assert {graph.nodes[n]["label"] for n in component} == GUANGXI
    # 深圳市工业和信息化局 signed three replies, each copied to 市政协提案委
    assert graph[nodes[SZ_MIIT]][nodes[TIANWEI]]["weight"] == 3
    assert graph[nodes[TIANWEI]][nodes[DUCHA]]["weight"] == 3


def test_cohandling_network_shenzhen(store_path: str) -> None:
    graph = analyse.cohandling_graph(open_store(store_path))
    labels = {d["label"] for _, d in graph.nodes(data=True)}
    assert labels == GUANGXI | SZ_CO | {SZ_MIIT, TIANWEI, DUCHA}
    assert graph.number_of_edges() == 10 + 15  # two cliques: 5 and 6 agencies


def test_central_agencies(store_path: str) -> None:
    graph = analyse.cohandling_graph(open_store(store_path))
    central = analyse.central_agencies(graph, top=100)
    degree = {c["agency"]: c["degree"] for c in central}
    assert {a: degree[a] for a in GUANGXI} == dict.fromkeys(GUANGXI, 4)
    assert degree[SZ_MIIT] >= 5 and degree[TIANWEI] == degree[DUCHA] == degree[SZ_MIIT]
    assert all(c["betweenness"] == 0.0 for c in central)  # the network is two cliques
    assert central == sorted(central, key=lambda c: (-c["degree"], -c["betweenness"], c["agency"]))
    assert len(analyse.central_agencies(graph, top=3)) == 3


def test_cited_documents(store_path: str) -> None:
    top = analyse.cited_documents(open_store(store_path), top=5)
    assert len(top) == 5 and {d["letters"] for d in top} == {1}  # each cited by one letter
    assert [d["document"] for d in top] == sorted(d["document"] for d in top)


def test_communities(store_path: str) -> None:
    result = analyse.communities(open_store(store_path))
    assert result["components"] == 2  # the 深圳 letters and the 广西 letter share nothing
    members = [m for c in result["communities"] for m in c["agencies"] + c["documents"]]
    assert len(members) == len(set(members))  # a partition
    for c in result["communities"]:
        assert not (set(c["agencies"]) & GUANGXI and set(c["agencies"]) & {SZ_MIIT, TIANWEI})
    assert result == analyse.communities(open_store(store_path))  # fixed seed: stable


def test_stats_do_not_depend_on_how_letters_split_the_graph(store_path: str) -> None:
    # every letter graph repeats the description of the entities it names; the same quads with
    # each also copied into one more graph give the same report (quads apart), communities
    # included (the networks are built in a fixed order, not in the order rows come back)
    import pyoxigraph as ox

    from policykg.store import Store

    base = analyse.stats(open_store(store_path))
    quads = [
        q
        for q in open_store(store_path).ox.quads_for_pattern(None, None, None, None)  # type: ignore[attr-defined]
        if q.graph_name.value != analyse.MANIFEST_GRAPH
    ]
    doubled = Store("memory")
    doubled.ox.extend(quads)  # type: ignore[attr-defined]
    extra = ox.NamedNode("https://w3id.org/policykg/id/graph/copy")
    doubled.ox.extend(ox.Quad(q.subject, q.predicate, q.object, extra) for q in quads)  # type: ignore[attr-defined]
    other = analyse.stats(doubled)
    assert other["shape"].pop("quads") > base["shape"].pop("quads")
    assert other == base


def test_bar_chart_aligns_chinese_labels() -> None:
    lines = analyse.bar_chart([("深圳市财政局", 4), ("MOF", 2), ("x", 0)], width=8, label_width=14)
    starts = {display_width(line[: line.index("█")]) for line in lines[:2]}
    assert starts == {14 + 2}  # bars start at the same terminal column after the labels
    assert display_width(lines[2]) == 14 + 2 + len(" 0")  # no bar for zero
    assert (
        lines[0].endswith("████████ 4") and lines[1].endswith("████ 2") and lines[2].endswith(" 0")
    )


def test_stats_cli_text_and_json(store_path: str) -> None:
    runner = CliRunner()
    text = runner.invoke(main, ["stats", "--store", store_path], catch_exceptions=False).output
    assert "Entities by type" in text and "█" in text and "Co-handling network" in text
    data = json.loads(
        runner.invoke(
            main, ["stats", "--format", "json", "--top", "3", "--store", store_path]
        ).output
    )
    assert set(data) == {"shape", "cohandling", "communities", "cited_documents"}
    assert len(data["cohandling"]["central"]) == 3


def test_entity_graph_relations(store_path: str) -> None:
    graph = analyse.entity_graph(open_store(store_path))
    nodes = by_label(graph)

    def labels(source: str, target: str) -> set[str]:
        return {
            d["label"]
            for d in graph.get_edge_data(nodes[source], nodes[target], default={}).values()
        }

    assert "发文机关" in labels(
        "关于加强政府投资基金管理提高财政出资效益的通知", "财政部"
    )  # 财政部印发
    assert graph.nodes[nodes["财政部"]]["type"] == "Agency"
    assert "会办单位" in labels(
        "关于加快推动科技型中小企业创新发展，促进广西高质量发展的提案", "广西壮族自治区财政厅"
    )
    letter = nodes["004_44ec9fff1936b0cc.txt"]
    assert graph.nodes[letter]["type"] == "ReplyLetter"
    assert {
        d["label"] for d in graph.get_edge_data(letter, nodes["广西壮族自治区科学技术厅"]).values()
    } >= {"发文单位"}
    suggestions = [t for _, t, d in graph.out_edges(nodes["关于持续改善科技型中小企业营商环境的建议"], data=True)
                   if d["predicate"] == POL + "hasSuggestion"]  # fmt: skip
    assert sorted(graph.nodes[s]["label"] for s in suggestions) == [
        "建议一",
        "建议三",
        "建议二",
        "建议四",
    ]
    assert not any(d["type"] in ("Mention", "Sentence") for _, d in graph.nodes(data=True))


def test_export_graphml_and_csv(store_path: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "g.graphml"
    result = runner.invoke(
        main, ["export", "--format", "graphml", "-o", str(out), "--store", store_path]
    )
    assert result.exit_code == 0, result.output
    read = nx.read_graphml(out)
    expected = analyse.entity_graph(open_store(store_path))
    assert read.number_of_nodes() == expected.number_of_nodes()
    assert read.number_of_edges() == expected.number_of_edges()
    assert {d["type"] for _, d in read.nodes(data=True)} >= {
        "Agency",
        "PolicyDocument",
        "Fund",
        "ReplyLetter",
    }

    folder = tmp_path / "gephi"
    result = runner.invoke(
        main, ["export", "--format", "csv", "-o", str(folder), "--store", store_path]
    )
    assert result.exit_code == 0, result.output
    with (folder / "nodes.csv").open(encoding="utf-8") as fh:
        nodes = list(csv.DictReader(fh))
    with (folder / "edges.csv").open(encoding="utf-8") as fh:
        edges = list(csv.DictReader(fh))
    assert len(nodes) == read.number_of_nodes() and len(edges) == read.number_of_edges()
    ids = {n["label"]: n["id"] for n in nodes}
    doc = ids["关于加强政府投资基金管理提高财政出资效益的通知"]  # 财预〔2020〕7号, issued by 财政部
    edge = {
        "source": doc,
        "target": ids["财政部"],
        "predicate": POL + "issuedBy",
        "label": "发文机关",
    }
    assert edge in edges


def test_export_csv_needs_a_folder(store_path: str) -> None:
    result = CliRunner().invoke(main, ["export", "--format", "csv", "--store", store_path])
    assert result.exit_code == 2 and "give a folder" in result.output
