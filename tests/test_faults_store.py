"""Store and output faults: unwritable folders give one clear line and no half-written file."""

from __future__ import annotations

import os
import shutil

import pytest
from _support import LETTERS
from click.testing import CliRunner

from policykg.cli import main

needs_non_root = pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@needs_non_root
def test_read_only_output_folder_is_a_clear_error(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = run("build", str(LETTERS), "-o", str(out), "--store", "memory")
    finally:
        out.chmod(0o755)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and str(out) in result.output
    assert list(out.iterdir()) == []


def test_output_path_that_is_a_file_is_a_clear_error(tmp_path):
    out = tmp_path / "out"
    out.write_text("not a folder")
    result = run("build", str(LETTERS), "-o", str(out / "sub"), "--store", "memory")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith("Error:") and "Traceback" not in result.output


def test_store_path_that_is_a_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "store"
    bad.write_text("x")
    result = run("build", str(LETTERS), "--store", str(bad), "--no-output")
    assert result.exit_code == 1
    assert "cannot open store" in result.output and "Traceback" not in result.output


def test_failed_output_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert run("build", str(LETTERS), "-o", str(out), "--store", str(tmp_path / "s")).exit_code == 0
    before = (out / "graph.ttl").read_bytes()

    def fail(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", fail)
    result = run("build", str(LETTERS), "-o", str(out), "--store", str(tmp_path / "s"))
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert (out / "graph.ttl").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_store_locked_by_another_process_is_a_clear_error(tmp_path):
    from policykg.store import Store

    path = tmp_path / "s"
    holder = Store(str(path))
    try:
        code = (
            "import sys; from policykg.cli import main; "
            f"sys.argv=['policykg','build','{LETTERS}','--store','{path}','--no-output']; main()"
        )
        import subprocess
        import sys

        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
        )
    finally:
        holder.close()
    assert proc.returncode == 1
    assert "cannot open store" in proc.stderr and "Traceback" not in proc.stderr


def test_remove_of_something_never_built(tmp_path):
    shutil.copytree(LETTERS, tmp_path / "l")
    result = run("remove", str(tmp_path / "l" / "nope.txt"), "--store", str(tmp_path / "s"))
    assert result.exit_code == 1
    assert "no letter in the store comes from it" in result.output


def test_permission_denied_on_output_is_a_clear_error(tmp_path, monkeypatch):
    """What a read-only folder does when running as root, where chmod cannot show it."""
    out = tmp_path / "out"

    def denied(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(out))

    monkeypatch.setattr("tempfile.mkstemp", denied)
    result = run("build", str(LETTERS), "-o", str(out), "--store", "memory")
    assert result.exit_code == 1
    assert "Permission denied" in result.output and "Traceback" not in result.output
    assert not out.exists() or list(out.iterdir()) == []
