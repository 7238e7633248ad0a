"""`python -m decision_tree build-docs`: write the site's sources as files, for any site generator.

The site generator (MkDocs with Material, or Zensical) reads `site-src/`, the
`docs_dir` of mkdocs.yml: the hand-written pages and assets of `docs/`, plus
everything generated from the YAML sources (the guideline pages, the wizard
and the calculator, the Hospedagem page, the macros' Zendesk JSON, the
Pyodide runtime, the engine wheel and its lock, Mermaid). Nothing is written
when a source is broken: the `file:line` messages come first. The same
sources give the same files; a file is rewritten only when its bytes change,
and a file the step no longer makes is removed, so `mkdocs serve` reloads
exactly what changed.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from decision_tree.core.model import Guidelines
from decision_tree.core.urls import MERMAID
from decision_tree.sitegen.mermaid import mermaid_source
from decision_tree.sitegen.pages import generate_pages
from decision_tree.sitegen.pages_hosting import hosting_pages
from decision_tree.sitegen.webapp import webapp_assets
from decision_tree.sitegen.zendesk_sidebar import configured_host, sidebar_files
from decision_tree.sources.bundle import load_bundle
from decision_tree.sources.revisions import last_changed

OUT = Path("site-src")  # docs_dir in mkdocs.yml
HAND_WRITTEN = Path("docs")
WATCHED = ("docs", "decision_tree", "macros", "schemas", "mkdocs.yml")
Content = bytes | str | Path


class BuildError(Exception):
    """The site's files cannot be made; the message says why and how to fix it."""


def site_files(root: Path, zendesk_subdomain: str | None = None) -> dict[str, Content]:
    """Every file of the site's sources: `{path under site-src: content}`. SourceError on a broken source.
    `zendesk_subdomain` replaces `zendesk_app.subdomain` as the host allowed to frame the Zendesk app's page."""
    bundle = load_bundle(root)
    sidebar_host = configured_host(root, zendesk_subdomain)
    files: dict[str, Content] = {
        p.relative_to(root / HAND_WRITTEN).as_posix(): p for p in sorted((root / HAND_WRITTEN).rglob("*")) if p.is_file()
    }
    generated: dict[str, Content] = dict(generate_pages(bundle, last_changed=last_changed(root)))
    generated |= hosting_pages(_mkdocs_config(root), sidebar_host)
    generated |= sidebar_files(bundle, Guidelines.from_dict(bundle), root)
    generated |= _zendesk_json(bundle)
    generated |= webapp_assets(bundle, root)
    generated[MERMAID] = mermaid_source(root)
    clash = sorted(set(files) & set(generated))
    if clash:
        raise BuildError(f"docs/{clash[0]} would hide the file generated for {clash[0]}; remove or rename docs/{clash[0]}")
    return files | generated


def _mkdocs_config(root: Path) -> Any:
    """mkdocs.yml as MkDocs reads it (the Hospedagem page hashes the theme's inline scripts)."""
    from mkdocs.config import load_config

    (root / OUT).mkdir(exist_ok=True)  # the docs_dir must exist to load the config
    return load_config(str(root / "mkdocs.yml"))


def _zendesk_json(bundle: dict[str, Any]) -> dict[str, Content]:
    from decision_tree.zendesk import ZendeskError, macro_to_zendesk

    try:
        return {f"macros/{m['id']}.json": json.dumps(macro_to_zendesk(m), ensure_ascii=False, indent=2) + "\n"
                for m in bundle["macros"]}
    except ZendeskError as exc:
        raise BuildError(str(exc)) from None


def _bytes(content: Content) -> bytes:
    if isinstance(content, Path):
        return content.read_bytes()
    return content.encode("utf-8") if isinstance(content, str) else content


def write(out: Path, files: dict[str, Content]) -> list[str]:
    """Make `out` hold exactly `files`; return the paths written or removed."""
    changed = []
    for rel, content in sorted(files.items()):
        data, target = _bytes(content), out / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
        changed.append(rel)
    for path in sorted(out.rglob("*"), reverse=True):
        rel = path.relative_to(out).as_posix()
        if path.is_file() and rel not in files:
            path.unlink()
            changed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed


def build_docs(root: Path, out: Path | None = None, zendesk_subdomain: str | None = None) -> list[str]:
    """Check the sources, then write the site's sources under `out` (default `root/site-src`)."""
    files = site_files(root, zendesk_subdomain)  # raises before anything is written
    return write(out or root / OUT, files)


def _stamp(root: Path) -> tuple[tuple[str, float], ...]:
    paths = [root / w for w in WATCHED]
    found = [p for base in paths for p in ([base] if base.is_file() else base.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    return tuple(sorted((p.as_posix(), p.stat().st_mtime) for p in found))


def watch(root: Path, rebuild: Callable[[], None], interval: float = 1.0) -> None:
    """Call `rebuild` whenever a source changes (polling: no dependency, works on any file system)."""
    seen = _stamp(root)
    while True:
        time.sleep(interval)
        now = _stamp(root)
        if now != seen:
            seen = now
            rebuild()
