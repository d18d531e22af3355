"""Check the remote SPARQL store against a real Virtuoso, and compare it with the embedded store.

The script starts its own Virtuoso (``virtuoso-t`` from the Debian package
``virtuoso-opensource``) in a throwaway folder, listening on 127.0.0.1 only, lets the anonymous
SPARQL user update (``GRANT SPARQL_UPDATE TO "SPARQL"``), and then runs the same commands
against it (``--store http://127.0.0.1:PORT/sparql``) and against an embedded on-disk store:

1. ``policykg build`` of the five seed letters, then of N generated letters;
2. a no-change rebuild, a rebuild after one letter changed;
3. ``policykg remove`` of one letter, ``build --prune`` after another was deleted;
4. ``policykg query`` of every named query (required parameters bound from the graph),
   ``policykg stats --format json`` and ``policykg export --format nq``.

Query results are compared as sets of rows (numbers by value, so ``"2"^^xsd:integer`` equals
``"2.0"^^xsd:decimal``), stats as JSON values, exports as sets of quads. It prints the
timings (build letters/s, rebuilds, median of 5 runs of each named query on both stores) and
every difference, and exits 1 when anything differs. The server is stopped at the end, also
on errors and Ctrl-C.

Example::

    python benchmarks/virtuoso_check.py                  # 5 seed + 200 generated letters
    python benchmarks/virtuoso_check.py --letters 50 --keep   # keep the work folder
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from decimal import Decimal, InvalidOperation
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEEDS = ROOT / "data" / "letters"
PACKAGED_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {f"{XSD}{t}" for t in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
)}  # fmt: skip


def log(message: str = "") -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- the server


def find_binary(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
        for folder in ("/usr/bin", "/usr/local/bin", "/opt/virtuoso-opensource/bin"):
            if Path(folder, name).is_file():
                return str(Path(folder, name))
    raise SystemExit(
        f"none of {', '.join(names)} found: apt-get install virtuoso-opensource (Debian)"
    )


MINIMAL_INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
[Parameters]
ServerPort = 1111
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 8890
ServerRoot = .
MaxClientConnections = 10
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
"""


def make_ini(folder: Path, http_port: int, isql_port: int) -> Path:
    """The packaged virtuoso.ini (or a minimal one) with every file in ``folder`` and both
    ports bound to 127.0.0.1. The rest (buffers, SPARQL limits) stays as packaged."""
    text = PACKAGED_INI.read_text() if PACKAGED_INI.is_file() else MINIMAL_INI
    out, section = [], ""
    for line in text.splitlines():
        m = re.match(r"\s*\[([^\]]+)\]", line)
        if m:
            section = m.group(1)
        kv = re.match(r"(\s*)([A-Za-z_]+)(\s*=\s*)([^;]*?)(\s*(;.*)?)$", line)
        if kv and not line.lstrip().startswith(";"):
            key, value = kv.group(2), kv.group(4)
            if section in ("Database", "TempDatabase") and key in (
                "DatabaseFile", "ErrorLogFile", "LockFile", "TransactionFile", "xa_persistent_file",
            ):  # fmt: skip
                value = str(folder / Path(value).name)
            elif section == "Parameters" and key == "ServerPort":
                value = f"127.0.0.1:{isql_port}"
            elif section == "Parameters" and key == "DirsAllowed":
                value = f"{value}, {folder}"
            elif section == "HTTPServer" and key == "ServerPort":
                value = f"127.0.0.1:{http_port}"
            elif section == "URIQA" and key == "DefaultHost":
                value = f"127.0.0.1:{http_port}"
            line = f"{kv.group(1)}{key}{kv.group(3)}{value}{kv.group(5)}"
        out.append(line)
    ini = folder / "virtuoso.ini"
    ini.write_text("\n".join(out) + "\n")
    return ini


