"""The flowchart as a person sees it: every question and outcome drawn, no label over another label or a box.

Mermaid draws the diagram (through Material, in a closed shadow root that the
test opens) in Chromium under the published nginx and CSP. The boxes of what
it drew are measured: each node's text inside its shape, no two labels
overlapping, no answer's label over a node. A screenshot of the whole diagram
is written for a person to look at (`FLOWCHART_SCREENSHOT=path.png` keeps it).
Mermaid 11.12.3 fails this test (three overlaps on this tree); 12 passes.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import OPEN_SHADOW_ROOTS, assert_clean, watched_page
from engine_helpers import engine

pytestmark = pytest.mark.browser
READY = 60_000
MEASURE = """() => {
  const root = document.querySelector('.mermaid').shadowRoot;
  const box = (e) => { const r = e.getBoundingClientRect();
    return {x: r.x, y: r.y, w: r.width, h: r.height, text: (e.textContent || '').replace(/\\s+/g, ' ').trim()}; };
  return {
    nodes: [...root.querySelectorAll('g.node')].map((n) => ({shape: box(n), label: box(n.querySelector('.label') || n)})),
    labels: [...root.querySelectorAll('g.edgeLabel')].map(box).filter((b) => b.w > 1 && b.h > 1),
  };
}"""
# Shows the whole diagram for the screenshot (the page scrolls it inside a region of the content's width).
UNCLIP = (".md-grid{max-width:none!important}.md-header{position:static!important}"
          ".kb-flowchart,.md-main__inner,.md-content,.md-content__inner{overflow:visible!important}")


def _overlap(a: dict, b: dict, margin: float = 1.0) -> bool:
    return (min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > margin
            and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > margin)


def _inside(inner: dict, outer: dict, slack: float = 1.0) -> bool:
    return (inner["x"] >= outer["x"] - slack and inner["y"] >= outer["y"] - slack
            and inner["x"] + inner["w"] <= outer["x"] + outer["w"] + slack and inner["y"] + inner["h"] <= outer["y"] + outer["h"] + slack)


def test_the_flowchart_is_drawn_with_no_label_over_another_or_over_a_box(browser, site_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    g = engine().g
    with watched_page(browser, site_url, viewport={"width": 1400, "height": 1000}) as page:
        page.context.add_init_script(OPEN_SHADOW_ROOTS)
        page.goto("fluxograma/")
        page.wait_for_function("document.querySelector('.mermaid')?.shadowRoot?.querySelector('svg g.node')", timeout=READY)
        page.wait_for_timeout(500)  # Material draws once; fonts and layout settle
        drawn = page.evaluate(MEASURE)
        nodes, labels = drawn["nodes"], drawn["labels"]
        assert len(nodes) == len(g.questions) + len(g.outcomes)
        edges = sum(len(q.options) for q in g.questions.values())
        assert len(labels) == edges, "every answer's arrow has its label"

        clipped = [n["label"]["text"] for n in nodes if not _inside(n["label"], n["shape"])]
        assert not clipped, f"text outside its box: {clipped}"
        boxes = [n["shape"] for n in nodes]
        problems = [f"{a['text'][:50]!r} over {b['text'][:50]!r}" for i, a in enumerate(labels) for b in labels[i + 1:] if _overlap(a, b)]
        problems += [f"{a['text'][:50]!r} over the box {b['text'][:50]!r}" for a in labels for b in boxes if _overlap(a, b)]
        problems += [f"the box {a['text'][:50]!r} over {b['text'][:50]!r}"
                     for i, a in enumerate(boxes) for b in boxes[i + 1:] if _overlap(a, b)]
        assert not problems, "labels that cannot be read:\n" + "\n".join(problems)

        page.add_style_tag(content=UNCLIP)
        shot = Path(os.environ.get("FLOWCHART_SCREENSHOT") or tmp_path / "fluxograma.png")
        page.locator(".mermaid svg").screenshot(path=str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
        assert_clean(page)
