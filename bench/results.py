"""bench/results.json: the raw samples of bench/run.py turned into metrics (with their targets) and a breakdown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import breakdown
from metrics import Text, median, metric, pooled, ratios

REPEAT, FIRST, SLOW, ZENDESK, USE, BYTES, BUILD = "repeat", "first", "slow", "zendesk", "interaction", "bytes", "build"
OF = "  of which "


def _col(rows: list[dict[str, Any]], visit: str, key: str) -> list[Any]:
    return [r[visit][key] for r in rows]


def repeat_metrics(w: list[dict[str, Any]], bm: list[dict[str, Any]], b: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        metric("first_answer_warm_ms", Text("Wizard: navigation -> first answer processed, repeat visit",
               "Assistente: da abertura à primeira resposta processada",
               "Do clique que abre a página até a resposta à primeira pergunta aparecer, para quem responde assim que pode."),
               "ms", _col(w, "warm", "first_answer"), group=REPEAT),
        metric("wizard_ready_warm_ms", Text("Wizard engine ready, repeat visit", "Assistente: motor pronto",
               "Até o assistente poder calcular (o Python carregado com as regras)."), "ms", _col(w, "warm", "ready"), group=REPEAT),
        metric("bare_main_ready_warm_ms", Text("Pyodide alone on the page (main thread), ready, repeat visit",
               "Pyodide sozinho, na própria página",
               "Referência: só o Python (Pyodide) carregado direto na página, sem regras e sem o assistente."),
               "ms", _col(bm, "warm", "ready"), group=REPEAT),
        metric("bare_ready_warm_ms", Text("Pyodide alone in a module worker, ready, repeat visit",
               "Pyodide sozinho, em segundo plano (Worker)", "Referência: o mesmo, num processo de segundo plano, como o assistente roda."),
               "ms", _col(b, "warm", "ready"), group=REPEAT),
        metric("ratio_first_answer_warm", Text("Wizard first answer ÷ Pyodide alone on the page, repeat visit",
               "Razão: assistente ÷ Pyodide sozinho na página",
               "Quanto do tempo de só carregar o Pyodide o assistente leva para responder (mesma execução; menor é melhor)."),
               "×", ratios(_col(w, "warm", "first_answer"), _col(bm, "warm", "ready")), group=REPEAT),
        metric("longtasks_wizard_warm_ms", Text("Main-thread long tasks until ready, wizard, repeat visit",
               "Assistente: página travada até o motor ficar pronto",
               "Soma dos trechos de mais de 50 ms em que a página não responde a cliques, até o motor ficar pronto."),
               "ms", _col(w, "warm", "long_task_sum"), group=REPEAT),
    ]


def _long_tasks(key: str, en: str, pt: str, what: str, loads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page's long tasks until ready, then the script time of Material's bundle and of ours in its long frames."""
    return [
        metric(key, Text(en, pt, what), "ms", [s["long_task_sum"] for s in loads], group=FIRST),
        metric(key.replace("_ms", "_material_ms"), Text(OF + "Material's bundle (script time in long frames)",
               "dos quais no pacote do Material", "Tempo de script do JavaScript do tema (Material) nesses trechos."),
               "ms", [breakdown.owner_share(s, "material") for s in loads], group=FIRST, sub=True),
        metric(key.replace("_ms", "_ours_ms"), Text(OF + "ours (assets/app/)", "dos quais no nosso código",
               "Tempo de script do código do site (assets/app/) nesses trechos."),
               "ms", [breakdown.owner_share(s, "ours") for s in loads], group=FIRST, sub=True),
    ]


