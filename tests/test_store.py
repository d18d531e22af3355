"""The store interface: kinds by spec, manifest round trip, dumps without the manifest."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from _support import LETTERS

from policykg.store import (
    MANIFEST_GRAPH,
    Endpoints,
    FileEntry,
    GraphLines,
    LocalStore,
    RecordEntry,
    RemoteStore,
    Store,
    StoreError,
    default_store_spec,
    union_triples,
)

ROOT = Path(__file__).resolve().parents[1]
POL = "https://w3id.org/policykg/ontology#"
G1, G2 = "https://w3id.org/policykg/id/graph/a-0", "https://w3id.org/policykg/id/graph/b-0"


def entry(key: str, graph: str, **flags: object) -> FileEntry:
    return FileEntry(
        key, "h-" + key, f"/x/{key}", [RecordEntry(graph, "标题", "k|1", **flags)], version="v1"
    )  # type: ignore[arg-type]


def nq(graph: str, value: str) -> str:
    return f'<urn:s> <urn:p> "{value}" <{graph}> .\n'


def test_spec_chooses_the_kind(tmp_path, monkeypatch):
    assert isinstance(Store("memory"), LocalStore)
    assert isinstance(Store(str(tmp_path / "s")), LocalStore)
    assert isinstance(Store("http://127.0.0.1:1/"), RemoteStore)
    with pytest.raises(StoreError, match="read-only"):
        Store("http://127.0.0.1:1/", read_only=True).update("CLEAR ALL")
    monkeypatch.setenv("POLICYKG_STORE", "memory")
    assert default_store_spec() == "memory" and Store().spec == "memory"
    monkeypatch.delenv("POLICYKG_STORE")
    assert default_store_spec() == ".policykg/store"


@pytest.mark.parametrize(
    ("spec", "query", "update", "gsp"),
    [
        ("http://h:7878", "http://h:7878/query", "http://h:7878/update", "http://h:7878/store"),
        (
            "http://h:3030/ds/query",
            "http://h:3030/ds/query",
            "http://h:3030/ds/update",
            "http://h:3030/ds/data",
        ),
        (
            "http://h:8890/sparql",
            "http://h:8890/sparql",
            "http://h:8890/sparql",
            "http://h:8890/sparql-graph-crud",
        ),
    ],
)
def test_endpoints_follow_the_server_layout(spec, query, update, gsp, monkeypatch):
    monkeypatch.delenv("POLICYKG_UPDATE_URL", raising=False)
    monkeypatch.delenv("POLICYKG_GSP_URL", raising=False)
    assert Endpoints.from_spec(spec) == Endpoints(query, update, gsp)


def test_manifest_round_trip_and_atomic_replace():
    store = Store("memory")
    store.replace_files(
        [],
        [(entry("a.txt", G1, numbered=True), nq(G1, "one")), (entry("b.txt", G2), nq(G2, "two"))],
    )
    manifest = store.manifest()
    assert manifest["a.txt"] == entry("a.txt", G1, numbered=True)
    assert manifest["b.txt"].records[0].numbered is False
    store.replace_files([manifest["a.txt"]], [(entry("a.txt", G1), nq(G1, "uno"))])
    values = sorted(str(q.object.value) for q in store.quads())
    assert values == ["two", "uno"]
    store.replace_files([store.manifest()["b.txt"]], [])
    assert set(store.manifest()) == {"a.txt"}
    assert len(store) == 1


def test_add_files_on_disk_uses_the_bulk_loader_and_records_the_manifest(tmp_path):
    store = Store(str(tmp_path / "s"))
    store.update(f"INSERT DATA {{ GRAPH <{G1}> {{ <urn:s> <urn:p> 'stale leftover' }} }}")
    store.add_files([(entry("a.txt", G1), nq(G1, "fresh"))])
    assert [str(q.object.value) for q in store.quads()] == ["fresh"]
    assert set(store.manifest()) == {"a.txt"}


def test_dumps_leave_the_manifest_out():
    store = Store("memory")
    store.replace_files([], [(entry("a.txt", G1), nq(G1, "one"))])
    for fmt in (
        ox.RdfFormat.N_QUADS,
        ox.RdfFormat.TRIG,
        ox.RdfFormat.TURTLE,
        ox.RdfFormat.N_TRIPLES,
    ):
        data = store.dump(fmt)
        assert b"one" in data and MANIFEST_GRAPH.encode() not in data and b"manifest#" not in data
    trig = store.dump(ox.RdfFormat.TRIG)
    parsed = ox.Store()
    parsed.load(trig, format=ox.RdfFormat.TRIG)
    assert len(parsed) == 1


@pytest.mark.parametrize("chunk", [1, 7, 10_000])
def test_graph_lines_whatever_the_chunks(chunk):
    """Oxigraph hands the writer blocks that split lines anywhere (even inside a character)."""
    data = (nq(G1, "一") + nq(G1, "2") + nq(MANIFEST_GRAPH, "m") + nq(G2, "3")).encode()
    out = {}
    for trig in (False, True):
        sink = io.BytesIO()
        lines = GraphLines(sink, trig=trig)
        for i in range(0, len(data), chunk):
            lines.write(data[i : i + chunk])
        lines.close()
        out[trig] = sink.getvalue()
    assert out[False] == data.replace(nq(MANIFEST_GRAPH, "m").encode(), b"")
    assert out[True].count(b"{") == 2 and b'"m"' not in out[True]
    parsed = ox.Store()
    parsed.load(out[True], format=ox.RdfFormat.TRIG)
    assert len(parsed) == 3


@pytest.mark.parametrize("on_disk", [False, True])
def test_union_export_writes_each_triple_once(tmp_path, on_disk):
    """A shared entity's triples repeat in every letter graph naming it; the union has them
    once (an entity with two classes too), and a letter's own triples as they are."""
    agency = "<https://w3id.org/policykg/id/agency/0123456789abcdef>"
    shared = [
        f'{agency} <http://www.w3.org/2000/01/rdf-schema#label> "市财政局"@zh',
        f"{agency} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{POL}Agency>",
    ]
    own = "<https://w3id.org/policykg/id/letter/{0}-0> <" + POL + "sentBy> " + agency
    second_class = f"{agency} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{POL}Organization>"
    store = Store(str(tmp_path / "store") if on_disk else "memory")
    data = "".join(f"{t} <{g}> .\n" for g in (G1, G2) for t in (*shared, own.format(g[-3])))
    store.replace_graphs((data + f"{second_class} <{G2}> .\n").encode(), [])
    triples = list(union_triples(store.ox, sorted_indexes=on_disk))  # type: ignore[arg-type]
    assert len(triples) == len(set(triples)) == 5
    for fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
        graph = ox.Store()
        graph.load(store.dump(fmt, {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}), format=fmt)
        assert len(graph) == 5
    assert store.dump(ox.RdfFormat.N_TRIPLES).count(b"\n") == 5


