"""Stage 5 — store: where the built graph lives between commands, behind one interface.

Three kinds of store, chosen by a *spec* (``--store`` or ``$POLICYKG_STORE``):

- a folder (default ``.policykg/store``): a persistent Oxigraph store on disk, so
  ``policykg build`` then ``policykg query`` needs no server and no reload;
- ``memory``: Oxigraph in this process only (tests, one-off runs);
- an ``http(s)://`` URL: a SPARQL 1.1 server (Query, Update and Graph Store protocols), e.g.
  Oxigraph server, Fuseki, Virtuoso, GraphDB or Neptune; see ``RemoteStore``.

Each letter record's facts are one named graph (``ids.graph_iri``). Beside them the store
keeps a *manifest* graph (``MANIFEST_GRAPH``, its own vocabulary ``MF``): for every source
file its identity key, content hash, path and record graphs, and for every record graph the
keys it was linked across letters by. Incremental builds read the manifest to skip unchanged
files, and every batch of changes — old graphs dropped, new graphs and manifest entries
inserted — is one SPARQL update, so one transaction: a killed build never leaves a
half-written letter. ``dump`` and ``len`` leave the manifest out.

Example::

    >>> store = Store("memory")
    >>> store.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> "1" } }')
    >>> len(store), [str(r["o"].value) for r in store.query("SELECT ?o WHERE { ?s ?p ?o }")]
    (1, ['1'])
"""

from __future__ import annotations

import io
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

DEFAULT_STORE = ".policykg/store"
STORE_ENV = "POLICYKG_STORE"
MANIFEST_GRAPH = "https://w3id.org/policykg/id/graph/_manifest"
MF = "https://w3id.org/policykg/manifest#"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
FILE_BASE = "https://w3id.org/policykg/id/file/"
ID_BASE = "https://w3id.org/policykg/id/"  # ids.ID
GRAPH_BASE = ID_BASE + "graph/"  # ids.graph_iri and MANIFEST_GRAPH
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
REMOTE_TIMEOUT = 300.0

Results = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class StoreError(Exception):
    """A store that cannot be opened, read or written; ``str()`` is one line."""


def default_store_spec() -> str:
    """The store to use when none is given: $POLICYKG_STORE, else .policykg/store."""
    return os.environ.get(STORE_ENV) or DEFAULT_STORE


def is_remote(spec: str) -> bool:
    """True when ``spec`` names a SPARQL server rather than a folder or ``memory``."""
    return spec.startswith(("http://", "https://"))


# --------------------------------------------------------------------------- manifest


@dataclass(slots=True)
class RecordEntry:
    """What the manifest knows of one record graph: how it was linked to other letters."""

    graph: str
    title_key: str | None = None
    proposal_key: str | None = None
    numbered: bool = False  # its proposal number is in the letter
    suggestions: bool = False  # it lists the proposal's suggestions


@dataclass(slots=True)
class FileEntry:
    """One source file in the store: identity key, content hash, path and record graphs."""

    key: str
    hash: str
    path: str = ""
    records: list[RecordEntry] = field(default_factory=list)
    version: str = ""  # pipeline.fingerprint() of the build that wrote it
    quads: int | None = None  # quads in its graphs, so a store's size needs no full scan

    @property
    def iri(self) -> str:
        return file_iri(self.key)

    @property
    def graphs(self) -> list[str]:
        return [r.graph for r in self.records]


def file_iri(key: str) -> str:
    """The manifest node of the source file with identity ``key``."""
    from .ids import key_hash

    return f"{FILE_BASE}{key_hash(key)}"


def nt_literal(value: str) -> str:
    """``value`` as an N-Triples/SPARQL string literal."""
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


def manifest_triples(entry: FileEntry) -> list[str]:
    """The manifest triples (N-Triples lines, no graph) describing ``entry``."""
    f = f"<{entry.iri}>"
    lines = [
        f"{f} <{MF}key> {nt_literal(entry.key)} .",
        f"{f} <{MF}hash> {nt_literal(entry.hash)} .",
    ]
    if entry.path:
        lines.append(f"{f} <{MF}path> {nt_literal(entry.path)} .")
    if entry.version:
        lines.append(f"{f} <{MF}version> {nt_literal(entry.version)} .")
    if entry.quads is not None:
        lines.append(f'{f} <{MF}quads> "{entry.quads}"^^<{XSD_INTEGER}> .')
    for rec in entry.records:
        g = f"<{rec.graph}>"
        lines.append(f"{f} <{MF}graph> {g} .")
        if rec.title_key:
            lines.append(f"{g} <{MF}titleKey> {nt_literal(rec.title_key)} .")
        if rec.proposal_key:
            lines.append(f"{g} <{MF}proposalKey> {nt_literal(rec.proposal_key)} .")
        if rec.numbered:
            lines.append(f"{g} <{MF}numbered> true .")
        if rec.suggestions:
            lines.append(f"{g} <{MF}suggestions> true .")
    return lines


