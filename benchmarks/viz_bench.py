"""Benchmark: draw a 2,000-entity graph and open it in headless Chromium.

Measures, over a few runs, the time from opening the page to the end of the layout
(stabilisation, after which physics is off), and the time from a click on a node to its
selection — the page must still respond. Prints the medians. Not a test: no thresholds.

    python benchmarks/viz_bench.py                # 2,000 entities, 3 runs
    python benchmarks/viz_bench.py --nodes 1000 --runs 5
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from policykg import viz
from policykg.store import Store

POL = "https://w3id.org/policykg/ontology#"
ID = "https://w3id.org/policykg/id/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
# (class, share of the entities, label stem); relations go from the first kinds to the later ones
KINDS = [("ReplyLetter", 0.05, "答复函"), ("Proposal", 0.05, "关于促进中小企业发展的提案"),
         ("Measure", 0.25, "加大金融支持力度措施"), ("Agency", 0.2, "深圳市工业和信息化局"),
         ("PolicyDocument", 0.15, "深府规〔2020〕"), ("Fund", 0.1, "中小企业发展专项资金"),
         ("Organization", 0.2, "深圳市高新投集团有限公司")]  # fmt: skip
RELATIONS = {"ReplyLetter": ["repliesTo", "hasMeasure", "cites", "mentions", "sentBy"],
             "Proposal": ["leadAgency", "coAgency"], "Measure": ["cites", "mentions"]}  # fmt: skip
TARGET = {"repliesTo": "Proposal", "hasMeasure": "Measure", "cites": "PolicyDocument", "sentBy": "Agency",
          "leadAgency": "Agency", "coAgency": "Agency"}  # fmt: skip


def synthetic_store(n_nodes: int, seed: int = 1) -> Store:
    """A store with ``n_nodes`` entities and about 2.5 relations per entity (preferential attachment)."""
    rng = random.Random(seed)
    quads: list[ox.Quad] = []
    graph = ox.NamedNode(ID + "graph/bench")
    by_kind: dict[str, list[ox.NamedNode]] = {}
    for kind, share, stem in KINDS:
        nodes = by_kind.setdefault(kind, [])
        for i in range(max(1, round(n_nodes * share))):
            node = ox.NamedNode(f"{ID}{kind.lower()}/{i}")
            nodes.append(node)
            quads.append(
                ox.Quad(node, ox.NamedNode(LABEL), ox.Literal(f"{stem}{i}号", language="zh"), graph)
            )
            quads.append(ox.Quad(node, ox.NamedNode(TYPE), ox.NamedNode(POL + kind), graph))
    popular: list[ox.NamedNode] = []
    for kind, predicates in RELATIONS.items():
        for source in by_kind[kind]:
            for predicate in predicates:
                pool = by_kind[
                    TARGET.get(predicate, rng.choice(["Agency", "Fund", "Organization"]))
                ]
                for _ in range(rng.randint(1, 3)):
                    target = (
                        rng.choice(popular) if popular and rng.random() < 0.3 else rng.choice(pool)
                    )
                    popular.append(target)
                    quads.append(ox.Quad(source, ox.NamedNode(POL + predicate), target, graph))
    store = Store("memory")
    store.ox.bulk_extend(quads)  # type: ignore[attr-defined]
    return store


def open_once(browser, path: Path) -> tuple[float, float, float]:  # noqa: ANN001
    """(seconds to stabilisation, the page's own performance.now() at stabilisation, click→select seconds)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    url = path.resolve().as_uri()
    page.route(
        "**/*", lambda route: route.continue_() if route.request.url == url else route.abort()
    )
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("body[data-stabilized]", state="attached", timeout=300_000)
    stabilised = time.perf_counter() - start
    page_ms = page.evaluate("window.policykgViz.stabilizationMs")
    page.evaluate(
        "() => { window.policykgViz.network.on('selectNode', p => { document.body.dataset.selected = p.nodes[0]; }); }"
    )
    at = page.evaluate(
        """() => { const v = window.policykgViz, ids = v.nodes.getIds(), pos = v.network.getPositions(ids);
                   const box = v.network.body.container.getBoundingClientRect();
                   const id = ids.reduce((a, b) => (v.network.body.nodes[a].options.size >= v.network.body.nodes[b].options.size ? a : b));
                   const at = v.network.canvasToDOM(pos[id]); return {id, x: box.left + at.x, y: box.top + at.y}; }"""
    )
    start = time.perf_counter()
    page.mouse.click(at["x"], at["y"])
    page.wait_for_selector("body[data-selected]", state="attached", timeout=30_000)
    clicked = time.perf_counter() - start
    assert page.evaluate("window.policykgViz.network.getSelectedNodes()") == [at["id"]]
    context.close()
    return stabilised, page_ms / 1000, clicked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    store = synthetic_store(args.nodes)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.html"
        start = time.perf_counter()
        summary = viz.write_viz(path, store, max_nodes=args.nodes)
        render = time.perf_counter() - start
        print(f"{summary} in {render:.2f} s ({path.stat().st_size / 1e6:.1f} MB)")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            runs = [open_once(browser, path) for _ in range(args.runs)]
            browser.close()
    for i, (stab, page_s, click) in enumerate(runs, 1):
        print(
            f"run {i}: stabilised after {stab:.2f} s (page clock {page_s:.2f} s); click → selected in {click * 1000:.0f} ms"
        )
    print(
        f"median of {args.runs}: stabilisation {statistics.median(r[0] for r in runs):.2f} s, "
        f"click → selected {statistics.median(r[2] for r in runs) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
