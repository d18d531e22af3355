"""Build: letters → records → RDF → store, incrementally; then graph.ttl, .trig and .html.

``ingest`` streams a folder into a store. Each file is hashed first and skipped when the
store holds that hash already (unchanged letters are never re-extracted); the others are
extracted on ``jobs`` processes and written in batches, each batch one transaction that
drops the files' old graphs and inserts their new graphs and manifest entries — so a build
killed at any point leaves every letter either as it was or fully replaced, and a re-run
finishes the job with no duplicate and nothing missing.

Linking across letters (``resolve.link_corpus``) gives a proposal form without a number the
key of a numbered reply with the same title, and a reply's sections the suggestions of its
proposal. Those are the only facts of one letter's graph that depend on another letter. The
manifest keeps, per record graph, its title key and proposal key; when a batch changes or
removes letters, every stored letter sharing one of those keys (old or new) is re-read and
re-linked with the batch, until no further letter is touched, and its graph is rewritten in
the same transaction. Records are linked in (source key, index) order, so the result is the
one a full build would give, whatever order or batches the letters arrived in.

Output files are written to a temporary name and renamed, so a failed or killed build never
leaves a half-written graph.ttl behind.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from . import ids
from .model import LetterRecord
from .pipeline import (
    Extracted,
    FileResult,
    FileTask,
    convert,
    fingerprint,
    link_state,
    process_file,
    process_files,
    source_keys,
)
from .rdf import PREFIXES, turtle_and_trig
from .resolve import link_corpus, title_key
from .store import MANIFEST_GRAPH, FileEntry, RecordEntry, Store, StoreError, manifest_quads

OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}
BATCH_FILES = 100
# Up to this many quads (≈ 1,500 letters) graph.ttl and graph.trig are sorted and compact,
# made in memory; above it they are streamed from the store.
SORTED_OUTPUT_MAX = 2_000_000
BATCH_BYTES = 32 * 1024 * 1024


# --------------------------------------------------------------------------- files


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class OutputError(OSError):
    """An output file that could not be written; ``str()`` names the file and the reason."""

    def __str__(self) -> str:
        return f"cannot write {self.filename}: {self.strerror}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    Raises OutputError (an OSError naming the file) when the folder is read-only, the disk
    full, or the path not a folder; the old file, if any, is left as it was.
    """
    with open_atomic(path) as fh:
        fh.write(data)


@contextmanager
def open_atomic(path: Path) -> Iterator[IO[bytes]]:
    """A binary file that becomes ``path`` when the block ends without an error (written
    to a temporary file in the same folder, then renamed); ``write_atomic`` for output
    written piece by piece. Errors are OutputError, as there."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(exc.errno, exc.strerror or str(exc), str(path)) from None
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file normal permissions
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(exc.errno, exc.strerror or str(exc), str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- ingest


@dataclass
class BuildReport:
    """Counts of one build, by file, and its one-line problems."""

    read: int = 0  # files read: built + unchanged + empty
    built: int = 0  # files whose records were (re)written
    unchanged: int = 0  # skipped: same hash as in the store
    empty: int = 0  # skipped with a warning: read, but no record in it
    failed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    records: int = 0  # records written
    warnings: int = 0  # data warnings on the records written
    relinked: int = 0  # unchanged files rewritten because a letter they link to changed
    removed: int = 0
    seconds: float = 0.0
    stored_quads: int | None = None  # after the build, from the manifest (None: not recorded)

    @property
    def total(self) -> int:
        return self.read + len(self.failed)

    def counts_line(self) -> str:
        """The last line of a build summary."""
        extra = f", {self.removed} removed" if self.removed else ""
        extra += f", {self.relinked} re-linked" if self.relinked else ""
        return (
            f"files: {self.read} read, {self.built} built, {self.unchanged} skipped (unchanged), "
            f"{self.empty} skipped with warning, {len(self.failed)} failed{extra}"
        )


@dataclass(slots=True)
class _Pending:
    """A file about to be written: its new records (linked in the batch) and text."""

    path: str
    hash: str
    records: list[LetterRecord]
    text: str
    nquads: list[str] = field(default_factory=list)  # converted by a worker …
    links: list[tuple[object, ...]] = field(default_factory=list)  # … under these link states

    def graph_nquads(self) -> str:
        """The records' N-Quads, converting again those whose linking changed."""
        parts = []
        for i, rec in enumerate(self.records):
            reuse = i < len(self.nquads) and self.links[i] == link_state(rec)
            parts.append(self.nquads[i] if reuse else convert(rec, self.text))
        return "".join(parts)