MANIFEST_QUERY = f"""
SELECT ?key ?hash ?path ?version ?quads ?g ?tk ?pk ?num ?sug WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{
  ?f <{MF}key> ?key ; <{MF}hash> ?hash .
  OPTIONAL {{ ?f <{MF}path> ?path }} OPTIONAL {{ ?f <{MF}version> ?version }}
  OPTIONAL {{ ?f <{MF}quads> ?quads }}
  OPTIONAL {{ ?f <{MF}graph> ?g .
             OPTIONAL {{ ?g <{MF}titleKey> ?tk }} OPTIONAL {{ ?g <{MF}proposalKey> ?pk }}
             OPTIONAL {{ ?g <{MF}numbered> ?num }} OPTIONAL {{ ?g <{MF}suggestions> ?sug }} }}
}} }}"""


def _value(term: Any) -> str | None:
    return None if term is None else str(term.value)


def parse_manifest(solutions: Iterable[Any]) -> dict[str, FileEntry]:
    """Manifest entries by file key, from the solutions of ``MANIFEST_QUERY``."""
    files: dict[str, FileEntry] = {}
    for row in solutions:
        key = str(row["key"].value)
        entry = files.get(key)
        if entry is None:
            path, version = _value(row["path"]) or "", _value(row["version"]) or ""
            entry = files[key] = FileEntry(key, str(row["hash"].value), path, version=version)
            quads = _value(row["quads"])
            entry.quads = int(quads) if quads is not None else None
        graph = _value(row["g"])
        if graph:
            flags = row["num"] is not None, row["sug"] is not None
            entry.records.append(RecordEntry(graph, _value(row["tk"]), _value(row["pk"]), *flags))
    for entry in files.values():
        entry.records.sort(key=lambda r: r.graph)
    return files


def manifest_quads(manifest: dict[str, FileEntry]) -> int | None:
    """Quads in the files' graphs by the manifest's counts; None when one is not recorded."""
    counts = [entry.quads for entry in manifest.values()]
    if counts and all(n is not None for n in counts):
        return sum(n for n in counts if n is not None)
    return None


def manifest_from_triples(triples: Iterable[tuple[str, str, str]]) -> dict[str, FileEntry]:
    """Manifest entries by file key, from the manifest graph's triples as (subject,
    predicate, object) values — what one scan of the graph gives, instead of a query whose
    optional parts cost a lookup each (135 s for 72,000 files on disk; the scan: 13–18 s)."""
    files: dict[str, dict[str, Any]] = {}
    graphs: dict[str, dict[str, Any]] = {}
    for s, p, o in triples:
        if not p.startswith(MF):
            continue
        name = p[len(MF) :]
        if name in ("key", "hash", "path", "version", "quads"):
            files.setdefault(s, {})[name] = o
        elif name == "graph":
            files.setdefault(s, {}).setdefault("graphs", []).append(o)
        else:  # titleKey, proposalKey, numbered, suggestions: about a record graph
            graphs.setdefault(s, {})[name] = o
    found: dict[str, FileEntry] = {}
    for facts in files.values():
        if "key" not in facts or "hash" not in facts:
            continue
        quads = facts.get("quads")
        entry = FileEntry(
            facts["key"], facts["hash"], facts.get("path", ""), version=facts.get("version", "")
        )
        entry.quads = int(quads) if quads is not None else None
        for graph in sorted(facts.get("graphs", ())):
            g = graphs.get(graph, {})
            entry.records.append(
                RecordEntry(
                    graph, g.get("titleKey"), g.get("proposalKey"), "numbered" in g,
                    "suggestions" in g,
                )
            )  # fmt: skip
        found[entry.key] = entry
    return found


def replace_update(drop: Iterable[FileEntry], insert: Iterable[tuple[FileEntry, str]]) -> str:
    """One SPARQL update replacing files: drop ``drop``'s graphs and manifest entries, then
    insert each ``(entry, nquads)`` — the entry's record graphs as N-Quads, and its manifest."""
    ops = []
    for entry in drop:
        ops.extend(f"DROP SILENT GRAPH <{g}>" for g in entry.graphs)
        ops.append(f"DELETE WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ <{entry.iri}> ?p ?o }} }}")
        ops.extend(
            f"DELETE WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ <{g}> ?p ?o }} }}" for g in entry.graphs
        )
    blocks: list[str] = []
    manifest: list[str] = []
    for entry, nquads in insert:
        blocks.extend(_graph_blocks(nquads))
        manifest.extend(manifest_triples(entry))
    if manifest:
        blocks.append(f"GRAPH <{MANIFEST_GRAPH}> {{\n" + "\n".join(manifest) + "\n}")
    if blocks:
        ops.append("INSERT DATA {\n" + "\n".join(blocks) + "\n}")
    return " ;\n".join(ops)


