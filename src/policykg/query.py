"""Query: SPARQL over the store, a library of named queries, and result formatting.

Every query runs over the union of the letter graphs (each letter's facts are one named
graph), with the policykg prefixes predeclared, so ``SELECT * WHERE { ?d a pol:PolicyDocument }``
needs no ``PREFIX`` line. Queries are read-only: ``Store.query`` never runs an update.

Named queries are ``queries/*.rq`` files shipped with the package. Each starts with comment
lines::

    # name: funds-above
    # description: Funds whose stated amount is at least MIN yuan, with the letter stating it.
    # param: min — smallest amount in yuan (decimal, 0)

A parameter is bound by a ``VALUES`` block of RDF terms built by pyoxigraph (never by pasting
text into the query) placed at the start of the query's first ``WHERE {`` group — or, when
some ``WHERE {`` is followed by the comment ``# bind``, at the start of each such group
instead. A parameter given no value and having no default is ``UNDEF`` there, so a query can
treat it as optional with ``!BOUND(?param)``. (pyoxigraph's own ``substitutions`` argument
requires the variable to be in the SELECT projection, which would add a column of the
parameter to every result.)

A ``name`` parameter is a string matched against names as the graph stores them (labels,
short names, aliases and titles are ``"…"@zh``, document and proposal numbers plain
``"…"``): its ``VALUES`` block has one row per form, so ``?e rdfs:label ?agency`` is an index
lookup of each form, where ``FILTER(STR(?name) = ?agency)`` reads every name in the graph.

Writing fast queries over the letter graphs (Oxigraph 0.5; see ``queries/*.rq``):

- The union default graph does not deduplicate, and every letter graph naming a shared
  entity (an agency, a document, a proposal, a fund, a session) repeats its description, so
  ``?a a pol:Agency ; rdfs:label ?l`` gives copies × copies rows. Collapse the copies with
  ``SELECT DISTINCT`` before joining the next fact, and read labels (``STR()``) last.
- Look parameters up by value in a ``SELECT DISTINCT`` sub-select (a ``# bind`` group).
- Oxigraph starts a group with the element it estimates smallest, then joins every triple
  pattern, path, union or OPTIONAL of patterns by evaluating it once per row found so far
  (about 20 µs a lookup on a warm store, far more once the store outgrows the page cache),
  but joins two sub-selects by evaluating both in full and hashing. So a selective query
  is one small sub-select followed by patterns; a step after a nested sub-select is written
  ``OPTIONAL { one pattern } FILTER(BOUND(…))`` (a plain pattern there could look cheaper to
  start from); and a whole-graph listing writes each relation as its own sub-select, so that
  it is scanned once (~1 µs a row) and hashed instead of looked up row by row.
- A variable bound inside an OPTIONAL counts as possibly unbound for every later join, which
  then falls back to hashing the whole other side; ``BIND(COALESCE(?x, <urn:policykg:none>)
  AS ?y)`` makes it a join key again. ``FILTER EXISTS`` is pushed below a ``DISTINCT`` (so
  runs once per copy) and costs ~0.1 ms; test a type with ``OPTIONAL { ?x a C . BIND(true AS
  ?ok) } FILTER(BOUND(?ok))`` after collapsing instead.
- ``ORDER BY`` compares decoded strings: sorting tens of thousands of rows takes seconds.

Example::

    >>> q = load("funds-above")
    >>> text = bind(q.text, q.params, {"min": "100000000"})
    >>> result = run(Store("memory"), text)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from itertools import product
from pathlib import Path

import pyoxigraph as ox

from .rdf import PREFIXES
from .store import Store, default_store_spec

__all__ = [
    "ID_PREFIX",
    "NamedQuery",
    "Param",
    "QueryError",
    "QuerySyntaxError",
    "Table",
    "UnknownQueryError",
    "bind",
    "display_width",
    "format_result",
    "library",
    "load",
    "open_store",
    "parse_header",
    "run",
    "table",
]

XSD = "http://www.w3.org/2001/XMLSchema#"
#: Prefix shown for policykg entity IRIs in tables (``id:agency/2b81…``).
ID_PREFIX = ("id", "https://w3id.org/policykg/id/")
#: Prefixes every query may use without declaring them.
QUERY_PREFIXES: dict[str, str] = {
    **PREFIXES,
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    ID_PREFIX[0]: ID_PREFIX[1],
}
PARAM_TYPES = ("string", "name", "integer", "decimal", "date", "iri")
#: Language tags a ``name`` parameter is also bound with (besides the plain string): the
#: pipeline writes labels, short names, aliases and titles as ``@zh``.
NAME_LANGUAGES = ("zh",)
RESULT_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
}

_HEADER = re.compile(r"^#\s*(name|description|param)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"^(?P<key>[A-Za-z_]\w*)\s*[—–-]+\s*(?P<meaning>.*?)\s*\((?P<spec>[^()]*)\)$")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_MARKED_WHERE = re.compile(r"\bWHERE\s*\{(?=[ \t]*#[ \t]*bind\b)", re.IGNORECASE)
_LOCATION = re.compile(r"^error at (\d+):(\d+):\s*")
_NAME = re.compile(r"^[A-Za-z][\w-]*$")


class QueryError(Exception):
    """A query that cannot be run as asked; ``str()`` is one line (or a located message)."""


class UnknownQueryError(QueryError):
    """A named query that is not in the library; the message lists the known names."""


class QuerySyntaxError(QueryError):
    """SPARQL the parser rejects, with its 1-based ``line`` and ``column`` when known."""

    def __init__(self, message: str, line: int | None, column: int | None, source: str) -> None:
        self.message, self.line, self.column, self.source = message, line, column, source
        super().__init__(self.describe())

    def describe(self) -> str:
        """The parser's message, its location, and the offending line with a caret under it."""
        if self.line is None or self.column is None:
            return f"SPARQL syntax error: {self.message}"
        lines = self.source.splitlines() or [""]
        text = lines[self.line - 1] if 0 < self.line <= len(lines) else ""
        caret = " " * display_width(text[: max(0, self.column - 1)]) + "^"
        return (
            f"SPARQL syntax error at line {self.line}, column {self.column}: {self.message}\n"
            f"  {text}\n  {caret}"
        )


