"""Keep the built site air-gapped: vendor Mermaid, and take the CDN out of Material's bundle.

Material for MkDocs loads Mermaid from unpkg.com the first time a page shows
a diagram (and a ResizeObserver polyfill from unpkg.com on browsers that
lack one). `patch_material_bundle` rewrites those two URLs in the theme's
JavaScript bundle at build time: Mermaid then comes from the site itself
(`assets/vendor/mermaid.min.js`, copied from the pinned npm package), and
only on the pages that hold a diagram, as Material already does.
"""

from __future__ import annotations

import re
from pathlib import Path

MERMAID_SITE_PATH = "assets/vendor/mermaid.min.js"
MERMAID_NPM_PATH = Path("node_modules/mermaid/dist/mermaid.min.js")

# (what Material 9.x ships, what the site serves instead). `__md_scope` is
# the site root, defined by Material's inline script on every page.
REPLACEMENTS = (
    ('"https://unpkg.com/mermaid@11/dist/mermaid.min.js"', f'new URL("{MERMAID_SITE_PATH}",__md_scope).href'),
    # Only browsers without ResizeObserver (none Material supports) ask for it;
    # an empty script keeps the request on the page instead of a CDN.
    ('"https://unpkg.com/resize-observer-polyfill"', '"data:text/javascript,"'),
)
FORBIDDEN = ("unpkg.com", "jsdelivr.net", "cdnjs.cloudflare.com", "fonts.googleapis.com", "fonts.gstatic.com")


class OfflineError(Exception):
    """The site cannot be kept offline; the message says what to do."""


def mermaid_source(root: Path) -> Path:
    path = root / MERMAID_NPM_PATH
    if not path.is_file():
        raise OfflineError(f"{MERMAID_NPM_PATH.as_posix()} is missing: run `npm ci` in {root} (Mermaid is pinned in package.json)")
    return path


def patch_material_bundle(source: str, name: str) -> str:
    """Material's bundle with every CDN URL replaced by a same-origin one, and no source map link."""
    for old, new in REPLACEMENTS:
        source = source.replace(old, new)
    left = [host for host in FORBIDDEN if host in source]
    if left:
        raise OfflineError(
            f"{name} still loads from {', '.join(left)} after patching: Material changed its bundle; "
            "update REPLACEMENTS in decision_tree/build/offline.py"
        )
    # The source map describes the unpatched file; it is dropped with its link.
    return re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", source)
