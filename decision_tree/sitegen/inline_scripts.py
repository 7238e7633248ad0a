"""The inline scripts of the site's pages, and their hashes for the Content-Security-Policy.

Material for MkDocs writes a few fixed inline scripts into every page; the
site has no other. The published CSP allows exactly these, by hash, and the
"Hospedagem" page prints it, so the hashes must be known before any page is
rendered: `material_inline_scripts` renders Material's partials that write
them through the theme's own Jinja environment (custom_dir overrides
included), as the pages get them. `extra.scope: /` in mkdocs.yml makes the
first one (`__md_scope=new URL(...)`) the same on every page instead of one
variant per page depth, so the header changes only when Material (pinned in
pyproject.toml) or the theme's settings change, never when pages are added,
and a host copies it rarely. Known ahead, not read from the built pages: the
page can show the header itself, and no separate generated file has to be
found and copied.

It cannot go stale unnoticed: after every build `check-site` holds each built
page against the header (`blocked_in_site`) and fails the build on a script
the header would block; a test does the same, and checks in Chromium.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Collection
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


def script_hash(source: str) -> str:
    """A CSP source allowing exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


class _InlineScripts(HTMLParser):
    JS = {"", "module", "text/javascript", "application/javascript", "application/ecmascript", "text/ecmascript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        self.handlers += [f"{tag} {name}" for name in given if name.startswith("on")]
        if tag == "script" and "src" not in given and (given.get("type") or "").strip().lower() in self.JS:
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._text is not None:
            self.scripts.append("".join(self._text))
            self._text = None


def inline_scripts(html: str) -> list[str]:
    """The text of every inline script of a page that a browser would run (JSON data blocks are not scripts)."""
    parser = _InlineScripts()
    parser.feed(html)
    return parser.scripts


def blocked_in_site(site: Path, allowed: Collection[str]) -> list[str]:
    """What a CSP allowing the inline scripts `allowed` (by hash) would block in a built site: other inline scripts,
    event handler attributes."""
    problems = []
    for page in sorted(site.rglob("*.html")):
        parser = _InlineScripts()
        parser.feed(page.read_text(encoding="utf-8"))
        name = page.relative_to(site).as_posix()
        blocked = [s for s in parser.scripts if script_hash(s) not in allowed]
        problems += [f"{name}: inline script {s[:60]!r}… ({script_hash(s)})" for s in blocked]
        problems += [f"{name}: event handler attribute <{h}>" for h in parser.handlers]
    return problems


# The partials of Material's base.html that write inline scripts on this site's pages (no announcement bar,
# no versions, no cookie consent); the build fails if a page holds any other.
MATERIAL_SCRIPTS = ("partials/javascripts/base.html", "partials/javascripts/palette.html", "partials/javascripts/content.html")


def material_inline_scripts(config: MkDocsConfig) -> list[str]:
    """Material's inline scripts on the pages `config` builds, rendered by the theme as the pages get them."""
    env = config.theme.get_env()
    context = {"config": config, "base_url": ".", "features": config.theme["features"] or []}
    return [
        script
        for name in MATERIAL_SCRIPTS
        if config.theme["palette"] or not name.endswith("palette.html")
        for script in inline_scripts(env.get_template(name).render(**context))
    ]
