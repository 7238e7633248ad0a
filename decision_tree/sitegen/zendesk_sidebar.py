"""The Zendesk app's page: the wizard laid out for the ticket sidebar, and the ZAF SDK served by the site.

`sidebar_files(bundle, root)` gives `build-docs` the page (`barra-zendesk.md`,
the same wizard markup as the Assistente page plus the ticket panel that
`docs/assets/app/zendesk.js` fills) and the SDK. The SDK is the npm package
`zendesk_app_framework_sdk` pinned in package-lock.json; it ships CommonJS
sources (`lib/*.js`) and no browser build, so they are wrapped here, unchanged,
into one classic script that defines the documented global `ZAFClient`
(`ZAFClient.init()`), as Zendesk's own build does. No file comes from a CDN.

`configured_host` is the Zendesk origin allowed to frame the page (hosting.py's
`frame-ancestors`): `zendesk_app.subdomain` of guidelines.yml.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from decision_tree.core import urls
from decision_tree.core.api import view
from decision_tree.core.engine import Engine, State
from decision_tree.core.model import Guidelines
from decision_tree.sitegen.hosting import zendesk_host
from decision_tree.sitegen.render import render

SDK_NPM = Path("node_modules/zendesk_app_framework_sdk")
PAGE = "barra-zendesk.md"
GUIDELINES = Path("decision_tree/guidelines.yml")


class SidebarError(Exception):
    """The SDK is not where the build expects it, or the subdomain is not valid; the message says what to do."""


def configured_subdomain(root: Path) -> str:
    """`zendesk_app.subdomain` of the project's guidelines.yml ("" when there is no such section)."""
    from decision_tree.sources.loader import load_yaml

    data = load_yaml(root / GUIDELINES, GUIDELINES.as_posix())
    section = data.get("zendesk_app") if isinstance(data, dict) else None
    return str(section.get("subdomain", "")) if isinstance(section, dict) else ""


def configured_host(root: Path, subdomain: str | None = None) -> str:
    """The origin allowed to frame the sidebar page: `subdomain` (a build option) or the YAML's."""
    name = subdomain if subdomain is not None else configured_subdomain(root)
    if subdomain is not None and not _valid_subdomain(name):
        raise SidebarError(f"--zendesk-subdomain '{name}' não é um subdomínio do Zendesk; use só letras minúsculas, "
                           "dígitos e hífens (ex.: minhaempresa, de https://minhaempresa.zendesk.com)")
    return zendesk_host(name) if name else ""


def _valid_subdomain(name: str) -> bool:
    return 0 < len(name) <= 63 and name[0].isalnum() and all(c.isdigit() or c == "-" or ("a" <= c <= "z") for c in name)


def sdk_bundle(root: Path) -> str:
    """The SDK's CommonJS modules in one classic script that sets `window.ZAFClient`."""
    package = root / SDK_NPM
    lib = package / "lib"
    if not (lib / "index.js").is_file():
        raise SidebarError(f"{SDK_NPM.as_posix()}/lib/index.js is missing: run `npm ci` in {root} "
                           "(zendesk_app_framework_sdk is pinned in package.json)")
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    modules = "".join(
        f"  {json.dumps('lib/' + p.relative_to(lib).with_suffix('').as_posix())}: function (module, exports, require) {{\n"
        f"{p.read_text(encoding='utf-8')}\n  }},\n"
        for p in sorted(lib.rglob("*.js"))
    )
    return (
        f"/* zendesk_app_framework_sdk {version} (npm, Apache-2.0): its lib/ modules, unchanged, wrapped by\n"
        "   decision_tree/sitegen/zendesk_sidebar.py into one script that defines window.ZAFClient. */\n"
        "(function () {\n"
        f"var modules = {{\n{modules}}};\n"
        "var cache = {};\n"
        "function resolve(from, name) {\n"
        "  var parts = from.split('/').slice(0, -1);\n"
        "  name.replace(/\\.js$/, '').split('/').forEach(function (p) {\n"
        "    if (p === '..') parts.pop(); else if (p !== '.') parts.push(p);\n"
        "  });\n"
        "  return parts.join('/');\n"
        "}\n"
        "function load(name) {\n"
        "  if (cache[name]) return cache[name].exports;\n"
        "  if (!modules[name]) throw new Error('ZAF SDK: module ' + name + ' missing');\n"
        "  var module = cache[name] = { exports: {} };\n"
        "  modules[name].call(window, module, module.exports, function (dep) { return load(resolve(name, dep)); });\n"
        "  return module.exports;\n"
        "}\n"
        "window.ZAFClient = load('lib/index');\n"
        "})();\n"
    )


def sidebar_page(bundle: dict[str, Any], g: Guidelines) -> str:
    first = view(Engine(g), State())
    return render("zendesk_sidebar.md.j2", PAGE, first=first, question=first["question"], zapp=bundle.get("zendesk_app"))


def sidebar_files(bundle: dict[str, Any], g: Guidelines, root: Path) -> dict[str, str]:
    """`{site-src path: content}`: the sidebar page and the SDK it loads."""
    return {PAGE: sidebar_page(bundle, g), urls.ZAF_SDK: sdk_bundle(root)}
