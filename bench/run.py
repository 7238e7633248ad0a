"""Performance benchmark of the site: `make bench` (= .venv/bin/python bench/run.py).

Builds the site with `make build`'s steps (bench/build.py, timed), serves it
with the installed nginx and the "Hospedagem" page's file (HTTPS, HTTP/2;
`--python-server`: bench/server.py), drives Debian's headless Chromium through
Playwright (bench/browser.py) and measures, over `--runs` runs, in one run:
the wizard's first answer (first and repeat visit) against Pyodide alone on
the main thread and in a worker; a first visit on a throttled link; the
Zendesk app's sidebar page framed on another origin (each ticket a repeat
visit); one answer and one calculator change; long tasks until ready (with
Material's bundle and ours apart); bytes; then the start breakdown of the
product's worker. Prints every target of issue #26 (and the earlier ones it
kept) beside its measured value, writes bench/results.json and regenerates
docs/desempenho.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH), str(ROOT / "tests")]

import build  # noqa: E402
import page  # noqa: E402
import pages  # noqa: E402
import results  # noqa: E402
import stages  # noqa: E402
import text_table  # noqa: E402
from browser import THROTTLE, Bench  # noqa: E402
from server import Server  # noqa: E402

from decision_tree.sitegen.local_chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def machine(browser_version: str) -> dict[str, Any]:
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
    except OSError:
        pass
    from importlib.metadata import version

    return {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "loadavg_start": list(os.getloadavg()),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "chromium": browser_version,
        "pyodide": json.loads((ROOT / "node_modules" / "pyodide" / "package.json").read_text())["version"],
        **{name: version(name) for name in ("mkdocs", "mkdocs-material", "playwright")},
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


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="runs of every page measurement (default 5)")
    ap.add_argument("--out", type=Path, default=BENCH / "results.json", help="results JSON (default bench/results.json)")
    ap.add_argument("--site", type=Path, help="serve this built site; skip building (no build time then)")
    ap.add_argument("--builds", type=int, default=3, help="timed builds in the repository (default 3)")
    ap.add_argument("--profile-runs", type=int, default=2, help="runs of the start breakdown (default 2; 0 skips it)")
    ap.add_argument("--throttled-runs", type=int, default=3, help="first visits on the throttled link, per page (default 3; 0 skips them)")
    ap.add_argument("--throttle", default=f"{THROTTLE['mbit']:g},{THROTTLE['rtt_ms']:g}",
                    help="the throttled link: Mbit/s,round trip ms (default %(default)s)")
    ap.add_argument("--zendesk-runs", type=int, default=5, help="repeat visits of the framed Zendesk sidebar (default 5; 0 skips it)")
    ap.add_argument("--calc-changes", type=int, default=8, help="calculator changes per run (default 8)")
    ap.add_argument("--python-server", action="store_true", help="serve with bench/server.py instead of nginx (no Zendesk sidebar then)")
    ap.add_argument("--no-gzip", action="store_true", help="with --python-server: no compression")
    ap.add_argument("--page", type=Path, default=ROOT / "docs" / "desempenho.md", help="the site page to regenerate")
    ap.add_argument("--no-page", action="store_true", help="do not regenerate docs/desempenho.md")
    ap.add_argument("--nice", type=int, default=0, help="scheduling priority of the benchmark and its browser (e.g. -10, as root)")
    ap.add_argument("--budget", type=int, default=600, help="skip the remaining breakdown runs past this many seconds (default 600)")
    ap.add_argument("--time-limit", type=int, default=960, help="stop with an error after this many seconds (default 960)")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    try:
        mbit, rtt = (float(x) for x in args.throttle.split(","))
    except ValueError:
        ap.error("--throttle takes Mbit/s,round trip ms, e.g. 10,40")
    args.throttle = {"mbit": mbit, "rtt_ms": rtt}
    if args.no_gzip and not args.python_server:
        ap.error("nginx serves as the hosting page says, with gzip: --no-gzip needs --python-server")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def too_long(signum: int, frame: object) -> None:
        raise TimeoutError(f"the benchmark passed --time-limit={args.time_limit} s")

    if args.nice:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)  # inherited by the Playwright driver and Chromium
    signal.signal(signal.SIGALRM, too_long)
    signal.alarm(args.time_limit)
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        return _run(args, tmp, started, argv if argv is not None else sys.argv[1:])
    finally:
        signal.alarm(0)
        shutil.rmtree(tmp, ignore_errors=True)


def built_site(args: argparse.Namespace, tmp: Path) -> tuple[Path, list[float], float | None]:
    """The site to serve, the timed builds and the cold build (none with --site)."""
    if args.site:
        site = args.site.resolve()
        if not (site / "assets" / "pyodide" / "pyodide-lock.json").is_file():
            raise SystemExit(f"{site}: not a built site (no assets/pyodide/pyodide-lock.json)")
        return site, [], None
    cold = build.mkdocs_build(tmp / "site-cold", build.fresh_copy(tmp))
    log(f"cold build (fresh copy of the sources, no .cache): {cold:.2f} s")
    shutil.rmtree(tmp / "site-cold", ignore_errors=True)
    builds = []
    for i in range(max(1, args.builds)):
        builds.append(build.mkdocs_build(tmp / "site"))
        log(f"build {i + 1}: {builds[-1]:.2f} s")
    return tmp / "site", builds, cold


def serve(stack: ExitStack, args: argparse.Namespace, site: Path, tmp: Path) -> tuple[Any, Any, list[str], str]:
    """The server (nginx with a fake Zendesk allowed to frame the sidebar, or bench/server.py), the host, Chromium's extra args."""
    if args.python_server:
        server = stack.enter_context(Server(site, pages.overlay(site), use_gzip=not args.no_gzip))
        desc = ("bench/server.py: 127.0.0.1, HTTP/1.1, headers and Cache-Control of the Hospedagem page"
                + (", gzip level 1 (nginx default)" if not args.no_gzip else ", no compression"))
        return server, None, [], desc
    from zendesk_sidebar import framed_server

    server, host, trust = stack.enter_context(framed_server(site, tmp))
    return server, host, trust, server.description


def _run(args: argparse.Namespace, tmp: Path, started: float, argv: list[str]) -> int:
    site, builds, cold_build = built_site(args, tmp)
    paths = build.wizard_paths()
    log(f"{len(paths)} paths through the tree (Engine.paths), {sum(map(len, paths))} answers")
    from playwright.sync_api import sync_playwright

    with ExitStack() as stack:
        server, host, trust, server_desc = serve(stack, args, site, tmp)
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + trust, headless=True)
        stack.callback(browser.close)
        info = machine(browser.version)
        b = Bench(browser, server, args.throttle, build.guidelines_page())
        raw = stages.measure(b, host, args, paths, site, lambda msg: log(f"{msg}, {time.monotonic() - started:.0f} s elapsed"))
    info["loadavg_end"] = list(os.getloadavg())
    out = results.assemble(raw=raw, builds=builds, machine=info, runs=args.runs, paths=paths, cold_build=cold_build, server=server_desc,
                           command="make bench" if not argv else " ".join([".venv/bin/python bench/run.py", *argv]),
                           elapsed=time.monotonic() - started)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rounded(out), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(text_table.table(out))
    if not args.no_page:
        args.page.write_text(page.render(out), encoding="utf-8")
    log(f"wrote {args.out}" + ("" if args.no_page else f" and {args.page}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
