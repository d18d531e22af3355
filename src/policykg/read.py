"""Stage 1 — read: files and folders in, decoded text out.

Formats and encodings are detected from the bytes, never guessed from the file name.
``read_file`` returns a ``SourceText`` whose ``text`` is exactly the text downstream
character offsets refer to; ``SourceText.norm`` is a same-length copy with full-width
forms folded to half-width, used only for matching.

Detection order (first match wins):

1. size guard (``MAX_BYTES``), then magic numbers: ``%PDF-`` → PDF; zip with
   ``word/document.xml`` → DOCX; other zips, OLE2 (legacy .doc/.xls), images, other
   archives → ``ReadError`` naming what the file seems to be;
2. text decoding: BOM (UTF-8, UTF-32, UTF-16) → NUL bytes (BOM-less UTF-16 by the
   NUL-byte parity, else binary) → strict UTF-8 → the ``<meta charset>`` of an HTML page
   → strict GB18030 (Big5 instead only if charset-normalizer is confident) →
   charset-normalizer for whatever is left;
3. decoded text that looks like HTML is reduced to the article body; anything else is
   plain text. ``\\r\\n`` and ``\\r`` become ``\\n`` in every format.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import io
import os
import re
import stat
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Largest file ``read_file`` accepts (50 MiB). Letters are a few KB; a file this big is
#: almost certainly not a letter, and reading it would stall the pipeline.
MAX_BYTES = 50 * 1024 * 1024
#: Largest total uncompressed size of a DOCX (guards against zip bombs).
MAX_UNZIPPED_BYTES = 4 * MAX_BYTES

# Full-width ASCII (U+FF01..U+FF5E) → ASCII, ideographic space → space. One char to one
# char, so offsets in the normalised text are offsets in the original.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20
_FOLD[0x00A0] = 0x20


_FOLD_CHARS = {chr(src): chr(dst) for src, dst in _FOLD.items()}
_WIDE = re.compile("[" + "".join(_FOLD_CHARS) + "]")
# The full-width characters nearly every letter holds, replaced first without a scan for them.
_COMMON_WIDE = "，：（）；\u3000"
_last_folded: tuple[str, str] = ("", "")  # (text, normalize(text)) of the last long text


def normalize(text: str) -> str:
    """Fold full-width characters to half-width, keeping the length.

    >>> normalize("深ｉ企（２０２０）")
    '深i企(2020)'
    """
    # Same result as ``text.translate(_FOLD)``, ~10x faster on a letter: translate looks
    # up every character in the table, while a letter holds only a handful of distinct
    # full-width ones, each replaced in one C pass. The common ones are replaced first;
    # whether any other one is left is told by the UTF-16 bytes (an 0xFF high byte, or
    # U+3000 / U+00A0), and only then are they looked for. A letter's text is normalised
    # by extraction and again by resolve; the second call reuses the first result.
    global _last_folded
    if text is _last_folded[0]:
        return _last_folded[1]
    folded = text
    for ch in _COMMON_WIDE:
        if ch in folded:
            folded = folded.replace(ch, _FOLD_CHARS[ch])
    if "\u00a0" in folded or _has_ff_unit(folded):
        for ch in set(_WIDE.findall(folded)):
            folded = folded.replace(ch, _FOLD_CHARS[ch])
    if len(text) > 256:
        _last_folded = (text, folded)
    return folded


def _has_ff_unit(text: str) -> bool:
    """True if ``text`` may hold a character U+FF00–U+FFFF (a UTF-16 unit with high byte 0xFF)."""
    units = text.encode("utf-16-be", "surrogatepass")
    i = units.find(b"\xff")
    while i != -1:
        if i % 2 == 0:  # a high byte, not the low byte of some other character
            return True
        i = units.find(b"\xff", i + 1)
    return False


@dataclass(slots=True)
class SourceText:
    """One readable file: its decoded text and how it was read.

    ``encoding`` is the character encoding the bytes were decoded with (a Python codec
    name such as ``utf-8``, ``utf-8-sig``, ``utf-16-le``, ``gb18030``); for DOCX and PDF,
    whose text comes out of a binary container, it is ``"binary"``.
    """

    path: str
    text: str
    encoding: str
    format: str  # text | html | docx | pdf
    content_hash: str  # sha256 of the raw bytes

    @property
    def norm(self) -> str:
        """``text`` with full-width forms folded to half-width (same length)."""
        return normalize(self.text)


class ReadError(Exception):
    """A file that could not be read; ``str()`` is one line naming file and problem."""

    def __init__(self, path: str | Path, problem: str) -> None:
        problem = _one_line(problem)
        super().__init__(_one_line(f"{path}: {problem}"))
        self.path = str(path)
        self.problem = problem


_SKIPPED = (".", "~$")  # hidden entries, Word lock files


def _one_line(message: str) -> str:
    return " ".join(message.split("\n")).replace("\r", " ")


# --------------------------------------------------------------------------- files


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield the files under ``paths``: folders recursively, sorted by name.

    Entries whose name starts with ``.`` (hidden) or ``~$`` (Word lock files) are skipped
    inside folders; a path given explicitly is always yielded. Symlinked folders are
    followed once (a folder reached twice, e.g. through a symlink loop, is skipped), and
    a file is yielded at most once per call. Anything that is not a readable folder —
    broken links, unreadable folders, missing paths — is yielded so that ``read_file``
    can report the problem.
    """
    seen_dirs: set[tuple[int, int]] = set()
    yielded: set[str] = set()
    for path in map(Path, paths):
        for found in _walk(path, seen_dirs) if path.is_dir() else (path,):
            key = os.path.abspath(found)
            if key not in yielded:
                yielded.add(key)
                yield found


