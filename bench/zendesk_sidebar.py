"""The Zendesk app's sidebar page, framed on another origin as Zendesk frames it: each ticket opened is a repeat visit.

    .venv/bin/python bench/zendesk_sidebar.py --site site/ [--runs 5] [--out bench/zendesk_sidebar.json]

Serves a built site (`make build`) with the installed nginx and the Hospedagem
page's file (`NginxServer`), the sidebar location allowing the fake Zendesk
host of the tests (tests/zendesk_host.py, HTTPS on another 127.0.0.1 port,
speaking the SDK's protocol). In one browser context: a first visit of the
host page, then `--runs` repeat visits (each a new host page and a new frame,
as a new ticket tab), and, in the same run, Pyodide alone on the main thread
(`/bench-bare-main/`, bench/pages.py) first and repeat visit. Per framed visit,
from the frame's own navigation start: the first question painted (element
timing on its legend) and the first answer processed (the init script of
bench/pages.py answers as soon as the wizard is mounted). Targets of issue 23:
first question ≤ 300 ms, first answer ≤ 0.5 × bare Pyodide warm.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "tests")]

import pages  # noqa: E402  (bench/pages.py)
from run import BARE_MAIN, Bench  # noqa: E402
from server import NginxServer  # noqa: E402
from zendesk_host import zendesk_host  # noqa: E402

from decision_tree.core.urls import ZENDESK_SIDEBAR  # noqa: E402
from decision_tree.sitegen import hosting  # noqa: E402
from decision_tree.sitegen.local_chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from decision_tree.sitegen.local_nginx import Certificate  # noqa: E402

TICKET = {"id": 4321, "subject": "Erro ao gerar a nota fiscal", "organization": {"name": "Organização", "tags": []}, "comments": []}


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
    data = frame.evaluate(pages.COLLECT)
    if data["marks"].get("failed") is not None:
        raise RuntimeError("the engine failed to start in the frame")
    return {"question_paint": data["marks"].get("et:question"), "ready": data["marks"].get("ready"),
            "first_answer": data["marks"].get("first_answer"), "start": (data.get("start") or {}).get("mode")}


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

    with tempfile.TemporaryDirectory(prefix="bench-zapp-") as tmp:
        host_cert = Certificate(Path(tmp) / "host-tls")
        with zendesk_host(str(host_cert.cert), str(host_cert.key)) as host:
            served = hosting.for_project(ROOT).with_sidebar_host(host.origin)
            with NginxServer(site, pages.overlay(site), Path(tmp) / "nginx", hosting=served) as server, sync_playwright() as pw:
                trusted = f"--ignore-certificate-errors-spki-list={server.nginx.certificate.spki},{host_cert.spki}"
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, trusted], headless=True)
                bench = Bench(browser, server)  # type: ignore[arg-type]
                ctx, _urls = bench.context(answer_first=True)
                page = ctx.new_page()
                app_url = server.url + ZENDESK_SIDEBAR
                first = framed_visit(page, host, app_url)
                repeats = [framed_visit(page, host, app_url) for _ in range(args.runs)]
                ctx.close()
                bare = [bench.bare(BARE_MAIN) for _ in range(max(1, args.runs // 2))]
                browser.close()
    bare_warm = statistics.median(b["warm"]["ready"] for b in bare)
    med = {k: statistics.median(r[k] for r in repeats) for k in ("question_paint", "first_answer", "ready")}
    result = {
        "command": "bench/zendesk_sidebar.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "first_visit": first, "repeat_visits": repeats,
        "bare_main": [{"cold": b["cold"]["ready"], "warm": b["warm"]["ready"]} for b in bare],
        "median_repeat": med, "bare_main_warm_median": bare_warm, "first_answer_ratio": med["first_answer"] / bare_warm,
        "targets": {"question_paint_ms": 300, "first_answer_ratio": 0.5},
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"framed sidebar, first visit: question {first['question_paint']:.0f} ms, first answer {first['first_answer']:.0f} ms")
    print(f"framed sidebar, repeat visits (median of {args.runs}): question {med['question_paint']:.0f} ms (target ≤ 300), "
          f"first answer {med['first_answer']:.0f} ms, engine ready {med['ready']:.0f} ms; start: {[r['start'] for r in repeats]}")
    print(f"Pyodide alone on the main thread, repeat visit (median): {bare_warm:.0f} ms; "
          f"first answer / bare = {result['first_answer_ratio']:.2f} (target ≤ 0.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
