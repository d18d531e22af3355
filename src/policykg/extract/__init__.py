"""Stage 2 — extract: one record's text in, a LetterRecord with spans out.

Each concern is its own extractor module (header, sections, documents, money,
entities, roles); they register themselves and run in their declared order.
"""

from __future__ import annotations

import hashlib

from ..model import LetterRecord
from ..read import SourceText, normalize
from . import documents, entities, header, money, roles, sections  # noqa: F401  (registers extractors)
from .base import Context, get_extractor, registered
from .records import detect_kind, is_empty_template, split_records

__all__ = ["extract_source", "extract_text", "registered", "get_extractor"]


def extract_source(source: SourceText, source_key: str | None = None) -> tuple[list[LetterRecord], list[str]]:
    """Extract every record of one read file.

    Returns the records and the file-level warnings (such as an empty template record,
    which is reported and produces no record).
    """
    text = source.text
    norm = normalize(text)
    key = source_key or source.path
    records: list[LetterRecord] = []
    notes: list[str] = []
    if source.encoding.endswith("(truncated)"):
        notes.append(f"{source.path}: ends in the middle of a character (a truncated file?); read up to there")
    for index, (start, end) in enumerate(split_records(norm)):
        if is_empty_template(norm, start, end):
            notes.append(f"{source.path}: record {index + 1} is an empty template (placeholder fields), skipped")
            continue
        record = LetterRecord(
            source=source.path,
            source_key=key,
            record_index=index,
            start=start,
            end=end,
            kind=detect_kind(norm, start, end),  # type: ignore[arg-type]
            content_hash=source.content_hash,
            encoding=source.encoding,
        )
        if record.kind == "unknown":
            record.warn("unknown-kind", "neither a reply letter nor a proposal form", start, end)
        run_extractors(Context(text, norm, start, end, record))
        records.append(record)
    return records, notes


def run_extractors(ctx: Context) -> None:
    """Run every registered extractor on one record, in order."""
    for ext in registered():
        ext.run(ctx)


def extract_text(text: str, path: str = "<text>") -> list[LetterRecord]:
    """Convenience for tests and notebooks: extract from a string."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    records, _ = extract_source(SourceText(path, text, "utf-8", "text", digest))
    return records
