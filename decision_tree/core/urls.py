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


def mode_page(mode_id: str) -> str:
    return f"modos/{mode_id}/"


def criterion(mode_id: str, criterion_id: str) -> str:
    return f"{mode_page(mode_id)}#{criterion_id}"


def macro_page(macro_id: str) -> str:
    return f"{MACROS}{macro_id}/"


def gap_anchor(gap_id: str) -> str:
    """The entry of a gap (what the guideline cites and does not contain) on the "Pontos a confirmar" page."""
    return f"lacuna-{gap_id}"
