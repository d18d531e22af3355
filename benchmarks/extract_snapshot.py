"""Snapshot of everything extraction produces, to prove an optimisation changed nothing.

Runs ``policykg.pipeline.extract_paths`` (read → extract → resolve → link across letters,
exactly what ``policykg extract --format json`` prints) over each corpus separately and
writes every record's public JSON, every file-level note and every read failure, one per
line, to one file. Regenerate after a change and ``cmp`` the two files: they must be
byte-identical.

Corpora: data/letters, tests/corpus/letters, tests/data/formats (the reader's formats),
../shared/dev/letters (when present) and 1,000 generated letters (made once under
``--work``, with the generator's fixed seed).

Example::

    python benchmarks/extract_snapshot.py -o /tmp/e/before.jsonl
    # … change the extractors …
    python benchmarks/extract_snapshot.py -o /tmp/e/after.jsonl
    cmp /tmp/e/before.jsonl /tmp/e/after.jsonl && echo identical
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def generated(n: int, work: Path) -> Path:
    """The generated corpus of ``n`` letters (written once, reused)."""
    folder = work / f"l{n}"
    done = folder / ".complete"
    if not done.exists():
        sys.path.insert(0, str(HERE))
        from generate import generate

        generate(n, folder)
        done.write_text("ok")
    return folder


def corpora(work: Path, n: int) -> list[tuple[str, Path]]:
    found = [
        ("data/letters", ROOT / "data" / "letters"),
        ("tests/corpus", ROOT / "tests" / "corpus" / "letters"),
        ("tests/formats", ROOT / "tests" / "data" / "formats"),
        ("shared/dev", ROOT.parent / "shared" / "dev" / "letters"),
    ]
    found = [(name, path) for name, path in found if path.is_dir()]
    if n:
        found.append((f"generated-{n}", generated(n, work)))
    return found


def snapshot_lines(name: str, path: Path) -> list[str]:
    """Every line the snapshot holds for one corpus (paths relative to the corpus)."""
    from policykg.pipeline import extract_paths

    prefix = str(path) + "/"
    result = extract_paths([path])
    lines = [f"## {name}: {result.files_read} files, {len(result.records)} records, {result.warnings} warnings"]
    for rec in result.records:
        data = rec.to_json()
        data["source"] = data["source"].removeprefix(prefix)
        lines.append(json.dumps(data, ensure_ascii=False, sort_keys=False))
    lines.extend("note: " + note.replace(prefix, "") for note in result.notes)
    lines.extend("failed: " + failure.replace(prefix, "") for failure in result.failed)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, required=True, help="snapshot file to write")
    parser.add_argument("--work", type=Path, default=Path("/tmp/e"), help="where the generated letters live")
    parser.add_argument("--generated", type=int, default=1000, help="how many generated letters (0: none)")
    args = parser.parse_args()
    lines: list[str] = []
    for name, path in corpora(args.work, args.generated):
        part = snapshot_lines(name, path)
        print(part[0], file=sys.stderr)
        lines.extend(part)
    text = "\n".join(lines) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"{args.output}: {len(lines)} lines, sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}", file=sys.stderr)


if __name__ == "__main__":
    main()
