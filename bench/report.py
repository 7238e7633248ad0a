"""Turn the raw samples of bench/run.py into metrics, a table and the site page."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

MB = 1_000_000  # decimal megabyte: 1.5 MB = 1 500 000 bytes


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def _metric(
    key: str,
    label: str,
    label_pt: str,
    unit: str,
    samples: list[float],
    *,
    target: float | None = None,
    op: str = "<=",
    value: float | None = None,
    spread: tuple[float, float] | None = None,
    spread_kind: str = "min–max",
    group: str = "",
) -> dict[str, Any]:
    samples = [float(s) for s in samples if s is not None]
    if value is None:
        value = statistics.median(samples) if samples else None
    if spread is None and samples:
        spread = (min(samples), max(samples))
    ok = None
    if target is not None and value is not None:
        ok = value <= target if op == "<=" else value == target
    return {
        "key": key,
        "group": group,
        "label": label,
        "label_pt": label_pt,
        "unit": unit,
        "value": value,
        "spread": list(spread) if spread else None,
        "spread_kind": spread_kind,
        "n": len(samples),
        "target": target,
        "op": op,
        "pass": ok,
        "samples": samples,
    }


def _pooled(key: str, label: str, label_pt: str, per_run: list[list[float]], p: float, target: float | None, group: str) -> dict[str, Any]:
    """A percentile over every sample of every run; the spread is that percentile in each run."""
    pooled = [x for run in per_run for x in run]
    runs = [percentile(r, p) for r in per_run if r]
    return _metric(
        key,
        label,
        label_pt,
        "ms",
        pooled,
        target=target,
        value=percentile(pooled, p),
        spread=(min(runs), max(runs)) if runs else None,
        spread_kind=f"p{p:g} per run",
        group=group,
    )


def _phases(samples: list[dict[str, Any]]) -> dict[str, float]:
    names: list[str] = []
    for s in samples:
        for name in s.get("phases", {}):
            if name not in names:
                names.append(name)
    return {n: statistics.median([s["phases"][n] for s in samples if n in s.get("phases", {})]) for n in names}


def _med(values: list[Any]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _by_source(samples: list[dict[str, Any]]) -> dict[str, float]:
    """Mean per load, over the long animation frames before ready: script time per script URL,
    then the forced style/layout inside those scripts and the frames' blocking time."""
    scripts: dict[str, float] = {}
    forced = blocking = 0.0
    for s in samples:
        for f in s.get("long_frames", []):
            blocking += f["blocking"] or 0.0
            for sc in f["scripts"]:
                name = (sc["source"] or sc["invoker"] or "").split("?")[0]
                name = name.split("/", 3)[-1] if "://" in name else (name or "(inline)")
                key = f"{name} ({sc['type']})"
                scripts[key] = scripts.get(key, 0.0) + sc["duration"]
                forced += sc.get("forcedLayout") or 0.0
    n = max(1, len(samples))
    out = {k: v / n for k, v in sorted(scripts.items(), key=lambda kv: -kv[1])}
    out["(forced style/layout inside those scripts)"] = forced / n
    out["(blocking time of the long frames)"] = blocking / n
    return out


def _split(runs: list[list[list[float]]]) -> dict[str, dict[str, float]]:
    rows = [x for r in runs for x in r]
    names = ("page JS until postMessage", "worker round trip", "page JS rendering")
    return {n: {"p50": percentile([r[i] for r in rows], 50), "p95": percentile([r[i] for r in rows], 95)} for i, n in enumerate(names)}


