"""Benchmark policykg on N generated letters: extraction, builds, queries, export, vs rdflib.

For each size it prints letters/s and MB/s for extraction alone (one process), for a full
build into the embedded on-disk store (``--jobs 1`` and ``--jobs 2``), peak RSS of each
build, store size on disk, a no-change rebuild, the median of 5 runs of every named query,
Turtle export time — and, while the graph fits rdflib in memory (``--rdflib-max-quads``),
the same load, queries and Turtle export on rdflib's Memory store, as ratios.

Example::

    python benchmarks/run.py                      # 1,000 letters (quick)
    python benchmarks/run.py --sizes 1000,10000 --json benchmarks/results.json
    python benchmarks/run.py --sizes 100000 --jobs 1 --no-export --rdflib-max-quads 0
    python benchmarks/run.py --queries-only --store /tmp/s10000            # named queries only
    python benchmarks/run.py --queries-only --store /tmp/s10000 --queries-dir old/  # other .rq files
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUICK = [1000]


def log(message: str) -> None:
    print(message, flush=True)


def du(path: Path) -> int:
    """Bytes under ``path``."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def corpus(n: int, work: Path) -> Path:
    """The generated corpus of ``n`` letters (made once, reused)."""
    folder = work / f"letters-{n}"
    done = folder / ".complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        sys.path.insert(0, str(HERE))
        from generate import generate

        generate(n, folder)
        done.write_text("ok")
    return folder


# --------------------------------------------------------------------------- child runs


def child_build(letters: str, store: str, jobs: int) -> None:
    """Run one build in this (child) process and print its figures as JSON."""
    from policykg.build import ingest
    from policykg.store import Store

    started = time.perf_counter()
    report = ingest([letters], Store(store), jobs=jobs)
    seconds = time.perf_counter() - started
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "built": report.built, "unchanged": report.unchanged,
                      "failed": len(report.failed), "rss": rss_self, "rss_workers": rss_children}))  # fmt: skip


def child_extract(letters: str) -> None:
    """Extraction alone (read + extract + resolve, no RDF, no store) on one process."""
    from policykg.pipeline import FileTask, process_file, source_keys

    files = list(source_keys([letters]))
    size = sum(f.stat().st_size for f, _ in files)
    started = time.perf_counter()
    for file, key in files:
        process_file(FileTask(str(file), key), convert_rdf=False)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "files": len(files), "bytes": size}))


def run_child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- queries


def sample_params(store: object) -> dict[str, str]:
    """Values for the named queries' required parameters, taken from the graph itself."""
    pol = "https://w3id.org/policykg/ontology#"
    picks = {
        "agency": f"SELECT ?v WHERE {{ ?l <{pol}sentBy> ?a . ?a <http://www.w3.org/2000/01/rdf-schema#label> ?v }} LIMIT 1",
        "document": f"SELECT ?v WHERE {{ ?d <{pol}documentNumber> ?v . ?m <{pol}cites> ?d . ?m a <{pol}Measure> }} LIMIT 1",
        "number": f"SELECT ?v WHERE {{ ?p <{pol}proposalNumber> ?v ; <{pol}hasSuggestion> ?s }} LIMIT 1",
    }  # fmt: skip
    values = {}
    for key, sparql in picks.items():
        rows = list(store.query(sparql))  # type: ignore[attr-defined]
        if rows:
            values[key] = str(rows[0]["v"].value)
    values["label"] = values.get("agency", "")
    return values


def named_queries(values: dict[str, str], folder: Path | None = None) -> dict[str, str]:
    """Every named query (of the package, or the ``*.rq`` files in ``folder``), bound with
    sample values where it needs them."""
    from policykg.query import NamedQuery, bind, library, parse_header

    queries = library()
    if folder is not None:
        queries = {}
        for file in sorted(folder.glob("*.rq")):
            text = file.read_text(encoding="utf-8")
            name, description, params = parse_header(text)
            name = name or file.stem
            queries[name] = NamedQuery(name, description or "", params, text)
    found = {}
    for name, q in queries.items():
        given = {p.key: values[p.key] for p in q.params if p.required and values.get(p.key)}
        if all(not p.required or p.key in given for p in q.params):
            found[name] = bind(q.text, q.params, given)
    return found


def time_in_child(store: str, text: str, repeat: int = 5, limit: float = 120.0) -> float:
    """Median of ``repeat`` runs of a query on the on-disk store, in a child process that
    is killed after ``limit`` seconds (pyoxigraph cannot be interrupted); ``-limit`` then.
    Runs stop early once they have used half the limit."""
    import multiprocessing

    from policykg.query import QUERY_PREFIXES
    from policykg.store import LocalStore

    def work(send: object) -> None:
        st = LocalStore(store, read_only=True)
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            list(st.query(text, prefixes=QUERY_PREFIXES))
            runs.append(time.perf_counter() - started)
            if sum(runs) > limit / 2:
                break
        send.send(statistics.median(runs))  # type: ignore[attr-defined]

    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=work, args=(send,), daemon=True)
    child.start()
    try:
        return receive.recv() if receive.poll(limit) else -limit
    finally:
        child.kill()
        child.join()


