"""Stage 1 — read: format and encoding detection, article extraction, refusals, walking.

Fixtures live in ``tests/data/formats`` (see ``tests/data/README.md``); cases that need
odd bytes or file-system tricks are built in ``tmp_path``.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policykg import read
from policykg.read import ReadError, SourceText, iter_files, normalize, read_bytes, read_file

FORMATS = Path(__file__).parent / "data" / "formats"
ORIGINAL = (FORMATS / "letter.txt").read_text(encoding="utf-8")
TITLE = "市工业和信息化局关于对市政协七届一次会议第20210208号提案答复意见的函"
KEY_LINES = (
    TITLE,
    "深工信规〔2020〕4号",
    "深圳市工业和信息化局",
    "2021年8月4日",
    "公开方式：主动公开",
)
# Page chrome of page.html: navigation, breadcrumb, sidebar, info bar, footer, scripts.
CHROME = (
    "首页",
    "当前位置",
    "政务服务",
    "无障碍浏览",
    "请输入关键词",
    "搜索",
    "热点专题",
    "服务热线",
    "发布时间",
    "字号",
    "分享到",
    "打印本页",
    "版权所有",
    "粤ICP备",
    "访问量统计",
    "_hmt",
    "font-family",
)


def _nonblank_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# --------------------------------------------------------------------------- normalize


def test_normalize_folds_full_width_and_keeps_length() -> None:
    assert normalize("（２０２０）") == "(2020)"
    assert normalize("深ｉ企\u3000Ａ\u00a0") == "深i企 A "


@given(st.text())
def test_normalize_is_same_length(text: str) -> None:
    assert len(normalize(text)) == len(text)


def test_source_text_norm_aligns_with_text() -> None:
    source = read_bytes("深工信规〔２０２０〕４号（试行）".encode())
    assert len(source.norm) == len(source.text)
    assert source.norm == "深工信规〔2020〕4号(试行)"


# --------------------------------------------------------------------------- plain text


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("letter.txt", "utf-8"),
        ("letter.utf8-bom.txt", "utf-8-sig"),
        ("letter.crlf.txt", "utf-8"),
        ("letter.utf16le-bom.txt", "utf-16"),
        ("letter.utf16be-nobom.txt", "utf-16-be"),
        ("letter.gbk.txt", "gb18030"),
        ("letter.gbk.html", "gb18030"),  # a GBK text file with an .html name
    ],
)
def test_encoded_copies_decode_to_the_original(name: str, encoding: str) -> None:
    source = read_file(FORMATS / name)
    assert source.text == ORIGINAL
    assert source.encoding == encoding
    assert source.format == "text"
    assert source.path == str(FORMATS / name)
    assert len(source.content_hash) == 64


@pytest.mark.parametrize(
    ("codec", "bom"),
    [("utf-16-le", b""), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b"\xff\xfe")],
)
def test_other_utf16_forms(tmp_path: Path, codec: str, bom: bytes) -> None:
    path = tmp_path / "letter.dat"
    path.write_bytes(bom + ORIGINAL.encode(codec))
    assert read_file(path).text == ORIGINAL


def test_line_endings_become_lf_at_decode_time() -> None:
    text = "第一行\r\n第二行\r第三行\n"
    assert read_bytes(text.encode()).text == "第一行\n第二行\n第三行\n"
    assert read_bytes(text.encode("utf-16")).text == "第一行\n第二行\n第三行\n"


def test_everything_else_is_kept_as_written() -> None:
    text = "\u3000\u3000专此答复。 \n\t（２０２０）\n\n"
    assert read_bytes(text.encode()).text == text


def test_big5_when_charset_normalizer_is_confident() -> None:
    traditional = (
        "市工業和資訊化局關於對市政協七屆一次會議第20210208號提案答復意見的函\n"
        "尊敬的劉丹寧委員：\n"
        "您在市政協七屆一次會議上提出的提案收悉。非常感謝您對中小企業發展的關心與支持，"
        "經認真研究，現答復如下：\n"
        "一、針對允許科技型企業用無形資產抵押貸款的建議\n"
        "近年來，我市立足高質量發展高地的城市戰略定位，聚焦戰略性新興產業發展，"
        "不斷完善科技金融組織體系。\n"
    )
    source = read_bytes(traditional.encode("big5"))
    assert source.text == traditional
    assert source.encoding in ("big5", "cp950", "big5hkscs")


def test_utf8_and_gbk_never_call_charset_normalizer(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object) -> None:
        raise AssertionError("charset-normalizer called on the hot path")

    monkeypatch.setattr(read, "_charset_normalizer_guess", forbidden)
    assert read_file(FORMATS / "letter.txt").text == ORIGINAL
    assert read_file(FORMATS / "letter.gbk.txt").text == ORIGINAL


def test_unclear_bytes_without_chinese_are_an_unknown_encoding() -> None:
    # cp1252 bytes that are neither UTF-8 nor GB18030 (0x80 is not a GB18030 lead byte):
    # charset-normalizer can decode them, but a guess with no Chinese in it is no letter.
    text = "Caf\u00e9 \u20ac 5 \u2014 r\u00e9ponse \u00e0 la lettre du d\u00e9put\u00e9.\n" * 5
    with pytest.raises(ReadError, match="unknown text encoding"):
        read_bytes(text.encode("cp1252"), "french.txt")


# --------------------------------------------------------------------------- HTML


@pytest.mark.parametrize(
    ("name", "encoding"), [("page.html", "utf-8"), ("page.gb2312.html", "gb18030")]
)
def test_html_page_yields_the_article_body(name: str, encoding: str) -> None:
    source = read_file(FORMATS / name)
    assert source.format == "html"
    assert source.encoding == encoding
    for line in KEY_LINES:
        assert line in source.text
    for chrome in CHROME:
        assert chrome not in ORIGINAL  # the check below would prove nothing otherwise
        assert chrome not in source.text, chrome
    # The h1 title above #zoom comes first, then every paragraph on its own line;
    # the <br> in the signature block splits agency and date.
    assert source.text.split("\n") == _nonblank_lines(ORIGINAL)


def test_html_mislabelled_charset_is_detected() -> None:
    page = f'<html><head><meta charset="utf-8"></head><body><div id="zoom"><p>{ORIGINAL}</p></div></body></html>'
    source = read_bytes(page.encode("gbk"))
    assert (source.format, source.encoding) == ("html", "gb18030")
    assert TITLE in source.text


def test_html_without_known_container_uses_text_density() -> None:
    body = "".join(f"<p>{line}</p>" for line in _nonblank_lines(ORIGINAL))
    page = (
        "<html><body>"
        '<div class="wrap"><div class="l"><ul>'
        + "".join(f'<li><a href="/{i}">栏目链接导航第{i}项</a></li>' for i in range(40))
        + '</ul></div><div class="r"><div class="x">'
        + body
        + '</div></div></div><div class="bottom">本网站由某某单位主办维护联系电话</div>'
        "</body></html>"
    )
    source = read_bytes(page.encode())
    assert source.text.split("\n") == _nonblank_lines(ORIGINAL)


def test_html_title_inside_the_body_is_not_repeated() -> None:
    page = (
        f"<!DOCTYPE html><html><body><div class='article'><h1>{TITLE}</h1>"
        f"<div id='zoom'><p>{TITLE}</p><p>尊敬的刘丹宁委员：</p><p>您的提案收悉，现答复如下。</p>"
        "</div></div></body></html>"
    )
    text = read_bytes(page.encode()).text
    assert text.count(TITLE) == 1
    assert text.startswith(TITLE)


def test_html_tables_breaks_and_entities() -> None:
    page = (
        "<!DOCTYPE html><html><body><div class='content'>"
        "<p>办理情况表&nbsp;A&amp;B &lt;内部&gt;</p>"
        "<table><tr><th>提案号</th><th>承办单位</th></tr>"
        "<tr><td>20210208</td><td><p>市工业和信息化局</p></td></tr></table>"
        "<p>深圳市工业和信息化局<br>2021年8月4日</p>"
        "<p>第一段</p>\n\n<p><br><br><br></p>\n<p>第二段</p>"
        "</div></body></html>"
    )
    text = read_bytes(page.encode()).text
    assert "办理情况表\u00a0A&B <内部>" in text
    assert "提案号 | 承办单位\n20210208 | 市工业和信息化局" in text
    assert "深圳市工业和信息化局\n2021年8月4日" in text
    assert "\n\n\n" not in text


def test_magic_numbers_quoted_in_a_letter_do_not_change_the_format() -> None:
    for text in ("附件格式：%PDF-1.4 文件\n答复如下。\n", "BZh 答复\n", "PK 答复\n"):
        assert read_bytes(text.encode()).format == "text"
    with pytest.raises(ReadError, match=r"bzip2 archive"):
        read_bytes(b"BZh91AY&SY" + bytes(30))
    # Junk before the header is allowed when the file ends like a PDF.
    pdf = (FORMATS / "letter.pdf").read_bytes()
    assert read_bytes(b"\x00junk\n" + pdf).format == "pdf"


def test_html_detection_needs_markup_not_a_stray_bracket() -> None:
    text = "关于<p>标签的说明：a < b 且 c > d。\n"
    assert read_bytes(text.encode()).format == "text"
    assert read_bytes(b"<div><p>\xe4\xb8\x80</p><p>2</p><br></div>").format == "html"


# --------------------------------------------------------------------------- DOCX


def test_docx_paragraphs_become_lines() -> None:
    source = read_file(FORMATS / "letter.docx")
    assert (source.format, source.encoding) == ("docx", "binary")
    assert source.text == ORIGINAL


def test_docx_tables_row_by_row(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("抄送情况如下：")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([("单位", "职责", "备注"), ("市政协提案委", "督办", "")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并单元格"
    merged.cell(0, 2).text = "末列"
    document.add_paragraph("公开方式：主动公开")
    path = tmp_path / "table.docx"
    document.save(str(path))
    assert read_file(path).text == (
        "抄送情况如下：\n单位 | 职责 | 备注\n市政协提案委 | 督办 | \n合并单元格 | 末列\n公开方式：主动公开"
    )


def _docx_with_body(body_xml: str) -> bytes:
    """A minimal DOCX whose document.xml has ``body_xml`` (may carry a DOCTYPE)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        zf.writestr("word/document.xml", body_xml)
    return buffer.getvalue()


