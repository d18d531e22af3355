"""Analyse: the graph's shape and network measures, and the entity graph for Gephi.

Everything is read from the store with SPARQL (over the union of the letter graphs) into
plain Python data or a networkx graph; the CLI only prints. Functions return lists and dicts
that serialise to JSON as they are.

- :func:`shape` — entities by type, triples, quads, letters by kind, warnings.
- :func:`cohandling_graph` — agencies linked when they handle the same proposal (lead,
  co-handler, signatory or copy of a reply to it) or sign / are copied on the same letter.
- :func:`central_agencies`, :func:`cited_documents`, :func:`communities` — the results.
- :func:`entity_graph`, :func:`write_graphml`, :func:`write_csv` — the entity graph for Gephi.

Example::

    >>> from policykg.store import Store
    >>> report = stats(Store(".policykg/store"))
    >>> print(render(report))
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import IO, Any

import networkx as nx  # type: ignore[import-untyped]
import pyoxigraph as ox

from . import paths
from . import store as store_module
from .query import display_width, pad
from .store import Store

__all__ = [
    "bar_chart",
    "central_agencies",
    "cited_documents",
    "cohandling_graph",
    "communities",
    "entity_graph",
    "render",
    "shape",
    "stats",
    "write_csv",
    "write_graphml",
]

POL = "https://w3id.org/policykg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL = "http://www.w3.org/2002/07/owl#"
#: Relations between entities, when the ontology file is not installed.
RELATIONS = ("sentBy", "addressedTo", "cc", "concerns", "repliesTo", "formOf", "hasMeasure", "partOf",
             "respondsTo", "hasSuggestion", "leadAgency", "coAgency", "proposedBy", "session", "cites",
             "issuedBy", "mentions", "reportsAmount", "amount", "hasWarning")  # fmt: skip
PREFIXES = f"""PREFIX pol: <{POL}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
"""
#: Entity classes of the entity graph, most specific first (a reply is typed Letter too).
ENTITY_CLASSES = {
    f"{POL}ReplyLetter": "ReplyLetter",
    f"{POL}ProposalForm": "ProposalForm",
    f"{POL}Letter": "Letter",
    f"{POL}Proposal": "Proposal",
    f"{POL}Suggestion": "Suggestion",
    f"{POL}Measure": "Measure",
    f"{POL}Agency": "Agency",
    f"{POL}Organization": "Organization",
    f"{POL}Person": "Person",
    f"{POL}PolicyDocument": "PolicyDocument",
    f"{POL}Fund": "Fund",
    f"{POL}Session": "Session",
    "https://schema.org/MonetaryAmount": "MonetaryAmount",
}
#: Classes counted by :func:`shape` (provenance and warnings included).
SHAPE_CLASSES = [*ENTITY_CLASSES.values(), "Mention", "Sentence", "DataQualityWarning"]
SEED = 42
#: The store's bookkeeping graph, left out of the counts (absent in older stores).
MANIFEST_GRAPH = getattr(
    store_module, "MANIFEST_GRAPH", "https://w3id.org/policykg/id/graph/_manifest"
)


# --- SPARQL helpers ---


def _select(store: Store, sparql: str) -> list[dict[str, Any]]:
    """Rows of a SELECT over the union graph, as dicts of Python values (unbound → None)."""
    engine = store.ox  # type: ignore[attr-defined]  # local stores, and remote ones' shim
    result = engine.query(PREFIXES + sparql, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: _value(row[n]) for n in names} for row in result]


def _value(term: object) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        kind = term.datatype.value.rsplit("#", 1)[-1]
        if kind in ("integer", "nonNegativeInteger"):
            return int(term.value)
        return term.value
    return term.value  # type: ignore[attr-defined]


def _count(store: Store, sparql: str) -> int:
    rows = _select(store, sparql)
    return int(rows[0]["n"]) if rows else 0


# --- the shape of the graph ---


def shape(store: Store) -> dict[str, Any]:
    """The graph's shape: entities by type, distinct triples, quads, letters by kind, warnings.

    Returns a dict ``{"entities": {type: n}, "triples": n, "quads": n, "letters": {kind: n},
    "warnings": n}`` (types with no entity are left out).
    """
    rows = _select(
        store,
        "SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?type } GROUP BY ?type",
    )
    by_iri = {r["type"]: r["n"] for r in rows}
    entities: dict[str, int] = {}
    for name in SHAPE_CLASSES:
        iri = next((i for i, n in ENTITY_CLASSES.items() if n == name), f"{POL}{name}")
        if by_iri.get(iri):
            entities[name] = by_iri[iri]
    letters: dict[str, int] = {
        k: entities.pop(k) for k in ("ReplyLetter", "ProposalForm") if k in entities
    }
    others = entities.pop("Letter", 0) - sum(letters.values())
    if others:
        letters["Letter"] = others
    return {
        "entities": entities,
        "triples": _count(
            store,
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(?g != <{MANIFEST_GRAPH}>) }} }}",
        ),
        "quads": store.quad_count(),
        "letters": letters,
        "warnings": _count(
            store, "SELECT (COUNT(DISTINCT ?w) AS ?n) WHERE { ?l pol:hasWarning ?w }"
        ),
    }


# --- the co-handling network ---


def _labels(store: Store, cls: str, *, scan: bool = False) -> dict[str, str]:
    """The smallest label of each entity of class ``cls``.

    Every letter graph naming an entity repeats its type and labels, so both are collapsed
    (SELECT DISTINCT) before they are joined and STR() reads them. The labels are looked up
    entity by entity, or, with ``scan`` (a class with many entities, such as documents),
    read in one scan of rdfs:label joined by hashing.
    """
    labels = (
        "{ SELECT DISTINCT ?e ?l WHERE { ?e rdfs:label ?l } }"
        if scan
        else "OPTIONAL { ?e rdfs:label ?l } FILTER(BOUND(?l))"
    )
    rows = _select(
        store,
        f"""SELECT ?e (MIN(STR(?l)) AS ?label) WHERE {{
          {{ SELECT DISTINCT ?e ?l WHERE {{
              {{ SELECT DISTINCT ?e WHERE {{ ?e a {cls} }} }}
              {labels}
          }} }}
        }} GROUP BY ?e""",
    )
    return {r["e"]: r["label"] for r in rows}


def _handling_groups(store: Store) -> dict[str, set[str]]:
    """Agencies that handled each proposal (or, for a letter about no proposal, that letter)."""
    rows = _select(
        store,
        # each relation a sub-select: read once and joined by hashing (MINUS instead of a NOT
        # EXISTS test per letter)
        """SELECT DISTINCT ?group ?a WHERE {
          { SELECT ?group ?a WHERE { ?group pol:leadAgency|pol:coAgency ?a } }
          UNION {
            { SELECT ?letter ?a WHERE { ?letter pol:sentBy|pol:cc ?a } }
            { SELECT ?letter ?group WHERE { ?letter pol:repliesTo ?group } }
          }
          UNION {
            {
              SELECT ?group WHERE {
                { SELECT DISTINCT ?group WHERE { ?group a pol:Letter } }
                MINUS { SELECT ?group WHERE { ?group pol:repliesTo ?p } }
              }
            }
            { SELECT ?group ?a WHERE { ?group pol:sentBy|pol:cc ?a } }
          }
        }""",
    )
    groups: dict[str, set[str]] = {}
    for r in rows:
        groups.setdefault(r["group"], set()).add(r["a"])
    return groups


def cohandling_graph(store: Store) -> nx.Graph:
    """Agencies as nodes (``label`` attribute); an edge when two handled the same proposal.

    Handling a proposal is being its lead or co-handling agency, or signing or being copied
    on a reply to it; agencies signing or copied on a letter about no proposal are linked
    through that letter. Edge ``weight`` is the number of shared proposals or letters.
    """
    labels = _labels(store, "pol:Agency")
    graph = nx.Graph()
    for _group, agencies in sorted(_handling_groups(store).items()):
        for a in sorted(agencies):
            graph.add_node(a, label=labels.get(a, a))
        for a, b in combinations(sorted(agencies), 2):
            if graph.has_edge(a, b):
                graph[a][b]["weight"] += 1
            else:
                graph.add_edge(a, b, weight=1)
    return graph


def central_agencies(graph: nx.Graph, top: int = 10) -> list[dict[str, Any]]:
    """The ``top`` agencies of the co-handling network by degree, then betweenness.

    Each item is ``{"agency", "degree", "betweenness"}``: degree is the number of agencies
    it handled proposals with, betweenness the (normalised) share of shortest paths through it.
    """
    betweenness = nx.betweenness_centrality(graph) if graph.number_of_nodes() > 2 else {}
    items = [
        {
            "agency": graph.nodes[n].get("label", n),
            "degree": graph.degree(n),
            "betweenness": round(betweenness.get(n, 0.0), 4),
        }
        for n in graph.nodes
    ]
    items.sort(key=lambda i: (-i["degree"], -i["betweenness"], i["agency"]))
    return items[:top]


def cited_documents(store: Store, top: int = 10) -> list[dict[str, Any]]:
    """The ``top`` policy documents by the number of letters citing them (directly or in a measure).

    Each item is ``{"document", "number", "letters"}``.
    """
    rows = _select(
        store,
        # as the named query cited-documents: one-relation sub-selects joined by hashing,
        # copies collapsed before they are joined or read by STR()
        """SELECT ?doc (MIN(STR(?l)) AS ?document) (SAMPLE(?no) AS ?number) ?letters
        WHERE {
          {
            SELECT DISTINCT ?doc ?l ?no WHERE {
              { SELECT DISTINCT ?doc WHERE { ?doc a pol:PolicyDocument } }
              { SELECT DISTINCT ?doc ?l WHERE { ?doc rdfs:label ?l } }
              OPTIONAL { SELECT DISTINCT ?doc ?no WHERE { ?doc pol:documentNumber ?no } }
            }
          }
          {
            SELECT ?doc (COUNT(DISTINCT ?letter) AS ?letters) WHERE {
              { SELECT DISTINCT ?letter WHERE { ?letter a pol:Letter } }
              {
                { SELECT ?letter ?doc WHERE { ?letter pol:cites ?doc } }
                UNION {
                  { SELECT ?letter ?m WHERE { ?letter pol:hasMeasure ?m } }
                  { SELECT ?m ?doc WHERE { ?m pol:cites ?doc } }
                }
              }
            } GROUP BY ?doc
          }
        } GROUP BY ?doc ?letters""",
    )
    rows.sort(key=lambda r: (-r["letters"], r["document"]))
    return [{k: r[k] for k in ("document", "number", "letters")} for r in rows[:top]]


def agency_document_graph(store: Store) -> nx.Graph:
    """Agencies and documents: co-handling edges, plus issuer–document and signatory–cited document."""
    graph = cohandling_graph(store)
    for n in graph.nodes:
        graph.nodes[n]["type"] = "Agency"
    docs = _labels(store, "pol:PolicyDocument", scan=True)
    agencies = _labels(store, "pol:Agency")
    rows = _select(
        store,
        """SELECT DISTINCT ?a ?doc WHERE {
          {
            { SELECT DISTINCT ?doc WHERE { ?doc a pol:PolicyDocument } }
            { SELECT DISTINCT ?doc ?a WHERE { ?doc pol:issuedBy ?a } }
          }
          UNION {
            { SELECT ?letter ?a WHERE { ?letter pol:sentBy ?a } }
            { SELECT ?letter ?doc WHERE { ?letter pol:cites ?doc } }
          }
        }""",
    )
    rows.sort(
        key=lambda r: (r["a"], r["doc"])
    )  # the network, hence Louvain's result, in a fixed order
    for r in rows:
        graph.add_node(r["a"], label=agencies.get(r["a"], r["a"]), type="Agency")
        graph.add_node(r["doc"], label=docs.get(r["doc"], r["doc"]), type="PolicyDocument")
        w = graph[r["a"]][r["doc"]]["weight"] + 1 if graph.has_edge(r["a"], r["doc"]) else 1
        graph.add_edge(r["a"], r["doc"], weight=w)
    return graph


def communities(store: Store) -> dict[str, Any]:
    """Connected components and Louvain communities (seed 42) of agencies and documents.

    Returns ``{"components": n, "communities": [{"size", "agencies", "documents"}, …]}``,
    largest community first, members sorted by label.
    """
    graph = agency_document_graph(store)
    if graph.number_of_nodes() == 0:
        return {"components": 0, "communities": []}
    found = nx.community.louvain_communities(graph, weight="weight", seed=SEED)
    items: list[dict[str, Any]] = []
    for members in found:
        by_type: dict[str, list[str]] = {"Agency": [], "PolicyDocument": []}
        for n in members:
            by_type[graph.nodes[n].get("type", "Agency")].append(graph.nodes[n]["label"])
        items.append(
            {
                "size": len(members),
                "agencies": sorted(by_type["Agency"]),
                "documents": sorted(by_type["PolicyDocument"]),
            }
        )
    items.sort(key=lambda c: (-c["size"], c["agencies"], c["documents"]))
    return {"components": nx.number_connected_components(graph), "communities": items}


def stats(store: Store, top: int = 10) -> dict[str, Any]:
    """Everything ``policykg stats`` shows, as JSON-ready data."""
    graph = cohandling_graph(store)
    return {
        "shape": shape(store),
        "cohandling": {
            "agencies": graph.number_of_nodes(),
            "links": graph.number_of_edges(),
            "central": central_agencies(graph, top),
        },
        "cited_documents": cited_documents(store, top),
        "communities": communities(store),
    }


# --- text rendering ---


def bar_chart(
    items: Iterable[tuple[str, float]], width: int = 30, label_width: int = 36
) -> list[str]:
    """Horizontal bars, one line per (label, value), scaled to the largest value.

    >>> bar_chart([("a", 2), ("b", 1)], width=4)[1].split()
    ['b', '██', '1']
    """
    items = list(items)
    if not items:
        return []
    largest = max(v for _, v in items) or 1
    lines = []
    for label, value in items:
        label = _fit(label, label_width)
        bar = "█" * max(1 if value else 0, round(width * value / largest))
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        lines.append(f"{pad(label, label_width)}  {bar} {shown}")
    return lines


def _fit(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    out = ""
    for ch in text:
        if display_width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def render(report: dict[str, Any]) -> str:
    """``stats`` output for a terminal: counts, then bar charts and community lists."""
    s = report["shape"]
    lines = [
        f"triples: {s['triples']} (distinct, over the union of letter graphs); quads: {s['quads']}",
        "letters: " + (", ".join(f"{n} {k}" for k, n in s["letters"].items()) or "none"),
        f"warnings: {s['warnings']}",
        "",
        "Entities by type",
        *bar_chart(sorted(s["entities"].items(), key=lambda kv: -kv[1])),
    ]
    co = report["cohandling"]
    lines += [
        "",
        f"Co-handling network: {co['agencies']} agencies, {co['links']} links",
        "most central agencies (degree):",
        *bar_chart((i["agency"], i["degree"]) for i in co["central"]),
        "betweenness:",
        *bar_chart((i["agency"], i["betweenness"]) for i in co["central"]),
        "",
        "Most cited documents (letters citing)",
        *bar_chart((d["number"] or d["document"], d["letters"]) for d in report["cited_documents"]),
    ]
    com = report["communities"]
    lines += ["", f"Agencies and documents: {com['components']} connected components, "
              f"{len(com['communities'])} communities (Louvain, seed {SEED})"]  # fmt: skip
    for i, c in enumerate(com["communities"], 1):
        members = c["agencies"] + c["documents"]
        shown = "、".join(members[:6]) + (f" … (+{len(members) - 6})" if len(members) > 6 else "")
        lines.append(f"  {i:>2}. [{c['size']}] {shown}")
    return "\n".join(lines) + "\n"


# --- the entity graph (GraphML / CSV) ---


def predicate_labels() -> dict[str, str]:
    """Chinese ``rdfs:label`` of each ontology property, by IRI (empty if the file is missing)."""
    if not paths.ONTOLOGY_FILE.exists():
        return {}
    labels: dict[str, str] = {}
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    for triple in ox.parse(path=str(paths.ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE):
        obj = triple.object
        if triple.predicate.value == label and isinstance(obj, ox.Literal) and obj.language == "zh":
            labels[triple.subject.value] = obj.value
    return labels


def entity_graph(store: Store) -> nx.MultiDiGraph:
    """The entities (letters, proposals, agencies, documents, funds …) and the relations between them.

    Nodes are IRIs with ``type`` (most specific class name) and ``label`` (``rdfs:label``, else
    the amount as written, else the source file). Edges carry ``predicate`` (IRI) and
    ``label`` (the predicate's Chinese label from the ontology, else its local name).
    Provenance (mentions, sentences) and warnings are left out.
    """
    graph = nx.MultiDiGraph()
    types: dict[str, str] = {}
    classes = " ".join(f"<{c}>" for c in ENTITY_CLASSES)
    for r in _select(store, f"SELECT DISTINCT ?e ?t WHERE {{ VALUES ?t {{ {classes} }} ?e a ?t }}"):
        name = ENTITY_CLASSES.get(r["t"])
        if name is None:
            continue
        current = types.get(r["e"])
        order = list(ENTITY_CLASSES.values())
        if current is None or order.index(name) < order.index(current):
            types[r["e"]] = name
    labels = _entity_labels(store)
    for node in sorted(types):
        graph.add_node(node, type=types[node], label=labels.get(node, node.rsplit("/", 1)[-1]))
    names = predicate_labels()
    links = " ".join(f"<{p}>" for p in relation_predicates())
    rows = _select(
        store,
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {links} }} ?s ?p ?o FILTER(isIRI(?o)) }}",
    )
    for r in sorted(rows, key=lambda r: (r["s"], r["p"], r["o"])):
        if r["p"] == RDF_TYPE or r["s"] not in types or r["o"] not in types:
            continue
        local = r["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        graph.add_edge(r["s"], r["o"], key=r["p"], predicate=r["p"], label=names.get(r["p"], local))
    return graph


def relation_predicates() -> list[str]:
    """The relations that may join two entities: the ontology's object properties (else a
    built-in list), without the provenance links of mentions and sentences."""
    found = set(_object_properties()) or {POL + p for p in RELATIONS}
    return sorted(found - {POL + "inLetter", POL + "inSentence", POL + "denotes"})


def _object_properties() -> set[str]:
    if not paths.ONTOLOGY_FILE.exists():
        return set()
    return {
        t.subject.value
        for t in ox.parse(path=str(paths.ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
        if t.predicate.value == RDF_TYPE and t.object.value == OWL + "ObjectProperty"
    }


def _entity_labels(store: Store) -> dict[str, str]:
    # copies (one per letter graph naming the entity) collapsed before STR() reads them
    rows = _select(
        store,
        """SELECT ?e (MIN(STR(?l)) AS ?label) (MIN(STR(?t)) AS ?text) (MIN(?f) AS ?file) WHERE {
          { SELECT DISTINCT ?e ?l WHERE { ?e rdfs:label ?l } }
          UNION { SELECT DISTINCT ?e ?t WHERE { ?e pol:amountText ?t } }
          UNION { SELECT DISTINCT ?e ?f WHERE { ?e pol:sourceFile ?f } }
        } GROUP BY ?e""",
    )
    return {r["e"]: r["label"] or r["text"] or r["file"] for r in rows}


def write_graphml(graph: nx.MultiDiGraph, out: Path | IO[bytes]) -> None:
    """Write ``graph`` as GraphML (UTF-8) to a path or a binary stream."""
    nx.write_graphml(graph, out, encoding="utf-8")


def write_csv(graph: nx.MultiDiGraph, folder: Path) -> tuple[Path, Path]:
    """Write ``nodes.csv`` (id, type, label) and ``edges.csv`` (source, target, predicate, label).

    Returns the two paths. Files are UTF-8 with a header row, ready for Gephi's import.
    """
    from .build import write_atomic

    nodes = io.StringIO()
    w = csv.writer(nodes, lineterminator="\n")
    w.writerow(["id", "type", "label"])
    for n, data in graph.nodes(data=True):
        w.writerow([n, data["type"], data["label"]])
    edges = io.StringIO()
    w = csv.writer(edges, lineterminator="\n")
    w.writerow(["source", "target", "predicate", "label"])
    for s, o, data in graph.edges(data=True):
        w.writerow([s, o, data["predicate"], data["label"]])
    folder = Path(folder)
    write_atomic(folder / "nodes.csv", nodes.getvalue().encode("utf-8"))
    write_atomic(folder / "edges.csv", edges.getvalue().encode("utf-8"))
    return folder / "nodes.csv", folder / "edges.csv"
