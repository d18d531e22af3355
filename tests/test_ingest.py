"""Incremental, idempotent, parallel ingest: rebuild = no change, one changed letter = one
graph replaced, cross-letter links kept right, and a build killed with SIGKILL recovers."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from _support import LETTERS

from policykg import ids
from policykg.build import BuildReport, ingest, remove_files
from policykg.pipeline import extract_paths
from policykg.store import MANIFEST_GRAPH, Store

ROOT = Path(__file__).resolve().parents[1]
FORM = "001_a2b1ea49786702ab.txt"  # the proposal form whose reply is 000_…
REPLY = "000_42c7ff2b028ad38b.txt"
POL = "https://w3id.org/policykg/ontology#"


def graphs(store: Store) -> dict[str, set[str]]:
    """Every letter graph as a set of N-Quads lines."""
    found: dict[str, set[str]] = {}
    for q in store.quads():
        found.setdefault(str(q.graph_name.value), set()).add(str(q))
    return found


def letters_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "letters"
    shutil.copytree(LETTERS, folder)
    for f in folder.iterdir():
        f.chmod(0o644)
    return folder


@pytest.fixture(scope="module")
def full_build(tmp_path_factory) -> tuple[Path, dict[str, set[str]]]:
    """The seed letters built once into an on-disk store, and its graphs."""
    tmp = tmp_path_factory.mktemp("full")
    store = Store(str(tmp / "store"))
    report = ingest([LETTERS], store)
    assert report.built == 5 and not report.failed
    return tmp / "store", graphs(store)


def test_rebuild_changes_nothing_and_extracts_nothing(full_build, monkeypatch):
    path, before = full_build
    store = Store(str(path))
    monkeypatch.setattr("policykg.pipeline.extract_one", _no_extraction)
    report = ingest([LETTERS], store)
    assert (report.read, report.built, report.unchanged) == (5, 0, 5)
    assert graphs(store) == before


def _no_extraction(*_args: object) -> None:
    raise AssertionError("an unchanged letter was extracted again")


def test_store_matches_an_in_memory_extraction_of_the_whole_corpus(full_build, tmp_path):
    _, built = full_build
    mem = Store("memory")
    from policykg.build import ingest_extracted

    ingest_extracted(extract_paths([LETTERS]), mem)
    assert graphs(mem) == built


def test_parallel_build_gives_the_same_graphs(full_build):
    _, built = full_build
    mem = Store("memory")
    report = ingest([LETTERS], mem, jobs=2)
    assert report.built == 5
    assert graphs(mem) == built


def test_changing_one_letter_replaces_only_its_graph(tmp_path):
    folder = letters_copy(tmp_path)
    store = Store(str(tmp_path / "store"))
    ingest([folder], store)
    before = graphs(store)
    victim = folder / "002_aac65292805c1249.txt"
    victim.write_text(
        victim.read_text(encoding="utf-8").replace("答复如下", "答复如下（修订）"), encoding="utf-8"
    )
    report = ingest([folder], store)
    assert (report.built, report.unchanged, report.relinked) == (1, 4, 0)
    assert report.stored_quads == len(store)
    after = graphs(store)
    changed = {g for g in before.keys() | after.keys() if before.get(g) != after.get(g)}
    assert changed == {_graph_of("002_aac65292805c1249.txt")}
    assert any("（修订）" in line for line in after[_graph_of("002_aac65292805c1249.txt")])
    # the manifest's per-file quad counts still add up to the store's size, without a scan
    assert all(entry.quads for entry in store.manifest().values())
    assert store.quad_count() == len(store) == sum(len(quads) for quads in after.values())


def _graph_of(key: str, index: int = 0) -> str:
    return str(ids.graph_iri(f"{ids.key_hash(key)[:12]}-{index}"))


def test_letters_arriving_apart_link_as_if_built_together(full_build, tmp_path):
    """The reply first, its proposal form in a later build: the reply is re-linked."""
    _, together = full_build
    store = Store("memory")
    ingest([LETTERS / REPLY], store)
    report = ingest([LETTERS], store)
    assert report.relinked >= 1  # the reply, rewritten to answer the form's suggestions
    assert graphs(store) == together


def test_remove_drops_the_letter_and_relinks_its_partner(full_build, tmp_path):
    _, together = full_build
    store = Store("memory")
    ingest([LETTERS], store)
    report, unmatched = remove_files(store, [str(LETTERS / FORM)])
    assert (report.removed, unmatched) == (1, [])
    without = graphs(store)
    assert _graph_of(FORM) not in without
    alone = Store("memory")
    ingest([p for p in sorted(LETTERS.iterdir()) if p.name != FORM], alone)
    assert without == graphs(alone)
    ingest([LETTERS], store)  # and back
    assert graphs(store) == together


def test_prune_drops_letters_no_longer_in_the_folder(tmp_path):
    folder = letters_copy(tmp_path)
    store = Store("memory")
    ingest([folder], store)
    (folder / "004_44ec9fff1936b0cc.txt").unlink()
    report = ingest([folder], store, prune=True)
    assert (report.removed, report.unchanged) == (1, 4)
    assert _graph_of("004_44ec9fff1936b0cc.txt") not in graphs(store)
    assert set(store.manifest()) == {p.name for p in folder.iterdir()}


def test_unreadable_files_fail_alone(tmp_path):
    folder = letters_copy(tmp_path)
    (folder / "zz_binary.txt").write_bytes(bytes(range(256)) * 4)
    report = ingest([folder], Store("memory"))
    assert (report.built, len(report.failed)) == (5, 1)
    assert "zz_binary.txt" in report.failed[0]
    assert "failed" in BuildReport(failed=["x"]).counts_line()


def test_manifest_is_not_part_of_the_graph(full_build):
    path, _ = full_build
    store = Store(str(path))
    assert MANIFEST_GRAPH.encode() not in store.dump(ox.RdfFormat.N_QUADS)
    assert MANIFEST_GRAPH.encode() not in store.dump(ox.RdfFormat.TRIG)
    assert len(store) == sum(len(g) for g in graphs(store).values())


# --- kill -9 ---


def _make_corpus(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "corpus"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "generate.py"),
            str(n),
            str(folder),
            "--seed",
            "7",
        ],
        check=True,
        capture_output=True,
    )
    return folder


@pytest.mark.slow
def test_build_killed_midway_recovers_completely(tmp_path):
    corpus = _make_corpus(tmp_path, 300)
    expected = Store("memory")
    ingest([corpus], expected)
    want = graphs(expected)
    store_dir = tmp_path / "store"
    env = {**os.environ, "POLICYKG_STORE": str(store_dir)}
    cmd = [sys.executable, "-m", "policykg.cli", "build", str(corpus), "--no-output", "-j", "2"]
    for delay in (2.0, 4.0, 1.0):
        proc = subprocess.Popen(
            cmd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)  # the build and its workers, mid-flight
        proc.wait()
        store = Store(str(store_dir))
        # whatever the manifest lists is complete: no half-written letter among them
        for entry in store.manifest().values():
            have = graphs_subset(store, entry.graphs)
            assert all(have[g] == want[g] for g in entry.graphs), entry.key
        store.close()
        del store
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    assert "0 failed" in result.stdout
    assert graphs(Store(str(store_dir))) == want


@pytest.mark.slow
def test_ctrl_c_stores_the_batch_being_written_and_a_rerun_completes(tmp_path):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) ends the build
    with 130 and one message, no worker tracebacks; a second Ctrl-C stops at once. Either
    way what the manifest lists is complete, and the next build finishes the graph."""
    corpus = _make_corpus(tmp_path, 300)
    expected = Store("memory")
    ingest([corpus], expected)
    want = graphs(expected)
    for presses in (1, 2):
        store_dir = tmp_path / f"store{presses}"
        cmd = [sys.executable, "-m", "policykg.cli", "build", str(corpus), "--no-output", "-j", "2",
               "--store", str(store_dir)]  # fmt: skip
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
        )
        time.sleep(3.0)  # past start-up, into the batches
        for _ in range(presses):
            os.killpg(proc.pid, signal.SIGINT)
            time.sleep(0.2)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 130, err
        assert "Traceback" not in err
        if presses == 1:
            assert "Run the same command again to go on" in err
        store = Store(str(store_dir))
        for entry in store.manifest().values():
            have = graphs_subset(store, entry.graphs)
            assert all(have[g] == want[g] for g in entry.graphs), entry.key
        stored = len(store.manifest())
        store.close()
        del store
        assert stored < 300, "the build ended before the interrupt; make the corpus larger"
    result = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert "0 failed" in result.stdout
    assert graphs(Store(str(store_dir))) == want


