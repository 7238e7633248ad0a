"""Who sees an item: the analysts' site only (`internal`, the default) or the client site too (`public`).

The rule, shared by the validation (`check_visibility`) and the public bundle
(`decision_tree.sources.bundle.public_bundle`):

- an *item* is a top-level section that is a mapping (`billing`, `ticket`,
  `tree`...) or an element of a list of mappings, at any depth (a mode, a
  paragraph of its scope, a criterion, a tax of `billing.taxes.items`...);
- an item is public only if it says `visibility: public`; everything else in
  it (a mapping, a value, a list of ids) belongs to it;
- an item inside an internal item is internal whatever it says (the
  validation refuses a `visibility: public` there), and a public item may not
  cite an internal one: by id (a criterion's mode, prerequisites, contradicts,
  see_also...) or by its title in a text.

A mode's `macros` are the analysts' tools: a public mode keeps them on the
internal site only (the macros themselves, in macros/*.yml, are internal).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from decision_tree.sources.loader import line_of

PUBLIC = "public"
INTERNAL = "internal"
# Top-level sections whose items the site shows; each id-bearing one is a kind an item may cite.
KINDS = {"modes": "mode", "checks": "check", "criteria": "criterion", "prerequisites": "prerequisite", "workflow": "step",
         "audiences": "audience", "procedures": "procedure", "gaps": "gap", "owners": "owner"}
# (section, field, section it cites): a public item of `section` may cite only public items there.
REFERENCES = (
    ("criteria", "mode", "modes"),
    ("criteria", "prerequisites", "prerequisites"),
    ("criteria", "contradicts", "criteria"),
    ("criteria", "see_also", "criteria"),
    ("prerequisites", "modes", "modes"),
    ("checks", "gap", "gaps"),
    ("workflow", "modes", "modes"),
)
MIN_TITLE = 12  # a shorter internal title ("Cliente") is a common phrase, not a citation
_LINK = re.compile(r"\]\(([^)\s]+)")


def is_public(item: Any) -> bool:
    return isinstance(item, dict) and item.get("visibility") == PUBLIC


def _is_item_list(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(x, dict) for x in value)


def items(data: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], Any, bool, bool]]:
    """Every item of the guidelines: (path, item, public, inside an internal item)."""

    def below(path: tuple[str, ...], value: Any, parent_public: bool, in_internal: bool) -> Iterator[Any]:
        if isinstance(value, dict):
            for key, child in value.items():
                yield from below((*path, str(key)), child, parent_public, in_internal)
        elif _is_item_list(value):
            for i, child in enumerate(value):
                if isinstance(child, dict):
                    name = str(child.get("id", i))
                    public = is_public(child) and parent_public
                    yield (*path, name), child, public, in_internal or not parent_public
                    for key, grand in child.items():
                        yield from below((*path, name, str(key)), grand, public, in_internal or not parent_public)

    for key, value in data.items():
        if isinstance(value, dict):
            public = is_public(value)
            yield (key,), value, public, False
            for child_key, child in value.items():
                yield from below((key, child_key), child, public, False)
        elif _is_item_list(value):
            yield from below((key,), value, True, False)


def _texts(value: Any) -> Iterator[tuple[Any, Any, str]]:
    """(container, key, text) of every string that belongs to an item (not of the items inside it)."""
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(child, str) and key not in ("id", "visibility", "color"):
                yield value, key, child
            elif isinstance(child, dict):
                yield from _texts(child)
            elif isinstance(child, list) and not _is_item_list(child):
                pass  # a list of ids: checked as references


def check_visibility(ctx: Any) -> None:
    """A public item inside an internal one, or a public item citing an internal one, is an error."""
    g = ctx.g
    found = list(items(g))
    public_ids: dict[str, set[str]] = {s: {x["id"] for x in g.get(s, []) if is_public(x)} for s in KINDS}
    for path, item, _public, in_internal in found:
        if is_public(item) and in_internal:
            ctx.add(line_of(item, "visibility"), f"{'.'.join(path)} is public inside an internal item",
                    "make the item that holds it public too, or remove this `visibility: public`")
    for section, key, cited in REFERENCES:
        for item in g.get(section, []):
            if not is_public(item) or key not in item:
                continue
            values = item[key] if isinstance(item[key], list) else [item[key]]
            for i, value in enumerate(values):
                if value not in public_ids[cited]:
                    where = line_of(item[key], i) if isinstance(item[key], list) else line_of(item, key)
                    ctx.add(where, f"public {KINDS[section]} '{item['id']}' cites the internal {KINDS[cited]} '{value}' ({key})",
                            f"add `visibility: public` to {KINDS[cited]} '{value}' or remove the reference")
    _check_billing(ctx, public_ids)
    internal_titles = {
        x["title"]: f"{KINDS[s]} '{x['id']}'" for s in KINDS for x in g.get(s, [])
        if isinstance(x, dict) and not is_public(x) and isinstance(x.get("title"), str) and len(x["title"]) >= MIN_TITLE
    }
    for path, item, public, _ in found:
        if not public:
            continue
        for container, key, text in _texts(item):
            for title, what in internal_titles.items():
                if title in text:
                    ctx.add(line_of(container, key), f"the public text at {'.'.join(path)} cites the internal {what} (“{title}”)",
                            f"reword the text, or add `visibility: public` to {what}")
            for target in _LINK.findall(text):
                # a link without a scheme is a page (or an anchor) of the site it is on: the analysts' one
                if not re.match(r"[\x00-\x20]*[A-Za-z][A-Za-z0-9+.-]*:", target):
                    ctx.add(line_of(container, key), f"the public text at {'.'.join(path)} links to '{target}', a page of the "
                            "internal site", "link to an address outside the site, or remove the link")


def _check_billing(ctx: Any, public_ids: dict[str, set[str]]) -> None:
    billing = ctx.g.get("billing")
    if not is_public(billing):
        return
    for mode in billing["modes"]:
        if mode not in public_ids["modes"]:
            ctx.add(line_of(billing["modes"], mode), f"public billing has rules for the internal mode '{mode}'",
                    f"add `visibility: public` to mode '{mode}'")
    for mode, rules in billing["modes"].items():
        payers = rules.get("payers")
        for audience in (payers or {}).get("value", {}):
            if audience not in public_ids["audiences"]:
                ctx.add(line_of(payers["value"], audience), f"public billing of '{mode}' names the internal audience '{audience}'",
                        f"add `visibility: public` to audience '{audience}'")