def _walk(top: Path, seen: set[tuple[int, int]]) -> Iterator[Path]:
    """Depth-first, sorted walk without recursion (deep trees cannot overflow)."""
    stack: list[Iterator[Path]] = [iter([top])]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
        elif not entry.is_dir():
            yield entry
        elif _first_visit(entry, seen):
            try:
                names = sorted(os.listdir(entry))
            except OSError:
                yield entry  # unreadable folder: read_file reports the problem
                continue
            stack.append(iter([entry / n for n in names if not n.startswith(_SKIPPED)]))


def _first_visit(folder: Path, seen: set[tuple[int, int]]) -> bool:
    """True the first time a folder (by device and inode) is reached."""
    try:
        info = folder.stat()
    except OSError:
        return True  # os.listdir will fail and report it
    key = (info.st_dev, info.st_ino)
    if key in seen:
        return False
    seen.add(key)
    return True


def read_file(path: str | Path) -> SourceText:
    """Read one file, detect its format and encoding, and return its text.

    Raises ``ReadError`` (one line: "path: problem") for anything that is not a
    readable letter: missing, unreadable, too large, empty, binary, scanned PDF, ...
    """
    raw = _read_bytes(Path(path))
    return read_bytes(raw, path)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, after checking it is a regular file within ``MAX_BYTES``."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            problem = (
                "is a directory" if os.access(path, os.R_OK | os.X_OK) else "permission denied"
            )
            raise ReadError(path, problem)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(path, "not a regular file (device, socket or pipe)")
        if info.st_size > MAX_BYTES:
            raise ReadError(path, _too_large(info.st_size))
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except PermissionError:
        raise ReadError(path, "permission denied") from None
    except FileNotFoundError:
        problem = "broken symbolic link" if path.is_symlink() else "no such file"
        raise ReadError(path, problem) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ReadError(path, "symbolic link loop") from None
        raise ReadError(path, f"cannot read ({exc.strerror or exc})") from None
    if len(raw) > MAX_BYTES:  # grew while we were reading
        raise ReadError(path, _too_large(len(raw)))
    return raw


def _too_large(size: int) -> str:
    return f"file too large ({_human(size)} > {_human(MAX_BYTES)} limit)"


def _human(size: int) -> str:
    """``52428800`` → ``'50 MB'``; ``1536`` → ``'1.5 KB'``."""
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024 or unit == "MB":
            return f"{value:.1f} {unit}".replace(".0 ", " ")
        value /= 1024
    raise AssertionError("unreachable")


def read_bytes(raw: bytes, path: str | Path = "<bytes>") -> SourceText:
    """Detect the format of ``raw`` and extract its text (``path`` names it in errors)."""
    if not raw.strip():
        raise ReadError(path, "empty file")
    digest = hashlib.sha256(raw).hexdigest()
    container = _sniff_container(raw, path)
    if container == "pdf":
        text, encoding, fmt = _pdf_text(raw, path), "binary", "pdf"
    elif container == "docx":
        text, encoding, fmt = _docx_text(raw, path), "binary", "docx"
    else:
        text, encoding = decode_text(raw, path)
        fmt = "text"
        if _looks_like_html(text):
            text, fmt = _html_text(text), "html"
    if not text.strip():
        raise ReadError(path, "empty file" if fmt == "text" else f"{fmt.upper()} has no text")
    return SourceText(str(path), text, encoding, fmt, digest)


