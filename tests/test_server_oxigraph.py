"""The remote store against a real Oxigraph server started on 127.0.0.1 for the tests."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from _support import LETTERS
from click.testing import CliRunner

from policykg.build import ingest, remove_files
from policykg.cli import main
from policykg.store import RemoteStore, Store, StoreError

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(
        shutil.which("oxigraph") is None,
        reason="the oxigraph server (PyPI: oxigraph) is not installed",
    ),
]
POL = "https://w3id.org/policykg/ontology#"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OxigraphServer:
    """``oxigraph serve`` on a free port with a throwaway folder; stopped by ``stop``."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> OxigraphServer:
        cmd = ["oxigraph", "serve", "--location", str(self.folder), "--bind", f"127.0.0.1:{self.port}",
               "--union-default-graph"]  # fmt: skip
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/query?query=ASK%7B%7D", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("oxigraph server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None


@pytest.fixture()
def server(tmp_path):
    srv = OxigraphServer(tmp_path / "oxigraph").start()
    yield srv
    srv.stop()


def graphs(store: Store) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for q in store.quads():
        found.setdefault(str(q.graph_name.value), set()).add(str(q))
    return found


def test_build_rebuild_and_change_on_a_server(server, tmp_path):
    remote = Store(server.url)
    assert isinstance(remote, RemoteStore)
    report = ingest([LETTERS], remote)
    assert report.built == 5
    local = Store("memory")
    ingest([LETTERS], local)
    assert graphs(remote) == graphs(local)
    again = ingest([LETTERS], remote)
    assert (again.built, again.unchanged) == (0, 5)
    assert len(remote) == len(local)


def test_queries_return_the_same_objects_as_a_local_store(server):
    remote, local = Store(server.url), Store("memory")
    ingest([LETTERS], remote)
    ingest([LETTERS], local)
    query = f"SELECT ?kind (COUNT(?l) AS ?n) WHERE {{ ?l a ?kind FILTER(?kind IN (<{POL}ReplyLetter>, <{POL}ProposalForm>)) }} GROUP BY ?kind ORDER BY ?kind"  # fmt: skip
    rows = lambda store: [(r["kind"].value, r["n"].value) for r in store.query(query)]  # noqa: E731
    assert rows(remote) == rows(local) == [(f"{POL}ProposalForm", "1"), (f"{POL}ReplyLetter", "4")]
    ask = f"ASK {{ ?l a <{POL}Letter> }}"
    assert bool(remote.query(ask)) and bool(remote.ox.query(ask, use_default_graph_as_union=True))
    construct = f"CONSTRUCT {{ ?l a <{POL}Letter> }} WHERE {{ ?l a <{POL}Letter> }}"
    assert len(list(remote.query(construct))) == 5


def test_graph_store_protocol_and_remove(server):
    remote = Store(server.url)
    ingest([LETTERS], remote)
    graph = remote.manifest()["000_42c7ff2b028ad38b.txt"].graphs[0]
    assert b"ReplyLetter" in remote.get_graph(graph)
    report, _ = remove_files(remote, ["000_42c7ff2b028ad38b.txt"])
    assert report.removed == 1
    assert remote.get_graph(graph) == b""
    remote.put_graph("urn:x:g", b"<urn:x:a> <urn:x:b> <urn:x:c> .\n")
    assert b"urn:x:c" in remote.get_graph("urn:x:g")


def test_cli_build_and_export_with_a_url(server, tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        main, ["build", str(LETTERS), "--store", server.url, "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert "records: 1 proposal, 4 reply (5 in all)" in result.output
    local_out = tmp_path / "local"
    runner.invoke(main, ["build", str(LETTERS), "--store", "memory", "-o", str(local_out)])
    assert (tmp_path / "out" / "graph.trig").read_bytes() == (local_out / "graph.trig").read_bytes()
    exported = runner.invoke(main, ["export", "--format", "nt", "--store", server.url])
    assert exported.exit_code == 0 and exported.output.count("\n") > 1000


def test_server_going_away_mid_build_is_a_clear_error_and_a_rerun_completes(tmp_path, monkeypatch):
    corpus = tmp_path / "letters"
    shutil.copytree(LETTERS, corpus)
    srv = OxigraphServer(tmp_path / "oxigraph").start()
    monkeypatch.setattr("policykg.build.BATCH_FILES", 1)  # one transaction per letter
    seen = []

    def stop_after_two(result: object) -> None:
        seen.append(result)
        if len(seen) == 2:
            srv.stop()

    try:
        with pytest.raises(StoreError, match="cannot reach SPARQL server"):
            ingest([corpus], Store(srv.url), on_result=stop_after_two)
        result = CliRunner().invoke(main, ["build", str(corpus), "--store", srv.url, "--no-output"])
        assert result.exit_code == 1
        assert "cannot reach SPARQL server" in result.output and "Traceback" not in result.output
        srv.start()
        report = ingest([corpus], Store(srv.url))
        assert report.unchanged >= 1 and report.built + report.unchanged == 5
        local = Store("memory")
        ingest([corpus], local)
        assert graphs(Store(srv.url)) == graphs(local)
    finally:
        srv.stop()


def test_every_reading_command_works_on_a_server(server, tmp_path):
    runner = CliRunner()
    assert (
        runner.invoke(main, ["build", str(LETTERS), "--store", server.url, "--no-output"]).exit_code
        == 0
    )
    for args in (["query", "letters"], ["stats"], ["viz", "-o", str(tmp_path / "g.html")],
                 ["export", "--format", "ttl", "-o", str(tmp_path / "g.ttl")]):  # fmt: skip
        result = runner.invoke(main, [*args, "--store", server.url])
        assert result.exit_code == 0, (args, result.output)
    assert (tmp_path / "g.html").stat().st_size > 0 and (tmp_path / "g.ttl").stat().st_size > 0
