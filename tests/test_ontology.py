"""The ontology, the SHACL shapes and the generated POL class agree with one another."""

from __future__ import annotations

import importlib.util
from inspect import get_annotations
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH

from policykg.paths import ONTOLOGY_FILE, SHAPES_FILE
from policykg.vocab import POL, SCHEMA

TOOLS = Path(__file__).resolve().parents[1] / "tools"
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property)
CORE_TERMS = (
    "Proposal ReplyLetter ProposalForm Suggestion Measure Agency Person PolicyDocument Fund "
    "Organization Session proposalNumber repliesTo sentBy proposedBy leadAgency coAgency "
    "session cites documentNumber issuedBy alias mentions amount respondsTo hasSuggestion "
    "hasMeasure"
).split()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def declared(ontology: Graph) -> set[URIRef]:
    return {
        s
        for t in TERM_TYPES
        for s in ontology.subjects(RDF.type, t)
        if isinstance(s, URIRef) and s.startswith(str(POL))
    }


def gen_vocab() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_vocab", TOOLS / "gen_vocab.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ontology_parses_and_declares_itself(ontology: Graph) -> None:
    assert (URIRef(str(POL).rstrip("#")), RDF.type, OWL.Ontology) in ontology


def test_pol_class_equals_ontology_terms(ontology: Graph) -> None:
    in_class = {POL[name] for name in get_annotations(POL)}
    assert in_class == declared(ontology)


def test_every_pol_iri_in_the_file_is_declared(ontology: Graph) -> None:
    used = {t for triple in ontology for t in triple if isinstance(t, URIRef)}
    assert {t for t in used if t.startswith(str(POL))} - declared(ontology) == set()


def test_core_terms_are_present() -> None:
    for name in CORE_TERMS:
        assert name in POL, name


def test_unknown_terms_raise() -> None:
    with pytest.raises(AttributeError):
        POL.proposalNumbr  # noqa: B018


@pytest.mark.parametrize(
    "predicate,language", [(RDFS.label, "zh"), (RDFS.label, "en"), (RDFS.comment, "en")]
)
def test_every_term_is_documented(ontology: Graph, predicate: URIRef, language: str) -> None:
    missing = [
        term
        for term in declared(ontology)
        if not any(
            isinstance(o, Literal) and o.language == language
            for o in ontology.objects(term, predicate)
        )
    ]
    assert missing == []


def test_properties_have_one_kind(ontology: Graph) -> None:
    for term in declared(ontology):
        kinds = set(ontology.objects(term, RDF.type)) & set(TERM_TYPES)
        assert len(kinds) == 1, (term, kinds)


def test_alignments_point_outside_or_to_declared_terms(ontology: Graph) -> None:
    for predicate in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range):
        for _, target in ontology.subject_objects(predicate):
            if target.startswith(str(POL)):
                assert target in declared(ontology), target


def test_monetary_amounts_use_https_schema_org(ontology: Graph) -> None:
    assert (POL.amount, RDFS.range, SCHEMA.MonetaryAmount) in ontology


def test_shapes_parse_and_cover_every_class(ontology: Graph, shapes: Graph) -> None:
    classes = {t for t in declared(ontology) if (t, RDF.type, OWL.Class) in ontology}
    targets = set(shapes.objects(None, SH.targetClass))
    assert classes <= targets
    assert targets - classes == {SCHEMA.MonetaryAmount}


def test_shapes_only_use_declared_pol_terms(ontology: Graph, shapes: Graph) -> None:
    used = {
        t for triple in shapes for t in triple if isinstance(t, URIRef) and t.startswith(str(POL))
    }
    assert used - declared(ontology) == set()


def test_vocab_module_is_up_to_date(ontology: Graph) -> None:
    module = gen_vocab()
    assert module.render(ontology) == module.TARGET.read_text(encoding="utf-8"), (
        "run python tools/gen_vocab.py"
    )
