"""Stage 6 — viz: the entity graph as one self-contained, offline HTML page.

The graph is read from the store with SPARQL (over the union of the letter graphs), turned
into an :class:`EntityGraph` (proposals, letters, suggestions, measures, agencies, persons,
policy documents, funds, organisations, sessions; mentions and sentences only feed the
tooltips), optionally cut to the neighbourhood of one entity and trimmed by degree, then
laid out by pyvis as vis-network nodes, edges and options and rendered with the template
in ``resources/``.

Offline by construction: vis-network's JavaScript and CSS are vendored in ``resources/`` and
inlined, the page loads no font, image or script from anywhere, and a Content-Security-Policy
with ``default-src 'none'`` and per-script hashes makes the browser refuse any request or
injected script. All letter text reaches the page as JSON and is put into the DOM with
``textContent``, so it is never parsed as markup.

Example::

    >>> from pathlib import Path
    >>> write_viz(Path("graph.html"), ".policykg/store", focus="深府规〔2020〕1号")  # doctest: +SKIP
    'wrote graph.html: 66 entities, 189 relations (focus 深府规〔2020〕1号, depth 2)'
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import warnings
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, total_ordering
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from .store import Store, default_store_spec

Term = ox.NamedNode | ox.BlankNode | ox.Literal

POL = "https://w3id.org/policykg/ontology#"
DEFAULT_MAX_NODES = 1500
DEFAULT_DEPTH = 2
LABEL_CHARS = 18  # characters of a label drawn on the canvas; the tooltip has the full name
MAX_SOURCES = 3  # source sentences per tooltip
SOURCE_CHARS = 240
TEXT_CHARS = 300
FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'

PREFIXES = """
PREFIX pol: <https://w3id.org/policykg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX schema: <https://schema.org/>
"""


class VizError(Exception):
    """A graph that cannot be drawn (empty store, focus not found); ``str()`` is one line."""


@dataclass(frozen=True)
class NodeStyle:
    """How one class is drawn: fallback Chinese name, colour, vis shape and legend glyph."""

    key: str
    zh: str
    color: str
    shape: str
    glyph: str


# Legend order; a node with several types takes the first that matches (ReplyLetter before Letter).
STYLES: tuple[NodeStyle, ...] = (
    NodeStyle("Proposal", "提案", "#d62728", "star", "★"),
    NodeStyle("ProposalForm", "提案表", "#9467bd", "triangle", "▲"),
    NodeStyle("ReplyLetter", "答复函", "#1f77b4", "square", "■"),
    NodeStyle("Letter", "函件", "#7f7f7f", "square", "■"),
    NodeStyle("Suggestion", "建议", "#f7b6d2", "triangleDown", "▼"),
    NodeStyle("Measure", "措施", "#9ecae1", "dot", "●"),
    NodeStyle("Agency", "机关单位", "#2ca02c", "dot", "●"),
    NodeStyle("Person", "人员", "#e377c2", "diamond", "◆"),
    NodeStyle("Organization", "组织", "#17becf", "dot", "●"),
    NodeStyle("PolicyDocument", "政策文件", "#ff7f0e", "diamond", "◆"),
    NodeStyle("Fund", "资金", "#bcbd22", "hexagon", "⬢"),
    NodeStyle("Session", "会议届次", "#8c564b", "square", "■"),
)
STYLE_BY_KEY = {s.key: s for s in STYLES}

# Short edge labels drawn on the canvas; the tooltip gives the ontology's full @zh label.
EDGE_LABELS = {
    "leadAgency": "主办",
    "coAgency": "会办",
    "cites": "引用",
    "repliesTo": "答复",
    "formOf": "文本",
    "concerns": "涉及",
    "sentBy": "发文",
    "issuedBy": "发布",
    "proposedBy": "提出",
    "hasSuggestion": "建议",
    "hasMeasure": "措施",
    "respondsTo": "回应",
    "partOf": "隶属",
    "session": "会议",
    "addressedTo": "主送",
    "cc": "抄送",
    "mentions": "提到",
}
FUND_EDGE_LABEL = "资金"  # pol:mentions of a fund

# Literal properties shown in tooltips, in this order: (IRI, fallback Chinese name).
TIP_LITERALS: tuple[tuple[str, str], ...] = (
    (POL + "documentNumber", "文号"),
    (POL + "issuerCode", "机关代字"),
    (POL + "year", "年份"),
    (POL + "alias", "简称"),
    (POL + "proposalNumber", "提案编号"),
    (POL + "numberVariant", "编号异写"),
    (POL + "handlingType", "办理类型"),
    ("http://purl.org/dc/terms/date", "日期"),
    (POL + "disclosure", "公开方式"),
    (POL + "jurisdiction", "行政区域"),
    (POL + "sessionBody", "会议机关"),
    ("http://www.w3.org/2004/02/skos/core#altLabel", "又称"),
    (POL + "sourceFile", "来源文件"),
    (POL + "text", "正文"),
)
# Relations whose target is named in the source's tooltip (e.g. a document's issuer).
TIP_RELATIONS = ("issuedBy", "sentBy", "repliesTo", "formOf", "session", "proposedBy", "leadAgency")
LETTER_CLASSES = ("ReplyLetter", "ProposalForm", "Letter")
LETTER_LINKS = ("repliesTo", "formOf", "concerns")
BRACKETS = str.maketrans("[［(（【)）］]】", "〔〔〔〔〔〕〕〕〕〕")
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_RANGE = "http://www.w3.org/2000/01/rdf-schema#range"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL_OBJECT_PROPERTY = "http://www.w3.org/2002/07/owl#ObjectProperty"
XSD = "http://www.w3.org/2001/XMLSchema#"
DC_TITLE = "http://purl.org/dc/terms/title"
# Properties naming an entity, in the order search keys are listed (an ordered tuple keeps
# the page byte-identical across runs).
KEY_PROPS = (RDFS_LABEL, DC_TITLE, POL + "documentNumber", POL + "proposalNumber", POL + "numberVariant",
             POL + "alias", "http://www.w3.org/2004/02/skos/core#altLabel")  # fmt: skip


@dataclass
class Node:
    """One entity: its IRI, class key, literal properties and where the text names it."""

    iri: str
    cls: str
    literals: dict[str, list[str]] = field(default_factory=dict)
    amounts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    about: str | None = None  # for a letter: the number of the proposal it answers or records

    def first(self, prop: str) -> str | None:
        """The first value of a literal property, or None."""
        values = self.literals.get(prop)
        return values[0] if values else None

    @property
    def name(self) -> str:
        """The full Chinese name: title, label, number, or a description from date and file."""
        return label_for(self)

    def keys(self) -> list[str]:
        """Strings a search or ``--focus`` may match: IRI, labels, titles, numbers, aliases."""
        keys = [self.iri]
        for prop in KEY_PROPS:
            keys.extend(self.literals.get(prop, ()))
        return keys


@dataclass(frozen=True)
class Edge:
    """A relation between two drawn entities."""

    source: str
    predicate: str
    target: str


@dataclass
class EntityGraph:
    """Entities by IRI and the relations between them."""

    nodes: dict[str, Node]
    edges: list[Edge]

    def degrees(self) -> Counter[str]:
        """Number of relations each entity takes part in."""
        deg: Counter[str] = Counter({iri: 0 for iri in self.nodes})
        for e in self.edges:
            deg[e.source] += 1
            deg[e.target] += 1
        return deg

    def subgraph(self, keep: Iterable[str]) -> EntityGraph:
        """The entities in ``keep`` and the relations among them."""
        kept = set(keep)
        nodes = {iri: n for iri, n in self.nodes.items() if iri in kept}
        edges = [e for e in self.edges if e.source in kept and e.target in kept]
        return EntityGraph(nodes, edges)


@dataclass
class Drawing:
    """What the page shows: the graph, the focused entities and notes for the reader."""

    graph: EntityGraph
    focus: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    title: str = "policykg 知识图谱"
    dropped: int = 0  # entities left out by --max-nodes


# ---------------------------------------------------------------------------------------------
# Reading the store
# ---------------------------------------------------------------------------------------------


def _values(terms: Iterable[str]) -> str:
    return " ".join(f"<{t}>" for t in terms)


def _rows(store: Store, sparql: str) -> Iterator[dict[str, str | None]]:
    """Solutions of a SELECT query as dicts of plain strings (None when unbound)."""
    for row in _term_rows(store, sparql):
        yield {n: (t.value if t is not None else None) for n, t in row.items()}


def _pairs(subjects: Iterable[str], predicates: Iterable[str]) -> str:
    """VALUES rows (?s ?p) of every subject with every predicate: one block, so the engine
    looks each pair up instead of scanning each predicate and joining the subjects after."""
    predicates = list(predicates)
    return " ".join(f"(<{s}> <{p}>)" for s in subjects for p in predicates)


def _term_rows(store: Store, sparql: str) -> Iterator[dict[str, Term | None]]:
    """Solutions of a SELECT query as dicts of pyoxigraph terms (None when unbound)."""
    solutions = store.query(PREFIXES + sparql)
    assert isinstance(solutions, ox.QuerySolutions)  # a SELECT query
    names = [v.value for v in solutions.variables]
    for row in solutions:
        yield {n: row[n] for n in names}


# How the store is read (Oxigraph 0.5, union of the letter graphs). Every letter graph that
# names an entity repeats its type, labels and numbers, and the union does not deduplicate,
# so joining two of those patterns multiplies copies by copies; a lookup per entity costs
# ~20 µs (far more once the store outgrows the page cache), a scan ~1 µs per quad, and
# Oxigraph's ORDER BY decodes both strings at every comparison. So the whole graph is read
# with one scan per predicate (SELECT DISTINCT collapses the copies), membership is tested
# in Python, and rows are sorted in Python in the order ORDER BY would give (_sort_key);
# only the details of the few entities drawn are looked up entity by entity.

LOOKUP_LIMIT = 20_000  # above this many (entity, property) lookups, scan the properties instead
PROVENANCE = {POL + "inLetter", POL + "inSentence", POL + "denotes"}
AMOUNT_CLASS = "https://schema.org/MonetaryAmount"


def load_graph(store: Store, *, details: bool = True) -> EntityGraph:
    """Read the entity graph from ``store``.

    Always reads the entities, their names and numbers, and the relations between them;
    with ``details`` also the tooltip material (see :func:`load_details`). Returns an
    :class:`EntityGraph`, empty when the store holds no entities.
    """
    nodes = _load_nodes(store)
    _load_literals(store, nodes, KEY_PROPS)
    graph = EntityGraph(nodes, _load_edges(store, nodes))
    _name_letters(graph)
    if details:
        load_details(store, nodes)
    return graph


def _name_letters(graph: EntityGraph) -> None:
    """Letters carry no title: note the number of the proposal each one is about."""
    for e in graph.edges:
        if _local(e.predicate) in LETTER_LINKS and graph.nodes[e.source].cls in LETTER_CLASSES:
            number = graph.nodes[e.target].first(POL + "proposalNumber")
            if number:
                graph.nodes[e.source].about = number


def load_details(store: Store, nodes: dict[str, Node]) -> None:
    """Add tooltip material to ``nodes`` (in place): the other literal properties, amounts,
    data quality warnings and source sentences. Only these entities are queried, so drawing
    1,500 entities of a large store reads the details of 1,500 entities."""
    props = {p for p, _ in TIP_LITERALS} - set(KEY_PROPS)
    for batch in _batches(sorted(nodes)):
        part = {iri: nodes[iri] for iri in batch}
        _load_literals(store, part, props)
        _load_amounts(store, part)
        _load_warnings(store, part)
        _load_sources(store, part)


def _batches(items: list[str], size: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _class_values() -> str:
    return _values(POL + s.key for s in STYLES)


def _load_nodes(store: Store) -> dict[str, Node]:
    found: dict[str, set[str]] = defaultdict(set)
    rows = _rows(
        store,
        f"SELECT DISTINCT ?s ?t WHERE {{ VALUES ?t {{ {_class_values()} }} ?s a ?t . FILTER(isIRI(?s)) }}",
    )
    for row in rows:
        found[row["s"]].add(row["t"].removeprefix(POL))  # type: ignore[index,union-attr]
    order = [s.key for s in STYLES]
    return {
        iri: Node(iri, next(k for k in order if k in types)) for iri, types in sorted(found.items())
    }


def _load_literals(store: Store, nodes: dict[str, Node], props: Iterable[str]) -> None:
    """Literal values of ``props`` on ``nodes``, in a fixed order (that of ORDER BY ?s ?p ?o).

    A few entities are looked up one by one; for many (the whole graph) each property is
    scanned once and the rows kept for the entities asked."""
    props = sorted(props)
    if not nodes or not props:
        return
    if len(nodes) * len(props) <= LOOKUP_LIMIT:
        sparql = f"""SELECT DISTINCT ?s ?p ?o WHERE {{
            VALUES (?s ?p) {{ {_pairs(nodes, props)} }} ?s ?p ?o . FILTER(isLiteral(?o)) }}"""
    else:
        sparql = f"""SELECT DISTINCT ?s ?p ?o WHERE {{
            VALUES ?p {{ {_values(props)} }} ?s ?p ?o . FILTER(isLiteral(?o)) }}"""
    grouped: dict[tuple[str, str], list[Term | None]] = defaultdict(list)
    for row in _term_rows(store, sparql):
        s = row["s"].value  # type: ignore[union-attr]
        if s in nodes:
            grouped[(s, row["p"].value)].append(row["o"])  # type: ignore[union-attr]
    for s, p in sorted(grouped):
        values = _in_order(grouped[(s, p)])
        nodes[s].literals.setdefault(p, []).extend(v.value for v in values)  # type: ignore[union-attr]


def _load_amounts(store: Store, nodes: dict[str, Node]) -> None:
    sparql = f"""SELECT DISTINCT ?s ?a ?text ?value WHERE {{
        {{ SELECT DISTINCT ?s ?a WHERE {{
            VALUES (?s ?p) {{ {_pairs(nodes, amount_predicates())} }} ?s ?p ?a }} }}
        ?a a schema:MonetaryAmount .
        OPTIONAL {{ ?a pol:amountText ?text }} OPTIONAL {{ ?a schema:value ?value }} }}"""
    rows = sorted(_rows(store, sparql), key=lambda r: (r["s"], r["a"]))
    for row in rows:
        nodes[row["s"]].amounts.append(format_amount(row["text"], row["value"]))  # type: ignore[index]


def _load_warnings(store: Store, nodes: dict[str, Node]) -> None:
    sparql = f"""SELECT DISTINCT ?s ?w ?code ?comment WHERE {{ VALUES ?s {{ {_values(nodes)} }}
        ?s pol:hasWarning ?w . OPTIONAL {{ ?w pol:warningCode ?code }} OPTIONAL {{ ?w rdfs:comment ?comment }}
        }}"""
    for row in sorted(_rows(store, sparql), key=lambda r: (r["s"], r["w"])):
        text = " — ".join(v for v in (row["code"], row["comment"]) if v)
        nodes[row["s"]].warnings.append(text)  # type: ignore[index]


def _load_sources(store: Store, nodes: dict[str, Node]) -> None:
    """The first few distinct sentences that mention each entity (mention → pol:inSentence),
    in the order of the sentences' start, then IRI. The sentences are listed without their
    text, which is read only for the first candidates of each entity."""
    sparql = f"""SELECT DISTINCT ?e ?sent ?start WHERE {{ VALUES ?e {{ {_values(nodes)} }}
        ?m pol:denotes ?e ; pol:inSentence ?sent .
        OPTIONAL {{ ?sent oa:start ?start }} }}"""
    found: dict[str, dict[str, Term | None]] = defaultdict(dict)
    for row in _term_rows(store, sparql):
        found[row["e"].value][row["sent"].value] = row["start"]  # type: ignore[union-attr]
    order = {e: _by_start(starts) for e, starts in found.items()}
    position = dict.fromkeys(order, 0)
    pending, window = set(order), MAX_SOURCES * 2
    while pending:
        wanted = {e: order[e][position[e] : position[e] + window] for e in sorted(pending)}
        texts = _sentence_texts(store, {sent for sents in wanted.values() for sent in sents})
        for e, sents in wanted.items():
            node = nodes[e]
            for sent in sents:
                for exact in texts.get(sent, ()):
                    text = _clip(_squash(exact), SOURCE_CHARS)
                    if text and text not in node.sources and len(node.sources) < MAX_SOURCES:
                        node.sources.append(text)
            position[e] += len(sents)
            if len(node.sources) >= MAX_SOURCES or position[e] >= len(order[e]):
                pending.discard(e)
        window *= 2


def _sentence_texts(store: Store, sentences: Iterable[str]) -> dict[str, list[str]]:
    """The oa:exact text of each sentence (a sentence without one is left out)."""
    found: dict[str, list[Term]] = defaultdict(list)
    for batch in _batches(sorted(sentences)):
        sparql = f"""SELECT DISTINCT ?sent ?exact WHERE {{
            VALUES ?sent {{ {_values(batch)} }} ?sent oa:exact ?exact }}"""
        for row in _term_rows(store, sparql):
            found[row["sent"].value].append(row["exact"])  # type: ignore[union-attr,arg-type]
    return {sent: [t.value for t in sorted(terms, key=_sort_key)] for sent, terms in found.items()}


def _load_edges(store: Store, nodes: dict[str, Node]) -> list[Edge]:
    """Relations between two entities: every relation the ontology or the drawing knows (the
    provenance and amount links, which never join two entities, left out), each scanned
    once; kept when both ends are entities, in the order of ORDER BY ?s ?p ?o."""
    sparql = f"""SELECT DISTINCT ?s ?p ?o WHERE {{
        VALUES ?p {{ {_values(edge_predicates())} }} ?s ?p ?o . FILTER(isIRI(?o)) }}"""
    edges = []
    for row in _rows(store, sparql):
        if row["s"] in nodes and row["o"] in nodes:
            edges.append(Edge(row["s"], row["p"], row["o"]))  # type: ignore[arg-type]
    edges.sort(key=lambda e: (e.source, e.predicate, e.target))
    return edges


@cache
def _object_properties() -> dict[str, set[str]]:
    """The ontology's object properties with their ranges (empty when it is not installed)."""
    from .paths import ONTOLOGY_FILE

    try:
        data = ONTOLOGY_FILE.read_bytes()
    except OSError:
        return {}
    triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    props = {
        t.subject.value
        for t in triples
        if t.predicate.value == RDF_TYPE and t.object.value == OWL_OBJECT_PROPERTY
    }
    ranges: dict[str, set[str]] = {p: set() for p in props}
    for t in triples:
        if t.subject.value in ranges and t.predicate.value == RDFS_RANGE:
            ranges[t.subject.value].add(t.object.value)
    return ranges


