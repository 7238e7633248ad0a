"""bench/results.json: the raw samples of bench/run.py turned into metrics (named and held to targets in
bench/metrics.toml) and a breakdown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import breakdown
from metrics import median, metric, pooled, ratios


def _col(rows: list[dict[str, Any]], visit: str, key: str) -> list[Any]:
    return [r[visit][key] for r in rows]


def repeat_metrics(w: list[dict[str, Any]], bm: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        metric("first_answer_warm_ms", _col(w, "warm", "first_answer")),
        metric("wizard_ready_warm_ms", _col(w, "warm", "ready")),
        metric("bare_main_ready_warm_ms", _col(bm, "warm", "ready")),
        metric("bare_ready_warm_ms", _col(b, "warm", "ready")),
        metric("ratio_first_answer_warm", ratios(_col(w, "warm", "first_answer"), _col(bm, "warm", "ready"))),
        metric("longtasks_wizard_warm_ms", _col(w, "warm", "long_task_sum")),
    ]


def long_tasks(key: str, loads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page's long tasks until ready, then the script time of Material's bundle and of ours in its long frames."""
    return [
        metric(key, [s["long_task_sum"] for s in loads]),
        metric(key.replace("_ms", "_material_ms"), [breakdown.owner_share(s, "material") for s in loads]),
        metric(key.replace("_ms", "_ours_ms"), [breakdown.owner_share(s, "ours") for s in loads]),
    ]


def first_metrics(w: list[dict[str, Any]], bm: list[dict[str, Any]], b: list[dict[str, Any]], c: list[dict[str, Any]],
                  g: list[dict[str, Any]]) -> list[dict[str, Any]]:
    loads = [r[v] for r in w for v in ("cold", "warm")]
    painted = [r["cold"]["question_paint"] if r["cold"]["question_paint"] is not None else r["cold"]["fcp"] for r in w]
    return [
        metric("first_question_ms", painted),
        metric("first_answer_cold_ms", _col(w, "cold", "first_answer")),
        metric("wizard_ready_cold_ms", _col(w, "cold", "ready")),
        metric("bare_main_ready_cold_ms", _col(bm, "cold", "ready")),
        metric("bare_ready_cold_ms", _col(b, "cold", "ready")),
        metric("ratio_first_answer_cold", ratios(_col(w, "cold", "first_answer"), _col(bm, "cold", "ready"))),
        *long_tasks("longtasks_wizard_cold_ms", [r["cold"] for r in w]),
        metric("calculator_ready_cold_ms", [r["cold"]["ready"] for r in c]),
        *long_tasks("longtasks_calculator_cold_ms", [r["cold"] for r in c]),
        metric("longtasks_material_alone_ms", [s["long_task_sum"] for s in g]),
        metric("snapshot_used", [100.0 * sum(1 for s in loads if s["start"] == "snapshot") / max(1, len(loads))]),
    ]


def slow_metrics(slow: dict[str, Any]) -> list[dict[str, Any]]:
    if not slow.get("wizard"):
        return []
    link = slow.get("link") or {}
    rate = {"rate": f"{link.get('mbit', 0):g} Mbit/s, {link.get('rtt_ms', 0):g} ms"}
    wiz, bare = [s["first_answer"] for s in slow["wizard"]], [s["ready"] for s in slow["bare_main"]]
    return [metric("slow_first_answer_ms", wiz, fill=rate), metric("slow_bare_main_ms", bare, fill=rate),
            metric("slow_ratio", ratios(wiz, bare)), metric("slow_bytes_wizard", [s["bytes"] for s in slow["wizard"]])]


