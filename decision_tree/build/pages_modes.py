"""Mode pages: scope, prerequisites, checks, criteria with anchors, billing, macros; the procedures."""

from __future__ import annotations

from typing import Any

from ..model import Guidelines, Mode
from .pages_format import (
    admonition,
    attr_id,
    block,
    details,
    front_matter,
    href,
    inline,
    md,
    md_link,
    md_text,
    money,
    percent,
    updated_line,
)
from .pages_macros import KIND_TITLES


def billing_summary(g: Guidelines, mode_id: str) -> str:
    b = g.billing.modes[mode_id]
    if not b.billed:
        return "Sem custo"
    parts = ["Por minuto"]
    if b.minimum_minutes:
        parts.append(f"mínimo de {b.minimum_minutes} minutos")
    if b.plus_taxes:
        parts.append("mais impostos")
    parts.append("pode ser abonada" if b.waivable else "sem abono")
    return ", ".join(parts)


# ------------------------------------------------------------------ modes


def mode_page(bundle: dict[str, Any], g: Guidelines, mode: Mode, updated: str) -> str:
    page = f"modos/{mode.id}.md"
    out = [front_matter(mode.title)]
    out.append(
        block(
            f'<p class="kb-lead">{inline(mode.short)}</p>\n'
            f'<p><a class="md-button md-button--primary" href="{href(page, "assistente/")}">Abrir o assistente</a> '
            f'<a class="md-button" href="{href(page, "tabela-de-decisao/")}">Tabela de decisão</a></p>'
        )
    )
    out.append("## Escopo {#escopo}\n" + block("\n".join(md(p) for p in mode.scope)))
    prereqs = mode_prerequisites(g, mode.id)
    if prereqs:
        items = "".join(
            f'<li id="{attr_id(p.id)}"><p><strong>{inline(p.title)}</strong></p>\n{md(p.text)}</li>\n' for p in prereqs
        )
        out.append(
            "## Pré-requisitos {#pre-requisitos}\n"
            + block(admonition("warning", "Antes de indicar o Termo de Aceite", f"<ul>\n{items}</ul>"))
        )
    if mode.id == "suporte-padrao":
        out.append(checks_section(g, page))
    out.append(criteria_section(g, mode, page))
    out.append(billing_section(g, mode.id, page))
    out.append(macros_section(g, mode, page))
    if mode.macros and mode.id == "consultoria-modulo":
        out.append("## Material complementar {#material-complementar}\n" + block(procedure_blocks(bundle)))
    elif mode.macros:
        out.append(
            "## Material complementar {#material-complementar}\n"
            + block(
                f'<p>Os <a href="{href(page, "material-complementar/")}">passos para apontamento tarifado e para '
                "consulta/alteração de apontamento</a> valem também para esta modalidade.</p>"
            )
        )
    out.append(updated_line(updated, page))
    return "".join(out)


def mode_prerequisites(g: Guidelines, mode_id: str) -> list[Any]:
    ids = [p.id for p in g.prerequisites.values() if mode_id in p.modes]
    for c in g.criteria.values():
        if c.mode == mode_id:
            ids += [p for p in c.prerequisites if p not in ids]
    return [g.prerequisites[p] for p in ids]


def checks_section(g: Guidelines, page: str) -> str:
    items = "".join(
        f'<li id="{attr_id(c.id)}"><p><strong>{inline(c.title)}</strong>: {inline(c.text)}</p>\n'
        f"<p><em>Se ainda não foi feito:</em> {inline(c.next_step)}</p></li>\n"
        for c in g.checks.values()
    )
    return (
        "## Verificações do Suporte Padrão {#verificacoes}\n"
        + block("<p>Na ordem em que o analista trabalha o ticket. Enquanto uma delas não foi feita, o ticket "
                "permanece no Suporte Padrão.</p>")
        + block(f'<ol class="kb-checks">\n{items}</ol>')
    )


def criteria_section(g: Guidelines, mode: Mode, page: str) -> str:
    criteria = [c for c in g.criteria.values() if c.mode == mode.id]
    if not criteria:
        links = "".join(
            f'<li><a href="{href(page, f"modos/{m.id}/#quando-recomendar")}">{inline(m.title)}</a></li>\n'
            for m in g.modes.values()
            if any(c.mode == m.id for c in g.criteria.values())
        )
        return "## Quando passar para uma consultoria {#quando-recomendar}\n" + block(
            "<p>Quando as verificações foram feitas e um critério de consultoria se aplica, veja os critérios de:</p>\n"
            f"<ul>\n{links}</ul>"
        )
    groups: dict[str, list[Any]] = {}
    for c in criteria:
        groups.setdefault(c.section, []).append(c)
    out = ["## Quando recomendar {#quando-recomendar}\n"]
    out.append(block("<p>Cada critério tem um link próprio para citar no ticket.</p>"))
    for section, items in groups.items():
        lis = "".join(criterion_item(g, c) for c in items)
        out.append(
            block(
                f'<p class="kb-section-title"><strong>{inline(section)}</strong></p>\n'
                f'<ol class="kb-criteria" start="{items[0].number}">\n{lis}</ol>'
            )
        )
    return "".join(out)