# --------------------------------------------------------------------------- sniffing

_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
_ARCHIVES = (
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),  # only with a block-size digit after it
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _sniff_container(raw: bytes, path: str | Path) -> str | None:
    """``"pdf"``/``"docx"`` for supported containers, ``None`` for text; else ReadError."""
    if _is_pdf(raw):
        return "pdf"
    if raw.startswith(b"PK\x03\x04"):
        return _sniff_zip(raw, path)
    if raw.startswith(_OLE2):
        raise ReadError(path, "legacy Office file (OLE2 .doc/.xls/.ppt); save it as DOCX first")
    if raw.startswith(b"{\\rtf"):
        raise ReadError(path, "RTF document; save it as DOCX or plain text first")
    for magic, kind in _IMAGES:
        if raw.startswith(magic):
            raise ReadError(path, f"image file ({kind}), not a letter; OCR it first")
    if raw.startswith(b"RIFF") and raw[8:12] == b"WEBP":
        raise ReadError(path, "image file (WebP), not a letter; OCR it first")
    for magic, kind in _ARCHIVES:
        if raw.startswith(magic) and (magic != b"BZh" or raw[3:4].isdigit()):
            raise ReadError(path, f"{kind}, not a letter; unpack it first")
    return None


def _is_pdf(raw: bytes) -> bool:
    """``%PDF-`` at the start, or in the first KB of a file that ends like a PDF
    (readers tolerate junk before the header; a letter merely quoting it is not a PDF)."""
    if raw.lstrip()[:5] == b"%PDF-":
        return True
    return b"%PDF-" in raw[:1024] and b"%%EOF" in raw[-2048:]


