"""MkDocs hook (`hooks:` in mkdocs.yml): a thin adapter from the generators to MkDocs.

- `on_config` loads and validates the YAML and prepares every generated file;
  a broken source stops the build with its `file:line` messages before
  anything is written.
- `on_files` adds the generated pages, the wizard/calculator pages and assets
  (`decision_tree.build.webapp`, when present), the macros' Zendesk JSON,
  Mermaid from node_modules, and Material's bundle without its CDN URLs.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

# MkDocs loads this file by path, not as part of its package: make the package importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from decision_tree.build.bundle import load_bundle  # noqa: E402
from decision_tree.build.offline import MERMAID_SITE_PATH, OfflineError, mermaid_source, patch_material_bundle  # noqa: E402
from decision_tree.build.pages import generate_pages  # noqa: E402
from decision_tree.build.pages_hosting import check_built_site, hosting_pages  # noqa: E402
from decision_tree.build.revisions import last_changed  # noqa: E402
from decision_tree.build.sources import SourceError  # noqa: E402

OPTIONAL_PAGES = {"zendesk.md", "desempenho.md"}  # hand-written; left out of the nav while absent
_state: dict[str, Any] = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Everything that can fail runs here, before MkDocs touches the site directory."""
    root = Path(config.config_file_path).resolve().parent
    try:
        bundle = load_bundle(root)
        offline = {MERMAID_SITE_PATH: mermaid_source(root)}
        for theme_dir in reversed(config.theme.dirs):  # the first directory wins, as in MkDocs
            for js in Path(theme_dir).glob("assets/javascripts/bundle.*.min.js"):
                uri = js.relative_to(theme_dir).as_posix()
                offline[uri] = patch_material_bundle(js.read_text(encoding="utf-8"), uri)
    except SourceError as exc:
        raise PluginError("The YAML sources have errors; nothing was built:\n" + "\n".join(exc.messages)) from None
    except OfflineError as exc:
        raise PluginError(str(exc)) from None
    _state.update(root=root, bundle=bundle, offline=offline, pages=generate_pages(bundle, last_changed=last_changed(root)))
    docs = Path(config.docs_dir)
    config.nav = _prune_nav(config.nav, lambda page: page not in OPTIONAL_PAGES or (docs / page).is_file())
    for section in config.nav or []:  # the "Macros" tab of mkdocs.yml lists every macro page
        if isinstance(section, dict) and isinstance(section.get("Macros"), list):
            listed = set(section["Macros"])
            section["Macros"] += [f"macros/{m}.md" for m in _macro_order(bundle) if f"macros/{m}.md" not in listed]
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    root, bundle = _state["root"], _state["bundle"]
    pages: dict[str, str] = dict(_state["pages"])
    pages.update(hosting_pages(config))
    assets: dict[str, Any] = _zendesk_json(bundle)
    webapp = importlib.import_module("decision_tree.build.webapp")
    assets.update(webapp.webapp_assets(bundle, root))
    for uri, content in _state["offline"].items():
        for stale in (files.get_file_from_path(uri), files.get_file_from_path(uri + ".map")):
            if stale:  # Material's own copy (and its map, which describes the unpatched file)
                files.remove(stale)
        assets[uri] = content
    for path, content in {**pages, **assets}.items():
        if files.get_file_from_path(path):
            raise PluginError(f"docs/{path} would hide the file generated for {path}; remove or rename docs/{path}")
        if isinstance(content, Path):
            files.append(File.generated(config, path, abs_src_path=str(content)))
        else:
            files.append(File.generated(config, path, content=content))
    return files


def on_post_build(config: MkDocsConfig) -> None:
    check_built_site(config)  # every page runs under the header the Hospedagem page publishes


def _zendesk_json(bundle: dict[str, Any]) -> dict[str, Any]:
    try:
        from decision_tree.zendesk import ZendeskError, macro_to_zendesk
    except ImportError:
        return {}
    try:
        return {
            f"macros/{m['id']}.json": json.dumps(macro_to_zendesk(m), ensure_ascii=False, indent=2) + "\n"
            for m in bundle["macros"]
        }
    except ZendeskError as exc:
        raise PluginError(str(exc)) from None


def _macro_order(bundle: dict[str, Any]) -> list[str]:
    ordered = [m for mode in bundle["modes"] for m in mode.get("macros", [])]
    return list(dict.fromkeys(ordered + [m["id"] for m in bundle["macros"]]))


def _prune_nav(nav: Any, keep: Any) -> Any:
    if isinstance(nav, list):
        return [item for item in (_prune_nav(i, keep) for i in nav) if item is not None]
    if isinstance(nav, dict):
        pruned = {k: _prune_nav(v, keep) for k, v in nav.items()}
        return {k: v for k, v in pruned.items() if v is not None and v != []} or None
    if isinstance(nav, str):
        return nav if keep(nav) else None
    return nav