def _graph_blocks(nquads: str) -> Iterator[str]:
    """N-Quads lines (each with a graph) as SPARQL ``GRAPH <g> { … }`` blocks."""
    groups: dict[str, list[str]] = {}
    for line in nquads.splitlines():
        if not line:
            continue
        body, _, graph = line[: -len(" .")].rpartition(" ")
        groups.setdefault(graph, []).append(body + " .")
    for graph, triples in groups.items():
        yield f"GRAPH {graph} {{\n" + "\n".join(triples) + "\n}"


# --------------------------------------------------------------------------- stores


class Store:
    """A quad store holding one named graph per letter record, plus the manifest graph.

    ``Store(spec)`` opens the right kind: ``LocalStore`` for a folder or ``memory``,
    ``RemoteStore`` for an ``http(s)://`` SPARQL endpoint. All share this interface.
    """

    spec: str

    def __new__(cls, spec: str | None = None, **kwargs: Any) -> Store:
        if cls is Store:
            cls = RemoteStore if is_remote(spec or default_store_spec()) else LocalStore
        return super().__new__(cls)

    # -- reading --

    def query(self, sparql: str, prefixes: Mapping[str, str] | None = None) -> Results:
        """Run a SPARQL query over the union of all letter graphs."""
        raise NotImplementedError

    def dump(self, fmt: ox.RdfFormat, prefixes: Mapping[str, str] | None = None) -> bytes:
        """Serialise the letter graphs: all of them for TriG/N-Quads, their union otherwise."""
        buffer = io.BytesIO()
        self.export(fmt, buffer, prefixes)
        return buffer.getvalue()

    def export(
        self, fmt: ox.RdfFormat, output: IO[bytes], prefixes: Mapping[str, str] | None = None
    ) -> None:
        """``dump`` written to ``output`` as it is made, in memory that does not grow with
        the graph (on disk): a 100,000-letter export is tens of GB."""
        raise NotImplementedError

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of every letter graph (the manifest left out)."""
        data = self.dump(ox.RdfFormat.N_QUADS)
        yield from ox.parse(data, format=ox.RdfFormat.N_QUADS)

    def __len__(self) -> int:
        """Number of quads in the letter graphs (the manifest left out)."""
        rows = self.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{MANIFEST_GRAPH}>) }}"
        )
        return int(next(iter(rows))["n"].value)  # type: ignore[call-overload]

    def manifest(self) -> dict[str, FileEntry]:
        """Every source file the store holds, by identity key."""
        return parse_manifest(self.query(MANIFEST_QUERY))  # type: ignore[arg-type]

    def quad_count(self) -> int:
        """Quads in the letter graphs: the sum the manifest records when every file has its
        count, else a full count (which scans the store: 10 s at 19 M quads) — also for a
        store filled by other means than a build, which has no manifest."""
        quads = manifest_quads(self.manifest())
        return len(self) if quads is None else quads

    # -- writing --

    def update(self, sparql: str) -> None:
        """Run a SPARQL update as one transaction."""
        raise NotImplementedError

    def replace_files(
        self, drop: Iterable[FileEntry], insert: Iterable[tuple[FileEntry, str]]
    ) -> None:
        """Atomically drop files' graphs and manifest entries and insert new ones."""
        text = replace_update(list(drop), list(insert))
        if text:
            self.update(text)

    def add_files(self, insert: list[tuple[FileEntry, str]]) -> None:
        """Add files the store does not hold yet (no old graphs to replace).

        The default is ``replace_files``; a local store overrides it with a faster bulk
        load that is not one transaction (see ``LocalStore.add_files``).
        """
        self.replace_files([], insert)

    def named_graphs(self) -> set[str]:
        """Every named graph in the store, the manifest included."""
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }")
        return {str(row["g"].value) for row in rows}  # type: ignore[union-attr, index]

    def replace_graphs(self, nquads: bytes, graphs: list[str]) -> None:
        """Drop ``graphs`` and load ``nquads`` (their new content) in one transaction."""
        ops = [f"DROP SILENT GRAPH <{g}>" for g in graphs]
        blocks = list(_graph_blocks(nquads.decode("utf-8")))
        if blocks:
            ops.append("INSERT DATA {\n" + "\n".join(blocks) + "\n}")
        if ops:
            self.update(" ;\n".join(ops))

    def clear(self) -> None:
        """Remove everything, manifest included."""
        self.update("DROP SILENT ALL")

    def close(self) -> None:
        """Release the store (a no-op where there is nothing to release)."""

    def sync(self) -> None:
        """Make written data durable and quick to reopen (a no-op where nothing is cached)."""


