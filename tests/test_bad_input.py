"""Bad input: every broken letter gets one line naming it, and every good letter is still built.

The broken letters are made from the seeds in a temporary folder, so each case is exactly the
damage it names.
"""

from __future__ import annotations

import os
import re

import pytest
from _support import LETTERS
from click.testing import CliRunner
from rdflib import Graph

from policykg.cli import main
from policykg.read import MAX_BYTES

REPLY = (LETTERS / "000_42c7ff2b028ad38b.txt").read_bytes()
FORM = (LETTERS / "001_a2b1ea49786702ab.txt").read_bytes()
GOOD = ["good/reply.txt", "good/reply.gbk.txt", "good/reply.utf16.txt", "good/reply.crlf.txt",
        "good/deep/" + "/".join(f"d{i}" for i in range(40)) + "/reply.txt"]  # fmt: skip


def write(root, rel, data: bytes):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """A folder of good letters mixed with every kind of broken one; built once."""
    root = tmp_path_factory.mktemp("bad-input")
    text = REPLY.decode("utf-8")
    write(root, GOOD[0], REPLY)
    write(root, GOOD[1], text.encode("gb18030"))  # another encoding in the same folder
    write(root, GOOD[2], text.encode("utf-16"))
    write(root, GOOD[3], text.replace("\n", "\r\n").encode("utf-8"))  # Windows line endings
    write(root, GOOD[4], REPLY)  # 40 folders deep
    bad = {
        "bad/empty.txt": (b"", "empty file"),
        "bad/blank.txt": (b" \n\t\n", "empty file"),
        "bad/binary.bin": (bytes(range(256)) * 64, "binary file"),
        "bad/nul-in-text.txt": (REPLY[:2000] + b"\x00\x00\x00\x00" + REPLY[2000:], "binary file"),
        "bad/unknown-encoding.txt": (b"\x80\xff" * 500, "unknown text encoding"),
        "bad/huge.txt": (b"", "too large"),
    }
    for rel, (data, _) in bad.items():
        write(root, rel, data)
    with open(root / "bad/huge.txt", "wb") as fh:  # just over the limit, written sparsely
        fh.truncate(MAX_BYTES + 1)
        fh.seek(0)
        fh.write(REPLY)
    for i in range(10_000):
        (root / "bad/many").mkdir(exist_ok=True)
        (root / f"bad/many/{i:05d}.txt").touch()
    os.symlink(root / "good", root / "good/deep/loop")  # a symlink loop
    # warned about, still built
    write(root, "warn/truncated.txt", REPLY[: len(REPLY) // 2 + 1] if _cuts_a_char(REPLY, len(REPLY) // 2 + 1) else REPLY[:4999])
    write(root, "warn/gbk-named-utf8.utf8.txt", text.encode("gbk"))
    write(root, "warn/form-with-template.txt", FORM)
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(root / "out"), "--store", "memory"])
    return root, bad, result


def _cuts_a_char(data: bytes, n: int) -> bool:
    try:
        data[:n].decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def test_the_batch_succeeds_with_no_traceback(batch):
    _, _, result = batch
    assert result.exit_code == 0, result.output[-2000:]
    assert "Traceback" not in result.output


def test_each_bad_file_gets_one_line_naming_it_and_the_problem(batch):
    root, bad, result = batch
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    for rel, (_, problem) in bad.items():
        lines = [line for line in errors if str(root / rel) in line]
        assert len(lines) == 1 and problem in lines[0], (rel, lines)
    empties = [line for line in errors if "/bad/many/" in line]
    assert len(empties) == 10_000 and all(line.endswith("empty file") for line in empties)


def test_warnings_name_the_file(batch):
    root, _, result = batch
    assert re.search(rf"warning: {re.escape(str(root))}/warn/truncated\.txt: ends in the middle of a character", result.stderr)
    assert re.search(r"warning: .*form-with-template\.txt: record 2 is an empty template", result.stderr)


def test_every_good_letter_is_built(batch):
    root, _, _ = batch
    graph = Graph().parse(root / "out" / "graph.ttl")
    sources = {str(o) for o in graph.objects(None, _pol("sourceFile"))}
    for rel in GOOD + ["warn/truncated.txt", "warn/gbk-named-utf8.utf8.txt", "warn/form-with-template.txt"]:
        assert any(s.endswith(rel) for s in sources), rel
    numbers = {str(o) for o in graph.objects(None, _pol("proposalNumber"))}
    assert "20210208" in numbers


def _pol(name: str):
    from policykg.vocab import POL

    return POL[name]