@cache
def edge_predicates() -> tuple[str, ...]:
    """The relations that may join two drawn entities: those of the drawing (EDGE_LABELS) and
    every object property of the ontology, except provenance links and links to amounts."""
    known = {POL + local for local in EDGE_LABELS}
    for prop, ranges in _object_properties().items():
        if AMOUNT_CLASS not in ranges and not ranges & {
            POL + "Sentence",
            POL + "DataQualityWarning",
        }:
            known.add(prop)
    return tuple(sorted(known - PROVENANCE))


@cache
def amount_predicates() -> tuple[str, ...]:
    """The relations from an entity to a monetary amount (the ontology's, else the built-in)."""
    found = {p for p, ranges in _object_properties().items() if AMOUNT_CLASS in ranges}
    return tuple(sorted(found or {POL + "reportsAmount", POL + "amount"}))


_NUMERIC = {XSD + t for t in ("integer", "decimal", "float", "double", "int", "long", "short", "byte",
            "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
            "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}  # fmt: skip
_ORDERED_BY_LEXICAL_FORM = {XSD + "date", XSD + "dateTime", XSD + "time"}


@total_ordering
class _SortKey:
    """A term's place in SPARQL ORDER BY as Oxigraph sorts it: unbound first, then IRIs by
    string, then literals — strings with strings and same-language strings by value, numbers
    with numbers by value, dates with dates — else by (value, datatype, language)."""

    __slots__ = ("term",)

    def __init__(self, term: Term | None) -> None:
        self.term = term

    def _rank(self) -> int:
        if self.term is None:
            return 0
        if isinstance(self.term, ox.BlankNode):
            return 1
        if isinstance(self.term, ox.NamedNode):
            return 2
        return 3

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _SortKey) and self._cmp(other) == 0

    def __lt__(self, other: _SortKey) -> bool:
        return self._cmp(other) < 0

    def _cmp(self, other: _SortKey) -> int:
        ra, rb = self._rank(), other._rank()
        if ra != rb or ra == 0:
            return (ra > rb) - (ra < rb)
        a, b = self.term, other.term
        if ra < 3:
            return _cmp(a.value, b.value)  # type: ignore[union-attr]
        assert isinstance(a, ox.Literal) and isinstance(b, ox.Literal)
        order = _compare_literals(a, b)
        if order is not None:
            return order
        return _cmp(
            (a.value, a.datatype.value, (a.language is not None, a.language or "")),
            (b.value, b.datatype.value, (b.language is not None, b.language or "")),
        )


def _compare_literals(a: ox.Literal, b: ox.Literal) -> int | None:
    """Oxigraph's comparison of two comparable literals, None when they are not comparable."""
    da, db = a.datatype.value, b.datatype.value
    if a.language is not None or b.language is not None:
        return _cmp(a.value, b.value) if a.language == b.language else None
    if da == db == XSD + "string" or (da == db and da in _ORDERED_BY_LEXICAL_FORM):
        return _cmp(a.value, b.value)
    if da in _NUMERIC and db in _NUMERIC:
        try:
            return _cmp(Decimal(a.value), Decimal(b.value))
        except InvalidOperation:
            return None
    return None


def _in_order(values: list[Term | None]) -> list[Term | None]:
    """``values`` in ORDER BY order (a one-value list, the usual case, as it is)."""
    return values if len(values) < 2 else sorted(values, key=_sort_key)


def _by_start(starts: dict[str, Term | None]) -> list[str]:
    """Sentence IRIs in ORDER BY ?start ?sent order (integer starts, the usual case, fast)."""
    if all(t is None or (isinstance(t, ox.Literal) and t.datatype.value == XSD + "integer")
           for t in starts.values()):  # fmt: skip
        return sorted(
            starts, key=lambda s: (-1, 0, s) if starts[s] is None else (0, int(starts[s].value), s)
        )  # type: ignore[union-attr]
    return sorted(starts, key=lambda s: (_sort_key(starts[s]), s))


def _cmp(a: object, b: object) -> int:
    return (a > b) - (a < b)  # type: ignore[operator]


def _sort_key(term: Term | None) -> _SortKey:
    return _SortKey(term)


# ---------------------------------------------------------------------------------------------
# Labels, amounts, text
# ---------------------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def class_name(key: str) -> str:
    """The Chinese name of a class: its @zh label in the ontology, else the built-in one."""
    return ontology_labels().get(POL + key) or STYLE_BY_KEY[key].zh


def label_for(node: Node) -> str:
    """The full Chinese name of ``node``.

    Documents go by number when they have one, proposals by number and title, letters
    (which carry no title) by kind, the proposal number they are about, and date or file.
    """
    title = node.first(DC_TITLE) or node.first(RDFS_LABEL)
    if node.cls == "PolicyDocument" and node.first(POL + "documentNumber"):
        number = node.first(POL + "documentNumber")
        return f"{number} {title}" if title and title != number else number  # type: ignore[return-value]
    if node.cls == "Proposal" and node.first(POL + "proposalNumber"):
        return " ".join(v for v in (node.first(POL + "proposalNumber"), title) if v)
    if title:
        return title
    kind = class_name(node.cls)
    date = node.first("http://purl.org/dc/terms/date")
    parts = [f"{kind}·{node.about}" if node.about else kind, date]
    if not node.about and not date:
        parts.append(node.first(POL + "sourceFile") or node.iri.rsplit("/", 1)[-1])
    return " ".join(p for p in parts if p)


def short_label(node: Node) -> str:
    """The label drawn on the canvas: a document's number, a letter's kind and proposal
    number, else the name clipped."""
    if node.cls == "PolicyDocument" and node.first(POL + "documentNumber"):
        return node.first(POL + "documentNumber")  # type: ignore[return-value]
    if node.cls in LETTER_CLASSES and node.about and not node.first(DC_TITLE):
        return f"{class_name(node.cls)}·{node.about}"
    return _clip(node.name, LABEL_CHARS)


def format_amount(text: str | None, value: str | None) -> str:
    """An amount as written and as a decimal number of yuan.

    >>> format_amount("25.99亿元", "2599000000")
    '25.99亿元（2,599,000,000 元）'
    >>> format_amount("3.5万元", "35000.0")
    '3.5万元（35,000 元）'
    """
    if value is None:
        return text or ""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return f"{text}（{value}）" if text else value
    normal = (
        number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    )
    yuan = f"{normal:,f} 元"
    return f"{text}（{yuan}）" if text else yuan


@cache
def ontology_labels() -> dict[str, str]:
    """@zh ``rdfs:label`` of every class and property in ``ontology/policykg.ttl``.

    Returns an empty dict when the ontology file is not installed (then built-in names are used).
    """
    from .paths import ONTOLOGY_FILE

    try:
        data = ONTOLOGY_FILE.read_bytes()
    except OSError:
        return {}
    labels = {}
    for triple in ox.parse(data, format=ox.RdfFormat.TURTLE):
        obj = triple.object
        if (
            triple.predicate.value == RDFS_LABEL
            and isinstance(obj, ox.Literal)
            and obj.language == "zh"
        ):
            labels[triple.subject.value] = obj.value
    return labels


def edge_label(edge: Edge, graph: EntityGraph) -> str:
    """The short Chinese label drawn on an edge (资金 for a fund a letter mentions)."""
    local = _local(edge.predicate)
    if local == "mentions" and graph.nodes[edge.target].cls == "Fund":
        return FUND_EDGE_LABEL
    return EDGE_LABELS.get(local) or ontology_labels().get(edge.predicate) or local


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def tooltip(node: Node, graph: EntityGraph, relations: dict[str, list[str]]) -> dict[str, object]:
    """The tooltip of ``node`` as plain data (the page builds it with textContent)."""
    names = ontology_labels()
    props: list[list[str]] = []
    for prop, zh in TIP_LITERALS:
        values = node.literals.get(prop, [])
        if values:
            props.append([names.get(prop, zh), _clip("；".join(values), TEXT_CHARS)])
    props.extend([name, value] for name, value in _relation_props(node, graph, relations))
    if node.amounts:
        shown = node.amounts[:6] + (
            [f"… 另有 {len(node.amounts) - 6} 笔"] if len(node.amounts) > 6 else []
        )
        props.append(["金额", "；".join(shown)])
    props.extend(["质量警告", w] for w in node.warnings)
    return {"kind": class_name(node.cls), "name": node.name, "props": props,
            "sources": node.sources, "iri": node.iri}  # fmt: skip


def _relation_props(
    node: Node, graph: EntityGraph, relations: dict[str, list[str]]
) -> Iterator[tuple[str, str]]:
    names = ontology_labels()
    for local in TIP_RELATIONS:
        targets = relations.get(local, [])
        if targets:
            shown = "；".join(_clip(graph.nodes[t].name, 40) for t in targets[:4])
            yield names.get(POL + local, EDGE_LABELS[local]), shown


# ---------------------------------------------------------------------------------------------
# Focus and trimming
# ---------------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Case, space and bracket-insensitive form for matching: [2020] and （2020） match 〔2020〕."""
    text = re.sub(r"\s+", "", text.casefold())
    return text.translate(BRACKETS)


def find_entities(graph: EntityGraph, query: str) -> list[str]:
    """Entities matching ``query`` by IRI, label, title, document or proposal number, alias.

    Exact matches win (all of them: two people may share a name); otherwise a unique
    substring match. Raises :class:`VizError` when nothing or too many things match.
    """
    wanted = normalise(query)
    if not wanted:
        raise VizError("--focus is empty")
    exact = [iri for iri, n in graph.nodes.items() if any(normalise(k) == wanted for k in n.keys())]
    if exact:
        return exact
    partial = [
        iri for iri, n in graph.nodes.items() if any(wanted in normalise(k) for k in n.keys())
    ]
    if len(partial) == 1:
        return partial
    if not partial:
        raise VizError(
            f"no entity matches {query!r} (try a label, a document or proposal number, or an IRI)"
        )
    names = "; ".join(graph.nodes[i].name for i in partial[:5])
    raise VizError(
        f"{len(partial)} entities match {query!r}, be more precise: {names}"
        + ("; …" if len(partial) > 5 else "")
    )


def neighbourhood(graph: EntityGraph, seeds: list[str], depth: int) -> dict[str, int]:
    """Entities within ``depth`` relations of ``seeds`` (either direction), with their distance."""
    adjacent: dict[str, set[str]] = defaultdict(set)
    for e in graph.edges:
        adjacent[e.source].add(e.target)
        adjacent[e.target].add(e.source)
    distance = dict.fromkeys(seeds, 0)
    queue = deque(seeds)
    while queue:
        iri = queue.popleft()
        if distance[iri] >= depth:
            continue
        for other in sorted(adjacent[iri]):
            if other not in distance:
                distance[other] = distance[iri] + 1
                queue.append(other)
    return distance


def trim(graph: EntityGraph, max_nodes: int, distance: dict[str, int] | None = None) -> EntityGraph:
    """Keep at most ``max_nodes`` entities: the nearest to the focus, then the best connected."""
    if len(graph.nodes) <= max_nodes:
        return graph
    deg = graph.degrees()
    dist = distance or {}
    ranked = sorted(graph.nodes, key=lambda iri: (dist.get(iri, 0), -deg[iri], iri))
    return graph.subgraph(ranked[:max_nodes])


def make_drawing(
    graph: EntityGraph,
    *,
    focus: str | None = None,
    depth: int = DEFAULT_DEPTH,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> Drawing:
    """Cut ``graph`` to the neighbourhood of ``focus`` (if given) and to ``max_nodes`` entities.

    The notes of the returned :class:`Drawing` say what was left out. Raises
    :class:`VizError` when ``focus`` matches nothing or ``max_nodes`` is below 1.
    """
    if max_nodes < 1:
        raise VizError("--max-nodes must be at least 1")
    drawing = Drawing(graph)
    distance = None
    if focus is not None:
        seeds = find_entities(graph, focus)
        distance = neighbourhood(graph, seeds, depth)
        drawing.graph = graph.subgraph(distance)
        drawing.focus = seeds
        drawing.title = f"policykg 知识图谱 · 焦点 {focus}"
        drawing.notes.append(
            f"焦点：{focus}（{len(seeds)} 个匹配实体，深度 {depth}）——显示其 {len(distance)} 个邻近实体，全图共 {len(graph.nodes)} 个实体。"
        )
    before = len(drawing.graph.nodes)
    drawing.graph = trim(drawing.graph, max_nodes, distance)
    _note_trimming(drawing, before, max_nodes, focus)
    return drawing


def _note_trimming(drawing: Drawing, before: int, max_nodes: int, focus: str | None) -> None:
    """Set ``drawing.dropped`` and say in the notes what ``--max-nodes`` left out."""
    drawing.dropped = before - len(drawing.graph.nodes)
    if drawing.dropped:
        by = "距焦点远近和连接数" if focus else "连接数"
        drawing.notes.append(
            f"已裁剪：{before} 个实体超过上限 {max_nodes}（--max-nodes），按{by}保留 "
            f"{len(drawing.graph.nodes)} 个，另有 {drawing.dropped} 个未显示。"
        )


# ---------------------------------------------------------------------------------------------
# Drawing with pyvis and rendering the page
# ---------------------------------------------------------------------------------------------


def vis_options(n_nodes: int) -> dict[str, object]:
    """vis-network options for ``n_nodes`` nodes.

    ForceAtlas2 physics (Barnes–Hut approximated) with a bounded number of stabilisation
    iterations; the page switches physics off once stabilised, so nothing moves or burns CPU
    afterwards. Above 500 nodes: fewer iterations, a coarser approximation, no overlap
    avoidance, and edges hidden while dragging and zooming (2,000 nodes lay out in seconds).
    """
    large = n_nodes > 500
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "nodes": {
            "font": {"face": FONT, "size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"},
            "borderWidth": 1,
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {
                "color": "#b8b8b8",
                "highlight": "#333333",
                "hover": "#555555",
                "inherit": False,
            },
            "font": {
                "face": FONT,
                "size": 10,
                "color": "#555555",
                "strokeWidth": 3,
                "align": "middle",
            },
            "smooth": False,
            "width": 1,
        },
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "theta": 0.9 if large else 0.5,  # coarser Barnes–Hut approximation: faster
                "gravitationalConstant": -120,
                "centralGravity": 0.015,
                "springLength": 90,
                "springConstant": 0.06,
                "damping": 0.5,
                "avoidOverlap": 0 if large else 0.6,  # overlap checks are costly at scale
            },
            "minVelocity": 1.5,
            "timestep": 0.5,
            "stabilization": {
                "enabled": True,
                "iterations": 200 if large else 600,
                "updateInterval": 20,
                "fit": True,
            },
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "multiselect": True,
        },
    }


