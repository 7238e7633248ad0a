"""Turn the raw samples of bench/run.py into metrics, a table and the site page."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

MB = 1_000_000  # decimal megabyte: 1.5 MB = 1 500 000 bytes

# The phases of the start, in the order they end on the critical path (bench/pages.py, _PROFILE_START's marks).
PHASES = {
    "normal": (
        "engine.json + lock",
        "import pyodide.mjs",
        "import pyodide.asm.mjs",
        "wasm compiled (page)",
        "wasm compiled",
        "wasm instantiated",
        "stdlib written",
        "interpreter started",
        "Pyodide bootstrap",
        "loadPyodide",
        "wheel loaded",
        "engine imported",
        "api.init",
        "first request",
    ),
    "snapshot": (
        "engine.json + lock",
        "import pyodide.mjs",
        "import pyodide.asm.mjs",
        "snapshot read",
        "wasm compiled (page)",
        "wasm compiled",
        "wasm instantiated",
        "stdlib written",
        "runtime ready",
        "memory restored",
        "Pyodide bootstrap",
        "loadPyodide",
        "first request",
    ),
}
PHASE_PT = {
    "engine.json + lock": "baixar engine.json e pyodide-lock.json",
    "import pyodide.mjs": "carregar pyodide.mjs",
    "import pyodide.asm.mjs": "carregar pyodide.asm.mjs (1,25 MB de JavaScript)",
    "snapshot read": "ler o estado inicial (baixar e descompactar)",
    "wasm compiled (page)": "WebAssembly compilado pela página",
    "wasm compiled": "baixar e compilar o WebAssembly",
    "wasm instantiated": "instanciar o WebAssembly",
    "stdlib written": "preparar o módulo e gravar a biblioteca padrão",
    "interpreter started": "iniciar o interpretador Python",
    "runtime ready": "preparar o ambiente",
    "memory restored": "copiar o estado inicial para a memória",
    "Pyodide bootstrap": "iniciar o Pyodide (código Python)",
    "loadPyodide": "fim do loadPyodide",
    "wheel loaded": "carregar o pacote do assistente (.whl)",
    "engine imported": "importar o motor",
    "api.init": "api.init (ler as regras)",
    "first request": "primeira requisição respondida",
}
WHERE_PT = {"worker": "Worker", "main": "página", "handoff": "Worker, WebAssembly da página"}
VISIT_PT = {"cold": "1ª visita", "warm": "repetida"}
VISIT_TITLE_PT = {"cold": "primeira visita", "warm": "visita repetida"}


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
    samples: list[float | None],
    *,
    what_pt: str = "",
    target: float | None = None,
    stretch: float | None = None,
    op: str = "<=",
    value: float | None = None,
    spread: tuple[float, float] | None = None,
    spread_kind: str = "min–max",
    group: str = "",
) -> dict[str, Any]:
    kept = [float(s) for s in samples if s is not None]
    if value is None:
        value = statistics.median(kept) if kept else None
    if spread is None and kept:
        spread = (min(kept), max(kept))
    ok = None
    if target is not None and value is not None:
        ok = value <= target if op == "<=" else value == target
    return {
        "key": key,
        "group": group,
        "label": label,
        "label_pt": label_pt,
        "what_pt": what_pt,
        "unit": unit,
        "value": value,
        "spread": list(spread) if spread else None,
        "spread_kind": spread_kind,
        "n": len(kept),
        "target": target,
        "stretch": stretch,
        "stretch_pass": None if stretch is None or value is None else value <= stretch,
        "op": op,
        "pass": ok,
        "samples": kept,
    }


def _pooled(key: str, label: str, label_pt: str, what_pt: str, per_run: list[list[float]], p: float, target: float | None,
            group: str) -> dict[str, Any]:
    """A percentile over every sample of every run; the spread is that percentile in each run."""
    pooled = [x for run in per_run for x in run]
    runs = [percentile(r, p) for r in per_run if r]
    return _metric(key, label, label_pt, "ms", pooled, what_pt=what_pt, target=target, value=percentile(pooled, p) if pooled else None,
                   spread=(min(runs), max(runs)) if runs else None, spread_kind=f"p{p:g} per run", group=group)


def _med(values: list[Any]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _ratios(num: list[float | None], den: list[float | None]) -> list[float]:
    return [a / b for a, b in zip(num, den, strict=False) if a is not None and b]


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
    if not rows:
        return {}
    return {n: {"p50": percentile([r[i] for r in rows], 50), "p95": percentile([r[i] for r in rows], 95)} for i, n in enumerate(names)}


def phase_durations(mode: str, marks: dict[str, float]) -> dict[str, float]:
    """Each phase: from the latest earlier mark (in PHASES order, not after it) to its own mark."""
    out: dict[str, float] = {}
    seen: list[float] = []
    for name in PHASES[mode]:
        if name not in marks:
            continue
        t = marks[name]
        before = [x for x in seen if x <= t]
        out[name] = t - (max(before) if before else 0.0)
        seen.append(t)
    return out


def _profile(prof: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Per mode/where and visit: the median duration of each phase, the total and the answers inside the worker."""
    out: dict[str, Any] = {}
    for key, samples in prof.items():
        if not samples:
            continue
        mode = key.split("/")[0]
        for visit in ("cold", "warm"):
            runs = [s[visit] for s in samples if visit in s]
            durations = [phase_durations(mode, r["marks"]) for r in runs]
            names = [n for n in PHASES[mode] if any(n in d for d in durations)]
            out[f"{key}/{visit}"] = {
                "runs": len(runs),
                "phases": {n: _med([d.get(n) for d in durations]) for n in names},
                "first_request": _med([r["marks"].get("first request") for r in runs]),
                "python": _med([_python_ms(mode, r["marks"]) for r in runs]),
                "page_compile": _med([r.get("pageCompileMs") for r in runs]),
                "answer_median": _med([r.get("answerMedian") for r in runs]),
                "answer_max": _med([r.get("answerMax") for r in runs]),
            }
    return out