def sources(records: Iterable[RecordEntry]) -> set[str]:
    """Link keys other letters' graphs take something from these records by.

    A numbered record gives unnumbered ones with its title (``t:``) their proposal key; a
    record listing suggestions gives replies with its proposal key (``p:``) their targets.
    """
    keys = {"t:" + r.title_key for r in records if r.numbered and r.title_key}
    return keys | {"p:" + r.proposal_key for r in records if r.suggestions and r.proposal_key}


def listens(records: Iterable[RecordEntry]) -> set[str]:
    """Link keys these records' graphs depend on (see ``sources``)."""
    keys = {"t:" + r.title_key for r in records if not r.numbered and r.title_key}
    return keys | {"p:" + r.proposal_key for r in records if r.proposal_key}


def record_entry(record: LetterRecord) -> RecordEntry:
    """The manifest entry of a linked record."""
    graph = str(ids.graph_iri(record.record_id))
    proposal = record.proposal
    return RecordEntry(
        graph,
        title_key(proposal.title),
        record.proposal_key,
        bool(proposal.number),
        bool(proposal.suggestions),
    )


def file_entry(
    key: str, content_hash: str, path: str, records: list[LetterRecord], nquads: str
) -> FileEntry:
    """The manifest entry of a file about to be written as ``nquads`` (its records' graphs)."""
    entry = FileEntry(key, content_hash, str(Path(path).resolve()), version=fingerprint())
    entry.records = [record_entry(r) for r in records]
    entry.quads = nquads.count("\n")  # one quad a line, no line twice (rdf._RecordGraph)
    return entry


