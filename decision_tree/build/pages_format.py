"""Small helpers the page generator shares: escaping, links, pt-BR formatting.

Every text that comes from the YAML reaches a page through one of these:

- `block(html)`: HTML already made safe by `render_markdown`/`render_inline`,
  placed as a raw HTML block; backticks and tildes become entities so no
  Markdown preprocessor (code fences) can see them.
- `md_text(text)`: a YAML text placed where Markdown is parsed (tab labels,
  link texts): every character Markdown or HTML could act on becomes a
  numeric entity, which the browser shows literally.
- `front_matter(title)`: the page title, HTML-escaped (Material prints the
  title into the page unescaped).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re
from decimal import Decimal

from babel.numbers import format_currency, format_percent

from .markup import render_inline, render_markdown

_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>&~=?^:\"'$%@")


def md_text(text: str) -> str:
    """A one-line YAML text made inert for Markdown and HTML."""
    flat = " ".join(text.split())
    return "".join(f"&#{ord(c)};" if c in _MD_SPECIAL else c for c in flat)


def block(fragment: str) -> str:
    """Safe HTML as a raw block: fence markers turned into entities, blank lines around it."""
    return "\n" + fragment.replace("`", "&#96;").replace("~", "&#126;").strip() + "\n\n"


def md(text: str) -> str:
    """A multi-line YAML text as safe HTML (Markdown rendered, raw HTML escaped)."""
    return render_markdown(text).strip()


def inline(text: str) -> str:
    """A one-line YAML text as escaped HTML."""
    return render_inline(" ".join(text.split()))


def front_matter(title: str, **extra: str) -> str:
    """YAML front matter with the page title (JSON strings are valid YAML)."""
    lines = [f"title: {json.dumps(html.escape(' '.join(title.split())), ensure_ascii=False)}"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in extra.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def url_of(page: str) -> str:
    """The directory URL of a docs-relative Markdown path (use_directory_urls)."""
    stem = page.removesuffix(".md")
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


def href(from_page: str, target: str) -> str:
    """Relative link from the page `from_page` (a .md path) to a site URL like `macros/x/#y`."""
    path, sep, fragment = target.partition("#")
    base = url_of(from_page).rstrip("/") or "."
    rel = posixpath.relpath(path.rstrip("/") or ".", base)
    if path.endswith("/") or not path:
        rel = "./" if rel == "." else rel + "/"
    return html.escape(rel + (sep + fragment if sep else ""), quote=True)


def md_link(from_page: str, target: str) -> str:
    """A Markdown link target from one .md page to another (MkDocs checks and rewrites it)."""
    return posixpath.relpath(target, posixpath.dirname(from_page) or ".")


def date_br(iso: str) -> str:
    """`2026-11-28` -> `28/11/2026` (plain text: escape it; an unparsable value comes back as is)."""
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(iso)


def money(value: str | Decimal, currency: str) -> str:
    return format_currency(Decimal(value), currency, locale="pt_BR").replace("\xa0", " ")


def percent(rate: str | Decimal) -> str:
    return format_percent(Decimal(rate), format="#,##0.##%", locale="pt_BR")


def attr_id(value: str) -> str:
    """An id safe in an HTML attribute (ids are validated upstream; this is a last guard)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", value)


def admonition(kind: str, title: str, body_html: str, *, id_: str = "") -> str:
    """The HTML Material styles as an admonition (`!!! kind "title"`); `title` is escaped here."""
    ident = f' id="{attr_id(id_)}"' if id_ else ""
    return (
        f'<div class="admonition {kind}"{ident}>\n<p class="admonition-title">{render_inline(title)}</p>\n'
        f"{body_html}\n</div>"
    )


def details(kind: str, title_html: str, body_html: str, *, id_: str = "", open_: bool = False) -> str:
    """The HTML of a collapsible admonition (`??? kind "title"`, pymdownx.details)."""
    ident = f' id="{attr_id(id_)}"' if id_ else ""
    opened = " open" if open_ else ""
    return f'<details class="{kind}"{ident}{opened}>\n<summary>{title_html}</summary>\n{body_html}\n</details>'


def updated_line(iso: str, from_page: str) -> str:
    return block(
        f'<p class="kb-updated">Última alteração: <time datetime="{render_inline(iso)}">{render_inline(date_br(iso))}</time>'
        f' · <a href="{href(from_page, "historico/")}">Histórico de alterações</a></p>'
    )
