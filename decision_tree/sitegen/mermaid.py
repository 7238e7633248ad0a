"""Mermaid for the flowchart, served by the site itself (the pinned npm copy).

Material for MkDocs draws a diagram with the global `mermaid` when a page
defines one, and loads Mermaid from a CDN only when none is defined (its
documented contract: "make it visible … window.mermaid = mermaid"). The
flowchart page loads this copy with a plain script before Material's own
script runs, so no other origin is ever asked; the other pages load nothing.
The copy must therefore be the browser build that defines that global
(`dist/mermaid.min.js` does, in 11 and in 12: `globalThis["mermaid"] = …`);
without it Material would ask its CDN, which the CSP refuses, and the
flowchart would stay as text, so the build stops instead.

Mermaid 12 (pinned in package.json) rather than 11: on this flowchart 11's
curved edges put three labels over another label or a node; 12's orthogonal
edges leave none (tests/test_flowchart_browser.py measures it), at the cost
of a heavier file (about 1.7 MB gzipped instead of 0.8 MB, on this page only).
"""

from __future__ import annotations

import re
from pathlib import Path

MERMAID_NPM_PATH = Path("node_modules/mermaid/dist/mermaid.min.js")
GLOBAL = re.compile(rb"""globalThis\[["']mermaid["']\]\s*=|window\.mermaid\s*=""")  # at the end of the file


class MermaidError(Exception):
    """Mermaid is not where the build expects it; the message says what to do."""


def mermaid_source(root: Path) -> Path:
    path = root / MERMAID_NPM_PATH
    if not path.is_file():
        raise MermaidError(f"{MERMAID_NPM_PATH.as_posix()} is missing: run `npm ci` in {root} (Mermaid is pinned in package.json)")
    if not GLOBAL.search(path.read_bytes()[-4096:]):
        raise MermaidError(f"{MERMAID_NPM_PATH.as_posix()} does not define the global `mermaid` that Material draws with: pin a "
                           "Mermaid whose dist/mermaid.min.js does (package.json), or load the file that does")
    return path
