"""Turn letter records into RDF: one named graph per record, no blank nodes, stable IRIs.

Everything one record says goes into its named graph ``ids.graph_iri(record.record_id)``.
Shared entities (agencies, documents, proposals, funds …) get IRIs from canonical keys, and
their types and labels are repeated in every letter graph that names them, so dropping one
letter's graph never loses what another letter says. Every mention of an entity becomes a
``pol:Mention`` with its exact text, offsets into the decoded source file, the letter and
the sentence it sits in.

``record_quads`` is a plain generator over one record (no graph lookups, no SPARQL), cheap
enough to stream 100k letters into a store; ``build_dataset`` collects records into an rdflib
``Dataset``; ``serialize_sorted`` writes byte-identical Turtle / TriG / N-Triples / N-Quads for
the same data whatever the insertion order or hash seed.

Example::

    ds = build_dataset([(record, source_text)])        # an rdflib Dataset, one graph per record
    trig = serialize_sorted(ds, "trig")
    nquads = serialize_quads((q for r, t in pairs for q in record_quads(r, t)), "nquads")
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from functools import lru_cache
from inspect import get_annotations
from types import SimpleNamespace

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from . import ids
from .model import AgencyRef, Fund, LetterRecord, Mention, PolicyDocument
from .read import normalize
from .vocab import DCTERMS, OA, POL, RDF, RDFS, SCHEMA, SKOS, XSD

__all__ = [
    "PREFIXES",
    "agency_key",
    "build_dataset",
    "decimal_literal",
    "document_key",
    "fund_key",
    "new_dataset",
    "normalise_title",
    "proposal_key",
    "record_quads",
    "record_nquads",
    "serialize_nquads",
    "serialize_quads",
    "serialize_sorted",
    "turtle_and_trig",
]

Quad = tuple[Node, Node, Node, URIRef]
_AmountIndex = dict[tuple[str | None, Decimal], list[tuple[int, str]]]

#: Prefixes bound in datasets and written by ``serialize_sorted``.
PREFIXES: dict[str, str] = {
    "dcterms": str(DCTERMS),
    "oa": str(OA),
    "pol": str(POL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "xsd": str(XSD),
}

_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')
# applied after \\, " and \n have been replaced (str.replace is much faster than translate)
_OTHER_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_ESCAPES = {ord("\r"): "\\r", ord("\t"): "\\t"}
_ESCAPES.update({c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F) if c not in (9, 10, 13)})
XSD_STRING = XSD.string
_IRI_ESCAPES = {ord(c): f"\\u{ord(c):04X}" for c in '<>"{}|^`\\ '}
_IRI_ESCAPES.update({c: f"\\u{c:04X}" for c in range(0x20)})


def _escape(text: str) -> str:
    """Escape a string for a one-line Turtle / N-Triples literal."""
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return text.translate(_ESCAPES) if _OTHER_CONTROL.search(text) else text


# The builder writes N-Triples terms as strings ("<iri>", '"text"@zh'), never rdflib objects:
# building and then serialising rdflib terms cost ~40 ms a letter, ten times the rest.


def _n(iri: str) -> str:
    """An IRI as an N-Triples term. Our IRIs are key hashes and ids; escape anyway."""
    return f"<{iri.translate(_IRI_ESCAPES)}>"


# Terms resolved once. ``P`` is POL as a plain object of N-Triples strings (no unknown names).
P = SimpleNamespace(**{name: _n(POL[name]) for name in get_annotations(POL)})
TYPE, LABEL, COMMENT, ALT_LABEL = _n(RDF.type), _n(RDFS.label), _n(RDFS.comment), _n(SKOS.altLabel)
TITLE, DATE = _n(DCTERMS.title), _n(DCTERMS.date)
EXACT, START, END = _n(OA.exact), _n(OA.start), _n(OA.end)
MONETARY_AMOUNT, VALUE, CURRENCY = _n(SCHEMA.MonetaryAmount), _n(SCHEMA.value), _n(SCHEMA.currency)
SENTENCE, DENOTES, IN_LETTER, IN_SENTENCE = P.Sentence, P.denotes, P.inLetter, P.inSentence
_INTEGER, _DECIMAL, _DATE = (f"^^{_n(XSD[t])}" for t in ("integer", "decimal", "date"))

SENTENCE_END = re.compile(r"[。！？；\n]")
LABEL_MAX = 60
CNY = '"CNY"'
TRUE = f'"true"^^{_n(XSD.boolean)}'
KIND_CLASS = {"reply": P.ReplyLetter, "proposal": P.ProposalForm, "unknown": P.Letter}
KIND_LINK = {"reply": P.repliesTo, "proposal": P.formOf, "unknown": P.concerns}
_DOC_NUMBER = re.compile(r"〔\d{4}〕.*号$")


# --- canonical keys (shared with the resolver and the measure extractor) ---


def agency_key(name: str) -> tuple[str]:
    """Key of an agency: its canonical full name. ``ids.iri("agency", *agency_key(name))``."""
    return (name,)


def document_key(doc: PolicyDocument | str) -> tuple[str, str]:
    """Key of a policy document: ``("no", number)`` when numbered, else ``("title", title)``.

    A string (as held in ``Measure.documents``) is read as a number when it looks like one
    (``…〔2020〕4号``), else as a title.

    >>> document_key("深工信规〔2020〕4号")
    ('no', '深工信规〔2020〕4号')
    """
    if isinstance(doc, str):
        return ("no", doc) if _DOC_NUMBER.search(doc) else ("title", doc)
    if doc.number:
        return ("no", doc.number)
    return ("title", doc.title or "")


def fund_key(fund: Fund | str, jurisdiction: str | None) -> tuple[str | None, str]:
    """Key of a fund: the jurisdiction of the letter naming it and its name."""
    return (jurisdiction, fund if isinstance(fund, str) else fund.name)


def normalise_title(title: str) -> str:
    """Return ``title`` NFKC-normalised, without whitespace and 《》 (a fallback proposal key)."""
    return "".join(unicodedata.normalize("NFKC", title).split()).strip("《》")


def proposal_key(record: LetterRecord) -> str | None:
    """Key of the proposal a record is about, as one string, or None when nothing identifies it.

    The resolver may set ``record.proposal_key``; otherwise the key is
    ``jurisdiction|session|number`` when the number is known, else ``title|<normalised title>``.
    ``ids.iri("proposal", key)`` is its IRI.
    """
    given = getattr(record, "proposal_key", None)
    if given:
        return str(given)
    proposal = record.proposal
    if proposal.number:
        session = proposal.session.text if proposal.session else None
        parts: tuple[object, ...] = (record.jurisdiction, session, proposal.number)
    elif proposal.title:
        parts = ("title", normalise_title(proposal.title))
    else:
        return None
    return "|".join("" if p is None else str(p) for p in parts)


# --- literals (as N-Triples strings) ---


def _plain(value: str) -> str:
    return f'"{_escape(value)}"'


def _zh(value: str) -> str:
    return f'"{_escape(value)}"@zh'


@lru_cache(maxsize=65536)
def _count(n: int) -> str:
    """An ``xsd:integer`` literal ≥ 0 (offsets, orders, years).

    Not ``xsd:nonNegativeInteger``: Oxigraph stores every integer-derived type as
    ``xsd:integer``, and the graph must read the same from every store.
    """
    return f'"{n}"{_INTEGER}'


def _decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def decimal_literal(value: Decimal) -> Literal:
    """Return an exact ``xsd:decimal`` literal in plain notation (no exponent, no float).

    >>> decimal_literal(Decimal("18456.98") * 10000)
    rdflib.term.Literal('184569800', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal'))
    """
    return Literal(_decimal_text(value), datatype=XSD.decimal)


def _date_literal(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return f'"{date.fromisoformat(value).isoformat()}"{_DATE}'
    except ValueError:
        return None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


# --- the per-record builder ---


class _RecordGraph:
    """Collects the N-Quads lines of one record, without duplicates, in emission order.

    Every term is an N-Triples string: IRIs ``<…>``, literals ``"…"@zh`` / ``"…"^^<…>``.
    """

    def __init__(self, record: LetterRecord, text: str) -> None:
        self.record = record
        self.text = text
        self.rid = record.record_id
        self.graph = _n(ids.graph_iri(self.rid))
        self.letter = _n(ids.letter_iri(self.rid))
        self.jurisdiction = record.jurisdiction
        self.lines: list[str] = []
        self._seen: set[str] = set()
        self._mentions: dict[str, str] = {}  # mention key -> what it denotes
        self._emitted: set[str] = set()
        self._sentences: dict[object, str] = {}
        # mention and sentence IRIs are ids.local_iri(rid, kind, local): prefix + local
        self._mention_base = str(ids.local_iri(self.rid, "mention", ""))
        self._sentence_base = str(ids.local_iri(self.rid, "sentence", ""))
        self._bounds: list[int] | None = None
        self.proposal_key = proposal_key(record)
        self.proposal = _n(ids.iri("proposal", self.proposal_key)) if self.proposal_key else None
        self._agency_names, self._org_names = self._surface_maps()
        self._documents = self._document_map()

    def add(self, s: str, p: str, o: str) -> None:
        triple = f"{s} {p} {o}"
        if triple not in self._seen:
            self._seen.add(triple)
            self.lines.append(f"{triple} {self.graph} .\n")

    def _emit(self, s: str, *pairs: tuple[str, str]) -> None:
        """Lines for a node this builder creates once (a mention, a sentence): no dedup."""
        g = self.graph
        self.lines += [f"{s} {p} {o} {g} .\n" for p, o in pairs]

    # -- lookups --

    def _surface_maps(self) -> tuple[dict[str, str], dict[str, str]]:
        agencies: dict[str, str] = {}
        for agency in self.record.agencies:
            agencies.setdefault(agency.name, agency.name)
            for m in agency.mentions:
                agencies.setdefault(m.text, agency.name)
        orgs: dict[str, str] = {}
        for org in self.record.organizations:
            orgs.setdefault(org.name, org.name)
            for m in org.mentions:
                orgs.setdefault(m.text, org.name)
        return agencies, orgs

    def _document_map(self) -> dict[str, PolicyDocument]:
        """Documents by every name a measure may use: number, title, alias, resolver key."""
        found: dict[str, PolicyDocument] = {}
        for doc in self.record.policy_documents:
            names = [doc.number, doc.title, *doc.aliases]
            if doc.number:
                names.append(normalize(doc.number))
            if doc.title:
                names.append("title:" + "".join(normalize(doc.title).split()))
            for name in names:
                if name:
                    found.setdefault(name, doc)
        return found

    # -- provenance --

    def _segment_end(self, pos: int) -> int:
        """End of the sentence holding ``pos``: after its 。！？；, or before its line break."""
        bounds = self._bounds
        assert bounds is not None
        j = bisect_left(bounds, pos)
        if j == len(bounds):
            return len(self.text)
        b = bounds[j]
        return b if self.text[b] == "\n" else b + 1

    def _sentence(self, start: int, end: int) -> str:
        """Return the sentence around ``[start, end)``, emitting it on first use.

        A sentence is keyed by its start; when a mention runs past the sentence it starts in
        (a measure spanning paragraphs), the span it needs is keyed ``start-end`` instead.
        """
        text = self.text
        if self._bounds is None:
            self._bounds = [m.start() for m in SENTENCE_END.finditer(text)]
        i = bisect_left(self._bounds, start)
        s = self._bounds[i - 1] + 1 if i else 0
        while s < start and text[s].isspace():
            s += 1
        e = self._segment_end(s)
        while e > s + 1 and text[e - 1].isspace():
            e -= 1
        local: object = s
        if e < end:
            e = max(self._segment_end(end - 1), end)
            while e > end and text[e - 1].isspace():
                e -= 1
            local = f"{s}-{e}"
        sentence = self._sentences.get(local)
        if sentence is None:
            sentence = self._sentences[local] = _n(f"{self._sentence_base}{local}")
            self._emit(
                sentence,
                (TYPE, SENTENCE),
                (EXACT, _plain(text[s:e])),
                (START, _count(s)),
                (END, _count(e)),
                (IN_LETTER, self.letter),
            )
        return sentence

    def mention(
        self, start: int | None, end: int | None, denotes: str, expected: str | None = None
    ) -> None:
        """Emit a mention of ``denotes`` at ``[start, end)``: its exact text, offsets, sentence.

        A mention is typed by ``pol:denotes`` (its domain) and reaches its letter through
        its sentence, which saves two quads on the most numerous node of the graph. Spans
        that are empty, outside the text, or whose text differs from ``expected`` are
        skipped: provenance never points at the wrong characters.
        """
        if start is None or end is None or not 0 <= start < end <= len(self.text):
            return
        exact = self.text[start:end]
        if expected is not None and exact != expected:
            return
        local = f"{start}-{end}"
        n = 1
        while self._mentions.setdefault(local, denotes) != denotes:
            n += 1
            local = f"{start}-{end}.{n}"
        if local in self._emitted:
            return
        self._emitted.add(local)
        self._emit(
            _n(f"{self._mention_base}{local}"),
            (DENOTES, denotes),
            (EXACT, _plain(exact)),
            (START, _count(start)),
            (END, _count(end)),
            (IN_SENTENCE, self._sentence(start, end)),
        )

    def span(self, m: Mention | None, denotes: str) -> None:
        if m is not None:
            self.mention(m.start, m.end, denotes, m.text)

    # -- shared entities --

    def agency(
        self, name: str, jurisdiction: str | None = None, surface: str | None = None
    ) -> str:
        node = _n(ids.iri("agency", *agency_key(name)))
        self.add(node, TYPE, P.Agency)
        self.add(node, LABEL, _zh(name))
        if jurisdiction:
            self.add(node, P.jurisdiction, _plain(jurisdiction))
        if surface and surface != name:
            self.add(node, ALT_LABEL, _zh(surface))
        return node

    def agency_ref(self, ref: AgencyRef) -> str:
        node = self.agency(ref.name, ref.jurisdiction, ref.text)
        self.mention(ref.start, ref.end, node, ref.text)
        return node

    def organization(self, name: str) -> str:
        node = _n(ids.iri("org", name))
        self.add(node, TYPE, P.Organization)
        self.add(node, LABEL, _zh(name))
        return node

    def person(self, name: str) -> str:
        node = _n(ids.iri("person", self.jurisdiction, name))
        self.add(node, TYPE, P.Person)
        self.add(node, LABEL, _zh(name))
        if self.jurisdiction:
            self.add(node, P.jurisdiction, _plain(self.jurisdiction))
        return node

    def named_body(self, name: str) -> str | None:
        """An agency or organisation this record knows under ``name``, else None."""
        if name in self._agency_names:
            canonical = self._agency_names[name]
            return self.agency(canonical, surface=name)
        if name in self._org_names:
            return self.organization(self._org_names[name])
        return None

    def document(self, doc: PolicyDocument) -> str:
        node = _n(ids.iri("document", *document_key(doc)))
        self.add(node, TYPE, P.PolicyDocument)
        self.add(node, LABEL, _zh(doc.title or doc.number or ""))
        if doc.number:
            self.add(node, P.documentNumber, _plain(doc.number))
        if doc.title:
            self.add(node, TITLE, _zh(doc.title))
        for alias in doc.aliases:
            self.add(node, P.alias, _zh(alias))
        if doc.issuer:
            self.add(node, P.issuedBy, self.agency(doc.issuer, doc.jurisdiction))
        if doc.issuer_inferred:
            self.add(node, P.issuerInferred, TRUE)
        if doc.issuer_code:
            self.add(node, P.issuerCode, _plain(doc.issuer_code))
        if doc.year is not None:
            self.add(node, P.year, _count(doc.year))
        if doc.serial:
            self.add(node, P.serial, _plain(doc.serial))
        if doc.jurisdiction:
            self.add(node, P.jurisdiction, _plain(doc.jurisdiction))
        return node

    def document_ref(self, name: str) -> str:
        """The document a measure refers to by number, title, alias or ``title:<title>`` key."""
        doc = self._documents.get(name)
        if doc is None:
            kind, value = document_key(name.removeprefix("title:"))
            doc = PolicyDocument(
                value if kind == "no" else None, value if kind == "title" else None
            )
        return self.document(doc)

    def fund(self, name: str) -> str:
        node = _n(ids.iri("fund", *fund_key(name, self.jurisdiction)))
        self.add(node, TYPE, P.Fund)
        self.add(node, LABEL, _zh(name))
        return node

    def monetary_amount(self, node: str, value: Decimal, written: str | None) -> str:
        self.add(node, TYPE, MONETARY_AMOUNT)
        self.add(node, VALUE, f'"{_decimal_text(value)}"{_DECIMAL}')
        self.add(node, CURRENCY, CNY)
        if written:
            self.add(node, P.amountText, _plain(written))
        return node

    def local(self, kind: str, local: object) -> str:
        """A node that exists only inside this letter (a measure, an amount, a warning)."""
        return _n(ids.local_iri(self.rid, kind, local))


# --- the parts of a record ---


def _letter(b: _RecordGraph) -> None:
    r, letter = b.record, b.letter
    b.add(letter, TYPE, P.Letter)  # explicit, so queries need no RDFS inference
    b.add(letter, TYPE, KIND_CLASS.get(r.kind, P.Letter))
    b.add(letter, P.sourceFile, _plain(r.source_key))
    b.add(letter, P.contentHash, _plain(r.content_hash))
    b.add(letter, P.recordIndex, _count(r.record_index))
    if r.jurisdiction:
        b.add(letter, P.jurisdiction, _plain(r.jurisdiction))
    for i, warning in enumerate(r.warnings, 1):
        node = b.local("warning", i)
        b.add(letter, P.hasWarning, node)
        b.add(node, TYPE, P.DataQualityWarning)
        b.add(node, P.warningCode, _plain(warning.code))
        b.add(node, COMMENT, _plain(warning.message))
        b.mention(warning.start, warning.end, node)


def _reply(b: _RecordGraph) -> None:
    reply, letter = b.record.reply, b.letter
    if reply.agency is not None:
        b.add(letter, P.sentBy, b.agency_ref(reply.agency))
    day = _date_literal(reply.date)
    if day is not None:
        b.add(letter, DATE, day)
        b.span(reply.date_mention, day)
    for ref in reply.cc:
        b.add(letter, P.cc, b.agency_ref(ref))
    if reply.disclosure:
        disclosure = _zh(reply.disclosure)
        b.add(letter, P.disclosure, disclosure)
        b.span(reply.disclosure_mention, disclosure)
    if reply.self_document_number:
        b.add(letter, P.documentNumber, _plain(reply.self_document_number))


def _proposers(b: _RecordGraph) -> list[tuple[Mention, str]]:
    """Resolve the proposers to persons, agencies or organisations (by ``proposer_kind``)."""
    proposal = b.record.proposal
    found = []
    for m in proposal.proposers:
        node = None if proposal.proposer_kind == "person" else b.named_body(m.text)
        if node is None:
            node = b.agency(m.text) if proposal.proposer_kind == "body" else b.person(m.text)
        found.append((m, node))
    return found


def _addressee(b: _RecordGraph, proposers: list[tuple[Mention, str]]) -> None:
    """Link the letter to its addressee when it names a proposer or a known body."""
    m = b.record.reply.addressee
    if m is None:
        return
    node = next((n for p, n in proposers if p.text and p.text in m.text), None)
    if node is None:
        node = b.named_body(m.text)
    if node is None:
        inside = (
            a.name
            for a in b.record.agencies
            for am in a.mentions
            if m.start <= am.start and am.end <= m.end
        )
        name = next(inside, None)
        node = b.agency(name) if name else None
    if node is not None:
        b.add(b.letter, P.addressedTo, node)
        b.span(m, node)


def _session(b: _RecordGraph) -> str | None:
    session = b.record.proposal.session
    if session is None:
        return None
    node = _n(ids.iri("session", b.jurisdiction, session.text))
    b.add(node, TYPE, P.Session)
    b.add(node, LABEL, _zh(session.text))
    if session.body:
        b.add(node, P.sessionBody, _zh(session.body))
    if session.term is not None:
        b.add(node, P.term, _count(session.term))
    if session.meeting is not None:
        b.add(node, P.meeting, _count(session.meeting))
    b.mention(session.start, session.end, node, session.text)
    return node


def _proposal(b: _RecordGraph) -> None:
    proposal, node = b.record.proposal, b.proposal
    proposers = _proposers(b)
    _addressee(b, proposers)
    if node is None:
        return
    b.add(b.letter, KIND_LINK.get(b.record.kind, P.concerns), node)
    b.add(node, TYPE, P.Proposal)
    b.add(node, LABEL, _zh(proposal.title or f"第{proposal.number}号"))
    if proposal.number:
        b.add(node, P.proposalNumber, _plain(proposal.number))
        b.span(proposal.number_mention, node)
    for variant in proposal.number_variants:
        b.add(node, P.numberVariant, _plain(variant.text))
        b.span(variant, node)
    if proposal.title:
        b.add(node, TITLE, _zh(proposal.title))
        b.span(proposal.title_mention, node)
    session = _session(b)
    if session is not None:
        b.add(node, P.session, session)
    for m, agent in proposers:
        b.add(node, P.proposedBy, agent)
        b.span(m, agent)
    if proposal.handling_type:
        b.add(node, P.handlingType, _zh(proposal.handling_type))
    if proposal.lead_agency is not None:
        b.add(node, P.leadAgency, b.agency_ref(proposal.lead_agency))
    for ref in proposal.co_agencies:
        b.add(node, P.coAgency, b.agency_ref(ref))
    for suggestion in proposal.suggestions:
        sug = _suggestion(b, suggestion.index)
        b.add(sug, LABEL, _zh(suggestion.label))
        b.add(sug, P.text, _zh(suggestion.text))
        b.mention(suggestion.start, suggestion.end, sug)


def _suggestion(b: _RecordGraph, index: int) -> str:
    """The ``index``-th suggestion of this record's proposal (which must exist)."""
    assert b.proposal is not None
    node = _n(ids.iri("suggestion", b.proposal_key, index))
    b.add(b.proposal, P.hasSuggestion, node)
    b.add(node, TYPE, P.Suggestion)
    b.add(node, P.order, _count(index))
    return node


def _entities(b: _RecordGraph) -> None:
    r, letter = b.record, b.letter
    for doc in r.policy_documents:
        node = b.document(doc)
        b.add(letter, P.cites, node)
        for m in doc.mentions:
            b.span(m, node)
    for agency in r.agencies:
        node = b.agency(agency.name, agency.jurisdiction)
        b.add(letter, P.mentions, node)
        for m in agency.mentions:
            if m.text != agency.name:
                b.add(node, ALT_LABEL, _zh(m.text))
            b.span(m, node)
    for org in r.organizations:
        node = b.organization(org.name)
        b.add(letter, P.mentions, node)
        for m in org.mentions:
            b.span(m, node)
    amounts: _AmountIndex = {}
    for amount in r.amounts:
        node = b.local("amount", amount.start)
        amounts.setdefault((amount.text, amount.value_cny), []).append((amount.start, node))
        b.add(letter, P.reportsAmount, b.monetary_amount(node, amount.value_cny, amount.text))
        b.mention(amount.start, amount.end, node, amount.text)
    for fund in r.funds:
        node = b.fund(fund.name)
        b.add(letter, P.mentions, node)
        for m in fund.mentions:
            b.span(m, node)
        if fund.amount_cny is not None:
            b.add(node, P.amount, _fund_amount(b, fund, fund.amount_cny, amounts))


def _fund_amount(b: _RecordGraph, fund: Fund, value: Decimal, amounts: _AmountIndex) -> str:
    """The amount node of a fund: the stated amount nearest its first mention, else a new one."""
    candidates = amounts.get((fund.amount, value)) or [
        found for (_, v), nodes in amounts.items() if v == value for found in nodes
    ]
    if candidates:
        anchor = fund.mentions[0].start if fund.mentions else 0
        return min(candidates, key=lambda c: (abs(c[0] - anchor), c[0]))[1]
    node = b.local("amount", f"fund-{ids.key_hash(fund.name)}")
    return b.monetary_amount(node, value, fund.amount)


def _measures(b: _RecordGraph) -> None:
    r, text = b.record, b.text
    paths = {m.path for m in r.measures}
    for i, measure in enumerate(r.measures, 1):
        node = b.local("measure", measure.path)
        b.add(b.letter, P.hasMeasure, node)
        b.add(node, TYPE, P.Measure)
        b.add(node, LABEL, _zh(_short(f"{measure.label}{measure.title}")))
        b.add(node, P.text, _zh(text[measure.start : measure.end]))
        last = measure.path.rsplit(".", 1)[-1]
        b.add(node, P.order, _count(int(last) if last.isdigit() else i))
        parent = measure.path.rpartition(".")[0]
        if parent in paths:
            b.add(node, P.partOf, b.local("measure", parent))
        if measure.suggestion_index is not None and b.proposal is not None:
            b.add(node, P.respondsTo, _suggestion(b, measure.suggestion_index))
        for name in measure.documents:
            b.add(node, P.cites, b.document_ref(name))
        for name in measure.funds:
            b.add(node, P.mentions, b.fund(name))
        for name in measure.agencies:
            b.add(node, P.mentions, b.agency(name))
        b.mention(measure.start, measure.end, node)


# --- public API ---


def record_nquads(record: LetterRecord, text: str) -> str:
    """Every quad one record says, as N-Quads, in graph ``ids.graph_iri(record.record_id)``.

    ``text`` is the decoded text of the record's source file (the offsets refer to it).
    No duplicates, no blank nodes; the same record and text always give the same lines in
    the same order. This is the fast path into a store.
    """
    b = _RecordGraph(record, text)
    _letter(b)
    _reply(b)
    _proposal(b)
    _entities(b)
    _measures(b)
    return "".join(b.lines)


def record_quads(record: LetterRecord, text: str) -> Iterator[Quad]:
    """Yield the quads of ``record_nquads`` as rdflib terms (for rdflib users and tests)."""
    for line in record_nquads(record, text).splitlines():
        yield _parse_line(line)


_LITERAL = re.compile(r'"(.*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?\Z', re.DOTALL)
_UNESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|(.))")
_UNESCAPED = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return _UNESCAPE.sub(lambda m: chr(int(m[1], 16)) if m[1] else _UNESCAPED[m[2]], text)


