"""The "Pontos a confirmar" page: every local item (not in the guideline) and where the site shows it.

Each local `source` of the bundle carries the anchor of its entry here (see
`bundle._resolve_sources`); the "Não consta na diretriz" label next to the
item links to that entry. The gaps (what the guideline cites and the
published copy lacks) are listed too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from decision_tree.core import urls
from decision_tree.core.model import Guidelines
from decision_tree.sitegen.render import money, percent, render
from decision_tree.sources.provenance import sourced

AREAS = {
    "billing": ("Tarifação e valores da calculadora", "tarifacao"),
    "readings": ("Leituras da diretriz", "leituras"),
    "steps": ("Procedimentos e próximos passos", "procedimentos"),
    "macros": ("Macros do Zendesk", "macros"),
    "gaps": ("O que a diretriz cita e não traz", "lacunas"),
    "other": ("Outros textos e valores", "outros"),
}


gap_anchor = urls.gap_anchor


def _local(data: Any) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every item whose (normalized) source is local, with its path."""
    return ((path, item) for path, item in sourced(data) if isinstance(item["source"], dict) and item["source"].get("kind") == "local")


def _billing_item(bundle: dict[str, Any], g: Guidelines, path: tuple[Any, ...], item: dict[str, Any]) -> tuple[str, list]:
    where = [("Calculadora", urls.CALCULATOR)]
    key = path[1]
    if key == "rate_per_minute":
        return f"Valor por minuto de referência: {money(item['value'])}.", where
    if key == "taxes":
        rates = ", ".join(f"{t['name']} {percent(t['rate'])}" for t in item["items"])
        return f"Impostos de referência: {rates}.", where
    if key == "partial_minutes":
        return item["clause"], where + [("Termos de Aceite (quando confirmado)", urls.MACROS)]
    if key == "modes":
        mode = g.modes[path[2]]
        what = item.get("text") or f"{path[-1]} = {item.get('value')}"
        return f"{mode.title} — {what}", [(mode.title, urls.mode_page(mode.id) + "#tarifacao"), *where, ("Assistente", urls.WIZARD)]
    return item.get("text", ""), where


def _entry(bundle: dict[str, Any], g: Guidelines, path: tuple[Any, ...], item: dict[str, Any]) -> dict[str, Any]:
    """What a local item is, its area and the pages that show it."""
    top = path[0]
    if top == "billing":
        area, (what, where) = "billing", _billing_item(bundle, g, path, item)
    elif top == "modes" and "text" in item:
        mode = bundle["modes"][path[1]]
        area, what, where = "readings", item["text"], [(mode["title"], urls.mode_page(mode["id"]) + "#leitura")]
    elif top == "macros":
        macro = bundle["macros"][path[1]]
        part = {"body": "Texto da macro", "when": "Quando usar a macro", "zendesk": "Configuração no Zendesk da macro"}[path[2]]
        area, what = "macros", f"{part} “{macro['title']}”"
        where = [("Página da macro", urls.macro_page(macro["id"])), ("Assistente", urls.WIZARD)]
    elif top == "procedures" and "text" in item:
        proc = bundle["procedures"][path[1]]
        area, what, where = "steps", item["text"], [(proc["title"], f"{urls.PROCEDURES}#{proc['id']}")]
    elif top == "checks" and len(path) > 2:
        area, what = "steps", item["text"]
        where = [*_check_pages(g, bundle["checks"][path[1]]["id"]), ("Assistente", urls.WIZARD),
                 ("Tabela de decisão", urls.DECISION_TABLE)]
    elif top == "procedures_scope":
        area, what = "readings", item["text"]
        where = [("Material complementar", urls.PROCEDURES), *((m.title, urls.mode_page(m.id) + "#material-complementar")
                                                                for m in g.modes.values() if m.macros)]
    elif top == "tree" and path[-1] == "help":
        area, what, where = "readings", item["text"], [("Assistente", urls.WIZARD), ("Tabela de decisão", urls.DECISION_TABLE)]
    elif top == "prerequisites" and path[-1] == "order":
        prereq = bundle["prerequisites"][path[1]]
        modes = set(prereq["modes"]) | {c.mode for c in g.criteria.values() if prereq["id"] in c.prerequisites}
        area, what = "readings", item["text"]
        where = [("Assistente", urls.WIZARD), ("Tabela de decisão", urls.DECISION_TABLE),
                 *((m.title, urls.mode_page(m.id) + "#pre-requisitos") for m in g.modes.values() if m.id in modes)]
    elif top == "zendesk_app" and "text" in item:
        area, what, where = "other", item["text"], [("App do Zendesk", urls.ZENDESK_APP_DOCS)]
    elif top in ("tree", "workflow") and "text" in item:
        area, what, where = "steps", item["text"], [("Assistente", urls.WIZARD), ("Tabela de decisão", urls.DECISION_TABLE)]
    else:  # any other item made local (a criterion, a title, a prefix…)
        what = next(str(item[k]) for k in ("text", "clause", "title", "label", "value") if k in item)
        area, where = "other", [("Página inicial", urls.HOME)]
    source = item["source"]
    return {"anchor": source["anchor"], "area": area, "what": what, "note": source["note"], "owner": source["owner_title"],
            "confirmed": source["confirmed"], "where": where}