def breakdown(raw: dict[str, Any]) -> dict[str, Any]:
    prof = raw.get("profile") or {}
    w = raw["wizard"]
    out: dict[str, Any] = {
        "wizard_page": {
            "navigation_to_new_worker_ms": _med([r["cold"]["worker_created"] for r in w]),
            "navigation_to_new_worker_warm_ms": _med([r["warm"]["worker_created"] for r in w]),
            "worker_boot_to_ready_ms_client": _med([r["cold"]["readyMs"] for r in w]),
            "worker_boot_to_ready_ms_client_warm": _med([r["warm"]["readyMs"] for r in w]),
            "worker_reported_ms": _med([(r["cold"]["worker"].get("ready") or {}).get("ms") for r in w]),
        },
        "answer_split_ms": _split([r.get("split", []) for r in w]),
        "calc_split_ms": _split([r.get("split", []) for r in raw["calculator"]]),
        "long_frames_wizard_cold_ms": _by_source([r["cold"] for r in w]),
        "long_frames_wizard_warm_ms": _by_source([r["warm"] for r in w]),
        "long_frames_calculator_cold_ms": _by_source([r["cold"] for r in raw["calculator"]]),
        "bare_page": {
            "navigation_to_new_worker_ms": _med([r["cold"]["worker_created"] for r in raw["bare"]]),
            "worker_phases_cold": _phases([r["cold"]["worker"].get("done", {}) for r in raw["bare"] if r["cold"]["worker"].get("done")]),
        },
    }
    if prof.get("product"):
        out["profile"] = {
            "runs": len(prof["product"]),
            "ready_ms": {
                "bare Pyodide": _med([s["ready"] for s in prof["bare"]]),
                "product worker alone (bare page + decision-tree)": _med([s["ready"] for s in prof["product"]]),
                "worker without the wheel (engine files via FS)": _med([s["ready"] for s in prof["fs"]]),
                "wizard page": _med([s["ready"] for s in prof["wizard"]]),
                "wizard page, search index 404": _med([s["ready"] for s in prof["wizard_no_search"]]),
            },
            "phases_product_ms": _phases(prof["product"]),
            "phases_split_ms": _phases(prof["split"]),
            "phases_fs_ms": _phases(prof["fs"]),
            "worker_answer_median_ms": _med([s.get("answerMedian") for s in prof["product"]]),
            "worker_answer_max_ms": _med([s.get("answerMax") for s in prof["product"]]),
            "bundle_chars": _med([s.get("bundleChars") for s in prof["product"]]),
        }
    return out