def time_queries(
    run, queries: dict[str, str], repeat: int = 5, cap: float = 20.0
) -> dict[str, float]:  # noqa: ANN001
    """Median seconds of ``repeat`` runs of each query (one run when a run exceeds ``cap``)."""
    timings = {}
    for name, text in queries.items():
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            try:
                run(text)
            except Exception as exc:  # noqa: BLE001 — rdflib fails on some queries; report it
                log(f"  {name}: failed: {type(exc).__name__}: {exc}")
                runs = [float("nan")]
                break
            runs.append(time.perf_counter() - started)
            if runs[-1] > cap:
                break
        timings[name] = statistics.median(runs)
    return timings


# --------------------------------------------------------------------------- one size


def bench(
    n: int, work: Path, rdflib_max: int, jobs_list: tuple[int, ...] = (1, 2), export: bool = True
) -> dict:
    letters = corpus(n, work)
    files = sorted(p for p in letters.rglob("*.txt"))
    size = sum(p.stat().st_size for p in files)
    res: dict = {"letters": len(files), "mb": size / 1e6}
    log(
        f"\n== {len(files):,} letters, {size / 1e6:.1f} MB (avg {size / len(files) / 1e3:.1f} KB) =="
    )

    ext = run_child("_extract", str(letters))
    res["extract"] = ext
    log(
        f"extraction alone, 1 process: {ext['files'] / ext['seconds']:.0f} letters/s, {ext['bytes'] / 1e6 / ext['seconds']:.2f} MB/s"
    )

    for jobs in jobs_list:
        store = work / f"store-{n}-j{jobs}"
        shutil.rmtree(store, ignore_errors=True)
        b = run_child("_build", str(letters), str(store), str(jobs))
        b["store_bytes"] = du(store)
        res[f"build_j{jobs}"] = b
        log(f"build --jobs {jobs}: {b['seconds']:.1f} s, {len(files) / b['seconds']:.0f} letters/s, "
            f"{size / 1e6 / b['seconds']:.2f} MB/s, peak RSS {b['rss'] / 1e6:.0f} MB (workers {b['rss_workers'] / 1e6:.0f} MB), "
            f"store {b['store_bytes'] / 1e6:.0f} MB on disk")  # fmt: skip
    if "build_j1" in res and "build_j2" in res:
        res["speedup_j2"] = res["build_j1"]["seconds"] / res["build_j2"]["seconds"]
        log(f"--jobs 2 speed-up: {res['speedup_j2']:.2f}x")
    store = work / f"store-{n}-j{jobs_list[0]}"
    again = run_child("_build", str(letters), str(store), str(jobs_list[0]))
    res["rebuild"] = again
    log(f"no-change rebuild: {again['seconds']:.1f} s ({again['unchanged']} unchanged)")

    import pyoxigraph as ox

    from policykg.store import LocalStore

    st = LocalStore(str(store), read_only=True)
    res["quads"] = st.quad_count()  # the manifest's sum: len() scans the whole store
    queries = named_queries(sample_params(st))
    ox_times = {name: time_in_child(str(store), text) for name, text in queries.items()}
    res["queries_ox"] = ox_times
    log(f"quads: {res['quads']:,}")
    if export:
        from policykg.rdf import PREFIXES

        target = work / f"export-{n}.ttl"  # to a file, as `policykg export -o` writes it
        started = time.perf_counter()
        with open(target, "wb") as fh:
            st.export(ox.RdfFormat.TURTLE, fh, PREFIXES)
        res["turtle_ox"] = time.perf_counter() - started
        log(f"Turtle export (Oxigraph): {res['turtle_ox']:.1f} s, {target.stat().st_size / 1e6:.0f} MB")
        target.unlink()

    if res["quads"] <= rdflib_max:
        res.update(rdflib_compare(st, queries, ox_times))
    else:
        log(
            f"rdflib comparison skipped: {res['quads']:,} quads > --rdflib-max-quads {rdflib_max:,}"
        )
    log(
        "named queries, median of 5 (ms)"
        + (": oxigraph / rdflib / ratio" if "queries_rdflib" in res else "")
    )
    for name, t in ox_times.items():
        if t < 0:
            log(f"  {name:26} >{-t:8.0f}s (stopped)")
            continue
        extra = ""
        if "queries_rdflib" in res:
            r = res["queries_rdflib"][name]
            extra = (
                f"  >{-r:8.0f}s  >{-r / t:6.0f}x" if r < 0 else f"  {r * 1e3:9.1f}  {r / t:7.1f}x"
            )
        log(f"  {name:26} {t * 1e3:9.1f}{extra}")
    return res


