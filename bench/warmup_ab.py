"""Restored engine vs normal start, answer by answer, in one browser session: is the warm-up enough?

    .venv/bin/python bench/warmup_ab.py http://127.0.0.1:8000/ [WAIT_MS]

Serve a built site first (`make serve`, or any server of `site/`). Alternates
a wizard started from the snapshot and one started with `?snapshot=never`
(4 rounds), waits WAIT_MS (default 1500) after "ready", then walks the tree 20
times through `window.__decisionTree.request` and prints the engine round
trip of the `answer` requests (p50/p95/max), the first ten apart from the rest.
See bench/README.md, "Warm-up after a restore".
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from decision_tree.sitegen.local_chromium import CHROMIUM, CHROMIUM_ARGS

WALKS = (Path(__file__).resolve().parent / "js" / "warmup_walks.js").read_text(encoding="utf-8")


def main(url: str, wait_ms: int) -> None:
    first: dict[str, list[float]] = {"snapshot": [], "never": []}
    later: dict[str, list[float]] = {"snapshot": [], "never": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for round_ in range(4):
            for mode in ("snapshot", "never") if round_ % 2 == 0 else ("never", "snapshot"):
                context = browser.new_context(locale="pt-BR")
                if mode == "never":
                    context.add_init_script("window.__decisionTreeSnapshot = 'never'")
                page = context.new_page()
                page.goto(url.rstrip("/") + "/assistente/")
                page.wait_for_selector("[data-app=wizard][data-engine=ready]", timeout=60_000)
                started = page.evaluate("() => window.__decisionTree.start.mode")
                assert started == ("snapshot" if mode == "snapshot" else "normal"), started
                page.wait_for_timeout(wait_ms)
                times = page.evaluate(WALKS, 20)
                first[mode] += times[:10]
                later[mode] += times[10:]
                context.close()
        browser.close()
    for name, data in (("first 10 answers", first), ("later answers", later)):
        for mode, values in data.items():
            v = sorted(values)
            print(f"{name:17} {mode:8} n={len(v):3}  p50 {statistics.median(v):.2f} ms  "
                  f"p95 {v[int(len(v) * 0.95) - 1]:.2f} ms  max {v[-1]:.1f} ms")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1500)