def _sniff_zip(raw: bytes, path: str | Path) -> str:
    """Accept a zip that is a DOCX (checking its unpacked size); name anything else."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(path, f"damaged zip file ({exc})") from None
    names = {info.filename for info in infos}
    if "word/document.xml" in names:
        unpacked = sum(info.file_size for info in infos)
        if unpacked > MAX_UNZIPPED_BYTES:
            raise ReadError(
                path, f"DOCX unpacks to {_human(unpacked)} (> {_human(MAX_UNZIPPED_BYTES)})"
            )
        return "docx"
    if "xl/workbook.xml" in names:
        raise ReadError(path, "Excel workbook (XLSX), not a letter")
    if "ppt/presentation.xml" in names:
        raise ReadError(path, "PowerPoint presentation (PPTX), not a letter")
    if "content.xml" in names and "mimetype" in names:
        raise ReadError(path, "OpenDocument file (ODF); save it as DOCX first")
    raise ReadError(path, "zip archive (not a DOCX), not a letter; unpack it first")


_TAG = re.compile(
    r"<(?:html|head|body|div|p|br|span|table|tr|td|meta|title|script|style|a|li|ul|h[1-6])"
    r"\b[^>]*>",
    re.IGNORECASE,
)


def _looks_like_html(text: str) -> bool:
    """HTML by content: a doctype/``<html>`` start, or markup that is mostly tags."""
    head = text[:8192]
    if "<" not in head:
        return False
    start = head.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<!doctype html", "<html")):
        return True
    if start.startswith("<?xml") and "<html" in start:
        return True
    tags = len(_TAG.findall(head))
    return tags >= 10 or (start.startswith("<") and tags >= 3)


# --------------------------------------------------------------------------- text

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn", "hz-gb-2312"}
_BIG5_FAMILY = ("big5", "cp950", "big5hkscs")
_UTF16_PARITY = 0.8  # share of NUL bytes that must sit at one parity for UTF-16


def decode_text(raw: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    """Decode text bytes; return ``(text, encoding)`` with ``\\r\\n``/``\\r`` → ``\\n``.

    Raises ReadError for binary data and undecodable bytes. Strict UTF-8 is tried before
    anything slow, so the common case costs one decode and one regex scan.
    """
    text, encoding = _decode(raw, path)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReadError(path, "empty file")
    if _is_control_heavy(text, raw if encoding == "utf-8" else None):
        raise ReadError(path, "binary file, not a letter")
    return text, encoding


def _decode(raw: bytes, path: str | Path) -> tuple[str, str]:
    bom = _decode_bom(raw)
    if bom is not None:
        return bom
    if b"\x00" in raw:
        return _decode_utf16_without_bom(raw, path)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(raw) - 3 and exc.reason == "unexpected end of data":
            # cut off in the middle of the last character: UTF-8 all the same
            return raw[: exc.start].decode("utf-8"), "utf-8 (truncated)"
    declared = _declared_charset(raw)
    if declared is not None:
        try:
            return raw.decode(declared), declared
        except UnicodeDecodeError:
            pass  # mislabelled page: detect below
    return _decode_cjk_legacy(raw, path)


def _decode_bom(raw: bytes) -> tuple[str, str] | None:
    """Decode by byte-order mark (strictly); ``None`` if there is none."""
    if raw.startswith(codecs.BOM_UTF8):
        return _strict_or_none(raw[3:], "utf-8", "utf-8-sig")
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        decoded = _strict_or_none(raw, "utf-32", "utf-32")
        if decoded is not None:
            return decoded
    if raw.startswith(codecs.BOM_UTF16_LE):
        return _strict_or_none(raw[2:], "utf-16-le", "utf-16")
    if raw.startswith(codecs.BOM_UTF16_BE):
        return _strict_or_none(raw[2:], "utf-16-be", "utf-16")
    return None


def _strict_or_none(raw: bytes, codec: str, label: str) -> tuple[str, str] | None:
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError:
        return None
    return text.removeprefix("\ufeff"), label


def _decode_utf16_without_bom(raw: bytes, path: str | Path) -> tuple[str, str]:
    """NUL bytes mostly at odd offsets → UTF-16-LE, mostly at even → BE; else binary.

    ASCII characters (digits, newlines, spaces) in UTF-16 carry a zero high byte, so
    real UTF-16 text has its NULs at one parity; binary data has them everywhere.
    """
    even = raw[0::2].count(0)
    odd = raw[1::2].count(0)
    candidates = []
    if odd >= _UTF16_PARITY * (odd + even):
        candidates.append("utf-16-le")
    if even >= _UTF16_PARITY * (odd + even):
        candidates.append("utf-16-be")
    for codec in candidates if len(raw) % 2 == 0 else ():
        decoded = _strict_or_none(raw, codec, codec)
        if decoded is not None and not _is_control_heavy(decoded[0]):
            return decoded
    raise ReadError(path, "binary file, not a letter")


def _declared_charset(raw: bytes) -> str | None:
    """The codec named by an HTML ``<meta charset>`` (GB2312/GBK widened to GB18030)."""
    if b"<" not in raw[:4096]:
        return None
    match = _META_CHARSET.search(raw[:4096])
    if match is None:
        return None
    name = match.group(1).decode("ascii").lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decode_cjk_legacy(raw: bytes, path: str | Path) -> tuple[str, str]:
    """GB18030 first; Big5 when only it fits or charset-normalizer is confident."""
    gb = _strict_or_none(raw, "gb18030", "gb18030")
    big5 = next((d for c in _BIG5_FAMILY if (d := _strict_or_none(raw, c, c)) is not None), None)
    if gb is not None and big5 is None:
        return gb
    if big5 is not None and gb is None:
        return big5
    if gb is not None and big5 is not None:  # both fit: Big5 text is valid GB18030 bytes
        guess = _charset_normalizer_guess(raw, ["gb18030", *_BIG5_FAMILY])
        return big5 if guess is not None and guess[1] in _BIG5_FAMILY else gb
    guess = _charset_normalizer_guess(raw, None)
    if guess is not None and _has_chinese(guess[0]):
        return guess
    if _is_control_heavy(raw.decode("latin-1")):
        raise ReadError(path, "binary file, not a letter")
    raise ReadError(path, "unknown text encoding (not UTF-8, UTF-16, GB18030 or Big5)")


def _has_chinese(text: str, minimum: int = 4) -> bool:
    """A letter decodes to some Chinese; a guess (cp1125, latin-1 …) that yields none is wrong."""
    count = 0
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff":
            count += 1
            if count >= minimum:
                return True
    return False


def _charset_normalizer_guess(raw: bytes, only: list[str] | None) -> tuple[str, str] | None:
    """charset-normalizer's best decoding, if it has a confident one."""
    from charset_normalizer import from_bytes  # imported lazily: it is slow to import

    best = from_bytes(raw, cp_isolation=only).best()
    if best is None or best.chaos > 0.2:
        return None
    encoding = codecs.lookup(best.encoding).name
    try:
        return raw.decode(encoding), encoding
    except UnicodeDecodeError:
        return None


