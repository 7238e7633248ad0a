"""A macro body as the site shows it (safe HTML) and as its copy button pastes it (clean text).

A body written here is Markdown (`markup.render_markdown`: raw HTML shown as
text); an official body imported from Zendesk is kept as it came and shown
through an allow-list sanitizer (nh3). The plain text has no Markdown markers
and no line broken in the middle of a sentence: one line per paragraph or
list item, a blank line between paragraphs, so it pastes cleanly anywhere.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import nh3

from decision_tree.sources.markup import SAFE_SCHEMES, render_markdown

OFFICIAL_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote", "span", "div"}
_MARKER = re.compile(r"-|\d+\.")
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol"}


def body_html(body: dict[str, Any]) -> str:
    text = body["text"]
    if body["format"] == "markdown":
        return render_markdown(text)
    if body["format"] == "html":
        return nh3.clean(text, tags=OFFICIAL_TAGS, attributes={"a": {"href"}}, url_schemes=SAFE_SCHEMES, link_rel="noopener")
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "\n".join("<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>" for p in paragraphs)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []  # finished lines; "" is a paragraph break
        self.line: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [number of the next item] (0 for bullets)

    def _end_line(self) -> None:
        text = " ".join("".join(self.line).split())
        if _MARKER.fullmatch(text):
            return  # a list item whose text is in a paragraph of its own: keep the marker for it
        if text:
            self.blocks.append(text)
        self.line = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS or tag == "li":
            self._end_line()
        if tag in ("ul", "ol"):
            self.lists.append([1 if tag == "ol" else 0])
        elif tag == "li":
            counter = self.lists[-1] if self.lists else [0]
            marker = f"{counter[0]}. " if counter[0] else "- "
            counter[0] += 1 if counter[0] else 0
            self.line.append(marker)
        elif tag == "br":
            self._end_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS or tag == "li":
            self._end_line()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag in _BLOCKS and not self.lists:
            self.blocks.append("")

    def handle_data(self, data: str) -> None:
        self.line.append(data)


def body_plain(body_html_text: str) -> str:
    """The clean text of a body's HTML: paragraphs separated by a blank line, list items as "- "."""
    parser = _Text()
    parser.feed(body_html_text)
    parser.close()
    parser._end_line()
    out: list[str] = []
    for line in parser.blocks:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"


def body_text(body: dict[str, Any]) -> str:
    """The clean text of a body (`format` and `text`): what the copy button pastes, and what sync-zendesk diffs."""
    return body_plain(body_html(body))