def _python_ms(mode: str, marks: dict[str, float]) -> float | None:
    """The part of the start that runs Python: from the module ready to the first request answered."""
    start = marks.get("interpreter started" if mode == "normal" else "runtime ready")
    end = marks.get("first request")
    if start is None or end is None:
        return None
    # the interpreter's own start (main()) runs before "interpreter started": count it from the stdlib written
    return end - (marks.get("stdlib written", start) if mode == "normal" else start)


def breakdown(raw: dict[str, Any]) -> dict[str, Any]:
    w = raw["wizard"]
    out: dict[str, Any] = {
        "wizard_page": {
            visit: {
                "navigation_to_new_worker_ms": _med([r[visit]["worker_created"] for r in w]),
                "worker_to_ready_ms": _med([r[visit]["readyMs"] for r in w]),
                "ready_to_first_answer_ms": _med(
                    [r[visit]["first_answer"] - r[visit]["ready"] for r in w if r[visit]["first_answer"] is not None]
                ),
                "pyodide_requests": _med([sum(1 for h in r[visit]["hits"] if h[0].startswith("/assets/pyodide/")) for r in w]),
                "pyodide_not_modified": _med([sum(1 for h in r[visit]["hits"] if h[0].startswith("/assets/pyodide/") and h[1] == 304)
                                              for r in w]),
            }
            for visit in ("cold", "warm")
        },
        "answer_split_ms": _split([r.get("split", []) for r in w]),
        "calc_split_ms": _split([r.get("split", []) for r in raw["calculator"]]),
        "long_frames_wizard_cold_ms": _by_source([r["cold"] for r in w]),
        "long_frames_wizard_warm_ms": _by_source([r["warm"] for r in w]),
        "long_frames_calculator_cold_ms": _by_source([r["cold"] for r in raw["calculator"]]),
    }
    if raw.get("profile"):
        out["profile"] = _profile(raw["profile"])
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
    w, b, bm, c, g = raw["wizard"], raw["bare"], raw["bare_main"], raw["calculator"], raw["guidelines"]
    slow = raw.get("throttled") or {}
    link = slow.get("link") or {}

    def first_question(sample: dict[str, Any]) -> float | None:
        return sample["question_paint"] if sample["question_paint"] is not None else sample["fcp"]

    def col(rows: list[dict[str, Any]], visit: str, key: str) -> list[Any]:
        return [r[visit][key] for r in rows]

    R, F, S, A, B, M = "repeat", "first", "slow", "interaction", "bytes", "build"
    loads = [r[v] for r in w for v in ("cold", "warm")]
    m = [
        # -- repeat visit --
        _metric("first_answer_warm_ms", "Wizard: navigation -> first answer processed, repeat visit",
                "Assistente: da abertura à primeira resposta processada", "ms", col(w, "warm", "first_answer"), group=R,
                what_pt="Do clique que abre a página até a resposta à primeira pergunta aparecer, para quem responde assim que pode."),
        _metric("wizard_ready_warm_ms", "Wizard engine ready, repeat visit", "Assistente: motor pronto", "ms", col(w, "warm", "ready"),
                group=R, what_pt="Até o assistente poder calcular (o Python carregado com as regras)."),
        _metric("bare_main_ready_warm_ms", "Pyodide alone on the page (main thread), ready, repeat visit",
                "Pyodide sozinho, na própria página", "ms", col(bm, "warm", "ready"), group=R,
                what_pt="Referência: só o Python (Pyodide) carregado direto na página, sem regras e sem o assistente."),
        _metric("bare_ready_warm_ms", "Pyodide alone in a module worker, ready, repeat visit", "Pyodide sozinho, em segundo plano (Worker)",
                "ms", col(b, "warm", "ready"), group=R,
                what_pt="Referência: o mesmo, num processo de segundo plano, como o assistente roda."),
        _metric("ratio_first_answer_warm", "Wizard first answer ÷ Pyodide alone on the page, repeat visit",
                "Razão: assistente ÷ Pyodide sozinho na página", "×",
                _ratios(col(w, "warm", "first_answer"), col(bm, "warm", "ready")), target=1.0, stretch=0.5, group=R,
                what_pt="Abaixo de 1: o assistente responde antes de o Pyodide sozinho sequer terminar de carregar (mesma execução)."),
        # -- first visit --
        _metric("first_question_ms", "First question visible, first visit", "Primeira pergunta visível", "ms",
                [first_question(r["cold"]) for r in w], target=300, group=F,
                what_pt="Até a pergunta aparecer na tela; ela vem pronta na página e não espera o motor."),
        _metric("first_answer_cold_ms", "Wizard: navigation -> first answer processed, first visit",
                "Assistente: da abertura à primeira resposta processada", "ms", col(w, "cold", "first_answer"), group=F,
                what_pt="Como acima, com o navegador sem nada guardado (tudo é baixado)."),
        _metric("wizard_ready_cold_ms", "Wizard engine ready, first visit", "Assistente: motor pronto", "ms", col(w, "cold", "ready"),
                group=F,
                what_pt="Até o assistente poder calcular."),
        _metric("bare_main_ready_cold_ms", "Pyodide alone on the page, ready, first visit", "Pyodide sozinho, na própria página", "ms",
                col(bm, "cold", "ready"), group=F, what_pt="Referência, como acima."),
        _metric("bare_ready_cold_ms", "Pyodide alone in a worker, ready, first visit", "Pyodide sozinho, em segundo plano (Worker)", "ms",
                col(b, "cold", "ready"), group=F, what_pt="Referência, como acima."),
        _metric("ratio_first_answer_cold", "Wizard first answer ÷ Pyodide alone on the page, first visit",
                "Razão: assistente ÷ Pyodide sozinho na página", "×",
                _ratios(col(w, "cold", "first_answer"), col(bm, "cold", "ready")), target=1.05, group=F,
                what_pt="Até 1,05: a primeira visita custa no máximo 5% a mais que carregar só o Pyodide."),
        _metric("longtasks_wizard_cold_ms", "Main-thread long tasks until ready, wizard, first visit",
                "Página travada até o motor ficar pronto", "ms", col(w, "cold", "long_task_sum"), target=200, group=F,
                what_pt="Soma dos trechos de mais de 50 ms em que a página não responde a cliques, até o motor ficar pronto."),
        _metric("longtasks_wizard_warm_ms", "Main-thread long tasks until ready, wizard, repeat visit",
                "Página travada até o motor ficar pronto (visita repetida)", "ms", col(w, "warm", "long_task_sum"), target=200, group=F,
                what_pt="O mesmo, na visita repetida."),
        _metric("calculator_ready_cold_ms", "Calculator engine ready, first visit", "Calculadora: motor pronto", "ms",
                [r["cold"]["ready"] for r in c], group=F, what_pt="Até a calculadora poder calcular."),
        _metric("longtasks_calculator_cold_ms", "Main-thread long tasks until ready, calculator, first visit",
                "Calculadora: página travada até o motor ficar pronto", "ms", [r["cold"]["long_task_sum"] for r in c], target=200, group=F,
                what_pt="Como acima, na calculadora."),
        _metric("snapshot_used", "Wizard loads that restored the engine's saved initial state",
                "Aberturas que usaram o estado inicial salvo", "%",
                [100.0 * sum(1 for s in loads if s["start"] == "snapshot") / max(1, len(loads))], target=100, op="==", group=F,
                what_pt="Em quantas aberturas o assistente restaurou o Python já preparado em vez de prepará-lo do zero."),
    ]
    if slow.get("wizard"):
        rate = f"{link.get('mbit', 0):g} Mbit/s, {link.get('rtt_ms', 0):g} ms"
        m += [
            _metric("slow_first_answer_ms", f"Wizard first answer, first visit on a {rate} link",
                    "Assistente: da abertura à primeira resposta processada", "ms", [s["first_answer"] for s in slow["wizard"]], group=S,
                    what_pt=f"Primeira visita numa conexão de {_link_pt(link)}: tudo baixado por ela."),
            _metric("slow_bare_main_ms", f"Pyodide alone on the page, first visit on a {rate} link", "Pyodide sozinho, na própria página",
                    "ms", [s["ready"] for s in slow["bare_main"]], group=S, what_pt="Referência na mesma conexão."),
            _metric("slow_ratio", "Wizard ÷ Pyodide alone on the page, slow link", "Razão: assistente ÷ Pyodide sozinho na página", "×",
                    _ratios([s["first_answer"] for s in slow["wizard"]], [s["ready"] for s in slow["bare_main"]]), group=S,
                    what_pt="O assistente baixa cerca de 6 MB a mais (o estado inicial salvo), o que pesa mais numa conexão lenta; "
                    "abaixo de 1, ele ainda responde antes de o Pyodide sozinho terminar de carregar."),
            _metric("slow_bytes_wizard", "Wizard transferred, slow link", "Assistente: bytes baixados", "B",
                    [s["bytes"] for s in slow["wizard"]], group=S, what_pt="Tudo o que a primeira visita baixou."),
        ]
    m += [
        _pooled("answer_p50_ms", "One answer, p50", "Uma resposta (mediana)",
                "Do clique em Próxima até a pergunta seguinte aparecer, em todos os caminhos da árvore.",
                [r["answers"] for r in w], 50, None, A),
        _pooled("answer_p95_ms", "One answer, p95", "Uma resposta (95% das vezes até)", "O mesmo; 95% das respostas levam no máximo isto.",
                [r["answers"] for r in w], 95, 30, A),
        _pooled("answer_painted_p95_ms", "One answer to next frame, p95", "Uma resposta até ser desenhada (95%)",
                "Até o quadro seguinte da tela ser desenhado.", [r["painted"] for r in w], 95, None, A),
        _pooled("answer_engine_p95_ms", "Engine round trip (answer), p95", "Ida e volta ao motor, resposta (95%)",
                "Só a mensagem ao motor e a resposta do Python, sem desenhar.", [r["engine"] for r in w], 95, None, A),
        _pooled("calc_p50_ms", "Calculator change, p50", "Alteração na calculadora (mediana)", "De digitar os minutos até o total mudar.",
                [r["changes"] for r in c], 50, None, A),
        _pooled("calc_p95_ms", "Calculator change, p95", "Alteração na calculadora (95%)", "O mesmo; 95% das alterações.",
                [r["changes"] for r in c], 95, 30, A),
        _pooled("calc_engine_p95_ms", "Engine round trip (quote), p95", "Ida e volta ao motor, cálculo (95%)", "Só o motor.",
                [r["engine"] for r in c], 95, None, A),
        _metric("bytes_guidelines", "Guidelines page transferred", "Página de diretriz", "B", [r["bytes"] for r in g], target=1.5 * MB,
                group=B, what_pt="Uma página comum do site, com tudo o que ela baixa."),
        _metric("pyodide_bytes_guidelines", "  of which Pyodide files", "  dos quais arquivos do Pyodide", "B",
                [r["pyodide_bytes"] + r["pyodide_requests"] for r in g], target=0, op="==", group=B,
                what_pt="Uma página comum não baixa nada do Python."),
        _metric("bytes_wizard_cold", "Wizard transferred, first visit", "Assistente, primeira visita", "B", col(w, "cold", "bytes"),
                group=B,
                what_pt="Inclui o Pyodide (cerca de 7 MB) e o estado inicial do assistente (cerca de 6 MB)."),
        _metric("bytes_wizard_warm", "Wizard transferred, repeat visit", "Assistente, visita repetida", "B", col(w, "warm", "bytes"),
                group=B,
                what_pt="Só as confirmações de que nada mudou (respostas 304 curtas)."),
        _metric("bytes_calculator_cold", "Calculator transferred, first visit", "Calculadora, primeira visita", "B",
                [r["cold"]["bytes"] for r in c], group=B, what_pt="Como o assistente."),
    ]
    if builds:
        if cold_build is not None:
            m.append(_metric("build_cold_s", "mkdocs build --strict, cold (fresh copy, no .cache)",
                             "Gerar o site do zero (sem .cache)", "s", [cold_build], target=15, group=M,
                             what_pt="`mkdocs build --strict` numa cópia nova: inclui criar o estado inicial com o Node."))
        m.append(_metric(f"build_median{len(builds)}_s", f"mkdocs build --strict, median of {len(builds)} (repo)",
                         "Gerar o site de novo", "s", builds, target=15, group=M,
                         what_pt=f"Mediana de {len(builds)} builds no repositório (o que não mudou vem do .cache)."))
    return {
        "date": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
        "command": command,
        "runs": runs,
        "throttled_runs": len(slow.get("wizard", [])),
        "link": link,
        "elapsed_s": round(elapsed, 1),
        "machine": machine,
        "method": {
            "server": "bench/server.py: 127.0.0.1, HTTP/1.1, headers and Cache-Control of docs/hospedagem.md"
            + (", gzip level 1 (nginx default)" if gzip else ", no compression"),
            "first visit": "new browser context (empty HTTP cache)",
            "repeat visit": "the same URL opened again in the same context right after",
            "first answer": "an init script picks the first option and presses 'Próxima' as soon as the wizard is mounted; "
            "first answer processed = the history list shows the answer (engine answered, page rendered)",
            "ready": "performance.now() (navigation start = 0) when the app's data-engine attribute becomes 'ready'; "
            "Pyodide alone: when loadPyodide resolves (on the page, or in its module worker)",
            "throttled": "DevTools protocol Network.emulateNetworkConditions (applies to the page's workers too)",
            "answer": "in page: click 'Próxima' -> MutationObserver sees the history list grow; "
            f"every full path of the tree ({len(paths)} paths, {sum(map(len, paths))} answers) split across the runs, repeat visit",
            "calculator": "in page: set the minutes field and dispatch 'input' -> MutationObserver sees the total's text change",
            "long_tasks": "PerformanceObserver('longtask') from an init script; sum of durations (each > 50 ms) until engine ready",
            "bytes": "bytes the server wrote (status line + headers + body) until 0.6 s without a request, including the worker's",
            "build": "wall time of `python -m mkdocs build --strict -d <tmp>`: once in a fresh copy of the sources without "
            ".cache/ (node_modules and .git linked), then --builds times in the repository (median)",
        },
        "metrics": {x["key"]: x for x in m},
        "breakdown": breakdown(raw),
        "raw": raw,
    }


