"""Mermaid for the flowchart, served by the site itself (the pinned npm copy).

Material for MkDocs draws a diagram with the global `mermaid` when a page
defines one, and loads Mermaid from a CDN only when none is defined (its
documented contract: "make it visible … window.mermaid = mermaid"). The
flowchart page loads this copy with a plain script before Material's own
script runs, so no other origin is ever asked; the other pages load nothing.
"""

from __future__ import annotations

from pathlib import Path

MERMAID_NPM_PATH = Path("node_modules/mermaid/dist/mermaid.min.js")


class MermaidError(Exception):
    """Mermaid is not where the build expects it; the message says what to do."""


def mermaid_source(root: Path) -> Path:
    path = root / MERMAID_NPM_PATH
    if not path.is_file():
        raise MermaidError(f"{MERMAID_NPM_PATH.as_posix()} is missing: run `npm ci` in {root} (Mermaid is pinned in package.json)")
    return path
