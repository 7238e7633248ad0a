"""The decision tree as pages: every path in a plain HTML table, and a Mermaid flowchart.

Both are built at build time from the same `Engine` the wizard runs, so the
table, the flowchart and the wizard cannot disagree.
"""

from __future__ import annotations

from typing import Any

from ..engine import Engine, mode_page
from ..model import Guidelines, Outcome, Question
from .pages_format import attr_id, block, front_matter, href, inline, updated_line

# ------------------------------------------------------------------ table


def decision_table(g: Guidelines, updated: str) -> str:
    page = "tabela-de-decisao.md"
    engine = Engine(g)
    results = [(n, state, engine.recommend(state)) for n, state in enumerate(engine.paths(), start=1)]
    count: dict[str, int] = {}
    for _, _, r in results:
        count[r["outcome"]] = count.get(r["outcome"], 0) + 1

    outcome_rows = "".join(outcome_row(g, o, count.get(o.id, 0), page) for o in g.outcomes.values())
    path_rows = "".join(path_row(n, engine.encode(state), r, page) for n, state, r in results)
    return (
        front_matter("Tabela de decisão", hide=["navigation", "toc"])
        + block(
            f"<p>Todos os {len(results)} caminhos do assistente, da primeira pergunta ao resultado, gerados da mesma "
            f'árvore que o assistente usa. Para ver a árvore em forma de diagrama, abra o <a href="{href(page, "fluxograma/")}">'
            "fluxograma</a>.</p>"
        )
        + "## Resultados {#resultados}\n"
        + block(
            '<div class="kb-outcomes">\n<table>\n<thead><tr><th>Resultado</th><th>Próximos passos</th><th>Caminhos</th></tr></thead>\n'
            f"<tbody>\n{outcome_rows}</tbody>\n</table>\n</div>"
        )
        + "## Caminhos {#caminhos}\n"
        + block(
            '<div class="kb-paths">\n<table>\n<thead><tr><th>Nº</th><th>Respostas, em ordem</th><th>Resultado</th>'
            f"<th>Critérios</th><th>Macros</th></tr></thead>\n<tbody>\n{path_rows}</tbody>\n</table>\n</div>"
        )
        + updated_line(updated, page)
    )


def outcome_row(g: Guidelines, o: Outcome, paths_count: int, page: str) -> str:
    mode = g.modes[o.mode]
    check = g.checks.get(o.pending_check or "")
    steps = ([check.next_step] if check else []) + list(o.next_steps)
    steps_html = "".join(f"<li>{inline(s)}</li>" for s in steps)
    return (
        f'<tr id="{attr_id(o.id)}"><td><a href="{href(page, mode_page(mode.id))}">{inline(mode.title)}</a>'
        f'<br><span class="kb-summary">{inline(o.summary)}</span></td>'
        f"<td><ul>{steps_html}</ul></td>"
        f'<td><a href="#caminhos">{paths_count}</a></td></tr>\n'
    )


def path_row(n: int, state: str, r: dict[str, Any], page: str) -> str:
    answers = "".join(
        f'<li><span class="kb-q">{inline(a["question"])}</span> → <strong>{inline(a["answer"])}</strong></li>'
        for a in r["answers"]
    )
    criteria = ", ".join(
        f'<a href="{href(page, c["url"])}" title="{inline(c["text"])}">{c["number"]}</a>'
        for c in sorted(r["criteria"], key=lambda c: c["number"])
    )
    macros = "".join(f'<li><a href="{href(page, m["url"])}">{inline(m["title"])}</a></li>' for m in r["macros"])
    return (
        f'<tr id="caminho-{n}" data-state="{inline(state)}" data-outcome="{inline(r["outcome"])}">'
        f'<td><a href="#caminho-{n}">{n}</a></td>'
        f'<td><ol class="kb-path">{answers}</ol></td>'
        f'<td><a href="{href(page, r["mode_url"])}">{inline(r["mode_title"])}</a>: '
        f'<a href="#{attr_id(r["outcome"])}">{inline(r["summary"])}</a></td>'
        f'<td class="kb-crit">{criteria}</td><td><ul>{macros}</ul></td></tr>\n'
    )


