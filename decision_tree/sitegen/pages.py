"""The site's pages, generated from the validated bundle.

`generate_pages(bundle, last_changed=...)` is a plain function: it returns
`{docs-relative path: Markdown}` and knows nothing of MkDocs's API, so any
static site generator that reads Markdown can take the pages. Each page is a
Jinja2 template (templates/) fed a context made here or in the page modules:
`pages_modes` (modes and macros), `pages_tree` (decision table, flowchart),
`pages_confirm` (Pontos a confirmar), `pages_apps` (wizard, calculator).

`last_changed` maps a source file (`decision_tree/guidelines.yml`,
`macros/<id>.yml`) to the ISO date of its last change; a page shows the
newest date among the sources it is made of, or the newest changelog date
when none is known.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from decision_tree.core import urls
from decision_tree.core.model import Guidelines
from decision_tree.sitegen import pages_apps, pages_confirm, pages_modes, pages_tree
from decision_tree.sitegen.render import render, served_under

GUIDELINES = "decision_tree/guidelines.yml"


class Dates:
    """The last-change date of a page from the dates of its sources."""

    def __init__(self, g: Guidelines, last_changed: dict[str, str]):
        self.fallback = max((entry.date for entry in g.changelog), default="")
        self.known = last_changed
        self.macros = [f"macros/{macro_id}.yml" for macro_id in g.macros]

    def of(self, *sources: str) -> str:
        return max((self.known.get(s, self.fallback) for s in sources), default=self.fallback)


def generate_pages(bundle: dict[str, Any], *, last_changed: dict[str, str], site_path: str = "/",
                   versions: Sequence[dict[str, Any]] = ()) -> dict[str, str]:
    """Every generated page of the site served under `site_path` (the path of `site_url`): `{docs-relative path:
    Markdown}`. Its links are root-absolute under that path (render.site_link says why). The bundle is read once,
    into the typed model; the pages read only that (but "Pontos a confirmar", which walks every source of the
    bundle, and the macro pages, which show the Zendesk settings the model does not carry). `versions` are the
    archived tree versions (`sources.tree_versions.summaries`) the history page lists."""
    with served_under(site_path):
        return _pages(bundle, Guidelines.from_dict(bundle), last_changed, versions)


def _pages(bundle: dict[str, Any], g: Guidelines, last_changed: dict[str, str], versions: Sequence[dict[str, Any]]) -> dict[str, str]:
    dates = Dates(g, last_changed)
    rules = dates.of(GUIDELINES)
    everything = dates.of(GUIDELINES, *dates.macros)
    pages = {urls.page_file(urls.HOME): home_page(g, rules)}
    pages |= pages_modes.mode_pages(g, lambda mode: dates.of(GUIDELINES, *(f"macros/{m}.yml" for m in mode.macros)))
    pages |= pages_modes.macro_pages(bundle, g, lambda macro_id: dates.of(f"macros/{macro_id}.yml"), dates.of(*dates.macros))
    pages[urls.page_file(urls.PROCEDURES)] = procedures_page(g, rules)
    pages[urls.page_file(urls.DECISION_TABLE)] = pages_tree.decision_table(g, everything)
    pages[urls.page_file(urls.FLOWCHART)] = pages_tree.flowchart(g, rules)
    pages[urls.page_file(urls.HISTORY)] = history_page(g, rules, versions)
    pages[urls.page_file(urls.TO_CONFIRM)] = pages_confirm.page(bundle, g, everything)
    pages |= pages_apps.app_pages(g)
    return pages


def gap_of(g: Guidelines, gap_id: str | None) -> dict[str, Any] | None:
    """A gap of the guideline with the badge that links to its entry on "Pontos a confirmar"."""
    gap = g.gaps.get(gap_id or "")
    if gap is None:
        return None
    badge = {"kind": "local", "anchor": pages_confirm.gap_anchor(gap.id), "owner_title": gap.owner_title}
    return {"id": gap.id, "title": gap.title, "text": gap.text, "badge": badge}


def home_page(g: Guidelines, updated: str) -> str:
    macros_text = (
        "Os textos oficiais das macros do Zendesk, com o botão de cópia." if g.official_macros == len(g.macros)
        else "As macros da Consultoria com o título exato do Zendesk e um texto proposto, com o botão de cópia."
    )
    jobs = [
        {"url": urls.WIZARD, "title": "Rodar o assistente", "text": "Responda às perguntas sobre o ticket e receba a modalidade, "
         "os critérios da diretriz, o que fazer em ordem e a macro a aplicar, com a nota pronta para o ticket."},
        {"url": urls.CALCULATOR, "title": "Estimar um custo", "text": "Calcule o custo de uma consultoria a partir dos minutos, "
         "do valor por minuto e dos impostos, e compartilhe o resultado."},
        {"url": urls.mode_page(next(iter(g.modes))), "title": "Ler as diretrizes", "text": "Escopo, critérios, "
         "pré-requisitos e tarifação de cada modalidade, com links para citar no ticket."},
        {"url": urls.MACROS, "title": "Copiar uma macro", "text": macros_text},
    ]
    modes = [{"id": m.id, "title": m.title, "summary": m.summary, "billing": g.billing.modes[m.id].summary} for m in g.modes.values()]
    return render("home.md.j2", urls.page_file(urls.HOME), title=g.title, hide=["navigation", "toc"], updated=updated,
                  origin=g.origin, jobs=jobs, modes=modes)


def history_page(g: Guidelines, updated: str, versions: Sequence[dict[str, Any]] = ()) -> str:
    entries, seen = [], set()
    for entry in sorted(g.changelog, key=lambda e: e.date, reverse=True):
        anchor = "alteracao-" + re.sub(r"[^0-9a-z-]", "-", entry.date)
        while anchor in seen:
            anchor += "-b"
        seen.add(anchor)
        entries.append({"date": entry.date, "summary": entry.summary, "changes": entry.changes, "anchor": anchor})
    return render("history.md.j2", urls.page_file(urls.HISTORY), title="Histórico de alterações", hide=None, updated=updated,
                  entries=entries, versions=_versions(g, versions))


def _versions(g: Guidelines, versions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The archived versions newest first; of one day, the current one first (the archive keeps no time of day)."""
    marked = [{**v, "current": v["fingerprint"] == g.fingerprint} for v in versions]
    return sorted(marked, key=lambda v: (v["date"], v["current"]), reverse=True)


def procedures_page(g: Guidelines, updated: str) -> str:
    procedures = [
        {"id": p.id, "title": p.title, "steps": p.steps,
         "note": {"text": p.note.text, "source": p.note.source, "gap": gap_of(g, p.note_gap)} if p.note else None}
        for p in g.procedures
    ]
    return render("procedures.md.j2", urls.page_file(urls.PROCEDURES), title="Material complementar", hide=None, updated=updated,
                  procedures=procedures, billed_modes=[m.title for m in g.billed_modes()], scope=g.procedures_scope)
