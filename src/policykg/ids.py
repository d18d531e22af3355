"""Stable identifiers: every IRI is derived from a canonical key, never from run order.

Rebuilding the same letters gives the same IRIs, and one real-world thing named in many
letters (an agency, a document, a proposal) gets one IRI.
"""

from __future__ import annotations

import hashlib

from rdflib import Namespace, URIRef

ID = Namespace("https://w3id.org/policykg/id/")


def key_hash(*parts: object) -> str:
    """Return a short, stable hex digest (16 hex chars) of the key parts joined by '|'."""
    joined = "|".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:16]


def iri(kind: str, *key: object) -> URIRef:
    """IRI for an entity of ``kind`` (agency, document, proposal …) with canonical ``key``."""
    return ID[f"{kind}/{key_hash(*key)}"]


def letter_iri(record_id: str) -> URIRef:
    return ID[f"letter/{record_id}"]


def graph_iri(record_id: str) -> URIRef:
    """The named graph that holds everything one letter record says."""
    return ID[f"graph/{record_id}"]


def local_iri(record_id: str, kind: str, local: object) -> URIRef:
    """IRI of a thing that only exists inside one letter (a measure, a mention, an amount)."""
    return ID[f"{kind}/{record_id}/{local}"]