def _summary_twin(bundle: dict[str, Any], path: tuple[Any, ...], item: dict[str, Any]) -> str | None:
    """The anchor of the billing rule a mode's billing summary repeats (same reason), if already listed."""
    if path[:2] != ("billing", "modes") or path[-1] != "summary":
        return None
    billed = bundle["billing"]["modes"][path[2]].get("billed", {})
    source = billed.get("source")
    if isinstance(source, dict) and source.get("kind") == "local" and source.get("note") == item["source"]["note"]:
        return str(source["anchor"])
    return None


def _check_pages(g: Guidelines, check_id: str) -> list[tuple[str, str]]:
    """The mode pages that list a check: the modes of the outcomes where it is pending."""
    modes = dict.fromkeys(o.mode for o in g.outcomes.values() if o.pending_check == check_id)
    return [(g.modes[m].title, urls.mode_page(m) + "#verificacoes") for m in modes]


def local_items(bundle: dict[str, Any], g: Guidelines) -> list[dict[str, Any]]:
    items, twins = [], {}
    for path, item in _local({k: v for k, v in bundle.items() if k != "macros"}):
        same = _summary_twin(bundle, path, item)
        if same is not None:  # a mode's billing summary says what its billing rule says: one entry, both anchors
            twins.setdefault(same, []).append(item["source"]["anchor"])
        else:
            items.append(_entry(bundle, g, path, item))
    for entry in items:
        if entry["anchor"] in twins:
            entry["also"] = twins[entry["anchor"]]
    for i, macro in enumerate(bundle["macros"]):
        items += [_entry(bundle, g, ("macros", i, *path), item) for path, item in _local(macro)]
    owners = {o["id"]: o["title"] for o in bundle["owners"]}
    for gap in bundle["gaps"]:
        cited = [(label, url) for c in bundle["checks"] if c.get("gap") == gap["id"] for label, url in _check_pages(g, c["id"])]
        cited += [(p["title"], f"{urls.PROCEDURES}#{p['id']}") for p in bundle["procedures"] if p.get("note", {}).get("gap") == gap["id"]]
        items.append({"anchor": gap_anchor(gap["id"]), "area": "gaps", "what": gap["title"], "note": gap["text"],
                      "owner": owners[gap["owner"]], "confirmed": False, "where": cited})
    return items


def page(bundle: dict[str, Any], g: Guidelines, updated: str) -> str:
    items = local_items(bundle, g)
    areas = []
    for key, (title, area_id) in AREAS.items():
        group = [{**i, "area_id": area_id} for i in items if i["area"] == key]
        if group:
            areas.append((title, group))
    return render("to_confirm.md.j2", "pontos-a-confirmar.md", title="Pontos a confirmar", hide=["navigation"], updated=updated,
                  items=items, areas=areas, confirmed=sum(1 for i in items if i["confirmed"]), manager=_manager(bundle),
                  owners=[o["title"] for o in bundle["owners"]])


def _manager(bundle: dict[str, Any]) -> str:
    """Who the guideline names as the management it was written under (its opening paragraph)."""
    origin = " ".join(bundle["origin"]["text"].split())
    start = origin.find("sob gestão de ")
    return origin[start + len("sob gestão de "):].rstrip(".") if start >= 0 else "quem a publicou"