class LocalStore(Store):
    """Oxigraph in this process: on disk in a folder, or in memory for ``memory``."""

    def __init__(self, spec: str | None = None, read_only: bool = False) -> None:
        spec = spec or default_store_spec()
        self.spec = spec
        self.read_only = read_only and spec != "memory"
        try:
            if spec == "memory":
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(spec)
            else:
                Path(spec).mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(spec)
        except OSError as exc:
            raise StoreError(f"cannot open store {spec}: {_one_line(exc)}") from None

    @property
    def ox(self) -> ox.Store:
        """The underlying pyoxigraph store."""
        return self._store

    def query(self, sparql: str, prefixes: Mapping[str, str] | None = None) -> Results:
        return self._store.query(
            sparql, use_default_graph_as_union=True, prefixes=dict(prefixes or {})
        )

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except OSError as exc:
            raise StoreError(f"cannot write store {self.spec}: {_one_line(exc)}") from None

    def add_files(self, insert: list[tuple[FileEntry, str]]) -> None:
        """Add new files with Oxigraph's bulk loader (about 3x faster than a transaction).

        Three steps: drop any leftover graphs of the same names (from a killed build), bulk
        load the graphs, then record the files in the manifest in one transaction. Until the
        last step the files are not in the manifest, so a build killed midway re-does them,
        and ``Ingest`` drops graphs no manifest entry names (``orphans``) before it starts.
        """
        if self.spec == "memory":
            return self.replace_files([], insert)
        # Leftovers are rare (the build sweeps orphans first): look before writing, since a
        # write, even one that changes nothing, waits while RocksDB compacts a large store.
        graphs = [
            g
            for entry, _ in insert
            for g in entry.graphs
            if self._store.contains_named_graph(ox.NamedNode(g))
        ]
        if graphs:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs))
        data = "".join(nquads for _, nquads in insert).encode("utf-8")
        try:
            if data:
                self._store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError) as exc:
            raise StoreError(f"cannot write store {self.spec}: {_one_line(exc)}") from None
        self.replace_files([], [(entry, "") for entry, _ in insert])
        return None

    def named_graphs(self) -> set[str]:
        return {str(g.value) for g in self._store.named_graphs()}  # type: ignore[union-attr]

    def manifest(self) -> dict[str, FileEntry]:
        """Every source file the store holds, read in one scan of the manifest graph."""
        quads = self._store.quads_for_pattern(None, None, None, ox.NamedNode(MANIFEST_GRAPH))
        return manifest_from_triples(
            (str(q.subject.value), str(q.predicate.value), str(q.object.value)) for q in quads
        )

    def __len__(self) -> int:
        manifest = sum(
            1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(MANIFEST_GRAPH))
        )
        return len(self._store) - manifest

    def export(
        self, fmt: ox.RdfFormat, output: IO[bytes], prefixes: Mapping[str, str] | None = None
    ) -> None:
        export_oxigraph(self._store, fmt, output, prefixes, on_disk=self.spec != "memory")

    def quads(self) -> Iterator[ox.Quad]:
        return letter_quads(self._store)

    def sync(self) -> None:
        """Flush Oxigraph's write-ahead log into its tables: without it the next open
        replays the log, which after a large build takes a minute."""
        if self.spec != "memory" and not self.read_only:
            try:
                self._store.flush()
            except OSError as exc:
                raise StoreError(f"cannot write store {self.spec}: {_one_line(exc)}") from None

    def close(self) -> None:
        self.sync()


# --------------------------------------------------------------------------- remote


