"""A metric: samples, their median (or a percentile) and spread, and the target it is held to (met or missed).

TARGETS is the one list of targets: issue #26's (Speed, round 3) and the
earlier ones #26 did not replace. A metric without a target is shown for
reference (a baseline, a split).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

MB = 1_000_000  # decimal megabyte: 1.5 MB = 1 500 000 bytes


@dataclass(frozen=True)
class Target:
    value: float
    issue: str
    stretch: float | None = None
    op: str = "<="


TARGETS = {
    # issue #26: the answer as fast as a static page can react, and a lighter first visit
    "ratio_first_answer_warm": Target(0.35, "#26", stretch=0.25),
    "ratio_first_answer_cold": Target(0.35, "#26"),
    "answer_p95_ms": Target(16, "#26"),
    "calc_p95_ms": Target(16, "#26"),
    "longtasks_wizard_cold_ms": Target(100, "#26"),
    "longtasks_wizard_warm_ms": Target(100, "#26"),
    "longtasks_calculator_cold_ms": Target(100, "#26"),
    "bytes_wizard_cold": Target(8 * MB, "#26"),
    "bytes_calculator_cold": Target(8 * MB, "#26"),
    "slow_ratio": Target(0.6, "#26"),
    # with the Zendesk app every ticket opened is a repeat visit of the framed page: #26's repeat-visit target
    "zendesk_ratio_first_answer": Target(0.35, "#26"),
    # earlier issues' targets that #26 keeps
    "first_question_ms": Target(300, "#14"),
    "zendesk_question_ms": Target(300, "#23"),
    "snapshot_used": Target(100, "#14", op="=="),
    "bytes_guidelines": Target(1.5 * MB, "#14"),
    "pyodide_bytes_guidelines": Target(0, "#14", op="=="),
    "build_cold_s": Target(15, "#14"),
    "build_median_s": Target(15, "#14"),
}


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


@dataclass(frozen=True)
class Text:
    """What a metric is called: in English (the terminal) and pt-BR (the Desempenho page), and what it measures."""

    en: str
    pt: str
    what_pt: str = ""


def metric(key: str, text: Text, unit: str, samples: list[float | None], *, group: str, value: float | None = None,
           spread: tuple[float, float] | None = None, spread_kind: str = "min–max", sub: bool = False) -> dict[str, Any]:
    """Samples -> median (or `value`), spread and, when TARGETS holds `key`, the target and met/missed."""
    kept = [float(s) for s in samples if s is not None]
    if value is None:
        value = median(kept)
    if spread is None and kept:
        spread = (min(kept), max(kept))
    t = TARGETS.get(key)
    return {
        "key": key, "group": group, "label": text.en, "label_pt": text.pt, "what_pt": text.what_pt, "sub": sub,
        "unit": unit, "value": value, "spread": list(spread) if spread else None, "spread_kind": spread_kind, "n": len(kept),
        "target": t.value if t else None, "stretch": t.stretch if t else None, "op": t.op if t else "<=",
        "issue": t.issue if t else "",
        "pass": verdict(value, t.value, t.op) if t else None,
        "stretch_pass": verdict(value, t.stretch) if t and t.stretch is not None else None,
        "samples": kept,
    }


def pooled(key: str, text: Text, per_run: list[list[float]], p: float, group: str) -> dict[str, Any]:
    """A percentile over every sample of every run; the spread is that percentile in each run."""
    every = [x for run in per_run for x in run]
    runs = [v for v in (percentile(r, p) for r in per_run if r) if v is not None]
    return metric(key, text, "ms", every, group=group, value=percentile(every, p),
                  spread=(min(runs), max(runs)) if runs else None, spread_kind=f"p{p:g} per run")