def _is_control_heavy(text: str, utf8: bytes | None = None) -> bool:
    """More than 1% C0 control characters (tab, newlines and form feed excepted).

    ``utf8``: the UTF-8 bytes ``text`` was decoded from (line breaks aside), whose control
    characters are single bytes below 0x80 that no other character's bytes contain:
    counted there at C speed.
    """
    if "\x00" in text:
        return True
    if utf8 is not None:
        count = len(utf8.translate(None, _NOT_CONTROL_BYTES))
    else:
        count = len(_CONTROL.findall(text))
    return count * 100 > len(text)


_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not _CONTROL.match(chr(b)))


# --------------------------------------------------------------------------- HTML

#: Known article containers of Chinese government sites, most specific first.
CONTENT_SELECTORS = (
    "#zoom",
    ".TRS_Editor",
    "#UCAP-CONTENT",
    ".xxgk_content",
    ".article-content",
    ".article_content",
    ".main-text",
    ".pages_content",
    "#content",
    ".content",
    "article",
    ".article",
)
_MIN_CONTAINER_CJK = 20
_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
    "canvas", "link", "meta", "head",
)  # fmt: skip
_PAGE_CHROME_TAGS = ("nav", "header", "footer", "aside", "form", "button", "select", "input")
_INNER_CHROME_TAGS = ("nav", "aside", "form", "button", "select", "input", "textarea")
_CHROME_TOKENS = frozenset(
    "nav navbar menu breadcrumb crumb crumbs share bdshare print sidebar toolbar topbar "
    "footer copyright search login position dqwz".split()
)
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd div dl dt fieldset figcaption "
    "figure footer h1 h2 h3 h4 h5 h6 header hr li main ol p pre section table tbody tfoot "
    "thead tr ul".split()
)
_CANDIDATE_TAGS = frozenset("div section article main td table body".split())
_TITLE_SELECTORS = "h1, h2, .title, .article-title, .article_title, #title, .xxgk_title"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_SPACES = re.compile(r"[ \t\n\r\f]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
_BLOCK = "\x00"  # "a block starts or ends here"; decode_text rejects text with NUL
_BLOCK_BREAK = re.compile(r"\s*\x00[\s\x00]*")  # one line break per block boundary


def _html_text(markup: str) -> str:
    """The article body of an HTML page as lines of text (no chrome, scripts, styles)."""
    from selectolax.lexbor import LexborHTMLParser  # lazily: only HTML needs it

    tree = LexborHTMLParser(markup)
    _remove(tree.css(", ".join(_DROP_TAGS)))
    root = tree.body or tree.root
    if root is None:
        return ""
    container = _known_container(tree)
    if container is None:
        _strip_chrome(root, _PAGE_CHROME_TAGS)
        container = _densest_container(root)
    title = _title_for(container)
    _strip_chrome(container, _INNER_CHROME_TAGS)
    text = _render(container)
    if title and title not in text[: len(title) + 200]:
        text = f"{title}\n{text}"
    return text


def _cjk_count(text: str) -> int:
    return len(_CJK.findall(text))


def _remove(nodes: list[Any]) -> None:
    """Decompose ``nodes``, outermost only: a freed parent must not be touched again."""
    doomed = {node.mem_id for node in nodes}
    outermost = []
    for node in nodes:
        parent = node.parent
        while parent is not None and parent.mem_id not in doomed:
            parent = parent.parent
        if parent is None:
            outermost.append(node)
    for node in outermost:
        node.decompose()


def _known_container(tree: Any) -> Any | None:
    """The richest match of the first known content selector that has real text."""
    for selector in CONTENT_SELECTORS:
        found = [(n, _cjk_count(n.text(deep=True))) for n in tree.css(selector)]
        found = [(n, c) for n, c in found if c >= _MIN_CONTAINER_CJK]
        if found:
            return max(found, key=lambda item: item[1])[0]
    return None


def _densest_container(root: Any) -> Any:
    """The deepest block holding ≥70% of the page's Chinese text outside links."""
    totals: dict[int, int] = {}
    nodes: dict[int, tuple[Any, int]] = {}  # mem_id -> (node, depth)
    path: list[int | None] = []  # candidate ids of the current node's ancestors
    stack: list[tuple[Any, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, in_link = stack.pop()
        del path[depth:]
        if node.tag == "-text":
            n = 0 if in_link else _cjk_count(node.text_content or "")
            for key in path if n else ():
                if key is not None:
                    totals[key] += n
            continue
        key = node.mem_id if node.tag in _CANDIDATE_TAGS or depth == 0 else None
        if key is not None:
            totals.setdefault(key, 0)
            nodes[key] = (node, depth)
        path.append(key)
        link = in_link or node.tag == "a"
        stack.extend((child, depth + 1, link) for child in reversed(list(_children(node))))
    threshold = 0.7 * totals[root.mem_id]
    best, best_depth = root, 0
    for key, (node, depth) in nodes.items():
        if totals[key] >= threshold and depth > best_depth:
            best, best_depth = node, depth
    return best


def _children(node: Any) -> Iterator[Any]:
    child = node.child
    while child is not None:
        yield child
        child = child.next


def _is_chrome(node: Any) -> bool:
    """Navigation-like by class/id tokens: ``class="top-nav"`` → ``{"top", "nav"}``."""
    attrs = node.attributes
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()
    return not _CHROME_TOKENS.isdisjoint(re.split(r"[\s_-]+", names))


def _strip_chrome(container: Any, tags: tuple[str, ...]) -> None:
    """Remove navigation-like descendants of ``container`` (never the container itself,
    and never an element holding most of its Chinese text: a mis-named wrapper)."""
    _remove(container.css(", ".join(tags)))
    total = _cjk_count(container.text(deep=True))
    chrome = [
        node
        for node in container.css("[class], [id]")
        if node.mem_id != container.mem_id
        and _is_chrome(node)
        and _cjk_count(node.text(deep=True)) * 2 <= total
    ]
    _remove(chrome)


def _title_for(container: Any) -> str | None:
    """A heading just before the container (e.g. ``h1`` above ``#zoom``), if any."""
    if container.css_first("h1, h2"):
        return None
    ancestor = container.parent
    for _ in range(3):
        if ancestor is None or ancestor.tag in ("body", "html"):
            return None
        for heading in ancestor.css(_TITLE_SELECTORS):
            title = _SPACES.sub(" ", heading.text(deep=True)).strip()
            if 5 <= _cjk_count(title) and len(title) <= 200 and not _is_chrome(heading):
                return title
        ancestor = ancestor.parent
    return None


def _render(container: Any) -> str:
    """Text of ``container``: blocks and ``<br>`` break lines, table cells join with |."""
    out: list[str] = []
    _render_into(container, out)
    joined = _BLOCK_BREAK.sub("\n", "".join(out))
    lines = [line.strip() for line in joined.split("\n")]
    text = "\n".join(lines).strip("\n")
    return _BLANK_RUNS.sub("\n\n", text)


def _render_into(container: Any, out: list[str]) -> None:
    """Append the text of ``container``'s descendants to ``out`` (iteratively, so deep
    markup cannot overflow the stack). Open table cells collect text in own buffers."""
    stack = [(child, False) for child in reversed(list(_children(container)))]
    buffers: list[list[str]] = [out]
    row_cells: list[int] = [0]  # cells emitted so far in each open table row
    pre_depth = 0
    while stack:
        node, leaving = stack.pop()
        tag = node.tag
        if leaving:
            if tag in ("td", "th"):
                cell = buffers.pop()
                _emit_cell(cell, buffers[-1], row_cells)
            elif tag == "tr":
                row_cells.pop()
            elif tag == "pre":
                pre_depth -= 1
            if tag in _BLOCK_TAGS:
                buffers[-1].append(_BLOCK)
        elif tag == "-text":
            raw = node.text_content or ""
            buffers[-1].append(raw if pre_depth else _SPACES.sub(" ", raw))
        elif tag == "br":
            buffers[-1].append("\n")
        elif tag and not tag.startswith("-"):  # skip comments and doctypes
            if tag in _BLOCK_TAGS:
                buffers[-1].append(_BLOCK)
            if tag == "tr":
                row_cells.append(0)
            elif tag in ("td", "th"):
                buffers.append([])
            elif tag == "pre":
                pre_depth += 1
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(list(_children(node))))


def _emit_cell(cell: list[str], parent: list[str], row_cells: list[int]) -> None:
    """Short cells join their row with `` | ``; long ones (layout tables) stay blocks."""
    joined = _BLOCK_BREAK.sub("\n", "".join(cell))
    lines = [line.strip() for line in joined.split("\n") if line.strip()]
    if len(lines) > 2:
        parent.append("\n" + "\n".join(lines) + "\n")
        row_cells[-1] = 0
        return
    if not lines:
        return
    if row_cells[-1] > 0:
        parent.append(" | ")
    parent.append(" ".join(lines))
    row_cells[-1] += 1


# --------------------------------------------------------------------------- DOCX


def _docx_text(raw: bytes, path: str | Path) -> str:
    """Paragraphs as lines, tables row by row (cells joined by `` | ``), in body order.

    python-docx parses with ``resolve_entities=False`` (lxml, no network), so external
    entities are never expanded. Headers, footers, text boxes and comments are skipped.
    """
    import docx  # python-docx, lazily: only DOCX needs it
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(raw))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_docx_table_rows(block))
            else:
                lines.append(block.text)
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors, ...
        raise ReadError(path, f"damaged DOCX ({_describe(exc)})") from None
    text = "\n".join(lines)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _docx_table_rows(table: Any) -> Iterator[str]:
    for row in table.rows:
        texts: list[str] = []
        last = None
        for cell in row.cells:
            if cell._tc is last:  # a merged cell repeats for every grid column it spans
                continue
            last = cell._tc
            texts.append(" ".join(cell.text.split()))
        yield " | ".join(texts)