def test_docx_external_entities_are_not_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>答复&xxe;</w:t></w:r></w:p></w:body></w:document>"
    )
    path = tmp_path / "xxe.docx"
    path.write_bytes(_docx_with_body(body))
    try:
        text = read_file(path).text
    except ReadError:
        return  # refusing the file is fine too
    assert "TOP-SECRET" not in text


def test_damaged_docx(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(_docx_with_body("<w:document>not closed"))
    with pytest.raises(ReadError, match=r"damaged DOCX \("):
        read_file(path)


# --------------------------------------------------------------------------- PDF


def test_pdf_text_layer() -> None:
    source = read_file(FORMATS / "letter.pdf")  # filterwarnings=error: pdfminer stays quiet
    assert (source.format, source.encoding) == ("pdf", "binary")
    assert source.text.startswith(TITLE + "\n")
    unwrapped = source.text.replace("\n", "")  # long lines wrap on the page
    for line in KEY_LINES:
        assert line in unwrapped
    assert _nonblank_lines(source.text)[-2:] == [
        "公开方式：主动公开",
        "抄送：市政协提案委、市政府督查室。",
    ]


def test_encrypted_pdf() -> None:
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "reply letter")
    pdf.set_encryption(
        owner_password="o", user_password="u", encryption_method=EncryptionMethod.RC4
    )
    with pytest.raises(ReadError, match=r": PDF is encrypted \(password required\)$"):
        read_bytes(bytes(pdf.output()))


