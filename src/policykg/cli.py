"""The command line: a thin click layer over the library. Each command has an example."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import NoReturn

import click

from . import __version__

EXPORT_FORMATS = {"ttl": "turtle", "turtle": "turtle", "nt": "nt", "trig": "trig", "nq": "nquads", "jsonld": "json-ld"}


def _progress(items: list[Path], label: str):  # noqa: ANN202 — a click progress bar or a plain iterator
    """A progress bar on a terminal; nothing at all in pipes and CI."""
    if sys.stderr.isatty():
        return click.progressbar(items, label=label, file=sys.stderr, show_pos=True, show_eta=True)
    return _Quiet(items)


class _Quiet:
    def __init__(self, items: list[Path]) -> None:
        self.items = items

    def __enter__(self) -> list[Path]:
        return self.items

    def __exit__(self, *exc: object) -> None:
        return None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="policykg")
def main() -> None:
    """policykg — Chinese government reply letters and proposals into a knowledge graph.

    \b
    Example:
      policykg build data/letters -o out/
      policykg query --list
    """


def _extract(paths: tuple[str, ...]):  # noqa: ANN202
    from .pipeline import extract_files, source_keys

    files = list(source_keys(paths))
    with _progress(files, "Extracting") as bar:
        out = extract_files(bar, report=lambda line: click.echo(line, err=True))
    if not out.files_read:
        where = ", ".join(paths)
        raise click.ClickException(f"no letter could be read from {where}")
    return out


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["json", "pretty"]), default="json", show_default=True,
              help="json: one JSON record per line; pretty: indented.")  # fmt: skip
def extract(paths: tuple[str, ...], fmt: str) -> None:
    """Extract records from letters and print them as JSON (one record per line).

    \b
    Example:
      policykg extract data/letters/000_42c7ff2b028ad38b.txt --format pretty
    """
    result = _extract(paths)
    for rec in result.records:
        data = rec.to_json()
        click.echo(json.dumps(data, ensure_ascii=False, indent=2 if fmt == "pretty" else None))


class _BuildProgress:
    """Per-file callback of a build: warnings and errors on stderr, and on a terminal a
    progress bar with counts and rate (nothing but warnings in pipes and CI)."""

    def __init__(self, total: int) -> None:
        self.done = self.skipped = 0
        self.started = time.perf_counter()
        self.bar = None
        if sys.stderr.isatty() and total:
            self.bar = click.progressbar(length=total, label="Building", file=sys.stderr, show_pos=True,
                                         item_show_func=lambda _: self.rate())  # fmt: skip
            self.bar.__enter__()

    def rate(self) -> str:
        per_s = self.done / max(time.perf_counter() - self.started, 1e-9)
        return f"{per_s:.0f} files/s, {self.skipped} unchanged"

    def __call__(self, result) -> None:  # noqa: ANN001 — a pipeline.FileResult
        self.done += 1
        self.skipped += result.status == "unchanged"
        if result.error:
            self._echo(f"error: {result.error}")
        for note in result.notes:
            self._echo(f"warning: {note}")
        if self.bar is not None:
            self.bar.update(1, result)

    def _echo(self, line: str) -> None:
        if self.bar is not None:
            click.echo("\r\033[K", nl=False, err=True)
        click.echo(line, err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False), default="out", show_default=True,
              help="Folder for graph.ttl, graph.trig and graph.html.")  # fmt: skip
@click.option("--store", "store_spec", default=None, help="Store to fill: a folder, 'memory', or a SPARQL URL "
              "(default: $POLICYKG_STORE or .policykg/store).")  # fmt: skip
@click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(min=1),
              help="Extract on this many processes.")  # fmt: skip
@click.option("--prune", is_flag=True, help="Also drop stored letters no longer under PATHS.")
@click.option("--no-output", is_flag=True, help="Only fill the store; write no graph files.")
def build(paths: tuple[str, ...], out_dir: str, store_spec: str | None, jobs: int, prune: bool,
          no_output: bool) -> None:  # fmt: skip
    """Build the knowledge graph from letters: store it and write Turtle and TriG.

    Incremental: letters whose content the store already holds are skipped, changed ones
    replaced, each letter's graph in one transaction. Exits non-zero only when nothing
    could be read.

    \b
    Example:
      policykg build data/letters -o out/
      policykg build data/letters --jobs 2 --prune --store .policykg/store
    """
    from .build import BuildInterrupted, ingest, summary_lines, write_outputs
    from .pipeline import source_keys
    from .store import Store, StoreError

    try:
        store = Store(store_spec)
        progress = _BuildProgress(sum(1 for _ in source_keys(paths)) if sys.stderr.isatty() else 0)
        try:
            report = ingest(paths, store, jobs=jobs, prune=prune, on_result=progress)
        except BuildInterrupted as stop:
            progress.close()
            _stop_build(stop)
        finally:
            progress.close()
        if not report.read:
            raise click.ClickException(f"no letter could be read from {', '.join(paths)}")
        if no_output:
            summary = summary_lines(report, None, store)
        else:
            summary = write_outputs(report, Path(out_dir), store=store)
    except (StoreError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    for line in summary:
        click.echo(line)


def _stop_build(stop) -> NoReturn:  # noqa: ANN001 — a build.BuildInterrupted
    """Ctrl-C: keep the batch being written, then exit 130. A second Ctrl-C exits at once,
    as safely as a kill: the next build re-does whatever was not completely stored."""
    signal.signal(signal.SIGINT, _exit_at_once)
    if stop.writing:
        click.echo("interrupted: storing the batch being written (Ctrl-C again to stop at once)", err=True)
    stop.finish()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # all is stored: nothing left to cut short
    click.echo(
        f"interrupted after {stop.report.read} files read; the letters written so far are stored. "
        "Run the same command again to go on: stored letters are skipped.",
        err=True,
    )
    sys.exit(130)


def _exit_at_once(signum: int, frame: object) -> NoReturn:
    """The second Ctrl-C: leave without waiting for the store's writer thread, which cannot
    be cancelled. As safe as a kill: the next build re-does what was not completely stored."""
    click.echo("stopped; the next build re-does the letters not completely stored", err=True)
    sys.stderr.flush()
    os._exit(130)


@main.command()
@click.argument("targets", nargs=-1, required=True)
@click.option("--store", "store_spec", default=None, help="Store to change (default: $POLICYKG_STORE or "
              ".policykg/store).")  # fmt: skip
def remove(targets: tuple[str, ...], store_spec: str | None) -> None:
    """Drop letters from the store: by file, by folder, or by identity key (the path
    relative to the folder it was built from). Letters linked to them are re-linked.

    \b
    Example:
      policykg remove data/letters/000_42c7ff2b028ad38b.txt
    """
    from .build import remove_files
    from .store import Store, StoreError

    try:
        report, unmatched = remove_files(Store(store_spec), targets)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    for target in unmatched:
        click.echo(f"warning: {target}: no letter in the store comes from it", err=True)
    click.echo(f"removed {report.removed} files" + (f", re-linked {report.relinked}" if report.relinked else ""))
    if not report.removed:
        sys.exit(1)


@main.command()
@click.option("--store", "store_spec", default=None, help="Store to serve (default: $POLICYKG_STORE or "
              ".policykg/store).")  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (keep it local).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(min=0, max=65535))
@click.option("--allow-update", is_flag=True, help="Accept SPARQL updates on /update (read-only otherwise).")
@click.option("--allow-remote", is_flag=True, help="Allow LOAD and SERVICE to other hosts.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a query may run.")  # fmt: skip
@click.option("--max-rows", default=100_000, show_default=True, type=click.IntRange(min=1),
              help="Largest result returned.")  # fmt: skip
def serve(store_spec: str | None, host: str, port: int, allow_update: bool, allow_remote: bool, timeout: float,
          max_rows: int) -> None:  # fmt: skip
    """Serve the store as a SPARQL 1.1 Protocol endpoint (query at /query, update at /update).

    \b
    Example:
      policykg serve --port 7878
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' \\
           http://127.0.0.1:7878/query
    """
    from .serve import Limits, make_server
    from .store import LocalStore, Store, StoreError, default_store_spec, is_remote

    spec = store_spec or default_store_spec()
    try:
        if is_remote(spec) or spec == "memory":
            store = Store(spec)
        else:
            if not Path(spec).exists():
                raise StoreError(f"no store at {spec}; build one first: policykg build LETTERS --store {spec}")
            store = LocalStore(spec, read_only=not allow_update)
        server = make_server(store, host, port, Limits(allow_update, allow_remote, timeout, max_rows))
    except (StoreError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    mode = "read-write" if allow_update else "read-only"
    click.echo(f"serving {spec} ({mode}) at http://{host}:{server.server_port}/query — Ctrl-C to stop", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command()
@click.option("--format", "fmt", type=click.Choice(sorted([*EXPORT_FORMATS, "graphml", "csv"])), default="ttl", show_default=True)
@click.option("-o", "--output", type=click.Path(), default="-", help="File to write (default: stdout); a folder for csv.")
@click.option("--store", "store_spec", default=None, help="Store to read (default: .policykg/store).")
def export(fmt: str, output: str, store_spec: str | None) -> None:
    """Export the built graph as Turtle, N-Triples, TriG, N-Quads or JSON-LD, or its entity
    graph as GraphML or CSV (nodes.csv, edges.csv) for Gephi.

    \b
    Example:
      policykg export --format trig -o graph.trig
      policykg export --format graphml -o graph.graphml
      policykg export --format csv -o gephi/
    """
    if fmt in ("graphml", "csv"):
        return _export_entity_graph(fmt, output, store_spec)
    from .build import export_store, open_atomic

    if output == "-":
        sys.stdout.flush()
        export_store(store_spec, EXPORT_FORMATS[fmt], sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        with open_atomic(Path(output)) as fh:
            export_store(store_spec, EXPORT_FORMATS[fmt], fh)


@main.command(name="eval")
@click.option("--gold", "gold_dir", required=True, type=click.Path(exists=True, file_okay=False),
              help="Folder of gold JSON files named like the letters.")  # fmt: skip
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", is_flag=True, help="Only the table, not every miss and extra.")
def eval_cmd(gold_dir: str, paths: tuple[str, ...], as_json: bool, quiet: bool) -> None:
    """Score extraction against gold annotations: P/R/F1 per field and macro F1.

    \b
    Example:
      policykg eval --gold ../shared/gold data/letters
    """
    from .evaluate import evaluate, format_report

    result = _extract(paths)
    report = evaluate(Path(gold_dir), result.records)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report, show_errors=not quiet))


@main.command()
@click.argument("sparql", required=False)
@click.option("--file", "query_file", type=click.Path(exists=True, dir_okay=False), help="Read the query from a .rq file.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="Bind a parameter of the query (repeatable).")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True,
              help="table: aligned text; csv/tsv/json: W3C SPARQL results formats.")  # fmt: skip
@click.option("--store", "store_spec", default=None, help="Store to query (default: .policykg/store).")
def query(sparql: str | None, query_file: str | None, params: tuple[str, ...], list_queries: bool, fmt: str,
          store_spec: str | None) -> None:  # fmt: skip
    """Run a SPARQL query, or a named query from the library, over the built graph.

    SPARQL is a query text or the NAME of a shipped query (see --list). The pol:, rdfs:,
    skos:, dcterms:, schema:, oa: and id: prefixes need no declaration. A syntax error or an
    unknown name exits with status 2.

    \b
    Example:
      policykg query --list
      policykg query cited-documents
      policykg query funds-above --param min=100000000 --format csv
      policykg query 'SELECT ?doc ?no WHERE { ?doc pol:documentNumber ?no }'
    """
    from . import query as q

    if list_queries:
        click.echo("\n".join(q.list_lines()))
        return
    if (sparql is None) == (query_file is None):
        raise click.UsageError("give a query text or NAME, or --file Q.rq (one of them)")
    try:
        if query_file:
            text, declared = Path(query_file).read_text(encoding="utf-8"), None
        elif q.looks_like_name(sparql or ""):
            named = q.load(str(sparql))
            text, declared = named.text, named.params
        else:
            text, declared = str(sparql), None
        text = q.bind(text, declared if declared is not None else q.parse_header(text)[2], q.parse_params(params))
        result = q.run(q.open_store(store_spec), text)
        click.echo(q.format_result(result, fmt), nl=False)
    except (q.QuerySyntaxError, q.UnknownQueryError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise click.exceptions.Exit(2) from None
    except q.QueryError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: counts and bar charts; json: the same data for machines.")  # fmt: skip
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1), help="How many agencies and documents to rank.")
@click.option("--store", "store_spec", default=None, help="Store to analyse (default: .policykg/store).")
def stats(fmt: str, top: int, store_spec: str | None) -> None:
    """Show the graph's shape and network analysis: central agencies, cited documents, communities.

    \b
    Example:
      policykg stats
      policykg stats --top 5 --format json
    """
    from . import analyse
    from .query import QueryError, open_store

    try:
        report = analyse.stats(open_store(store_spec), top=top)
    except QueryError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        click.echo(analyse.render(report), nl=False)


def _export_entity_graph(fmt: str, output: str, store_spec: str | None) -> None:
    """``export --format graphml|csv``: the entity graph for Gephi."""
    from . import analyse
    from .query import QueryError, open_store

    try:
        graph = analyse.entity_graph(open_store(store_spec))
    except QueryError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "csv":
        if output == "-":
            raise click.BadParameter("csv writes nodes.csv and edges.csv: give a folder", param_hint="-o")
        for path in analyse.write_csv(graph, Path(output)):
            click.echo(f"wrote {path}", err=True)
    elif output == "-":
        analyse.write_graphml(graph, sys.stdout.buffer)
    else:
        analyse.write_graphml(graph, Path(output))


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="graph.html", show_default=True,
              help="HTML file to write (one self-contained file, works offline).")  # fmt: skip
@click.option("--store", "store_spec", default=None, help="Store to draw (default: $POLICYKG_STORE or .policykg/store).")
@click.option("--focus", default=None, help="Draw only the neighbourhood of this entity: a label, document or proposal number, or IRI.")
@click.option("--depth", type=click.IntRange(min=0), default=None, help="Hops around --focus to draw (default: 2).")
@click.option("--max-nodes", type=click.IntRange(min=1), default=1500, show_default=True,
              help="Above this, keep the best-connected entities; the page says how many were left out.")  # fmt: skip
def viz(output: str, store_spec: str | None, focus: str | None, depth: int | None, max_nodes: int) -> None:
    """Draw the graph as an interactive HTML page: legend, type filters, search, tooltips with sources.

    \b
    Example:
      policykg viz -o graph.html
      policykg viz --focus 深府规〔2020〕1号 --depth 2 -o focus.html
    """
    from .store import StoreError
    from .viz import DEFAULT_DEPTH, VizError, write_viz

    if depth is not None and focus is None:
        raise click.BadParameter("only applies with --focus", param_hint="--depth")
    try:
        hops = DEFAULT_DEPTH if depth is None else depth
        line = write_viz(Path(output), store_spec, focus=focus, depth=hops, max_nodes=max_nodes)
    except (VizError, StoreError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    main()
