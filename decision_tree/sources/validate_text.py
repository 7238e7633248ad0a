"""Checks of the texts: every quoted passage is in the guideline, every local item has an owner,
placeholders are known and only where they are filled, and client-facing macro texts state no
local rule that is not confirmed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from decision_tree.sources.loader import line_of
from decision_tree.sources.provenance import fill, mode_values, placeholders, quote_of, sourced, ticket_values
from decision_tree.sources.schema_check import show as _show

if TYPE_CHECKING:
    from decision_tree.sources.validate import Ctx

# An image in a text: Markdown's `![` (not escaped) or a raw <img>/<image> tag.
# Markdown's `![`, and every HTML way of making the reader's mail client or browser fetch a picture:
# <img>, <image> (read as <img>), <picture>/<source srcset>, any srcset, <video poster>, <input type=image>.
IMAGE_SYNTAX = re.compile(
    r"(?<!\\)(?:\\\\)*!\[|<img\b|<image\b|<picture\b|<source\b|\bsrcset\s*=|<video\b[^>]*\bposter\s*="
    r"|<input\b[^>]*\btype\s*=\s*[\"']?image\b",
    re.IGNORECASE,
)

GUIDELINE_FILE = "decision_tree/diretriz.txt"


def _items(ctx: Ctx) -> list[tuple[str, tuple[Any, ...], Mapping[str, Any]]]:
    """(file, path, item) for every item with a `source`, in the guidelines and the macros."""
    found = [(ctx.path, path, item) for path, item in sourced(ctx.g)]
    for display, data in ctx.macro_files:
        found += [(display, path, item) for path, item in sourced(data)]
    return found


def _values(ctx: Ctx, display: str, path: tuple[Any, ...]) -> dict[str, str] | None:
    """The placeholder values for an item: its mode's billing settings; None where placeholders are not filled."""
    billing = ctx.g["billing"]
    if display == ctx.path and path[:1] == ("workflow",):
        return ticket_values(ctx.g["ticket"])
    if display == ctx.path and path[:2] == ("billing", "modes") and len(path) > 2:
        return mode_values(billing, path[2])
    macro = next((data for d, data in ctx.macro_files if d == display), None)
    if macro is not None and path[:1] == ("body",) and macro["body"]["format"] == "markdown":
        return mode_values(billing, macro["mode"])  # an official text imported from Zendesk is kept verbatim
    return None


def check_sources(ctx: Ctx) -> None:
    """A cited passage must be in the guideline; a local item names an owner of `owners`."""
    for display, path, item in _items(ctx):
        source = item["source"]
        if isinstance(source, Mapping) and "local" in source:
            if source["owner"] not in ctx.ids["owner"]:
                ctx.add(line_of(source, "owner"), f"owner '{source['owner']}' is unknown (known: {', '.join(ctx.ids['owner'])})",
                        "use one of them or add it to owners", display)
            continue
        quote = quote_of(item)
        if quote is None:
            continue
        values = _values(ctx, display, path)
        if values is not None and source == "guideline":
            if not set(placeholders(quote)) <= values.keys():
                continue  # an unknown placeholder: check_placeholders reports it (filling would fail)
            quote = fill(quote, values)
        if not ctx.guideline.find(quote):
            line = line_of(source, "guideline") if isinstance(source, Mapping) else line_of(item, "source")
            what = "the text marked as the guideline's own words" if source == "guideline" else "the cited passage"
            shown = " ".join(quote.split())
            shown = shown if len(shown) <= 80 else shown[:77] + "..."
            ctx.add(line, f"{what} “{shown}” is not in the guideline ({GUIDELINE_FILE})",
                    "copy the passage exactly from the guideline, or mark the item as local "
                    "(source: {local: \"…\", owner: …})", display)


def _strings(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any, Any]]:
    """(path of its holder, holder, key) of every string in `data`: texts, labels, questions, titles…"""
    pairs = data.items() if isinstance(data, Mapping) else enumerate(data) if isinstance(data, list) else ()
    for key, value in pairs:
        if isinstance(value, str):
            yield path, data, key
        else:
            yield from _strings(value, (*path, key))


def check_placeholders(ctx: Ctx) -> None:
    """`{name}` only in billing texts and macro bodies (a sourced item's text), and only the names that are filled.

    Every string is looked at: a placeholder in a question, a label or a title is never filled."""
    for display, data in [(ctx.path, ctx.g), *ctx.macro_files]:
        official = display != ctx.path and data["body"]["format"] != "markdown"
        for path, holder, key in _strings(data):
            names = placeholders(holder[key])
            if not names or (official and path[:1] == ("body",)):  # an official text is kept verbatim, braces too
                continue
            sourced_text = isinstance(holder, Mapping) and "source" in holder and key in ("text", "clause")
            values = _values(ctx, display, path) if sourced_text else None
            allowed = set(values) if values is not None else set()
            for name in names:
                if name not in allowed:
                    where = f"here (known: {', '.join(sorted(allowed))})" if allowed else "outside billing texts and macro bodies"
                    ctx.add(line_of(holder, key), f"placeholder {{{name}}} is not filled {where}",
                            "write the text out, or use a known placeholder", display)


def check_macro_texts(ctx: Ctx) -> None:
    """Macro titles are the guideline's; a proposed body states no unconfirmed local rule word for word."""
    partial = ctx.g["billing"]["partial_minutes"]
    clause_is_local = isinstance(partial["source"], Mapping) and "local" in partial["source"]
    unconfirmed = clause_is_local and not partial["source"].get("confirmed", False)
    clause = " ".join(partial["clause"].split()).rstrip(".").casefold()
    for display, data in ctx.macro_files:
        if not ctx.guideline.has_line(data["title"]):
            ctx.add(line_of(data, "title"), f"the title is not one of the macro titles of the guideline ({GUIDELINE_FILE})",
                    "use the title exactly as the guideline writes it", display)
        body = " ".join(data["body"]["text"].split()).casefold()
        if unconfirmed and clause in body:
            ctx.add(line_of(data["body"], "text"), "the body states a rule that is not in the guideline and is not confirmed "
                    f"(“{partial['clause']}”)", "write {partial_minutes_clause} instead: it is filled in once the rule is confirmed",
                    display)


def check_no_images(ctx: Ctx) -> None:
    """No text of any source holds an image (Markdown `![alt](url)` or a raw `<img`): the site
    needs none, and in a Zendesk macro it would be loaded from its URL (a tracking pixel)."""
    for display, data in [(ctx.path, ctx.g), *ctx.macro_files]:
        todo = [data]
        while todo:
            container = todo.pop()
            for key, value in container.items() if isinstance(container, dict) else enumerate(container):
                if isinstance(value, (dict, list)):
                    todo.append(value)
                elif isinstance(value, str) and (found := IMAGE_SYNTAX.search(value)):
                    ctx.add(line_of(container, key), f"the text has an image ({_show(value[found.start():])}), which no text may show "
                            "(in a Zendesk macro it would be fetched from its URL)",
                            "remove it, or write a link [text](https://...) instead", display)


CHECKS: list[Callable[[Ctx], None]] = [check_sources, check_placeholders, check_macro_texts, check_no_images]