def _link_pt(link: dict[str, Any]) -> str:
    return f"{_num(link.get('mbit', 0), 0, True)} Mbit/s e {_num(link.get('rtt_ms', 0), 0, True)} ms de ida e volta"


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
    if unit == "%":
        return _num(value, 0, pt) + " %"
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
    text = ("= " if m["op"] == "==" else "≤ ") + fmt(m["target"], m["unit"], pt)
    if m.get("stretch") is not None:
        text += (" (ideal ≤ " if pt else " (stretch ≤ ") + fmt(m["stretch"], m["unit"], pt) + ")"
    return text


def fmt_spread(m: dict[str, Any], pt: bool = False) -> str:
    if not m["spread"]:
        return ""
    lo, hi = m["spread"]
    return f"{fmt(lo, m['unit'], pt)} – {fmt(hi, m['unit'], pt)}"


GROUPS = {
    "repeat": ("Repeat visit (same browser, the page opened again)", "Visita repetida: o mesmo navegador abre a página de novo"),
    "first": ("First visit (empty cache)", "Primeira visita: navegador sem nada guardado"),
    "slow": ("First visit on a throttled link", "Primeira visita numa conexão lenta"),
    "interaction": ("Interaction", "Uso"),
    "bytes": ("Bytes transferred", "Bytes transferidos"),
    "build": ("Build", "Geração do site"),
}


