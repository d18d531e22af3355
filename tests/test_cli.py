"""The command line as a new user meets it: outputs, summaries, warnings and bad input."""

from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest
from _support import LETTERS
from click.testing import CliRunner
from rdflib import Graph

from policykg.cli import main

FORM = "001_a2b1ea49786702ab.txt"
MISMATCH = "003_8c7b722f76a7ec1f.txt"


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


@pytest.fixture()
def built(tmp_path):
    out = tmp_path / "out"
    result = run("build", str(LETTERS), "-o", str(out), "--store", str(tmp_path / "store"))
    assert result.exit_code == 0, result.output
    return out, result.output


def test_build_writes_turtle_and_trig_and_summarises(built):
    out, output = built
    assert (out / "graph.ttl").stat().st_size > 0 and (out / "graph.trig").stat().st_size > 0
    assert "records: 1 proposal, 4 reply (5 in all)" in output
    assert "triples:" in output and "warnings:" in output


def test_turtle_parses_in_oxigraph_with_the_rdflib_triple_count(built):
    out, _ = built
    data = (out / "graph.ttl").read_bytes()
    ox_store = ox.Store()
    ox_store.load(data, format=ox.RdfFormat.TURTLE)
    assert len(ox_store) == len(Graph().parse(data=data, format="turtle")) > 1000


def test_building_twice_gives_byte_identical_turtle(tmp_path, built):
    out, _ = built
    again = tmp_path / "again"
    run("build", str(LETTERS), "-o", str(again), "--store", "memory")
    assert (again / "graph.ttl").read_bytes() == (out / "graph.ttl").read_bytes()
    assert (again / "graph.trig").read_bytes() == (out / "graph.trig").read_bytes()


def _triples(data: bytes, fmt: ox.RdfFormat) -> set[str]:
    store = ox.Store()
    store.load(data, format=fmt)
    return {str(q.triple) for q in store}


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES), ("jsonld", ox.RdfFormat.JSON_LD),
     ("trig", ox.RdfFormat.TRIG), ("nq", ox.RdfFormat.N_QUADS)],
)  # fmt: skip
def test_export_writes_the_built_graph_to_a_file_or_stdout(tmp_path, built, name, fmt):
    out, _ = built
    store = str(tmp_path / "store")
    target = tmp_path / f"g.{name}"
    assert run("export", "--format", name, "-o", str(target), "--store", store).exit_code == 0
    written = target.read_bytes()
    assert run("export", "--format", name, "--store", store).stdout_bytes == written
    assert _triples(written, fmt) == _triples((out / "graph.ttl").read_bytes(), ox.RdfFormat.TURTLE)
    assert not list(tmp_path.glob(".g.*"))  # no temporary file left behind


def test_graph_files_of_a_big_store_are_streamed_with_the_same_triples(tmp_path, built, monkeypatch):
    """Above SORTED_OUTPUT_MAX quads graph.ttl / graph.trig come from the store as it is read."""
    from policykg import build

    out, _ = built
    monkeypatch.setattr(build, "SORTED_OUTPUT_MAX", 0)
    streamed = tmp_path / "streamed"
    run("build", str(LETTERS), "-o", str(streamed), "--store", str(tmp_path / "store2"))
    for name, fmt in (("graph.ttl", ox.RdfFormat.TURTLE), ("graph.trig", ox.RdfFormat.TRIG)):
        assert (streamed / name).read_bytes() != (out / name).read_bytes()  # not the sorted writer
        assert _triples((streamed / name).read_bytes(), fmt) == _triples((out / name).read_bytes(), fmt)