class Ingest:
    """Batches file results into a store, re-linking the letters they touch.

    ``add`` and ``remove`` queue changes; ``flush`` writes the queue as one transaction.
    ``paths`` maps identity keys to the files found in this build, for re-reading linked
    letters (the manifest's recorded path is the fallback).

    A batch that fills up during ``add`` is written by a background thread while the next
    batch is extracted: the store's loader releases the GIL, and it is most of a build's
    time. Batches are written one at a time and in order; linking needs only the in-memory
    manifest, which is updated at once. ``flush`` waits for every write (and raises the
    first write error).
    """

    def __init__(
        self, store: Store, report: BuildReport, paths: dict[str, str] | None = None
    ) -> None:
        self.store = store
        self.report = report
        self.paths = paths or {}
        self.manifest = store.manifest()
        self._sources: dict[str, set[str]] = {}  # link key -> files that are sources for it
        self._listeners: dict[str, set[str]] = {}  # link key -> files that depend on it
        for entry in self.manifest.values():
            self._index_entry(entry)
        self._pending: dict[str, _Pending] = {}
        self._removed: set[str] = set()
        self._bytes = 0
        self._writer: ThreadPoolExecutor | None = None
        self._writing: Future[None] | None = None

    def _index_entry(self, entry: FileEntry, add: bool = True) -> None:
        for index, keys in (
            (self._sources, sources(entry.records)),
            (self._listeners, listens(entry.records)),
        ):
            for key in keys:
                files = index.setdefault(key, set())
                if add:
                    files.add(entry.key)
                else:
                    files.discard(entry.key)

    def drop_orphans(self) -> int:
        """Drop letter graphs no manifest entry names (left by a build killed midway)."""
        listed = {g for entry in self.manifest.values() for g in entry.graphs}
        orphans = sorted(self.store.named_graphs() - listed - {MANIFEST_GRAPH})
        for start in range(0, len(orphans), 100):  # Virtuoso refuses ~1,000 operations at once
            self.store.update(
                " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in orphans[start : start + 100])
            )
        return len(orphans)

    def known_hash(self, key: str) -> str | None:
        """The content hash stored for ``key``, if it was built by this very pipeline."""
        entry = self.manifest.get(key)
        return entry.hash if entry and entry.version == fingerprint() else None

    def add(self, result: FileResult) -> None:
        """Queue a built (or empty) file; flushes when the batch is full."""
        key = result.task.key
        self._removed.discard(key)
        self._pending[key] = _Pending(
            result.task.path, result.hash, result.records, result.text, result.nquads, result.links
        )
        self._bytes += len(result.text)
        if len(self._pending) >= BATCH_FILES or self._bytes >= BATCH_BYTES:
            self._write_batch(background=True)

    def remove(self, key: str) -> None:
        """Queue the removal of a stored file."""
        if key in self.manifest:
            self._pending.pop(key, None)
            self._removed.add(key)

    def flush(self) -> None:
        """Re-link, convert and write the queued changes in one transaction; wait for it."""
        try:
            self._write_batch(background=False)
        finally:
            if self._writer is not None:
                self._writer.shutdown()
                self._writer = None

    @property
    def writing(self) -> bool:
        """Whether a batch is being written in the background."""
        return self._writing is not None and not self._writing.done()

    def stop(self) -> None:
        """Wait for the batch being written and forget the queue (nothing of it is stored)."""
        self._pending, self._removed, self._bytes = {}, set(), 0
        self.flush()

    def _wait(self) -> None:
        """Wait for the batch being written, re-raising its error."""
        writing, self._writing = self._writing, None
        if writing is not None:
            writing.result()

    def _write_batch(self, background: bool) -> None:
        if not self._pending and not self._removed:
            self._wait()
            return
        self._relink()
        inserts = []
        for key, item in sorted(self._pending.items()):
            nquads = item.graph_nquads()
            inserts.append((file_entry(key, item.hash, item.path, item.records, nquads), nquads))
            self.report.records += len(item.records)
            self.report.warnings += sum(len(r.warnings) for r in item.records)
        touched = set(self._pending) | self._removed
        drops = [self.manifest[k] for k in sorted(touched) if k in self.manifest]
        replaced = [(e, q) for e, q in inserts if e.key in self.manifest]
        added = [(e, q) for e, q in inserts if e.key not in self.manifest]
        self._wait()  # one batch at a time, in order
        if background:
            self._writer = self._writer or ThreadPoolExecutor(1, "policykg-store-writer")
            self._writing = self._writer.submit(self._write, drops, replaced, added)
        else:
            self._write(drops, replaced, added)
        for entry in drops:
            self._index_entry(entry, add=False)
            del self.manifest[entry.key]
        for entry, _ in inserts:
            self.manifest[entry.key] = entry
            self._index_entry(entry)
        self.report.removed += len(self._removed)
        self._pending, self._removed, self._bytes = {}, set(), 0

    def _write(
        self,
        drops: list[FileEntry],
        replaced: list[tuple[FileEntry, str]],
        added: list[tuple[FileEntry, str]],
    ) -> None:
        if drops or replaced:
            self.store.replace_files(drops, replaced)  # one transaction
        if added:
            self.store.add_files(added)

    def _relink(self) -> None:
        """Link the batch with every stored letter it takes from or gives to, to a fixpoint.

        A stored letter joins the group when it is a source for a key a group record
        depends on, or depends on a key a group record (new or old version) is a source for.
        """
        old = [
            r
            for key in [*self._pending, *self._removed]
            if key in self.manifest
            for r in self.manifest[key].records
        ]
        gives, takes = sources(old), set()
        tried: set[str] = set()
        while True:
            records = sorted(
                (r for item in self._pending.values() for r in item.records),
                key=lambda r: (r.source_key, r.record_index),
            )
            for rec in records:  # linking is recomputed from scratch for the whole group
                rec.proposal_key = None
                for measure in rec.measures:
                    measure.suggestion_index = None
            link_corpus(records)
            entries = [record_entry(r) for r in records]
            gives |= sources(entries)
            takes |= listens(entries)
            affected = {f for k in gives for f in self._listeners.get(k, ())}
            affected |= {f for k in takes for f in self._sources.get(k, ())}
            affected -= set(self._pending) | self._removed | tried
            if not affected:
                return
            for key in sorted(affected):
                tried.add(key)
                self._reread(key)

    def _reread(self, key: str) -> None:
        """Re-extract a stored file that a changed letter links to (skipped if unreadable)."""
        path = self.paths.get(key) or self.manifest[key].path
        result = process_file(FileTask(path, key, None))
        if result.status == "built" and result.hash == self.manifest[key].hash:
            self._pending[key] = _Pending(
                path, result.hash, result.records, result.text, result.nquads, result.links
            )
            self.report.relinked += 1


def ingest(
    paths: Iterable[str | Path],
    store: Store,
    jobs: int = 1,
    prune: bool = False,
    on_result: Callable[[FileResult], None] | None = None,
) -> BuildReport:
    """Build every file under ``paths`` into ``store``, incrementally; return the counts.

    Unchanged files (same hash as stored) are skipped before extraction; ``prune`` also
    drops stored files that are no longer under ``paths``. ``on_result`` sees every file's
    result as it comes (progress, warnings).
    """
    started = time.perf_counter()
    found = {key: str(file) for file, key in source_keys(paths)}
    report = BuildReport()
    batch = Ingest(store, report, found)
    batch.drop_orphans()
    tasks = (FileTask(path, key, batch.known_hash(key)) for key, path in found.items())
    results = process_files(tasks, jobs)
    try:
        for result in results:
            _count(report, result)
            if result.status in ("built", "empty"):
                batch.add(result)
            if on_result:
                on_result(result)
        if prune:
            for key in sorted(set(batch.manifest) - set(found)):
                batch.remove(key)
        batch.flush()
    except KeyboardInterrupt:
        raise BuildInterrupted(report, batch, results.close) from None
    store.sync()
    report.stored_quads = manifest_quads(batch.manifest)
    report.seconds = time.perf_counter() - started
    return report


