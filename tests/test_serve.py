"""``policykg serve`` answered by a real SPARQL client (SPARQLWrapper) over HTTP."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from _support import LETTERS
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    QueryBadFormed,
    SPARQLWrapperException,
)

from policykg.build import ingest
from policykg.serve import Limits, make_server, remote_refs
from policykg.store import LocalStore, Store

COUNT_LETTERS = "PREFIX pol: <https://w3id.org/policykg/ontology#> SELECT (COUNT(?l) AS ?n) WHERE { ?l a pol:Letter }"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "store"
    ingest([LETTERS], Store(str(path)))
    return path


def _convert(client: SPARQLWrapper):
    """Run the client's query and convert the result, closing the HTTP response."""
    result = client.query()
    try:
        return result.convert()
    finally:
        result.response.close()


def _status(url: str, timeout: float = 30) -> int:
    """HTTP status of a GET, closing the response whatever it is."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


def _start(store, **limits):
    server = make_server(store, port=0, limits=Limits(**limits))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture()
def endpoint(store_path):
    server, url = _start(LocalStore(str(store_path), read_only=True))
    yield url
    server.shutdown()
    server.server_close()


def test_select_with_sparqlwrapper_json_and_csv(endpoint):
    client = SPARQLWrapper(f"{endpoint}/query")
    client.setQuery(COUNT_LETTERS)
    client.setReturnFormat(JSON)
    data = _convert(client)
    assert data["results"]["bindings"][0]["n"]["value"] == "5"
    client.setReturnFormat(CSV)
    assert _convert(client).decode().splitlines() == ["n", "5"]


def test_ask_and_construct(endpoint):
    client = SPARQLWrapper(f"{endpoint}/query")
    client.setQuery("ASK { ?s a <https://w3id.org/policykg/ontology#ReplyLetter> }")
    client.setReturnFormat(JSON)
    assert _convert(client)["boolean"] is True
    client.setQuery("CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 3")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=_convert(client), format="turtle")
    assert 1 <= len(graph) <= 3  # the same triple may sit in two letter graphs


def test_read_only_unless_allowed(endpoint, store_path):
    client = SPARQLWrapper(f"{endpoint}/update")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)) as err:
        client.query()
    if isinstance(err.value, urllib.error.HTTPError):
        assert err.value.code == 403
        err.value.close()
    assert len(LocalStore(str(store_path), read_only=True)) > 0


def test_updates_when_allowed(tmp_path):
    server, url = _start(Store("memory"), allow_update=True)
    try:
        client = SPARQLWrapper(f"{url}/query", updateEndpoint=f"{url}/update")
        client.setMethod(POST)
        client.setQuery("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 'c' } }")
        client.query().response.close()
        client.setMethod("GET")
        client.setQuery("SELECT ?o WHERE { <urn:a> <urn:b> ?o }")
        client.setReturnFormat(JSON)
        assert _convert(client)["results"]["bindings"][0]["o"]["value"] == "c"
    finally:
        server.shutdown()
        server.server_close()


def test_service_and_load_to_other_hosts_are_refused(endpoint):
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    assert _status(f"{endpoint}/query?" + urllib.parse.urlencode({"query": query})) == 403
    assert remote_refs("LOAD <https://example.org/x.ttl>") == [
        ("LOAD", "https://example.org/x.ttl")
    ]
    assert remote_refs("LOAD <http://127.0.0.1:7878/x.ttl>") == []


def test_syntax_errors_are_400(endpoint):
    client = SPARQLWrapper(f"{endpoint}/query")
    client.setQuery("SELECT WHERE {")
    with pytest.raises((QueryBadFormed, EndPointInternalError)):
        client.query()


def test_result_size_limit(store_path):
    server, url = _start(LocalStore(str(store_path), read_only=True), max_rows=10)
    try:
        query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert _status(f"{url}/query?{query}") == 413
    finally:
        server.shutdown()
        server.server_close()


def test_query_timeout(store_path):
    server, url = _start(LocalStore(str(store_path), read_only=True), timeout=0.2)
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # never ends
    try:
        query = urllib.parse.urlencode({"query": heavy})
        started = time.perf_counter()
        assert _status(f"{url}/query?{query}") == 503
        assert time.perf_counter() - started < 5  # the runaway query was killed, not waited for
        assert _status(f"{url}/query?" + urllib.parse.urlencode({"query": COUNT_LETTERS})) == 200
    finally:
        server.shutdown()
        server.server_close()
