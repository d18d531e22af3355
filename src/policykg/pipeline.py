"""The whole pipeline as a library: read → extract → resolve → (link across letters).

The CLI is a thin layer over these functions. Bad input never stops a batch: every file
that cannot be read becomes a one-line problem in the result, and the rest go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .extract import extract_source
from .gazetteer import load_gazetteer
from .model import LetterRecord
from .read import ReadError, SourceText, iter_files, read_file
from .resolve import link_corpus, resolve_record


@dataclass
class Extracted:
    """Everything extracted from a batch of paths, and what went wrong on the way."""

    records: list[LetterRecord] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # source path → decoded text
    files_read: int = 0
    failed: list[str] = field(default_factory=list)  # one line per unreadable file
    notes: list[str] = field(default_factory=list)  # file-level warnings (empty templates …)

    def pairs(self) -> Iterator[tuple[LetterRecord, str]]:
        """(record, source text) pairs, as the RDF stage takes them."""
        for rec in self.records:
            yield rec, self.texts[rec.source]

    @property
    def warnings(self) -> int:
        return len(self.notes) + sum(len(r.warnings) for r in self.records)


def source_keys(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str]]:
    """Each file under ``paths`` with its identity key: its path relative to the folder given."""
    for root in map(Path, paths):
        for file in iter_files([root]):
            key = file.relative_to(root).as_posix() if root.is_dir() else file.name
            yield file, key


def extract_one(file: Path, key: str) -> tuple[SourceText, list[LetterRecord], list[str]]:
    """Read, extract and resolve one file (raises ReadError when it cannot be read)."""
    source = read_file(file)
    records, notes = extract_source(source, key)
    gaz = load_gazetteer()
    for rec in records:
        resolve_record(rec, source.text, gaz)
    return source, records, notes


def extract_paths(
    paths: Iterable[str | Path],
    progress: Callable[[Path], None] | None = None,
) -> Extracted:
    """Extract every record from files and folders (recursively); link them as a corpus."""
    out = Extracted()
    for file, key in source_keys(paths):
        if progress:
            progress(file)
        try:
            source, records, notes = extract_one(file, key)
        except ReadError as exc:
            out.failed.append(str(exc))
            continue
        out.files_read += 1
        out.texts[source.path] = source.text
        out.records.extend(records)
        out.notes.extend(notes)
    link_corpus(out.records)
    return out
