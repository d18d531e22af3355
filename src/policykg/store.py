"""Stage 5 — store: where the built graph lives between commands.

The default is a persistent Oxigraph store on disk (``.policykg/store`` in the current
folder), so ``policykg build`` then ``policykg query`` needs no server and no reload.
``memory`` keeps it in this process only. Each letter record's facts are one named graph,
replaced as a whole when the letter changes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

DEFAULT_STORE = ".policykg/store"
STORE_ENV = "POLICYKG_STORE"


class StoreError(Exception):
    """A store that cannot be opened or written; ``str()`` is one line."""


def default_store_spec() -> str:
    """The store to use when none is given: $POLICYKG_STORE, else .policykg/store."""
    return os.environ.get(STORE_ENV, DEFAULT_STORE)


class Store:
    """A quad store holding one named graph per letter record."""

    def __init__(self, spec: str | None = None) -> None:
        spec = spec or default_store_spec()
        self.spec = spec
        try:
            if spec == "memory":
                self._store = ox.Store()
            else:
                Path(spec).mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(spec)
        except OSError as exc:
            raise StoreError(f"cannot open store {spec}: {exc}") from None

    @property
    def ox(self) -> ox.Store:
        """The underlying pyoxigraph store."""
        return self._store

    def replace_graphs(self, nquads: bytes, graphs: list[str]) -> None:
        """Drop ``graphs`` and load ``nquads`` (their new content) in one transaction."""
        try:
            for g in graphs:
                if self._has_graph(g):
                    self._store.remove_graph(ox.NamedNode(g))
            self._store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
            self._store.flush()
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"cannot write store {self.spec}: {exc}") from None

    def _has_graph(self, graph: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(graph))

    def clear(self) -> None:
        self._store.clear()

    def __len__(self) -> int:
        return len(self._store)

    def query(self, sparql: str) -> object:
        """Run a SPARQL query over the union of all letter graphs."""
        return self._store.query(sparql, use_default_graph_as_union=True)

    def dump(self, fmt: ox.RdfFormat) -> bytes:
        """Serialise the store: all named graphs for TriG/N-Quads, their union otherwise."""
        if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            return self._store.dump(format=fmt)
        union = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        return union.serialize(format=fmt)  # type: ignore[attr-defined]
