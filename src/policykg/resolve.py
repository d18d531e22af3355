"""Stage 3 — resolve: who and what the extracted names denote, within and across letters.

Within a letter: the letter's jurisdiction (from its signatory), canonical agency names
(市工业和信息化局 and 我局 in a Shenzhen letter → 深圳市工业和信息化局), document issuers
from their 机关代字, and what each measure mentions. Across letters: one proposal per
real proposal (a form and its reply share it), and each reply section linked to the
suggestion it answers.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from .gazetteer import Gazetteer, Region, load_gazetteer
from .model import Agency, AgencyRef, LetterRecord, Mention
from .read import normalize

# Pronouns that stand for the signing agency (我局, 本厅 …): mentions, never names.
PRONOUN = re.compile(r"(我|本)(局|厅|委|办|部|署|院|中心|单位|司|会)")


def resolve_record(record: LetterRecord, text: str, gaz: Gazetteer | None = None) -> None:
    """Resolve one record in place: jurisdiction, agencies, roles, issuers, measures."""
    gaz = gaz or load_gazetteer()
    region = _letter_region(record, gaz)
    record.jurisdiction = region.name if region else None
    _canonical_agencies(record, gaz, region)
    for ref in _roles(record):
        _resolve_ref(ref, gaz, region)
    _add_pronoun_mentions(record, text)
    _resolve_issuers(record, gaz, region)
    _link_measures(record)


def _letter_region(record: LetterRecord, gaz: Gazetteer) -> Region | None:
    """The letter's own jurisdiction: its signatory's, else the commonest named region."""
    for ref in (record.reply.agency, record.proposal.lead_agency):
        if ref is not None:
            region = gaz.region_prefix(normalize(ref.text))
            if region is not None:
                return region
    counts: Counter[str] = Counter()
    found: dict[str, Region] = {}
    for agency in record.agencies:
        region = gaz.region_prefix(normalize(agency.name))
        if region is not None:
            counts[region.name] += len(agency.mentions)
            found[region.name] = region
    if counts:
        return found[counts.most_common(1)[0][0]]
    return None


def _canonical_agencies(record: LetterRecord, gaz: Gazetteer, region: Region | None) -> None:
    merged: dict[str, Agency] = {}
    for agency in record.agencies:
        match = gaz.canonical_agency(normalize(agency.name), region)
        name = match.name if match else agency.name
        target = merged.get(name)
        if target is None:
            target = merged[name] = Agency(
                name=name,
                jurisdiction=match.jurisdiction if match else None,
                known=bool(match and match.known),
            )
        target.mentions.extend(agency.mentions)
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
    match = gaz.canonical_agency(normalize(ref.text), region)
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


def _resolve_issuers(record: LetterRecord, gaz: Gazetteer, region: Region | None) -> None:
    for doc in record.policy_documents:
        if not doc.issuer_code:
            continue
        issuer = gaz.issuer_for_code(doc.issuer_code, region)
        if issuer is not None:
            doc.issuer, doc.jurisdiction, doc.issuer_inferred = issuer.name, issuer.jurisdiction, issuer.inferred


def _link_measures(record: LetterRecord) -> None:
    """Each measure lists the documents, funds and agencies mentioned inside its span."""
    for measure in record.measures:
        lo, hi = measure.start, measure.end

        def inside(mentions: list[Mention], lo: int = lo, hi: int = hi) -> bool:
            return any(lo <= m.start and m.end <= hi for m in mentions)

        measure.documents = [d.number or d.title or "" for d in record.policy_documents if inside(d.mentions)]
        measure.funds = [f.name for f in record.funds if inside(f.mentions)]
        measure.agencies = [a.name for a in record.agencies if inside(a.mentions)]


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
    _link_suggestions(records)


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