def first_metrics(w: list[dict[str, Any]], bm: list[dict[str, Any]], b: list[dict[str, Any]], c: list[dict[str, Any]],
                  g: list[dict[str, Any]]) -> list[dict[str, Any]]:
    loads = [r[v] for r in w for v in ("cold", "warm")]
    return [
        metric("first_question_ms", Text("First question visible, first visit", "Primeira pergunta visível",
               "Até a pergunta aparecer na tela; ela vem pronta na página e não espera o motor."),
               "ms", [r["cold"]["question_paint"] if r["cold"]["question_paint"] is not None else r["cold"]["fcp"] for r in w],
               group=FIRST),
        metric("first_answer_cold_ms", Text("Wizard: navigation -> first answer processed, first visit",
               "Assistente: da abertura à primeira resposta processada",
               "Como acima, com o navegador sem nada guardado (tudo é baixado)."),
               "ms", _col(w, "cold", "first_answer"), group=FIRST),
        metric("wizard_ready_cold_ms", Text("Wizard engine ready, first visit", "Assistente: motor pronto",
               "Até o assistente poder calcular."),
               "ms", _col(w, "cold", "ready"), group=FIRST),
        metric("bare_main_ready_cold_ms", Text("Pyodide alone on the page, ready, first visit", "Pyodide sozinho, na própria página",
               "Referência, como acima."), "ms", _col(bm, "cold", "ready"), group=FIRST),
        metric("bare_ready_cold_ms", Text("Pyodide alone in a worker, ready, first visit", "Pyodide sozinho, em segundo plano (Worker)",
               "Referência, como acima."), "ms", _col(b, "cold", "ready"), group=FIRST),
        metric("ratio_first_answer_cold", Text("Wizard first answer ÷ Pyodide alone on the page, first visit",
               "Razão: assistente ÷ Pyodide sozinho na página", "Como acima, na primeira visita."),
               "×", ratios(_col(w, "cold", "first_answer"), _col(bm, "cold", "ready")), group=FIRST),
        *_long_tasks("longtasks_wizard_cold_ms", "Main-thread long tasks until ready, wizard, first visit",
                     "Assistente: página travada até o motor ficar pronto",
                     "Soma dos trechos de mais de 50 ms em que a página não responde a cliques, até o motor ficar pronto.",
                     [r["cold"] for r in w]),
        metric("calculator_ready_cold_ms", Text("Calculator engine ready, first visit", "Calculadora: motor pronto",
               "Até a calculadora poder calcular."), "ms", [r["cold"]["ready"] for r in c], group=FIRST),
        *_long_tasks("longtasks_calculator_cold_ms", "Main-thread long tasks until ready, calculator, first visit",
                     "Calculadora: página travada até o motor ficar pronto", "Como acima, na calculadora.", [r["cold"] for r in c]),
        metric("longtasks_material_alone_ms", Text("Material alone: long tasks of a guideline page (no engine), first visit",
               "Só o Material: página de diretriz, sem motor",
               "Os mesmos trechos numa página comum do site, que só carrega o JavaScript do tema: o que o Material custa sozinho."),
               "ms", [s["long_task_sum"] for s in g], group=FIRST),
        metric("snapshot_used", Text("Wizard loads that restored the engine's saved initial state",
               "Aberturas que usaram o estado inicial salvo",
               "Em quantas aberturas o assistente restaurou o Python já preparado em vez de prepará-lo do zero."),
               "%", [100.0 * sum(1 for s in loads if s["start"] == "snapshot") / max(1, len(loads))], group=FIRST),
    ]


def slow_metrics(slow: dict[str, Any]) -> list[dict[str, Any]]:
    if not slow.get("wizard"):
        return []
    link = slow.get("link") or {}
    rate = f"{link.get('mbit', 0):g} Mbit/s, {link.get('rtt_ms', 0):g} ms"
    wiz, bare = [s["first_answer"] for s in slow["wizard"]], [s["ready"] for s in slow["bare_main"]]
    return [
        metric("slow_first_answer_ms", Text(f"Wizard first answer, first visit on a {rate} link",
               "Assistente: da abertura à primeira resposta processada", "Primeira visita na conexão lenta: tudo baixado por ela."),
               "ms", wiz, group=SLOW),
        metric("slow_bare_main_ms", Text(f"Pyodide alone on the page, first visit on a {rate} link", "Pyodide sozinho, na própria página",
               "Referência na mesma conexão."), "ms", bare, group=SLOW),
        metric("slow_ratio", Text("Wizard ÷ Pyodide alone on the page, throttled link", "Razão: assistente ÷ Pyodide sozinho na página",
               "Na conexão lenta, os bytes a mais do assistente (o estado inicial salvo) pesam mais; menor é melhor."),
               "×", ratios(wiz, bare), group=SLOW),
        metric("slow_bytes_wizard", Text("Wizard transferred, throttled link", "Assistente: bytes baixados",
               "Tudo o que a primeira visita baixou."), "B", [s["bytes"] for s in slow["wizard"]], group=SLOW),
    ]