def assemble(
    *,
    raw: dict[str, Any],
    builds: list[float],
    machine: dict[str, Any],
    runs: int,
    paths: list[list[str]],
    command: str,
    cold_build: float | None,
    gzip: bool,
    elapsed: float,
) -> dict[str, Any]:
    w, b, c, g = raw["wizard"], raw["bare"], raw["calculator"], raw["guidelines"]

    def first_question(sample: dict[str, Any]) -> float | None:
        return sample["question_paint"] if sample["question_paint"] is not None else sample["fcp"]

    ratio_cold = [x["cold"]["ready"] / y["cold"]["ready"] for x, y in zip(w, b, strict=True)]
    ratio_warm = [x["warm"]["ready"] / y["warm"]["ready"] for x, y in zip(w, b, strict=True)]
    ratio_cold_ran = [x["cold"]["ready"] / y["cold"]["ran"] for x, y in zip(w, b, strict=True) if y["cold"]["ran"]]
    ratio_warm_ran = [x["warm"]["ready"] / y["warm"]["ran"] for x, y in zip(w, b, strict=True) if y["warm"]["ran"]]
    L, S, A, B, M = "load", "start", "interaction", "bytes", "build"
    m = [
        _metric(
            "first_question_ms",
            "First question visible (cold)",
            "Primeira pergunta visível (frio)",
            "ms",
            [first_question(r["cold"]) for r in w],
            target=300,
            group=L,
        ),
        _metric(
            "first_question_warm_ms",
            "First question visible (warm)",
            "Primeira pergunta visível (quente)",
            "ms",
            [first_question(r["warm"]) for r in w],
            group=L,
        ),
        _metric(
            "wizard_ready_cold_ms", "Wizard engine ready, cold", "Assistente pronto, frio", "ms", [r["cold"]["ready"] for r in w], group=S
        ),
        _metric(
            "bare_ready_cold_ms", "Bare Pyodide ready, cold", "Pyodide puro pronto, frio", "ms", [r["cold"]["ready"] for r in b], group=S
        ),
        _metric(
            "bare_ran_cold_ms",
            "Bare Pyodide + runPython('1'), cold",
            "Pyodide puro + runPython('1'), frio",
            "ms",
            [r["cold"]["ran"] for r in b],
            group=S,
        ),
        _metric("ratio_ready_cold", "Wizard ÷ bare, cold", "Assistente ÷ Pyodide puro, frio", "×", ratio_cold, target=1.10, group=S),
        _metric(
            "ratio_ready_cold_ran",
            "Wizard ÷ (bare + runPython), cold",
            "Assistente ÷ (puro + runPython), frio",
            "×",
            ratio_cold_ran,
            group=S,
        ),
        _metric(
            "wizard_ready_warm_ms", "Wizard engine ready, warm", "Assistente pronto, quente", "ms", [r["warm"]["ready"] for r in w], group=S
        ),
        _metric(
            "bare_ready_warm_ms", "Bare Pyodide ready, warm", "Pyodide puro pronto, quente", "ms", [r["warm"]["ready"] for r in b], group=S
        ),
        _metric(
            "bare_ran_warm_ms",
            "Bare Pyodide + runPython('1'), warm",
            "Pyodide puro + runPython('1'), quente",
            "ms",
            [r["warm"]["ran"] for r in b],
            group=S,
        ),
        _metric("ratio_ready_warm", "Wizard ÷ bare, warm", "Assistente ÷ Pyodide puro, quente", "×", ratio_warm, target=1.10, group=S),
        _metric(
            "ratio_ready_warm_ran",
            "Wizard ÷ (bare + runPython), warm",
            "Assistente ÷ (puro + runPython), quente",
            "×",
            ratio_warm_ran,
            group=S,
        ),
        _metric(
            "calculator_ready_cold_ms",
            "Calculator engine ready, cold",
            "Calculadora pronta, frio",
            "ms",
            [r["cold"]["ready"] for r in c],
            group=S,
        ),
        _pooled("answer_p50_ms", "One answer, p50", "Uma resposta, p50", [r["answers"] for r in w], 50, None, A),
        _pooled("answer_p95_ms", "One answer, p95", "Uma resposta, p95", [r["answers"] for r in w], 95, 30, A),
        _pooled(
            "answer_painted_p95_ms",
            "One answer to next frame, p95",
            "Uma resposta até o quadro seguinte, p95",
            [r["painted"] for r in w],
            95,
            None,
            A,
        ),
        _pooled(
            "answer_engine_p95_ms",
            "Engine round trip (answer), p95",
            "Ida e volta ao motor (resposta), p95",
            [r["engine"] for r in w],
            95,
            None,
            A,
        ),
        _pooled("calc_p50_ms", "Calculator change, p50", "Alteração na calculadora, p50", [r["changes"] for r in c], 50, None, A),
        _pooled("calc_p95_ms", "Calculator change, p95", "Alteração na calculadora, p95", [r["changes"] for r in c], 95, 30, A),
        _pooled(
            "calc_engine_p95_ms",
            "Engine round trip (quote), p95",
            "Ida e volta ao motor (cálculo), p95",
            [r["engine"] for r in c],
            95,
            None,
            A,
        ),
        _metric(
            "longtasks_wizard_cold_ms",
            "Main-thread long tasks until ready, wizard cold",
            "Tarefas longas até pronto, assistente frio",
            "ms",
            [r["cold"]["long_task_sum"] for r in w],
            target=200,
            group=L,
        ),
        _metric(
            "tbt_wizard_cold_ms",
            "  of which over 50 ms (TBT)",
            "  parcela acima de 50 ms (TBT)",
            "ms",
            [r["cold"]["tbt"] for r in w],
            group=L,
        ),
        _metric(
            "longtasks_wizard_warm_ms",
            "Main-thread long tasks until ready, wizard warm",
            "Tarefas longas até pronto, assistente quente",
            "ms",
            [r["warm"]["long_task_sum"] for r in w],
            target=200,
            group=L,
        ),
        _metric(
            "longtasks_calculator_cold_ms",
            "Main-thread long tasks until ready, calculator cold",
            "Tarefas longas até pronto, calculadora fria",
            "ms",
            [r["cold"]["long_task_sum"] for r in c],
            target=200,
            group=L,
        ),
        _metric(
            "bytes_guidelines",
            "Guidelines page transferred",
            "Página de diretriz, transferido",
            "B",
            [r["bytes"] for r in g],
            target=1.5 * MB,
            group=B,
        ),
        _metric(
            "pyodide_bytes_guidelines",
            "  of which Pyodide files",
            "  dos quais arquivos do Pyodide",
            "B",
            [r["pyodide_bytes"] + r["pyodide_requests"] for r in g],
            target=0,
            op="==",
            group=B,
        ),
        _metric(
            "bytes_wizard_cold",
            "Wizard page transferred, cold",
            "Assistente, transferido (frio)",
            "B",
            [r["cold"]["bytes"] for r in w],
            group=B,
        ),
        _metric(
            "bytes_wizard_warm",
            "Wizard page transferred, warm",
            "Assistente, transferido (quente)",
            "B",
            [r["warm"]["bytes"] for r in w],
            group=B,
        ),
        _metric(
            "bytes_calculator_cold",
            "Calculator page transferred, cold",
            "Calculadora, transferido (frio)",
            "B",
            [r["cold"]["bytes"] for r in c],
            group=B,
        ),
    ]
    if builds:
        if cold_build is not None:
            m.append(
                _metric(
                    "build_cold_s",
                    "mkdocs build --strict, cold (fresh copy, no .cache)",
                    "mkdocs build --strict, a frio (cópia nova, sem .cache)",
                    "s",
                    [cold_build],
                    target=15,
                    group=M,
                )
            )
        m.append(
            _metric(
                f"build_median{len(builds)}_s",
                f"mkdocs build --strict, median of {len(builds)} (repo)",
                f"mkdocs build --strict, mediana de {len(builds)} (repositório)",
                "s",
                builds,
                target=15,
                group=M,
            )
        )
    return {
        "date": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
        "command": command,
        "runs": runs,
        "elapsed_s": round(elapsed, 1),
        "machine": machine,
        "method": {
            "server": "bench/server.py: 127.0.0.1, HTTP/1.1, headers and Cache-Control of docs/hospedagem.md"
            + (", gzip level 1 (nginx default)" if gzip else ", no compression"),
            "cold": "new browser context (empty HTTP cache)",
            "warm": "page.reload() in the same context right after the cold load",
            "first_question": "Element Timing render time of the first question's <legend> (elementtiming set by an init script "
            "when the parser inserts it); FCP if unavailable",
            "ready": "performance.now() (navigation start = 0) when the app's data-engine attribute becomes 'ready' "
            "(client.js, on the worker's 'ready' message); bare page: when loadPyodide resolves in its module worker",
            "answer": "in page: click 'Próxima' -> MutationObserver sees the history list grow (next question/outcome rendered); "
            f"every full path of the tree ({len(paths)} paths, {sum(map(len, paths))} answers) split across the runs, warm page",
            "calculator": "in page: set the minutes field and dispatch 'input' -> MutationObserver sees the total's text change",
            "long_tasks": "PerformanceObserver('longtask') from an init script; sum of durations (each > 50 ms) "
            "until engine ready; TBT = sum of the excess over 50 ms",
            "bytes": "bytes the server wrote (status line + headers + body) until 0.6 s without a request, "
            "including the worker's requests; Pyodide = URL under /assets/pyodide/ (browser-side requests counted too)",
            "build": "wall time of `python -m mkdocs build --strict -d <tmp>`: once in a fresh copy of the sources without "
            ".cache/ (node_modules and .git linked), then --builds times in the repository (median)",
        },
        "metrics": {x["key"]: x for x in m},
        "breakdown": breakdown(raw),
        "raw": raw,
    }