def _node_size(degree: int, focused: bool) -> float:
    return round(min(40.0, 9 + 4 * math.log2(1 + degree)) + (10 if focused else 0), 1)


def to_network(drawing: Drawing):  # noqa: ANN201 — a pyvis Network (imported lazily)
    """The drawing as a pyvis ``Network``: one vis node per entity, one vis edge per relation."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # pyvis and IPython on import
        from pyvis.network import Network  # type: ignore[import-untyped]

    graph = drawing.graph
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    relations: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for e in graph.edges:
        relations[e.source][_local(e.predicate)].append(e.target)
    degree = graph.degrees()
    focus = set(drawing.focus)
    for iri, node in graph.nodes.items():
        style = STYLE_BY_KEY[node.cls]
        net.add_node(
            iri, label=short_label(node), shape=style.shape, color=style.color, cls=node.cls,
            size=_node_size(degree[iri], iri in focus), borderWidth=4 if iri in focus else 1,
            tip=tooltip(node, graph, relations[iri]), keys=node.keys(),
        )  # fmt: skip
    names = ontology_labels()
    for e in graph.edges:
        net.add_edge(e.source, e.target, label=edge_label(e, graph), pred=_local(e.predicate),
                     predName=names.get(e.predicate, _local(e.predicate)))  # fmt: skip
    net.options = vis_options(len(graph.nodes))
    return net


def _resource(name: str) -> str:
    return resources.files("policykg").joinpath("resources", name).read_text(encoding="utf-8")


def _inline_script(name: str) -> str:
    """A vendored or app script to inline; refuses text that could end the script element."""
    text = _resource(name)
    if re.search(r"</script|<!--", text, re.IGNORECASE):
        raise VizError(f"resources/{name} cannot be inlined: it contains </script or <!--")
    return text


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def render_html(drawing: Drawing) -> str:
    """The whole page as one string: vis-network, styles, the app script and the data inlined.

    No ``src`` or ``href`` points anywhere; the Content-Security-Policy allows only the two
    inline scripts (by hash), inline styles and ``data:`` images, so the browser blocks any
    request and any script injected through the data.
    """
    import jinja2
    from markupsafe import Markup

    net = to_network(drawing)
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    payload = {
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options),
        "classes": [
            {"key": s.key, "name": class_name(s.key), "color": s.color, "glyph": s.glyph}
            for s in STYLES
        ],
        "focus": drawing.focus,
        "notes": drawing.notes,
        "title": drawing.title,
    }
    scripts = [_inline_script("vis-network.min.js"), _inline_script("viz.js")]
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(_resource("viz.html.j2"))
    return template.render(
        title=drawing.title,
        csp_scripts=" ".join(_script_hash(s) for s in scripts),
        vis_css=Markup(_resource("vis-network.css")),  # vendored file, not data
        app_css=Markup(_resource("viz.css")),
        vis_js=Markup(scripts[0]),
        app_js=Markup(scripts[1]),
        payload=payload,
    )


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


def _open(store: Store | str | None) -> Store:
    """``store`` itself, or the store it names opened read-only; a folder that does not
    exist is an error (opening it would create an empty store)."""
    if isinstance(store, Store):
        return store
    spec = store or default_store_spec()
    if (
        spec != "memory"
        and not spec.startswith(("http://", "https://"))
        and not Path(spec).exists()
    ):
        raise VizError(
            f"no store at {spec}; build one first: policykg build LETTERS --store {spec}"
        )
    return Store(spec, read_only=True)


def _name_drawn(
    store: Store, drawing: Drawing, nodes: dict[str, Node], edges: Iterable[Edge]
) -> None:
    """Read the names and numbers of the drawn entities and of the proposals their letters
    are about (``edges`` may be all relations or only those of the drawn entities), and note
    what each drawn letter is about."""
    drawn = drawing.graph.nodes
    links = [
        e
        for e in edges
        if e.source in drawn and _local(e.predicate) in LETTER_LINKS and e.target in nodes
        and nodes[e.source].cls in LETTER_CLASSES
    ]  # fmt: skip
    named = {iri: nodes[iri] for iri in drawn.keys() | {e.target for e in links}}
    _load_literals(store, named, KEY_PROPS)
    _name_letters(EntityGraph(named, links))


def _best_connected(store: Store, max_nodes: int) -> Drawing | None:
    """The whole graph cut to its ``max_nodes`` best-connected entities, read without
    loading every entity and relation: the degrees are counted by the store, then only the
    kept entities' classes and relations are read. None when the cut would keep entities
    without relations (or keep everything): then the whole graph is read instead.

    Gives the drawing ``make_drawing(load_graph(store), max_nodes=max_nodes)`` gives."""
    classes, links = _class_values(), _values(edge_predicates())
    rows = _term_rows(
        store,
        f"""SELECT ?n (COUNT(*) AS ?degree) WHERE {{
          {{
            SELECT DISTINCT ?s ?p ?o WHERE {{
              {{ SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {links} }} ?s ?p ?o . FILTER(isIRI(?o)) }} }}
              {{ SELECT DISTINCT ?s WHERE {{ VALUES ?t {{ {classes} }} ?s a ?t . FILTER(isIRI(?s)) }} }}
              {{ SELECT DISTINCT ?o WHERE {{ VALUES ?t {{ {classes} }} ?o a ?t . FILTER(isIRI(?o)) }} }}
            }}
          }}
          VALUES ?end {{ 1 2 }}
          BIND(IF(?end = 1, ?s, ?o) AS ?n)
        }} GROUP BY ?n""",
    )
    degree = {row["n"].value: int(row["degree"].value) for row in rows}  # type: ignore[union-attr]
    total_rows = _rows(
        store,
        f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s WHERE {{
            VALUES ?t {{ {classes} }} ?s a ?t . FILTER(isIRI(?s)) }} }}""",
    )
    total = int(next(total_rows)["n"] or 0)
    if total <= max_nodes or len(degree) < max_nodes:
        return None
    kept = sorted(degree, key=lambda iri: (-degree[iri], iri))[:max_nodes]
    nodes = _classes(store, kept)
    edges: set[Edge] = set()
    for row in _rows(
        store,
        f"""SELECT DISTINCT ?s ?p ?o WHERE {{
            VALUES (?s ?p) {{ {_pairs(kept, edge_predicates())} }} ?s ?p ?o . FILTER(isIRI(?o)) }}""",
    ):
        edges.add(Edge(row["s"], row["p"], row["o"]))  # type: ignore[arg-type]
    # the proposals the drawn letters are about need not be drawn: find which are entities
    about = {
        e.target
        for e in edges
        if _local(e.predicate) in LETTER_LINKS and nodes[e.source].cls in LETTER_CLASSES
    }
    known = {**_classes(store, sorted(about - nodes.keys())), **nodes}
    relations = sorted(
        (e for e in edges if e.target in known), key=lambda e: (e.source, e.predicate, e.target)
    )
    drawing = Drawing(
        EntityGraph(dict(sorted(nodes.items())), [e for e in relations if e.target in nodes])
    )
    _note_trimming(drawing, total, max_nodes, None)
    _name_drawn(store, drawing, known, relations)
    return drawing


