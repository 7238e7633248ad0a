"""Turn the validated sources into the JSON bundle the engine reads."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .markup import render_markdown
from .sources import SourceError, Sources, read_sources
from .validate import validate


def make_bundle(sources: Sources) -> dict[str, Any]:
    g = json.loads(json.dumps(sources.guidelines))  # plain dicts and lists
    macros = []
    for _display, data in sources.macros.values():
        macro = json.loads(json.dumps(data))
        macro["body_html"] = render_markdown(macro["body"])
        macros.append(macro)
    tree = json.dumps(g["tree"], sort_keys=True, ensure_ascii=False).encode()
    g["fingerprint"] = hashlib.sha256(tree).hexdigest()[:6]
    g["macros"] = macros
    return g


def load_bundle(root: Path) -> dict[str, Any]:
    """Read, validate and bundle the sources under `root`; SourceError on any problem."""
    sources = read_sources(root)
    messages = validate(sources)
    if messages:
        raise SourceError(messages)
    return make_bundle(sources)


def bundle_json(bundle: dict[str, Any]) -> str:
    # The YAML's order is kept (not sorted): the engine lists modes, payers and audiences
    # in that order, in the page exactly as in the terminal.
    return json.dumps(bundle, ensure_ascii=False, separators=(",", ":"))
