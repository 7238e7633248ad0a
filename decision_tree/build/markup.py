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
    # A Markdown link keeps its URL only when it is relative or its scheme is a safe one;
    # javascript:, data:, vbscript: and any other scheme become "#". The scheme is read as
    # browsers read it (WHATWG URL): leading/trailing control characters and spaces and
    # every tab or newline ignored, so "\x01java\tscript:" is javascript: too.

    def repl(m: re.Match[str]) -> str:
        url = _URL_IGNORED.sub("", html.unescape(m.group(1)).strip(_URL_TRIMMED))
        scheme = _SCHEME.match(url)
        if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
            return '<a href="#"'
        return m.group(0)

    return re.sub(r'<a href="([^"]*)"', repl, out)


SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
_URL_TRIMMED = "".join(chr(c) for c in range(0x21))  # C0 controls and space
_URL_IGNORED = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
