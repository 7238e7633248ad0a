"""The escalation wizard in Chromium, against the built site served over HTTP.

The paths are taken from the engine (so they follow the YAML), but the test
clicks the labels a person reads and checks what the page shows.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from conftest import CSP_LISTENER
from engine_helpers import ROOT, all_paths, bundle, engine
from playwright.sync_api import Browser, BrowserContext, Page, expect

from decision_tree.core.engine import State

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


def state_of(*option_ids: str) -> State:
    e = engine()
    state = e.start()
    for o in option_ids:
        state = e.answer(state, o)
    return state


MODULO = ("ocorrencia", "sim", "sim", "nao-reproduz", "ams")
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
    shown = page.locator("[data-macro] h4").all_inner_texts()
    assert shown == [m["title"] for s in expected["steps"] for m in s["macros"]]
    if mode == "suporte-padrao":
        assert shown == []
        expect(page.locator("[data-role=payer]")).to_have_count(0)
    else:
        audience_title = next(a["title"] for a in bundle()["audiences"] if a["id"] == audience)
        expect(page.locator("[data-role=audience]")).to_have_text(audience_title)
        expect(page.locator("[data-role=payer]")).to_have_text("Cliente" if audience == "cliente-final" else "Unidade/Franquia")
    note = page.locator("[data-role=ticket-note]").inner_text()
    assert note == expected["ticket_note"]
    assert not note.startswith("[CONSULTORIA DO MODULO]")  # nothing is marked yet


SAMPLE = ["inconsistencia-de-produto", "cadastro-gravado", "cliente-confirma", "ambiente-desatualizado"]


@pytest.mark.parametrize("name", SAMPLE)
def test_personas_reach_their_mode_by_clicking_what_they_read(page: Page, name: str) -> None:
    from personas import PERSONAS

    persona = next(p for p in PERSONAS if p.name == name)
    e = engine()
    page.goto("assistente/")
    state = e.start()
    for question, option in persona.answers:
        node = e.walk(state).node
        assert node.id == question
        expect(page.locator("[data-role=question-text]")).to_have_text(node.question, timeout=READY)
        answer(page, node.option(option).label)
        state = e.answer(state, option)
    expect(page.locator("[data-role=outcome-title]")).to_have_text(f"Resultado: {mode_title(persona.mode)}")
    shown = page.locator("[data-role=criteria] a").all_inner_texts()
    for c in persona.criteria:
        assert e.g.criteria[c].title in shown, (name, shown)
    if persona.macro:
        expect(page.locator(f"[data-macro='{persona.macro}']")).to_have_count(1)


def test_an_answer_given_before_the_engine_is_ready_is_applied_when_it_is(page: Page) -> None:
    held = []
    page.route("**/assets/pyodide/*/pyodide.asm.wasm", lambda route: held.append(route))  # hold Pyodide's download
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


def test_back_restart_and_the_browsers_back_button_with_the_answer_preselected(page: Page) -> None:
    state = state_of(*MODULO)
    steps = engine().walk(state).steps
    page.goto("assistente/")
    for label in labels(state)[:3]:
        answer(page, label)
    expect(page.locator("[data-role=question-text]")).to_have_text(steps[3].question.question)

    page.get_by_role("button", name="Voltar", exact=True).click()
    expect(page.locator("[data-role=question-text]")).to_have_text(steps[2].question.question)
    expect(page.locator("[data-role=history-list] > li")).to_have_count(2)
    expect(legend(page)).to_be_focused()
    expect(page.get_by_role("radio", name=steps[2].option.label, exact=True)).to_be_checked()  # what was answered before

    page.go_back()  # undoes "Voltar": back to the fourth question
    expect(page.locator("[data-role=question-text]")).to_have_text(steps[3].question.question)
    page.go_back()  # before the third answer
    expect(page.locator("[data-role=question-text]")).to_have_text(steps[2].question.question)
    expect(page.get_by_role("radio", name=steps[2].option.label, exact=True)).to_be_checked()
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
    state = state_of(*MODULO)
    steps = e.walk(state).steps
    situation = 3  # the simulation: another Módulo situation keeps the path
    same_path = steps[situation].question.option("apendar")
    page.goto("assistente/#" + e.encode(state))
    expect(page.locator("[data-role=outcome-title]")).to_contain_text(mode_title("consultoria-modulo"), timeout=READY)

    page.get_by_role("button", name=f"Alterar a resposta da pergunta {situation + 1}").click()
    expect(page.locator(".dt-change legend")).to_be_focused()
    page.get_by_role("radio", name=same_path.label, exact=True).check()
    page.get_by_role("button", name="Confirmar").click()
    expected = e.change(state, situation, same_path.id)
    assert len(expected.answers) == len(state.answers)
    expect(page).to_have_url(f"{page.url.split('#')[0]}#{e.encode(expected)}")
    expect(page.locator("[data-role=audience]")).to_have_text("Consultor AMS")
    expect(page.locator("[data-role=history-list] li").nth(situation).locator("[data-role=answer]")).to_have_text(same_path.label)

    other = steps[0].question.option("emergencia")  # a first answer that leads elsewhere drops everything after it
    page.get_by_role("button", name="Alterar a resposta da pergunta 1").click()
    page.get_by_role("radio", name=other.label, exact=True).check()
    page.get_by_role("button", name="Confirmar").click()
    expect(page.locator("[data-role=history-list] > li")).to_have_count(1)
    expect(page.locator("[data-role=outcome]")).to_be_hidden()
    expect(page.locator("[data-role=question-text]")).to_have_text(e.node(other.next).question)  # type: ignore[union-attr]


def test_a_shared_link_opens_at_the_outcome_even_on_a_phone(browser: Browser, site_url: str) -> None:
    state = state_of(*MODULO)
    code = engine().encode(engine().mark(state, "aprovacao-maestro", True))
    context = browser.new_context(locale="pt-BR", base_url=site_url, viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.goto("assistente/#" + code)
        title = page.locator("[data-role=outcome-title]")
        expect(title).to_be_focused(timeout=READY)
        expect(title).to_be_in_viewport()
        expect(page.get_by_label("Aprovação obtida")).to_be_checked()  # the marks travel with the link
        expect(page.locator("[data-role=question]")).to_be_hidden()
    finally:
        context.close()


def test_a_stale_or_damaged_link_says_so_like_a_person_and_keeps_what_fits(page: Page) -> None:
    page.goto("assistente/#000000-01")
    expect(page.locator("[data-role=notice]")).to_contain_text("versão anterior do assistente", timeout=READY)
    first = engine().g.questions[engine().g.start]
    expect(page.locator("[data-role=question-text]")).to_have_text(first.question)
    assert page.url.endswith("#" + engine().encode(State()))
    damaged = engine().encode(state_of("ocorrencia", "sim")) + "z"
    page.goto("about:blank")  # opened fresh (a link from a ticket), not typed over an answered wizard
    page.goto("assistente/#" + damaged)
    expect(page.locator("[data-role=notice]")).to_contain_text("as 2 primeiras respostas foram mantidas", timeout=READY)
    expect(page.locator("[data-role=history-list] > li")).to_have_count(2)


def test_approval_gates_the_termo_and_the_marks_complete_the_ticket_note(page: Page, site_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    e = engine()
    state = state_of("ocorrencia", "sim", "sim", "nao-reproduz", "totvs")
    page.goto("assistente/#" + e.encode(state))
    expect(page.locator("[data-role=outcome-title]")).to_be_visible(timeout=READY)
    note = page.locator("[data-role=ticket-note]")
    termo = next(m for s in e.recommend(e.mark(state, "aprovacao-maestro", True))["steps"] for m in s["macros"])
    assert not termo["official"]  # a proposal: the button says so, and the hint sends the analyst to the official macro
    copy = page.get_by_role("button", name="Copiar texto proposto")
    expect(copy).to_be_disabled()
    expect(page.locator(".dt-macro")).to_contain_text("No ticket, aplique a macro oficial pelo título.")
    expect(note).to_contain_text("Aguardando aprovação")
    expect(page.get_by_label("Aceite recebido")).to_be_disabled()
    aceite = page.locator("[data-step=aceite]")
    expect(aceite).to_contain_text("Disponível depois de: marcar “Aprovação obtida” e “Termo enviado”.")
    order = page.locator("[data-step=prefixo] [data-role=step-order]")  # the step's position is a local reading
    expect(order).to_contain_text("depois do Aceite")
    expect(order).to_contain_text("Não consta na diretriz")

    page.get_by_label("Aprovação obtida").check()
    expect(copy).to_be_enabled()
    expect(page).to_have_url(re.compile(r"\.1$"))
    copy.click()
    expect(page.locator("[data-role=live]")).to_have_text("Copiado para a área de transferência.")  # the write is done
    clip = page.evaluate(CLIPBOARD)
    assert clip["text/plain"] == termo["plain"] and "**" not in clip["text/plain"]
    assert "<strong>Consultoria do Módulo</strong>" in clip["text/html"]

    expect(page.get_by_label("Aceite recebido")).to_be_disabled()  # the Termo has not been sent yet
    expect(aceite).to_contain_text("Disponível depois de: marcar “Termo enviado”.")
    expect(note).to_contain_text("Aguardando o envio do Termo")
    page.get_by_label("Termo enviado").check()
    page.get_by_label("Aceite recebido").check()
    expect(note).to_contain_text("Aceite recebido")
    assert note.inner_text().startswith("[CONSULTORIA DO MODULO]\n")
    page.get_by_role("button", name="Copiar nota para o ticket").click()
    expect(page.locator("[data-role=live]")).to_have_text("Copiado para a área de transferência.")
    assert page.evaluate("navigator.clipboard.readText()") == note.inner_text()
    page.reload()
    expect(page.get_by_label("Aceite recebido")).to_be_checked(timeout=READY)
    page.get_by_label("Aprovação obtida").uncheck()  # taking the approval back takes the Aceite back too
    expect(page.get_by_label("Aceite recebido")).not_to_be_checked()
    expect(copy).to_be_disabled()


CLIPBOARD = """navigator.clipboard.read().then(async (items) => {
  const out = {};
  for (const type of items[0].types) out[type] = await (await items[0].getType(type)).text();
  return out;
})"""


def test_outcome_links_to_the_criteria_labels_and_the_calculator(page: Page, site_url: str) -> None:
    state = state_of("emergencia", "totvs")
    expected = engine().recommend(state)
    page.goto("assistente/#" + engine().encode(state))
    expect(page.locator("[data-role=outcome-title]")).to_be_visible(timeout=READY)
    labels_shown = page.locator("[data-role=outcome] .kb-local")
    local = [r for r in expected["billing"]["rules"] if r["source"]["kind"] == "local"]
    assert labels_shown.count() >= len(local) + 1  # the local rules, the payer rule, the proposed macro texts
    expect(page.locator("[data-role=billing]")).to_contain_text("100% tarifado")
    links = page.locator("[data-role=criteria] a")
    expect(links).to_have_count(len(expected["criteria"]))
    first = expected["criteria"][0]
    links.first.click()
    expect(page).to_have_url(site_url + first["url"])
    expect(page.locator(f"[id='{first['id']}']")).to_have_count(1)
    page.go_back()
    page.get_by_role("link", name="Estimar o custo na calculadora").click()
    expect(page.locator("#dt-mode")).to_have_value("consultoria-telefonica")
    expect(page.locator("#dt-audience")).to_have_value("totvs")
    expect(page.locator("[data-role=payer]")).to_have_text("Unidade/Franquia", timeout=READY)


def test_keyboard_only(page: Page) -> None:
    state = path_to("suporte-padrao", None)
    page.goto("assistente/")
    page.wait_for_selector("[data-app=wizard][data-engine=ready]", timeout=READY)
    legend(page).focus()
    for n, label in enumerate(labels(state), start=1):
        for _ in range(4):  # from the question's legend to its radio group (past the help's "Não consta na diretriz" link)
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.type === 'radio'"):
                break
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
    assert not [u for u in requested if "pyodide" in u or u.endswith(("/worker.js", "/client.js", "/wizard.js"))]


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


@pytest.mark.parametrize(
    ("snapshot", "file"),
    [
        ("", "pyodide.asm.mjs"),  # Pyodide's script: no start at all, restored or not
        ("never", "python_stdlib.zip"),  # the normal start needs the standard library (a restored one does not)
    ],
)
def test_fallback_when_the_download_fails(tolerant: BrowserContext, snapshot: str, file: str) -> None:
    if snapshot:
        tolerant.add_init_script(f"window.__decisionTreeSnapshot = {snapshot!r}")
    page = tolerant.new_page()
    page.route(f"**/assets/pyodide/*/{file}", lambda route: route.abort())
    page.goto("assistente/")
    expect_fallback(page, "o carregamento falhou")


def test_without_the_engine_the_first_answer_opens_the_table_where_it_leads(tolerant: BrowserContext) -> None:
    """#15: the static first question led to the top of the decision table."""
    tolerant.add_init_script("delete window.WebAssembly")
    page = tolerant.new_page()
    page.goto("assistente/")
    expect(page.get_by_role("alert").filter(has_text="Não foi possível iniciar")).to_be_visible(timeout=READY)
    first = engine().g.questions[engine().g.start]
    option = first.option("ocorrencia")
    page.get_by_role("radio", name=option.label, exact=True).check()
    page.get_by_role("button", name="Próxima").click()
    expect(page).to_have_url(re.compile(r"tabela-de-decisao/\?pergunta=q-situacao&resposta=ocorrencia"))
    row = page.locator(f"tr[data-key='{first.id}.{option.id}']")
    expect(row).to_be_visible()
    expect(page.locator(f"tr[data-key='{first.id}.duvida']")).to_be_hidden()
    expect(page.locator("#q-atualizacoes")).to_be_visible()
    expect(page.locator("#q-publico-telefonica")).to_be_visible()  # the outdated environment without a patch
    expect(page.locator("#out-sp-duvida")).to_be_hidden()