def _classes(store: Store, iris: list[str]) -> dict[str, Node]:
    """Entities among ``iris`` with the class each is drawn as (others left out)."""
    found: dict[str, set[str]] = defaultdict(set)
    for batch in _batches(iris, 200):
        pairs = _pairs(batch, [POL + s.key for s in STYLES])
        for row in _rows(
            store, f"SELECT DISTINCT ?s ?t WHERE {{ VALUES (?s ?t) {{ {pairs} }} ?s a ?t }}"
        ):
            found[row["s"]].add(row["t"].removeprefix(POL))  # type: ignore[index,union-attr]
    order = [s.key for s in STYLES]
    return {iri: Node(iri, next(k for k in order if k in types)) for iri, types in found.items()}


def write_viz(
    path: Path,
    store: Store | str | None = None,
    *,
    focus: str | None = None,
    depth: int = DEFAULT_DEPTH,
    max_nodes: int = DEFAULT_MAX_NODES,
    allow_empty: bool = False,
) -> str:
    """Draw the graph in ``store`` (a :class:`Store`, a store spec, or None for the default)
    into the HTML file ``path``; return a one-line summary.

    Raises :class:`VizError` when the store holds no entity (unless ``allow_empty``) or the
    focus matches nothing, and :class:`~policykg.store.StoreError` when the store cannot be opened.
    """
    from .build import write_atomic

    if max_nodes < 1:
        raise VizError("--max-nodes must be at least 1")
    opened = _open(store)
    drawing = _best_connected(opened, max_nodes) if focus is None else None
    if drawing is None:
        if focus is None:
            # Names are read only for the entities drawn (and the proposals their letters
            # are about): trimming by degree needs none.
            graph = EntityGraph(nodes := _load_nodes(opened), _load_edges(opened, nodes))
        else:
            graph = load_graph(opened, details=False)  # the focus is found by name
        if not graph.nodes and not allow_empty:
            raise VizError(f"the store {opened.spec} holds no entities; run policykg build first")
        drawing = make_drawing(graph, focus=focus, depth=depth, max_nodes=max_nodes)
        if focus is None:
            _name_drawn(opened, drawing, graph.nodes, graph.edges)
    load_details(opened, drawing.graph.nodes)
    write_atomic(path, render_html(drawing).encode("utf-8"))
    shown = drawing.graph
    extra = f" (focus {focus}, depth {depth})" if focus else ""
    if drawing.dropped:
        extra += f"; {drawing.dropped} more left out by --max-nodes {max_nodes}"
    return f"wrote {path}: {len(shown.nodes)} entities, {len(shown.edges)} relations{extra}"


def write_graph_html(store: Store | str | None, path: Path) -> str:
    """The build's drawing of the whole graph (``out/graph.html``); returns a summary line."""
    return write_viz(path, store, allow_empty=True)