# --------------------------------------------------------------------------- PDF

_CID_GLYPH = re.compile(r"\(cid:\d+\)")


def _root_cause(exc: BaseException) -> BaseException:
    """Unwrap pdfplumber's ``PdfminerException(inner)`` to the inner exception."""
    while exc.args and isinstance(exc.args[0], BaseException):
        exc = exc.args[0]
    return exc


def _describe(exc: BaseException) -> str:
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


_SENTENCE_END = tuple("。！？；：:!?;")


def _reflowed_page(page: Any) -> str:
    """A page's lines, with lines that the layout wrapped at the right margin joined again.

    A PDF breaks a paragraph wherever the page ends a line; a line that reaches the right
    margin (within about two characters) and does not end a sentence continues on the next.
    """
    lines = page.extract_text_lines(return_chars=False) or []
    if not lines:
        return page.extract_text() or ""
    right = max(line["x1"] for line in lines)
    out: list[str] = []
    joined = False
    for line in lines:
        text = line["text"]
        out.append(text if joined or not out else "\n" + text)
        width = (line["x1"] - line["x0"]) / max(len(text), 1)
        joined = line["x1"] >= right - 2 * width and not text.rstrip().endswith(_SENTENCE_END)
    return "".join(out)


def _pdf_text(raw: bytes, path: str | Path) -> str:
    """Page texts (pdfplumber) joined with ``\\n``; ReadError if there is no text layer."""
    import pdfplumber  # lazily: slow to import, only PDFs need it
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        with warnings.catch_warnings():
            # pdfminer warns about harmless oddities of real-world PDFs; they are not ours
            warnings.simplefilter("ignore")
            with pdfplumber.open(io.BytesIO(raw)) as pdf:
                pages = [_reflowed_page(page) for page in pdf.pages]
    except Exception as exc:  # pdfminer raises many types; pdfplumber wraps some of them
        cause = _root_cause(exc)
        if isinstance(cause, PDFPasswordIncorrect):
            raise ReadError(path, "PDF is encrypted (password required)") from None
        raise ReadError(path, f"damaged PDF ({_describe(cause)})") from None
    text = "\n".join(pages).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReadError(path, "PDF has no text layer (scanned image?); OCR it first")
    if len(_CID_GLYPH.sub("", text).strip()) * 2 < len(text.strip()):
        raise ReadError(path, "PDF text layer has no Unicode mapping (cid glyphs); OCR it first")
    return text
