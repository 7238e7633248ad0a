"""Performance benchmark of the site: `make bench` (= .venv/bin/python bench/run.py).

Builds the site with the real `mkdocs build --strict` (timed), serves it on
127.0.0.1 with the hosting of the "Hospedagem" page (bench/server.py; with
`--nginx`, the installed nginx and the page's file),
drives Debian's headless Chromium through Playwright and measures, over
`--runs` runs (median and spread), in the same run:

- the wizard: first question visible, engine ready and first answer
  processed (a person who answers as soon as the page lets them), on a first
  visit (new browser context: empty cache) and on a repeat visit (the same
  page opened again in the same context);
- Pyodide alone (same core, same lock file, nothing else), started on the
  page's main thread and in a module worker, first and repeat visit, and the
  ratios of the wizard to Pyodide alone on the main thread;
- a first visit on a throttled link (`--throttle`, DevTools protocol):
  the wizard and Pyodide alone on the main thread;
- one answer (click to next question rendered) p50/p95 over every full path
  of the tree, and one calculator change (typing to total changed);
- main-thread long tasks during load;
- bytes on the wire for a guidelines page, the wizard and the calculator;
- then a breakdown of the engine's start, phase by phase: normal start and
  snapshot restore, in a worker, on the main thread and in a worker with the
  WebAssembly compiled by the page, first and repeat visit.

Prints a table, writes bench/results.json and regenerates docs/desempenho.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import pages  # noqa: E402
import report  # noqa: E402
from server import NginxServer, Server  # noqa: E402

from decision_tree.sitegen.local_chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

WIZARD = "assistente/"
CALCULATOR = "calculadora/"
GUIDELINES = "modos/consultoria-modulo/"
BARE = "bench-bare/"
BARE_MAIN = "bench-bare-main/"
PROFILE = "bench-profile/"
PROFILE_MODES = ("normal", "snapshot")
PROFILE_WHERE = ("worker", "main", "handoff")
THROTTLE = {"mbit": 10.0, "rtt_ms": 40}  # the first visit of the day on a slow link
PYODIDE_PREFIX = "/assets/pyodide/"
READY_TIMEOUT_MS = 90_000
QUIET_S = 0.6  # a page's transfer is over when the server saw no request for this long


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -- build -------------------------------------------------------------------


def mkdocs_build(out: Path, root: Path = ROOT) -> float:
    """The README's build, timed: `build-docs`, then `mkdocs build --strict`."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    t = time.perf_counter()
    for step in ([sys.executable, "-m", "decision_tree", "--root", str(root), "build-docs"],
                 [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)]):
        r = subprocess.run(step, cwd=root, env=env, capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(step[2:4])} failed:\n{r.stdout}\n{r.stderr}")
    return time.perf_counter() - t


def fresh_copy(tmp: Path) -> Path:
    """The sources in a new directory, without .cache/ (the wheel and lock cache): for a cold build.
    node_modules and .git are linked, not copied (read only: Pyodide/Mermaid files, `git log` dates)."""
    src = tmp / "src"
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(".git", ".venv", "node_modules", ".cache", "site", "site-src", "__pycache__", ".*_cache",
                                      ".hypothesis", "bench"),
    )
    for name in ("node_modules", ".git"):
        if (ROOT / name).exists():
            (src / name).symlink_to(ROOT / name)
    return src


# -- the tree's paths --------------------------------------------------------


def wizard_paths() -> list[list[str]]:
    """Every full path of the tree, as the option ids to choose, depth first."""
    from decision_tree.core.engine import Engine, State
    from decision_tree.core.model import Guidelines, Outcome
    from decision_tree.sources.bundle import load_bundle

    e = Engine(Guidelines.from_dict(load_bundle(ROOT)))
    paths, stack = [], [State()]
    while stack:
        state = stack.pop()
        node = e.walk(state).node
        if isinstance(node, Outcome):
            paths.append([step.option.id for step in e.walk(state).steps])
            continue
        stack.extend(State((*state.answers, i)) for i in reversed(range(len(node.options))))
    return paths


