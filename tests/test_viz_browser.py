"""viz in a real browser: headless Debian Chromium with the network cut off.

Every request the page makes is recorded and aborted unless it is the page file itself.
Screenshots go to ``tmp_path``; with ``POLICYKG_UPDATE_DOCS=1`` they are also copied to
``docs/graph.png`` and ``docs/focus.png``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from test_viz import EVIL, evil_store, graph_counts

from policykg import viz
from policykg.store import Store

CHROMIUM = Path("/usr/bin/chromium")
DOCS = Path(__file__).resolve().parents[1] / "docs"
SHENFU = "深府规〔2020〕1号"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian chromium at /usr/bin/chromium (apt install chromium)",
    ),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright Python package")


@dataclass
class Page:
    """A page opened offline, with what it asked for and what it complained about."""

    page: object
    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: object = None) -> object:
        return self.page.evaluate(expression, arg)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def open_page(browser):
    """Open an HTML file offline; wait until the layout is stable and physics is off."""
    contexts = []

    def _open(path: Path) -> Page:
        context = browser.new_context(
            viewport={"width": 1400, "height": 900}, device_scale_factor=1
        )
        contexts.append(context)
        page = context.new_page()
        opened = Page(page, path.resolve().as_uri())
        page.on("request", lambda r: opened.requests.append(r.url))
        page.on("console", lambda m: m.type == "error" and opened.errors.append(m.text))
        page.on("pageerror", lambda e: opened.errors.append(str(e)))
        page.route(
            "**/*",
            lambda route: route.continue_() if route.request.url == opened.url else route.abort(),
        )
        page.goto(opened.url)
        # the page's CSP forbids eval, so wait on a DOM attribute rather than a JS predicate
        page.wait_for_selector("body[data-stabilized]", state="attached", timeout=60_000)
        return opened

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def seed_html(seed_build):
    return seed_build[0] / "graph.html"


def node_position(p: Page, node_id: str) -> dict[str, float]:
    """Where a node is on the page, in CSS pixels."""
    return p.js(  # type: ignore[return-value]
        """id => { const v = window.policykgViz, at = v.network.canvasToDOM(v.network.getPositions([id])[id]);
                   const box = v.network.body.container.getBoundingClientRect();
                   return {x: box.left + at.x, y: box.top + at.y}; }""",
        node_id,
    )


def hover_tooltip(p: Page, node_id: str) -> str:
    """Move the mouse onto a node and return its tooltip's text (the tooltip ends with the IRI)."""
    at = node_position(p, node_id)
    p.page.mouse.move(at["x"] - 40, at["y"] - 40)  # type: ignore[attr-defined]
    p.page.mouse.move(at["x"], at["y"], steps=4)  # type: ignore[attr-defined]
    p.page.mouse.move(at["x"] + 1, at["y"])  # type: ignore[attr-defined]
    tip = p.page.locator("div.vis-tooltip", has_text=node_id)  # type: ignore[attr-defined]
    tip.wait_for(state="visible", timeout=5_000)
    return tip.text_content()


def search(p: Page, text: str) -> str | None:
    """Type into the search box and press Enter; return the selected node id once focused."""
    p.page.fill("#pkg-query", text)  # type: ignore[attr-defined]
    p.page.press("#pkg-query", "Enter")  # type: ignore[attr-defined]
    # the page marks the end of the focus animation (the CSP forbids polling with eval)
    p.page.wait_for_selector("body[data-focused]", state="attached", timeout=10_000)  # type: ignore[attr-defined]
    selected = p.js("window.policykgViz.network.getSelectedNodes()")
    return selected[0] if selected else None  # type: ignore[index]


def dark_pixels_below(p: Page, node_id: str) -> int:
    """Dark pixels in the strip under a node, where vis draws its label."""
    return p.js(  # type: ignore[return-value]
        """id => { const v = window.policykgViz, at = v.network.canvasToDOM(v.network.getPositions([id])[id]);
                   const canvas = v.network.body.container.querySelector('canvas');
                   const ctx = canvas.getContext('2d'), r = window.devicePixelRatio;
                   const data = ctx.getImageData((at.x - 90) * r, (at.y + 8) * r, 180 * r, 40 * r).data;
                   let dark = 0;
                   for (let i = 0; i < data.length; i += 4) {
                     if (data[i + 3] > 200 && data[i] + data[i + 1] + data[i + 2] < 300) dark++;
                   }
                   return dark; }""",
        node_id,
    )


def save_screenshot(p: Page, tmp_path: Path, name: str) -> Path:
    shot = tmp_path / name
    p.page.screenshot(path=str(shot))  # type: ignore[attr-defined]
    assert shot.stat().st_size > 20_000  # a blank page compresses to almost nothing
    if os.environ.get("POLICYKG_UPDATE_DOCS") == "1":
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(shot, DOCS / name)
    return shot


# ------------------------------------------------------------------------------ the seed graph