# -- formatting -------------------------------------------------------------------


def _num(x: float, decimals: int, pt: bool) -> str:
    text = f"{x:,.{decimals}f}"
    if pt:
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt(value: float | None, unit: str, pt: bool = False) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return _num(value, 0 if value >= 100 else 1, pt) + " ms"
    if unit == "s":
        return _num(value, 1, pt) + " s"
    if unit == "×":
        return _num(value, 2, pt) + " ×"
    if unit == "B":
        if value >= MB:
            return _num(value / MB, 2, pt) + " MB"
        if value >= 1000:
            return _num(value / 1000, 1, pt) + " kB"
        return _num(value, 0, pt) + " B"
    return _num(value, 2, pt)


def fmt_target(m: dict[str, Any], pt: bool = False) -> str:
    if m["target"] is None:
        return ""
    if m["op"] == "==":
        return ("= " if pt else "= ") + fmt(m["target"], m["unit"], pt)
    return "≤ " + fmt(m["target"], m["unit"], pt)


def fmt_spread(m: dict[str, Any], pt: bool = False) -> str:
    if not m["spread"]:
        return ""
    lo, hi = m["spread"]
    return f"{fmt(lo, m['unit'], pt)} – {fmt(hi, m['unit'], pt)}"


def table(results: dict[str, Any]) -> str:
    rows = [("metric", "median/value", "spread", "n", "target", "")]
    for m in results["metrics"].values():
        ok = "" if m["pass"] is None else ("PASS" if m["pass"] else "MISS")
        rows.append((m["label"], fmt(m["value"], m["unit"]), fmt_spread(m), str(m["n"]), fmt_target(m), ok))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for i, r in enumerate(rows):
        lines.append("  ".join(c.ljust(widths[j]) if j in (0, 5) else c.rjust(widths[j]) for j, c in enumerate(r)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    mach = results["machine"]
    lines.append("")
    lines.append(
        f"{results['date']}  {mach['nproc']} CPUs ({mach['cpu']}), load {mach['loadavg_start'][0]:.1f}→{mach['loadavg_end'][0]:.1f}, "
        f"Chromium {mach['chromium']}, Pyodide {mach['pyodide']}; spread = min–max over runs "
        "(for percentiles: the percentile of each run)"
    )
    bd = results["breakdown"]
    wp, bp = bd["wizard_page"], bd["bare_page"]
    lines += [
        "",
        "Breakdown (medians, ms):",
        f"  navigation -> page creates the Worker: wizard {wp['navigation_to_new_worker_ms']:.0f} cold / "
        f"{wp['navigation_to_new_worker_warm_ms']:.0f} warm; bare page {bp['navigation_to_new_worker_ms']:.0f}",
        f"  wizard Worker created -> ready (client.js readyMs): {wp['worker_boot_to_ready_ms_client']:.0f} cold / "
        f"{wp['worker_boot_to_ready_ms_client_warm']:.0f} warm",
    ]
    for title, key in (("one answer", "answer_split_ms"), ("calculator change", "calc_split_ms")):
        parts = ", ".join(f"{k} {v['p50']:.1f}/{v['p95']:.1f}" for k, v in bd[key].items())
        lines.append(f"  {title} (p50/p95): {parts}")
    for title, key in (("wizard cold", "long_frames_wizard_cold_ms"), ("calculator cold", "long_frames_calculator_cold_ms")):
        parts = ", ".join(f"{k} {v:.0f}" for k, v in bd[key].items())
        lines.append(f"  long animation frames before ready, {title}: {parts}")
    if "profile" in bd:
        p = bd["profile"]
        lines.append(f"  worker start, {p['runs']} cold runs per variant (ms from navigation to ready):")
        for name, v in p["ready_ms"].items():
            lines.append(f"    {name:<50} {v:8.0f}")
        for title, key in (("as the product", "phases_product_ms"), ("split", "phases_split_ms"), ("without the wheel", "phases_fs_ms")):
            lines.append(f"  worker phases, {title}: " + ", ".join(f"{k} {v:.1f}" for k, v in p[key].items()))
        lines.append(
            f"  engine handle() in the worker: median {p['worker_answer_median_ms']:.2f} ms, max {p['worker_answer_max_ms']:.2f} ms"
        )
    lines.append(f"\ncommand: {results['command']}  ({results['elapsed_s']:.0f} s)")
    return "\n".join(lines)


_PT_PHASES = {
    "import pyodide.mjs": "importar pyodide.mjs",
    "loadPyodide + wheel": "loadPyodide com o pacote do motor",
    "loadPyodide": "loadPyodide (só o núcleo)",
    "loadPackage(wheel)": "loadPackage do pacote do motor",
    "import importlib.resources": "import importlib.resources",
    "import re": "import re",
    "import json": "import json",
    "import typing": "import typing",
    "import decimal": "import decimal",
    "import dataclasses": "import dataclasses",
    "import decision_tree.core.api": "import decision_tree.core.api",
    "read bundle.json": "ler bundle.json do pacote",
    "api.init(bundle)": "api.init(bundle)",
    "pyimport handle": "pyimport handle",
    "first request (view)": "primeira requisição (view)",
    "find decision_tree": "localizar o pacote decision_tree",
    "engine-files.json": "baixar os arquivos do motor (JSON)",
    "FS.writeFile engine files": "gravar os arquivos do motor (pyodide.FS)",
    "read bundle.json (open)": "ler bundle.json com open()",
}
_PT_READY = {
    "bare Pyodide": "Pyodide puro",
    "product worker alone (bare page + decision-tree)": "worker do produto numa página vazia",
    "worker without the wheel (engine files via FS)": "worker sem o pacote .whl (arquivos do motor gravados com pyodide.FS)",
    "wizard page": "página do assistente",
    "wizard page, search index 404": "página do assistente sem o índice de busca",
}


def _pt_date(iso: str) -> str:
    d = dt.datetime.fromisoformat(iso)
    return d.strftime("%d/%m/%Y %H:%M") + (f" (UTC{d.strftime('%z')[:3]}:{d.strftime('%z')[3:]})" if d.utcoffset() is not None else "")


def _ms(v: float | None) -> str:
    return fmt(v, "ms", True)


def page(results: dict[str, Any]) -> str:
    mach = results["machine"]
    metrics = results["metrics"]
    bd = results["breakdown"]
    out = [
        "---",
        "title: Desempenho",
        "search:",
        "  exclude: true  # for maintainers",
        "---",
        "",
        "<!-- Gerada por bench/run.py (make bench): não edite à mão; rode o comando de novo. -->",
        "",
        "# Desempenho",
        "",
        "Quanto o site demora para mostrar o assistente e a calculadora, medido no Chromium sem interface, "
        "com o site servido na própria máquina com os cabeçalhos de cache e a compressão da página "
        "[Hospedagem](hospedagem.md). Última medição: "
        f"**{_pt_date(results['date'])}**, com o comando:",
        "",
        "```sh",
        results["command"],
        "```",
        "",
        f"Cada medida de carregamento foi repetida {results['runs']} vezes; a tabela traz a mediana e a "
        "variação (mínimo – máximo entre as execuções; nos percentis, o percentil de cada execução). "
        f"Máquina: {mach['nproc']} núcleos ({mach['cpu'] or 'CPU não identificada'}), carga média "
        f"{_num(mach['loadavg_start'][0], 1, True)} no início e {_num(mach['loadavg_end'][0], 1, True)} no fim, "
        f"Chromium {mach['chromium']}, Pyodide {mach['pyodide']}. Com outros processos na mesma máquina os "
        "tempos absolutos variam: as razões, medidas lado a lado na mesma execução, são mais estáveis.",
        "",
        "| Medida | Mediana | Variação | Meta | Resultado |",
        "|---|--:|--:|--:|:-:|",
    ]
    for m in metrics.values():
        label = m["label_pt"].strip()
        if m["label_pt"].startswith("  "):
            label = "↳ " + label
        ok = "" if m["pass"] is None else ("atende" if m["pass"] else "**não atende**")
        out.append(f"| {label} | {fmt(m['value'], m['unit'], True)} | {fmt_spread(m, True)} | {fmt_target(m, True)} | {ok} |")
    out += [
        "",
        "## O que é medido",
        "",
        "- **Primeira pergunta visível**: do início da navegação até o quadro em que o texto da primeira "
        "pergunta do assistente é pintado (Element Timing do Chromium). A pergunta vem no HTML da página: "
        "não depende do motor.",
        "- **Pronto**: do início da navegação até a página receber do Web Worker o aviso de que o motor "
        "(Pyodide e o pacote do assistente) está carregado e inicializado. *Frio*: navegador sem nada em "
        "cache; *quente*: a mesma página recarregada logo depois. O **Pyodide puro** é uma página mínima que "
        "carrega os mesmos arquivos do Pyodide do site e nada mais, medida na mesma execução; a razão "
        "mostra quanto o site acrescenta ao Pyodide.",
        "- **Uma resposta**: do clique em *Próxima* até a pergunta seguinte (ou o resultado) aparecer na "
        "página, em todos os caminhos completos da árvore de decisão. **Alteração na calculadora**: de "
        "digitar os minutos até o total mudar. *Ida e volta ao motor*: só a mensagem ao Worker e a resposta do Python.",
        "- **Tarefas longas**: soma das tarefas de mais de 50 ms no processo principal da página até o motor "
        "ficar pronto (enquanto elas rodam, a página não responde a cliques).",
        "- **Transferido**: bytes enviados pelo servidor (cabeçalhos e corpo, com gzip) para abrir a "
        "página, incluindo os arquivos pedidos pelo Worker. A página de diretriz medida é a da "
        "[Consultoria do Módulo](modos/consultoria-modulo.md): ela não pode baixar nenhum arquivo do Pyodide.",
        "- **mkdocs build**: tempo de `mkdocs build --strict` do site inteiro.",
        "",
        "## Onde vai o tempo",
        "",
    ]
    wp, bp = bd["wizard_page"], bd["bare_page"]
    out += [
        "Início do motor, medianas a frio:",
        "",
        "| Etapa | Assistente | Pyodide puro |",
        "|---|--:|--:|",
        f"| Da navegação até a página criar o Worker | {_ms(wp['navigation_to_new_worker_ms'])} | "
        f"{_ms(bp['navigation_to_new_worker_ms'])} |",
        f"| Do Worker criado até o motor pronto | {_ms(wp['worker_boot_to_ready_ms_client'])} | "
        f"{_ms(sum(bp['worker_phases_cold'].get(k, 0.0) for k in ('import', 'loadPyodide')) or None)} |",
    ]
    if "profile" in bd:
        p = bd["profile"]
        out += [
            "",
            f"Etapas dentro do Worker, medianas de {p['runs']} carregamentos a frio de uma cópia instrumentada do Worker "
            "(*como no produto*: `loadPyodide` já com o pacote do motor; *separado*: o pacote, as importações da "
            "biblioteca padrão, a compilação e a importação de cada módulo medidas uma a uma, por isso "
            "`import decision_tree.core.api` já não custa nada ali; *sem o pacote .whl*: os arquivos do motor "
            "baixados como um JSON e gravados com `pyodide.FS`, o `bundle.json` lido com `open()`):",
            "",
            "| Etapa | Como no produto | Separado | Sem o pacote .whl |",
            "|---|--:|--:|--:|",
        ]
        names = list(p["phases_split_ms"])
        for key in ("phases_product_ms", "phases_fs_ms"):
            previous = None
            for n in p[key]:
                if n not in names:
                    names.insert(names.index(previous) + 1 if previous in names else len(names), n)
                previous = n
        for n in names:
            cells = [_ms(p[key].get(n)) if n in p[key] else "" for key in ("phases_product_ms", "phases_split_ms", "phases_fs_ms")]
            out.append(f"| {_PT_PHASES.get(n, n)} | " + " | ".join(cells) + " |")
    out += [
        "",
        "Interação (p50 / p95):",
        "",
        "| Trecho | Uma resposta | Alteração na calculadora |",
        "|---|--:|--:|",
    ]
    pt_split = {
        "page JS until postMessage": "página, até enviar ao Worker",
        "worker round trip": "ida e volta ao Worker",
        "page JS rendering": "página, desenhar a resposta",
    }
    for k, label in pt_split.items():
        a, c = bd["answer_split_ms"].get(k), bd["calc_split_ms"].get(k)
        out.append(f"| {label} | {_ms(a and a['p50'])} / {_ms(a and a['p95'])} | {_ms(c and c['p50'])} / {_ms(c and c['p95'])} |")
    out += ["", "Scripts nas tarefas longas até o motor ficar pronto (média por carregamento a frio):", ""]
    out += ["| Script | Assistente | Calculadora |", "|---|--:|--:|"]
    wiz, calc = bd["long_frames_wizard_cold_ms"], bd["long_frames_calculator_cold_ms"]
    pt_frames = {
        "(forced style/layout inside those scripts)": "(dos quais estilo e layout forçados pelos scripts)",
        "(blocking time of the long frames)": "(tempo de bloqueio desses quadros, além de 50 ms)",
    }
    keys = [*wiz, *(k for k in calc if k not in wiz)]
    for k in [*(k for k in keys if not k.startswith("(")), *(k for k in keys if k.startswith("("))]:
        label = pt_frames.get(k, k) if k.startswith("(") else f"`{k}`"
        out.append(f"| {label} | {_ms(wiz.get(k))} | {_ms(calc.get(k))} |")
    out.append("")
    return "\n".join(out)
