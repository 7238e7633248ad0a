"""The site's pages, generated from the validated bundle.

`generate_pages(bundle, last_changed=...)` is a plain function: it returns
`{docs-relative path: Markdown}` and knows nothing of MkDocs's API, so any
static site generator that reads Markdown can take the pages. The decision
pages are split by subject: `pages_modes.py` (modes and procedures),
`pages_macros.py`, `pages_tree.py` (decision table and flowchart); escaping
and formatting live in `pages_format.py`.

`last_changed` maps a source file (`decision_tree/guidelines.yml`,
`macros/<id>.yml`) to the ISO date of its last change; a page shows the
newest date among the sources it is made of, or the newest changelog date
when none is known.
"""

from __future__ import annotations

from typing import Any

from ..model import Guidelines
from . import pages_tree
from .pages_format import (
    admonition,
    attr_id,
    block,
    date_br,
    front_matter,
    href,
    inline,
    md,
    md_text,
    updated_line,
)
from .pages_macros import macro_page, macros_index
from .pages_modes import billing_summary, mode_page, procedures_page

GUIDELINES = "decision_tree/guidelines.yml"


class Dates:
    """The last-change date of a page from the dates of its sources."""

    def __init__(self, bundle: dict[str, Any], last_changed: dict[str, str]):
        changelog = [str(entry.get("date", "")) for entry in bundle.get("changelog", [])]
        self.fallback = max(changelog, default="")
        self.known = last_changed

    def of(self, *sources: str) -> str:
        return max((self.known.get(s, self.fallback) for s in sources), default=self.fallback)

    def all_macros(self, bundle: dict[str, Any]) -> list[str]:
        return [f"macros/{m['id']}.yml" for m in bundle["macros"]]


def generate_pages(bundle: dict[str, Any], *, last_changed: dict[str, str]) -> dict[str, str]:
    """Every generated page of the site: `{docs-relative path: Markdown}`."""
    g = Guidelines.from_dict(bundle)
    dates = Dates(bundle, last_changed)
    everything = dates.of(GUIDELINES, *dates.all_macros(bundle))
    pages = {"index.md": home_page(bundle, g, dates.of(GUIDELINES))}
    for mode in g.modes.values():
        macro_sources = [f"macros/{m}.yml" for m in mode.macros]
        pages[f"modos/{mode.id}.md"] = mode_page(bundle, g, mode, dates.of(GUIDELINES, *macro_sources))
    pages["material-complementar.md"] = procedures_page(bundle, dates.of(GUIDELINES))
    pages["macros/index.md"] = macros_index(bundle, g, dates.of(*dates.all_macros(bundle)))
    for macro in bundle["macros"]:
        page = f"macros/{macro['id']}.md"
        pages[page] = macro_page(macro, g, page, dates.of(f"macros/{macro['id']}.yml"))
    pages["tabela-de-decisao.md"] = pages_tree.decision_table(g, everything)
    pages["fluxograma.md"] = pages_tree.flowchart(g, dates.of(GUIDELINES))
    pages["historico.md"] = history_page(bundle, dates.of(GUIDELINES))
    return pages


def unavailable_pages() -> dict[str, str]:
    """Stand-ins for the wizard and the calculator when the web app is not part of the build."""
    pages = {}
    for page, title, what in (("assistente.md", "Assistente", "O assistente"), ("calculadora.md", "Calculadora", "A calculadora")):
        text = (
            f"<p>{what} não faz parte desta publicação do site. Enquanto isso, use a "
            f'<a href="{href(page, "tabela-de-decisao/")}">tabela de decisão</a> e as páginas das modalidades.</p>'
        )
        pages[page] = front_matter(title) + block(admonition("warning", "Indisponível nesta publicação", text))
    return pages


# ------------------------------------------------------------------ home


def home_page(bundle: dict[str, Any], g: Guidelines, updated: str) -> str:
    page = "index.md"
    jobs = [
        ("assistente/", "Rodar o assistente", "Responda às perguntas sobre o ticket e receba a modalidade, os critérios, "
         "os pré-requisitos e a macro a aplicar, com a nota pronta para o ticket."),
        ("calculadora/", "Estimar um custo", "Calcule o custo de uma consultoria a partir dos minutos, do valor por minuto "
         "e dos impostos, e compartilhe o resultado."),
        ("modos/suporte-padrao/", "Ler as diretrizes", "Escopo, critérios, pré-requisitos e tarifação de cada modalidade, "
         "com links para citar no ticket."),
        ("macros/", "Copiar uma macro", "O texto exato das macros oficiais do Zendesk, com o botão de cópia."),
    ]
    cards = "".join(
        f'<li><p><a class="kb-card-title" href="{href(page, url)}">{title}</a></p><hr>\n<p>{text}</p></li>\n'
        for url, title, text in jobs
    )
    rows = "".join(
        f'<tr><td><a href="{href(page, f"modos/{m.id}/")}">{inline(m.title)}</a></td><td>{inline(m.short)}</td>'
        f"<td>{billing_summary(g, m.id)}</td></tr>\n"
        for m in g.modes.values()
    )
    return (
        front_matter(g.title, hide=["navigation", "toc"])
        + block(f"<h1>{inline(g.title)}</h1>")
        + block(f'<div class="kb-lead">{md(bundle.get("origin", ""))}</div>')
        + "## O que você precisa fazer? {#tarefas}\n"
        + block(f'<div class="grid cards kb-jobs">\n<ul>\n{cards}</ul>\n</div>')
        + "## As modalidades {#modalidades}\n"
        + block(
            "<table>\n<thead><tr><th>Modalidade</th><th>Para quê</th><th>Tarifação</th></tr></thead>\n"
            f"<tbody>\n{rows}</tbody>\n</table>"
        )
        + block(
            f'<p>Todos os caminhos do assistente estão na <a href="{href(page, "tabela-de-decisao/")}">tabela de decisão</a>'
            f' e no <a href="{href(page, "fluxograma/")}">fluxograma</a>. O que mudou nas regras está no '
            f'<a href="{href(page, "historico/")}">histórico de alterações</a>.</p>'
        )
        + updated_line(updated, page)
    )


# ------------------------------------------------------------------ history


def history_page(bundle: dict[str, Any], updated: str) -> str:
    page = "historico.md"
    out = [front_matter("Histórico de alterações")]
    out.append(block("<p>O que mudou nas regras e quando, do mais recente para o mais antigo.</p>"))
    entries = sorted(bundle.get("changelog", []), key=lambda e: str(e.get("date", "")), reverse=True)
    seen: set[str] = set()
    for entry in entries:
        date = str(entry.get("date", ""))
        anchor = f"alteracao-{attr_id(date)}"
        while anchor in seen:
            anchor += "-b"
        seen.add(anchor)
        changes = "".join(f"<li>{md(c)}</li>\n" for c in entry.get("changes", []))
        out.append(f"## {md_text(date_br(date))} {{#{anchor}}}\n")
        out.append(block(f"{md(entry.get('summary', ''))}\n<ul>\n{changes}</ul>"))
    out.append(updated_line(updated, page))
    return "".join(out)
