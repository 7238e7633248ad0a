"""Every URL of the site that the engine or the pages link to, site-relative (directory URLs).

Standard library only: shipped to the browser with the engine. The page
generator and the engine take their links from here, so a page that moves is
changed in one place.
"""

from __future__ import annotations

HOME = ""
WIZARD = "assistente/"
CALCULATOR = "calculadora/"
DECISION_TABLE = "tabela-de-decisao/"
FLOWCHART = "fluxograma/"
HISTORY = "historico/"
TO_CONFIRM = "pontos-a-confirmar/"
PROCEDURES = "material-complementar/"
MACROS = "macros/"
ZENDESK_SIDEBAR = "barra-zendesk/"  # the wizard in the Zendesk ticket's sidebar (the app's page; the only framed one)
ZENDESK_APP_DOCS = "app-zendesk/"  # how to install and use the Zendesk app
ZAF_SDK = "assets/vendor/zaf_sdk.js"  # the Zendesk Apps Framework SDK, bundled from its pinned npm copy
MERMAID = "assets/vendor/mermaid.min.js"  # the pinned npm copy, on the flowchart page only
PYODIDE = "assets/pyodide/"  # the Pyodide runtime, the engine wheel and its lock
TREE_VERSIONS = "assets/tree-versions/"  # the tree's earlier versions, for old codes (decision_tree/tree_versions/)


# The Markdown file of each page above (docs-relative, as MkDocs's nav and the generator name them); a mode's and a
# macro's page is `mode_file` / `macro_file`. The generator, the nav check (sitegen/nav.py) and the tests take them here.
PAGES = {
    HOME: "index.md", WIZARD: "assistente.md", CALCULATOR: "calculadora.md", DECISION_TABLE: "tabela-de-decisao.md",
    FLOWCHART: "fluxograma.md", HISTORY: "historico.md", TO_CONFIRM: "pontos-a-confirmar.md",
    PROCEDURES: "material-complementar.md", MACROS: "macros/index.md", ZENDESK_SIDEBAR: "barra-zendesk.md",
    ZENDESK_APP_DOCS: "app-zendesk.md",
}


def page_file(url: str) -> str:
    """The Markdown file of a page's URL: `PAGES`, or `x/y/` → `x/y.md` (a mode's or a macro's page)."""
    return PAGES.get(url) or url.rstrip("/") + ".md"


def mode_file(mode_id: str) -> str:
    return page_file(mode_page(mode_id))


def macro_file(macro_id: str) -> str:
    return page_file(macro_page(macro_id))


def mode_page(mode_id: str) -> str:
    return f"modos/{mode_id}/"


def criterion(mode_id: str, criterion_id: str) -> str:
    return f"{mode_page(mode_id)}#{criterion_id}"


def macro_page(macro_id: str) -> str:
    return f"{MACROS}{macro_id}/"


def gap_anchor(gap_id: str) -> str:
    """The entry of a gap (what the guideline cites and does not contain) on the "Pontos a confirmar" page."""
    return f"lacuna-{gap_id}"
