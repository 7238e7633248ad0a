"""The wizard and calculator pages: plain HTML at build time, usable before Pyodide starts.

The wizard's first question is rendered from the same view the engine gives
the page (`api.view`), and the markup of an answer is emitted once, as a
`<template>` that wizard.js clones for the next questions. The calculator's
form comes filled with the reference values, each labelled when it is not in
the guideline.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal

from decision_tree.core import urls
from decision_tree.core.api import view
from decision_tree.core.engine import Engine, State
from decision_tree.core.model import Guidelines
from decision_tree.sitegen.render import render


def _typed(value: Decimal) -> str:
    """A number as a person types it in the form: decimal comma, no grouping, every digit it has."""
    return format_decimal(value, format="0.#", locale="pt_BR", decimal_quantization=False)


def _typed_money(value: Decimal) -> str:
    """Money as a person types it: at least the centavos (3,00), more digits only if set."""
    return format_decimal(value, format="0.00", locale="pt_BR", decimal_quantization=False)


def wizard_page(g: Guidelines) -> str:
    first = view(Engine(g), State())
    return render("wizard.md.j2", urls.page_file(urls.WIZARD), first=first, question=first["question"],
                  modes=[m.title for m in g.modes.values()])


def calculator_context(g: Guidelines) -> dict[str, Any]:
    """The calculator's form, the same on both sites (same fields and data roles: calculator.js runs both)."""
    b = g.billing
    modes = [
        {"id": m.id, "title": m.title, "waivable": b.modes[m.id].waivable, "taxes": b.modes[m.id].plus_taxes}
        for m in g.billed_modes()
    ]
    default = next((m["id"] for m in modes if m["waivable"]), modes[0]["id"])
    waiver = next((b.modes[m["id"]].waiver for m in modes if m["waivable"]), None)
    return {
        "modes": modes, "default_mode": default,
        "audiences": [{"id": a.id, "title": a.title, "short": a.short} for a in g.audiences.values()],
        "minutes": str(b.modes[default].minimum or 1), "rate": _typed_money(b.reference_rate),
        "rate_source": b.rate_per_minute.source.to_dict(),
        "taxes": [{"name": t.name, "percent": _typed(t.rate * 100)} for t in b.taxes], "taxes_source": b.taxes_source.to_dict(),
        "waiver_text": waiver.text if waiver else "",
    }


def calculator_page(g: Guidelines) -> str:
    return render("calculator.md.j2", urls.page_file(urls.CALCULATOR), **calculator_context(g))


def app_pages(g: Guidelines) -> dict[str, str]:
    return {urls.page_file(urls.WIZARD): wizard_page(g), urls.page_file(urls.CALCULATOR): calculator_page(g)}