def test_damaged_pdf() -> None:
    with pytest.raises(ReadError, match=r"^<bytes>: damaged PDF \("):
        read_bytes(b"%PDF-1.4\n1 0 obj << broken")


# --------------------------------------------------------------------------- refusals

BAD_FILES = [
    ("empty.txt", "empty file"),
    ("blank.txt", "empty file"),
    ("binary.bin", "binary file, not a letter"),
    ("scanned.pdf", "PDF has no text layer (scanned image?); OCR it first"),
    ("scan.png", "image file (PNG), not a letter; OCR it first"),
    ("archive.zip", "zip archive (not a DOCX), not a letter; unpack it first"),
    ("legacy.doc", "legacy Office file (OLE2 .doc/.xls/.ppt); save it as DOCX first"),
]


@pytest.mark.parametrize(("name", "problem"), BAD_FILES)
def test_bad_files_raise_one_line_errors(name: str, problem: str) -> None:
    path = FORMATS / name
    with pytest.raises(ReadError) as caught:
        read_file(path)
    assert str(caught.value) == f"{path}: {problem}"
    assert caught.value.problem == problem
    assert caught.value.path == str(path)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (bytes(range(1, 32)) * 20, "binary file, not a letter"),  # control-heavy, no NUL
        (b"\x7fELF\x02\x01\x01\x00" + bytes(200), "binary file, not a letter"),
        ("\u3000 \n".encode("utf-16"), "empty file"),
        (b"\xef\xbb\xbf \r\n", "empty file"),
        (b"\x1f\x8b\x08\x00" + bytes(20), "gzip archive, not a letter; unpack it first"),
        (b"\xff\xd8\xff\xe0" + bytes(20), "image file (JPEG), not a letter; OCR it first"),
    ],
)
def test_bad_bytes(data: bytes, problem: str) -> None:
    with pytest.raises(ReadError) as caught:
        read_bytes(data, "x")
    assert str(caught.value) == f"x: {problem}"


