"""Stage 1 — read: files and folders in, decoded text out.

Encodings are detected from the bytes, never guessed from the file name. The decoded
text is kept as it is (offsets point into it); ``SourceText.norm`` is a same-length copy
with full-width forms folded to half-width, used only for matching.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Full-width ASCII (U+FF01..U+FF5E) → ASCII, ideographic space → space. One char to one
# char, so offsets in the normalised text are offsets in the original.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20
_FOLD[0x00A0] = 0x20


def normalize(text: str) -> str:
    """Fold full-width characters to half-width, keeping the length.

    >>> normalize("深ｉ企（２０２０）")
    '深i企(2020)'
    """
    return text.translate(_FOLD)


@dataclass(slots=True)
class SourceText:
    """One readable file: its decoded text and how it was read."""

    path: str
    text: str
    encoding: str
    format: str  # text | html | docx | pdf
    content_hash: str  # sha256 of the raw bytes

    @property
    def norm(self) -> str:
        return normalize(self.text)


class ReadError(Exception):
    """A file that could not be read; ``str()`` is one line naming file and problem."""

    def __init__(self, path: str | Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield the files under ``paths`` (recursively, sorted, hidden entries skipped)."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from _walk(p, set())
        else:
            yield p


def _walk(folder: Path, seen: set[Path]) -> Iterator[Path]:
    real = folder.resolve()
    if real in seen:  # a symlink loop
        return
    seen.add(real)
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        yield folder  # read_file reports the problem
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(entry, seen)
        else:
            yield entry


def read_file(path: str | Path) -> SourceText:
    """Read one file and decode it; raise ReadError with a one-line reason."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReadError(path, f"cannot read ({exc.strerror or exc})") from None
    if not raw.strip():
        raise ReadError(path, "empty file")
    text, encoding = decode_text(raw, path)
    digest = hashlib.sha256(raw).hexdigest()
    return SourceText(str(path), text, encoding, "text", digest)


def decode_text(raw: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode plain-text bytes: BOMs first, then strict UTF-8, then GB18030."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    if b"\x00" in raw:
        raise ReadError(path, "binary file (contains NUL bytes), not a letter")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise ReadError(path, "unknown text encoding (neither UTF-8 nor GB18030)") from None