@dataclass(frozen=True, slots=True)
class Endpoints:
    """The three SPARQL 1.1 protocol endpoints of one server."""

    query: str
    update: str
    store: str

    @classmethod
    def from_spec(cls, spec: str) -> Endpoints:
        """Endpoints from a URL: a server root means Oxigraph's layout (/query, /update,
        /store); a URL ending in /query or /sparql keeps its folder (Fuseki: /ds/query,
        /ds/update, /ds/data; Virtuoso: /sparql for both). $POLICYKG_UPDATE_URL and
        $POLICYKG_GSP_URL override the derived update and Graph Store endpoints.
        """
        url = spec.rstrip("/")
        parts = urllib.parse.urlsplit(url)
        base, _, last = url.rpartition("/")
        if parts.path in ("", "/"):
            query, update, store = f"{url}/query", f"{url}/update", f"{url}/store"
        elif last == "query":
            query, update = url, f"{base}/update"
            store = (
                f"{base}/store" if urllib.parse.urlsplit(base).path in ("", "/") else f"{base}/data"
            )
        else:  # /sparql and anything else: one endpoint for query and update
            query, update, store = url, url, f"{url}-graph-crud"
        return cls(
            query,
            os.environ.get("POLICYKG_UPDATE_URL") or update,
            os.environ.get("POLICYKG_GSP_URL") or store,
        )


class _OxLike:
    """Lets code written for ``store.ox.query(...)`` run on a remote store unchanged."""

    def __init__(self, store: RemoteStore) -> None:
        self._remote = store

    def query(self, sparql: str, use_default_graph_as_union: bool = True, prefixes: Mapping[str, str] | None = None,
              **_: Any) -> Results:  # fmt: skip
        return self._remote.query(sparql, prefixes=prefixes)