def test_xlsx_is_named(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ReadError, match=r"Excel workbook \(XLSX\), not a letter$"):
        read_bytes(buffer.getvalue())


def test_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_BYTES", 1024)
    path = tmp_path / "big.txt"
    path.write_bytes("答复".encode() * 400)  # 2400 bytes
    with pytest.raises(ReadError) as caught:
        read_file(path)
    assert caught.value.problem == "file too large (2.3 KB > 1 KB limit)"
    assert read.MAX_BYTES == 1024 and "50 MB" in read._human(50 * 1024 * 1024)


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "letter.txt"
    path.write_text("答复", encoding="utf-8")

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(read, "open", denied, raising=False)
    with pytest.raises(ReadError) as caught:
        read_file(path)
    assert str(caught.value) == f"{path}: permission denied"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_permission_denied_for_real(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text("答复", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(ReadError, match=r": permission denied$"):
        read_file(path)


def test_missing_directory_and_broken_link(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=r": no such file$"):
        read_file(tmp_path / "nope.txt")
    with pytest.raises(ReadError, match=r": is a directory$"):
        read_file(tmp_path)
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    with pytest.raises(ReadError, match=r": broken symbolic link$"):
        read_file(tmp_path / "dangling")


def test_read_error_is_one_line() -> None:
    error = ReadError("a/b.txt", "bad\nthing\r\nhere")
    assert str(error) == "a/b.txt: bad thing  here"
    assert "\n" not in str(error)


# --------------------------------------------------------------------------- iter_files


def test_iter_files_recursive_sorted_hidden_skipped(tmp_path: Path) -> None:
    (tmp_path / "b" / "deep" / "er").mkdir(parents=True)
    (tmp_path / "a").mkdir()
    (tmp_path / ".git").mkdir()
    for name in (
        "z.txt",
        "a/1.txt",
        "b/2.txt",
        "b/deep/er/3.txt",
        ".hidden.txt",
        "b/~$lock.docx",
        ".git/x",
    ):
        (tmp_path / name).write_text("答复", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path])]
    assert found == ["a/1.txt", "b/2.txt", "b/deep/er/3.txt", "z.txt"]
    # A hidden file named explicitly is still read; repeated paths come out once.
    explicit = list(iter_files([tmp_path / ".hidden.txt", tmp_path / "a", tmp_path / "a/1.txt"]))
    assert explicit == [tmp_path / ".hidden.txt", tmp_path / "a" / "1.txt"]


def test_iter_files_survives_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "letter.txt").write_text("答复", encoding="utf-8")
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)  # loop
    (tmp_path / "self").symlink_to(tmp_path / "self")  # ELOOP on every access
    found = list(iter_files([tmp_path]))
    assert found == [tmp_path / "self", tmp_path / "sub" / "letter.txt"]
    with pytest.raises(ReadError, match=r"self: symbolic link loop$"):
        read_file(tmp_path / "self")


def test_iter_files_passes_plain_files_and_missing_paths_through(tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    assert list(iter_files([missing, str(FORMATS / "letter.txt")])) == [
        missing,
        FORMATS / "letter.txt",
    ]


def test_every_fixture_is_handled() -> None:
    """Every file in formats/ either reads or raises ReadError — nothing else escapes."""
    outcomes: dict[str, str] = {}
    for path in iter_files([FORMATS]):
        try:
            outcomes[path.name] = read_file(path).format
        except ReadError:
            outcomes[path.name] = "error"
    assert outcomes["letter.pdf"] == "pdf" and outcomes["page.html"] == "html"
    assert sorted(n for n, o in outcomes.items() if o == "error") == sorted(n for n, _ in BAD_FILES)


def test_source_text_fields() -> None:
    source = read_bytes(b"\xe7\xad\x94\xe5\xa4\x8d\n", "mem")
    assert source == SourceText("mem", "答复\n", "utf-8", "text", source.content_hash)
