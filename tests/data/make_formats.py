"""(Re)generate the reader fixtures in ``tests/data/formats/`` from one seed letter.

Run from the repository root::

    python tests/data/make_formats.py

Needs python-docx, fpdf2, Pillow and fontTools (fpdf2 depends on the last two) and the
Debian package fonts-noto-cjk. ``tests/data/README.md`` describes every output file.

Why the font dance: fpdf2 2.8 embeds the CFF-based Noto Sans CJK collection but writes a
ToUnicode map with only two entries, so the PDF's text layer extracts as nothing. We
therefore subset Noto Sans CJK SC to the letter's characters and convert its CFF outlines
to TrueType outlines (fontTools cu2qu) in a temporary file, which fpdf2 embeds correctly.
"""

from __future__ import annotations

import html
import io
import random
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "letters" / "000_42c7ff2b028ad38b.txt"
OUT = Path(__file__).resolve().parent / "formats"
CJK_TTC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_SC_INDEX = 2  # face 2 of the collection is "Noto Sans CJK SC"
FIXED_TIME = datetime(2021, 8, 20, 9, 30, tzinfo=UTC)


def seed_text() -> str:
    """The seed letter exactly as stored (UTF-8, LF line endings)."""
    return SEED.read_text(encoding="utf-8")


def write_text_variants(text: str) -> None:
    """Plain-text copies of the letter in every encoding the reader must detect."""
    (OUT / "letter.txt").write_bytes(text.encode("utf-8"))
    (OUT / "letter.utf8-bom.txt").write_bytes(text.encode("utf-8-sig"))
    (OUT / "letter.crlf.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    (OUT / "letter.utf16le-bom.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    (OUT / "letter.utf16be-nobom.txt").write_bytes(text.encode("utf-16-be"))
    (OUT / "letter.gbk.txt").write_bytes(text.encode("gbk"))
    # A GBK text file saved under an .html name (no markup at all).
    (OUT / "letter.gbk.html").write_bytes(text.encode("gbk"))


def _paragraphs(text: str) -> tuple[str, list[str], list[str], list[str]]:
    """Split the letter into title, body paragraphs, signature lines and trailer lines."""
    lines = [line.strip() for line in text.splitlines()]
    title = lines[0]
    rest = [line for line in lines[1:] if line]
    sign_at = rest.index("深圳市工业和信息化局")
    body = rest[:sign_at]
    signature = rest[sign_at : sign_at + 2]  # agency, date
    trailer = rest[sign_at + 2 :]  # 公开方式, 抄送
    return title, body, signature, trailer


def government_page(text: str, charset: str = "utf-8") -> str:
    """A realistic government article page with the letter in ``div#zoom``."""
    title, body, signature, trailer = _paragraphs(text)
    esc = html.escape
    paras = "\n".join(f"        <p>{esc(p)}</p>" for p in body)
    sign = "<br>\n          ".join(esc(s) for s in signature)
    tail = "\n".join(f"        <p>{esc(p)}</p>" for p in trailer)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="{charset}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="ArticleTitle" content="{esc(title)}">
  <title>{esc(title)}-深圳市工业和信息化局网站</title>
  <link rel="stylesheet" href="/css/common.css">
  <style>
    body {{ font-family: "Microsoft YaHei", sans-serif; }}
    .nav li {{ display: inline-block; }} /* 导航栏样式 */
  </style>
  <script src="/js/jquery.min.js"></script>
  <script>
    var _hmt = _hmt || [];
    document.title = "统计代码 首页";
  </script>
</head>
<body>
  <div class="top-bar">
    <span>您好，欢迎访问深圳市工业和信息化局网站！</span>
    <a href="/wza/">无障碍浏览</a> | <a href="/zhzx/">长者模式</a> | <a href="/login">登录</a>
  </div>
  <div class="header">
    <div class="logo"><a href="/"><img src="/images/logo.png" alt="深圳市工业和信息化局"></a></div>
    <div class="search">
      <form action="/search" method="get">
        <input type="text" name="q" placeholder="请输入关键词">
        <button type="submit">搜索</button>
      </form>
    </div>
  </div>
  <div class="nav">
    <ul>
      <li><a href="/">首页</a></li>
      <li><a href="/xxgk/">政务公开</a></li>
      <li><a href="/zwfw/">政务服务</a></li>
      <li><a href="/hdjl/">互动交流</a></li>
      <li><a href="/ztzl/">专题专栏</a></li>
    </ul>
  </div>
  <div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政务公开</a> &gt; <a href="/xxgk/jytabl/">建议提案办理</a></div>
  <div class="main clearfix">
    <div class="sidebar">
      <h3>建议提案办理</h3>
      <ul>
        <li><a href="/xxgk/jytabl/rddbjy/">人大代表建议答复</a></li>
        <li><a href="/xxgk/jytabl/zxwyta/">政协委员提案答复</a></li>
        <li><a href="/xxgk/jytabl/ndgz/">年度工作总结</a></li>
      </ul>
      <div class="hot">
        <h3>热点专题</h3>
        <p><a href="/ztzl/yhyshj/">优化营商环境专题</a></p>
        <p>服务热线：0755-12345（工作日 9:00-18:00）</p>
      </div>
    </div>
    <div class="article">
      <h1 class="article-title">{esc(title)}</h1>
      <div class="article-info">
        发布时间：2021-08-20 09:30&nbsp;&nbsp;来源：深圳市工业和信息化局&nbsp;&nbsp;
        字号：<a href="javascript:;">大</a> <a href="javascript:;">中</a> <a href="javascript:;">小</a>
      </div>
      <div id="zoom" class="TRS_Editor">
{paras}
        <p style="text-align: right;">
          {sign}
        </p>
{tail}
      </div>
      <div class="share">分享到：<a href="javascript:;">微信</a> <a href="javascript:;">微博</a></div>
      <div class="print"><a href="javascript:window.print();">【打印本页】</a> <a href="javascript:window.close();">【关闭窗口】</a></div>
    </div>
  </div>
  <div class="footer">
    <p>主办单位：深圳市工业和信息化局&nbsp;&nbsp;版权所有&copy;2021</p>
    <p>地址：深圳市福田区福中三路市民中心&nbsp;&nbsp;网站标识码：4403000012&nbsp;&nbsp;粤ICP备41003654号</p>
    <script>document.write("访问量统计");</script>
  </div>
</body>
</html>
"""


def write_html(text: str) -> None:
    """The page in UTF-8, and the same page in GBK declaring ``charset=gb2312``."""
    (OUT / "page.html").write_bytes(government_page(text, "utf-8").encode("utf-8"))
    (OUT / "page.gb2312.html").write_bytes(government_page(text, "gb2312").encode("gbk"))


def write_docx(text: str) -> None:
    """A Word document with one paragraph per line of the letter."""
    import docx  # python-docx

    document = docx.Document()
    for line in text.rstrip("\n").split("\n"):
        document.add_paragraph(line)
    props = document.core_properties
    props.author = "policykg test fixture"
    props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
    buffer = io.BytesIO()
    document.save(buffer)
    (OUT / "letter.docx").write_bytes(_fixed_zip_times(buffer.getvalue()))


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry timestamps so regeneration is byte-stable."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def cjk_truetype_font(text: str, target: Path) -> Path:
    """Subset Noto Sans CJK SC to ``text`` and convert it to TrueType outlines."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.subset import Options, Subsetter
    from fontTools.ttLib import TTCollection, newTable

    font = TTCollection(str(CJK_TTC)).fonts[CJK_SC_INDEX]
    options = Options()
    options.desubroutinize = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.layout_features = []
    subsetter = Subsetter(options)
    subsetter.populate(text=text + " ")
    subsetter.subset(font)

    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = font.getGlyphOrder()
    glyf.glyphs = {}
    for name in glyf.glyphOrder:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
        "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
        "maxComponentElements",
    ):  # fmt: skip
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcTimestamp = False  # keep head.modified, so the PDF is byte-stable
    font.save(str(target))
    return target


