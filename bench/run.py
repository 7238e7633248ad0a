"""Performance benchmark of the site: `make bench` (= .venv/bin/python bench/run.py).

Builds the site with the real `mkdocs build --strict` (timed), serves it on
127.0.0.1 with the hosting of the "Hospedagem" page (bench/server.py; with
`--nginx`, the installed nginx and the page's file),
drives Debian's headless Chromium through Playwright and measures, over
`--runs` runs (median and spread):

- the wizard's first question visible, cold;
- engine ready, cold (new browser context) and warm (reload in the same
  context), for the wizard and for a bare Pyodide page (same core, same
  lock file, nothing else) in the same run, and the ratios;
- one answer (click to next question rendered) p50/p95 over every full path
  of the tree, and one calculator change (typing to total changed);
- main-thread long tasks during load;
- bytes on the wire for a guidelines page, the wizard and the calculator;
- then a breakdown of the worker's start, phase by phase.

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
PROFILE = "bench-profile/"
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
    def __init__(self, browser: Any, server: Server) -> None:
        self.browser = browser
        self.server = server

    def context(self) -> tuple[Any, list[str]]:
        """A new browser context (empty HTTP cache) and the list of URLs it requests."""
        ctx = self.browser.new_context(locale="pt-BR", viewport={"width": 1280, "height": 900})
        ctx.add_init_script(pages.INIT_SCRIPT)
        urls: list[str] = []
        ctx.on("request", lambda r: urls.append(r.url))
        return ctx, urls

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

    def load(self, page: Any, url: str | None, urls: list[str], engine: bool = True, also: str = "true") -> dict[str, Any]:
        """Navigate (or reload when url is None) and measure one page load."""
        mark = self.server.log.mark()
        first_url = len(urls)
        if url is None:
            page.reload(wait_until="load")
        else:
            page.goto(self.server.url + url, wait_until="load")
        if engine:
            self.wait_ready(page, also)
        hits = self.quiet(mark)
        data = page.evaluate(pages.COLLECT)
        if engine and data["marks"].get("failed") is not None:
            raise RuntimeError(f"{url or 'reload'}: the engine failed to start")
        ready = data["marks"].get("ready")
        end = ready if ready is not None else float("inf")
        long_tasks = [d for s, d in data["lt"] if s < end]
        frames = [f for f in data["loaf"] if f["start"] < end]
        browser_pyodide = [u for u in urls[first_url:] if PYODIDE_PREFIX in u]
        return {
            "ready": ready,
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

    def cold_warm(self, url: str, also: str = "true") -> tuple[dict[str, Any], dict[str, Any], Any, Any]:
        ctx, urls = self.context()
        page = ctx.new_page()
        cold = self.load(page, url, urls, also=also)
        warm = self.load(page, None, urls, also=also)
        return cold, warm, ctx, page

    def wizard(self, paths: list[list[str]]) -> dict[str, Any]:
        cold, warm, ctx, page = self.cold_warm(WIZARD)
        try:
            answers = page.evaluate(pages.ANSWER_PATHS, paths) if paths else {"answers": [], "painted": [], "restarts": []}
            engine = page.evaluate(pages.ENGINE_ANSWERS, paths) if paths else []
        finally:
            ctx.close()
        return {"cold": cold, "warm": warm, **answers, "engine": engine}

    def bare(self) -> dict[str, Any]:
        cold, warm, ctx, page = self.cold_warm(BARE, also="window.__bench.worker.done !== undefined")
        for sample in (cold, warm):
            ran = sample["worker"].get("ran")
            sample["ran"] = ran["at"] if ran else None
        ctx.close()
        return {"cold": cold, "warm": warm}

    def calculator(self, values: list[str]) -> dict[str, Any]:
        ctx, urls = self.context()
        page = ctx.new_page()
        try:
            cold = self.load(page, CALCULATOR, urls)
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

    def profile(self, mode: str) -> dict[str, Any]:
        ctx, urls = self.context()
        page = ctx.new_page()
        try:
            sample = self.load(page, f"{PROFILE}?mode={mode}", urls)
            result = page.evaluate("() => window.__benchResult")
        finally:
            ctx.close()
        if result.get("type") == "failed":
            raise RuntimeError(f"profile worker ({mode}) failed: {result.get('detail')}")
        return {"ready": sample["ready"], "worker_created": sample["worker_created"], **result}

    def wizard_without_search(self) -> dict[str, Any]:
        """The wizard cold with Material's search index answered 404 (no index built in its worker)."""
        self.server.blocked.add("/search/")
        try:
            ctx, urls = self.context()
            page = ctx.new_page()
            sample = self.load(page, WIZARD, urls)
            ctx.close()
        finally:
            self.server.blocked.discard("/search/")
        return sample


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
    ap.add_argument("--profile-runs", type=int, default=3, help="runs of the worker-start breakdown (default 3; 0 skips it)")
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
    ap.add_argument("--budget", type=int, default=330, help="skip the remaining breakdown runs past this many seconds (default 330)")
    ap.add_argument("--time-limit", type=int, default=600, help="stop with an error after this many seconds (default 600)")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
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

    raw: dict[str, Any] = {"wizard": [], "bare": [], "calculator": [], "guidelines": [], "profile": {}, "warmup": {}}
    overlay = pages.overlay(site)
    serving = NginxServer(site, overlay, tmp / "nginx") if args.nginx else Server(site, overlay, use_gzip=not args.no_gzip)
    with serving as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + server.chromium_args, headless=True)
        try:
            info = machine(browser.version)
            core = [PYODIDE_PREFIX + n for n in ("pyodide.asm.wasm", "python_stdlib.zip", "pyodide.asm.mjs", "pyodide.mjs")]
            server.warm_gzip([*core, PYODIDE_PREFIX + "pyodide-lock.json"])
            b = Bench(browser, server)
            log("warm-up (discarded): wizard, bare")
            raw["warmup"] = {"wizard": b.wizard([])["cold"]["ready"], "bare": b.bare()["cold"]["ready"]}
            runs_started = time.monotonic()
            for run in range(args.runs):
                share = paths[run :: args.runs]
                order = ("wizard", "bare") if run % 2 == 0 else ("bare", "wizard")
                for what in order:
                    raw[what].append(b.wizard(share) if what == "wizard" else b.bare())
                raw["calculator"].append(b.calculator(calc_values(run, args.calc_changes)))
                raw["guidelines"].append(b.guidelines())
                w, br = raw["wizard"][-1], raw["bare"][-1]
                log(
                    f"run {run + 1}/{args.runs}: wizard ready {w['cold']['ready']:.0f}/{w['warm']['ready']:.0f} ms, "
                    f"bare {br['cold']['ready']:.0f}/{br['warm']['ready']:.0f} ms (cold/warm), "
                    f"{len(w['answers'])} answers, {time.monotonic() - started:.0f} s elapsed"
                )
            prof: dict[str, list[Any]] = {"bare": [], "product": [], "split": [], "fs": [], "wizard": [], "wizard_no_search": []}
            # one breakdown run loads about as many pages as one measured run
            last = (time.monotonic() - runs_started) / args.runs
            for run in range(args.profile_runs):
                t = time.monotonic()
                if t - started + last > args.budget:
                    log(f"profile stopped after {run} runs: --budget {args.budget} s")
                    break
                prof["bare"].append(b.bare()["cold"])
                prof["product"].append(b.profile("product"))
                prof["split"].append(b.profile("split"))
                prof["fs"].append(b.profile("fs"))
                prof["wizard"].append(b.wizard([])["cold"])
                prof["wizard_no_search"].append(b.wizard_without_search())
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
