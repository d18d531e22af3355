"""Stage 3 — resolve: who and what the extracted names denote, within and across letters.

Within a letter: the letter's jurisdiction (from its signatory), canonical agency names
(市工业和信息化局 and 我局 in a Shenzhen letter → 深圳市工业和信息化局), document issuers
from their 机关代字, and what each measure mentions. Across letters: one proposal per
real proposal (a form and its reply share it), and each reply section linked to the
suggestion it answers.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from .extract.base import gazetteer_lookup
from .extract.entities import region_names
from .gazetteer import Gazetteer, Region, load_gazetteer
from .model import Agency, AgencyRef, LetterRecord, Mention, PolicyDocument
from .read import normalize


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    """``normalize`` for the short names looked up again and again."""
    return normalize(text)


# Pronouns that stand for the signing agency (我局, 本厅 …): mentions, never names.
PRONOUN = re.compile(r"(我|本)(局|厅|委|办|部|署|院|中心|单位|司|会)")


def resolve_record(
    record: LetterRecord, text: str, gaz: Gazetteer | None = None, region: Region | None = None
) -> None:
    """Resolve one record in place: jurisdiction, agencies, roles, issuers, measures.

    ``region`` overrides the jurisdiction read from the letter (used when a proposal form
    is matched to a reply whose signatory says where it was filed). Running it again on
    the same record gives the same result.
    """
    gaz = gaz or load_gazetteer()
    norm = normalize(text)
    region = region or _letter_region(record, norm, gaz)
    record.jurisdiction = region.name if region else None
    _canonical_agencies(record, gaz, region)
    for ref in _roles(record):
        _resolve_ref(ref, gaz, region)
    _add_pronoun_mentions(record, text)
    _resolve_issuers(record, norm, gaz, region)
    _link_measures(record)


def _letter_region(record: LetterRecord, norm: str, gaz: Gazetteer) -> Region | None:
    """The letter's own jurisdiction: its signatory's or lead unit's, else the region the
    letter names most often (深圳 eight times and 北京 twice make a Shenzhen letter)."""
    for ref in (record.reply.agency, record.proposal.lead_agency):
        if ref is not None:
            region = gazetteer_lookup(gaz, "region_prefix", _fold(ref.text))
            if region is not None:
                return region
    counts: Counter[str] = Counter()
    found: dict[str, Region] = {}
    for start, end in region_names().spans(norm, record.start, record.end):
        region = gazetteer_lookup(gaz, "region", norm[start:end])
        if region is not None and region.level != "national":
            counts[region.name] += 1
            found[region.name] = region
    if counts:
        return found[counts.most_common(1)[0][0]]
    return None


def _canonical_agencies(record: LetterRecord, gaz: Gazetteer, region: Region | None) -> None:
    """Group every mention under its canonical agency (by surface form, so it can re-run)."""
    merged: dict[str, Agency] = {}
    for mention in (m for a in record.agencies for m in a.mentions):
        if mention.text[:1] in "我本" and PRONOUN.fullmatch(mention.text):
            continue  # added back for the signatory by _add_pronoun_mentions
        match = gazetteer_lookup(gaz, "canonical_agency", _fold(mention.text), region)
        name = match.name if match else mention.text
        target = merged.get(name)
        if target is None:
            target = merged[name] = Agency(
                name=name,
                jurisdiction=match.jurisdiction if match else None,
                known=bool(match and match.known),
            )
        target.mentions.append(mention)
    for agency in merged.values():
        agency.mentions.sort(key=lambda m: m.start)
    record.agencies[:] = sorted(merged.values(), key=lambda a: a.mentions[0].start)


def _roles(record: LetterRecord) -> Iterable[AgencyRef]:
    p, r = record.proposal, record.reply
    if r.agency:
        yield r.agency
    if p.lead_agency:
        yield p.lead_agency
    yield from p.co_agencies
    yield from r.cc


def _resolve_ref(ref: AgencyRef, gaz: Gazetteer, region: Region | None) -> None:
    match = gazetteer_lookup(gaz, "canonical_agency", _fold(ref.text), region)
    if match:
        ref.name, ref.jurisdiction = match.name, match.jurisdiction


def _add_pronoun_mentions(record: LetterRecord, text: str) -> None:
    """我局 / 本厅 in the body are mentions of the signing agency."""
    signer = record.reply.agency
    if signer is None:
        return
    agency = next((a for a in record.agencies if a.name == signer.name), None)
    if agency is None:
        agency = Agency(name=signer.name, jurisdiction=signer.jurisdiction)
        agency.mentions.append(Mention(signer.text, signer.start, signer.end))
        record.agencies.append(agency)
    suffix = signer.name[-1:]
    for m in PRONOUN.finditer(text, record.start, record.end):
        if m.group(2) == suffix or m.group(2) == "单位":
            agency.mentions.append(Mention(m.group(0), m.start(), m.end()))
    agency.mentions.sort(key=lambda m: m.start)


# 市疫情防控指挥部办公室印发《…》: the agency right before a verb of issuing, then the title.
_ISSUING = re.compile(
    r"\s*(?:于\s*[\d年月日]{2,12}\s*)?(?:联合|修订|正式|先后|已|还)?(?:印发|发布|出台|制定|下发|颁布|引发)了?\s*$"
)


def _resolve_issuers(record: LetterRecord, norm: str, gaz: Gazetteer, region: Region | None) -> None:
    """A document's issuer: the agency the letter says issued it, else its number's code."""
    ends = {m.end: a for a in record.agencies for m in a.mentions}
    for doc in record.policy_documents:
        stated = _stated_issuer(doc, norm, ends)
        if stated is not None:
            doc.issuer, doc.jurisdiction, doc.issuer_inferred = stated.name, stated.jurisdiction, False
            continue
        if not doc.issuer_code:
            continue
        issuer = gazetteer_lookup(gaz, "issuer_for_code", doc.issuer_code, region)
        if issuer is not None:
            doc.issuer, doc.jurisdiction, doc.issuer_inferred = issuer.name, issuer.jurisdiction, issuer.inferred


_ISSUING_VERBS = ("印发", "发布", "出台", "制定", "下发", "颁布", "引发")


def _may_end_issuing(before: str) -> bool:
    """False when _ISSUING cannot match: a match ends with a verb, 了? and white space."""
    tail = before.rstrip()
    return tail.removesuffix("了").endswith(_ISSUING_VERBS)


def _stated_issuer(doc: PolicyDocument, norm: str, ends: dict[int, Agency]) -> Agency | None:
    for mention in doc.mentions:
        if not mention.text.startswith("《"):
            continue
        before = norm[max(0, mention.start - 24) : mention.start]
        m = _ISSUING.search(before) if _may_end_issuing(before) else None
        if m is None:
            continue
        agency_end = mention.start - len(before) + m.start()
        agency = ends.get(agency_end)
        if agency is not None:
            return _lead_issuer(agency, agency_end, norm, ends)
    return None


_JOINTLY = re.compile(r"(?:会同|联合|与|和|及|、)\s*$")


def _lead_issuer(agency: Agency, end: int, norm: str, ends: dict[int, Agency]) -> Agency:
    """我局会同市工信局印发《…》: of joint issuers, the first named leads."""
    start = next(m.start for m in agency.mentions if m.end == end)
    m = _JOINTLY.search(norm, max(0, start - 4), start)
    if m is not None and m.start() in ends:
        return _lead_issuer(ends[m.start()], m.start(), norm, ends)
    return agency


def _link_measures(record: LetterRecord) -> None:
    """Each measure lists the documents, funds and agencies mentioned inside its span."""
    if not record.measures:
        return
    groups = (
        ("documents", [d.number or d.title or "" for d in record.policy_documents], record.policy_documents),
        ("funds", [f.name for f in record.funds], record.funds),
        ("agencies", [a.name for a in record.agencies], record.agencies),
    )
    for field, names, entities in groups:
        order = list(dict.fromkeys(names))  # unique, in the order the record lists them
        rank = {name: i for i, name in enumerate(order)}
        spans = sorted((m.start, m.end, rank[name]) for name, e in zip(names, entities, strict=True) for m in e.mentions)
        starts = [s for s, _, _ in spans]
        for measure in record.measures:
            end = measure.end  # the spans inside: starting in [start, end), ending by end
            lo, hi = bisect_left(starts, measure.start), bisect_left(starts, end)
            found = {r for _, e, r in spans[lo:hi] if e <= end} if lo < hi else ()
            # in the order the record lists its entities (stable output)
            setattr(measure, field, [order[r] for r in sorted(found)])


# ---------------------------------------------------------------- across letters


def title_key(title: str | None) -> str | None:
    """A title folded for matching across letters (spaces, quotes, 《》 dropped)."""
    if not title:
        return None
    return re.sub(r"[\s《》“”\"'，,。]", "", normalize(title))


def link_corpus(records: list[LetterRecord]) -> None:
    """Give every record its proposal key, so one proposal is one node across letters.

    A numbered proposal is keyed by jurisdiction, session and number. A record with no
    number (a proposal form, say) takes the key of a numbered record with the same
    title when the corpus has one, else a title key.
    """
    by_title: dict[str, str] = {}
    for rec in records:
        p = rec.proposal
        if p.number:
            session = p.session.text if p.session else ""
            rec.proposal_key = f"{rec.jurisdiction or ''}|{session}|{p.number}"
            key = title_key(p.title)
            if key:
                by_title.setdefault(key, rec.proposal_key)
    for rec in records:
        if rec.proposal_key is None:
            key = title_key(rec.proposal.title)
            if key:
                rec.proposal_key = by_title.get(key, f"title|{key}")
    gaz = load_gazetteer()
    for i, name in shared_jurisdictions(records).items():
        region = gaz.region(name)
        if region is not None:
            adopt_jurisdiction(records[i], region, gaz)
    _link_suggestions(records)


def adopt_jurisdiction(record: LetterRecord, region: Region, gaz: Gazetteer) -> None:
    """Re-resolve a record's names under another jurisdiction (a form, once its reply is known)."""
    record.jurisdiction = region.name
    _canonical_agencies(record, gaz, region)
    for ref in _roles(record):
        ref.name, ref.jurisdiction = ref.text, None
        _resolve_ref(ref, gaz, region)
    for doc in record.policy_documents:
        if doc.issuer_code and doc.issuer_inferred:
            issuer = gazetteer_lookup(gaz, "issuer_for_code", doc.issuer_code, region)
            if issuer is not None:
                doc.issuer, doc.jurisdiction = issuer.name, issuer.jurisdiction
    _link_measures(record)