class BuildInterrupted(KeyboardInterrupt):
    """Ctrl-C during a build. Letters already written stay; ``finish`` stops the extraction
    workers and waits for the batch being written, and the letters after it are left for the
    next build, which skips the stored ones. Leaving without ``finish`` is as safe as a kill:
    nothing is in the manifest until it is completely stored."""

    def __init__(self, report: BuildReport, batch: Ingest, stop_workers: Callable[[], None]) -> None:
        super().__init__("build interrupted")
        self.report = report
        self._batch = batch
        self._stop_workers = stop_workers

    @property
    def writing(self) -> bool:
        """Whether a batch is still being written."""
        return self._batch.writing

    def finish(self) -> None:
        """Stop the workers, wait for the batch being written and flush the store."""
        self._stop_workers()
        self._batch.stop()
        self._batch.store.sync()


def _count(report: BuildReport, result: FileResult) -> None:
    report.notes.extend(result.notes)
    if result.status == "failed":
        report.failed.append(result.error)
        return
    report.read += 1
    if result.status == "unchanged":
        report.unchanged += 1
    elif result.status == "empty":
        report.empty += 1
    else:
        report.built += 1


def matching_keys(manifest: dict[str, FileEntry], targets: Iterable[str]) -> dict[str, list[str]]:
    """Stored file keys each target names: its identity key, its file, or a folder above it."""
    found: dict[str, list[str]] = {}
    for target in targets:
        where = str(Path(target).resolve())
        found[target] = sorted(
            key
            for key, entry in manifest.items()
            if key == target
            or entry.path == where
            or entry.path.startswith(where.rstrip("/") + "/")
        )
    return found


def remove_files(store: Store, targets: Iterable[str]) -> tuple[BuildReport, list[str]]:
    """Drop the stored letters named by ``targets`` (paths, folders or identity keys).

    Returns the report and the targets that matched nothing. Letters linked to a removed
    one are re-linked and rewritten in the same transaction.
    """
    report = BuildReport()
    batch = Ingest(store, report)
    unmatched = []
    for target, keys in matching_keys(batch.manifest, targets).items():
        if not keys:
            unmatched.append(target)
        for key in keys:
            batch.remove(key)
    batch.flush()
    store.sync()
    return report, unmatched


def ingest_extracted(result: Extracted, store: Store) -> None:
    """Write an in-memory, already linked extraction into ``store`` (files replaced)."""
    by_key: dict[str, list[LetterRecord]] = {}
    for rec in result.records:
        by_key.setdefault(rec.source_key, []).append(rec)
    manifest = store.manifest()
    inserts = []
    for key, records in sorted(by_key.items()):
        text = result.texts[records[0].source]
        nquads = "".join(convert(r, text) for r in records)
        entry = file_entry(key, records[0].content_hash, records[0].source, records, nquads)
        inserts.append((entry, nquads))
    store.replace_files([manifest[k] for k in by_key if k in manifest], inserts)


# --------------------------------------------------------------------------- outputs


def write_outputs(
    result: Extracted | BuildReport,
    out_dir: Path,
    store_spec: str | None = None,
    store: Store | None = None,
) -> list[str]:
    """Write graph.ttl, graph.trig and graph.html for the whole store; return the summary.

    The graph files are sorted Turtle / TriG up to ``SORTED_OUTPUT_MAX`` quads, and above
    it Oxigraph's streamed output (the same triples, not sorted; see ``Store.export``).

    ``result`` is either a ``BuildReport`` (the store is already filled by ``ingest``) or an
    ``Extracted`` batch, written into the store first.
    """
    store = store or Store(store_spec)
    if isinstance(result, Extracted):
        ingest_extracted(result, store)
        report = BuildReport(
            read=result.files_read, built=result.files_read, failed=list(result.failed)
        )
        report.notes, report.records = list(result.notes), len(result.records)
    else:
        report = result
    quads = report.stored_quads
    if (store.quad_count() if quads is None else quads) <= SORTED_OUTPUT_MAX:
        turtle, trig = turtle_and_trig(store.dump(ox.RdfFormat.N_QUADS).decode("utf-8"))
        write_atomic(out_dir / "graph.ttl", turtle.encode("utf-8"))
        write_atomic(out_dir / "graph.trig", trig.encode("utf-8"))
    else:  # streamed in Oxigraph's order, not built in memory
        for name, fmt in (("graph.ttl", ox.RdfFormat.TURTLE), ("graph.trig", ox.RdfFormat.TRIG)):
            with open_atomic(out_dir / name) as fh:
                store.export(fmt, fh, PREFIXES)
    from .viz import write_graph_html  # lazy: pyvis is slow to import

    write_graph_html(store, out_dir / "graph.html")
    return summary_lines(report, out_dir, store)


