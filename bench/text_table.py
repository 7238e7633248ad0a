"""What `make bench` prints: every target beside its measured value (met or missed), then every metric and the breakdown."""

from __future__ import annotations

from typing import Any

import breakdown
from fmt import fmt, spread, target, verdict
from metrics import GROUPS


def columns(rows: list[tuple[str, ...]], left: tuple[int, ...]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for i, r in enumerate(rows):
        lines.append("  ".join(c.ljust(widths[j]) if j in left else c.rjust(widths[j]) for j, c in enumerate(r)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def targets(results: dict[str, Any]) -> list[str]:
    """Every metric with a target: issue, value, target, met or missed."""
    rows: list[tuple[str, ...]] = [("target", "issue", "measured", "target", "")]
    for m in results["metrics"].values():
        if m["target"] is not None:
            rows.append((m["label"].strip(), m["issue"], fmt(m["value"], m["unit"]), target(m), verdict(m) or "no value"))
    met = sum(1 for m in results["metrics"].values() if m["pass"])
    total = sum(1 for m in results["metrics"].values() if m["target"] is not None)
    return ["Targets:", *columns(rows, (0, 1, 4)), f"{met} of {total} targets met"]


def metrics(results: dict[str, Any]) -> list[str]:
    rows: list[tuple[str, ...]] = [("metric", "median/value", "spread", "n", "target", "")]
    group = None
    for m in results["metrics"].values():
        if m["group"] != group:
            group = m["group"]
            rows.append((f"[{GROUPS[group]["en"]}]", "", "", "", "", ""))
        rows.append((m["label"], fmt(m["value"], m["unit"]), spread(m), str(m["n"]), target(m), verdict(m)))
    return columns(rows, (0, 5))


def _f(v: float | None) -> str:
    return "—" if v is None else f"{v:.0f}"


def details(results: dict[str, Any]) -> list[str]:
    bd = results["breakdown"]
    lines = ["Wizard page (medians, ms):"]
    for visit, v in bd["wizard_page"].items():
        lines.append(
            f"  {visit:<5} navigation -> Worker created {_f(v['navigation_to_new_worker_ms'])}, "
            f"Worker -> ready {_f(v['worker_to_ready_ms'])}, "
            f"ready -> first answer {_f(v['ready_to_first_answer_ms'])}; requests under /assets/pyodide/ {_f(v['pyodide_requests'])} "
            f"({_f(v['pyodide_not_modified'])} answered 304)")
    for title, key in (("one answer", "answer_split_ms"), ("calculator change", "calc_split_ms")):
        parts = ", ".join(f"{k} {v['p50']:.1f}/{v['p95']:.1f}" for k, v in bd[key].items())
        lines.append(f"  {title} (p50/p95): {parts}")
    for title, key in (("wizard first visit", "long_frames_wizard_cold"), ("calculator first visit", "long_frames_calculator_cold"),
                       ("guideline page", "long_frames_guidelines")):
        frames = bd[key]
        owners = ", ".join(f"{k} {v:.0f}" for k, v in frames["owners"].items())
        lines.append(f"  long animation frames before ready, {title}: {frames['frames']:.0f} ms of frames; script time by owner: {owners}")
        lines.append("    " + ", ".join(f"{k} {v:.0f}" for k, v in list(frames["scripts"].items())[:6]))
    return lines


def profile(bd: dict[str, Any]) -> list[str]:
    prof = bd.get("profile") or {}
    if not prof:
        return []
    cols = [k for k in (f"{m}/{v}" for m in breakdown.PROFILE_MODES for v in breakdown.VISITS) if k in prof]
    names: list[str] = []
    for c in cols:
        names += [n for n in prof[c]["events"] if n not in names]
    rows: list[tuple[str, ...]] = [("event (ms since the worker started)", *cols)]
    rows += [(n, *(_f(prof[c]["events"].get(n)) for c in cols)) for n in names]
    rows.append(("page: navigation -> ready", *(_f(prof[c]["ready_page"]) for c in cols)))
    rows.append(("how it started", *(",".join(sorted(set(map(str, prof[c]["starts"])))) for c in cols)))
    n = prof[cols[0]]["runs"]
    return [f"Start breakdown: the site's worker.js with bench/js/profile_hooks.js (median of {n} runs):", *columns(rows, (0,))]


def mechanisms(results: dict[str, Any]) -> list[str]:
    """Which mechanism moved which number, measured in this run."""
    prof = results["breakdown"].get("profile") or {}
    out = ["What moved the numbers (this run):"]
    for visit, title in (("warm", "repeat visit"), ("cold", "first visit")):
        a, b = (prof.get(f"{m}/{visit}", {}).get("ready_page") for m in ("normal", "snapshot"))
        if a and b:
            out.append(f"  snapshot restore instead of the normal start, {title}: engine ready {a:.0f} -> {b:.0f} ms ({b / a:.2f}×)")
    wp = results["breakdown"]["wizard_page"]["warm"]
    out.append(f"  versioned, immutable core and snapshot URLs: a repeat visit asks the server {_f(wp['pyodide_requests'])} times "
               f"under /assets/pyodide/ ({_f(wp['pyodide_not_modified'])} answered 304)")
    return out


def table(results: dict[str, Any]) -> str:
    mach = results["machine"]
    lines = [*metrics(results), ""]
    lines.append(
        f"{results['date']}  {mach['nproc']} CPUs ({mach['cpu']}), load {mach['loadavg_start'][0]:.1f}→{mach['loadavg_end'][0]:.1f}, "
        f"Chromium {mach['chromium']}, Pyodide {mach['pyodide']}; spread = min–max over runs "
        "(for percentiles: the percentile of each run); ratios: median of the per-run ratios")
    lines += ["", *details(results)]
    if results["breakdown"].get("profile"):
        lines += ["", *profile(results["breakdown"]), "", *mechanisms(results)]
    lines += ["", *targets(results), *(f"not measured: {e}" for e in results.get("errors", [])),
              f"\ncommand: {results['command']}  ({results['elapsed_s']:.0f} s)"]
    return "\n".join(lines)
