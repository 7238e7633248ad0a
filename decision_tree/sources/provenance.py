"""Where each rule, value and text comes from, and the placeholders texts may hold.

Every item of the sources carries `source`: the guideline (the item's own text
is a verbatim passage, or it cites one), a local definition (not in the
guideline: the organisation confirms it), or an official text imported from
Zendesk. `normalize` turns the three YAML spellings into one dict the engine
and the pages read; `GuidelineText.find` tells whether a quoted passage really
is in the guideline. `fill` replaces `{name}` placeholders (never Zendesk's
`{{…}}`) with values from the billing settings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})
_PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_]+)\}(?!\})")
_EMPTY_LINE = re.compile(r"^[ \t]*(?:[-*+][ \t]+)?$")


def _normal(text: str) -> str:
    """Text as compared against the guideline: NFC, one kind of quotes, single spaces, case-folded."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    return " ".join(text.split()).casefold()


class GuidelineText:
    """The original guideline, for checking quoted passages."""

    def __init__(self, text: str):
        self._text = _normal(text)
        self._lines = {" ".join(unicodedata.normalize("NFC", line).split()) for line in text.splitlines()}

    def find(self, passage: str) -> bool:
        """Is `passage` (spacing, quotes, case and final punctuation aside) a part of the guideline?"""
        words = _normal(passage).rstrip(".;:, ")
        return bool(words) and words in self._text

    def has_line(self, text: str) -> bool:
        """Is `text` exactly (spacing aside) a whole line of the guideline, such as a macro title?"""
        return " ".join(unicodedata.normalize("NFC", text).split()) in self._lines


def quote_of(item: Mapping[str, Any]) -> str | None:
    """The guideline passage an item claims; None for a local or imported item."""
    source = item.get("source")
    if source == "guideline":
        return str(item.get("text") or item.get("title") or "")
    if isinstance(source, Mapping) and "guideline" in source:
        return str(source["guideline"])
    return None


def normalize(source: Any, item: Mapping[str, Any], owners: Mapping[str, str]) -> dict[str, Any]:
    """One shape for every source: {"kind": "guideline" | "local" | "zendesk", …}."""
    quote = quote_of({**item, "source": source})
    if quote is not None:
        return {"kind": "guideline", "quote": " ".join(quote.split())}
    if "local" in source:
        owner = source["owner"]
        return {
            "kind": "local",
            "note": " ".join(str(source["local"]).split()),
            "owner": owner,
            "owner_title": owners.get(owner, owner),
            "confirmed": bool(source.get("confirmed", False)),
        }
    zd = source["zendesk"]
    return {"kind": "zendesk", "id": zd["id"], "imported": zd["imported"]}


def sourced(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Mapping[str, Any]]]:
    """Every mapping that has a `source`, with its path from the root (depth first, in order)."""
    if isinstance(data, Mapping):
        if "source" in data:
            yield path, data
        for key, value in data.items():
            if key != "source":
                yield from sourced(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from sourced(value, (*path, i))


def placeholders(text: str) -> list[str]:
    return _PLACEHOLDER.findall(text)


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace `{name}` with `values[name]`; a line left with nothing but a list marker goes away.

    Unknown names raise KeyError (the validator reports them first)."""
    lines = []
    for line in text.split("\n"):
        names = placeholders(line)
        if not names:
            lines.append(line)
            continue
        filled = _PLACEHOLDER.sub(lambda m: values[m.group(1)], line)
        if all(not values[n] for n in names) and _EMPTY_LINE.match(_PLACEHOLDER.sub("", line)):
            continue
        lines.append(filled)
    return "\n".join(lines)


def mode_values(billing: Mapping[str, Any], mode: str) -> dict[str, str]:
    """The placeholder values of a mode's texts: its billing settings."""
    rules = billing["modes"].get(mode, {})
    minimum = rules.get("minimum_minutes", {}).get("value", 0)
    partial = billing["partial_minutes"]
    confirmed = isinstance(partial["source"], Mapping) and partial["source"].get("confirmed", False)
    local = isinstance(partial["source"], Mapping) and "local" in partial["source"]
    return {
        "minimum_minutes": str(minimum),
        # A rule the guideline does not state reaches a client-facing text only once confirmed.
        "partial_minutes_clause": partial["clause"] if (confirmed or not local) else "",
    }


def ticket_values(ticket: Mapping[str, Any]) -> dict[str, str]:
    """The placeholder values of the workflow's texts: the ticket's prefix and date label."""
    return {"prefix": ticket["prefix"]["text"], "date_label": ticket["date"]["label"]}
