"""The client site's pages (`build-docs --audience clientes`), from the public bundle only.

`client_pages(bundle, updated=...)` takes the bundle of `public_bundle` (only
the items marked `visibility: public`) and returns `{docs-relative path:
Markdown}` like `generate_pages`: a home page, one page per mode (scope, when
it is indicated, what it costs), the calculator and the page of reference
values. Written for clients: addressed to "você"; what the guideline does not
state is labelled "Referência" and explained as a reference value that the
client's Termo de Aceite overrides. No page links to the analysts' site.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from decision_tree.core.model import Guidelines
from decision_tree.core.texts import Source, is_local
from decision_tree.sitegen.pages_apps import calculator_context
from decision_tree.sitegen.pages_modes import _billing, _related
from decision_tree.sitegen.render import label_macros, money, percent, render, served_under, site_link

HOME = "index.md"
CALCULATOR = "calculadora.md"
REFERENCES = "valores-de-referencia.md"
REFERENCES_URL = "valores-de-referencia/"
BADGE = "Referência"
LOCAL_NOTE = "valor de referência; vale o do seu Termo de Aceite"


def mode_path(mode_id: str) -> str:
    return f"modos/{mode_id}.md"


def reference_badge(page: str, source: Source | dict[str, Any]) -> Markup:
    """The label of what the guideline does not state, in a client's words, linking to its reference entry."""
    if not is_local(source):
        return Markup("")
    anchor = source.anchor if isinstance(source, Source) else source["anchor"]
    return Markup(" ") + label_macros().label(site_link(f"{REFERENCES_URL}#{anchor}"), BADGE, LOCAL_NOTE)


def _context(page: str) -> dict[str, Any]:
    return {"page": page, "ref": lambda source: reference_badge(page, source), "local_note": LOCAL_NOTE, "badge_text": BADGE,
            "references": REFERENCES_URL}


def _render(template: str, page: str, **context: Any) -> str:
    ctx = _context(page)
    return render(f"clientes/{template}", page, **{k: v for k, v in ctx.items() if k != "page"}, **context)


def _modes(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**m, "billing": bundle["billing"]["modes"][m["id"]]["summary"], "url": f"modos/{m['id']}/"} for m in bundle["modes"]]


def references(bundle: dict[str, Any], g: Guidelines) -> list[dict[str, Any]]:
    """Every public value or rule the guideline does not state, with the anchor its label links to."""
    b = bundle["billing"]
    found = [
        {"anchor": b["rate_per_minute"]["source"]["anchor"], "what": "Valor por minuto",
         "text": f"{money(b['rate_per_minute']['value'], exact=True)} por minuto, só para estimativas.",
         "source": b["rate_per_minute"]["source"]},
        {"anchor": b["taxes"]["source"]["anchor"], "what": "Impostos e alíquotas",
         "text": ", ".join(f"{t['name']} {percent(t['rate'])}" for t in b["taxes"]["items"]) + ".", "source": b["taxes"]["source"]},
        {"anchor": b["partial_minutes"]["source"]["anchor"], "what": "Frações de minuto", "text": b["partial_minutes"]["clause"],
         "source": b["partial_minutes"]["source"]},
        {"anchor": b["money_rounding"]["source"]["anchor"], "what": "Arredondamento", "text": b["money_rounding"]["text"],
         "source": b["money_rounding"]["source"]},
    ]
    for mode in bundle["modes"]:
        for setting in _settings(b["modes"][mode["id"]]):
            if setting.get("source", {}).get("kind") == "local" and setting.get("text"):
                found.append({"anchor": setting["source"]["anchor"], "what": mode["title"], "text": setting["text"],
                              "source": setting["source"]})
    seen: set[str] = set()
    unique = []
    for r in found:
        if r["source"].get("kind") == "local" and r["anchor"] not in seen:
            seen.add(r["anchor"])
            unique.append(r)
    return unique


def _settings(mode_billing: dict[str, Any]) -> list[dict[str, Any]]:
    """A mode's billing settings and the readings nested in them (the waiver's `reading`, the payers' `otherwise`):
    the mode page labels each local one, so each needs its entry."""
    found = []
    for setting in mode_billing.values():
        if isinstance(setting, dict):
            found += [setting, *_settings(setting)]
    return found



def mode_page(bundle: dict[str, Any], g: Guidelines, mode: dict[str, Any], updated: str) -> str:
    page = mode_path(mode["id"])
    groups: dict[str, list[dict[str, Any]]] = {}
    for c in (c for c in g.criteria.values() if c.mode == mode["id"]):
        conditions = [g.prerequisites[p].text for p in c.prerequisites if p in g.prerequisites]
        groups.setdefault(c.section, []).append(
            {"id": c.id, "title": c.title, "text": c.text, "conditions": conditions, "related": _related(g, c.id)}
        )
    return _render("mode.md.j2", page, title=mode["title"], updated=updated, mode=mode, criteria=list(groups.items()),
                   billing=_billing(g, mode["id"]))


def client_pages(bundle: dict[str, Any], *, updated: str, site_path: str = "/") -> dict[str, str]:
    """Every page of the client site served under `site_path` (the path of its `site_url`): `{docs-relative path:
    Markdown}`."""
    with served_under(site_path):
        return _client_pages(bundle, updated=updated)


def _client_pages(bundle: dict[str, Any], *, updated: str) -> dict[str, str]:
    g = Guidelines.from_dict(bundle)
    pages = {HOME: _render("home.md.j2", HOME, title="Modalidades de atendimento", updated=updated,
                           hide=["navigation", "toc"], modes=_modes(bundle))}
    for mode in bundle["modes"]:
        pages[mode_path(mode["id"])] = mode_page(bundle, g, mode, updated)
    pages[CALCULATOR] = _render("calculadora.md.j2", CALCULATOR, updated=updated, **calculator_context(g))
    pages[REFERENCES] = _render("valores-de-referencia.md.j2", REFERENCES, title="Valores de referência", updated=updated,
                                items=references(bundle, g))
    return pages
