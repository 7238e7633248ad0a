"""Differences shown to a person: a readable text diff of a macro's comment, and its changed settings."""

from __future__ import annotations

import difflib
import re
from html.parser import HTMLParser
from typing import Any

from decision_tree.zendesk.errors import printable, shown

COMMENT_FIELDS = ("comment_value_html", "comment_value")
SETTINGS = {  # action field → how the plan names it (the YAML key)
    "comment_mode_is_public": "public",
    "current_tags": "tags",
    "status": "status",
}
_BLOCKS = {"p", "div", "ul", "ol", "table", "tr", "blockquote", "pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6"}


class _Text(HTMLParser):
    """HTML → text as read: paragraphs and list items on their own lines, tags dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def comment_text(actions: dict[str, list[str]]) -> tuple[str, str]:
    """(readable, raw) text of the comment in normalized actions; empty when there is none."""
    raw = "\n".join(v for name in COMMENT_FIELDS for v in actions.get(name, []))
    readable = "\n".join(
        html_to_text(v) if name == "comment_value_html" else v.strip() for name in COMMENT_FIELDS for v in actions.get(name, [])
    )
    return readable, raw


def unified(old: str, new: str, old_name: str, new_name: str) -> list[str]:
    """A unified diff, printable, without the trailing newlines."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name, lineterm="", n=2)
    return [printable(line) for line in lines]


def body_diff(remote: dict[str, Any], desired: dict[str, Any], remote_name: str, desired_name: str) -> list[str]:
    """The comment's diff as read; the raw diff when only the markup differs."""
    old_read, old_raw = comment_text(remote["actions"])
    new_read, new_raw = comment_text(desired["actions"])
    if old_raw == new_raw:
        return []
    if old_read != new_read:
        return unified(old_read, new_read, f"{remote_name} (texto lido)", f"{desired_name} (texto lido)")
    return unified(old_raw, new_raw, f"{remote_name} (só a marcação difere)", desired_name)


def settings_changes(remote: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    """`name: old → new` for each differing setting and each action only one side has."""
    keys = [key for key in ("title", "description", "active") if remote[key] != desired[key]]
    lines = [f"{key}: {shown(remote[key], 200)} → {shown(desired[key], 200)}" for key in keys]
    for name in sorted(set(remote["actions"]) | set(desired["actions"])):
        if name in COMMENT_FIELDS:
            continue
        old, new = remote["actions"].get(name), desired["actions"].get(name)
        if old != new:
            label = SETTINGS.get(name, f"ação {name}")
            before = shown(" ".join(old), 200) if old else "(ausente)"
            lines.append(f"{label}: {before} → {shown(' '.join(new), 200) if new else '(removida)'}")
    return lines