def test_seed_page_is_offline_error_free_and_complete(open_page, seed_build, seed_html, tmp_path):
    p = open_page(seed_html)
    expected = graph_counts(Store(str(seed_build[0] / "store"), read_only=True))
    assert p.errors == []
    assert p.requests == [p.url]  # nothing but the file itself, not even a favicon
    assert p.js("[window.policykgViz.nodes.length, window.policykgViz.edges.length]") == list(
        expected
    )
    assert p.js("window.policykgViz.network.physics.physicsEnabled") is False
    assert p.js("document.getElementById('pkg-legend').innerText").count("政策文件") == 1
    p.js("window.policykgViz.network.fit()")
    p.page.wait_for_timeout(200)  # type: ignore[attr-defined]
    save_screenshot(p, tmp_path, "graph.png")


def test_search_finds_selects_and_focuses_a_document_and_its_tooltip_shows_the_source(
    open_page, seed_html
):
    p = open_page(seed_html)
    node_id = search(p, SHENFU)
    assert node_id and "/document/" in node_id
    assert p.js("id => window.policykgViz.nodes.get(id).label", node_id) == SHENFU
    assert SHENFU in p.page.text_content("#pkg-status")  # type: ignore[attr-defined]
    at = node_position(p, node_id)
    assert 215 < at["x"] < 1400 and 50 < at["y"] < 900  # focused: on screen, right of the legend
    text = hover_tooltip(p, node_id)
    assert "政策文件" in text and "深圳市人民政府" in text
    assert f"（{SHENFU}，下称《若干措施》）" in text  # its source sentence
    assert p.errors == []


def test_chinese_labels_render_with_a_cjk_font(open_page, seed_html):
    p = open_page(seed_html)
    assert p.js("document.fonts.check('16px \"Noto Sans CJK SC\"', '深府规')") is True
    node_id = search(p, SHENFU)
    assert dark_pixels_below(p, node_id) > 100  # the label 深府规〔2020〕1号 is drawn
    width = p.js("""() => { const c = document.createElement('canvas').getContext('2d');
                            c.font = '14px "Noto Sans CJK SC"'; return c.measureText('深府规').width; }""")
    assert width > 30  # three full-width glyphs, not three empty boxes of zero width
    assert p.js("document.querySelector('.pkg-class-name').getBoundingClientRect().width") > 10


def test_type_filter_hides_and_shows_a_class(open_page, seed_html):
    p = open_page(seed_html)
    p.page.uncheck("input[data-cls=PolicyDocument]")  # type: ignore[attr-defined]
    hidden = p.js("window.policykgViz.nodes.get({filter: n => n.hidden}).map(n => n.cls)")
    assert hidden and set(hidden) == {"PolicyDocument"}  # type: ignore[arg-type]
    assert p.js("window.policykgViz.edges.get({filter: e => e.hidden}).length") > 0
    assert "显示" in p.page.text_content("#pkg-stats")  # type: ignore[attr-defined]
    assert search(p, SHENFU)  # searching a hidden type shows it again
    assert p.page.is_checked("input[data-cls=PolicyDocument]")  # type: ignore[attr-defined]
    assert p.errors == []


def test_focus_view(open_page, seed_build, tmp_path):
    path = tmp_path / "focus.html"
    viz.write_viz(path, str(seed_build[0] / "store"), focus="20210208", depth=2)
    p = open_page(path)
    assert p.errors == [] and p.requests == [p.url]
    selected = p.js("window.policykgViz.network.getSelectedNodes()")
    assert len(selected) == 1 and "/proposal/" in selected[0]  # type: ignore[index,arg-type]
    assert "焦点：20210208" in p.page.text_content("#pkg-notes")  # type: ignore[attr-defined]
    save_screenshot(p, tmp_path, "focus.png")


# ------------------------------------------------------------------------------ hostile text


def test_markup_in_the_data_shows_as_text_and_runs_nothing(open_page, tmp_path):
    path = tmp_path / "evil.html"
    viz.write_viz(path, evil_store())
    p = open_page(path)
    node_id = search(p, "深府规〔2099〕9号")
    assert node_id
    text = hover_tooltip(p, node_id)
    assert EVIL in text and "原文<img src=x onerror=window.__pwned=5>见" in text
    p.page.wait_for_timeout(300)  # type: ignore[attr-defined]
    assert p.js("typeof window.__pwned") == "undefined"
    assert p.js("document.querySelectorAll('img, a[href], iframe').length") == 0
    assert p.js("document.scripts.length") == 3  # the data island and the two inlined scripts
    assert p.errors == [] and p.requests == [p.url]


def test_an_empty_graph_says_so(open_page, tmp_path):
    path = tmp_path / "empty.html"
    viz.write_graph_html(Store("memory"), path)
    p = open_page(path)
    assert p.js("window.policykgViz.nodes.length") == 0 and p.errors == []
    assert "图中没有实体" in p.page.text_content("#pkg-notes")  # type: ignore[attr-defined]


def test_a_single_entity_stabilises(open_page, tmp_path):
    store = Store("memory")
    store.update(
        "INSERT DATA { GRAPH <https://w3id.org/policykg/id/graph/a> { "
        "<https://w3id.org/policykg/id/agency/a> a <https://w3id.org/policykg/ontology#Agency> ; "
        '<http://www.w3.org/2000/01/rdf-schema#label> "深圳市人民政府"@zh } }'
    )
    path = tmp_path / "one.html"
    viz.write_viz(path, store)
    p = open_page(path)
    assert p.js("window.policykgViz.nodes.length") == 1 and p.requests == [p.url] and p.errors == []