def criterion_item(g: Guidelines, c: Any) -> str:
    prereqs = "".join(
        f' · Pré-requisito: <a href="#{attr_id(p)}">{inline(g.prerequisites[p].title)}</a>' for p in c.prerequisites
    )
    return (
        f'<li id="{attr_id(c.id)}" value="{c.number}">{md(c.text)}\n'
        f'<p class="kb-meta"><a class="kb-anchor" href="#{attr_id(c.id)}" title="Link para este critério">#{attr_id(c.id)}</a>'
        f"{prereqs}</p></li>\n"
    )


def billing_section(g: Guidelines, mode_id: str, page: str) -> str:
    b = g.billing.modes[mode_id]
    items = [f"<li>{md(rule)}</li>" for rule in b.rules]
    if b.billed:
        rate = money(g.billing.reference_rate_per_minute, g.billing.currency)
        items.append(
            f"<li><p><strong>{rate} por minuto</strong> — valor de referência; o valor efetivo é o do Termo de Aceite.</p></li>"
        )
        if b.minimum_minutes:
            items.append(f"<li><p>Cobrança mínima: {b.minimum_minutes} minutos.</p></li>")
        if b.plus_taxes and g.billing.taxes:
            taxes = ", ".join(f"{inline(t.name)} {percent(t.rate)}" for t in g.billing.taxes)
            total = percent(sum((t.rate for t in g.billing.taxes), start=type(g.billing.taxes[0].rate)(0)))
            items.append(f"<li><p>Impostos de referência: {taxes} (total {total}).</p></li>")
    body = f"<ul>\n{''.join(items)}\n</ul>"
    if b.billed:
        body += f'\n<p><a href="{href(page, "calculadora/")}">Estimar um custo na calculadora</a></p>'
    return "## Tarifação {#tarifacao}\n" + block(admonition("info", "Regras de tarifação", body))


def macros_section(g: Guidelines, mode: Mode, page: str) -> str:
    if not mode.macros:
        return "## Macros {#macros}\n" + block("<p>Esta modalidade não usa macros de consultoria.</p>")
    billed = g.billing.modes[mode.id].billed
    out = ["## Macros {#macros}\n"]
    out.append(block("<p>Use as macros oficiais compartilhadas no Zendesk, a mais adequada para quem solicita:</p>"))
    for audience in g.audiences.values():
        macros = [g.macros[m] for m in mode.macros if audience.id in g.macros[m].audiences]
        if not macros:
            continue
        label = audience.title.split(" (")[0]
        lines = [f'=== "{md_text(label)}"\n']
        about = md_text(audience.title)
        if billed:
            about += " · Quem paga: " + md_text(g.billing.payers.get(audience.payer, audience.payer))
        lines.append(f"    {about}\n")
        for m in macros:
            lines.append(
                f"    - [{md_text(m.title)}]({md_link(page, f'macros/{m.id}.md')}) "
                f"({md_text(KIND_TITLES.get(m.kind, m.kind))})\n"
            )
        out.append("\n" + "\n".join(lines) + "\n")
    return "".join(out)


# ------------------------------------------------------------------ procedures


def procedure_blocks(bundle: dict[str, Any]) -> str:
    parts = []
    for proc in bundle.get("procedures", []):
        steps = "".join(f"<li>{md(step)}</li>\n" for step in proc.get("steps", []))
        note = md(proc["note"]) if proc.get("note") else ""
        parts.append(details("note", inline(proc["title"]), f"<ol>\n{steps}</ol>\n{note}", id_=proc["id"]))
    return "\n".join(parts)


def procedures_page(bundle: dict[str, Any], updated: str) -> str:
    page = "material-complementar.md"
    return (
        front_matter("Material complementar")
        + block(
            "<p>Os procedimentos que acompanham a Consultoria do Módulo e a Consultoria Telefônica. Clique no "
            "título para abrir.</p>"
        )
        + block(procedure_blocks(bundle))
        + updated_line(updated, page)
    )
