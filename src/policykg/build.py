"""Build: extracted records → RDF → store and files (graph.ttl, graph.trig).

Files are written to a temporary name and renamed, so a failed or killed build never
leaves a half-written graph behind.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from . import ids
from .pipeline import Extracted
from .rdf import build_dataset, serialize_sorted
from .store import Store

OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file normal permissions
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_outputs(result: Extracted, out_dir: Path, store_spec: str | None = None) -> list[str]:
    """Build the dataset, fill the store, write graph.ttl and graph.trig; return a summary."""
    dataset = build_dataset(result.pairs())
    turtle = serialize_sorted(dataset, "turtle")
    trig = serialize_sorted(dataset, "trig")
    write_atomic(out_dir / "graph.ttl", turtle.encode("utf-8"))
    write_atomic(out_dir / "graph.trig", trig.encode("utf-8"))
    store = Store(store_spec)
    graphs = [str(ids.graph_iri(r.record_id)) for r in result.records]
    store.replace_graphs(serialize_sorted(dataset, "nquads").encode("utf-8"), graphs)
    return summary_lines(result, dataset, out_dir, store)


def summary_lines(result: Extracted, dataset: object, out_dir: Path, store: Store) -> list[str]:
    """The build summary: files, records, entities by type, triples, warnings, failures."""
    from .cli import entity_counts

    kinds = Counter(r.kind for r in result.records)
    counts = entity_counts(result.records)
    triples = len({(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))})  # type: ignore[attr-defined]
    lines = [
        f"files read: {result.files_read}, failed: {len(result.failed)}",
        "records: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + f" ({len(result.records)} in all)",
        "entities: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())),
        f"triples: {triples} (union of {len(result.records)} letter graphs)",
        f"warnings: {result.warnings}",
        f"wrote {out_dir / 'graph.ttl'} and {out_dir / 'graph.trig'}; store: {store.spec} ({len(store)} quads)",
    ]
    return lines


def export_store(store_spec: str | None, fmt: str) -> bytes:
    """Serialise the store in ``fmt`` (turtle, nt, trig, nquads, json-ld)."""
    store = Store(store_spec)
    if fmt == "json-ld":
        from rdflib import Dataset

        ds = Dataset()
        ds.parse(data=store.dump(ox.RdfFormat.N_QUADS), format="nquads")
        return ds.serialize(format="json-ld").encode("utf-8")
    return store.dump(OX_FORMATS[fmt])
