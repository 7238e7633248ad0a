"""Numbers as the terminal table (English) and the Desempenho page (pt-BR, through Babel) write them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.numbers import format_decimal
from metrics import MB

LOCALE = "pt_BR"


def num(x: float, decimals: int, pt: bool) -> str:
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(x, format=pattern, locale=LOCALE) if pt else f"{x:,.{decimals}f}"


def fmt(value: float | None, unit: str, pt: bool = False) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return num(value, 0 if value >= 100 else 1, pt) + " ms"
    if unit == "s":
        return num(value, 1, pt) + " s"
    if unit == "×":
        return num(value, 2, pt) + " ×"
    if unit == "%":
        return num(value, 0, pt) + " %"
    if unit == "B":
        if value >= MB:
            return num(value / MB, 2, pt) + " MB"
        if value >= 1000:
            return num(value / 1000, 1, pt) + " kB"
        return num(value, 0, pt) + " B"
    return num(value, 2, pt)


def target(m: dict[str, Any], pt: bool = False) -> str:
    if m["target"] is None:
        return ""
    text = ("= " if m["op"] == "==" else "≤ ") + fmt(m["target"], m["unit"], pt)
    if m.get("stretch") is not None:
        text += (" (ideal ≤ " if pt else " (stretch ≤ ") + fmt(m["stretch"], m["unit"], pt) + ")"
    return text


def spread(m: dict[str, Any], pt: bool = False) -> str:
    if not m["spread"]:
        return ""
    lo, hi = m["spread"]
    return f"{fmt(lo, m['unit'], pt)} – {fmt(hi, m['unit'], pt)}"


def verdict(m: dict[str, Any], pt: bool = False) -> str:
    """"met"/"missed" (pt-BR: "atende"/"não atende"), with the stretch target's; "" without a target or a value."""
    if m["pass"] is None:
        return ""
    out = ("atende" if m["pass"] else "**não atende**") if pt else ("met" if m["pass"] else "MISSED")
    if m.get("stretch_pass") is not None:
        if pt:
            out += " (ideal: " + ("atende" if m["stretch_pass"] else "não atende") + ")"
        else:
            out += " (stretch " + ("met" if m["stretch_pass"] else "missed") + ")"
    return out


def pt_date(iso: str) -> str:
    d = dt.datetime.fromisoformat(iso)
    offset = d.strftime("%z")
    return d.strftime("%d/%m/%Y %H:%M") + (f" (UTC{offset[:3]}:{offset[3:]})" if offset else "")


def link_pt(link: dict[str, Any]) -> str:
    return f"{num(link.get('mbit', 0), 0, True)} Mbit/s e {num(link.get('rtt_ms', 0), 0, True)} ms de ida e volta"
