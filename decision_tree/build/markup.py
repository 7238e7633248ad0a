"""Markdown to HTML with every raw HTML tag escaped.

The site and the Zendesk export both render texts from the YAML through this
one function, so a `<script>` typed into a source shows up as text everywhere.
"""

from __future__ import annotations

import html
import re

import markdown

EXTENSIONS = ["sane_lists", "smarty"]
EXTENSION_CONFIGS = {"smarty": {"smart_quotes": False, "smart_dashes": False}}

def _strip_raw_html(md: markdown.Markdown) -> None:
    # Raw HTML blocks and inline HTML are not processed: they stay text and
    # are escaped by the serializer. Entities are kept as text too.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.inlinePatterns.deregister("entity")

def render_markdown(text: str) -> str:
    """Render a Markdown text from the sources into safe HTML."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    _strip_raw_html(md)
    out = md.convert(text)
    return _neutralize_links(out)

def _neutralize_links(out: str) -> str:
    # Markdown links to javascript:/data:/vbscript: URLs are dropped to text.

    def repl(m: re.Match[str]) -> str:
        href = html.unescape(m.group(1)).strip().lower().replace("\t", "").replace("\n", "")
        if href.startswith(("javascript:", "data:", "vbscript:")):
            return m.group(0).replace(m.group(1), "#")
        return m.group(0)

    return re.sub(r'<a href="([^"]*)"', repl, out)

def render_inline(text: str) -> str:
    """Escape a plain one-line text for HTML (titles, labels)."""
    return html.escape(text, quote=True)