def _verdict(m: dict[str, Any], pt: bool = False) -> str:
    if m["pass"] is None:
        return ""
    out = ("atende" if m["pass"] else "**não atende**") if pt else ("PASS" if m["pass"] else "MISS")
    if m.get("stretch_pass") is not None:
        out += (" (ideal: " + ("atende" if m["stretch_pass"] else "não atende") + ")") if pt else (
            " (stretch " + ("met" if m["stretch_pass"] else "missed") + ")")
    return out


def table(results: dict[str, Any]) -> str:
    rows: list[tuple[str, ...]] = [("metric", "median/value", "spread", "n", "target", "")]
    group = None
    for m in results["metrics"].values():
        if m["group"] != group:
            group = m["group"]
            rows.append((f"[{GROUPS[group][0]}]", "", "", "", "", ""))
        rows.append((m["label"], fmt(m["value"], m["unit"]), fmt_spread(m), str(m["n"]), fmt_target(m), _verdict(m)))
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
        "(for percentiles: the percentile of each run); ratios: median of the per-run ratios"
    )
    bd = results["breakdown"]
    lines += ["", "Wizard page (medians, ms):"]
    for visit, v in bd["wizard_page"].items():
        lines.append(
            f"  {visit:<5} navigation -> Worker created {_f(v['navigation_to_new_worker_ms'])}, "
            f"Worker -> ready {_f(v['worker_to_ready_ms'])}, "
            f"ready -> first answer {_f(v['ready_to_first_answer_ms'])}; requests under /assets/pyodide/ {_f(v['pyodide_requests'])} "
            f"({_f(v['pyodide_not_modified'])} answered 304)"
        )
    for title, key in (("one answer", "answer_split_ms"), ("calculator change", "calc_split_ms")):
        parts = ", ".join(f"{k} {v['p50']:.1f}/{v['p95']:.1f}" for k, v in bd[key].items())
        lines.append(f"  {title} (p50/p95): {parts}")
    for title, key in (("wizard first visit", "long_frames_wizard_cold_ms"), ("calculator first visit", "long_frames_calculator_cold_ms")):
        parts = ", ".join(f"{k} {v:.0f}" for k, v in bd[key].items())
        lines.append(f"  long animation frames before ready, {title}: {parts}")
    if "profile" in bd:
        lines += ["", *profile_table(bd["profile"])]
        lines += ["", *mechanisms(results)]
    lines.append(f"\ncommand: {results['command']}  ({results['elapsed_s']:.0f} s)")
    return "\n".join(lines)


