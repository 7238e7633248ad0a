"""The site's "Desempenho" page (docs/desempenho.md): bench/templates/desempenho.md.j2 filled with a run's results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import breakdown
from fmt import fmt, link_pt, num, pt_date, spread, target, verdict
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from metrics import GROUPS

TEMPLATES = Path(__file__).resolve().parent / "templates"

EVENTS_PT = {
    "engine.json": "`engine.json` baixado",
    "pyodide-lock.json": "`pyodide-lock.json` baixado",
    "pyodide.mjs": "`pyodide.mjs` baixado",
    "pyodide.asm.mjs": "`pyodide.asm.mjs` baixado",
    "pyodide.asm.wasm": "WebAssembly baixado",
    "wasm compile started": "compilação do WebAssembly iniciada",
    "wasm compiled": "WebAssembly compilado",
    "snapshot": "estado inicial salvo baixado (a última parte)",
    "stdlib placeholder": "biblioteca padrão provisória baixada",
    "python_stdlib.zip": "biblioteca padrão do Python baixada",
    "wheel": "pacote do assistente (`.whl`) baixado",
    "wasm instantiated": "WebAssembly instanciado",
    "ready": "**motor pronto** (mensagem `ready`)",
    "failed": "falhou (mensagem `failed`)",
}
SPLIT_PT = dict(zip(breakdown.SPLIT, ("a página envia ao motor", "o motor responde", "a página desenha a resposta"), strict=True))
OWNERS_PT = {"material": "pacote do Material (`assets/javascripts/`)", "ours": "nosso código (`assets/app/`)", "other": "outros"}
INVOKERS_PT = {
    "classic-script": "execução do script", "module-script": "execução do módulo", "event-listener": "tratando um evento",
    "user-callback": "função agendada", "resolve-promise": "continuação de promessa", "reject-promise": "promessa rejeitada",
}
MODES_PT = {"normal": "Início normal (`?snapshot=never`: preparar o Python do zero)", "snapshot": "Restaurando o estado inicial salvo"}


def ms(v: float | None) -> str:
    return fmt(v, "ms", True)


def row(m: dict[str, Any]) -> dict[str, str]:
    label = m["label_pt"].strip()
    return {"label": ("↳ " + label) if m["sub"] else label, "value": fmt(m["value"], m["unit"], True), "spread": spread(m, True),
            "target": target(m, True), "issue": m["issue"], "verdict": verdict(m, True), "what": m["what_pt"],
            "where": GROUPS[m["group"]]["where"]}


def groups(results: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for m in results["metrics"].values():
        if not out or out[-1]["key"] != m["group"]:
            out.append({"key": m["group"], "title": GROUPS[m["group"]]["pt"], "rows": []})
        out[-1]["rows"].append(row(m))
    return out


def event_pt(name: str, detail: str) -> str:
    if name.startswith("progress "):
        return f"o Worker avisa: “{detail}”" if detail else "aviso do Worker"
    return EVENTS_PT.get(name, f"`{name}` baixado")


def profile_tables(prof: dict[str, Any]) -> list[dict[str, Any]]:
    """One table per start mode: each event's time since the worker started, first and repeat visit."""
    tables = []
    for mode in breakdown.PROFILE_MODES:
        cols = [prof[f"{mode}/{v}"] for v in breakdown.VISITS if f"{mode}/{v}" in prof]
        if not cols:
            continue
        names: list[str] = []
        for c in cols:
            names += [n for n in c["events"] if n not in names]
        rows = [{"label": event_pt(n, cols[0]["progress_2"] if n == "progress 2" else ""), "values": [ms(c["events"].get(n)) for c in cols]}
                for n in names if n != "progress 1"]
        rows.append({"label": "da abertura da página até o motor pronto", "values": [ms(c["ready_page"]) for c in cols]})
        starts = [", ".join(sorted({str(s) for s in c["starts"]})) for c in cols]
        tables.append({"title": MODES_PT[mode], "runs": cols[0]["runs"], "rows": rows, "starts": starts})
    return tables


def script_pt(key: str) -> str:
    name, _, kind = key.rpartition(" (")
    kind = kind.rstrip(")")
    return f"`{name}` ({INVOKERS_PT.get(kind, kind)})"


def frames(bd: dict[str, Any]) -> dict[str, Any]:
    """The long frames until ready, per owner and per script (mean per first visit), wizard beside calculator."""
    wiz, calc = bd["long_frames_wizard_cold"], bd["long_frames_calculator_cold"]
    keys = [*wiz["scripts"], *(k for k in calc["scripts"] if k not in wiz["scripts"])]
    return {
        "owners": [{"label": OWNERS_PT[k], "wizard": ms(wiz["owners"][k]), "calculator": ms(calc["owners"][k]),
                    "guidelines": ms(bd["long_frames_guidelines"]["owners"][k])} for k in breakdown.OWNERS],
        "scripts": [{"label": script_pt(k), "wizard": ms(wiz["scripts"].get(k)), "calculator": ms(calc["scripts"].get(k))} for k in keys],
        "totals": {k: {"wizard": ms(wiz[k]), "calculator": ms(calc[k]), "guidelines": ms(bd["long_frames_guidelines"][k])}
                   for k in ("frames", "forced_layout", "blocking")},
    }


def context(results: dict[str, Any]) -> dict[str, Any]:
    mach, bd = results["machine"], results["breakdown"]
    wp = bd["wizard_page"]
    with_target = [m for m in results["metrics"].values() if m["target"] is not None]
    return {
        "r": results, "date": pt_date(results["date"]), "groups": groups(results), "targets": [row(m) for m in with_target],
        "met": sum(1 for m in with_target if m["pass"]), "total": len(with_target),
        "load": [num(mach["loadavg_start"][0], 1, True), num(mach["loadavg_end"][0], 1, True)],
        "overloaded": max(mach["loadavg_start"][0], mach["loadavg_end"][0]) > (mach["nproc"] or 1),
        "link": link_pt(results["link"]) if results.get("link") else "",
        "wizard_page": {v: {k: ms(x) for k, x in wp[v].items()} | {"requests": num(wp[v]["pyodide_requests"] or 0, 0, True)} for v in wp},
        "split": [{"label": SPLIT_PT[k], "answer": [ms((bd["answer_split_ms"].get(k) or {}).get(p)) for p in ("p50", "p95")],
                   "calc": [ms((bd["calc_split_ms"].get(k) or {}).get(p)) for p in ("p50", "p95")]} for k in breakdown.SPLIT],
        "frames": frames(bd),
        "profile": profile_tables(bd.get("profile") or {}),
    }


def render(results: dict[str, Any]) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, autoescape=True, keep_trailing_newline=True,
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("desempenho.md.j2").render(context(results))
