"""Where the time goes: the splits of the raw samples that explain the metrics (no targets here).

- the long animation frames' script time until ready, per script and per
  owner (Material's bundle, ours, the rest);
- one answer and one calculator change split into page JS, worker, rendering;
- the wizard page's start (navigation → Worker → ready → first answer);
- the start breakdown: the product worker's events (bench/js/profile_hooks.js)
  on a timeline, normal start and snapshot restore, first and repeat visit.
"""

from __future__ import annotations

import re
from typing import Any

from metrics import median, percentile

from decision_tree.core import urls

VISITS = ("cold", "warm")
PROFILE_MODES = ("normal", "snapshot")
OWNERS = ("material", "ours", "other")  # who wrote the script a long frame ran


def owner(source: str) -> str:
    """Material's bundle (assets/javascripts/), the project's app (assets/app/), or anything else."""
    if "/assets/javascripts/" in source:
        return "material"
    if "/assets/app/" in source:
        return "ours"
    return "other"


def _script_key(script: dict[str, Any]) -> tuple[str, str]:
    name = (script["source"] or script["invoker"] or "").split("?")[0]
    return (name.split("/", 3)[-1] if "://" in name else (name or "(inline)")), script["type"]


def by_source(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean per load, over the long animation frames before ready: script time per script and per owner,
    the forced style/layout inside those scripts and the frames' blocking time."""
    scripts: dict[str, float] = {}
    owners = dict.fromkeys(OWNERS, 0.0)
    forced = blocking = frames = 0.0
    for s in samples:
        for f in s.get("long_frames", []):
            blocking += f["blocking"] or 0.0
            frames += f["duration"]
            for sc in f["scripts"]:
                name, kind = _script_key(sc)
                scripts[f"{name} ({kind})"] = scripts.get(f"{name} ({kind})", 0.0) + sc["duration"]
                owners[owner(sc["source"] or "")] += sc["duration"]
                forced += sc.get("forcedLayout") or 0.0
    n = max(1, len(samples))
    return {
        "scripts": {k: v / n for k, v in sorted(scripts.items(), key=lambda kv: -kv[1])},
        "owners": {k: v / n for k, v in owners.items()},
        "frames": frames / n,
        "forced_layout": forced / n,
        "blocking": blocking / n,
    }


def owner_share(sample: dict[str, Any], who: str) -> float:
    """One load's script time of `who` in the long frames before ready."""
    return sum(sc["duration"] for f in sample.get("long_frames", []) for sc in f["scripts"] if owner(sc["source"] or "") == who)


SPLIT = ("page JS until postMessage", "worker round trip", "page JS rendering")


def split(runs: list[list[list[float]]]) -> dict[str, dict[str, float | None]]:
    rows = [x for r in runs for x in r]
    if not rows:
        return {}
    return {n: {"p50": percentile([r[i] for r in rows], 50), "p95": percentile([r[i] for r in rows], 95)} for i, n in enumerate(SPLIT)}


def wizard_page(w: list[dict[str, Any]]) -> dict[str, Any]:
    pyodide = "/" + urls.PYODIDE
    return {
        visit: {
            "navigation_to_new_worker_ms": median([r[visit]["worker_created"] for r in w]),
            "worker_to_ready_ms": median([r[visit]["readyMs"] for r in w]),
            "ready_to_first_answer_ms": median(
                [r[visit]["first_answer"] - r[visit]["ready"] for r in w if r[visit]["first_answer"] is not None]),
            "pyodide_requests": median([sum(1 for h in r[visit]["hits"] if h[0].startswith(pyodide)) for r in w]),
            "pyodide_not_modified": median([sum(1 for h in r[visit]["hits"] if h[0].startswith(pyodide) and h[1] == 304) for r in w]),
        }
        for visit in VISITS
    }


# -- the start breakdown (the product worker's events) --------------------------------------


def event_key(path: str) -> str:
    """A downloaded file's event name: the snapshot's slices and the engine wheel as one event each."""
    if re.search(r"/snapshot-[^/]+/", path):
        return "snapshot" if not path.endswith(".zip") else "stdlib placeholder"
    if path.endswith(".whl"):
        return "wheel"
    return path.rsplit("/", 1)[-1]


def events(sample: dict[str, Any]) -> dict[str, float]:
    """ms since the worker started at which each event of the start ended, up to "ready" (first occurrence;
    a file: when its download ended, the snapshot's slices: the last one)."""
    marks = {m["name"]: m["at"] for m in reversed(sample["marks"])}  # reversed: the first occurrence wins
    t0 = marks.get("worker started", 0.0)
    ready = marks.get("ready")
    out: dict[str, float] = {}
    for r in sample["resources"]:
        if ready is not None and r["end"] > ready:
            continue  # after ready (the real standard library behind a restore, the warm-up): off the start
        key = event_key(r["name"])
        if key == "snapshot" or key not in out:
            out[key] = max(out.get(key, 0.0), r["end"] - t0)
    for name, at in marks.items():
        if name in ("response", "fetch failed", "worker started", "warm"):
            continue
        out[name] = at - t0
    return dict(sorted(out.items(), key=lambda kv: kv[1]))


def profile(prof: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Per mode and visit: the median time of each event, the page's ready and how the worker started."""
    out: dict[str, Any] = {}
    for mode, samples in prof.items():
        for visit in VISITS:
            runs = [s[visit] for s in samples if visit in s]
            if not runs:
                continue
            timelines = [events(r) for r in runs]
            names = sorted({n for t in timelines for n in t}, key=lambda n: median([t.get(n) for t in timelines]) or 0.0)
            progress = next((m["detail"] for m in runs[0]["marks"] if m["name"] == "progress 2"), "")
            out[f"{mode}/{visit}"] = {
                "runs": len(runs),
                "events": {n: median([t.get(n) for t in timelines]) for n in names},
                "ready_page": median([r["ready"] for r in runs]),
                "worker_created": median([r["worker_created"] for r in runs]),
                "starts": [r["start"] for r in runs],
                "progress_2": progress,
            }
    return out


def breakdown(raw: dict[str, Any]) -> dict[str, Any]:
    w = raw["wizard"]
    out: dict[str, Any] = {
        "wizard_page": wizard_page(w),
        "answer_split_ms": split([r.get("split", []) for r in w]),
        "calc_split_ms": split([r.get("split", []) for r in raw["calculator"]]),
        "long_frames_wizard_cold": by_source([r["cold"] for r in w]),
        "long_frames_calculator_cold": by_source([r["cold"] for r in raw["calculator"]]),
        "long_frames_guidelines": by_source(raw["guidelines"]),
    }
    if any(raw.get("profile", {}).values()):
        out["profile"] = profile(raw["profile"])
    return out