def _f(v: float | None) -> str:
    return "—" if v is None else f"{v:.0f}"


def _columns(profile: dict[str, Any], mode: str) -> list[str]:
    return [k for k in (f"{mode}/{w}/{v}" for w in ("worker", "main", "handoff") for v in ("cold", "warm")) if k in profile]


def profile_table(profile: dict[str, Any]) -> list[str]:
    lines = []
    for mode, title in (("normal", "normal start"), ("snapshot", "snapshot restore")):
        cols = _columns(profile, mode)
        if not cols:
            continue
        n = profile[cols[0]]["runs"]
        lines.append(f"Start breakdown, {title} (bench-profile, median of {n} runs, ms; each phase = from the previous event to its end):")
        head = ["phase"] + ["/".join(c.split("/")[1:]) for c in cols]
        rows = [head]
        for phase in PHASES[mode]:
            if any(phase in profile[c]["phases"] for c in cols):
                rows.append([phase] + [_f(profile[c]["phases"].get(phase)) for c in cols])
        rows.append(["= first request answered"] + [_f(profile[c]["first_request"]) for c in cols])
        rows.append(["  of which Python running"] + [_f(profile[c]["python"]) for c in cols])
        rows.append(["  page's compile (handoff)"] + [_f(profile[c]["page_compile"]) for c in cols])
        medians = [profile[c]["answer_median"] for c in cols]
        rows.append(["  one answer in the engine, median"] + ["—" if x is None else f"{x:.2f}" for x in medians])
        widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
        lines += ["  " + "  ".join(c.ljust(widths[j]) if j == 0 else c.rjust(widths[j]) for j, c in enumerate(r)) for r in rows]
    return lines


