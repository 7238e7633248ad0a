"""The Zendesk app's sidebar page, framed on another origin as Zendesk frames it: each ticket opened is a repeat visit.

Part of `make bench` (bench/run.py calls `framed_visits`); alone:

    .venv/bin/python bench/zendesk_sidebar.py --site site/ [--runs 5] [--out bench/zendesk_sidebar.json]

The site is served with the installed nginx and the Hospedagem page's file,
its sidebar location allowing the fake Zendesk host of the tests
(tests/zendesk_host.py, HTTPS on another 127.0.0.1 port, speaking the SDK's
protocol). In one browser context: a first visit of the host page, then
`runs` repeat visits (each a new host page and a new frame, as a new ticket
tab). Per framed visit, from the frame's own navigation start: the first
question painted (element timing on its legend), engine ready and the first
answer processed (bench/js/init.js answers as soon as the wizard is mounted).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

import pages  # noqa: E402  (bench/pages.py)
from browser import BARE_MAIN, Bench  # noqa: E402
from nginx_server import NginxServer  # noqa: E402
from zendesk_host import zendesk_host  # noqa: E402

from decision_tree.core.urls import ZENDESK_SIDEBAR  # noqa: E402
from decision_tree.sitegen import hosting  # noqa: E402
from decision_tree.sitegen.local_chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from decision_tree.sitegen.local_nginx import Certificate  # noqa: E402

TICKET = {"id": 4321, "subject": "Erro ao gerar a nota fiscal", "organization": {"name": "Organização", "tags": []}, "comments": []}


@contextmanager
def framed_server(site: Path, tmp: Path) -> Iterator[tuple[NginxServer, Any, list[str]]]:
    """nginx serving `site` (with the benchmark's overlay) whose sidebar page the fake Zendesk may frame;
    the server, the host, and the Chromium arguments that trust both certificates."""
    host_cert = Certificate(tmp / "host-tls")
    with zendesk_host(str(host_cert.cert), str(host_cert.key)) as host:
        served = hosting.for_project(ROOT).with_sidebar_host(host.origin)
        with NginxServer(site, pages.overlay(site), tmp / "nginx", hosting=served) as server:
            trusted = f"--ignore-certificate-errors-spki-list={server.nginx.certificate.spki},{host_cert.spki}"
            yield server, host, [trusted]


def framed_visit(page: Any, host: Any, app_url: str) -> dict[str, Any]:
    page.goto(host.page(app_url, TICKET), wait_until="load")
    frame = None
    end = time.monotonic() + 60
    while frame is None and time.monotonic() < end:
        frame = next((f for f in page.frames if f.url.startswith(app_url)), None)
        time.sleep(0.02)
    if frame is None:
        raise RuntimeError("the host page did not frame the sidebar page")
    frame.wait_for_function("() => window.__bench && (window.__bench.marks.first_answer !== undefined "
                            "|| window.__bench.marks.failed !== undefined)", timeout=60_000, polling=50)
    data = frame.evaluate(pages.js("collect"))
    if data["marks"].get("failed") is not None:
        raise RuntimeError("the engine failed to start in the frame")
    return {"question_paint": data["marks"].get("et:question"), "ready": data["marks"].get("ready"),
            "first_answer": data["marks"].get("first_answer"), "start": (data.get("start") or {}).get("mode")}


def framed_visits(bench: Bench, host: Any, runs: int) -> dict[str, Any]:
    """A first visit of the framed sidebar page, then `runs` repeat visits, in one browser context."""
    ctx, _seen = bench.context("window.__benchAnswerFirst = true")
    try:
        page = ctx.new_page()
        app_url = bench.server.url + ZENDESK_SIDEBAR
        first = framed_visit(page, host, app_url)
        return {"first_visit": first, "repeat_visits": [framed_visit(page, host, app_url) for _ in range(runs)]}
    finally:
        ctx.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--site", type=Path, default=ROOT / "site", help="a built site (make build)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "zendesk_sidebar.json")
    args = p.parse_args(argv)
    site = args.site.resolve()
    if not (site / ZENDESK_SIDEBAR / "index.html").is_file():
        raise SystemExit(f"{site}: no {ZENDESK_SIDEBAR}index.html; build the site first (make build)")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-zapp-") as tmp, framed_server(site, Path(tmp)) as (server, host, trust), \
            sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *trust], headless=True)
        try:
            bench = Bench(browser, server)
            result = framed_visits(bench, host, args.runs)
            bare = [bench.bare(BARE_MAIN) for _ in range(max(1, args.runs // 2))]
        finally:
            browser.close()
    med = {k: statistics.median(r[k] for r in result["repeat_visits"]) for k in ("question_paint", "first_answer", "ready")}
    bare_warm = statistics.median(b["warm"]["ready"] for b in bare)
    result |= {"command": "bench/zendesk_sidebar.py " + " ".join(argv if argv is not None else sys.argv[1:]),
               "bare_main": [{"cold": b["cold"]["ready"], "warm": b["warm"]["ready"]} for b in bare], "median_repeat": med,
               "bare_main_warm_median": bare_warm, "first_answer_ratio": med["first_answer"] / bare_warm}
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"framed sidebar, repeat visits (median of {args.runs}): question {med['question_paint']:.0f} ms, "
          f"first answer {med['first_answer']:.0f} ms, engine ready {med['ready']:.0f} ms")
    print(f"Pyodide alone on the main thread, repeat visit (median): {bare_warm:.0f} ms; "
          f"first answer / bare = {result['first_answer_ratio']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
