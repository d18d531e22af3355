"""The built seed graph against the ontology: SHACL conformance and declared terms only."""

from __future__ import annotations

import pytest
from _support import LETTERS
from click.testing import CliRunner
from pyshacl import validate
from rdflib import Graph, URIRef

from policykg.cli import main
from policykg.paths import ONTOLOGY_FILE, SHAPES_FILE
from policykg.vocab import POL


@pytest.fixture(scope="module")
def seed_graph(tmp_path_factory) -> Graph:
    out = tmp_path_factory.mktemp("graph")
    result = CliRunner().invoke(main, ["build", str(LETTERS), "-o", str(out), "--store", "memory"])
    assert result.exit_code == 0, result.output
    return Graph().parse(out / "graph.ttl")


def test_seed_graph_conforms_to_the_shapes(seed_graph):
    conforms, _, report = validate(
        seed_graph, shacl_graph=Graph().parse(SHAPES_FILE), ont_graph=Graph().parse(ONTOLOGY_FILE)
    )
    assert conforms, report


def test_every_pol_term_in_the_data_is_declared(seed_graph):
    ontology = Graph().parse(ONTOLOGY_FILE)
    declared = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(str(POL))}
    used = {t for triple in seed_graph for t in triple if isinstance(t, URIRef) and str(t).startswith(str(POL))}
    assert used, "the graph uses no pol: term at all"
    assert used <= declared, sorted(used - declared)


def test_seed_graph_has_the_facts_a_reader_sees(seed_graph):
    q = """
    PREFIX pol: <https://w3id.org/policykg/ontology#>
    PREFIX schema: <https://schema.org/>
    SELECT ?issuer ?value WHERE {
      ?doc pol:documentNumber "深府规〔2020〕1号" ; pol:issuedBy/rdfs:label ?issuer ; pol:alias ?alias .
      ?fund rdfs:label "中小微企业银行贷款风险补偿资金池"@zh ; pol:amount/schema:value ?value .
      FILTER(STR(?alias) = "若干措施")
    }"""
    rows = {(str(i), str(v)) for i, v in seed_graph.query(q)}
    assert ("深圳市人民政府", "5000000000") in rows