def mechanisms(results: dict[str, Any]) -> list[str]:
    """Which mechanism moved which number, from this run's breakdown."""
    p = results["breakdown"].get("profile") or {}
    out = ["What moved the numbers (this run's breakdown, first request answered, ms):"]

    def v(key: str) -> float | None:
        return (p.get(key) or {}).get("first_request")

    pairs = (
        ("snapshot restore instead of the normal start, worker, repeat visit", "normal/worker/warm", "snapshot/worker/warm"),
        ("snapshot restore instead of the normal start, worker, first visit", "normal/worker/cold", "snapshot/worker/cold"),
        ("WebAssembly compiled by the page and handed to the worker, normal start, repeat", "normal/worker/warm", "normal/handoff/warm"),
        ("WebAssembly compiled by the page and handed to the worker, snapshot, repeat", "snapshot/worker/warm", "snapshot/handoff/warm"),
        ("normal start on the main thread instead of the worker, repeat visit", "normal/worker/warm", "normal/main/warm"),
    )
    for what, a, b in pairs:
        if v(a) is not None and v(b) is not None:
            out.append(f"  {what}: {v(a):.0f} -> {v(b):.0f} ({v(b) / v(a):.2f}×)")
    wp = results["breakdown"]["wizard_page"]["warm"]
    out.append(
        f"  versioned, immutable core and snapshot URLs: a repeat visit asks the server {_f(wp['pyodide_requests'])} times under "
        f"/assets/pyodide/ ({_f(wp['pyodide_not_modified'])} revalidations of engine.json and pyodide-lock.json, 304)"
    )
    return out