class Virtuoso:
    """A Virtuoso of our own in a throwaway folder, on 127.0.0.1; ``stop`` shuts it down."""

    def __init__(self, folder: Path, http_port: int, isql_port: int) -> None:
        self.folder = folder
        self.http_port, self.isql_port = http_port, isql_port
        self.url = f"http://127.0.0.1:{http_port}/sparql"
        self.binary = find_binary("virtuoso-t")
        self.isql_binary = find_binary("isql-vt", "isql-v")
        self.proc: subprocess.Popen[bytes] | None = None

    def version(self) -> str:
        out = subprocess.run([self.binary, "-?"], capture_output=True, text=True)
        for line in (out.stdout + out.stderr).splitlines():
            if line.startswith("Version"):
                return line.strip()
        return "unknown"

    def start(self, timeout: float = 180.0) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        ini = make_ini(self.folder, self.http_port, self.isql_port)
        self.proc = subprocess.Popen(
            [self.binary, "+configfile", str(ini), "+foreground"], cwd=self.folder,
            stdout=open(self.folder / "stdout.log", "wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        ask = f"{self.url}?query=" + urllib.parse.quote("ASK {}")
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited ({self.proc.returncode}): {self.log_tail()}")
            try:
                with urllib.request.urlopen(ask, timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"Virtuoso did not answer on {self.url}: {self.log_tail()}")

    def log_tail(self) -> str:
        log_file = self.folder / "virtuoso.log"
        lines = log_file.read_text(errors="replace").splitlines() if log_file.exists() else []
        return " | ".join(lines[-5:])

    def isql(self, *statements: str) -> str:
        script = "\n".join(statements) + "\n"
        out = subprocess.run(
            [self.isql_binary, f"127.0.0.1:{self.isql_port}", "dba", "dba"],
            input=script, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        text = out.stdout + out.stderr
        if out.returncode != 0 or "*** Error" in text:
            raise RuntimeError(f"isql failed: {' '.join(text.split())[-400:]}")
        return text

    def stop(self) -> None:
        """Shut down cleanly (checkpoint) through isql; SIGTERM, then SIGKILL, if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            subprocess.run(
                [self.isql_binary, f"127.0.0.1:{self.isql_port}", "dba", "dba"],
                input="SHUTDOWN;\n", capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            self.proc.wait(timeout=60)
        except (subprocess.TimeoutExpired, OSError):
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --------------------------------------------------------------------------- commands


def policykg(*args: str, store: str) -> tuple[float, str]:
    """Run one policykg command; (seconds, stdout). Fails loudly on a non-zero exit."""
    cmd = [shutil.which("policykg") or "policykg", *args, "--store", store]
    started = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if out.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} on {store}: exit {out.returncode}: {out.stderr[-800:]}"
        )
    return seconds, out.stdout


def build_seconds(stdout: str) -> float | None:
    """The build's own time ('store: … in 1.2 s'), without Python's start-up."""
    m = re.search(r"\) in ([\d.]+) s", stdout)
    return float(m.group(1)) if m else None


# --------------------------------------------------------------------------- comparing


def term_key(term: dict | None) -> tuple:
    """A SPARQL JSON results term, comparable across servers: numbers by value, language
    tags case-insensitively (BCP 47), plain literals as xsd:string."""
    if term is None:
        return ("unbound",)
    kind, value = term["type"], term["value"]
    if kind in ("literal", "typed-literal"):
        datatype = term.get("datatype", f"{XSD}string")
        if "xml:lang" in term:
            return ("lang", value, term["xml:lang"].lower())
        if datatype == f"{XSD}boolean":  # Virtuoso writes 1/0, Oxigraph true/false
            return ("boolean", value in ("true", "1"))
        if datatype in NUMERIC:
            try:
                return ("number", Decimal(value).normalize())
            except InvalidOperation:
                pass
        return ("literal", value, datatype)
    return (kind, value)


CONCAT = re.compile(
    r'GROUP_CONCAT\((?:DISTINCT\s+)?\?\w+\s*;\s*separator\s*=\s*"([^"]*)"\)\s+AS\s+\?(\w+)', re.I
)


def concat_columns(query: str) -> dict[str, str]:
    """The query's GROUP_CONCAT columns and their separators."""
    return {name: sep for sep, name in CONCAT.findall(query)}


def rows(results: dict, concat: dict[str, str] | None = None) -> tuple[list[str], set[tuple]]:
    """The result's variables and its rows as a set. GROUP_CONCAT columns are compared as
    sets of items: SPARQL leaves their order open, and over no values Oxigraph leaves the
    column unbound where Virtuoso gives "" (both are read as no items)."""
    names, concat = results["head"]["vars"], concat or {}

    def key(name: str, term: dict | None) -> tuple:
        if name not in concat:
            return term_key(term)
        value = "" if term is None else term["value"]
        return ("items", tuple(sorted(x for x in value.split(concat[name]) if x)))

    bindings = results["results"]["bindings"]
    return names, {tuple(key(v, b.get(v)) for v in names) for b in bindings}


def json_equal(a: object, b: object, path: str = "") -> list[str]:
    """Differences between two JSON values (numbers by value, lists in order)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            out += json_equal(a.get(key), b.get(key), f"{path}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items vs {len(b)}"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in json_equal(x, y, f"{path}[{i}]")
        ]
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return [] if abs(a - b) <= 1e-9 * max(1.0, abs(a)) else [f"{path}: {a} vs {b}"]
    return [] if a == b else [f"{path}: {a!r} vs {b!r}"]


def show_rows(items: set[tuple], limit: int = 3) -> str:
    return "; ".join(str(r)[:200] for r in sorted(items, key=str)[:limit])


def compare_queries(stores: dict[str, str], params: dict[str, str]) -> list[str]:
    """Every named query through ``policykg query --format json`` on both stores."""
    from policykg.query import library

    problems = []
    for name, q in library().items():
        args = ["query", name, "--format", "json"]
        for p in q.params:
            if p.required and params.get(p.key):
                args += ["--param", f"{p.key}={params[p.key]}"]
        if any(p.required and not params.get(p.key) for p in q.params):
            problems.append(f"query {name}: no value for a required parameter, not run")
            continue
        found = {}
        for label, spec in stores.items():
            found[label] = rows(json.loads(policykg(*args, store=spec)[1]), concat_columns(q.text))
        (va, ra), (vb, rb) = found.values()
        if va != vb:
            problems.append(f"query {name}: variables {va} vs {vb}")
        elif ra != rb:
            problems.append(
                f"query {name}: {len(ra)} rows vs {len(rb)}; only local: {show_rows(ra - rb)}; "
                f"only virtuoso: {show_rows(rb - ra)}"
            )
        else:
            log(f"  {name:28} same {len(ra)} rows")
    return problems


def compare_stats(stores: dict[str, str]) -> list[str]:
    local, remote = (
        json.loads(policykg("stats", "--format", "json", store=s)[1]) for s in stores.values()
    )
    diffs = json_equal(local, remote)
    if not diffs:
        log("  stats                        same")
    return [f"stats {d}" for d in diffs[:20]]


def compare_exports(stores: dict[str, str]) -> list[str]:
    import pyoxigraph as ox

    quads = []
    for spec in stores.values():
        data = policykg("export", "--format", "nq", store=spec)[1].encode("utf-8")
        quads.append({str(q) for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)})
    a, b = quads
    if a == b:
        log(f"  export (N-Quads)             same {len(a)} quads")
        return []
    return [f"export: {len(a)} quads vs {len(b)}; only local: {show_rows(a - b)}; "
            f"only virtuoso: {show_rows(b - a)}"]  # fmt: skip


def compare_all(stores: dict[str, str], params: dict[str, str], stage: str) -> list[str]:
    log(f"\n== compare ({stage})")
    problems = compare_queries(stores, params) + compare_stats(stores) + compare_exports(stores)
    for p in problems:
        log(f"  DIFFERENT {p}")
    return [f"{stage}: {p}" for p in problems]


def time_queries(stores: dict[str, str], params: dict[str, str], repeat: int = 5) -> None:
    """Median of ``repeat`` runs of every named query, in this process, on both stores."""
    sys.path.insert(0, str(HERE))
    from run import named_queries

    from policykg.query import QUERY_PREFIXES
    from policykg.store import Store, StoreError

    opened = {label: Store(spec) for label, spec in stores.items()}
    log(f"\n== named queries, median of {repeat} (ms)")
    log(f"  {'query':28} {'local':>9} {'virtuoso':>9}")
    for name, text in named_queries(params).items():
        cells = []
        for store in opened.values():
            runs: list[float] = []
            try:
                while len(runs) < repeat and sum(runs) < 30:  # fewer runs of a slow query
                    started = time.perf_counter()
                    list(store.query(text, prefixes=QUERY_PREFIXES))  # type: ignore[call-overload]
                    runs.append(time.perf_counter() - started)
                cell = f"{statistics.median(runs) * 1000:9.1f}"
                cell += f" ({len(runs)} runs)" if len(runs) < repeat else ""
            except StoreError as exc:
                cell = f"failed: {str(exc)[:120]}"
            cells.append(cell)
        log(f"  {name:28} {cells[0]:>9} {cells[1]:>9}")
    for store in opened.values():
        store.close()
    opened.clear()


# --------------------------------------------------------------------------- main


def sample_params_of(spec: str) -> dict[str, str]:
    """benchmarks/run.py's parameter values, read from the local store (opened read-only
    and let go, so the next command can open it)."""
    sys.path.insert(0, str(HERE))
    from run import sample_params

    from policykg.store import LocalStore

    store = LocalStore(spec, read_only=True)
    try:
        return sample_params(store)
    finally:
        del store


def run(args: argparse.Namespace, work: Path, server: Virtuoso) -> int:
    log(f"Virtuoso: {server.version()} ({server.binary})")
    started = time.perf_counter()
    server.start()
    log(
        f"started on {server.url} (ISQL 127.0.0.1:{server.isql_port}) in {time.perf_counter() - started:.1f} s"
    )
    server.isql('GRANT SPARQL_UPDATE TO "SPARQL";')

    corpus = work / "corpus"
    seeds, gen = corpus / "seeds", corpus / "generated"
    shutil.copytree(SEEDS, seeds)
    sys.path.insert(0, str(HERE))
    from generate import generate

    generated = sorted(generate(args.letters, gen))
    stores = {"local": str(work / "local-store"), "virtuoso": server.url}
    timings: dict[str, dict[str, str]] = {label: {} for label in stores}

    def step(name: str, *cmd: str, letters: int = 0) -> None:
        for label, spec in stores.items():
            seconds, out = policykg(*cmd, store=spec)
            own = build_seconds(out)
            text = f"{seconds:.1f} s"
            if own is not None:
                text += f" (build {own:.1f} s"
                text += f", {letters / own:.1f} letters/s)" if letters and own else ")"
            timings[label][name] = text
            log(f"  {name:24} {label:9} {text}")

    log("\n== builds")
    step("seeds (5 letters)", "build", str(seeds), "--no-output", letters=5)
    params = sample_params_of(stores["local"])
    problems = compare_all(stores, params, "5 seed letters")

    log("\n== more builds")
    step(f"generated ({args.letters})", "build", str(gen), "--no-output", letters=args.letters)
    step("no-change rebuild", "build", str(seeds), str(gen), "--no-output")
    changed = generated[3]
    text = changed.read_text(encoding="utf-8")
    changed.write_text(
        re.sub(r"\d+(?=万元)", lambda m: str(int(m.group()) + 7), text, count=1), encoding="utf-8"
    )
    step("one letter changed", "build", str(seeds), str(gen), "--no-output")
    step("remove one letter", "remove", str(generated[5]))
    generated[6].unlink()
    step("build --prune (1 gone)", "build", str(seeds), str(gen), "--no-output", "--prune")

    params = sample_params_of(stores["local"])
    log(f"\nparameters: {params}")
    problems += compare_all(stores, params, f"5 seed + {args.letters} generated letters")
    time_queries(stores, params)

    log("\n== summary")
    for name in timings["local"]:
        log(f"  {name:24} local {timings['local'][name]:38} virtuoso {timings['virtuoso'][name]}")
    if problems:
        log(f"\n{len(problems)} differences:")
        for p in problems:
            log(f"  {p}")
        return 1
    log("\nno differences: every named query, stats and the export match")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=200, help="generated letters (default 200)")
    parser.add_argument("--http-port", type=int, default=0, help="default: a free port")
    parser.add_argument("--isql-port", type=int, default=0, help="default: a free port")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="policykg-virtuoso-"))
    work.mkdir(parents=True, exist_ok=True)
    server = Virtuoso(
        work / "virtuoso", args.http_port or free_port(), args.isql_port or free_port()
    )

    def on_signal(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    try:
        return run(args, work, server)
    finally:
        server.stop()
        log(f"Virtuoso stopped{'' if server.proc is None else f' (exit {server.proc.returncode})'}")
        if args.keep or os.environ.get("KEEP"):
            log(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
