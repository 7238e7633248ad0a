"""Turn the validated sources into the JSON bundle the engine reads.

The bundle is the YAML as plain JSON with three things resolved: every
`source` in one normalized shape (`provenance.normalize`), the placeholders
of billing texts and macro bodies filled from the billing settings, and the
tree's fingerprint. With `render=True` each macro body also carries the HTML
the site shows and the plain text its copy button puts on the clipboard
(Markdown is needed only then: the CLI's `quote` and `wizard` do without).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from decision_tree.sources.loader import SourceError, Sources, read_sources
from decision_tree.sources.provenance import fill, mode_values, normalize, ticket_values
from decision_tree.sources.validate import validate
from decision_tree.sources.visibility import is_public


def _plain(data: Any) -> Any:
    return json.loads(json.dumps(data, ensure_ascii=False))


def _resolve_sources(data: Any, owners: Mapping[str, str], path: tuple[str, ...]) -> None:
    """Normalize every `source` below `data`, in place; a local one gets the anchor of its
    entry on the "Pontos a confirmar" page, made of its path (list items by their id)."""
    if isinstance(data, dict):
        if "source" in data:
            data["source"] = normalize(data["source"], data, owners)
            if data["source"]["kind"] == "local":
                data["source"]["anchor"] = anchor(path)
        for key, value in data.items():
            if key != "source":
                _resolve_sources(value, owners, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _resolve_sources(value, owners, (*path, str(value["id"]) if isinstance(value, dict) and "id" in value else str(i)))


def fingerprint(g: dict[str, Any]) -> str:
    """Six hex digits that change when the tree's structure or the steps to mark change (not when a
    text is reworded): a wizard link made for another structure is refused instead of misread."""
    tree = g["tree"]
    shape = [tree["start"]] + [
        [q["id"], [[o["id"], o["next"], o.get("criteria", []), o.get("audience")] for o in q["options"]]] for q in tree["nodes"]
    ] + [[o["id"], o["mode"], o.get("pending_check")] for o in tree["outcomes"]]
    marks = [[p["id"], p["modes"], "mark" in p] for p in g["prerequisites"]] + [
        [w["id"], w.get("modes"), "mark" in w] for w in g["workflow"]] + [
        [c["id"], c.get("prerequisites", [])] for c in g["criteria"] if c.get("prerequisites")]
    return hashlib.sha256(json.dumps([shape, marks]).encode()).hexdigest()[:6]


def anchor(path: tuple[str, ...]) -> str:
    """`("billing", "rate_per_minute")` → `local-billing-rate-per-minute`."""
    return "local-" + "-".join(p.replace("_", "-") for p in path)


def _fill_texts(data: Any, values: Mapping[str, str]) -> None:
    """Fill the placeholders of every `text` below `data`, in place."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "text" and isinstance(value, str):
                data[key] = fill(value, values)
            else:
                _fill_texts(value, values)
    elif isinstance(data, list):
        for value in data:
            _fill_texts(value, values)


def make_bundle(sources: Sources, *, render: bool = True) -> dict[str, Any]:
    g = _plain(sources.guidelines)
    for mode, rules in g["billing"]["modes"].items():
        _fill_texts(rules, mode_values(g["billing"], mode))
    _fill_texts(g["workflow"], ticket_values(g["ticket"]))
    macros = []
    for _display, data in sources.macros.values():
        macro = _plain(data)
        if macro["body"]["format"] == "markdown":  # an official text imported from Zendesk is kept verbatim
            macro["body"]["text"] = fill(macro["body"]["text"], mode_values(g["billing"], macro["mode"]))
        macro.setdefault("assumes", [])
        if render:
            from decision_tree.sources.macro_text import body_html, body_plain  # Markdown: build side only

            macro["body"]["html"] = body_html(macro["body"])
            macro["body"]["plain"] = body_plain(macro["body"]["html"])
        macros.append(macro)
    owners = {o["id"]: o["title"] for o in g["owners"]}
    _resolve_sources(g, owners, ())
    for macro in macros:
        _resolve_sources(macro, owners, ("macro", macro["id"]))
    g["fingerprint"] = fingerprint(g)
    g["macros"] = macros
    return g


# What a public item keeps of its provenance: whether it is the guideline's and, for a local one, the anchor of
# its entry on the client site's page of reference values. The quoted passage and the note are the analysts'.
_PUBLIC_SOURCE = ("kind", "confirmed", "anchor")
# Fields of a public item that only the analysts' wizard uses: the marks of its outcome (the approval workflow).
_WIZARD_ONLY = ("mark", "waiting")
# Sections the engine's model reads: present (empty) in the public bundle even when nothing in them is public.
_EMPTY: dict[str, Any] = {
    "title": "", "origin": None, "owners": [], "gaps": [], "macro_kinds": {}, "modes": [], "checks": [], "criteria": [],
    "prerequisites": [], "workflow": [], "audiences": [], "procedures": [], "changelog": [], "macros": [],
    "tree": {"start": "", "nodes": [], "outcomes": []},
}


def _public_inside(value: Any) -> Any:
    """What belongs to a public item: its values and mappings, and only the public items of its lists."""
    if isinstance(value, dict):
        kept = {k: _public_inside(v) for k, v in value.items() if k not in _WIZARD_ONLY}
        if "source" in kept and isinstance(kept["source"], dict):
            kept["source"] = {k: v for k, v in kept["source"].items() if k in _PUBLIC_SOURCE}
        return kept
    if isinstance(value, list):
        return [_public_inside(x) for x in value if not isinstance(x, dict) or is_public(x)]
    return value


def public_bundle(bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle of the client site: only the items marked `visibility: public` (sources/visibility.py), each with
    what belongs to it; no macro, procedure, check, workflow step, tree, ticket convention or changelog unless public.
    A public mode lists no macro (they are the analysts'). The engine reads it like the full bundle (no wizard)."""
    public: dict[str, Any] = dict(_EMPTY)
    for key, value in bundle.items():
        if isinstance(value, dict) and is_public(value):
            public[key] = _public_inside(value)
        elif isinstance(value, list):
            public[key] = _public_inside(value)
    for mode in public["modes"]:
        mode["macros"] = []
    public["fingerprint"] = fingerprint(public)
    return public


def load_bundle(root: Path, *, render: bool = True) -> dict[str, Any]:
    """Read, validate and bundle the sources under `root`; SourceError on any problem."""
    sources = read_sources(root)
    messages = validate(sources)
    if messages:
        raise SourceError(messages)
    return make_bundle(sources, render=render)


def bundle_json(bundle: dict[str, Any]) -> str:
    # The YAML's order is kept (not sorted): the engine lists modes, payers and audiences
    # in that order, in the page exactly as in the terminal.
    return json.dumps(bundle, ensure_ascii=False, separators=(",", ":"))
