"""Evaluation: compare extraction with hand-made gold files, field by field.

Matching is by meaning, not bytes: full-width folded, spaces dropped, document-number
brackets normalised to 〔〕, and an agency matches by its surface form or canonical name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import LetterRecord
from .read import normalize
from .resolve import PRONOUN

FIELDS = (
    "kind", "proposal_number", "number_variants", "session", "proposal_title", "proposers",
    "handling_agencies", "replying_agency", "reply_date", "cc", "disclosure",
    "document_numbers", "document_titles", "document_pairs", "self_document_number",
    "fund_names", "fund_amounts", "amounts", "agencies", "organizations", "suggestions",
)  # fmt: skip


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)  # (letter, value)
    extras: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    fields: dict[str, FieldScore]
    letters: int

    @property
    def macro_f1(self) -> float:
        scored = [s for s in self.fields.values() if s.tp + s.fp + s.fn]
        return sum(s.f1 for s in scored) / len(scored) if scored else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "letters": self.letters,
            "macro_f1": round(self.macro_f1, 4),
            "fields": {
                name: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "tp": s.tp, "fp": s.fp, "fn": s.fn,
                    "misses": s.misses, "extras": s.extras,
                }  # fmt: skip
                for name, s in self.fields.items()
            },
        }


def canon(value: str | None) -> str:
    """Fold a value for comparison: half-width, no spaces/quotes, 〔〕 brackets."""
    if value is None:
        return ""
    v = normalize(value)
    v = re.sub(r"[\s《》〈〉“”\"']", "", v)
    v = re.sub(r"[\[［【(（]((?:19|20)\d{2})[\]］】)）〕]", r"〔\1〕", v)
    return v


def gold_values(gold: dict[str, Any], name: str) -> set[str]:
    """The gold file's values for one evaluated field, canonicalised."""
    docs = gold.get("policy_documents") or []
    getters: dict[str, Any] = {
        "kind": lambda: [gold.get("kind")],
        "proposal_number": lambda: [gold.get("proposal_number")],
        "number_variants": lambda: gold.get("number_variants") or [],
        "session": lambda: [gold.get("session")],
        "proposal_title": lambda: [gold.get("proposal_title")],
        "proposers": lambda: gold.get("proposers") or [],
        "handling_agencies": lambda: [f"lead:{gold.get('lead_agency')}"] * bool(gold.get("lead_agency"))
        + [f"co:{a}" for a in gold.get("co_agencies") or []],
        "replying_agency": lambda: [gold.get("replying_agency")],
        "reply_date": lambda: [gold.get("reply_date")],
        "cc": lambda: gold.get("cc") or [],
        "disclosure": lambda: [gold.get("disclosure")],
        "document_numbers": lambda: [d["number"] for d in docs if d.get("number")],
        "document_titles": lambda: [d["title"] for d in docs if d.get("title")],
        "document_pairs": lambda: [f"{d['number']}={d['title']}" for d in docs if d.get("number") and d.get("title")],
        "self_document_number": lambda: [gold.get("self_document_number")],
        "fund_names": lambda: [f["name"] for f in gold.get("funds") or []],
        "fund_amounts": lambda: [f"{f['name']}={f['amount']}" for f in gold.get("funds") or [] if f.get("amount")],
        "amounts": lambda: gold.get("amounts") or [],
        "agencies": lambda: gold.get("agencies") or [],
        "organizations": lambda: gold.get("organizations") or [],
        "suggestions": lambda: [s["text"] for s in gold.get("suggestions") or []],
    }
    return {canon(v) for v in getters[name]() if v}


def predicted_values(rec: dict[str, Any], name: str) -> set[str]:
    """The extraction's values (from ``LetterRecord.to_json()``) for one field."""
    p, r = rec["proposal"], rec["reply"]
    docs = rec["policy_documents"]

    def agency_text(ref: dict[str, Any] | None) -> str | None:
        return ref["text"] if ref else None

    getters: dict[str, Any] = {
        "kind": lambda: [rec["kind"]],
        "proposal_number": lambda: [p["number"]],
        "number_variants": lambda: [v["text"] for v in p["number_variants"]],
        "session": lambda: [p["session"]["text"] if p["session"] else None],
        "proposal_title": lambda: [p["title"]],
        "proposers": lambda: [m["text"] for m in p["proposers"]],
        "handling_agencies": lambda: [f"lead:{agency_text(p['lead_agency'])}"] * bool(p["lead_agency"])
        + [f"co:{a['text']}" for a in p["co_agencies"]],
        "replying_agency": lambda: [agency_text(r["agency"])],
        "reply_date": lambda: [r["date"]],
        "cc": lambda: [a["text"] for a in r["cc"]],
        "disclosure": lambda: [r["disclosure"]],
        "document_numbers": lambda: [d["number"] for d in docs if d["number"]],
        "document_titles": lambda: [d["title"] for d in docs if d["title"]],
        "document_pairs": lambda: [f"{d['number']}={d['title']}" for d in docs if d["number"] and d["title"]],
        "self_document_number": lambda: [r["self_document_number"]],
        "fund_names": lambda: [f["name"] for f in rec["funds"]],
        "fund_amounts": lambda: [f"{f['name']}={f['amount']}" for f in rec["funds"] if f["amount"]],
        "amounts": lambda: sorted({a["text"] for a in rec["amounts"]}),
        "agencies": lambda: [m["text"] for a in rec["agencies"] for m in a["mentions"] if not PRONOUN.fullmatch(m["text"])],
        "organizations": lambda: [m["text"] for o in rec["organizations"] for m in o["mentions"]],
        "suggestions": lambda: [s["text"] for s in p["suggestions"]],
    }
    return {canon(v) for v in getters[name]() if v}


def score_letter(report: dict[str, FieldScore], letter: str, gold: dict[str, Any], rec: dict[str, Any]) -> None:
    """Add one letter's comparison to the per-field counts."""
    for name in FIELDS:
        if name == "suggestions" and "suggestions" not in gold:
            continue
        g, p = gold_values(gold, name), predicted_values(rec, name)
        s = report[name]
        s.tp += len(g & p)
        s.fp += len(p - g)
        s.fn += len(g - p)
        s.misses.extend((letter, v) for v in sorted(g - p))
        s.extras.extend((letter, v) for v in sorted(p - g))


def evaluate(gold_dir: Path, records: Iterable[LetterRecord]) -> Report:
    """Score records against ``gold_dir/<stem>.json`` (the first record of each file)."""
    report = {name: FieldScore() for name in FIELDS}
    seen: set[str] = set()
    for rec in records:
        stem = Path(rec.source).stem
        gold_file = gold_dir / f"{stem}.json"
        if stem in seen or not gold_file.exists():
            continue
        seen.add(stem)
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        score_letter(report, stem, gold, rec.to_json())
    return Report(report, len(seen))


def format_report(report: Report, show_errors: bool = True) -> str:
    """A readable table of P/R/F1 per field, the macro F1, and every miss and extra."""
    lines = [f"{'field':<22}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}"]
    for name, s in report.fields.items():
        lines.append(f"{name:<22}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}{s.tp:5d}{s.fp:5d}{s.fn:5d}")
    lines.append(f"macro F1 {report.macro_f1:.4f} over {report.letters} letters")
    if show_errors:
        for name, s in report.fields.items():
            for letter, value in s.misses:
                lines.append(f"MISS  {name:<20} {letter}: {value}")
            for letter, value in s.extras:
                lines.append(f"EXTRA {name:<20} {letter}: {value}")
    return "\n".join(lines)