def shared_jurisdictions(records: list[LetterRecord]) -> dict[int, str]:
    """Records whose proposal is answered by a signed reply in another jurisdiction.

    A proposal form says little about where it was filed; the reply's signatory does.
    Returns {index in ``records``: the reply's jurisdiction} for the records to re-resolve.
    """
    signed = {
        r.proposal_key: r.jurisdiction
        for r in records
        if r.kind == "reply" and r.proposal_key and r.jurisdiction and r.reply.agency
    }
    return {
        i: signed[r.proposal_key]
        for i, r in enumerate(records)
        if r.kind == "proposal" and r.proposal_key in signed and r.jurisdiction != signed[r.proposal_key]
    }


def _link_suggestions(records: list[LetterRecord]) -> None:
    """Link each top-level section of a reply to the suggestion of its proposal it answers."""
    suggestions: dict[str, list] = {}
    for rec in records:
        if rec.proposal.suggestions and rec.proposal_key:
            suggestions.setdefault(rec.proposal_key, rec.proposal.suggestions)
    for rec in records:
        found = suggestions.get(rec.proposal_key or "")
        if rec.kind != "reply" or not found:
            continue
        top = [m for m in rec.measures if m.level == 1]
        for i, measure in enumerate(top):
            best = max(found, key=lambda s: _similarity(s.text, measure.title))
            if _similarity(best.text, measure.title) >= 0.3:
                measure.suggestion_index = best.index
            elif len(top) == len(found):
                measure.suggestion_index = found[i].index


def _similarity(a: str, b: str) -> float:
    """Character-bigram Jaccard similarity — robust to rewording of the same suggestion."""
    grams_a = {a[i : i + 2] for i in range(len(a) - 1)}
    grams_b = {b[i : i + 2] for i in range(len(b) - 1)}
    if not grams_a or not grams_b:
        return 0.0
    return len(grams_a & grams_b) / len(grams_a | grams_b)