def test_extract_prints_one_json_record_per_line_with_the_contract_keys():
    result = run("extract", str(LETTERS))
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 5  # the empty template record is not a record
    rec = json.loads(lines[0])
    for key in ("source", "kind", "proposal", "reply", "policy_documents", "funds", "agencies",
                "organizations", "amounts", "measures", "warnings"):  # fmt: skip
        assert key in rec
    for key in ("number", "number_variants", "session", "title", "proposers", "lead_agency", "co_agencies",
                "suggestions"):  # fmt: skip
        assert key in rec["proposal"]
    for key in ("agency", "date", "cc", "disclosure"):
        assert key in rec["reply"]


def test_template_record_is_a_warning_and_never_an_entity(tmp_path):
    shutil.copy(LETTERS / FORM, tmp_path / FORM)
    result = CliRunner().invoke(main, ["extract", str(tmp_path / FORM)])
    assert result.exit_code == 0
    assert "record 2 is an empty template" in result.stderr
    records = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert len(records) == 1
    assert records[0]["proposal"]["title"] == "关于持续改善科技型中小企业营商环境的建议"
    assert "A" not in {p["text"] for p in records[0]["proposal"]["proposers"]}


def test_number_mismatch_is_a_warning_not_a_second_proposal():
    rec = json.loads(run("extract", str(LETTERS / MISMATCH)).stdout)
    assert rec["proposal"]["number"] == "20210201"
    assert [v["text"] for v in rec["proposal"]["number_variants"]] == ["2021021"]
    assert [w["code"] for w in rec["warnings"]] == ["number-mismatch"]


def test_number_mismatch_yields_one_proposal_node(built):
    out, _ = built
    g = Graph().parse(out / "graph.ttl")
    rows = list(g.query(
        'PREFIX pol: <https://w3id.org/policykg/ontology#> '
        'SELECT ?p WHERE { ?p pol:proposalNumber ?n . FILTER(STR(?n) IN ("20210201", "2021021")) }'
    ))  # fmt: skip
    assert len(rows) == 1


def test_form_and_reply_share_one_proposal(built):
    out, _ = built
    g = Graph().parse(out / "graph.ttl")
    rows = list(g.query(
        'PREFIX pol: <https://w3id.org/policykg/ontology#> '
        'SELECT DISTINCT ?p WHERE { ?p pol:proposalNumber "20210208" ; pol:hasSuggestion ?s . '
        '?reply pol:repliesTo ?p . ?m pol:respondsTo ?s }'
    ))  # fmt: skip
    assert len(rows) == 1


# --- bad input: one line naming the file, non-zero exit only when nothing was read ---


def _bad_files(folder):
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (folder / "unknown.txt").write_bytes(b"\x80\xff" * 50)  # neither UTF-8, GB18030 nor anything Chinese
    return ["empty.txt", "binary.bin", "unknown.txt"]


def test_bad_files_are_named_and_the_rest_is_built(tmp_path):
    letters = tmp_path / "letters"
    letters.mkdir()
    shutil.copy(LETTERS / MISMATCH, letters / MISMATCH)
    names = _bad_files(letters)
    result = CliRunner().invoke(main, ["build", str(letters), "-o", str(tmp_path / "out"), "--store", "memory"])
    assert result.exit_code == 0, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    for name in names:
        assert any(name in line for line in errors), errors
    assert "Traceback" not in result.output + result.stderr
    assert "records: 1 reply (1 in all)" in result.stdout
    assert (tmp_path / "out" / "graph.ttl").stat().st_size > 0


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02\x03" * 100])
def test_nothing_readable_exits_nonzero_with_one_line(tmp_path, content):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = CliRunner().invoke(main, ["build", str(bad), "-o", str(tmp_path / "out"), "--store", "memory"])
    assert result.exit_code == 1
    assert "bad.txt" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_folder_with_no_letters_exits_nonzero(tmp_path):
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["build", str(tmp_path / "empty"), "--store", "memory"])
    assert result.exit_code == 1
    assert "no letter could be read" in result.stderr


def test_every_command_has_help_with_an_example():
    for name in main.commands:
        result = run(name, "--help")
        assert result.exit_code == 0
        assert "Example" in result.output, f"{name} --help has no example"
