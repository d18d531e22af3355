"""``policykg serve``: a SPARQL 1.1 Protocol endpoint over the store, for any SPARQL client.

Routes: ``/query`` (also ``/sparql`` and ``/``) takes ``GET ?query=`` or ``POST`` (form or
``application/sparql-query``); ``/update`` takes ``POST`` (form or
``application/sparql-update``) and is refused (403) unless the server was started with
``allow_update``. The default graph is the union of the letter graphs, as everywhere in
policykg. Results: SPARQL JSON (default), XML, CSV or TSV for SELECT/ASK; N-Triples or
Turtle for CONSTRUCT/DESCRIBE, by the ``Accept`` header.

Safety: binds 127.0.0.1 unless told otherwise; a query that runs longer than ``timeout``
seconds gets 503, and one whose result has more than ``max_rows`` rows gets 413; ``LOAD``
and ``SERVICE`` to any host but this machine are refused (403) unless ``allow_remote``.

Example::

    server = make_server(Store(".policykg/store"), port=0)   # port 0: any free port
    threading.Thread(target=server.serve_forever, daemon=True).start()
"""

from __future__ import annotations

import multiprocessing
import re
import threading
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pyoxigraph as ox

from .store import LocalStore, Store, StoreError

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
_REMOTE_REF = re.compile(r"\b(LOAD|SERVICE)\s+(?:SILENT\s+)?<([^>]*)>", re.IGNORECASE)
_STRINGS = re.compile(
    r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"", re.DOTALL
)
_COMMENTS = re.compile(r"#[^\n]*")
SELECT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True, slots=True)
class Limits:
    """What the endpoint allows."""

    allow_update: bool = False
    allow_remote: bool = False
    timeout: float = 30.0
    max_rows: int = 100_000


class RefusedError(Exception):
    """A request the endpoint will not run: carries the HTTP status and a one-line reason."""

    def __init__(self, status: HTTPStatus, reason: str) -> None:
        super().__init__(reason)
        self.status = status

    def __reduce__(self) -> tuple[type, tuple[HTTPStatus, str]]:
        return RefusedError, (self.status, str(self))  # crosses the query process's pipe


def remote_refs(sparql: str) -> list[tuple[str, str]]:
    """``(keyword, IRI)`` of every LOAD/SERVICE in ``sparql`` that names another host.

    >>> remote_refs('SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }')
    [('SERVICE', 'http://example.org/sparql')]
    >>> remote_refs('SELECT * { ?s ?p "SERVICE <http://x/>" }')
    []
    """
    code = _COMMENTS.sub("", _STRINGS.sub('""', sparql))
    found = []
    for match in _REMOTE_REF.finditer(code):
        host = urllib.parse.urlsplit(match.group(2)).hostname or ""
        if host not in LOCAL_HOSTS:
            found.append((match.group(1).upper(), match.group(2)))
    return found


def check_remote(sparql: str, limits: Limits) -> None:
    """Refuse LOAD/SERVICE to other hosts unless ``limits.allow_remote``."""
    if limits.allow_remote:
        return
    for keyword, iri in remote_refs(sparql):
        raise RefusedError(
            HTTPStatus.FORBIDDEN, f"{keyword} <{iri}> is not allowed (start with --allow-remote)"
        )


def _pick(accept: str, choices: dict[str, Any], default: str) -> str:
    """The first media type of ``accept`` (by q, then order) that ``choices`` has."""
    ranked = []
    for i, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = next((float(p[2:]) for p in params if p.startswith("q=") and _is_float(p[2:])), 1.0)
        ranked.append((-q, i, media.lower()))
    for _, _, media in sorted(ranked):
        if media in choices:
            return media
        if media in ("*/*", "application/*", "text/*"):
            return default
    return default


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def run_query(store: Store, sparql: str, accept: str, limits: Limits) -> tuple[str, bytes]:
    """Evaluate and serialise one query within the limits; return (content type, body)."""
    check_remote(sparql, limits)
    result = store.query(sparql)
    if isinstance(result, ox.QueryBoolean):
        media = _pick(accept, SELECT_TYPES, "application/sparql-results+json")
        return media, result.serialize(format=SELECT_TYPES[media])
    if isinstance(result, ox.QueryTriples):
        media = _pick(accept, GRAPH_TYPES, "application/n-triples")
        triples = list(_capped(result, limits.max_rows))
        return media, ox.serialize(triples, format=GRAPH_TYPES[media])
    media = _pick(accept, SELECT_TYPES, "application/sparql-results+json")
    variables = result.variables
    rows = [tuple(row) for row in _capped(result, limits.max_rows)]
    tmp = _solutions(variables, rows)
    return media, tmp.serialize(format=SELECT_TYPES[media])


def _capped(results: Any, max_rows: int) -> Any:  # noqa: ANN401 — pyoxigraph iterators
    for n, item in enumerate(results):
        if n >= max_rows:
            raise RefusedError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"result has more than {max_rows} rows; add a LIMIT",
            )
        yield item


def _solutions(variables: list[ox.Variable], rows: list[tuple[Any, ...]]) -> ox.QuerySolutions:
    """Rows back into pyoxigraph ``QuerySolutions`` (to use its result writers)."""
    store = ox.Store()
    names = " ".join(f"?{v.value}" for v in variables)
    if not rows:
        return store.query(f"SELECT {names} WHERE {{ FILTER(false) }}")  # type: ignore[return-value]
    body = " ".join(
        "(" + " ".join("UNDEF" if t is None else _sparql_term(t) for t in row) + ")" for row in rows
    )
    return store.query(f"SELECT {names} WHERE {{ VALUES ({names}) {{ {body} }} }}")  # type: ignore[return-value]


