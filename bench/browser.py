"""One page load or one interaction series in headless Chromium, measured from outside the product.

The wizard and the calculator are driven through their DOM as a person does
(bench/js/init.js answers the first question, answer_paths.js clicks every
path, calc_changes.js types minutes); the engine only through the page's
documented `window.__decisionTree.request`. The start breakdown runs the
product's worker as built into the site (bench/js/profile_hooks.js).
"""

from __future__ import annotations

import time
from typing import Any

import pages

from decision_tree.core import urls

BARE = "bench-bare/"
BARE_MAIN = "bench-bare-main/"
THROTTLE = {"mbit": 10.0, "rtt_ms": 40}  # the first visit of the day on a slow link
PYODIDE_PREFIX = "/" + urls.PYODIDE
READY_TIMEOUT_MS = 90_000
QUIET_S = 0.6  # a page's transfer is over when the server saw no request for this long
FIRST_ANSWER = "window.__bench.marks.first_answer !== undefined"
BARE_DONE = "window.__bench.worker.done !== undefined"


class Bench:
    def __init__(self, browser: Any, server: Any, throttle: dict[str, float] | None = None, guidelines: str = "") -> None:
        self.browser = browser
        self.server = server
        self.throttle = throttle or THROTTLE
        self.guidelines_page = guidelines

    def context(self, *flags: str) -> tuple[Any, list[str]]:
        """A new browser context (empty HTTP cache) with init.js and `flags` (JS run before it), and the URLs it requests."""
        ctx = self.browser.new_context(locale="pt-BR", viewport={"width": 1280, "height": 900})
        for flag in flags:
            ctx.add_init_script(flag)
        ctx.add_init_script(pages.js("init"))
        seen: list[str] = []
        ctx.on("request", lambda r: seen.append(r.url))
        return ctx, seen

    def throttled(self, ctx: Any, page: Any) -> None:
        """The page (and its workers) on a slow link: DevTools' network emulation."""
        cdp = ctx.new_cdp_session(page)
        cdp.send("Network.enable")
        rate = self.throttle["mbit"] * 1_000_000 / 8
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": self.throttle["rtt_ms"], "downloadThroughput": rate, "uploadThroughput": rate},
        )

    def quiet(self, mark: int, limit: float = 8.0) -> list[Any]:
        """Wait until the server saw no request for QUIET_S; the hits since `mark`."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            hits = self.server.log.since(mark)
            last = hits[-1].t if hits else 0.0
            if hits and time.monotonic() - last >= QUIET_S:
                return hits
            time.sleep(0.1)
        return self.server.log.since(mark)

    @staticmethod
    def wait_ready(page: Any, also: str = "true") -> None:
        """Until the page's engine is ready (or failed) and `also` (a JS expression) holds."""
        page.wait_for_function(
            "() => window.__bench && (window.__bench.marks.failed !== undefined || "
            f"(window.__bench.marks.ready !== undefined && ({also})))",
            timeout=READY_TIMEOUT_MS,
            polling=100,
        )

    def load(self, page: Any, url: str, seen: list[str], engine: bool = True, also: str = "true") -> dict[str, Any]:
        """Navigate to `url` and measure one page load (the same URL again: a repeat visit)."""
        mark = self.server.log.mark()
        first_url = len(seen)
        page.goto(self.server.url + url, wait_until="load")
        if engine:
            self.wait_ready(page, also)
        hits = self.quiet(mark)
        data = page.evaluate(pages.js("collect"))
        if engine and data["marks"].get("failed") is not None:
            raise RuntimeError(f"{url}: the engine failed to start")
        return sample_of(data, hits, [u for u in seen[first_url:] if PYODIDE_PREFIX in u])

    def wizard(self, paths: list[list[str]]) -> dict[str, Any]:
        """First visit and repeat visit, each answering the first question at once; then every path, warm."""
        ctx, seen = self.context("window.__benchAnswerFirst = true")
        page = ctx.new_page()
        try:
            cold = self.load(page, urls.WIZARD, seen, also=FIRST_ANSWER)
            warm = self.load(page, urls.WIZARD, seen, also=FIRST_ANSWER)
            warm["warm_up_ms"] = self.warmed_up(page)
            page.evaluate(pages.js("restart"))
            answers = page.evaluate(pages.program("answer_paths"), paths) if paths else {"answers": [], "painted": [], "restarts": []}
            engine = page.evaluate(pages.js("engine_answers"), paths) if paths else []
        finally:
            ctx.close()
        return {"cold": cold, "warm": warm, **answers, "engine": engine}

    def bare(self, url: str = BARE) -> dict[str, Any]:
        """Pyodide alone, in a worker (BARE) or on the main thread (BARE_MAIN): first and repeat visit."""
        ctx, seen = self.context()
        page = ctx.new_page()
        try:
            cold = self.load(page, url, seen, also=BARE_DONE)
            warm = self.load(page, url, seen, also=BARE_DONE)
        finally:
            ctx.close()
        for sample in (cold, warm):
            ran = sample["worker"].get("ran")
            sample["ran"] = ran["at"] if ran else None
        return {"cold": cold, "warm": warm}

    def first_visit_throttled(self, what: str) -> dict[str, Any]:
        """A first visit on the throttled link: the wizard (answering at once) or Pyodide alone on the main thread."""
        wizard = what == "wizard"
        ctx, seen = self.context(*(["window.__benchAnswerFirst = true"] if wizard else []))
        page = ctx.new_page()
        try:
            self.throttled(ctx, page)
            return self.load(page, urls.WIZARD if wizard else BARE_MAIN, seen, also=FIRST_ANSWER if wizard else BARE_DONE)
        finally:
            ctx.close()

    @staticmethod
    def warmed_up(page: Any) -> float | None:
        """Wait until a restored engine's warm-up (worker.js) has ended; its length. The interaction runs measure
        the engine as an analyst finds it after reading the page, not while it warms up (a few seconds at most)."""
        page.wait_for_function("() => !window.__decisionTree.start || window.__decisionTree.start.mode !== 'snapshot' "
                               "|| window.__bench.worker.warm !== undefined", timeout=30_000)
        return page.evaluate("() => window.__bench.worker.warm ? window.__bench.worker.warm.ms : null")

    def calculator(self, values: list[str]) -> dict[str, Any]:
        ctx, seen = self.context()
        page = ctx.new_page()
        try:
            cold = self.load(page, urls.CALCULATOR, seen)
            cold["warm_up_ms"] = self.warmed_up(page)
            changes = page.evaluate(pages.program("calc_changes"), values)
        finally:
            ctx.close()
        return {"cold": cold, **changes}

    def guidelines(self) -> dict[str, Any]:
        """A guideline page (Material's bundle, no engine): its bytes, and its long tasks until the transfer ends."""
        ctx, seen = self.context()
        page = ctx.new_page()
        try:
            return self.load(page, self.guidelines_page, seen, engine=False)
        finally:
            ctx.close()

    def profile(self, mode: str) -> dict[str, Any]:
        """The wizard's start through the instrumented product worker: `mode` "snapshot" or "normal"
        (`?snapshot=never`, the worker's documented switch), first and repeat visit."""
        flags = ["window.__benchProfile = true", *(["window.__decisionTreeSnapshot = 'never'"] if mode == "normal" else [])]
        ctx, seen = self.context(*flags)
        page = ctx.new_page()
        out = {}
        try:
            for visit in ("cold", "warm"):
                sample = self.load(page, urls.WIZARD, seen, also="window.__bench.profile !== undefined")
                data = page.evaluate("() => window.__bench.profile")
                out[visit] = {"ready": sample["ready"], "worker_created": sample["worker_created"], "start": sample["start"],
                              "marks": data["marks"], "resources": data["resources"]}
        finally:
            ctx.close()
        return out


