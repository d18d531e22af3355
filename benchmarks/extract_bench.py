"""Extraction speed alone, in CPU time: read + normalise + extract + resolve per letter.

What ``policykg.pipeline.extract_one`` does for each file, timed part by part with
``time.process_time()`` (CPU time of this process, so other users of a shared machine
count for little), on one core. Each run is a fresh child process, so the one-time
start-up (imports, the word automaton, the gazetteer) is measured apart from the
per-letter work and no cache survives from one run to the next. Prints, per corpus, the
median over ``--runs`` runs of: letters/s, MB/s, the median ms per letter, and the share
of each part.

Example::

    python benchmarks/extract_bench.py                     # seed letters + 1,000 generated
    python benchmarks/extract_bench.py --runs 5 --json /tmp/extract.json
    python benchmarks/extract_bench.py --profile /tmp/prof.txt   # pyinstrument, 100 letters
    # before/after: alternate runs with another checkout's src/ (e.g. from `git archive`)
    python benchmarks/extract_bench.py --runs 5 --compare /tmp/old/src
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def generated(n: int, work: Path, seed: int = 1) -> Path:
    folder = work / (f"l{n}" if seed == 1 else f"l{n}-seed{seed}")
    done = folder / ".complete"
    if not done.exists():
        sys.path.insert(0, str(HERE))
        from generate import generate

        generate(n, folder, seed=seed)
        done.write_text("ok")
    return folder


# --------------------------------------------------------------------------- child


def child(folder: str, warm: str | None = None) -> None:
    """One run: start-up, then every letter of ``folder``; prints JSON figures.

    ``warm``: letters extracted first and timed apart — what a long run has paid once
    (patterns compiled on first use, the first lookups of common names) before it gets to
    a small corpus such as the seed letters.
    """
    t0 = time.process_time()
    from policykg.extract import extract_source
    from policykg.extract.matcher import _combined
    from policykg.gazetteer import load_gazetteer
    from policykg.pipeline import source_keys
    from policykg.read import normalize, read_file
    from policykg.resolve import link_corpus, resolve_record

    t1 = time.process_time()
    gaz = load_gazetteer()
    _combined()
    t2 = time.process_time()
    for file, key in source_keys([warm] if warm else []):
        source = read_file(file)
        for rec in extract_source(source, key)[0]:
            resolve_record(rec, source.text, gaz)
    t3 = time.process_time()
    files = list(source_keys([folder]))
    parts: dict[str, list[float]] = {"read": [], "normalize": [], "extract": [], "resolve": []}
    per_letter: list[float] = []
    size = 0
    records = []
    clock = time.process_time
    for file, key in files:
        a = clock()
        source = read_file(file)
        b = clock()
        normalize(source.text)  # informational: extract_source and resolve_record normalise too
        c = clock()
        recs, _ = extract_source(source, key)
        d = clock()
        for rec in recs:
            resolve_record(rec, source.text, gaz)
        e = clock()
        parts["read"].append(b - a)
        parts["normalize"].append(c - b)
        parts["extract"].append(d - c)
        parts["resolve"].append(e - d)
        per_letter.append((b - a) + (e - c))  # what extract_one costs (without the extra normalize)
        size += file.stat().st_size
        records.extend(recs)
    f = clock()
    link_corpus(records)
    g = clock()
    print(json.dumps({
        "imports": t1 - t0, "warmup": t2 - t1, "warm_letters": t3 - t2, "files": len(files), "bytes": size,
        "total": sum(per_letter), "median_ms": statistics.median(per_letter) * 1000,
        "parts": {k: sum(v) for k, v in parts.items()}, "loop": f - t2, "link": g - f,
    }))  # fmt: skip


def profile(folder: str, out: Path, limit: int) -> None:
    """A pyinstrument profile of extraction over ``limit`` letters, after the start-up and
    ``limit`` other letters (so the memoised lookups and lazily compiled patterns are warm)."""
    from pyinstrument import Profiler

    from policykg.extract.matcher import _combined
    from policykg.gazetteer import load_gazetteer
    from policykg.pipeline import extract_one, source_keys

    load_gazetteer()
    _combined()
    files = list(source_keys([folder]))
    for file, key in files[:limit]:
        extract_one(file, key)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for file, key in files[limit : 2 * limit]:
        extract_one(file, key)
    profiler.stop()
    table = _cpu_by_part(files[2 * limit : 2 * limit + 5 * limit])
    note = (
        f"# extract_one over letters {limit}-{2 * limit - 1} of {folder} (benchmarks/generate.py), after\n"
        f"# the start-up and letters 0-{limit - 1}: python benchmarks/extract_bench.py --profile FILE.\n"
        "# pyinstrument samples wall time and charges a C call's cost (and its own overhead per\n"
        "# call) to the calling Python line: loops with many small C calls look heavier than they\n"
        "# are (find_words' loop over the automaton's matches most of all).\n"
    )
    out.write_text(note + table + profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")


def _cpu_by_part(files: list) -> str:
    """CPU time (process_time) per letter of each stage and extractor, over ``files``."""
    from policykg import pipeline
    from policykg.extract import base

    spent: dict[str, float] = {}
    clock = time.process_time

    def timed(name: str, fn):  # noqa: ANN001, ANN202
        def run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            t = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + clock() - t

        return run

    saved = dict(base._REGISTRY)
    saved_stages = pipeline.read_file, pipeline.resolve_record, base.find_words
    for name, ext in saved.items():
        base._REGISTRY[name] = base.Extractor(ext.name, ext.assigns, timed("extractor " + name, ext.run), ext.order)
    pipeline.read_file = timed("read_file", pipeline.read_file)
    pipeline.resolve_record = timed("resolve_record", pipeline.resolve_record)
    base.find_words = timed("find_words (in header)", base.find_words)
    try:
        total = clock()
        for file, key in files:
            pipeline.extract_one(file, key)
        total = clock() - total
    finally:
        base._REGISTRY.update(saved)
        pipeline.read_file, pipeline.resolve_record, base.find_words = saved_stages
    n = len(files)
    lines = [f"# CPU time per letter over {n} further letters (process_time): {total / n * 1000:.2f} ms in all"]
    for name, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        lines.append(f"#   {name:24s} {seconds / n * 1000:.2f} ms")
    lines.append("#   (find_words, the one pass over the record for all word lists, is paid by the first")
    lines.append("#   extractor to ask for Context.words: header, whose figure includes it)")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- parent


def run(folder: Path, src: str | None = None, warm: Path | None = None) -> dict:
    """One fresh child process over ``folder`` (importing policykg from ``src`` if given)."""
    env = dict(os.environ, PYTHONPATH=src) if src else None
    command = [sys.executable, __file__, "--child", str(folder)] + (["--warm-folder", str(warm)] if warm else [])
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def summary(name: str, runs: list[dict]) -> dict:
    med = statistics.median
    files, size = runs[0]["files"], runs[0]["bytes"]
    total = med(r["total"] for r in runs)
    out = {
        "corpus": name, "files": files, "mb": size / 1e6, "runs": len(runs),
        "letters_per_s": files / total, "mb_per_s": size / 1e6 / total,
        "median_ms_per_letter": med(r["median_ms"] for r in runs),
        "mean_ms_per_letter": total / files * 1000,
        "imports_s": med(r["imports"] for r in runs), "warmup_s": med(r["warmup"] for r in runs),
        "link_s": med(r["link"] for r in runs), "warm_letters_s": med(r["warm_letters"] for r in runs),
        "parts_ms_per_letter": {k: med(r["parts"][k] for r in runs) / files * 1000 for k in runs[0]["parts"]},
        "letters_per_s_each_run": sorted(round(files / r["total"], 1) for r in runs),
    }  # fmt: skip
    parts = ", ".join(f"{k} {v:.2f}" for k, v in out["parts_ms_per_letter"].items())
    warm = f" + warm-up letters {out['warm_letters_s']:.2f} s" if out["warm_letters_s"] else ""
    print(
        f"{name}: {files} letters, {out['mb']:.2f} MB — {out['letters_per_s']:.0f} letters/s, "
        f"{out['mb_per_s']:.2f} MB/s, median {out['median_ms_per_letter']:.2f} ms/letter "
        f"(mean {out['mean_ms_per_letter']:.2f}); per letter: {parts} ms; "
        f"start-up: imports {out['imports_s']:.2f} s + automaton/gazetteer {out['warmup_s']:.2f} s{warm}; "
        f"link_corpus {out['link_s'] * 1000:.0f} ms; runs: {out['letters_per_s_each_run']} letters/s",
        flush=True,
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--warm-folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--warm", type=int, default=0, metavar="N",
        help="first extract N generated letters of another seed, timed apart (warm start)",
    )
    parser.add_argument("--runs", type=int, default=3, help="fresh-process runs per corpus (median)")
    parser.add_argument("--generated", type=int, default=1000, help="generated letters (0: none)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/e"), help="where generated letters live")
    parser.add_argument("--seeds", type=Path, default=ROOT / "data" / "letters", help="the seed letters")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--profile", type=Path, help="write a pyinstrument profile of 100 generated letters")
    parser.add_argument("--compare", metavar="SRC", help="also run another checkout's src/ (alternating runs)")
    parser.add_argument("--letters", type=Path, action="append", default=[], help="more folders to measure")
    args = parser.parse_args()
    if args.child:
        child(args.child, str(args.warm_folder) if args.warm_folder else None)
        return
    if args.profile:
        profile(str(generated(args.generated or 1000, args.work)), args.profile, 100)
        return
    corpora = [("seed letters", args.seeds)]
    if args.generated:
        corpora.append((f"generated-{args.generated}", generated(args.generated, args.work)))
    corpora += [(str(folder), folder) for folder in args.letters]
    warm = generated(args.warm, args.work, seed=2) if args.warm else None
    results = []
    for name, folder in corpora:
        if args.compare:  # alternate, so that the load of a shared machine hits both alike
            pairs = [(run(folder, args.compare, warm), run(folder, None, warm)) for _ in range(args.runs)]
            results.append(summary(f"{name} [{args.compare}]", [a for a, _ in pairs]))
            results.append(summary(name, [b for _, b in pairs]))
        else:
            results.append(summary(name, [run(folder, None, warm) for _ in range(args.runs)]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
