"""Output faults on real file systems: a full disk and a read-only mount (root included).

The tests mount small tmpfs file systems of their own; where mounting is not allowed they
are skipped with the reason.
"""

from __future__ import annotations

import subprocess
from contextlib import contextmanager

import pytest
from _support import LETTERS
from click.testing import CliRunner

from policykg.cli import main


@contextmanager
def tmpfs(path, options: str):
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=False)


def build(out, store="memory"):
    return CliRunner().invoke(main, ["build", str(LETTERS), "-o", str(out), "--store", store])


def test_full_disk_is_one_clear_line_and_leaves_no_partial_file(tmp_path):
    with tmpfs(tmp_path / "small", "size=64k") as small:
        result = build(small / "out")
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert f"cannot write {small / 'out'}" in result.output and "No space left on device" in result.output
        leftovers = [p.name for p in (small / "out").iterdir()] if (small / "out").exists() else []
        assert not any(name.endswith(".tmp") for name in leftovers), leftovers
        assert "graph.ttl" not in leftovers  # never a half-written graph


def test_read_only_file_system_is_one_clear_line(tmp_path):
    with tmpfs(tmp_path / "ro", "ro,size=64k") as ro:
        result = build(ro / "out")
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert "Read-only file system" in result.output and str(ro / "out") in result.output