def write_pdf(text: str, font_file: Path) -> None:
    """A PDF with a real (CJK) text layer: one ``multi_cell`` per line, wrapped."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_TIME)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    pdf.add_font("NotoSansSC", "", str(font_file))
    pdf.set_font("NotoSansSC", size=11)
    for line in text.rstrip("\n").split("\n"):
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(OUT / "letter.pdf"))


def write_scanned(text: str) -> None:
    """An image of the letter's first lines, and a PDF holding only that image."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(CJK_TTC), 28, index=CJK_SC_INDEX)
    image = Image.new("L", (1240, 300), 255)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(text.splitlines()[:3]):
        draw.text((40, 40 + 60 * row), line.strip()[:40], font=font, fill=0)
    png = io.BytesIO()
    image.save(png, format="PNG", optimize=True)
    (OUT / "scan.png").write_bytes(png.getvalue())

    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_TIME)
    pdf.add_page()
    pdf.image(io.BytesIO(png.getvalue()), x=10, y=10, w=190)
    pdf.output(str(OUT / "scanned.pdf"))


def write_bad_files(text: str) -> None:
    """Files the reader must refuse, each with its own one-line reason."""
    (OUT / "empty.txt").write_bytes(b"")
    (OUT / "blank.txt").write_bytes(" \r\n\t\n\u3000\u3000\n".encode())
    (OUT / "binary.bin").write_bytes(random.Random(20210804).randbytes(4096))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        info = zipfile.ZipInfo("letters/letter.txt", date_time=FIXED_TIME.timetuple()[:6])
        zf.writestr(info, text.encode("utf-8"))
    (OUT / "archive.zip").write_bytes(archive.getvalue())
    # Only the OLE2 compound-file signature and an empty header sector: enough for the
    # reader to recognise a legacy Office file, which is all it does with one.
    ole_signature = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    (OUT / "legacy.doc").write_bytes(ole_signature + bytes(512 - len(ole_signature)))


def main() -> None:
    """Write every fixture into ``tests/data/formats/``."""
    OUT.mkdir(parents=True, exist_ok=True)
    text = seed_text()
    write_text_variants(text)
    write_html(text)
    write_docx(text)
    with tempfile.TemporaryDirectory() as tmp:
        write_pdf(text, cjk_truetype_font(text, Path(tmp) / "NotoSansSC-subset.ttf"))
    write_scanned(text)
    write_bad_files(text)
    for path in sorted(OUT.iterdir()):
        print(f"{path.stat().st_size:>8}  {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
