"""The escalation wizard in Chromium, against the built site served over HTTP.

The paths are taken from the engine (so they follow the YAML), but the test
clicks the labels a person reads and checks what the page shows.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
from conftest import CSP_LISTENER
from engine_helpers import ROOT, all_paths, bundle, engine
from playwright.sync_api import Browser, BrowserContext, Page, expect

from decision_tree.engine import State

pytestmark = pytest.mark.browser
READY = 60_000  # Pyodide's first start takes a few seconds here: generous, never a sleep


def labels(state: State) -> list[str]:
    return [step.option.label for step in engine().walk(state).steps]


def path_to(mode: str, audience: str | None) -> State:
    """The shortest path of the tree that ends in `mode` for `audience`."""
    e = engine()
    found = [
        s for s in all_paths(e) if (r := e.recommend(s))["mode"] == mode and (r["audience"]["id"] if r["audience"] else None) == audience
    ]
    return min(found, key=lambda s: len(s.answers))


def answer(page: Page, label: str) -> None:
    """Choose an option and press Próxima, then wait for the wizard to move on."""
    before = page.locator("[data-role=history-list] > li").count()
    page.get_by_role("radio", name=label, exact=True).check()
    page.get_by_role("button", name="Próxima").click()
    expect(page.locator("[data-role=history-list] > li")).to_have_count(before + 1, timeout=READY)


def legend(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("[data-role=question] legend")


def cli(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "decision_tree", *args, "--json"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def mode_title(mode: str) -> str:
    return next(m["title"] for m in bundle()["modes"] if m["id"] == mode)


COMBOS = [("suporte-padrao", None)] + [
    (mode, a["id"]) for mode in ("consultoria-modulo", "consultoria-telefonica") for a in bundle()["audiences"]
]


@pytest.mark.parametrize(("mode", "audience"), COMBOS, ids=[f"{m}-{a}" for m, a in COMBOS])
def test_a_full_path_leads_to_each_mode_and_audience_macro(page: Page, mode: str, audience: str | None) -> None:
    state = path_to(mode, audience)
    expected = engine().recommend(state)
    page.goto("assistente/")
    for label in labels(state):
        answer(page, label)
    title = page.locator("[data-role=outcome-title]")
    expect(title).to_have_text(f"Resultado: {mode_title(mode)}")
    expect(title).to_be_focused()
    assert page.url.endswith("#" + engine().encode(state))
    termos = [m["title"] for m in expected["macros"] if m["kind"] == "termo"]
    shown = page.locator("[data-macro] h4").all_inner_texts()
    assert shown == [m["title"] for m in expected["macros"]]
    if mode == "suporte-padrao":
        assert shown == []
        expect(page.locator("[data-role=payer]")).to_have_count(0)
    else:
        assert len(termos) == 1 and shown[0] == termos[0]
        audience_title = next(a["title"] for a in bundle()["audiences"] if a["id"] == audience)
        expect(page.locator("[data-role=audience]")).to_have_text(audience_title)
        payer = "Cliente" if audience == "cliente-final" else "Unidade/Franquia"
        expect(page.locator("[data-role=payer]")).to_have_text(payer)
    note = page.locator("[data-role=ticket-note]").inner_text()
    assert note == expected["ticket_note"]
    assert note.startswith("[CONSULTORIA DO MODULO]") == (mode == "consultoria-modulo")


def test_an_answer_given_before_the_engine_is_ready_is_applied_when_it_is(page: Page) -> None:
    held = []
    page.route("**/assets/pyodide/pyodide.asm.wasm", lambda route: held.append(route))  # hold Pyodide's download
    page.goto("assistente/")
    first = engine().g.questions[engine().g.start]
    expect(page.locator("[data-role=question-text]")).to_have_text(first.question)  # plain HTML, at once
    expect(page.locator(".dt-progress")).to_be_visible()
    page.get_by_role("radio", name=first.options[0].label, exact=True).check()
    page.get_by_role("button", name="Próxima").click()
    expect(page.get_by_role("status")).to_contain_text("Resposta guardada")
    assert page.locator("[data-app=wizard]").get_attribute("data-engine") == "loading"
    expect(page.locator("[data-role=history-list] > li")).to_have_count(0)
    assert held, "Pyodide's download was not requested"
    for route in held:
        route.continue_()
    second = engine().walk(State((0,))).node
    expect(page.locator("[data-role=question-text]")).to_have_text(second.question, timeout=READY)  # type: ignore[union-attr]
    expect(page.locator(".dt-progress")).to_be_hidden()
    expect(page.locator("[data-role=history-list] > li")).to_have_count(1)


def test_back_restart_and_the_browsers_back_button(page: Page) -> None:
    state = path_to("consultoria-modulo", "ams")
    steps = engine().walk(state).steps
    page.goto("assistente/")
    for label in labels(state)[:3]:
        answer(page, label)
    expect(page.locator("[data-role=question-text]")).to_have_text(steps[3].question.question)

    page.get_by_role("button", name="Voltar", exact=True).click()
    expect(page.locator("[data-role=question-text]")).to_have_text(steps[2].question.question)
    expect(page.locator("[data-role=history-list] > li")).to_have_count(2)
    expect(legend(page)).to_be_focused()

    page.go_back()  # undoes "Voltar": back to the fourth question
    expect(page.locator("[data-role=question-text]")).to_have_text(steps[3].question.question)
    page.go_back()  # before the third answer
    expect(page.locator("[data-role=question-text]")).to_have_text(steps[2].question.question)
    page.go_forward()
    expect(page.locator("[data-role=question-text]")).to_have_text(steps[3].question.question)
    expect(page.locator("[data-role=history-list] > li")).to_have_count(3)

    page.get_by_role("button", name="Recomeçar").click()
    expect(page.locator("[data-role=question-text]")).to_have_text(steps[0].question.question)
    expect(page.locator("[data-role=history]")).to_be_hidden()
    expect(page.get_by_role("button", name="Voltar", exact=True)).to_be_disabled()
    page.go_back()
    expect(page.locator("[data-role=history-list] > li")).to_have_count(3)


def test_changing_an_earlier_answer_keeps_later_ones_only_while_the_path_is_the_same(page: Page) -> None:
    e = engine()
    state = path_to("consultoria-modulo", "ams")
    steps = e.walk(state).steps
    # the step whose question lists several Módulo criteria: another criterion keeps the path
    situation = next(i for i, s in enumerate(steps) if len(s.question.options) > 3)
    same_path = next(
        o for o in steps[situation].question.options if o.id != steps[situation].option.id and o.next == steps[situation].option.next
    )
    page.goto("assistente/#" + e.encode(state))
    expect(page.locator("[data-role=outcome-title]")).to_contain_text(mode_title("consultoria-modulo"), timeout=READY)

    page.get_by_role("button", name=f"Alterar a resposta da pergunta {situation + 1}").click()
    expect(page.locator(".dt-change legend")).to_be_focused()
    page.get_by_role("radio", name=same_path.label, exact=True).check()
    page.get_by_role("button", name="Confirmar").click()
    expected = e.change(state, situation, same_path.id)
    assert len(expected.answers) == len(state.answers)
    expect(page).to_have_url(f"{page.url.split('#')[0]}#{e.encode(expected)}")
    expect(page.locator("[data-role=outcome-title]")).to_contain_text(mode_title("consultoria-modulo"))
    expect(page.locator("[data-role=audience]")).to_have_text("AMS")
    expect(page.locator("[data-role=history-list] li").nth(situation).locator("[data-role=answer]")).to_have_text(same_path.label)

    # a first answer that leads elsewhere drops everything after it
    other = next(o for o in steps[0].question.options if o.next != steps[0].option.next and o.criteria)
    page.get_by_role("button", name="Alterar a resposta da pergunta 1").click()
    page.get_by_role("radio", name=other.label, exact=True).check()
    page.get_by_role("button", name="Confirmar").click()
    expect(page.locator("[data-role=history-list] > li")).to_have_count(1)
    expect(page.locator("[data-role=outcome]")).to_be_hidden()
    expect(page.locator("[data-role=question-text]")).to_have_text(e.node(other.next).question)  # type: ignore[union-attr]


def test_reload_and_a_shared_link_return_to_the_same_place(page: Page, browser: Browser, site_url: str) -> None:
    state = path_to("consultoria-telefonica", "totvs")
    page.goto("assistente/")
    for label in labels(state)[:1]:
        answer(page, label)
    url = page.url
    question = page.locator("[data-role=question-text]").inner_text()
    page.reload()
    expect(page.locator("[data-role=question-text]")).to_have_text(question, timeout=READY)
    expect(page.locator("[data-role=history-list] > li")).to_have_count(1)
    answer(page, labels(state)[1])
    note = page.locator("[data-role=ticket-note]").inner_text()

    context = browser.new_context(locale="pt-BR")  # someone else opens the link
    try:
        other = context.new_page()
        other.goto(page.url)
        expect(other.locator("[data-role=outcome-title]")).to_contain_text(mode_title("consultoria-telefonica"), timeout=READY)
        assert other.locator("[data-role=ticket-note]").inner_text() == note
        expect(other.locator("[data-role=question]")).to_be_hidden()
    finally:
        context.close()
    assert url != page.url


def test_a_stale_or_broken_link_starts_over_with_a_message(page: Page) -> None:
    page.goto("assistente/#000000-01")
    expect(page.locator("[data-role=notice]")).to_contain_text("outra versão das diretrizes", timeout=READY)
    first = engine().g.questions[engine().g.start]
    expect(page.locator("[data-role=question-text]")).to_have_text(first.question)
    assert page.url.endswith("#" + engine().encode(State()))
    page.goto(f"assistente/#{engine().g.fingerprint}-9")
    expect(page.locator("[data-role=notice]")).to_contain_text("não existe")


def test_outcome_links_checklist_macro_copy_and_calculator(page: Page, site_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    state = path_to("consultoria-modulo", "totvs")
    expected = engine().recommend(state)
    page.goto("assistente/#" + engine().encode(state))
    expect(page.locator("[data-role=outcome-title]")).to_be_visible(timeout=READY)

    checklist = page.locator("[data-role=prerequisites] input[type=checkbox]")
    expect(checklist).to_have_count(len(expected["prerequisites"]))
    expect(page.locator("[data-role=prerequisites]")).to_contain_text("Aprovação do Maestro")
    checklist.first.check()

    page.get_by_role("button", name="Copiar resumo para o ticket").click()
    expect(page.locator("[data-role=live]")).to_have_text("Copiado para a área de transferência.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == expected["ticket_note"]
    assert copied.startswith("[CONSULTORIA DO MODULO]\n")

    page.get_by_role("button", name="Copiar texto da macro").click()
    termo = next(m for m in expected["macros"] if m["kind"] == "termo")
    assert page.evaluate("navigator.clipboard.readText()") == termo["body"]

    links = page.locator("[data-role=criteria] a")
    expect(links).to_have_count(len(expected["criteria"]))
    first = expected["criteria"][0]
    links.first.click()
    expect(page).to_have_url(site_url + first["url"])
    expect(page.locator(f"[id='{first['id']}']")).to_have_count(1)

    page.go_back()
    page.get_by_role("link", name="Estimar o custo na calculadora").click()
    expect(page.locator("#dt-mode")).to_have_value("consultoria-modulo")
    expect(page.locator("#dt-audience")).to_have_value("totvs")
    expect(page.locator("[data-role=payer]")).to_have_text("Unidade/Franquia", timeout=READY)


def test_keyboard_only(page: Page) -> None:
    state = path_to("suporte-padrao", None)
    page.goto("assistente/")
    page.wait_for_selector("[data-app=wizard][data-engine=ready]", timeout=READY)
    legend(page).focus()
    for n, label in enumerate(labels(state), start=1):
        page.keyboard.press("Tab")  # from the question's legend to its radio group
        radio = page.get_by_role("radio", name=label, exact=True)
        for _ in range(10):
            if radio.evaluate("el => el === document.activeElement"):
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        page.keyboard.press("Enter")  # submits the form, as Próxima does
        expect(page.locator("[data-role=history-list] > li")).to_have_count(n)
    title = page.locator("[data-role=outcome-title]")
    expect(title).to_be_focused()
    expect(title).to_contain_text(mode_title("suporte-padrao"))
    expect(page.locator("[data-role=live]")).to_have_text(f"Resultado: {mode_title('suporte-padrao')}")
    page.get_by_role("button", name="Recomeçar").focus()
    page.keyboard.press("Enter")
    expect(legend(page)).to_be_focused()
    expect(legend(page)).to_contain_text("Pergunta 1")


def test_the_pages_engine_answers_exactly_as_the_cli(page: Page) -> None:
    e = engine()
    states = [path_to(m, a) for m, a in COMBOS[:5]] + [list(all_paths(e))[-1]]
    page.goto("assistente/")
    page.wait_for_selector("[data-app=wizard][data-engine=ready]", timeout=READY)
    for state in states:
        code = e.encode(state)
        response = page.evaluate("s => window.__decisionTree.request({op: 'recommend', state: s})", code)
        assert response["ok"], response
        assert response["outcome"] == cli("recommend", code), code
    quote = page.evaluate(
        "() => window.__decisionTree.request({op: 'quote', mode: 'consultoria-modulo', audience: 'ams', minutes: '12,5',"
        " rate: '2,75', waived: false, taxes: [{name: 'ISS', percent: '5'}]})"
    )
    assert quote["ok"], quote
    expected = cli("quote", "--mode", "consultoria-modulo", "--audience", "ams", "--minutes", "12,5", "--rate", "2,75", "--tax", "ISS=5")
    assert quote["quote"] == expected


def test_pages_without_a_wizard_never_download_pyodide(page: Page) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    for path in ("", "tabela-de-decisao/", "modos/consultoria-modulo/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert not [u for u in requested if "pyodide" in u or "/assets/app/" in u]


# -- when Pyodide cannot start --------------------------------------------------


@pytest.fixture
def tolerant(browser: Browser, site_url: str) -> Iterator[BrowserContext]:
    """A context for failures on purpose: network errors are expected, exceptions and CSP violations are not."""
    context = browser.new_context(locale="pt-BR", base_url=site_url)
    context.add_init_script(CSP_LISTENER)
    problems: list[str] = []
    context.on("weberror", lambda e: problems.append(str(e.error)))
    context.problems = problems  # type: ignore[attr-defined]
    yield context
    context.close()
    assert not problems


def expect_fallback(page: Page, reason: str) -> None:
    fallback = page.get_by_role("alert").filter(has_text="Não foi possível iniciar o assistente")
    expect(fallback).to_be_visible(timeout=READY)
    expect(fallback).to_contain_text(reason)
    expect(page.locator(".dt-progress")).to_be_hidden()
    expect(page.locator("[data-role=question-text]")).to_be_visible()  # nothing blank
    base = page.url.split("assistente/")[0]
    fallback.get_by_role("link", name="Abrir a tabela de decisão").click()
    expect(page).to_have_url(base + "tabela-de-decisao/")
    expect(page.locator("h1")).to_be_visible()


def test_fallback_without_webassembly(tolerant: BrowserContext) -> None:
    tolerant.add_init_script("delete window.WebAssembly")
    page = tolerant.new_page()
    page.goto("assistente/")
    expect_fallback(page, "WebAssembly")


def test_fallback_when_the_worker_has_no_webassembly(tolerant: BrowserContext) -> None:
    """The worker has its own global: take WebAssembly away there only (the page still has it)."""

    def without_wasm(route):  # type: ignore[no-untyped-def]
        response = route.fetch()
        route.fulfill(response=response, body="delete self.WebAssembly;\n" + response.text())

    page = tolerant.new_page()
    page.route("**/assets/app/worker.js", without_wasm)
    page.goto("assistente/")
    assert page.evaluate("typeof WebAssembly") == "object"
    expect_fallback(page, "WebAssembly indisponível")


def test_fallback_when_the_download_fails(tolerant: BrowserContext) -> None:
    page = tolerant.new_page()
    page.route("**/assets/pyodide/python_stdlib.zip", lambda route: route.abort())
    page.goto("assistente/")
    expect_fallback(page, "o carregamento falhou")


def test_fallback_when_loading_takes_too_long(tolerant: BrowserContext) -> None:
    tolerant.add_init_script("window.__decisionTreeTimeoutMs = 2000")
    held = []
    page = tolerant.new_page()
    page.route("**/assets/pyodide/pyodide.asm.wasm", lambda route: held.append(route))  # never answered
    page.goto("assistente/")
    expect_fallback(page, "passou de 2 segundos")