class RemoteStore(Store):
    """A SPARQL 1.1 server reached over HTTP.

    Queries go to the Query endpoint, changes to the Update endpoint (one request per batch,
    so as atomic as the server makes an update request), single graphs through the Graph
    Store protocol. Queries must see the union of the named graphs as the default graph:
    start Oxigraph with ``--union-default-graph``, give Fuseki ``tdb2:unionDefaultGraph
    true``; Virtuoso, GraphDB and Neptune do so by default. Results come back as pyoxigraph
    objects, the same types a local store returns.
    """

    def __init__(
        self, spec: str | None = None, read_only: bool = False, timeout: float = REMOTE_TIMEOUT
    ) -> None:
        self.spec = spec or default_store_spec()
        self.endpoints = Endpoints.from_spec(self.spec)
        self.timeout = timeout
        self.read_only = read_only
        self._gsp = True  # until the server shows it has no Graph Store endpoint

    @property
    def ox(self) -> _OxLike:
        """A pyoxigraph-like face (``.query``) for code written against a local store."""
        return _OxLike(self)

    def _request(
        self, url: str, data: bytes | None, headers: dict[str, str], method: str | None = None
    ) -> tuple[str, bytes]:
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                _check_complete(resp.headers, self.spec)
                return resp.headers.get("Content-Type", ""), resp.read()
        except urllib.error.HTTPError as exc:
            detail = _one_line(exc.read().decode("utf-8", "replace"))[:300]
            raise _RefusedError(
                f"SPARQL server {self.spec} refused the request: HTTP {exc.code} {detail}",
                exc.code,
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(
                f"cannot reach SPARQL server {self.spec}: {_one_line(reason)}"
            ) from None

    def query(self, sparql: str, prefixes: Mapping[str, str] | None = None) -> Results:
        if prefixes:
            sparql = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items()) + sparql
        body = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
        }
        ctype, data = self._request(self.endpoints.query, body, headers)
        if "json" in ctype:
            return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        if "xml" in ctype and "sparql-results" in ctype:
            return ox.parse_query_results(data, format=ox.QueryResultsFormat.XML)
        return _triples_result(data, ctype)

    def update(self, sparql: str) -> None:
        if self.read_only:
            raise StoreError(f"store {self.spec} was opened read-only")
        headers = {"Content-Type": "application/sparql-update"}
        self._request(self.endpoints.update, sparql.encode("utf-8"), headers)

    def export(
        self, fmt: ox.RdfFormat, output: IO[bytes], prefixes: Mapping[str, str] | None = None
    ) -> None:
        """Through an in-memory Oxigraph store, so the bytes are those of an embedded store
        with the same content (the server's own order and writer are not)."""
        tmp = ox.Store()
        tmp.bulk_extend(self.quads())
        export_oxigraph(tmp, fmt, output, prefixes, on_disk=False)

    def __len__(self) -> int:
        """Quads in policykg's letter graphs (not the manifest, nor the server's own graphs)."""
        rows = self.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f'FILTER(STRSTARTS(STR(?g), "{GRAPH_BASE}") && ?g != <{MANIFEST_GRAPH}>) }}'
        )
        return int(next(iter(rows))["n"].value)  # type: ignore[call-overload]

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of policykg's letter graphs, read a few graphs per query: a server may
        cap the rows of one answer (Virtuoso: ``ResultSetMaxRows``, 10,000 as packaged), and
        a batch it cuts short is read again in halves."""
        pending = [sorted(self.named_graphs() - {MANIFEST_GRAPH})]
        while pending:
            graphs = pending.pop()
            for start in range(0, len(graphs), REMOTE_READ_GRAPHS):
                batch = graphs[start : start + REMOTE_READ_GRAPHS]
                values = " ".join(f"<{g}>" for g in batch)
                try:
                    rows = list(
                        self.query(  # type: ignore[call-overload]
                            f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?g {{ {values} }} "
                            "GRAPH ?g { ?s ?p ?o } }"
                        )
                    )
                except _TruncatedError:
                    if len(batch) == 1:
                        raise
                    half = len(batch) // 2
                    pending += [batch[half:], batch[:half]]
                    continue
                for row in rows:
                    yield ox.Quad(row["s"], row["p"], row["o"], row["g"])

    def replace_files(
        self, drop: Iterable[FileEntry], insert: Iterable[tuple[FileEntry, str]]
    ) -> None:
        """Drop files' graphs and manifest entries and insert new ones, in small requests.

        Not one big update: servers cap an update's size (Virtuoso 7 refuses an ``INSERT
        DATA`` of about 1,500 triples, SP031 "generated SQL text has exceeded 10000 lines",
        and a request of a few hundred operations, SQ156) and compile a request of several
        operations in time that grows faster than its size (Virtuoso: 5 seed letters as one
        request of ten 500-triple operations 19 s, as ten requests 1.9 s, by the Graph Store
        protocol 0.2 s). The order keeps what matters for a killed build, as
        ``LocalStore.add_files`` does:

        1. the dropped files leave the manifest and their graphs are dropped, a few files
           per update request (each file in one request, so never half gone);
        2. each new graph is written whole by a Graph Store ``PUT`` (one request, atomic per
           graph, replacing any leftover of a killed build); where the server has no Graph
           Store endpoint, by ``INSERT DATA`` operations of ``REMOTE_OP_TRIPLES`` triples;
        3. the new files enter the manifest last, each entry whole in one request.

        Until step 3 a file is not in the manifest, so a build killed before it drops the
        file's graphs as orphans and rebuilds it. What this gives up is one transaction
        per batch: a query running meanwhile may see a changed letter missing.
        """
        if self.read_only:
            raise StoreError(f"store {self.spec} was opened read-only")
        drop, insert = list(drop), list(insert)
        for start in range(0, len(drop), REMOTE_DROP_FILES):
            self.update(" ;\n".join(_drop_ops(drop[start : start + REMOTE_DROP_FILES])))
        for _, nquads in insert:
            for graph, lines in _graph_lines(nquads).items():
                self._write_graph(graph, lines)
        manifest = [(len(t), t) for t in (manifest_triples(entry) for entry, _ in insert)]
        for request in _chunks(manifest, REMOTE_OP_TRIPLES):
            self.update(_insert_data({MANIFEST_GRAPH: request}))

    def _write_graph(self, graph: str, lines: list[str]) -> None:
        """Replace ``graph`` with ``lines`` (N-Triples): Graph Store PUT, else Update."""
        if self._gsp:
            try:
                self.put_graph(graph, ("\n".join(lines) + "\n").encode("utf-8"))
                return
            except _RefusedError as exc:
                if exc.status not in (404, 405, 501):  # 404/405/501: no Graph Store here
                    raise
                self._gsp = False
        self.update(f"DROP SILENT GRAPH <{graph}>")
        for start in range(0, len(lines), REMOTE_OP_TRIPLES):
            self.update(_insert_data({graph: lines[start : start + REMOTE_OP_TRIPLES]}))

    def named_graphs(self) -> set[str]:
        """Every policykg named graph on the server (letter graphs and the manifest).

        Only graphs under ``GRAPH_BASE``: a server is shared, and its other graphs are not
        ours to drop as orphans (Virtuoso keeps its own system graphs, e.g. ``virtrdf#``,
        which it cannot run without). ``GRAPH ?g { ?s ?p ?o }`` rather than ``GRAPH ?g {}``:
        Virtuoso 7 answers the empty pattern with one row that leaves ``?g`` unbound.
        """
        rows = self.query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STRSTARTS(STR(?g), "{GRAPH_BASE}")) }}'
        )
        return {str(row["g"].value) for row in rows}  # type: ignore[union-attr, index]

    def clear(self) -> None:
        """Drop policykg's graphs only (``DROP ALL`` would take the server's other graphs),
        100 to a request (Virtuoso 7 refuses a request of 1,000 operations, SQ156)."""
        graphs = sorted(self.named_graphs())
        for start in range(0, len(graphs), 100):
            self.update(
                " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs[start : start + 100])
            )

    # -- Graph Store protocol --

    def get_graph(self, graph: str) -> bytes:
        """One named graph as N-Triples (empty when the server has no such graph)."""
        url = f"{self.endpoints.store}?graph={urllib.parse.quote(graph, safe='')}"
        try:
            return self._request(url, None, {"Accept": "application/n-triples"})[1]
        except StoreError as exc:
            if "HTTP 404" in str(exc):
                return b""
            raise

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace one named graph with ``ntriples`` (HTTP PUT)."""
        url = f"{self.endpoints.store}?graph={urllib.parse.quote(graph, safe='')}"
        self._request(url, ntriples, {"Content-Type": "application/n-triples"}, method="PUT")