def graphs_subset(store: Store, names: list[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {g: set() for g in names}
    for g in names:
        for q in store.ox.quads_for_pattern(None, None, None, ox.NamedNode(g)):  # type: ignore[union-attr]
            found[g].add(str(q))
    return found


def test_batches_written_in_the_background_give_the_same_graphs(full_build, tmp_path, monkeypatch):
    """One file per batch: every batch but the last is written by the writer thread while the
    next is extracted, and letters in different batches still link as in one batch."""
    _, built = full_build
    monkeypatch.setattr("policykg.build.BATCH_FILES", 1)
    store = Store(str(tmp_path / "store"))
    report = ingest([LETTERS], store)
    assert report.built == 5
    assert graphs(store) == built
    assert set(store.manifest()) == {e.key for e in Store(str(full_build[0])).manifest().values()}


def test_manifest_scan_reads_what_the_manifest_query_reads(full_build):
    """The on-disk store reads its manifest in one scan of the graph; the SPARQL query (used
    for servers) must give the same entries, record flags and link keys included."""
    from policykg.store import MANIFEST_QUERY, LocalStore, parse_manifest

    store = LocalStore(str(full_build[0]), read_only=True)
    scanned = store.manifest()
    assert scanned == parse_manifest(store.query(MANIFEST_QUERY))
    records = [r for entry in scanned.values() for r in entry.records]
    assert any(r.numbered for r in records) and any(r.suggestions for r in records)
    assert any(r.title_key for r in records) and all(e.quads for e in scanned.values())