# --------------------------------------------------------------------------- summary

_POL = "https://w3id.org/policykg/ontology#"
ENTITY_CLASSES = {
    "agencies": f"{_POL}Agency",
    "documents": f"{_POL}PolicyDocument",
    "funds": f"{_POL}Fund",
    "organizations": f"{_POL}Organization",
    "proposals": f"{_POL}Proposal",
    "measures": f"{_POL}Measure",
}
KIND_CLASSES = {"reply": f"{_POL}ReplyLetter", "proposal": f"{_POL}ProposalForm"}
# Counting distinct triples scans and hashes every quad (3.7 s for 1,000 letters): the build
# summary does it only for small stores; `policykg stats` always does.
DISTINCT_LIMIT = 300_000


def _count_query(store: Store, where: str) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    return int(next(iter(rows))["n"].value)  # type: ignore[call-overload]


def graph_counts(store: Store, quads: int | None = None) -> dict[str, int]:
    """Letters by kind, entities by type, warnings, graphs and triples in the store
    (``quads``: the count when the caller knows it, which saves reading the manifest)."""
    counts = {"letters": _count_query(store, f"?l a <{_POL}Letter>")}
    for kind, cls in KIND_CLASSES.items():
        counts[kind] = _count_query(store, f"?l a <{cls}>")
    counts["unknown"] = counts["letters"] - counts["reply"] - counts["proposal"]
    for name, cls in ENTITY_CLASSES.items():
        counts[name] = _count_query(store, f"SELECT DISTINCT ?e WHERE {{ ?e a <{cls}> }}")
    counts["warnings"] = _count_query(store, f"?w a <{_POL}DataQualityWarning>")
    counts["graphs"] = len(store.named_graphs() - {MANIFEST_GRAPH})
    counts["quads"] = store.quad_count() if quads is None else quads
    if counts["quads"] <= DISTINCT_LIMIT:
        counts["triples"] = _count_query(store, "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }")
    return counts


def summary_lines(report: BuildReport, out_dir: Path | None, store: Store) -> list[str]:
    """The build summary: what the store now holds, then this build's counts by file."""
    c = graph_counts(store, report.stored_quads)
    kinds = ", ".join(f"{c[k]} {k}" for k in ("proposal", "reply", "unknown") if c[k])
    triples = f"triples: {c['triples']}" if "triples" in c else f"quads: {c['quads']}"
    lines = [
        f"records: {kinds or 'none'} ({c['letters']} in all)",
        "entities: " + ", ".join(f"{c[k]} {k}" for k in ENTITY_CLASSES),
        f"{triples} (union of {c['graphs']} letter graphs)",
        f"warnings: {c['warnings']} in the graph, {len(report.notes)} file notes this build",
    ]
    if out_dir is not None:
        files = ", ".join(str(out_dir / name) for name in ("graph.ttl", "graph.trig", "graph.html"))
        lines.append(f"wrote {files}")
    rate = f" in {report.seconds:.1f} s" if report.seconds else ""
    lines.append(f"store: {store.spec} ({c['quads']} quads){rate}")
    lines.append(report.counts_line())
    return lines


def export_store(store_spec: str | None, fmt: str, output: IO[bytes]) -> None:
    """Write the store to ``output`` in ``fmt`` (turtle, nt, trig, nquads, json-ld), as it
    is read, in memory that does not grow with the graph (``Store.export``)."""
    store = Store(store_spec)
    store.export(ox.RdfFormat.JSON_LD if fmt == "json-ld" else OX_FORMATS[fmt], output, PREFIXES)


__all__ = [
    "BuildReport",
    "Ingest",
    "StoreError",
    "export_store",
    "ingest",
    "open_atomic",
    "remove_files",
    "summary_lines",
    "write_atomic",
    "write_outputs",
    "PREFIXES",
]