REMOTE_OP_TRIPLES = 250  # triples per INSERT DATA request (Virtuoso: fastest per triple)
REMOTE_DROP_FILES = 25  # files dropped per update request (about 3 operations each)
REMOTE_READ_GRAPHS = 8  # letter graphs read per query by RemoteStore.quads


class _TruncatedError(StoreError):
    """A SPARQL server cut an answer short (a row cap or a time limit)."""


def _check_complete(headers: Any, spec: str) -> None:
    """Refuse an answer the server says may be incomplete, rather than return it as whole.

    Virtuoso answers a query with more rows than its ``[SPARQL] ResultSetMaxRows`` with the
    first rows only, marked by an ``X-SPARQL-MaxRows`` header (sent once the cap is reached),
    and a query past its time limit with partial results marked by ``X-SQL-State``.
    """
    cap = headers.get("X-SPARQL-MaxRows")
    if cap:
        raise _TruncatedError(
            f"SPARQL server {spec} cut the answer at {cap} rows "
            "(Virtuoso: raise ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)"
        )
    state = headers.get("X-SQL-State")
    if state:
        message = _one_line(headers.get("X-SQL-Message", ""))[:200]
        raise _TruncatedError(f"SPARQL server {spec} gave incomplete results: {state} {message}")


class _RefusedError(StoreError):
    """A SPARQL server answered with an HTTP error ``status``."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def _drop_ops(drop: Iterable[FileEntry]) -> list[str]:
    """The update operations that remove files' manifest entries and graphs."""
    ops = []
    for entry in drop:
        ops.append(f"DELETE WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ <{entry.iri}> ?p ?o }} }}")
        ops.extend(
            f"DELETE WHERE {{ GRAPH <{MANIFEST_GRAPH}> {{ <{g}> ?p ?o }} }}" for g in entry.graphs
        )
        ops.extend(f"DROP SILENT GRAPH <{g}>" for g in entry.graphs)
    return ops


def _graph_lines(nquads: str) -> dict[str, list[str]]:
    """N-Quads lines as N-Triples lines by graph IRI."""
    groups: dict[str, list[str]] = {}
    for line in nquads.splitlines():
        if line:
            body, _, graph = line[: -len(" .")].rpartition(" ")
            groups.setdefault(graph[1:-1], []).append(body + " .")
    return groups


def _insert_data(groups: Mapping[str, list[str]]) -> str:
    """One ``INSERT DATA`` of triples (N-Triples lines) by graph IRI."""
    blocks = (f"GRAPH <{g}> {{\n" + "\n".join(lines) + "\n}" for g, lines in groups.items())
    return "INSERT DATA {\n" + "\n".join(blocks) + "\n}"


def _chunks(groups: list[tuple[int, list[str]]], size: int) -> Iterator[list[str]]:
    """Groups of lines joined into runs of about ``size`` lines; a group is never split."""
    run: list[str] = []
    for n, lines in groups:
        if run and len(run) + n > size:
            yield run
            run = []
        run.extend(lines)
    if run:
        yield run


def export_oxigraph(
    store: ox.Store,
    fmt: ox.RdfFormat,
    output: IO[bytes],
    prefixes: Mapping[str, str] | None = None,
    on_disk: bool = True,
) -> None:
    """Write an Oxigraph store's letter graphs to ``output`` (the manifest left out).

    N-Quads and TriG: Oxigraph's N-Quads dump, filtered line by line. Other formats hold
    one graph, the union: Oxigraph's CONSTRUCT would remember every triple it wrote (≈ 580
    bytes each: 70 GB at 100,000 letters), so the triples are streamed instead, the shared
    entities' copies collapsed as ``union_triples`` reads them (``on_disk``: the store's
    indexes are sorted). Oxigraph's order follows the encoded terms, so the same content
    always gives the same bytes.
    """
    if fmt in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        lines = GraphLines(output, trig=fmt == ox.RdfFormat.TRIG)
        store.dump(lines, format=ox.RdfFormat.N_QUADS)
        lines.close()
    else:
        ox.serialize(union_triples(store, on_disk), output, fmt, prefixes=dict(prefixes or {}))


