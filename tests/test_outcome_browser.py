"""The wizard's outcome panel updates only what changed (docs/assets/app/outcome.js).

Ticking a step rewrites that step and what depends on it; the rest of the
panel stays as it was: a macro text the analyst opened stays open, the
criteria and the billing are the same elements. The page's texts come from the
template it carries (templates/_wizard_app.j2), not from the script.
"""

from __future__ import annotations

import pytest
from engine_helpers import engine
from playwright.sync_api import Page, expect

from decision_tree.core.engine import State

pytestmark = pytest.mark.browser
READY = 60_000

# Tag every part of the panel and every step with a property the page's own code never sets: a part rebuilt loses it.
TAG = """() => {
  const panel = document.querySelector('[data-role="outcome"]');
  for (const node of [...panel.children, ...panel.querySelectorAll('[data-role="steps"] > li')]) node.__seen = true;
}"""
KEPT = """() => {
  const panel = document.querySelector('[data-role="outcome"]');
  const name = (n) => n.dataset.step || n.dataset.role || n.querySelector("h3")?.textContent || n.tagName;
  const all = [...panel.children, ...panel.querySelectorAll('[data-role="steps"] > li')];
  return { kept: all.filter((n) => n.__seen).map(name), rebuilt: all.filter((n) => !n.__seen).map(name) };
}"""


def modulo_totvs() -> State:
    e = engine()
    state = e.start()
    for option in ("ocorrencia", "sim", "sim", "nao-reproduz", "totvs"):
        state = e.answer(state, option)
    return state


def test_ticking_a_step_keeps_the_macro_text_the_analyst_opened(page: Page) -> None:
    page.goto("assistente/#" + engine().encode(modulo_totvs()))
    expect(page.locator("[data-role=outcome-title]")).to_be_visible(timeout=READY)
    page.get_by_label("Aprovação obtida").check()
    termo = page.locator("[data-step=enviar-termo] .dt-macro-body")
    expect(termo).to_be_hidden()
    page.get_by_text("Ver o texto da macro").click()
    expect(termo).to_be_visible()
    note = page.locator("[data-role=ticket-note]")
    expect(note).to_contain_text("Aguardando o envio do Termo")
    page.get_by_label("Termo enviado").check()
    expect(page.get_by_label("Aceite recebido")).to_be_enabled()
    expect(note).not_to_contain_text("Aguardando o envio do Termo")
    expect(termo).to_be_visible()  # still open: the step was rewritten, the analyst's reading was not closed
    page.get_by_label("Aceite recebido").check()
    expect(note).to_contain_text("Aceite recebido")
    expect(termo).to_be_visible()


def test_a_mark_rewrites_only_the_steps_it_changes_and_the_note(page: Page) -> None:
    e = engine()
    state = e.mark(modulo_totvs(), "aprovacao-maestro", True)
    page.goto("assistente/#" + e.encode(state))
    expect(page.get_by_label("Termo enviado")).to_be_enabled(timeout=READY)
    page.evaluate(TAG)
    page.get_by_label("Termo enviado").check()
    expect(page.get_by_label("Aceite recebido")).to_be_enabled()
    parts = page.evaluate(KEPT)
    before = {s["id"]: s for s in e.recommend(state)["steps"]}
    after = {s["id"]: s for s in e.recommend(e.mark(state, "enviar-termo", True))["steps"]}
    changed = [step for step in after if after[step] != before[step]]  # what the engine says differently
    assert {"enviar-termo", "aceite"} <= set(changed) and "aprovacao-maestro" not in changed
    # "Termo enviado" is now done, "Aceite recebido" can be ticked: those steps (and any step waiting on them) and the note.
    assert sorted(parts["rebuilt"]) == sorted([*changed, "Nota para o ticket"]), parts
    assert {"aprovacao-maestro", "summary", "Critérios da diretriz", "Tarifação", "outcome-title"} <= set(parts["kept"]), parts


def test_the_wizards_texts_are_the_pages(page: Page) -> None:
    """Changing a text in the page's template changes what the wizard writes: the script holds none of them."""
    def edited(route) -> None:  # type: ignore[no-untyped-def]
        body = route.fetch().text()
        assert '<span data-key="note">Nota para o ticket</span>' in body
        route.fulfill(body=body.replace('<span data-key="note">Nota para o ticket</span>', '<span data-key="note">Nota do chamado</span>'),
                      content_type="text/html")

    page.route("**/assistente/", edited)
    page.goto("assistente/#" + engine().encode(modulo_totvs()))
    expect(page.get_by_role("heading", name="Nota do chamado")).to_be_visible(timeout=READY)
    expect(page.get_by_role("heading", name="Nota para o ticket")).to_have_count(0)