# -- the site page (pt-BR) ---------------------------------------------------------------


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
        "Quanto tempo o assistente e a calculadora levam para abrir e responder, medido num Chromium sem janela, com "
        "o site servido na própria máquina com os cabeçalhos de cache e a compressão da página "
        "[Hospedagem](hospedagem.md). Última medição: "
        f"**{_pt_date(results['date'])}**, com o comando:",
        "",
        "```sh",
        results["command"],
        "```",
        "",
        "O assistente roda Python no navegador (o Pyodide, que roda o Python compilado para WebAssembly). Para saber se o site acrescenta "
        "demora, cada medida é comparada com uma página de teste que só carrega o Pyodide e nada mais, medida na mesma "
        "execução: a **razão** entre as duas é mais confiável que os tempos, que variam com o que mais roda na máquina.",
        "",
        f"Cada medida foi repetida {results['runs']} vezes (na conexão lenta, {results['throttled_runs']}); a tabela traz a "
        "mediana e a variação (o menor e o maior valor; nos percentuais de respostas, o de cada repetição). "
        f"Máquina: {mach['nproc']} núcleos ({mach['cpu'] or 'CPU não identificada'}), carga média "
        f"{_num(mach['loadavg_start'][0], 1, True)} no início e {_num(mach['loadavg_end'][0], 1, True)} no fim, "
        f"Chromium {mach['chromium']}, Pyodide {mach['pyodide']}.",
        "",
    ]
    group = None
    for m in metrics.values():
        if m["group"] != group:
            group = m["group"]
            out += ["", f"## {GROUPS[group][1]}", ""]
            if group == "slow" and results.get("link"):
                out += [f"Conexão simulada pelo próprio Chromium: {_link_pt(results['link'])}.", ""]
            out += ["| Medida | Mediana | Variação | Meta | Resultado | O que mede |", "|---|--:|--:|--:|:-:|---|"]
        label = m["label_pt"].strip()
        if m["label_pt"].startswith("  "):
            label = "↳ " + label
        out.append(
            f"| {label} | {fmt(m['value'], m['unit'], True)} | {fmt_spread(m, True)} | {fmt_target(m, True)} | "
            f"{_verdict(m, True)} | {m['what_pt']} |"
        )
    out += [
        "",
        "## Como o assistente abre rápido",
        "",
        "- **Estado inicial salvo.** Ao gerar o site, o Python é iniciado uma vez (com o Node), o assistente é "
        "carregado com as regras e a memória desse processo é salva em arquivos compactados "
        "(`assets/pyodide/snapshot-…/`). No navegador, o assistente restaura essa memória em vez de repetir a "
        "preparação do Python, que era a maior parte da espera. Se o estado salvo faltar, estiver corrompido ou for "
        "de outra versão, o assistente prepara o Python do jeito normal, só que mais devagar.",
        "- **Endereços com a versão.** Os arquivos do Pyodide ficam numa pasta com o número da versão e o estado salvo "
        "numa pasta com a marca do seu conteúdo; por isso o navegador os guarda sem precisar perguntar ao servidor se "
        "mudaram. Numa visita repetida, só `engine.json` e `pyodide-lock.json` são conferidos (respostas 304 curtas).",
        "- **Tudo ao mesmo tempo.** O WebAssembly é compilado enquanto o estado salvo é baixado e descompactado.",
        "- **Em segundo plano.** O Python roda num Worker: a página continua respondendo enquanto ele carrega.",
    ]
    if "profile" in bd:
        out += ["", "## Onde vai o tempo", ""]
        out += _profile_pt(bd["profile"])
    wp = bd["wizard_page"]
    out += [
        "",
        "Na página do assistente (medianas):",
        "",
        "| Trecho | Primeira visita | Visita repetida |",
        "|---|--:|--:|",
        f"| Da abertura até a página criar o Worker | {_ms(wp['cold']['navigation_to_new_worker_ms'])} | "
        f"{_ms(wp['warm']['navigation_to_new_worker_ms'])} |",
        f"| Do Worker criado até o motor pronto | {_ms(wp['cold']['worker_to_ready_ms'])} | {_ms(wp['warm']['worker_to_ready_ms'])} |",
        f"| Do motor pronto até a primeira resposta aparecer | {_ms(wp['cold']['ready_to_first_answer_ms'])} | "
        f"{_ms(wp['warm']['ready_to_first_answer_ms'])} |",
        f"| Pedidos ao servidor em `assets/pyodide/` | {_num(wp['cold']['pyodide_requests'] or 0, 0, True)} | "
        f"{_num(wp['warm']['pyodide_requests'] or 0, 0, True)} |",
        "",
        "Uso (mediana / 95% das vezes até):",
        "",
        "| Trecho | Uma resposta | Alteração na calculadora |",
        "|---|--:|--:|",
    ]
    pt_split = {
        "page JS until postMessage": "a página envia ao motor",
        "worker round trip": "o motor responde",
        "page JS rendering": "a página desenha a resposta",
    }
    for k, label in pt_split.items():
        a, c = bd["answer_split_ms"].get(k), bd["calc_split_ms"].get(k)
        out.append(f"| {label} | {_ms(a and a['p50'])} / {_ms(a and a['p95'])} | {_ms(c and c['p50'])} / {_ms(c and c['p95'])} |")
    out += ["", "Scripts que travaram a página por mais de 50 ms de cada vez até o motor ficar pronto (média por primeira visita):", ""]
    out += ["| Script | Assistente | Calculadora |", "|---|--:|--:|"]
    wiz, calc = bd["long_frames_wizard_cold_ms"], bd["long_frames_calculator_cold_ms"]
    pt_frames = {
        "(forced style/layout inside those scripts)": "(dos quais recálculo de estilo e layout pedido pelos scripts)",
        "(blocking time of the long frames)": "(tempo em que a página não respondeu, além dos primeiros 50 ms)",
    }
    keys = [*wiz, *(k for k in calc if k not in wiz)]
    for k in [*(k for k in keys if not k.startswith("(")), *(k for k in keys if k.startswith("("))]:
        label = pt_frames.get(k, k) if k.startswith("(") else _script_pt(k)
        out.append(f"| {label} | {_ms(wiz.get(k))} | {_ms(calc.get(k))} |")
    out.append("")
    return "\n".join(out)