def rdflib_compare(st: object, queries: dict[str, str], ox_times: dict[str, float]) -> dict:
    """Load, query and serialise the same graph with rdflib's Memory store."""
    import pyoxigraph as ox
    from rdflib import Dataset

    from policykg.query import QUERY_PREFIXES

    nquads = st.dump(ox.RdfFormat.N_QUADS)  # type: ignore[attr-defined]
    started = time.perf_counter()
    mem = ox.Store()
    mem.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    load_ox = time.perf_counter() - started
    started = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(data=nquads, format="nquads")
    load_rdflib = time.perf_counter() - started
    del nquads
    log(
        f"load the same quads: Oxigraph (memory) {load_ox:.1f} s, rdflib Memory {load_rdflib:.1f} s ({load_rdflib / load_ox:.0f}x)"
    )
    rd_times = time_queries(
        lambda q: list(ds.query(q, initNs=QUERY_PREFIXES)), queries, repeat=3, cap=10.0
    )
    started = time.perf_counter()
    ds.serialize(format="turtle")
    turtle_rdflib = time.perf_counter() - started
    log(f"Turtle export (rdflib): {turtle_rdflib:.1f} s")
    return {
        "load_ox": load_ox,
        "load_rdflib": load_rdflib,
        "queries_rdflib": rd_times,
        "turtle_rdflib": turtle_rdflib,
    }


def queries_only(store: Path, folder: Path | None, repeat: int, limit: float) -> dict:
    """Median latency of every named query on an existing on-disk store (no corpus, no build).

    Parameters are sampled from the store as in the full benchmark; ``folder`` times the
    ``*.rq`` files there instead of the package's (e.g. an older version of the queries).
    """
    from policykg.store import LocalStore

    st = LocalStore(str(store), read_only=True)
    values = sample_params(st)
    quads = st.quad_count()  # the manifest's sum: len() scans the whole store (minutes at 100 M)
    del st
    log(f"store {store}: {quads:,} quads; parameters {values}")
    times = {}
    for name, text in named_queries(values, folder).items():
        t = time_in_child(str(store), text, repeat=repeat, limit=limit)
        times[name] = t
        log(f"  {name:26} " + (f">{-t:8.0f} s (stopped)" if t < 0 else f"{t * 1e3:9.1f} ms"))
    return {"store": str(store), "quads": quads, "params": values, "queries_ox": times}


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    mem = int(
        next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    )
    import pyoxigraph
    import rdflib

    return (f"{cpu}, {os.cpu_count()} cores, {mem / 1e6:.0f} GB RAM; Python {platform.python_version()}, "
            f"pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1000", help="comma-separated corpus sizes (e.g. 1000,10000,100000)"
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("/tmp/policykg-bench"),
        help="folder for corpora and stores",
    )
    parser.add_argument(
        "--rdflib-max-quads", type=int, default=3_000_000, help="skip rdflib above this"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--jobs", default="1,2", help="builds to time, by --jobs value (e.g. 2 alone at 100,000)"
    )
    parser.add_argument("--no-export", action="store_true", help="skip the Turtle export")
    parser.add_argument(
        "--queries-only", action="store_true",
        help="only time the named queries on the existing store given by --store",
    )  # fmt: skip
    parser.add_argument("--store", type=Path, help="on-disk store for --queries-only")
    parser.add_argument(
        "--queries-dir", type=Path, help="with --queries-only: time the *.rq files of this folder"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs per query (median)")
    parser.add_argument(
        "--limit", type=float, default=120.0, help="seconds before a query is stopped"
    )
    args = parser.parse_args()
    if args.queries_only:
        if args.store is None:
            parser.error("--queries-only needs --store PATH")
        log(f"machine: {machine()}\ndate: {time.strftime('%Y-%m-%d %H:%M %Z')}")
        res = queries_only(args.store, args.queries_dir, args.repeat, args.limit)
        if args.json:
            args.json.write_text(json.dumps(res, indent=2, ensure_ascii=False))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    log(f"machine: {machine()}\ndate: {time.strftime('%Y-%m-%d %H:%M %Z')}")
    results = {"machine": machine(), "date": time.strftime("%Y-%m-%d"), "sizes": {}}
    for n in (int(s) for s in args.sizes.split(",")):
        jobs = tuple(int(j) for j in args.jobs.split(","))
        results["sizes"][n] = bench(n, args.work, args.rdflib_max_quads, jobs, not args.no_export)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_build":
        child_build(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif len(sys.argv) > 1 and sys.argv[1] == "_extract":
        child_extract(sys.argv[2])
    else:
        main()
