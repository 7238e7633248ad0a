"""A metric: samples, their median (or a percentile) and spread, and the target it is held to (met or missed).

bench/metrics.toml names every metric and holds the one list of targets:
issue #26's (Speed, round 3) and the earlier ones #26 did not replace. A
metric without a target is shown for reference (a baseline, a split).
"""

from __future__ import annotations

import statistics
import tomllib
from pathlib import Path
from typing import Any

MB = 1_000_000  # decimal megabyte: 1.5 MB = 1 500 000 bytes


METRICS = tomllib.loads((Path(__file__).resolve().parent / "metrics.toml").read_text(encoding="utf-8"))
GROUPS = METRICS.pop("group")  # group -> {en, pt, where}


def percentile(values: list[float], p: float) -> float | None:
    s = sorted(values)
    if not s:
        return None
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def median(values: list[Any]) -> float | None:
    kept = [v for v in values if v is not None]
    return statistics.median(kept) if kept else None


def ratios(num: list[float | None], den: list[float | None]) -> list[float]:
    """Per-run ratios (the runs side by side), skipping a run that lacks either number."""
    return [a / b for a, b in zip(num, den, strict=False) if a is not None and b]


def verdict(value: float | None, target: float | None, op: str = "<=") -> bool | None:
    if target is None or value is None:
        return None
    return value <= target if op == "<=" else value == target


def metric(key: str, samples: list[float | None], *, value: float | None = None, spread: tuple[float, float] | None = None,
           spread_kind: str = "min–max", fill: dict[str, Any] | None = None) -> dict[str, Any]:
    """Samples -> median (or `value`), spread and, when metrics.toml gives `key` a target, met or missed."""
    d = METRICS[key]
    kept = [float(s) for s in samples if s is not None]
    if value is None:
        value = median(kept)
    if spread is None and kept:
        spread = (min(kept), max(kept))
    t, stretch, op = d.get("target"), d.get("stretch"), d.get("op", "<=")
    return {
        "key": key, "group": d["group"], "label": ("  " if d.get("sub") else "") + d["en"].format(**(fill or {})),
        "label_pt": d["pt"], "what_pt": d["what"].format(**(fill or {})), "sub": d.get("sub", False), "unit": d["unit"],
        "value": value, "spread": list(spread) if spread else None, "spread_kind": spread_kind, "n": len(kept),
        "target": t, "stretch": stretch, "op": op, "issue": d.get("issue", ""),
        "pass": verdict(value, t, op), "stretch_pass": verdict(value, stretch) if stretch is not None else None,
        "samples": kept,
    }


def pooled(key: str, per_run: list[list[float]], p: float) -> dict[str, Any]:
    """A percentile over every sample of every run; the spread is that percentile in each run."""
    every = [x for run in per_run for x in run]
    runs = [v for v in (percentile(r, p) for r in per_run if r) if v is not None]
    return metric(key, every, value=percentile(every, p), spread=(min(runs), max(runs)) if runs else None, spread_kind=f"p{p:g} per run")