# ------------------------------------------------------------------ flowchart

# Mermaid's entity codes (`#NN;`): quotes, brackets and markup can never end a label or become HTML.
_MERMAID_ENTITIES = {c: f"#{ord(c)};" for c in '#"<>&`;|\\{}[]*_~'}
MODE_CLASSES = {"suporte-padrao": "sp", "consultoria-modulo": "modulo", "consultoria-telefonica": "telefonica"}


def mermaid_label(text: str) -> str:
    """A label for a quoted Mermaid string: entity codes for every special character (Mermaid wraps lines)."""
    return "".join(_MERMAID_ENTITIES.get(c, c) for c in " ".join(text.split()))


def mermaid_source(g: Guidelines) -> str:
    ids: dict[str, str] = {}
    for i, q in enumerate(g.questions.values(), start=1):
        ids[q.id] = f"p{i}"
    for i, o in enumerate(g.outcomes.values(), start=1):
        ids[o.id] = f"r{i}"
    lines = ["flowchart TD"]
    for q in g.questions.values():
        lines.append(f'    {ids[q.id]}("{mermaid_label(q.question)}")')
    for o in g.outcomes.values():
        label = f"{g.modes[o.mode].title}: {o.summary}"
        lines.append(f'    {ids[o.id]}(["{mermaid_label(label)}"])')
        lines.append(f"    class {ids[o.id]} {MODE_CLASSES.get(o.mode, 'outro')}")
    seen: set[tuple[str, str]] = set()
    for q in _reachable(g):
        grouped: dict[str, list[str]] = {}
        for opt in q.options:
            grouped.setdefault(opt.next, []).append(opt.label)
        for target, labels in grouped.items():
            if (q.id, target) in seen:
                continue
            seen.add((q.id, target))
            text = " / ".join(labels) if len(labels) <= 3 else f"{len(labels)} respostas"
            lines.append(f'    {ids[q.id]} -->|"{mermaid_label(text)}"| {ids[target]}')
    lines += [
        # Only the border carries the mode's color: fill and text follow the light or dark palette.
        "    classDef sp stroke:#1565c0,stroke-width:3px",
        "    classDef modulo stroke:#ef6c00,stroke-width:3px",
        "    classDef telefonica stroke:#8e24aa,stroke-width:3px",
    ]
    return "\n".join(lines)


def _reachable(g: Guidelines) -> list[Question]:
    order: list[Question] = []
    todo = [g.start]
    while todo:
        node_id = todo.pop(0)
        q = g.questions.get(node_id)
        if q is None or q in order:
            continue
        order.append(q)
        todo += [o.next for o in q.options]
    return order


def flowchart(g: Guidelines, updated: str) -> str:
    page = "fluxograma.md"
    legend = "".join(
        f'<li><span class="kb-swatch kb-swatch--{MODE_CLASSES.get(m.id, "outro")}"></span>'
        f'<a href="{href(page, mode_page(m.id))}">{inline(m.title)}</a></li>'
        for m in g.modes.values()
    )
    return (
        front_matter("Fluxograma", hide=["navigation", "toc"])
        + block(
            "<p>A árvore do assistente: retângulos são perguntas; cápsulas, os resultados, com a borda na cor da modalidade. As mesmas "
            f'perguntas e respostas estão, caminho a caminho e sem diagrama, na <a href="{href(page, "tabela-de-decisao/")}">'
            "tabela de decisão</a>.</p>\n"
            f'<ul class="kb-legend">{legend}</ul>'
        )
        + f"```mermaid\n{mermaid_source(g)}\n```\n\n"
        + updated_line(updated, page)
    )