# -- browser measurements ------------------------------------------------------


class Bench:
    def __init__(self, browser: Any, server: Server, throttle: dict[str, float] | None = None) -> None:
        self.browser = browser
        self.server = server
        self.throttle = throttle or THROTTLE

    def context(self, answer_first: bool = False) -> tuple[Any, list[str]]:
        """A new browser context (empty HTTP cache) and the list of URLs it requests."""
        ctx = self.browser.new_context(locale="pt-BR", viewport={"width": 1280, "height": 900})
        ctx.add_init_script(pages.INIT_SCRIPT)
        if answer_first:
            ctx.add_init_script("window.__benchAnswerFirst = true")
        urls: list[str] = []
        ctx.on("request", lambda r: urls.append(r.url))
        return ctx, urls

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

    def load(self, page: Any, url: str, urls: list[str], engine: bool = True, also: str = "true") -> dict[str, Any]:
        """Navigate to `url` and measure one page load (the same URL again: a repeat visit)."""
        mark = self.server.log.mark()
        first_url = len(urls)
        page.goto(self.server.url + url, wait_until="load")
        if engine:
            self.wait_ready(page, also)
        hits = self.quiet(mark)
        data = page.evaluate(pages.COLLECT)
        if engine and data["marks"].get("failed") is not None:
            raise RuntimeError(f"{url}: the engine failed to start")
        ready = data["marks"].get("ready")
        end = ready if ready is not None else float("inf")
        long_tasks = [d for s, d in data["lt"] if s < end]
        frames = [f for f in data["loaf"] if f["start"] < end]
        browser_pyodide = [u for u in urls[first_url:] if PYODIDE_PREFIX in u]
        return {
            "ready": ready,
            "first_answer": data["marks"].get("first_answer"),
            "answer_click": data["marks"].get("answer_click"),
            "start": (data.get("start") or {}).get("mode"),
            "start_reason": (data.get("start") or {}).get("reason"),
            "question_paint": data["marks"].get("et:question"),
            "question_dom": data["marks"].get("question_dom"),
            "fcp": data["paint"].get("first-contentful-paint"),
            "worker_created": data["marks"].get("worker"),
            "worker": data["worker"],
            "long_tasks": long_tasks,
            "long_task_sum": sum(long_tasks),
            "long_frames": frames,
            "tbt": sum(max(0.0, d - 50) for d in long_tasks),
            "bytes": sum(h.wire for h in hits),
            "bytes_uncompressed": sum(h.size for h in hits),
            "pyodide_bytes": sum(h.wire for h in hits if h.path.startswith(PYODIDE_PREFIX)),
            "pyodide_requests": len(browser_pyodide),
            "requests": len(hits),
            "hits": [[h.path, h.status, h.wire] for h in hits],
            "nav": data["nav"],
            "readyMs": data["readyMs"],
        }

    def wizard(self, paths: list[list[str]]) -> dict[str, Any]:
        """First visit and repeat visit, each answering the first question at once; then every path, warm."""
        ctx, urls = self.context(answer_first=True)
        page = ctx.new_page()
        also = "window.__bench.marks.first_answer !== undefined"
        try:
            cold = self.load(page, WIZARD, urls, also=also)
            warm = self.load(page, WIZARD, urls, also=also)
            warm["warm_up_ms"] = self.warmed_up(page)
            page.evaluate(pages.RESTART)
            answers = page.evaluate(pages.ANSWER_PATHS, paths) if paths else {"answers": [], "painted": [], "restarts": []}
            engine = page.evaluate(pages.ENGINE_ANSWERS, paths) if paths else []
        finally:
            ctx.close()
        return {"cold": cold, "warm": warm, **answers, "engine": engine}

    def bare(self, url: str = BARE) -> dict[str, Any]:
        """Pyodide alone, in a worker (BARE) or on the main thread (BARE_MAIN): first and repeat visit."""
        ctx, urls = self.context()
        page = ctx.new_page()
        also = "window.__bench.worker.done !== undefined"
        try:
            cold = self.load(page, url, urls, also=also)
            warm = self.load(page, url, urls, also=also)
        finally:
            ctx.close()
        for sample in (cold, warm):
            ran = sample["worker"].get("ran")
            sample["ran"] = ran["at"] if ran else None
        return {"cold": cold, "warm": warm}

    def first_visit_throttled(self, what: str) -> dict[str, Any]:
        """A first visit on the throttled link: the wizard (answering at once) or Pyodide alone on the main thread."""
        wizard = what == "wizard"
        ctx, urls = self.context(answer_first=wizard)
        page = ctx.new_page()
        try:
            self.throttled(ctx, page)
            also = "window.__bench.marks.first_answer !== undefined" if wizard else "window.__bench.worker.done !== undefined"
            return self.load(page, WIZARD if wizard else BARE_MAIN, urls, also=also)
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
        ctx, urls = self.context()
        page = ctx.new_page()
        try:
            cold = self.load(page, CALCULATOR, urls)
            cold["warm_up_ms"] = self.warmed_up(page)
            changes = page.evaluate(pages.CALC_CHANGES, values)
        finally:
            ctx.close()
        return {"cold": cold, **changes}

    def guidelines(self) -> dict[str, Any]:
        ctx, urls = self.context()
        page = ctx.new_page()
        try:
            sample = self.load(page, GUIDELINES, urls, engine=False)
        finally:
            ctx.close()
        return sample

    def profile(self, mode: str, where: str) -> dict[str, Any]:
        """The start phase by phase (bench-profile), first and repeat visit."""
        ctx, urls = self.context()
        page = ctx.new_page()
        out = {}
        try:
            for visit in ("cold", "warm"):
                sample = self.load(page, f"{PROFILE}?mode={mode}&where={where}", urls)
                result = page.evaluate("() => window.__benchResult")
                if result.get("type") == "failed":
                    raise RuntimeError(f"profile ({mode}, {where}) failed: {result.get('detail')}")
                out[visit] = {"ready": sample["ready"], **result}
        finally:
            ctx.close()
        return out


