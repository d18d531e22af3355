"""The same letter as text, HTML page, DOCX and PDF (and in other encodings) gives the same facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg.pipeline import extract_one

FORMATS = Path(__file__).parent / "data" / "formats"
VARIANTS = [
    "page.html", "page.gb2312.html", "letter.docx", "letter.pdf", "letter.gbk.txt",
    "letter.utf16le-bom.txt", "letter.utf16be-nobom.txt", "letter.utf8-bom.txt", "letter.crlf.txt",
]  # fmt: skip


def facts(path: Path) -> dict:
    """What a reader of the letter would list, independent of offsets and layout."""
    _, records, _ = extract_one(path, path.name)
    (r,) = records
    return {
        "kind": r.kind,
        "number": r.proposal.number,
        "session": r.proposal.session.text if r.proposal.session else None,
        "title": r.proposal.title,
        "proposers": [m.text for m in r.proposal.proposers],
        "signatory": r.reply.agency.name if r.reply.agency else None,
        "date": r.reply.date,
        "cc": [c.name for c in r.reply.cc],
        "disclosure": r.reply.disclosure,
        "documents": sorted((d.number or "", d.title or "", d.issuer or "") for d in r.policy_documents),
        "amounts": sorted(a.value_cny for a in r.amounts),
        "funds": sorted((f.name, f.amount_cny or 0) for f in r.funds),
        "agencies": sorted(a.name for a in r.agencies),
        "organizations": sorted(o.name for o in r.organizations),
        "measures": [(m.path, m.label) for m in r.measures],
    }


@pytest.fixture(scope="module")
def reference() -> dict:
    return facts(FORMATS / "letter.txt")


def test_reference_has_the_facts(reference):
    assert reference["number"] == "20210208" and reference["date"] == "2021-08-04"
    assert ("深工信规〔2020〕4号", "深圳市中小微企业银行贷款风险补偿资金池管理实施细则", "深圳市工业和信息化局") in reference["documents"]


@pytest.mark.parametrize("name", VARIANTS)
def test_variant_extracts_the_same_facts(reference, name):
    got = facts(FORMATS / name)
    assert {k: v for k, v in got.items() if v != reference[k]} == {}