def zendesk_metrics(z: dict[str, Any], bm: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The framed sidebar page, each ticket a repeat visit; its ratio to this run's Pyodide alone (median ÷ median)."""
    if not z:
        return []
    repeats = z["repeat_visits"]
    bare = median(_col(bm, "warm", "ready"))
    answer = metric("zendesk_first_answer_ms", [r["first_answer"] for r in repeats])
    return [
        metric("zendesk_question_ms", [r["question_paint"] for r in repeats]),
        answer,
        metric("zendesk_ratio_first_answer", [answer["value"] / bare] if answer["value"] is not None and bare else []),
        metric("zendesk_first_visit_ms", [z["first_visit"]["first_answer"]]),
    ]


def interaction_metrics(w: list[dict[str, Any]], c: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Percentiles over every answer (the wizard's paths) and every calculator change of the run."""
    series = (("answer_p50_ms", w, "answers", 50), ("answer_p95_ms", w, "answers", 95), ("answer_painted_p95_ms", w, "painted", 95),
              ("answer_engine_p95_ms", w, "engine", 95), ("calc_p50_ms", c, "changes", 50), ("calc_p95_ms", c, "changes", 95),
              ("calc_engine_p95_ms", c, "engine", 95))
    return [pooled(key, [r[name] for r in rows], p) for key, rows, name, p in series]


def bytes_metrics(w: list[dict[str, Any]], c: list[dict[str, Any]], g: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        metric("bytes_guidelines", [r["bytes"] for r in g]),
        metric("pyodide_bytes_guidelines", [r["pyodide_bytes"] + r["pyodide_requests"] for r in g]),
        metric("bytes_wizard_cold", _col(w, "cold", "bytes")),
        metric("bytes_wizard_warm", _col(w, "warm", "bytes")),
        metric("bytes_calculator_cold", [r["cold"]["bytes"] for r in c]),
    ]


def build_metrics(builds: list[float], cold_build: float | None) -> list[dict[str, Any]]:
    cold = [metric("build_cold_s", [cold_build])] if cold_build is not None else []
    return cold + ([metric("build_median_s", builds, fill={"builds": len(builds)})] if builds else [])


def assemble(*, raw: dict[str, Any], builds: list[float], machine: dict[str, Any], runs: int, paths: list[list[str]], command: str,
             cold_build: float | None, server: str, elapsed: float) -> dict[str, Any]:
    w, b, bm, c, g = raw["wizard"], raw["bare"], raw["bare_main"], raw["calculator"], raw["guidelines"]
    slow = raw.get("throttled") or {}
    m = [*repeat_metrics(w, bm, b), *first_metrics(w, bm, b, c, g), *slow_metrics(slow), *zendesk_metrics(raw.get("zendesk") or {}, bm),
         *interaction_metrics(w, c), *bytes_metrics(w, c, g), *build_metrics(builds, cold_build)]
    return {
        "date": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
        "command": command,
        "runs": runs,
        "throttled_runs": len(slow.get("wizard", [])),
        "zendesk_runs": len((raw.get("zendesk") or {}).get("repeat_visits", [])),
        "link": slow.get("link") or {},
        "elapsed_s": round(elapsed, 1),
        "machine": machine,
        "method": method(server, paths),
        "errors": raw.get("errors", []),
        "metrics": {x["key"]: x for x in m},
        "breakdown": breakdown.breakdown(raw),
        "raw": raw,
    }
def reassemble(old: dict[str, Any], paths: list[list[str]]) -> dict[str, Any]:
    """The metrics and breakdown of a results file computed again from its raw samples (after a change of
    bench/metrics.toml or of the report); the run's date, command and machine stay."""
    m = old["metrics"]
    builds = m["build_median_s"]["samples"] if "build_median_s" in m else []
    cold = m["build_cold_s"]["samples"][0] if "build_cold_s" in m else None
    new = assemble(raw=old["raw"], builds=builds, machine=old["machine"], runs=old["runs"], paths=paths, command=old["command"],
                   cold_build=cold, server=old["method"]["server"], elapsed=old["elapsed_s"])
    return new | {"date": old["date"]}


def method(server: str, paths: list[list[str]]) -> dict[str, str]:
    return {
        "server": server,
        "first visit": "new browser context (empty HTTP cache)",
        "repeat visit": "the same URL opened again in the same context right after",
        "first answer": "bench/js/init.js picks the first option and presses 'Próxima' as soon as the wizard is mounted; "
        "first answer processed = the history list shows the answer (engine answered, page rendered)",
        "ready": "performance.now() (navigation start = 0) when the app's data-engine attribute becomes 'ready'; "
        "Pyodide alone: when loadPyodide resolves (on the page, or in its module worker)",
        "throttled": "DevTools protocol Network.emulateNetworkConditions (applies to the page's workers too)",
        "answer": "in page (bench/js/answer_paths.js): click 'Próxima' -> MutationObserver sees the history list grow; "
        f"every full path of the tree (Engine.paths: {len(paths)} paths, {sum(map(len, paths))} answers) split across the runs",
        "calculator": "in page (bench/js/calc_changes.js): set the minutes field and dispatch 'input' -> the total's text changes",
        "long_tasks": "PerformanceObserver('longtask') from bench/js/init.js; sum of durations (each > 50 ms) until engine ready; "
        "Material's and ours: script time by source URL in the long animation frames until ready",
        "bytes": "bytes the server wrote (status line + headers + body) until 0.6 s without a request, including the worker's",
        "zendesk": "the sidebar page framed by the fake Zendesk of the tests (tests/zendesk_host.py) on another origin, "
        "one browser context: a first visit, then one repeat visit per ticket",
        "profile": "the wizard page with its worker started through bench-profile-worker.js: the site's worker.js with "
        "bench/js/profile_hooks.js on fetch, WebAssembly and postMessage; times since the worker started",
        "build": "wall time of make build's steps for the analysts' site (build-docs, mkdocs build --strict, check-site): once in a "
        "fresh copy of the sources without .cache/ (node_modules and .git linked), then --builds times in the repository (median)",
    }