def test_fallback_when_loading_takes_too_long(tolerant: BrowserContext) -> None:
    tolerant.add_init_script("window.__decisionTreeTimeoutMs = 2000")
    held = []
    page = tolerant.new_page()
    page.route("**/assets/pyodide/*/pyodide.asm.wasm", lambda route: held.append(route))  # never answered
    page.goto("assistente/")
    expect_fallback(page, "passou de 2 segundos")


def test_ticking_a_mark_keeps_the_analyst_where_they_are(page: Page) -> None:
    state = state_of(*MODULO)
    page.goto("assistente/#" + engine().encode(engine().mark(state, "aprovacao-maestro", True)))
    expect(page.locator("[data-role=outcome-title]")).to_be_focused(timeout=READY)
    termo = page.get_by_label("Termo enviado")
    termo.focus()
    page.keyboard.press("Space")  # as a keyboard user ticks it
    expect(termo).to_be_checked()
    expect(page.get_by_label("Aceite recebido")).to_be_enabled()  # the engine answered and the step was rebuilt
    expect(termo).to_be_focused()  # not sent back to "Resultado: …"
    expect(termo).to_be_in_viewport()
    page.keyboard.press("Tab")  # the next control after the box, not the heading's link
    assert page.evaluate("document.activeElement.closest('[data-role=outcome-title]') === null")
