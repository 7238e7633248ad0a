"""The "Hospedagem" page, written from `hosting.py`: what the page tells a host is what the tests serve.

The text is `templates/hosting/page.md.j2` (and `clients.md.j2`, the client site's section); this module
gives it the data.

`hosting_pages(config)` returns `{docs-relative path: Markdown}` like
`generate_pages`; `build-docs` writes it with the other pages, and
`check-site` checks the built site against the header it publishes.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from decision_tree.sitegen import hosting as h
from decision_tree.sitegen.inline_scripts import material_inline_scripts, script_hash
from decision_tree.sitegen.webapp import WebappError, core_dir

PAGE = "hospedagem.md"
LEGACY = (1, 22, 1)  # the nginx of Debian 12, for the form with `listen ... http2`


def hosting_pages(config: MkDocsConfig, sidebar_host: str | None = None) -> dict[str, str]:
    """The page for the site `config` builds; the Zendesk app's page may be framed by `sidebar_host`
    (default: the host of the project's guidelines.yml, `zendesk_app.subdomain`)."""
    from decision_tree.sitegen.zendesk_sidebar import configured_host

    scripts = material_inline_scripts(config)
    root = Path(config.config_file_path).resolve().parent
    hosting = h.Hosting.of(scripts).with_sidebar_host(configured_host(root) if sidebar_host is None else sidebar_host)
    page = hosting_page(hosting, {script_hash(s): s for s in scripts}, _pyodide_core(config))
    if (root / h.CLIENT_MKDOCS).is_file():  # a copy of the analysts' site alone (some tests make one) has no client site
        page += client_section(h.for_client_project(root))
    return {PAGE: page}


def client_section(client: h.ClientHosting) -> str:
    """The section on the client site: its own nginx file, with the same headers (its CSP has the hashes of its config)."""
    return _render("hosting/clients.md.j2", client=client)


def _pyodide_core(config: MkDocsConfig) -> str:
    """The site folder of the Pyodide core (named after its version), for the page's example."""
    try:
        return core_dir(Path(config.config_file_path).resolve().parent)
    except WebappError:
        return "assets/pyodide/VERSAO/"


def _indent(text: str, by: int = 4) -> str:
    return textwrap.indent(text, " " * by, lambda line: bool(line.strip()))


def _render(template: str, **context: object) -> str:
    """A template of templates/hosting/ with what every part of the page uses: `h` (hosting.py), the two nginx forms."""
    versions = ((f"nginx até 1.25.0 (Debian 12: {'.'.join(map(str, LEGACY[:2]))})", LEGACY),
                (f"nginx {'.'.join(map(str, h.HTTP2_ON))} ou mais novo", h.HTTP2_ON))
    env = h.templates()
    env.filters.setdefault("indented", _indent)
    return env.get_template(template).render(h=h, versions=versions, new=".".join(map(str, h.HTTP2_ON)), **context)


def hosting_page(hosting: h.Hosting, material_scripts: dict[str, str], pyodide_core: str = "assets/pyodide/VERSAO/") -> str:
    """The page; `material_scripts` maps a hash of `hosting.scripts` to the start of its script, to show what it allows."""
    by_type: dict[str, list[str]] = {}
    for ext, kind in h.TYPES.items():
        by_type.setdefault(kind, []).append(ext)
    return _render("hosting/page.md.j2", hosting=hosting, material_scripts=material_scripts, pyodide_core=pyodide_core,
                   rules=(*h.CACHE_RULES, h.OTHERWISE), by_type=by_type)