def sample_of(data: dict[str, Any], hits: list[Any], pyodide_urls: list[str]) -> dict[str, Any]:
    """One load's numbers from what collect.js read and what the server logged."""
    marks = data["marks"]
    ready = marks.get("ready")
    end = ready if ready is not None else float("inf")
    long_tasks = [d for s, d in data["lt"] if s < end]
    return {
        "ready": ready,
        "first_answer": marks.get("first_answer"),
        "answer_click": marks.get("answer_click"),
        "start": (data.get("start") or {}).get("mode"),
        "start_reason": (data.get("start") or {}).get("reason"),
        "question_paint": marks.get("et:question"),
        "question_dom": marks.get("question_dom"),
        "fcp": data["paint"].get("first-contentful-paint"),
        "worker_created": marks.get("worker"),
        "worker": data["worker"],
        "long_tasks": long_tasks,
        "long_task_sum": sum(long_tasks),
        "long_frames": [f for f in data["loaf"] if f["start"] < end],
        "tbt": sum(max(0.0, d - 50) for d in long_tasks),
        "bytes": sum(h.wire for h in hits),
        "bytes_uncompressed": sum(h.size for h in hits),
        "pyodide_bytes": sum(h.wire for h in hits if h.path.startswith(PYODIDE_PREFIX)),
        "pyodide_requests": len(pyodide_urls),
        "requests": len(hits),
        "hits": [[h.path, h.status, h.wire] for h in hits],
        "nav": data["nav"],
        "readyMs": data["readyMs"],
    }
