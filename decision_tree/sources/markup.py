"""Markdown to HTML with every raw HTML tag escaped and no images.

The site and the Zendesk export both render texts from the YAML through this
one function, so a `<script>` typed into a source shows up as text everywhere.
An image (`![alt](url)`) is shown as its alt text: the site needs none, and in
a Zendesk macro one would be loaded from wherever its URL points (a tracking
pixel). The validator rejects them in the sources; this is the second line.
"""

from __future__ import annotations

import html
import re

import markdown
from markdown import inlinepatterns

EXTENSIONS = ["sane_lists", "smarty"]
EXTENSION_CONFIGS = {"smarty": {"smart_quotes": False, "smart_dashes": False}}
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)  # what the validator rejects in a source: validate_text.py


def _strip_raw_html(md: markdown.Markdown) -> None:
    # Raw HTML blocks and inline HTML are not processed: they stay text and
    # are escaped by the serializer. Entities are kept as text too.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.inlinePatterns.deregister("entity")

class _ImageAsText(inlinepatterns.ImageInlineProcessor):
    """`![alt](url)` becomes the text `alt` (escaped by the serializer like any text)."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str | None, int | None, int | None]:  # type: ignore[override]
        el, start, end = super().handleMatch(m, data)
        return (None if el is None else el.get("alt", "")), start, end


class _ImageReferenceAsText(inlinepatterns.ImageReferenceInlineProcessor):
    """`![alt][ref]` becomes the text `alt`."""

    def makeTag(self, href: str, title: str, text: str) -> str:  # type: ignore[override]
        return self.unescape(text)


class _ShortImageReferenceAsText(inlinepatterns.ShortImageReferenceInlineProcessor):
    """`![ref]` becomes the text `ref`."""

    makeTag = _ImageReferenceAsText.makeTag


def _images_as_text(md: markdown.Markdown) -> None:
    # The same patterns and priorities as Markdown's own image processors, so the
    # syntax is still consumed (no "!" + link is left behind) but no <img> is made.
    md.inlinePatterns.register(_ImageAsText(inlinepatterns.IMAGE_LINK_RE, md), "image_link", 150)
    md.inlinePatterns.register(_ImageReferenceAsText(inlinepatterns.IMAGE_REFERENCE_RE, md), "image_reference", 140)
    md.inlinePatterns.register(_ShortImageReferenceAsText(inlinepatterns.IMAGE_REFERENCE_RE, md), "short_image_ref", 125)


def render_markdown(text: str) -> str:
    """Render a Markdown text from the sources into safe HTML."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    _strip_raw_html(md)
    _images_as_text(md)
    out = md.convert(text)
    return _IMG_TAG.sub("", _neutralize_links(out))  # no <img> can be left; removed all the same if one were


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