@dataclass(frozen=True)
class Param:
    """A parameter of a named query: ``# param: key — meaning (type, default)``."""

    key: str
    meaning: str
    type: str = "string"
    default: str | None = None

    @property
    def required(self) -> bool:
        """True when the query needs a value (no default, and not declared ``optional``)."""
        return self.default is None

    def describe(self) -> str:
        """One line for ``--list``: ``key=<type> meaning (default …)``."""
        default = "" if self.default is None else f" (default {self.default or 'none'})"
        return f"{self.key}=<{self.type}>  {self.meaning}{default}"


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library: its name, one-line description, parameters and SPARQL text."""

    name: str
    description: str
    params: tuple[Param, ...]
    text: str


# --- the library ---


def parse_header(text: str) -> tuple[str | None, str | None, tuple[Param, ...]]:
    """Read ``# name:``, ``# description:`` and ``# param:`` lines at the top of ``text``.

    A param's spec is ``(type, default)``: ``default`` is a value, ``optional`` (may be left
    out: bound to UNDEF) or ``required``. Returns (name, description, params).

    Raises:
        QueryError: for a malformed param line or an unknown type.

    >>> parse_header("# name: x\\n# param: min — floor (decimal, 0)\\nSELECT * {}")[2]
    (Param(key='min', meaning='floor', type='decimal', default='0'),)
    """
    name = description = None
    params: list[Param] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.lstrip().startswith("#"):
            break
        match = _HEADER.match(line.strip())
        if not match:
            continue
        field, value = match.groups()
        if field == "name":
            name = value
        elif field == "description":
            description = value
        else:
            params.append(_parse_param(value))
    return name, description, tuple(params)


def _parse_param(value: str) -> Param:
    match = _PARAM.match(value)
    if not match:
        raise QueryError(f"malformed param line {value!r}: use 'key — meaning (type, default)'")
    spec = [part.strip() for part in match["spec"].split(",", 1)]
    kind = spec[0]
    if kind not in PARAM_TYPES:
        raise QueryError(
            f"param {match['key']}: unknown type {kind!r}; use {', '.join(PARAM_TYPES)}"
        )
    default: str | None = spec[1] if len(spec) > 1 else "required"
    if default == "required":
        default = None
    elif default == "optional":
        default = ""
    return Param(match["key"], match["meaning"], kind, default)


def library() -> dict[str, NamedQuery]:
    """The named queries shipped in ``policykg/queries``, by name (sorted)."""
    found: dict[str, NamedQuery] = {}
    folder = resources.files("policykg") / "queries"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text(encoding="utf-8")
        name, description, params = parse_header(text)
        name = name or entry.name.removesuffix(".rq")
        found[name] = NamedQuery(name, description or "", params, text)
    return found


def load(name: str) -> NamedQuery:
    """The named query ``name``.

    Raises:
        UnknownQueryError: when there is none; the message lists the known names.
    """
    queries = library()
    if name not in queries:
        known = ", ".join(queries)
        raise UnknownQueryError(f"unknown query {name!r}; known queries: {known}")
    return queries[name]


def looks_like_name(text: str) -> bool:
    """True when ``text`` is a query name (``cited-documents``) rather than SPARQL."""
    return bool(_NAME.match(text.strip()))


# --- parameters ---


def term(param: Param, value: str) -> ox.NamedNode | ox.Literal:
    """The RDF term for ``value`` as ``param``'s type (string, name, integer, decimal, date,
    iri); a ``name`` is the plain string here (:func:`bind` adds its other forms).

    Raises:
        QueryError: when ``value`` is not a valid value of that type.
    """
    try:
        if param.type == "iri":
            return ox.NamedNode(value)
        if param.type == "integer":
            return ox.Literal(str(int(value.strip())), datatype=ox.NamedNode(XSD + "integer"))
        if param.type == "decimal":
            number = Decimal(value.strip())
            if not number.is_finite():
                raise ValueError("not a finite number")
            return ox.Literal(format(number, "f"), datatype=ox.NamedNode(XSD + "decimal"))
        if param.type == "date":
            return ox.Literal(
                date.fromisoformat(value.strip()).isoformat(), datatype=ox.NamedNode(XSD + "date")
            )
    except InvalidOperation:
        raise QueryError(f"param {param.key}: {value!r} is not a valid decimal") from None
    except ValueError as exc:
        raise QueryError(
            f"param {param.key}: {value!r} is not a valid {param.type} ({exc})"
        ) from None
    return ox.Literal(value)


def bind(text: str, params: Iterable[Param], values: Mapping[str, str]) -> str:
    """Return ``text`` with a ``VALUES`` block binding each declared parameter.

    Values are turned into RDF terms by pyoxigraph and written in their N-Triples form, so a
    value can never change the query's structure. Parameters without a value use their
    default; optional ones are ``UNDEF``.

    Raises:
        QueryError: for an undeclared key, a missing required value, a value of the wrong
            type, or a query with parameters but no ``WHERE {``.
    """
    params = tuple(params)
    declared = {p.key: p for p in params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        known = ", ".join(declared) or "none"
        raise QueryError(f"unknown param {unknown[0]!r}; this query takes: {known}")
    if not params:
        return text
    cells = [_cells(p, values) for p in params]
    names = " ".join(f"?{p.key}" for p in params)
    rows = " ".join(f"({' '.join(row)})" for row in product(*cells))
    block = f" VALUES ({names}) {{ {rows} }} "
    for at in reversed(_binding_points(text)):
        text = text[:at] + block + text[at:]
    return text


def _cells(param: Param, values: Mapping[str, str]) -> list[str]:
    """The VALUES cells of ``param``: its given value or default as terms (one per literal
    form for a ``name``), or UNDEF."""
    if param.key in values:
        value = values[param.key]
    elif param.default is None:
        raise QueryError(
            f"missing param {param.key}: give --param {param.key}=<{param.type}> ({param.meaning})"
        )
    elif param.default == "":
        return ["UNDEF"]
    else:
        value = param.default
    if param.type == "name":
        forms = [ox.Literal(value), *(ox.Literal(value, language=t) for t in NAME_LANGUAGES)]
        return [str(form) for form in forms]
    return [str(term(param, value))]


def _binding_points(text: str) -> list[int]:
    """Where the ``VALUES`` block goes: after each ``WHERE {`` marked ``# bind``, else after
    the first ``WHERE {`` (both searched after the header comments)."""
    offset = 0
    for line in text.splitlines(keepends=True):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        offset += len(line)
    marked = [m.end() for m in _MARKED_WHERE.finditer(text, offset)]
    if marked:
        return marked
    match = _WHERE.search(text, offset)
    if match is None:
        raise QueryError("the query declares parameters but has no 'WHERE {' to bind them in")
    return [match.end()]


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """``["key=value", …]`` → ``{key: value}`` (the value may contain ``=``).

    Raises:
        QueryError: for an item without ``=``.
    """
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"param {pair!r} is not key=value")
        values[key.strip()] = value
    return values


# --- running ---


def open_store(spec: str | None) -> Store:
    """Open the store ``spec`` (default ``.policykg/store``) for reading.

    A local store is opened read-only where the store supports it, so queries can run while
    a build holds the store open.

    Raises:
        QueryError: when ``spec`` is a folder that does not exist (nothing was built there).
    """
    spec = spec or default_store_spec()
    remote = spec.startswith(("http://", "https://"))
    if spec != "memory" and not remote and not Path(spec).exists():
        raise QueryError(
            f"no store at {spec}; build one first: policykg build LETTERS --store {spec}"
        )
    try:
        return Store(spec, read_only=True)  # type: ignore[call-arg]
    except TypeError:  # a store kind (remote) or store module without read-only opening
        return Store(spec)


def run(store: Store, text: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run SPARQL ``text`` over the union of the store's letter graphs.

    Returns pyoxigraph's result: solutions (SELECT), a boolean (ASK) or triples
    (CONSTRUCT/DESCRIBE).

    Raises:
        QuerySyntaxError: when the query does not parse (with line and column).
        QueryError: when the store cannot be read.
    """
    try:
        engine = store.ox  # type: ignore[attr-defined]  # local stores, and remote ones' shim
        return engine.query(text, use_default_graph_as_union=True, prefixes=QUERY_PREFIXES)
    except SyntaxError as exc:
        raise _syntax_error(str(exc), text) from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryError(f"query failed: {exc}") from None


def _syntax_error(message: str, text: str) -> QuerySyntaxError:
    match = _LOCATION.match(message)
    if match:
        return QuerySyntaxError(message[match.end() :], int(match[1]), int(match[2]), text)
    return QuerySyntaxError(message, None, None, text)


# --- formatting ---


@dataclass
class Table:
    """A SELECT result as plain strings: column names and rows (unbound → "")."""

    columns: list[str]
    rows: list[list[str]]


def show(value: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """A term as a table cell: IRIs compacted with the known prefixes, literals by value."""
    if value is None:
        return ""
    if isinstance(value, ox.NamedNode):
        iri = value.value
        for prefix, ns in sorted(QUERY_PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(ns):
                return f"{prefix}:{iri[len(ns) :]}"
        return f"<{iri}>"
    if isinstance(value, ox.BlankNode):
        return f"_:{value.value}"
    if isinstance(value, ox.Literal):
        return value.value
    return str(value)


def table(solutions: ox.QuerySolutions) -> Table:
    """Collect SELECT solutions into a :class:`Table` (consumes the iterator)."""
    columns = [v.value for v in solutions.variables]
    rows = [[show(solution[i]) for i in range(len(columns))] for solution in solutions]
    return Table(columns, rows)


def display_width(text: str) -> int:
    """Display width on a terminal: East Asian wide and fullwidth characters count 2."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` display columns."""
    return text + " " * max(0, width - display_width(text))


def render_table(tab: Table, max_width: int = 60) -> str:
    """An aligned text table (Chinese aligned by display width), cells cut at ``max_width``."""
    cells = [[_cut(c, max_width) for c in row] for row in tab.rows]
    widths = [display_width(c) for c in tab.columns]
    for row in cells:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(pad(c, w) for c, w in zip(tab.columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _cut(text: str, max_width: int) -> str:
    text = " ".join(text.split())
    if display_width(text) <= max_width:
        return text
    out, used = [], 0
    for ch in text:
        used += display_width(ch)
        if used > max_width - 1:
            break
        out.append(ch)
    return "".join(out) + "…"


def format_result(result: object, fmt: str = "table") -> str:
    """Format a query result for printing, ending with a newline (see :func:`_format`)."""
    text = _format(result, fmt)
    return text if not text or text.endswith("\n") else text + "\n"


def _format(result: object, fmt: str) -> str:
    """Format a query result for printing.

    ``fmt`` is ``table`` (aligned text), ``csv``, ``tsv`` or ``json`` (the W3C SPARQL results
    formats, written by pyoxigraph). Booleans print as ``true``/``false`` in a table;
    CONSTRUCT and DESCRIBE results always print as Turtle.
    """
    if isinstance(result, ox.QueryBoolean):
        if fmt == "table":
            return "true\n" if bool(result) else "false\n"
        return _decode(result.serialize(format=RESULT_FORMATS[fmt]))
    if isinstance(result, ox.QueryTriples):
        triples = sorted(set(result), key=str)
        data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
        return _decode(data)
    assert isinstance(result, ox.QuerySolutions)
    if fmt == "table":
        return render_table(table(result))
    return _decode(result.serialize(format=RESULT_FORMATS[fmt]))


def _decode(data: bytes | None) -> str:
    """pyoxigraph's serialisation (bytes when no output file is given) as text."""
    return (data or b"").decode("utf-8")


def list_lines() -> list[str]:
    """``--list`` output: name and description, then one indented line per parameter."""
    queries = library()
    width = max((len(n) for n in queries), default=0)
    lines = []
    for q in queries.values():
        lines.append(f"{q.name.ljust(width)}  {q.description}")
        lines += [f"{' ' * width}    --param {p.describe()}" for p in q.params]
    return lines


def rows_as_dicts(tab: Table) -> list[dict[str, str]]:
    """Rows of ``tab`` as dicts (handy in tests and notebooks)."""
    return [dict(zip(tab.columns, row, strict=True)) for row in tab.rows]
