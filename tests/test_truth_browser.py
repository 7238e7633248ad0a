"""Issue 20 ("Truth, round 3") on the built site, in Chromium: what an analyst reads and clicks.

The paths come from the personas and the engine, but each test clicks the labels
a person reads and checks what the page shows (and what the DOM holds).
"""

from __future__ import annotations

import pytest
from engine_helpers import bundle, engine
from personas import PERSONAS
from playwright.sync_api import Page, expect

from decision_tree.core.engine import State

pytestmark = pytest.mark.browser
READY = 60_000
PASS_THROUGH = "não devendo gerar qualquer cobrança contra o cliente"
LOCAL = "Não consta na diretriz"


def persona(name: str):  # type: ignore[no-untyped-def]
    return next(p for p in PERSONAS if p.name == name)


def click_through(page: Page, answers: tuple[tuple[str, str], ...]) -> State:
    """Answer as the persona does, by the label it reads; returns the state reached."""
    e = engine()
    state = e.start()
    page.goto("assistente/")
    for n, (question, option) in enumerate(answers, start=1):
        node = e.walk(state).node
        assert node.id == question
        expect(page.locator("[data-role=question-text]")).to_have_text(node.question, timeout=READY)
        page.get_by_role("radio", name=node.option(option).label, exact=True).check()
        page.get_by_role("button", name="Próxima").click()
        expect(page.locator("[data-role=history-list] > li")).to_have_count(n, timeout=READY)
        state = e.answer(state, option)
    expect(page.locator("[data-role=outcome-title]")).to_be_visible(timeout=READY)
    return state


def mode_title(mode: str) -> str:
    return next(m["title"] for m in bundle()["modes"] if m["id"] == mode)


def test_an_outdated_environment_that_can_be_updated_shows_what_was_found(page: Page) -> None:
    """Item 1: the outcome and the note said the check was pending right after it was done."""
    p = persona("ambiente-desatualizado-atualizavel")
    state = click_through(page, p.answers)
    r = engine().recommend(state)
    outcome = page.locator("[data-role=outcome]")
    expect(outcome.locator("[data-role=finding]")).to_contain_text("Verificação feita")
    expect(outcome.locator("[data-role=finding]")).to_contain_text(r["finding"]["text"])
    expect(outcome.locator("[data-role=pending]")).to_have_count(0)
    note = page.locator("[data-role=ticket-note]").inner_text()
    assert note == r["ticket_note"] and "pendente" not in note.casefold()
    assert "Orientar o cliente a atualizar" in note


@pytest.mark.parametrize("name", ["cliente-quer-mapear-registros", "cliente-erro-com-registro-gravado"])
def test_saved_records_lead_where_what_the_client_wants_says(page: Page, name: str) -> None:
    """Item 3: by the labels alone, a mapping goes to the Telefônica and an error on a saved record to the Módulo."""
    p = persona(name)
    click_through(page, p.answers)
    expect(page.locator("[data-role=outcome-title]")).to_have_text(f"Resultado: {mode_title(p.mode)}")
    shown = page.locator("[data-role=criteria] a").all_inner_texts()
    assert [engine().g.criteria[c].title for c in p.criteria] == shown
    expect(page.locator(f"[data-macro='{p.macro}']")).to_have_count(1)


@pytest.mark.parametrize("answers", [("ocorrencia", "sim", "sim", "nao-reproduz", "cliente-final"), ("emergencia", "cliente-final")],
                         ids=["modulo", "telefonica"])
def test_a_cliente_final_never_reads_the_consultants_pass_through_rule(page: Page, answers: tuple[str, ...]) -> None:
    """Item 2: "…não devendo gerar qualquer cobrança contra o cliente" sat above "Quem paga: Cliente"."""
    e = engine()
    state = e.start()
    for a in answers:
        state = e.answer(state, a)
    state = State(state.answers, (1 << len(e.marks_of(e.walk(state)))) - 1)  # everything marked: every macro body is there
    page.goto("assistente/#" + e.encode(state))
    expect(page.locator("[data-role=outcome-title]")).to_be_visible(timeout=READY)
    expect(page.locator("[data-role=payer]")).to_have_text("Cliente")
    consultants = e.g.billing.modes[e.recommend(state)["mode"]].payers
    assert consultants is not None
    html = page.content()
    assert PASS_THROUGH not in html and consultants.text not in html
    billing = page.locator("[data-role=billing]").inner_text()
    assert e.g.billing.modes[e.recommend(state)["mode"]].payer_otherwise.text in billing  # type: ignore[union-attr]
    payer_line = page.locator("p", has=page.locator("[data-role=payer]"))
    expect(payer_line).to_contain_text(LOCAL)  # "Quem paga: Cliente" is a reading