def _term(text: str) -> Node:
    if text.startswith("<"):
        return URIRef(_unescape(text[1:-1]))
    m = _LITERAL.match(text)
    assert m is not None, text
    return Literal(_unescape(m[1]), lang=m[2], datatype=URIRef(m[3]) if m[3] else None)


def _parse_line(line: str) -> Quad:
    """One of our own N-Quads lines as rdflib terms (subject, predicate, graph are IRIs)."""
    s, p, rest = line.split(" ", 2)
    o, g, _ = rest.rsplit(" ", 2)
    return _term(s), _term(p), _term(o), URIRef(_unescape(g[1:-1]))  # type: ignore[return-value]


def new_dataset() -> Dataset:
    """Return an empty rdflib ``Dataset`` with the policykg prefixes bound."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, replace=True)
    return ds


def build_dataset(records: Iterable[tuple[LetterRecord, str]]) -> Dataset:
    """Return a ``Dataset`` holding one named graph per ``(record, source text)`` pair."""
    ds = new_dataset()
    for record, text in records:
        graph = ds.graph(ids.graph_iri(record.record_id))
        graph.addN((s, p, o, graph) for s, p, o, _ in record_quads(record, text))
    return ds


# --- deterministic serialisation ---
#
# A small writer of its own rather than rdflib's: rdflib orders TriG graphs by store iteration
# (hash order), and its serialisers cost more than building the quads. Every term is written
# once to a string; output is sorted on those strings, so it depends only on the data.

FORMATS = ("turtle", "trig", "nt", "nquads")
_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_PREFIX_ORDER = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))
_PREFIXED = tuple(f"<{ns}" for ns in PREFIXES.values())
def _iri_text(iri: str, compact: bool) -> str:
    """``pol:Agency`` (when ``compact`` and a prefix fits) or ``<…>``."""
    if compact:
        for prefix, ns in _PREFIX_ORDER:
            if iri.startswith(ns) and _LOCAL_NAME.match(iri, len(ns)):
                return f"{prefix}:{iri[len(ns) :]}"
    return f"<{iri.translate(_IRI_ESCAPES)}>"


class _TermWriter:
    """Writes terms in Turtle (``compact``) or N-Triples form, caching IRIs."""

    def __init__(self, compact: bool) -> None:
        self.compact = compact
        self._iris: dict[str, str] = {}

    def __call__(self, term: Node) -> str:
        cls = type(term)
        if cls is URIRef or cls is BNode:
            key = str(term)
            text = self._iris.get(key)
            if text is None:
                text = f"_:{key}" if cls is BNode else _iri_text(key, self.compact)
                self._iris[key] = text
            return text
        if isinstance(term, Literal):
            return self.literal(term)
        if isinstance(term, BNode):
            return f"_:{term}"
        return self(URIRef(str(term)))

    def literal(self, term: Literal) -> str:
        text = f'"{_escape(str(term))}"'
        if term.language:
            return f"{text}@{term.language}"
        datatype = term.datatype
        if datatype is None or datatype == XSD_STRING:
            return text
        return f"{text}^^{self(datatype)}"


def _quads_of(graph: Graph) -> Iterator[tuple[Node, Node, Node, Node]]:
    """The quads of a Dataset, or the triples of a Graph in the default graph."""
    if isinstance(graph, Dataset):
        for s, p, o, g in graph.quads((None, None, None, None)):
            yield s, p, o, g if g is not None else DATASET_DEFAULT_GRAPH_ID
    else:
        for s, p, o in graph.triples((None, None, None)):
            yield s, p, o, DATASET_DEFAULT_GRAPH_ID


def serialize_sorted(graph: Graph, format: str = "turtle") -> str:
    """Serialise ``graph`` (a Graph or Dataset) deterministically; see ``serialize_quads``."""
    return serialize_quads(_quads_of(graph), format)


def serialize_quads(quads: Iterable[tuple[Node, Node, Node, Node]], format: str = "turtle") -> str:
    """Serialise quads with graphs, subjects, predicates and objects sorted, duplicates dropped.

    The output depends only on the quads, never on their order or the process hash seed, so
    the same letters always give byte-identical files. ``format`` is ``turtle`` or ``nt`` (the
    union of all graphs), ``trig`` or ``nquads``. Prefixes are those of ``PREFIXES``. Feeding
    ``record_quads`` straight in skips building an rdflib Dataset, which costs more than both.

    Raises:
        ValueError: for any other format.

    >>> agency = ids.iri("agency", "深圳市财政局")
    >>> serialize_quads([(agency, RDF.type, POL.Agency, ids.graph_iri("g"))], "nquads")  # doctest: +ELLIPSIS
    '<https://w3id.org/policykg/id/agency/...> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/policykg/ontology#Agency> <https://w3id.org/policykg/id/graph/g> .\\n'
    """
    _check_format(format)
    write = _TermWriter(format in ("turtle", "trig"))
    default = write(DATASET_DEFAULT_GRAPH_ID)
    named = format in ("trig", "nquads")
    groups: dict[str, set[tuple[str, str, str]]] = {}
    for s, p, o, g in quads:
        name = write(g) if named else ""
        group = groups.get(name)
        if group is None:
            group = groups[name] = set()
        group.add((write(s), write(p), write(o)))
    if default in groups:
        groups[""] = groups.pop(default) | groups.get("", set())
    return _write_groups(groups, format)


def serialize_nquads(nquads: str, format: str = "turtle") -> str:
    """``serialize_quads`` for N-Quads text (a store's dump, ``record_nquads`` output).

    Works on the text of the terms, never building rdflib objects, so a store of millions
    of quads is written sorted in seconds. Lines must be N-Quads with a graph name.

    >>> line = '<https://w3id.org/policykg/id/a> <http://www.w3.org/2000/01/rdf-schema#label> "甲"@zh <https://w3id.org/policykg/id/graph/g> .\\n'
    >>> print(serialize_nquads(line + line, "turtle"), end="")  # doctest: +ELLIPSIS
    @prefix dcterms: ...
    <BLANKLINE>
    <https://w3id.org/policykg/id/a>
        rdfs:label "甲"@zh .
    """
    _check_format(format)
    groups = _nquads_groups(nquads, format in ("turtle", "trig"), format in ("trig", "nquads"))
    return _write_groups(groups, format)


def turtle_and_trig(nquads: str) -> tuple[str, str]:
    """``serialize_nquads(nquads, "turtle")`` and ``(…, "trig")``, parsing the text once."""
    groups = _nquads_groups(nquads, compact=True, named=True)
    union: set[tuple[str, str, str]] = set().union(*groups.values())
    return _write_groups({"": union}, "turtle"), _write_groups(groups, "trig")


def _nquads_groups(nquads: str, compact: bool, named: bool) -> dict[str, set[tuple[str, str, str]]]:
    """Written-out (Turtle when ``compact``) triples by graph name ("" unless ``named``)."""
    terms: dict[str, str] = {}

    def term(text: str) -> str:
        found = terms.get(text)
        if found is None:
            found = terms[text] = _compact(text) if compact else text
        return found

    groups: dict[str, set[tuple[str, str, str]]] = {}
    for line in nquads.splitlines():
        if not line:
            continue
        s, p, rest = line.split(" ", 2)
        o, g, _ = rest.rsplit(" ", 2)
        name = term(g) if named else ""
        group = groups.get(name)
        if group is None:
            group = groups[name] = set()
        if o[0] == "<":
            o = term(o)
        elif compact and "^^<" in o:
            o = _compact(o)
        group.add((term(s), term(p), o))
    return groups


def _compact(term: str) -> str:
    """An N-Triples term in Turtle: prefixed names for IRIs and datatypes where they fit."""
    if term.startswith("<"):
        if term.startswith(_PREFIXED) and "\\" not in term:
            return _iri_text(term[1:-1], True)
        return term
    lexical, sep, datatype = term.rpartition("^^")
    if sep and datatype.startswith("<") and lexical.endswith('"'):
        return f"{lexical}^^{_compact(datatype)}"
    return term


def _check_format(format: str) -> None:
    if format not in FORMATS:
        raise ValueError(f"unsupported format {format!r}; use {', '.join(FORMATS)}")


def _write_groups(groups: dict[str, set[tuple[str, str, str]]], format: str) -> str:
    """Write written-out triples by graph name ("" = default graph), everything sorted."""
    if format in ("nt", "nquads"):
        lines = sorted(
            f"{s} {p} {o} {name} .\n" if name else f"{s} {p} {o} .\n"
            for name, triples in groups.items()
            for s, p, o in triples
        )
        return "".join(lines)
    out = [f"@prefix {prefix}: <{ns}> .\n" for prefix, ns in sorted(PREFIXES.items())]
    for name in sorted(groups):
        if format == "turtle":
            out.append("\n")
            out.extend(_turtle_block(groups[name], ""))
        else:
            out.append(f"\n{name} {{\n" if name else "\n{\n")
            out.extend(_turtle_block(groups[name], "    "))
            out.append("}\n")
    return "".join(out)


def _turtle_block(triples: Iterable[tuple[str, str, str]], indent: str) -> list[str]:
    """Subject blocks (``s\\n    p o , o ;\\n    p o .``) separated by blank lines."""
    a = _iri_text(TYPE, True)
    by_subject: dict[str, dict[str, list[str]]] = {}
    for s, p, o in triples:
        by_subject.setdefault(s, {}).setdefault("a" if p == a else p, []).append(o)
    blocks = []
    for s in sorted(by_subject):
        predicates = by_subject[s]
        order = sorted(predicates, key=lambda p: (p != "a", p))
        body = f" ;\n{indent}    ".join(f"{p} {' , '.join(sorted(predicates[p]))}" for p in order)
        blocks.append(f"{indent}{s}\n{indent}    {body} .\n")
    return ["\n".join(blocks)]