def zendesk_metrics(z: dict[str, Any], bm: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The framed sidebar page, each ticket a repeat visit; its ratio to this run's Pyodide alone (median ÷ median)."""
    if not z:
        return []
    repeats = z["repeat_visits"]
    answers = [r["first_answer"] for r in repeats]
    bare = median(_col(bm, "warm", "ready"))
    answer = metric("zendesk_first_answer_ms", Text("Zendesk sidebar (framed): first answer processed, repeat visit",
                    "Barra do Zendesk: da abertura à primeira resposta processada",
                    "Cada chamado aberto com o app é uma visita repetida à página da barra, dentro de um quadro do Zendesk."),
                    "ms", answers, group=ZENDESK)
    return [
        metric("zendesk_question_ms", Text("Zendesk sidebar (framed): first question visible, repeat visit",
               "Barra do Zendesk: primeira pergunta visível", "Do início da página no quadro até a pergunta aparecer."),
               "ms", [r["question_paint"] for r in repeats], group=ZENDESK),
        answer,
        metric("zendesk_ratio_first_answer", Text("Zendesk sidebar first answer ÷ Pyodide alone on the page (repeat visits, medians)",
               "Razão: barra ÷ Pyodide sozinho na página",
               "Mediana da barra ÷ mediana do Pyodide sozinho na visita repetida, na mesma execução."),
               "×", [answer["value"] / bare] if answer["value"] is not None and bare else [], group=ZENDESK),
        metric("zendesk_first_visit_ms", Text("Zendesk sidebar (framed): first answer processed, first visit",
               "Barra do Zendesk: primeira resposta, primeira visita", "O primeiro chamado do dia (nada guardado)."),
               "ms", [z["first_visit"]["first_answer"]], group=ZENDESK),
    ]


def interaction_metrics(w: list[dict[str, Any]], c: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def per_run(rows: list[dict[str, Any]], key: str) -> list[list[float]]:
        return [r[key] for r in rows]

    return [
        pooled("answer_p50_ms", Text("One answer, p50", "Uma resposta (mediana)",
               "Do clique em Próxima até a pergunta seguinte aparecer, em todos os caminhos da árvore."), per_run(w, "answers"), 50, USE),
        pooled("answer_p95_ms", Text("One answer (click -> next question in the DOM), p95", "Uma resposta (95% das vezes até)",
               "O mesmo; 95% das respostas levam no máximo isto."), per_run(w, "answers"), 95, USE),
        pooled("answer_painted_p95_ms", Text("One answer to next frame, p95", "Uma resposta até ser desenhada (95%)",
               "Até o quadro seguinte da tela ser desenhado."), per_run(w, "painted"), 95, USE),
        pooled("answer_engine_p95_ms", Text("Engine round trip (answer), p95", "Ida e volta ao motor, resposta (95%)",
               "Só a mensagem ao motor e a resposta do Python, sem desenhar."), per_run(w, "engine"), 95, USE),
        pooled("calc_p50_ms", Text("Calculator change, p50", "Alteração na calculadora (mediana)",
               "De digitar os minutos até o total mudar."), per_run(c, "changes"), 50, USE),
        pooled("calc_p95_ms", Text("Calculator change (input -> total changed), p95", "Alteração na calculadora (95%)",
               "O mesmo; 95% das alterações."), per_run(c, "changes"), 95, USE),
        pooled("calc_engine_p95_ms", Text("Engine round trip (quote), p95", "Ida e volta ao motor, cálculo (95%)", "Só o motor."),
               per_run(c, "engine"), 95, USE),
    ]


def bytes_metrics(w: list[dict[str, Any]], c: list[dict[str, Any]], g: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        metric("bytes_guidelines", Text("Guideline page transferred", "Página de diretriz",
               "Uma página comum do site, com tudo o que ela baixa."), "B", [r["bytes"] for r in g], group=BYTES),
        metric("pyodide_bytes_guidelines", Text(OF + "Pyodide files (guideline page)", "dos quais arquivos do Pyodide",
               "Uma página comum não baixa nada do Python."), "B", [r["pyodide_bytes"] + r["pyodide_requests"] for r in g],
               group=BYTES, sub=True),
        metric("bytes_wizard_cold", Text("Wizard transferred, first visit", "Assistente, primeira visita",
               "Tudo o que a primeira visita baixa: a página, o Pyodide e o estado inicial salvo do assistente."),
               "B", _col(w, "cold", "bytes"), group=BYTES),
        metric("bytes_wizard_warm", Text("Wizard transferred, repeat visit", "Assistente, visita repetida",
               "Só as confirmações de que nada mudou (respostas 304 curtas)."), "B", _col(w, "warm", "bytes"), group=BYTES),
        metric("bytes_calculator_cold", Text("Calculator transferred, first visit", "Calculadora, primeira visita", "Como o assistente."),
               "B", [r["cold"]["bytes"] for r in c], group=BYTES),
    ]


def build_metrics(builds: list[float], cold_build: float | None) -> list[dict[str, Any]]:
    out = []
    if cold_build is not None:
        out.append(metric("build_cold_s", Text("make build's steps, cold (fresh copy, no .cache)", "Gerar o site do zero (sem .cache)",
                          "As etapas de `make build` numa cópia nova: inclui criar o estado inicial com o Node."),
                          "s", [cold_build], group=BUILD))
    if builds:
        out.append(metric("build_median_s", Text(f"make build's steps, median of {len(builds)} (repository)", "Gerar o site de novo",
                          f"Mediana de {len(builds)} builds no repositório (o que não mudou vem do .cache)."), "s", builds, group=BUILD))
    return out


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
        "metrics": {x["key"]: x for x in m},
        "breakdown": breakdown.breakdown(raw),
        "raw": raw,
    }


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
