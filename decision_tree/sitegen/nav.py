"""The part of the site's nav that the sources decide: a page per mode and a page per macro, in their order.

`mkdocs.yml` (and `mkdocs.clientes.yml`) list these pages by hand, as MkDocs needs them; `build-docs` checks
that the nav lists exactly the pages the sources make, in the order of `decision_tree/guidelines.yml`, and fails
with the lines to write when it does not (a macro added in macros/ would otherwise get a page no menu shows).
The configs set `validation: nav: omitted_files: warn`, so `mkdocs build --strict` also fails on a page left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from decision_tree.core import urls
from decision_tree.core.model import Guidelines
from decision_tree.sources.loader import SourceError


def source_pages(g: Guidelines, *, macros: bool = True) -> dict[str, list[str]]:
    """The nav entries the sources give: the mode pages in the order of the modes, then (analysts' site) the macro
    pages in the order each mode lists its macros."""
    pages = {"modos": [urls.mode_file(m) for m in g.modes]}
    if macros:
        pages["macros"] = [urls.macro_file(mid) for mode in g.modes.values() for mid in mode.macros]
    return pages


def _entries(nav: Any) -> list[str]:
    """Every page of a MkDocs nav (as `load_config` gives it), in order."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [p for value in nav.values() for p in _entries(value)]
    return [p for item in nav or [] for p in _entries(item)]


def _line(config_file: Path, entry: str) -> int:
    """The line of `config_file` that lists `entry` (1 when none does)."""
    for number, text in enumerate(config_file.read_text(encoding="utf-8").splitlines(), start=1):
        if text.strip().endswith(entry):
            return number
    return 1


def check_nav(config: Any, g: Guidelines, *, macros: bool = True) -> None:
    """SourceError (`mkdocs.yml:line: what; how to fix it`) when the nav's mode or macro pages are not the sources'."""
    config_file = Path(config.config_file_path)
    listed = _entries(config.nav)
    messages = []
    for folder, expected in source_pages(g, macros=macros).items():
        found = [p for p in listed if p.startswith(f"{folder}/") and p != urls.page_file(f"{folder}/")]
        if found != expected:
            where = _line(config_file, found[0]) if found else _line(config_file, "nav:")
            missing, extra = [p for p in expected if p not in found], [p for p in found if p not in expected]
            what = "; ".join([*([f"o nav não lista {', '.join(missing)}"] if missing else []),
                              *([f"o nav lista {', '.join(extra)}, que as fontes não fazem"] if extra else [])])
            messages.append(f"{config_file.name}:{where}: {what or f'o nav lista as páginas de {folder}/ em outra ordem'}; "
                            "liste no nav, nesta ordem (a de decision_tree/guidelines.yml): " + ", ".join(expected))
    if messages:
        raise SourceError(messages)