def _sparql_term(term: Any) -> str:  # noqa: ANN401
    if isinstance(term, ox.BlankNode):
        return f"<urn:bnode:{term.value}>"
    return str(term)


def query_in_child(spec: str, sparql: str, accept: str, limits: Limits) -> tuple[str, bytes]:
    """``run_query`` in a forked process on a read-only view of the on-disk store, killed
    when it runs past ``limits.timeout`` (pyoxigraph holds the GIL while it evaluates, so
    a thread could neither be stopped nor let the server answer meanwhile)."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, spec, sparql, accept, limits), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(limits.timeout):
            raise RefusedError(
                HTTPStatus.SERVICE_UNAVAILABLE, f"query took longer than {limits.timeout:g} s"
            )
        kind, payload = receive.recv()
    except EOFError:
        raise RuntimeError("the query process died") from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join()
    if kind == "ok":
        return payload
    raise payload


def _child(send: Any, spec: str, sparql: str, accept: str, limits: Limits) -> None:  # noqa: ANN401
    try:
        result: tuple[str, Any] = (
            "ok",
            run_query(LocalStore(spec, read_only=True), sparql, accept, limits),
        )
    except (RefusedError, SyntaxError, StoreError, OSError, ValueError, RuntimeError) as exc:
        result = (
            "error",
            exc if isinstance(exc, RefusedError | SyntaxError) else RuntimeError(str(exc)),
        )
    send.send(result)
    send.close()


def run_update(store: Store, sparql: str, limits: Limits) -> None:
    """Run an update, when updates are allowed."""
    if not limits.allow_update:
        raise RefusedError(
            HTTPStatus.FORBIDDEN, "this endpoint is read-only (start with --allow-update)"
        )
    check_remote(sparql, limits)
    store.update(sparql)


class SparqlHandler(BaseHTTPRequestHandler):
    """The SPARQL 1.1 Protocol over ``server.store`` with ``server.limits``."""

    server: SparqlServer
    protocol_version = "HTTP/1.0"  # one request per connection: nothing left open

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — base signature
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:  # noqa: N802 — http.server naming
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query)
        if url.path in ("/", "/query", "/sparql") and "query" in params:
            return self._query(params["query"][0])
        if url.path in ("/", "/query", "/sparql"):
            return self._send(
                HTTPStatus.OK,
                "text/plain; charset=utf-8",
                b"policykg SPARQL endpoint: GET or POST /query, POST /update\n",
            )
        return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n")

    def do_POST(self) -> None:  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        form = urllib.parse.parse_qs(body) if ctype == "application/x-www-form-urlencoded" else {}
        if url.path in ("/update",) or "update" in form or ctype == "application/sparql-update":
            text = form["update"][0] if "update" in form else body
            return self._guard(
                lambda: (
                    run_update(self.server.store, text, self.server.limits),
                    ("text/plain", b""),
                )[1]
            )
        if url.path in ("/", "/query", "/sparql"):
            return self._query(form["query"][0] if "query" in form else body)
        return self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n")

    def _query(self, text: str) -> None:
        accept = self.headers.get("Accept") or "*/*"
        store, limits = self.server.store, self.server.limits
        if isinstance(store, LocalStore) and store.read_only:
            self._guard(lambda: query_in_child(store.spec, text, accept, limits))
        else:
            self._guard(lambda: run_query(store, text, accept, limits))

    def _guard(self, work: Any) -> None:  # noqa: ANN401 — a callable returning (type, body)
        """Run ``work`` on a daemon thread within the time limit; map failures to HTTP.

        pyoxigraph cannot cancel a running query: past the limit the client gets 503 and the
        thread runs on to its end (a daemon thread, so it never holds up shutdown).
        """
        outcome: dict[str, Any] = {}

        def target() -> None:
            try:
                outcome["value"] = work()
            except BaseException as exc:  # noqa: BLE001 — handed to the request thread
                outcome["error"] = exc

        thread = threading.Thread(target=target, daemon=True, name="sparql-query")
        thread.start()
        thread.join(self.server.limits.timeout)
        if thread.is_alive():
            return self._error(
                HTTPStatus.SERVICE_UNAVAILABLE,
                f"query took longer than {self.server.limits.timeout:g} s",
            )
        error = outcome.get("error")
        if isinstance(error, RefusedError):
            return self._error(error.status, str(error))
        if isinstance(error, SyntaxError):
            return self._error(HTTPStatus.BAD_REQUEST, f"syntax error: {error}")
        if isinstance(error, StoreError | OSError | ValueError | RuntimeError):
            return self._error(HTTPStatus.INTERNAL_SERVER_ERROR, str(error))
        if error is not None:
            raise error
        media, data = outcome["value"]
        status = HTTPStatus.NO_CONTENT if not data and media == "text/plain" else HTTPStatus.OK
        return self._send(status, media, data)

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(
            status, "text/plain; charset=utf-8", (" ".join(message.split()) + "\n").encode("utf-8")
        )

    def _send(self, status: HTTPStatus, media: str, data: bytes) -> None:
        self.send_response(status)
        if status != HTTPStatus.NO_CONTENT:
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if status != HTTPStatus.NO_CONTENT:
            self.wfile.write(data)


class SparqlServer(ThreadingHTTPServer):
    """A threading HTTP server holding the store and the limits."""

    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], store: Store, limits: Limits, verbose: bool = False
    ) -> None:
        super().__init__(address, SparqlHandler)
        self.store = store
        self.limits = limits
        self.verbose = verbose


def make_server(store: Store, host: str = "127.0.0.1", port: int = 7878, limits: Limits | None = None,
                verbose: bool = False) -> SparqlServer:  # fmt: skip
    """A ready (not yet serving) endpoint; ``port=0`` picks a free port (``server.server_port``)."""
    return SparqlServer((host, port), store, limits or Limits(), verbose)
