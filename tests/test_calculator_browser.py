"""The cost calculator in Chromium: every billing rule, read from the page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from engine_helpers import ROOT, bundle
from playwright.sync_api import Browser, Page, expect

from decision_tree.cli.quote import brl as _brl

pytestmark = pytest.mark.browser
READY = 60_000


def cli_quote(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "decision_tree", "quote", *args, "--json"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def brl(value: str) -> str:
    return _brl(Decimal(value))


def money(text: str) -> str:
    """What a person reads: the browser puts a no-break space after R$."""
    return text.replace("\u00a0", " ")


def open_calculator(page: Page, hash_: str = "") -> None:
    page.goto("calculadora/" + (f"#{hash_}" if hash_ else ""))
    expect(page.locator("[data-role=total]")).to_be_visible(timeout=READY)


def shown(page: Page, role: str) -> str:
    return money(page.locator(f"[data-role={role}]").inner_text())


def rules(page: Page) -> list[str]:
    return page.locator("[data-role=rules] li").all_inner_texts()


def expect_shown(page: Page, role: str, text: str) -> None:
    expect(page.locator(f"[data-role={role}]")).to_have_text(text.replace(" ", "\u00a0") if text.startswith("R$") else text)


def test_reference_values_are_prefilled_and_the_minimum_applies(page: Page) -> None:
    b = bundle()["billing"]
    open_calculator(page)
    expect(page.locator("#dt-mode")).to_have_value("consultoria-modulo")
    expect(page.locator("#dt-rate")).to_have_value(b["rate_per_minute"]["value"].replace(".", ","))
    expect(page.locator("#dt-tax0")).to_have_value("5")
    page.locator("#dt-minutes").fill("7")
    expect_shown(page, "minutes-billed", "10")
    expect_shown(page, "minutes-worked", "7")
    expect(page.locator("[data-rule=minimo]")).to_have_text("Mínimo de 10 minutos aplicado.")
    # 10 min x R$ 3,00 = R$ 30,00; ISS 1,50 + PIS 0,195 -> 0,20 + COFINS 0,90: each line rounded, the total their sum
    expect_shown(page, "subtotal", "R$ 30,00")
    expect(page.locator("[data-tax=ISS]")).to_have_text("R$\u00a01,50")
    expect_shown(page, "total", "R$ 32,60")
    expect_shown(page, "payer", "Cliente")
    expect_shown(page, "client-pays", "R$ 32,60")


def test_started_minutes_round_up_and_thousands_use_pt_br(page: Page) -> None:
    open_calculator(page)
    page.locator("#dt-minutes").fill("12,2")
    page.locator("#dt-rate").fill("1.234,56")
    expect_shown(page, "minutes-worked", "12,2")
    expect_shown(page, "minutes-billed", "13")
    expect(page.locator("[data-rule=arredondamento]")).to_contain_text("Minutos iniciados são cobrados como minutos inteiros.")
    expect(page.locator("[data-rule=arredondamento] .kb-local")).to_contain_text("Não consta na diretriz")
    expect(page.locator("[data-rule=minimo]")).to_have_count(0)
    expect_shown(page, "rate", "R$ 1.234,56")
    expect_shown(page, "subtotal", "R$ 16.049,28")


def test_waiver_only_where_it_applies(page: Page) -> None:
    open_calculator(page)
    waiver = page.get_by_label("Custo abonado")
    expect(waiver).to_be_visible()
    page.locator("#dt-minutes").fill("20")
    expect_shown(page, "total", "R$ 65,19")  # 60,00 + 8,65%
    waiver.check()
    expect_shown(page, "total", "R$ 0,00")
    expect_shown(page, "waived-amount", "R$ 65,19")
    expect(page.locator("[data-rule=abono]")).to_contain_text("abonado")
    expect_shown(page, "client-pays", "R$ 0,00")
    expect_shown(page, "payer", "Ninguém (custo abonado)")  # #15: it said "Cliente" next to a total of R$ 0,00

    page.locator("#dt-mode").select_option("consultoria-telefonica")
    expect(waiver).to_be_hidden()
    expect(page.locator("[data-role=waived-amount]")).to_have_count(0)
    expect_shown(page, "total", brl(cli_quote("--mode", "consultoria-telefonica", "--minutes", "20")["total"]))


def test_telefonica_is_always_billed_without_a_minimum(page: Page) -> None:
    open_calculator(page, "mode=consultoria-telefonica&minutes=3")
    expect(page.get_by_label("Custo abonado")).to_be_hidden()
    expect_shown(page, "minutes-billed", "3")
    expect(page.locator("[data-rule=sem-abono]")).to_contain_text("100% tarifado")
    for rule in ("por-minuto", "sem-minimo", "sem-impostos"):  # what the guideline does not say about the Telefônica
        expect(page.locator(f"[data-rule={rule}] .kb-local")).to_contain_text("Não consta na diretriz")
    expect(page.locator("[data-rule=minimo]")).to_have_count(0)
    expected = cli_quote("--mode", "consultoria-telefonica", "--minutes", "3")
    expect_shown(page, "subtotal", "R$ 9,00")
    expect_shown(page, "total", brl(expected["total"]))
    if not bundle()["billing"]["modes"]["consultoria-telefonica"]["taxes"]["value"]:
        expect(page.locator("fieldset.dt-taxes")).to_be_hidden()


def test_the_payer_follows_the_audience(page: Page) -> None:
    open_calculator(page, "minutes=10")
    for audience, payer in (("totvs", "Unidade/Franquia"), ("ams", "Unidade/Franquia"), ("cliente-final", "Cliente")):
        page.locator("#dt-audience").select_option(audience)
        expect_shown(page, "payer", payer)
        if payer == "Cliente":
            expect_shown(page, "client-pays", "R$ 32,60")
            expect(page.locator("[data-rule=repasse]")).to_have_count(0)
        else:
            expect_shown(page, "client-pays", "R$ 0,00")
            expect(page.locator("[data-rule=repasse]")).to_contain_text("não devendo gerar qualquer cobrança contra o cliente")
        expect_shown(page, "total", "R$ 32,60")
    hint = page.locator("#dt-audience-hint")
    page.locator("#dt-audience").select_option("totvs")
    expect(page.locator("#dt-audience option:checked")).to_have_text("Consultor TOTVS")  # fits a phone
    expect(hint).to_have_text("Consultor TOTVS (Unidade Franqueada / Projeto / Consultoria Homologada)")


def test_bad_values_are_explained_beside_the_field_and_the_last_result_stays(page: Page) -> None:
    open_calculator(page, "minutes=10")
    expect_shown(page, "total", "R$ 32,60")
    minutes = page.locator("#dt-minutes")
    minutes.fill("dez")
    expect(minutes).to_have_attribute("aria-invalid", "true")
    error = page.locator("#dt-minutes-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("“dez” não foi aceito")
    assert "dt-minutes-error" in (minutes.get_attribute("aria-describedby") or "").split()
    expect_shown(page, "total", "R$ 32,60")  # the last valid result
    expect(page.locator("[data-role=quote-note]")).to_contain_text("último cálculo válido")

    tax = page.locator("#dt-tax1")
    tax.fill("150")
    expect(tax).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#dt-tax1-error")).to_contain_text("entre 0% e 100%")

    minutes.fill("11")
    tax.fill("0,65")
    expect(minutes).not_to_have_attribute("aria-invalid", "true")
    expect(error).to_be_hidden()
    expect_shown(page, "minutes-billed", "11")


@pytest.mark.parametrize(
    ("field", "typed", "shown_as", "role"),
    [
        ("#dt-rate", "R$ 2,00", "R$ 2,00", "rate"),  # the currency sign, as people type it
        ("#dt-rate", "R$2", "R$ 2,00", "rate"),
        ("#dt-minutes", "1.234", "1.234", "minutes-worked"),  # a valid thousands grouping
    ],
)
def test_numbers_typed_as_brazilians_do_are_accepted(page: Page, field: str, typed: str, shown_as: str, role: str) -> None:
    open_calculator(page)
    page.locator(field).fill(typed)
    expect(page.locator(field)).not_to_have_attribute("aria-invalid", "true")
    expect_shown(page, role, shown_as)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("#dt-minutes", "12 5", "há um espaço no meio do número"),  # was billed as 125 minutes
        ("#dt-rate", "1.5", "o ponto só separa milhares"),  # was read as R$ 1,50
    ],
)
def test_an_ambiguous_number_is_refused_showing_how_it_was_read(page: Page, field: str, typed: str, message: str) -> None:
    open_calculator(page)
    page.locator(field).fill(typed)
    expect(page.locator(field)).to_have_attribute("aria-invalid", "true")
    error = page.locator(field + "-error")
    expect(error).to_contain_text(f"“{typed}” não foi aceito")
    expect(error).to_contain_text(message)


def test_state_in_the_hash_reload_shared_link_and_copy(page: Page, browser: Browser, site_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    open_calculator(page)
    page.locator("#dt-audience").select_option("ams")
    page.locator("#dt-minutes").fill("15,5")
    page.locator("#dt-rate").fill("2,50")
    expect_shown(page, "minutes-billed", "16")
    expect_shown(page, "rate", "R$ 2,50")  # the last edit's answer is on the page before reading the total
    assert "minutes=15%2C5" in page.url and "audience=ams" in page.url
    total = shown(page, "total")

    page.reload()
    expect(page.locator("#dt-minutes")).to_have_value("15,5")
    expect(page.locator("[data-role=minutes-billed]")).to_have_text("16", timeout=READY)
    assert shown(page, "total") == total

    context = browser.new_context(locale="pt-BR")
    try:
        other = context.new_page()
        other.goto(page.url)
        expect(other.locator("[data-role=total]")).to_have_text(total.replace(" ", "\u00a0"), timeout=READY)
        expect(other.locator("#dt-audience")).to_have_value("ams")
    finally:
        context.close()

    page.get_by_role("button", name="Copiar estimativa").click()
    copied = money(page.evaluate("navigator.clipboard.readText()"))
    assert f"Total: {total}" in copied
    assert "Minutos cobrados: 16" in copied
    assert "Quem paga: Unidade/Franquia" in copied
    assert "(não consta na diretriz)" in copied  # the reference values are labelled in the copied text too
    assert page.url in copied

    page.locator("#dt-minutes").fill("dez")  # right after copying: the stale estimate must not look copied
    expect(page.get_by_role("button", name="Copiar estimativa")).to_be_disabled()
    expect(page.locator("[data-role=live]")).not_to_have_text(re.compile("Copiado"))


def test_the_pages_quote_equals_the_cli(page: Page) -> None:
    open_calculator(page, "mode=consultoria-modulo&audience=cliente-final&minutes=23,4&rate=3,10")
    expected = cli_quote("--mode", "consultoria-modulo", "--minutes", "23,4", "--rate", "3,10")
    expect_shown(page, "minutes-billed", expected["minutes_billed"])
    expect_shown(page, "subtotal", brl(expected["subtotal"]))
    expect_shown(page, "total", brl(expected["total"]))
    for tax in expected["taxes"]:
        expect(page.locator(f"[data-tax={tax['name']}]")).to_have_text(brl(tax["amount"]).replace(" ", "\u00a0"))