def test_union_of_a_built_corpus_is_its_triples_once_each(tmp_path):
    """On real letter graphs (every shared entity typed, copies in many graphs), the
    streamed union is exactly the set of the store's triples, none twice."""
    from policykg.build import ingest

    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "40", str(corpus), "--seed", "3"],
                   check=True, capture_output=True)  # fmt: skip
    store = Store(str(tmp_path / "store"))
    ingest([corpus, LETTERS], store)
    triples = list(union_triples(store.ox))  # type: ignore[arg-type]
    assert len(triples) == len(set(triples))
    assert set(triples) == {q.triple for q in store.quads()}
    assert len(triples) < len(store)  # shared entities were repeated, and written once


def test_dump_is_the_same_whatever_the_load_order(tmp_path):
    """Oxigraph's on-disk order follows the encoded terms, not the insertion order."""
    lines = [nq(G1 if i % 2 else G2, f"v{i}") for i in range(200)]
    a, b = Store(str(tmp_path / "a")), Store(str(tmp_path / "b"))
    a.replace_graphs("".join(lines).encode(), [])
    b.replace_graphs("".join(reversed(lines)).encode(), [])
    assert a.dump(ox.RdfFormat.TRIG) == b.dump(ox.RdfFormat.TRIG)


def test_unreachable_server_is_one_line():
    store = Store("http://127.0.0.1:9/")  # discard port: nothing listens
    with pytest.raises(
        StoreError, match=r"^cannot reach SPARQL server http://127.0.0.1:9/: "
    ) as err:
        store.manifest()
    assert "\n" not in str(err.value)
