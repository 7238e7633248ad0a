"""The Jinja2 environment that renders the generated pages (templates/*.md.j2).

Autoescape is on: a text from the YAML reaches a page escaped, or through one
of the filters below. The pages are Markdown holding raw HTML blocks, so
every text placed in HTML also has its backticks and tildes turned into
entities (no Markdown preprocessor can take them for a code fence), and a
text placed where Markdown is parsed (a tab label) goes through `mdtext`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from babel.numbers import format_currency, format_decimal, format_percent
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from decision_tree.core import urls
from decision_tree.core.texts import LOCAL_LABEL, OWNER_CONFIRMED, OWNER_PENDING, Source, is_local, lower_first, owner_status
from decision_tree.sources.markup import render_markdown

TEMPLATES = Path(__file__).resolve().parent / "templates"
_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>&~=?^:\"'$%@")


def _fence_safe(html_text: str) -> Markup:
    return Markup(html_text.replace("`", "&#96;").replace("~", "&#126;"))


def _finalize(value: Any) -> Any:
    """Every `{{ … }}`: escaped (unless already Markup) and safe from Markdown's code fences."""
    if isinstance(value, Markup):
        return value
    return _fence_safe(str(escape(value)))


def md(text: str) -> Markup:
    """A YAML text in Markdown, as safe HTML (raw HTML in it is shown as text)."""
    return _fence_safe(render_markdown(text).strip())


def md_inline(text: str) -> Markup:
    """Like `md`, without the paragraph around a one-paragraph text."""
    html_text = render_markdown(text).strip()
    m = re.fullmatch(r"<p>(.*)</p>", html_text, re.S)
    return _fence_safe(m.group(1) if m else html_text)


def html_block(html_text: str) -> Markup:
    """Safe HTML placed inside a raw HTML block: no blank line (it would end the block), fence-safe."""
    return _fence_safe(re.sub(r"\n\s*\n", "\n", str(html_text)).strip())


def lines(text: str) -> Markup:
    """A multi-line plain text kept inside an HTML block: escaped, newlines as entities."""
    return _fence_safe(str(escape(text)).replace("\n", "&#10;"))


def mdtext(text: str) -> Markup:
    """A one-line text made inert where Markdown is parsed: specials become numeric entities."""
    return Markup("".join(f"&#{ord(c)};" if c in _MD_SPECIAL else c for c in " ".join(str(text).split())))


def site_path(site_url: str | None) -> str:
    """The path the site is served under, from mkdocs.yml's `site_url`: "/" at the root of its host name."""
    path = urlsplit(site_url or "").path or "/"
    return path if path.endswith("/") else path + "/"


# The path of the site being generated (`generate_pages` sets it from `site_url`).
_SITE_PATH: ContextVar[str] = ContextVar("site_path", default="/")


@contextmanager
def served_under(path: str) -> Iterator[None]:
    """Render the pages of a site served under `path` ("/" or "/x/")."""
    token = _SITE_PATH.set(path)
    try:
        yield
    finally:
        _SITE_PATH.reset(token)


def site_link(target: str) -> str:
    """The URL a page writes for a site URL like `macros/x/#y`: root-absolute, under the site's path.

    Not relative: the links sit in raw HTML, which MkDocs leaves as written (relative to the page's URL) and
    Zensical resolves against the page's .md file, so a relative link would lead elsewhere in one of them. A
    root-absolute URL is left alone by both, at any depth, the 404 page included."""
    return _SITE_PATH.get() + target


@pass_context
def href(ctx: Context, target: str) -> str:
    return site_link(target)


@pass_context
def badge(ctx: Context, source: Source | dict[str, Any] | None) -> Markup:
    """The label of a local item (templates/_label.j2): "Não consta na diretriz", who confirms it, a link to its entry."""
    if not is_local(source):
        return Markup("")
    data = source.to_dict() if isinstance(source, Source) else source
    link = site_link(f"{urls.TO_CONFIRM}#{data['anchor']}")
    owner = f"· {owner_status(bool(data.get('confirmed')))} {data['owner_title']}"
    return Markup(" ") + label_macros().label(link, owner=owner)


def label_macros() -> Any:
    """The macros of templates/_label.j2, to call from Python."""
    return environment().get_template("_label.j2").module


def date_br(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(iso)


def money(value: str | Decimal, exact: bool = False) -> str:
    pattern = "¤ #,##0.00##" if exact else "¤ #,##0.00"
    return format_currency(Decimal(value), "BRL", format=pattern, locale="pt_BR", currency_digits=False).replace("\xa0", " ")


def percent(rate: str | Decimal) -> str:
    return format_percent(Decimal(rate), format="#,##0.####%", locale="pt_BR")


def number(value: str | Decimal | int) -> str:
    return format_decimal(Decimal(value), format="#,##0.####", locale="pt_BR")


def listing(items: list[str], conjunction: str = "e") -> str:
    """["a", "b", "c"] → "a, b e c" (pt-BR: no comma before the conjunction)."""
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def front_title(title: str) -> Markup:
    """A page title for the front matter: HTML-escaped (Material prints it unescaped), as a YAML string."""
    return Markup(json.dumps(str(escape(" ".join(title.split()))), ensure_ascii=False))


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
        # `{#id}` is Markdown's heading id (attr_list), not a Jinja comment.
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters.update(md=md, md_inline=md_inline, html=html_block, lines=lines, mdtext=mdtext, href=href, badge=badge, date_br=date_br,
                       money=money, percent=percent, number=number, json=to_json, listing=listing,
                       front_title=front_title, lower_first=lower_first)
    env.globals.update(urls=urls, LOCAL_LABEL=LOCAL_LABEL, OWNER_PENDING=OWNER_PENDING, OWNER_CONFIRMED=OWNER_CONFIRMED)
    return env


def render(template: str, page: str, **context: Any) -> str:
    """Render `templates/<template>` as the page at docs-relative path `page`."""
    return environment().get_template(template).render(page=page, **context)