_INVOKERS_PT = {
    "classic-script": "execução do script",
    "module-script": "execução do módulo",
    "event-listener": "tratando um evento",
    "user-callback": "função agendada",
    "resolve-promise": "continuação de promessa",
    "reject-promise": "promessa rejeitada",
}


def _script_pt(key: str) -> str:
    name, _, kind = key.rpartition(" (")
    kind = kind.rstrip(")")
    return f"`{name}` ({_INVOKERS_PT.get(kind, kind)})"


def _profile_pt(profile: dict[str, Any]) -> list[str]:
    out = [
        "Cada etapa do início do motor, numa cópia instrumentada do Worker (medianas, em ms; cada etapa vai do fim da "
        "anterior até o seu fim). Colunas: onde o Python roda (*Worker*, como no site; *página*, sem Worker; *Worker, "
        "WebAssembly da página*: a página compila o WebAssembly, onde o cache de código compilado do Chromium "
        "funciona, e o entrega ao Worker); uma tabela para a primeira visita e outra para a repetida.",
        "",
    ]
    for mode, title in (("normal", "Início normal (preparar o Python do zero)"), ("snapshot", "Restaurando o estado inicial salvo")):
        # One table per visit: three columns fit the page without a sideways scroll.
        for visit in VISIT_PT:
            cols = [c for c in _columns(profile, mode) if c.split("/")[2] == visit]
            if not cols:
                continue
            out += [f"**{title}, {VISIT_TITLE_PT[visit]}**", ""]
            out.append("| Etapa | " + " | ".join(WHERE_PT[c.split("/")[1]] for c in cols) + " |")
            out.append("|---|" + "--:|" * len(cols))
            for phase in PHASES[mode]:
                if any(phase in profile[c]["phases"] for c in cols):
                    out.append(f"| {PHASE_PT[phase]} | " + " | ".join(_ms(profile[c]["phases"].get(phase)) for c in cols) + " |")
            totals = " | ".join(f"**{_ms(profile[c]['first_request'])}**" for c in cols)
            out.append(f"| **total: primeira requisição respondida** | {totals} |")
            out.append("| ↳ dos quais executando Python | " + " | ".join(_ms(profile[c]["python"]) for c in cols) + " |")
            out.append("| uma resposta dentro do motor (mediana) | " + " | ".join(_ms(profile[c]["answer_median"]) for c in cols) + " |")
            out.append("")
    return out
