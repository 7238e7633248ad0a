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
from typing import Any

from decision_tree.core import urls
from decision_tree.core.model import Guidelines
from decision_tree.sitegen import pages_apps, pages_confirm, pages_modes, pages_tree
from decision_tree.sitegen.render import render, served_under

GUIDELINES = "decision_tree/guidelines.yml"


class Dates:
    """The last-change date of a page from the dates of its sources."""

    def __init__(self, bundle: dict[str, Any], last_changed: dict[str, str]):
        changelog = [str(entry.get("date", "")) for entry in bundle.get("changelog", [])]
        self.fallback = max(changelog, default="")
        self.known = last_changed
        self.macros = [f"macros/{m['id']}.yml" for m in bundle["macros"]]

    def of(self, *sources: str) -> str:
        return max((self.known.get(s, self.fallback) for s in sources), default=self.fallback)


def generate_pages(bundle: dict[str, Any], *, last_changed: dict[str, str], site_path: str = "/") -> dict[str, str]:
    """Every generated page of the site served under `site_path` (the path of `site_url`): `{docs-relative path:
    Markdown}`. Its links are root-absolute under that path (render.site_link says why)."""
    with served_under(site_path):
        return _pages(bundle, last_changed)


def _pages(bundle: dict[str, Any], last_changed: dict[str, str]) -> dict[str, str]:
    g = Guidelines.from_dict(bundle)
    dates = Dates(bundle, last_changed)
    rules = dates.of(GUIDELINES)
    everything = dates.of(GUIDELINES, *dates.macros)
    pages = {"index.md": home_page(bundle, rules)}
    pages |= pages_modes.mode_pages(bundle, g, lambda mode: dates.of(GUIDELINES, *(f"macros/{m}.yml" for m in mode.macros)))
    pages |= pages_modes.macro_pages(bundle, g, lambda macro_id: dates.of(f"macros/{macro_id}.yml"), dates.of(*dates.macros))
    pages["material-complementar.md"] = procedures_page(bundle, rules)
    pages["tabela-de-decisao.md"] = pages_tree.decision_table(bundle, g, everything)
    pages["fluxograma.md"] = pages_tree.flowchart(g, rules)
    pages["historico.md"] = history_page(bundle, rules)
    pages["pontos-a-confirmar.md"] = pages_confirm.page(bundle, g, everything)
    pages |= pages_apps.app_pages(bundle, g)
    return pages


def gap_of(bundle: dict[str, Any], gap_id: str | None) -> dict[str, Any] | None:
    """A gap of the guideline with the badge that links to its entry on "Pontos a confirmar"."""
    gap = next((x for x in bundle["gaps"] if x["id"] == gap_id), None)
    if gap is None:
        return None
    owners = {o["id"]: o["title"] for o in bundle["owners"]}
    badge = {"kind": "local", "anchor": pages_confirm.gap_anchor(gap["id"]), "owner_title": owners[gap["owner"]]}
    return {**gap, "badge": badge}


def home_page(bundle: dict[str, Any], updated: str) -> str:
    official = sum(1 for m in bundle["macros"] if m["body"]["source"]["kind"] == "zendesk")
    macros_text = (
        "Os textos oficiais das macros do Zendesk, com o botão de cópia." if official == len(bundle["macros"])
        else "As macros da Consultoria com o título exato do Zendesk e um texto proposto, com o botão de cópia."
    )
    jobs = [
        {"url": urls.WIZARD, "title": "Rodar o assistente", "text": "Responda às perguntas sobre o ticket e receba a modalidade, "
         "os critérios da diretriz, o que fazer em ordem e a macro a aplicar, com a nota pronta para o ticket."},
        {"url": urls.CALCULATOR, "title": "Estimar um custo", "text": "Calcule o custo de uma consultoria a partir dos minutos, "
         "do valor por minuto e dos impostos, e compartilhe o resultado."},
        {"url": urls.mode_page(bundle["modes"][0]["id"]), "title": "Ler as diretrizes", "text": "Escopo, critérios, "
         "pré-requisitos e tarifação de cada modalidade, com links para citar no ticket."},
        {"url": urls.MACROS, "title": "Copiar uma macro", "text": macros_text},
    ]
    modes = [{**m, "billing": bundle["billing"]["modes"][m["id"]]["summary"]} for m in bundle["modes"]]
    return render("home.md.j2", "index.md", title=bundle["title"], hide=["navigation", "toc"], updated=updated,
                  origin=bundle["origin"], jobs=jobs, modes=modes)


def history_page(bundle: dict[str, Any], updated: str) -> str:
    entries, seen = [], set()
    for entry in sorted(bundle["changelog"], key=lambda e: str(e["date"]), reverse=True):
        anchor = "alteracao-" + re.sub(r"[^0-9a-z-]", "-", str(entry["date"]))
        while anchor in seen:
            anchor += "-b"
        seen.add(anchor)
        entries.append({**entry, "anchor": anchor, "changes": entry.get("changes", [])})
    return render("history.md.j2", "historico.md", title="Histórico de alterações", hide=None, updated=updated, entries=entries)


def procedures_page(bundle: dict[str, Any], updated: str) -> str:
    procedures = []
    for proc in bundle["procedures"]:
        note = proc.get("note")
        if note:
            note = {**note, "gap": gap_of(bundle, note.get("gap"))}
        procedures.append({**proc, "note": note})
    billed = [m["title"] for m in bundle["modes"] if bundle["billing"]["modes"][m["id"]]["billed"]["value"]]
    return render("procedures.md.j2", "material-complementar.md", title="Material complementar", hide=None, updated=updated,
                  procedures=procedures, billed_modes=billed, scope=bundle.get("procedures_scope"))