def test_a_consultant_reads_the_pass_through_rule(page: Page) -> None:
    e = engine()
    state = e.start()
    for a in ("ocorrencia", "sim", "sim", "nao-reproduz", "ams"):
        state = e.answer(state, a)
    page.goto("assistente/#" + e.encode(state))
    expect(page.locator("[data-role=billing]")).to_contain_text(PASS_THROUGH, timeout=READY)
    expect(page.locator("[data-role=payer]")).to_have_text("Unidade/Franquia")


def test_before_the_approval_the_termo_is_named_and_not_in_the_page(page: Page) -> None:
    """Item 4: "Ver o texto da macro" showed the whole Termo before "Aprovação obtida"; the note named it."""
    e = engine()
    state = e.start()
    for a in ("ocorrencia", "sim", "sim", "nao-reproduz", "cliente-final"):
        state = e.answer(state, a)
    approved = e.recommend(e.mark(state, "aprovacao-maestro", True))
    termo = next(m for s in approved["steps"] for m in s["macros"] if m["kind"] == "termo")
    body_lines = [line for line in termo["plain"].splitlines() if len(line) > 40]
    assert body_lines
    page.goto("assistente/#" + e.encode(state))
    macro = page.locator(f"[data-macro='{termo['id']}']")
    expect(macro.locator("h4")).to_have_text(termo["title"], timeout=READY)  # the Termo that will apply is named
    expect(macro.locator("[data-role=macro-waiting]")).to_contain_text("“Aprovação obtida”")
    expect(macro.locator(".dt-macro-body")).to_have_count(0)
    expect(page.get_by_text("Ver o texto da macro")).to_have_count(0)
    html = page.content()
    assert not any(line in html for line in body_lines)  # not even hidden
    note = page.locator("[data-role=ticket-note]").inner_text()
    assert "Aguardando aprovação" in note and "Macro:" not in note and termo["title"] not in note

    page.get_by_label("Aprovação obtida").check()
    expect(macro.locator(".dt-macro-body")).to_have_count(1)
    expect(page.locator("[data-role=ticket-note]")).to_contain_text(f"Macro: {termo['title']}")
    page.get_by_text("Ver o texto da macro").click()
    expect(macro.locator(".dt-macro-body")).to_contain_text(body_lines[0][:40])


def test_a_help_that_is_a_reading_is_labelled_in_the_wizard(page: Page) -> None:
    """Item 10: "Se mais de uma … escolha a primeira da lista" is a reading that can change the mode."""
    page.goto("assistente/")
    help_ = page.locator("[data-role=help]")
    expect(help_).to_contain_text("primeira da lista")
    expect(help_.locator(".kb-local")).to_contain_text(LOCAL)  # the static first question
    page.wait_for_selector("[data-app=wizard][data-engine=ready]", timeout=READY)
    e = engine()
    simulation = e.g.questions["q-simulacao"]
    state = e.start()
    for a in ("ocorrencia", "sim", "sim"):
        state = e.answer(state, a)
    page.goto("assistente/#" + e.encode(state))
    expect(page.locator("[data-role=question-text]")).to_have_text(simulation.question, timeout=READY)
    expect(help_).to_contain_text("Valem a simulação")
    expect(help_.locator(".kb-local")).to_contain_text(LOCAL)


