"""The order of a run: a discarded warm-up, the measured runs side by side, the throttled first visits,
the framed Zendesk sidebar, then the start breakdown while the time budget lasts. Returns the raw samples."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import breakdown
import pages
from browser import BARE, BARE_MAIN, PYODIDE_PREFIX, Bench

ORDERS = (("wizard", "bare", "bare_main"), ("bare_main", "wizard", "bare"), ("bare", "bare_main", "wizard"))


def calc_values(run: int, count: int) -> list[str]:
    """Minutes to type: distinct, well above any minimum, one decimal comma among them."""
    base = 100 + run * 50
    return [f"{base + 3 * i}" if i % 4 else f"{base + 3 * i},5" for i in range(count)]


def main_runs(b: Bench, raw: dict[str, Any], paths: list[list[str]], args: Any, log: Callable[[str], None]) -> None:
    """The wizard, Pyodide alone in a worker and on the page, in an order that turns from run to run; the calculator
    and a guideline page. Every path of the tree is clicked once, split across the runs."""
    for run in range(args.runs):
        share = paths[run :: args.runs]
        for what in ORDERS[run % len(ORDERS)]:
            raw[what].append(b.wizard(share) if what == "wizard" else b.bare(BARE if what == "bare" else BARE_MAIN))
        raw["calculator"].append(b.calculator(calc_values(run, args.calc_changes)))
        raw["guidelines"].append(b.guidelines())
        w, br, bm = raw["wizard"][-1], raw["bare"][-1], raw["bare_main"][-1]
        log(f"run {run + 1}/{args.runs}: wizard first answer {w['cold']['first_answer']:.0f}/{w['warm']['first_answer']:.0f} ms "
            f"({w['cold']['start']}/{w['warm']['start']}), "
            f"Pyodide alone on the page {bm['cold']['ready']:.0f}/{bm['warm']['ready']:.0f} ms, "
            f"in a worker {br['cold']['ready']:.0f}/{br['warm']['ready']:.0f} ms (first/repeat visit), "
            f"warm-up {w['warm'].get('warm_up_ms')} ms, {len(w['answers'])} answers")


def throttled_runs(b: Bench, args: Any, log: Callable[[str], None]) -> dict[str, Any]:
    out: dict[str, list[Any]] = {"wizard": [], "bare_main": []}
    for run in range(args.throttled_runs):
        for what in (("wizard", "bare_main") if run % 2 == 0 else ("bare_main", "wizard")):
            out[what].append(b.first_visit_throttled(what))
        log(f"throttled {run + 1}/{args.throttled_runs}: wizard first answer {out['wizard'][-1]['first_answer']:.0f} ms, "
            f"Pyodide alone on the page {out['bare_main'][-1]['ready']:.0f} ms")
    return {**out, "link": args.throttle}


def profile_runs(b: Bench, args: Any, log: Callable[[str], None], deadline: float, one_run: float) -> dict[str, Any]:
    """The start breakdown, normal start and snapshot restore alternating, while the budget lasts."""
    prof: dict[str, list[Any]] = {mode: [] for mode in breakdown.PROFILE_MODES}
    for run in range(args.profile_runs):
        t = time.monotonic()
        if t + one_run > deadline:
            log(f"profile stopped after {run} runs: --budget {args.budget} s")
            break
        for mode in breakdown.PROFILE_MODES if run % 2 == 0 else reversed(breakdown.PROFILE_MODES):
            prof[mode].append(b.profile(mode))
        one_run = time.monotonic() - t
        log(f"profile {run + 1}/{args.profile_runs}")
    return prof


def measure(b: Bench, host: Any, args: Any, paths: list[list[str]], site: Path, log: Callable[[str], None]) -> dict[str, Any]:
    started = time.monotonic()
    raw: dict[str, Any] = {"wizard": [], "bare": [], "bare_main": [], "calculator": [], "guidelines": [], "throttled": {},
                           "zendesk": {}, "profile": {}, "warmup": {}}
    core = PYODIDE_PREFIX + pages.core_dir(site)
    b.server.warm_gzip([core + n for n in ("pyodide.asm.wasm", "python_stdlib.zip", "pyodide.asm.mjs", "pyodide.mjs")]
                       + [PYODIDE_PREFIX + "pyodide-lock.json", PYODIDE_PREFIX + "engine.json"])
    log("warm-up (discarded): wizard, Pyodide alone in a worker and on the page")
    raw["warmup"] = {"wizard": b.wizard([])["cold"]["ready"], "bare": b.bare()["cold"]["ready"],
                     "bare_main": b.bare(BARE_MAIN)["cold"]["ready"]}
    runs_started = time.monotonic()
    main_runs(b, raw, paths, args, log)
    one_run = (time.monotonic() - runs_started) / args.runs
    raw["throttled"] = throttled_runs(b, args, log)
    if host is not None and args.zendesk_runs:
        raw["zendesk"] = optional(raw, "Zendesk sidebar", lambda: zendesk(b, host, args.zendesk_runs, log), log) or {}
    raw["profile"] = optional(raw, "start breakdown", lambda: profile_runs(b, args, log, started + args.budget, one_run / 3), log) or {}
    return raw


def zendesk(b: Bench, host: Any, runs: int, log: Callable[[str], None]) -> dict[str, Any]:
    from zendesk_sidebar import framed_visits

    out = framed_visits(b, host, runs)
    z = out["repeat_visits"]
    log(f"Zendesk sidebar, framed: first answer {out['first_visit']['first_answer']:.0f} ms (first visit), "
        f"{sorted(r['first_answer'] for r in z)[len(z) // 2]:.0f} ms (repeat visits, median)")
    return out


def optional(raw: dict[str, Any], what: str, stage: Callable[[], Any], log: Callable[[str], None]) -> Any:
    """A stage that explains (the framed sidebar, the breakdown): if it fails, the run keeps what it measured and says so."""
    try:
        return stage()
    except Exception as exc:  # noqa: BLE001 (any failure of the stage is reported, not fatal)
        raw.setdefault("errors", []).append(f"{what}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        log(f"{what} failed: {raw['errors'][-1]}")
        return None
