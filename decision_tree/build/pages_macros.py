"""Macro pages: the exact Zendesk title, who it is for, when to use it, its text to copy."""

from __future__ import annotations

from typing import Any

from ..model import Guidelines
from .pages_format import (
    admonition,
    block,
    front_matter,
    href,
    inline,
    md,
    md_text,
    updated_line,
)

KIND_TITLES = {"termo": "Termo de Aceite", "pendente": "Ticket pendente", "finalizacao": "Finalização"}
ZENDESK_STATUS = {"open": "Aberto", "pending": "Pendente", "hold": "Em espera", "solved": "Resolvido"}



def audience_titles(g: Guidelines, ids: Any) -> str:
    return ", ".join(inline(g.audiences[a].title) if a in g.audiences else inline(a) for a in ids)


def macros_index(bundle: dict[str, Any], g: Guidelines, updated: str) -> str:
    page = "macros/index.md"
    out = [front_matter("Macros do Zendesk")]
    out.append(
        block(
            "<p>As macros oficiais compartilhadas no Zendesk. Cada página traz o título exato, para quem é, quando "
            "usar e o texto com botão de cópia.</p>"
        )
    )
    for mode in g.modes.values():
        macros = [m for m in bundle["macros"] if m["mode"] == mode.id]
        if not macros:
            continue
        rows = "".join(
            f'<tr><td><a href="{href(page, f"macros/{m["id"]}/")}">{inline(m["title"])}</a></td>'
            f"<td>{audience_titles(g, m['audiences'])}</td><td>{inline(m['when'])}</td></tr>\n"
            for m in macros
        )
        out.append(f"## {md_text(mode.title)} {{#{mode.id}}}\n")
        out.append(
            block(
                "<table>\n<thead><tr><th>Macro</th><th>Para quem</th><th>Quando usar</th></tr></thead>\n"
                f"<tbody>\n{rows}</tbody>\n</table>"
            )
        )
    out.append(updated_line(updated, page))
    return "".join(out)


def macro_page(macro: dict[str, Any], g: Guidelines, page: str, updated: str) -> str:
    mode = g.modes.get(macro["mode"])
    mode_link = f'<a href="{href(page, f"modos/{mode.id}/#macros")}">{inline(mode.title)}</a>' if mode else ""
    body = macro["body"]
    ticks = "`" * max(3, _longest_backtick_run(body) + 1)
    zd = macro.get("zendesk", {})
    tags = " ".join(f"<code>{inline(t)}</code>" for t in zd.get("tags", []))
    zendesk_rows = [
        ("Título exato", f"<code>{inline(macro['title'])}</code>"),
        ("Descrição", inline(zd.get("description", ""))),
        ("Comentário", "público" if zd.get("public", True) else "interno"),
        ("Status do ticket após aplicar", inline(ZENDESK_STATUS.get(zd.get("status", ""), zd.get("status", "")))),
        ("Tags", tags),
    ]
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>\n" for k, v in zendesk_rows)
    return (
        front_matter(macro["title"])
        + block(
            f'<p class="kb-lead">{inline(KIND_TITLES.get(macro["kind"], macro["kind"]))} · {mode_link}</p>\n'
            f"<p><strong>Para quem:</strong> {audience_titles(g, macro['audiences'])}</p>"
        )
        + block(admonition("tip", "Quando usar", md(macro["when"]), id_="quando-usar"))
        + "## Texto da macro {#texto}\n"
        + block(f'<div class="kb-macro-body">\n{macro["body_html"]}\n</div>')
        + "## Copiar o texto {#copiar}\n"
        + block("<p>O botão no canto do bloco copia o texto para colar no Zendesk.</p>")
        + f"{ticks}text\n{body.rstrip()}\n{ticks}\n\n"
        + "## No Zendesk {#zendesk}\n"
        + block(f"<table>\n<tbody>\n{table}</tbody>\n</table>")
        + block(
            f'<p><a class="md-button" href="{href(page, "macros/")}{inline(macro["id"])}.json" download>'
            "Baixar o JSON da macro para a API do Zendesk</a></p>"
        )
        + updated_line(updated, page)
    )


def _longest_backtick_run(text: str) -> int:
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    return longest