def letter_quads(store: ox.Store) -> Iterator[ox.Quad]:
    """Every quad of an Oxigraph store but the manifest's, as the store reads them."""
    manifest = ox.NamedNode(MANIFEST_GRAPH)
    for quad in store.quads_for_pattern(None, None, None, None):
        if quad.graph_name != manifest:
            yield quad


def union_triples(store: ox.Store, sorted_indexes: bool = True) -> Iterator[ox.Triple]:
    """The letter graphs' triples once each, in memory that does not grow with the store.

    Only a shared entity (an agency, a document: ``id/<kind>/<16 hex>``) can have triples
    in more than one letter graph; everything else lives in one letter's graph
    (``id/<kind>/<record>/…``) and is written as the store reads it. Shared entities are
    found in the type index: on disk it lists each class's instances in key order, a
    subject's copies side by side, so only the previous one need be kept (an in-memory
    store's indexes are not sorted: ``sorted_indexes=False`` remembers the subjects, which
    fit, as the store does). Each subject's triples are then read and collapsed. Every
    shared entity has a type (``rdf.py`` gives one to each ``ids.iri`` node); one with
    several is written under the least of them.
    """
    for quad in letter_quads(store):
        if not _shared_entity(quad.subject):
            yield quad.triple
    manifest = ox.NamedNode(MANIFEST_GRAPH)
    previous = None
    done: set[tuple[ox.NamedNode, ox.NamedNode]] = set()
    for typed in store.quads_for_pattern(None, RDF_TYPE, None, None):
        key = (typed.subject, typed.object)
        if key == previous or key in done or not _shared_entity(typed.subject):
            continue
        previous = key
        if not sorted_indexes:
            done.add(key)  # type: ignore[arg-type]
        triples = dict.fromkeys(
            q.triple
            for q in store.quads_for_pattern(typed.subject, None, None, None)
            if q.graph_name != manifest
        )
        classes = [t.object for t in triples if t.predicate == RDF_TYPE]
        if min(classes, key=str) == typed.object:
            yield from triples


def _shared_entity(node: ox.NamedNode | ox.BlankNode | ox.Triple) -> bool:
    value = getattr(node, "value", "")
    if not value.startswith(ID_BASE):
        return False  # not one of ours: no letter graph repeats it
    key = value[len(ID_BASE) :].partition("/")[2]
    return len(key) == 16 and "/" not in key and "-" not in key


class GraphLines:
    """A binary writer that takes Oxigraph's N-Quads dump and writes it to ``output``
    without the manifest graph's lines, as N-Quads or as TriG (one block per run of a
    graph's lines). Lines keep their order, so the output is as stable as the input."""

    def __init__(self, output: IO[bytes], trig: bool = False) -> None:
        self.output, self.trig = output, trig
        self._rest = b""
        self._graph = b""
        self._manifest = f"<{MANIFEST_GRAPH}>".encode()

    def write(self, data: bytes) -> int:
        lines = (self._rest + bytes(data)).split(b"\n")
        self._rest = lines.pop()
        self.output.write(b"".join(self._convert(lines)))
        return len(data)

    def flush(self) -> None:
        self.output.flush()

    def close(self) -> None:
        """Write what is left: a last line without its newline, the last TriG block's end."""
        tail = list(self._convert([self._rest] if self._rest.strip() else []))
        if self.trig and self._graph:
            tail.append(b"}\n")
        self.output.write(b"".join(tail))
        self._rest, self._graph = b"", b""

    def _convert(self, lines: list[bytes]) -> Iterator[bytes]:
        for line in lines:
            body, _, graph = line.rstrip()[: -len(b" .")].rpartition(b" ")
            if not body or graph == self._manifest:
                continue
            if not self.trig:
                yield line + b"\n"
                continue
            if graph != self._graph:
                yield (b"}\n" if self._graph else b"") + graph + b" {\n"
                self._graph = graph
            yield body + b" .\n"


def _triples_result(data: bytes, ctype: str) -> ox.QueryTriples:
    """CONSTRUCT/DESCRIBE output from a server as pyoxigraph ``QueryTriples``."""
    fmt = ox.RdfFormat.TURTLE if "turtle" in ctype else ox.RdfFormat.N_TRIPLES
    tmp = ox.Store()
    tmp.load(data, format=fmt)
    return tmp.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")  # type: ignore[return-value]


def _one_line(value: object) -> str:
    return " ".join(str(value).split())
