"""Mode pages (scope, readings, prerequisites, checks, criteria, billing, macros) and macro pages."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

from decision_tree.core import urls
from decision_tree.core.model import Guidelines, Mode
from decision_tree.core.outcome import prerequisites_for
from decision_tree.sitegen.render import render

# How the site names each ticket status a macro sets (Zendesk's, not the guideline's).
ZENDESK_STATUS = {"open": "Aberto", "pending": "Pendente", "hold": "Em espera", "solved": "Resolvido"}


def mode_pages(g: Guidelines, updated: Callable[[Mode], str]) -> dict[str, str]:
    return {urls.mode_file(mode.id): mode_page(g, mode, updated(mode)) for mode in g.modes.values()}


EXCLUDES = "Não se aplica junto com"  # the label of a criterion one excludes (`contradicts`)


def _exclusions_reading(g: Guidelines) -> dict[str, Any] | None:
    """The reading that says the exclusions are this site's (a mode reading that names the label): its source labels each one."""
    reading = next((r for m in g.modes.values() for r in m.readings if f"“{EXCLUDES}”" in r.text), None)
    return reading.source.to_dict() if reading else None


def _related(g: Guidelines, criterion_id: str) -> list[dict[str, Any]]:
    """Criteria of other modes that this one points to: the same subject (`see_also`) or one it excludes (`contradicts`)."""
    c = g.criteria[criterion_id]
    found = []
    for other in g.criteria.values():
        if other.mode == c.mode:
            continue
        source = None
        if other.id in c.see_also or c.id in other.see_also:
            label = "Veja também"
        elif other.id in c.contradicts or c.id in other.contradicts:
            label, source = EXCLUDES, _exclusions_reading(g)
            if source is None:
                raise ValueError(f"guidelines.yml: a criterion excludes another, but no mode reading says “{EXCLUDES}”; "
                                 "add the reading that says these exclusions are this site's")
        else:
            continue
        found.append({"id": other.id, "mode": other.mode, "title": other.title, "mode_title": g.modes[other.mode].title,
                      "label": label, "source": source})
    return found


def mode_page(g: Guidelines, mode: Mode, updated: str) -> str:
    page = urls.mode_file(mode.id)
    groups: dict[str, list[dict[str, Any]]] = {}
    for c in (c for c in g.criteria.values() if c.mode == mode.id):
        prereqs = [{"id": p, "title": g.prerequisites[p].title} for p in c.prerequisites]
        groups.setdefault(c.section, []).append(
            {"id": c.id, "title": c.title, "text": c.text, "number": c.number, "prerequisites": prereqs, "related": _related(g, c.id)}
        )
    checks = []
    if any(o.pending_check for o in g.outcomes.values() if o.mode == mode.id):
        from decision_tree.sitegen.pages import gap_of

        checks = [{"id": c.id, "title": c.title, "next_step": c.next_step, "gap": gap_of(g, c.gap)} for c in g.checks.values()]
    return render(
        "mode.md.j2", page, title=mode.title, hide=None, updated=updated, search={"boost": 3},  # the criteria come first
        mode=mode, criteria=list(groups.items()), checks=checks,
        prerequisites=[
            {"id": p.id, "title": p.title, "text": p.text, "source": p.source.to_dict(), "order": p.order.to_dict() if p.order else None,
             # a criterion's own prerequisite: say which criterion it concerns
             "only": [f"“{c.title}”" for c in g.criteria.values() if p.id in c.prerequisites and mode.id not in p.modes]}
            for p in prerequisites_for(g, mode.id)
        ],
        billing=_billing(g, mode.id), macro_tabs=_macro_tabs(g, mode, page), procedures_reading=g.procedures_scope,
        procedure_titles=[f"“{p.title}”" for p in g.procedures],
        all_official=all(g.macros[m].body.official for m in mode.macros),
        # the guideline's own words on choosing a macro ("… a mais adequada para cada uma das situações")
        macros_quote=next(w.text.source.quote for w in g.workflow if "termo" in w.macro_kinds),
        termo_per_audience=sum(g.macros[m].is_termo for m in mode.macros) > 1,
    )


def _billing(g: Guidelines, mode_id: str) -> dict[str, Any]:
    """A mode's billing as its page shows it: every rule in words (each payer rule names whom it concerns), the
    settings, and the reference values of the estimates."""
    b, rules_of = g.billing, g.billing.modes[mode_id]
    settings: list[Any] = [s for s in (rules_of.minimum_minutes, rules_of.taxes) if s and s.text]
    if rules_of.is_billed:
        settings += [b.partial_minutes, b.money_rounding]
    return {
        "billed": rules_of.is_billed, "rules": rules_of.rules(), "settings": settings,
        "rate": b.rate_per_minute.value, "rate_source": b.rate_per_minute.source,
        "taxes": b.taxes if rules_of.plus_taxes else [], "taxes_source": b.taxes_source,
    }


def _macro_tabs(g: Guidelines, mode: Mode, page: str) -> list[dict[str, Any]]:
    tabs = []
    for audience in g.audiences.values():
        macros = [g.macros[m] for m in mode.macros if audience.id in g.macros[m].audiences]
        if not macros:
            continue
        about = audience.title
        payer = g.billing.payer(mode.id, audience.id)
        if payer:
            about += " · Quem paga: " + payer.labelled_title
        tabs.append({
            "label": audience.short, "about": about,
            "macros": [{"title": m.title, "kind_title": g.macro_kinds[m.kind], "link": relative_md(page, f"macros/{m.id}.md")}
                       for m in macros],
        })
    return tabs


def relative_md(from_page: str, target: str) -> str:
    """A Markdown link target from one .md page to another (MkDocs checks and rewrites it)."""
    return posixpath.relpath(target, posixpath.dirname(from_page) or ".")


def _audience_titles(g: Guidelines, ids: list[str]) -> str:
    return ", ".join(g.audiences[a].title for a in ids)


def macro_pages(bundle: dict[str, Any], g: Guidelines, updated: Callable[[str], str], index_updated: str) -> dict[str, str]:
    pages = {}
    groups = []
    for mode in g.modes.values():
        macros = [{**m, "audience_titles": _audience_titles(g, m["audiences"])} for m in bundle["macros"] if m["mode"] == mode.id]
        if macros:
            groups.append({"id": mode.id, "title": mode.title, "macros": macros})
    index = urls.page_file(urls.MACROS)
    pages[index] = render("macros_index.md.j2", index, title="Macros do Zendesk", hide=None,
                          updated=index_updated, groups=groups, official_count=g.official_macros, total=len(g.macros))
    for m in bundle["macros"]:
        page = urls.macro_file(m["id"])
        pages[page] = render(
            "macro.md.j2", page, title=m["title"], hide=None, updated=updated(m["id"]), macro=m,
            kind_title=g.macro_kinds[m["kind"]], mode_title=g.modes[m["mode"]].title,
            audience_titles=_audience_titles(g, m["audiences"]), status_title=ZENDESK_STATUS[m["zendesk"]["status"]],
        )
    return pages