def test_the_calculator_labels_the_reference_rate_and_the_payer_on_the_result_and_the_copy(page: Page, site_url: str) -> None:
    """Item 6: "Valor por minuto" and "Quem paga" carried no label although the guideline gives neither."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page.goto("calculadora/#mode=consultoria-modulo&audience=cliente-final&minutes=12")
    expect(page.locator("[data-role=total]")).to_be_visible(timeout=READY)
    rate_row = page.locator("dt", has_text="Valor por minuto").locator("xpath=following-sibling::dd[1]")
    payer_row = page.locator("dt", has_text="Quem paga").locator("xpath=following-sibling::dd[1]")
    expect(rate_row.locator(".kb-local")).to_contain_text(LOCAL)
    expect(payer_row.locator(".kb-local")).to_contain_text(LOCAL)
    expect(page.locator("[data-role=payer]")).to_have_text("Cliente")
    rules = page.locator("[data-role=rules]").inner_text()
    for tax in bundle()["billing"]["taxes"]["items"]:  # the tax names are named only beside a label
        line = next(li for li in rules.splitlines() if tax["name"] in li)
        assert LOCAL in line, line
    page.get_by_role("button", name="Copiar estimativa").click()
    copied = page.evaluate("navigator.clipboard.readText()").replace("\u00a0", " ")
    assert "Valor por minuto: R$ 3,00 (não consta na diretriz)" in copied
    assert "Quem paga: Cliente (não consta na diretriz)" in copied

    page.locator("#dt-rate").fill("2,75")  # the Termo's rate, typed: no longer a reference value
    expect(page.locator("[data-role=rate]")).to_have_text("R$\u00a02,75")
    expect(rate_row.locator(".kb-local")).to_have_count(0)
    page.locator("#dt-audience").select_option("totvs")
    expect(page.locator("[data-role=payer]")).to_have_text("Unidade/Franquia")
    expect(payer_row.locator(".kb-local")).to_have_count(0)  # the guideline's own words for consultants


# -- the fresh-eyes walk of issue 20 (walk-report.md) ---------------------------------------------

def test_a_one_off_question_about_a_never_implanted_feature_stays_in_suporte_padrao(page: Page) -> None:
    """Walk finding 1: following "escolha a primeira da lista", the Telefônica option (listed first) caught a one-off
    question about a feature never implanted. Its label now asks for atendimento; the dúvida label covers the question."""
    p = persona("duvida-sobre-funcionalidade-nunca-implantada")
    page.goto("assistente/")
    first = page.locator("[data-role=options]")
    expect(first).to_contain_text("pede atendimento (não só uma orientação)", timeout=READY)
    expect(first).to_contain_text("inclusive sobre uma funcionalidade nunca implantada")
    click_through(page, p.answers)
    expect(page.locator("[data-role=outcome-title]")).to_have_text(f"Resultado: {mode_title(p.mode)}")


def test_the_telefonica_requester_question_is_a_labelled_reading(page: Page) -> None:
    """Walk finding 2: "Define o Termo de Aceite a aplicar e quem paga a Consultoria Telefônica." had no label."""
    e = engine()
    page.goto("assistente/#" + e.encode(e.answer(e.start(), "emergencia")))
    help_ = page.locator("[data-role=help]")
    expect(help_).to_contain_text("um só Termo de Aceite", timeout=READY)
    expect(help_).not_to_contain_text("Define o Termo")
    expect(help_.locator(".kb-local")).to_contain_text(LOCAL)


def test_a_missing_confirmation_is_named_in_the_note_and_the_next_step_is_labelled(page: Page) -> None:
    """Walk finding 5: the note blamed the simulation alone, and the next step had no label."""
    p = persona("consultor-sem-ambiente-local")
    state = click_through(page, p.answers)
    note = page.locator("[data-role=ticket-note]").inner_text()
    assert note == engine().recommend(state)["ticket_note"]
    assert "itens da documentação" in note and "procedimentos indicados pelo Suporte" in note
    next_steps = page.locator("[data-role=outcome]").get_by_text("Se a ocorrência se repetir no ambiente padrão atualizado")
    expect(next_steps.locator("xpath=..").locator(".kb-local")).to_contain_text(LOCAL)


def test_the_maestros_analysis_comes_before_the_approval(page: Page) -> None:
    """Walk finding 7: "Análise do Maestro feita — Disponível depois de: marcar “Aprovação obtida”"."""
    e = engine()
    state = e.start()
    for a in ("ocorrencia", "sim", "sim", "intermitente", "ams"):
        state = e.answer(state, a)
    page.goto("assistente/#" + e.encode(state))
    expect(page.get_by_label("Análise do Maestro feita")).to_be_enabled(timeout=READY)
    expect(page.get_by_label("Aprovação obtida")).to_be_disabled()
    page.get_by_label("Análise do Maestro feita").check()
    expect(page.get_by_label("Aprovação obtida")).to_be_enabled(timeout=READY)


def test_after_a_consultants_local_simulation_only_consultants_are_offered(page: Page) -> None:
    """Walk finding 4: "Consultor não simula no ambiente local" could end with "Cliente final" and bill the client."""
    e = engine()
    state = e.start()
    for a in ("ocorrencia", "sim", "sim", "consultor-nao-simula"):
        state = e.answer(state, a)
    page.goto("assistente/#" + e.encode(state))
    expect(page.locator("[data-role=question-text]")).to_have_text("Quem é o solicitante do ticket?", timeout=READY)
    options = page.locator("[data-role=options]")
    expect(options.get_by_role("radio")).to_have_count(2)
    expect(options.get_by_role("radio", name="Cliente final", exact=True)).to_have_count(0)
    expect(page.locator("[data-role=help] .kb-local")).to_contain_text(LOCAL)


def test_the_wizard_writes_a_colon_and_lower_case_after_a_label(page: Page) -> None:
    """Walk finding 14: "Atenção." in the wizard against "Atenção:" on the pages, and a capital after it."""
    e = engine()
    page.goto("assistente/#" + e.encode(e.answer(e.answer(e.start(), "ocorrencia"), "nao-verificado")))
    pending = page.locator("[data-role=pending]")
    expect(pending).to_contain_text("Atenção: a diretriz manda", timeout=READY)
    expect(pending).to_contain_text("O que fazer: verificar as atualizações")
