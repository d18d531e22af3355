"""The whole pipeline as a library: read → extract → resolve → (link across letters).

The CLI is a thin layer over these functions. Bad input never stops a batch: every file
that cannot be read becomes a one-line problem in the result, and the rest go on.

``extract_paths`` extracts a whole corpus in memory (small batches, evaluation, tests).
The incremental build (``build.ingest``) instead streams ``FileTask``s through
``process_files``: each file is hashed first and skipped, unread and unextracted, when its
hash is the one the store already holds; the rest are read, extracted and resolved on
``jobs`` processes, in chunks, and come back in order as ``FileResult``s.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import Literal

from .extract import extract_source
from .gazetteer import load_gazetteer
from .model import LetterRecord
from .rdf import record_nquads
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


def extract_paths(paths: Iterable[str | Path]) -> Extracted:
    """Extract every record from files and folders (recursively); link them as a corpus."""
    return extract_files(source_keys(paths))


def extract_files(
    files: Iterable[tuple[Path, str]], report: Callable[[str], None] | None = None
) -> Extracted:
    """Extract ``(file, key)`` pairs (as ``source_keys`` gives them); link them as a corpus.

    ``report`` receives one line per unreadable file (``error: …``) and per file note
    (``warning: …``) as they happen; they are also collected in the result.
    """
    out = Extracted()
    for file, key in files:
        try:
            source, records, notes = extract_one(file, key)
        except ReadError as exc:
            out.failed.append(str(exc))
            if report:
                report(f"error: {exc}")
            continue
        out.files_read += 1
        out.texts[source.path] = source.text
        out.records.extend(records)
        out.notes.extend(notes)
        if report:
            for note in notes:
                report(f"warning: {note}")
    link_corpus(out.records)
    return out


# --------------------------------------------------------------------------- streaming


@dataclass(frozen=True, slots=True)
class FileTask:
    """One file to build: where it is, its identity key, and the hash the store holds."""

    path: str
    key: str
    known_hash: str | None = None


Status = Literal["unchanged", "built", "empty", "failed"]


@dataclass(slots=True)
class FileResult:
    """What became of one file: ``unchanged`` (hash known, not read further), ``built``
    (records extracted), ``empty`` (read, but no record in it) or ``failed`` (unreadable)."""

    task: FileTask
    status: Status
    hash: str = ""
    records: list[LetterRecord] = field(default_factory=list)
    text: str = ""
    notes: list[str] = field(default_factory=list)
    error: str = ""
    nquads: list[str] = field(default_factory=list)  # per record, linked within its file
    links: list[tuple[object, ...]] = field(default_factory=list)  # link_state() they assume


def link_state(record: LetterRecord) -> tuple[object, ...]:
    """What cross-letter linking decided for a record (its graph depends on nothing else)."""
    return (
        record.proposal_key,
        record.jurisdiction,
        *(m.suggestion_index for m in record.measures),
    )


def convert(record: LetterRecord, text: str) -> str:
    """One record's graph as N-Quads (see ``rdf.record_nquads``)."""
    return record_nquads(record, text)


#: Modules whose code decides what a letter's graph holds (with extract/ and the gazetteers);
#: the store, build, CLI, query and drawing code do not, and changing them rebuilds nothing.
GRAPH_SHAPING = (
    "read.py",
    "model.py",
    "ids.py",
    "vocab.py",
    "gazetteer.py",
    "resolve.py",
    "rdf.py",
    "pipeline.py",
)


@functools.cache
def fingerprint() -> str:
    """A digest of the code and knowledge files that shape a letter's graph.

    Stored beside each file's hash: after an upgrade of the extractors, the gazetteers or
    the RDF mapping, every letter counts as changed and is rebuilt.
    """
    from . import __version__
    from .paths import DATA_DIR

    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    code = [package / name for name in GRAPH_SHAPING] + sorted((package / "extract").glob("*.py"))
    files = [f for f in code if f.exists()] + sorted(DATA_DIR.glob("*.tsv"))
    for file in files:
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def file_digest(path: str | Path) -> str:
    """sha256 of a file's bytes (hex), as ``SourceText.content_hash``."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def process_file(task: FileTask, convert_rdf: bool = True) -> FileResult:
    """Hash one file; when the hash is new, read, extract and resolve it, and convert its
    records to N-Quads (never raises)."""
    try:
        digest = file_digest(task.path)
    except OSError:
        digest = ""  # read_file gives the one-line reason below
    if digest and digest == task.known_hash:
        return FileResult(task, "unchanged", digest)
    try:
        source, records, notes = extract_one(Path(task.path), task.key)
    except ReadError as exc:
        return FileResult(task, "failed", digest, error=str(exc))
    status: Status = "built" if records else "empty"
    result = FileResult(task, status, source.content_hash, records, source.text, notes)
    if convert_rdf:
        # Optimistic: linked within the file only. The builder re-links across letters and
        # converts again only the records whose link_state() then differs.
        link_corpus(records)
        result.nquads = [convert(r, source.text) for r in records]
        result.links = [link_state(r) for r in records]
    return result


def _process_chunk(tasks: list[FileTask]) -> list[FileResult]:
    return [process_file(t) for t in tasks]


def _chunks(tasks: Iterable[FileTask], size: int) -> Iterator[list[FileTask]]:
    it = iter(tasks)
    while chunk := list(islice(it, size)):
        yield chunk


def _leave_interrupts_to_the_parent() -> None:
    """Workers ignore Ctrl-C: the parent stops them, so one key press gives one message,
    not a traceback per worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def process_files(
    tasks: Iterable[FileTask], jobs: int = 1, chunk: int = 8
) -> Generator[FileResult, None, None]:
    """``process_file`` over ``tasks`` on ``jobs`` processes, results in task order.

    Workers take ``chunk`` files at a time; at most a few chunks per worker are in flight,
    so memory stays bounded however many files there are.
    """
    if jobs <= 1:
        yield from map(process_file, tasks)
        return
    ctx = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    )
    with ctx.Pool(jobs, initializer=_leave_interrupts_to_the_parent) as pool:
        pending: deque[AsyncResult[list[FileResult]]] = deque()
        for part in _chunks(tasks, chunk):
            pending.append(pool.apply_async(_process_chunk, (part,)))
            if len(pending) > 2 * jobs:  # back-pressure: the store is the slower side
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