# -- machine -------------------------------------------------------------------


def machine(browser_version: str) -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    pyodide = json.loads((ROOT / "node_modules" / "pyodide" / "package.json").read_text())["version"]
    try:
        from importlib.metadata import version

        versions = {name: version(name) for name in ("mkdocs", "mkdocs-material", "playwright")}
    except Exception:  # noqa: BLE001
        versions = {}
    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "loadavg_start": list(os.getloadavg()),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "chromium": browser_version,
        "pyodide": pyodide,
        **versions,
    }


def rounded(obj: Any) -> Any:
    """Floats rounded to 3 decimals (the timers resolve 0.1 ms anyway)."""
    if isinstance(obj, float):
        return round(obj, 3)
    if isinstance(obj, dict):
        return {k: rounded(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [rounded(v) for v in obj]
    return obj


# -- main --------------------------------------------------------------------------


def calc_values(run: int, count: int) -> list[str]:
    """Minutes to type: distinct, well above any minimum, one decimal comma among them."""
    base = 100 + run * 50
    return [f"{base + 3 * i}" if i % 4 else f"{base + 3 * i},5" for i in range(count)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="runs of every page measurement (default 5)")
    ap.add_argument("--out", type=Path, default=BENCH / "results.json", help="results JSON (default bench/results.json)")
    ap.add_argument("--site", type=Path, help="serve this built site; skip building (no build time then)")
    ap.add_argument("--builds", type=int, default=3, help="timed `mkdocs build --strict` runs (default 3)")
    ap.add_argument("--profile-runs", type=int, default=2, help="runs of the start breakdown (default 2; 0 skips it)")
    ap.add_argument("--throttled-runs", type=int, default=3, help="first visits on the throttled link, per page (default 3; 0 skips them)")
    ap.add_argument(
        "--throttle",
        default=f"{THROTTLE['mbit']:g},{THROTTLE['rtt_ms']:g}",
        help="the throttled link: Mbit/s,round trip ms (default %(default)s)",
    )
    ap.add_argument("--calc-changes", type=int, default=8, help="calculator changes per run (default 8)")
    ap.add_argument("--no-gzip", action="store_true", help="serve without gzip (the hosting page's nginx compresses)")
    ap.add_argument("--nginx", action="store_true", help="serve with the installed nginx and the hosting page's file (HTTPS, HTTP/2)")
    ap.add_argument("--page", type=Path, default=ROOT / "docs" / "desempenho.md", help="the site page to regenerate")
    ap.add_argument("--no-page", action="store_true", help="do not regenerate docs/desempenho.md")
    ap.add_argument(
        "--nice",
        type=int,
        default=0,
        help="scheduling priority of the benchmark and its browser (e.g. -10, as root: less noise from other processes)",
    )
    ap.add_argument("--budget", type=int, default=540, help="skip the remaining breakdown runs past this many seconds (default 540)")
    ap.add_argument("--time-limit", type=int, default=900, help="stop with an error after this many seconds (default 900)")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    try:
        mbit, rtt = (float(x) for x in args.throttle.split(","))
    except ValueError:
        ap.error("--throttle takes Mbit/s,round trip ms, e.g. 10,40")
    args.throttle = {"mbit": mbit, "rtt_ms": rtt}
    if args.nginx and args.no_gzip:
        ap.error("--nginx serves as the hosting page says, with gzip: drop --no-gzip")

    def too_long(signum: int, frame: object) -> None:
        raise TimeoutError(f"the benchmark passed --time-limit={args.time_limit} s")

    if args.nice:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)  # inherited by the Playwright driver and Chromium
    signal.signal(signal.SIGALRM, too_long)
    signal.alarm(args.time_limit)
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        return _run(args, tmp, started)
    finally:
        signal.alarm(0)
        shutil.rmtree(tmp, ignore_errors=True)


def _run(args: argparse.Namespace, tmp: Path, started: float) -> int:
    builds: list[float] = []
    cold_build: float | None = None
    if args.site:
        site = args.site.resolve()
        if not (site / "assets" / "pyodide" / "pyodide-lock.json").is_file():
            raise SystemExit(f"{site}: not a built site (no assets/pyodide/pyodide-lock.json)")
    else:
        site = tmp / "site"
        cold_build = mkdocs_build(tmp / "site-cold", fresh_copy(tmp))
        log(f"cold build (fresh copy of the sources, no .cache): {cold_build:.2f} s")
        shutil.rmtree(tmp / "site-cold", ignore_errors=True)
        for i in range(max(1, args.builds)):
            builds.append(mkdocs_build(site))
            log(f"build {i + 1}: {builds[-1]:.2f} s")
    paths = wizard_paths()
    log(f"{len(paths)} paths through the tree, {sum(map(len, paths))} answers")

    from playwright.sync_api import sync_playwright

    raw: dict[str, Any] = {"wizard": [], "bare": [], "bare_main": [], "calculator": [], "guidelines": [], "throttled": {},
                           "profile": {}, "warmup": {}}
    overlay = pages.overlay(site)
    serving = NginxServer(site, overlay, tmp / "nginx") if args.nginx else Server(site, overlay, use_gzip=not args.no_gzip)
    with serving as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + server.chromium_args, headless=True)
        try:
            info = machine(browser.version)
            core = PYODIDE_PREFIX + pages.core_dir(site)
            server.warm_gzip([core + n for n in ("pyodide.asm.wasm", "python_stdlib.zip", "pyodide.asm.mjs", "pyodide.mjs")]
                             + [PYODIDE_PREFIX + "pyodide-lock.json", PYODIDE_PREFIX + "engine.json"])
            b = Bench(browser, server, args.throttle)
            log("warm-up (discarded): wizard, Pyodide alone in a worker and on the page")
            raw["warmup"] = {"wizard": b.wizard([])["cold"]["ready"], "bare": b.bare()["cold"]["ready"],
                             "bare_main": b.bare(BARE_MAIN)["cold"]["ready"]}
            runs_started = time.monotonic()
            orders = (("wizard", "bare", "bare_main"), ("bare_main", "wizard", "bare"), ("bare", "bare_main", "wizard"))
            for run in range(args.runs):
                share = paths[run :: args.runs]
                for what in orders[run % len(orders)]:
                    raw[what].append(b.wizard(share) if what == "wizard" else b.bare(BARE if what == "bare" else BARE_MAIN))
                raw["calculator"].append(b.calculator(calc_values(run, args.calc_changes)))
                raw["guidelines"].append(b.guidelines())
                w, br, bm = raw["wizard"][-1], raw["bare"][-1], raw["bare_main"][-1]
                log(
                    f"run {run + 1}/{args.runs}: wizard first answer {w['cold']['first_answer']:.0f}/{w['warm']['first_answer']:.0f} ms "
                    f"({w['cold']['start']}/{w['warm']['start']}), Pyodide alone on the page {bm['cold']['ready']:.0f}/"
                    f"{bm['warm']['ready']:.0f} ms, in a worker {br['cold']['ready']:.0f}/{br['warm']['ready']:.0f} ms "
                    f"(first/repeat visit), warm-up {w['warm'].get('warm_up_ms')} ms, {len(w['answers'])} answers, "
                    f"{time.monotonic() - started:.0f} s elapsed"
                )
            throttled: dict[str, list[Any]] = {"wizard": [], "bare_main": []}
            for run in range(args.throttled_runs):
                for what in (("wizard", "bare_main") if run % 2 == 0 else ("bare_main", "wizard")):
                    throttled[what].append(b.first_visit_throttled(what))
                log(
                    f"throttled {run + 1}/{args.throttled_runs}: wizard first answer {throttled['wizard'][-1]['first_answer']:.0f} ms, "
                    f"Pyodide alone on the page {throttled['bare_main'][-1]['ready']:.0f} ms, {time.monotonic() - started:.0f} s elapsed"
                )
            raw["throttled"] = {**throttled, "link": args.throttle}
            prof: dict[str, list[Any]] = {f"{mode}/{where}": [] for mode in PROFILE_MODES for where in PROFILE_WHERE}
            last = (time.monotonic() - runs_started) / max(1, args.runs)  # about one measured run
            for run in range(args.profile_runs):
                t = time.monotonic()
                if t - started + last > args.budget:
                    log(f"profile stopped after {run} runs: --budget {args.budget} s")
                    break
                for mode in PROFILE_MODES:
                    for where in PROFILE_WHERE:
                        prof[f"{mode}/{where}"].append(b.profile(mode, where))
                last = time.monotonic() - t
                log(f"profile {run + 1}/{args.profile_runs}: {time.monotonic() - started:.0f} s elapsed")
            raw["profile"] = prof
        finally:
            browser.close()
    info["loadavg_end"] = list(os.getloadavg())

    results = report.assemble(
        raw=raw,
        builds=builds,
        machine=info,
        runs=args.runs,
        paths=paths,
        command="make bench" if not sys.argv[1:] else " ".join([".venv/bin/python bench/run.py", *sys.argv[1:]]),
        cold_build=cold_build,
        gzip=not args.no_gzip,
        elapsed=time.monotonic() - started,
    )
    if args.nginx:
        results["method"]["server"] = serving.description
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rounded(results), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(report.table(results))
    if not args.no_page:
        args.page.write_text(report.page(results), encoding="utf-8")
        log(f"wrote {args.out} and {args.page}")
    else:
        log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
