"""Bad input never loses data: bad calculator values and bad or stale links.

Each bad value or link must give a message (the engine's own, beside the field
or in the notice), raise no uncaught error, and keep the last valid state: the
last valid estimate stays on screen and the wizard keeps the answers given.
The messages expected are asked of the engine in CPython.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from conftest import assert_clean, watched_page
from engine_helpers import all_paths, bundle, engine
from playwright.sync_api import Page, expect

from decision_tree.cli.quote import brl
from decision_tree.core import api
from decision_tree.core.engine import State

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("bad_input_browser")]
READY = 60_000
E = engine()
G = E.g
FP = G.fingerprint
TAXES = {f"tax{i}": format((t.rate * 100).normalize(), "f").replace(".", ",") for i, t in enumerate(G.billing.taxes)}


def nbsp(text: str) -> str:
    return text.replace(" ", "\u00a0")


# -- the calculator ------------------------------------------------------------------------------


def quote_request(**fields: str) -> dict[str, Any]:
    """The request the calculator sends for the baseline with some fields changed."""
    values = {"mode": "consultoria-modulo", "audience": "cliente-final", "minutes": "10", "rate": "3,00", **TAXES, **fields}
    taxes = [{"name": t.name, "percent": values[f"tax{i}"]} for i, t in enumerate(G.billing.taxes)]
    return {"op": "quote", "mode": values["mode"], "audience": values["audience"], "minutes": values["minutes"],
            "rate": values["rate"], "waived": False, "taxes": taxes}


def engine_answer(req: dict[str, Any]) -> dict[str, Any]:
    api.init(bundle())
    return api.handle_dict(req)


def baseline(page: Page, minutes: int) -> str:
    """Put the calculator in a valid state (through its link) and return the total it shows."""
    fields = {"mode": "consultoria-modulo", "audience": "cliente-final", "minutes": minutes, "rate": "3,00", **TAXES}
    params = urllib.parse.urlencode(fields)
    page.evaluate("h => { location.hash = h }", params)
    answer = engine_answer(quote_request(minutes=str(minutes)))
    total = nbsp(brl(answer["quote"]["total"]))
    expect(page.locator("[data-role=total]")).to_have_text(total)
    expect(page.locator("[data-role=quote-note]")).to_have_text("")
    return total


@pytest.fixture(scope="module")
def calc(browser, site_url: str) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    with watched_page(browser, site_url) as page:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
        page.goto("calculadora/")
        expect(page.locator("[data-role=total]")).to_be_visible(timeout=READY)
        yield page


HUGE = "9" * 40
BAD_VALUES = [
    ("minutes", "-5"), ("minutes", "-0,5"), ("minutes", ""), ("minutes", "   "), ("minutes", "abc"), ("minutes", "dez"),
    ("minutes", "1.234,5,6"), ("minutes", "1e309"), ("minutes", "NaN"), ("minutes", "Infinity"), ("minutes", "0"),
    ("minutes", "100001"), ("minutes", HUGE), ("minutes", "12,345"), ("minutes", "1,2.3"), ("minutes", ",5"),
    ("minutes", "R$ 10"), ("minutes", "0x10"),
    ("rate", "-3,00"), ("rate", "três"), ("rate", "1e309"), ("rate", "3,12345"), ("rate", "99999"), ("rate", "9" * 30),
    ("tax0", "150"), ("tax0", "-1"), ("tax0", "abc"), ("tax0", "5,123456"),
]
assert len(BAD_VALUES) >= 20


@pytest.mark.parametrize(("field", "value"), BAD_VALUES, ids=[f"{f}={v[:12]!r}" for f, v in BAD_VALUES])
def test_a_bad_value_is_explained_beside_its_field_and_the_last_estimate_stays(calc: Page, field: str, value: str) -> None:
    minutes = 10 + BAD_VALUES.index((field, value))  # a different last estimate each time
    total = baseline(calc, minutes)
    answer = engine_answer(quote_request(**{"minutes": str(minutes), field: value}))
    assert not answer["ok"] and field in answer["errors"], answer
    entry = calc.locator(f"#dt-{field}")
    entry.fill(value)
    expect(calc.locator(f"#dt-{field}-error")).to_have_text(answer["errors"][field])
    expect(entry).to_have_attribute("aria-invalid", "true")
    expect(entry).to_have_value(value)  # what was typed stays, to be corrected
    expect(calc.locator("[data-role=quote-note]")).to_contain_text("último cálculo válido")
    expect(calc.locator("[data-role=total]")).to_have_text(total)
    assert_clean(calc)


def test_an_estimate_is_copied_only_while_the_fields_give_it(calc: Page) -> None:
    """A stale estimate next to a wrong field was copied as if it were the fields' (found by a walk-through)."""
    total = baseline(calc, 37)
    copy = calc.get_by_role("button", name="Copiar estimativa")
    calc.locator("#dt-minutes").fill("trinta")
    expect(calc.locator("#dt-minutes-error")).to_be_visible()
    expect(copy).to_be_disabled()
    calc.locator("#dt-minutes").fill("37")
    expect(copy).to_be_enabled()
    copy.click()
    copied = calc.evaluate("navigator.clipboard.readText()")
    assert f"Total: {total}" in copied and "Minutos trabalhados: 37" in copied
    assert "minutes=37" in copied.rsplit("Simulação: ", 1)[1]  # its link gives that estimate back
    assert_clean(calc)


# (link, where the message shows: "notice" or the field, what it says or the value the field gets)
BAD_CALCULATOR_LINKS = [
    ("mode=bogus", "notice", "Modalidade: “bogus” não existe"),
    ("audience=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "notice", "Quem solicita: “<script>alert(1)</script>” não existe"),
    ("tax9=5", "notice", "Ignorado, por não fazer parte desta calculadora: “tax9”"),
    (f"{FP}-01", "notice", f"“{FP}-01”"),  # a wizard code pasted on the calculator
    ("%", "notice", "“%”"),
    ("minutes=-5", "minutes", "-5"),
    ("minutes=%25", "minutes", "%"),
    ("minutes=%E0%A4%A", "minutes", "\ufffd%A"),
    ("rate=NaN", "rate", "NaN"),
    ("tax0=1e309", "tax0", "1e309"),
]


@pytest.mark.parametrize(("link", "where", "text"), BAD_CALCULATOR_LINKS, ids=[link[:20] for link, _, _ in BAD_CALCULATOR_LINKS])
def test_a_bad_calculator_link_says_why(calc: Page, link: str, where: str, text: str) -> None:
    total = baseline(calc, 20)
    calc.evaluate("h => { location.hash = h }", link)
    if where == "notice":
        expect(calc.locator("[data-role=notice]")).to_contain_text("Parte do endereço não foi aplicada")
        expect(calc.locator("[data-role=notice]")).to_contain_text(text)
        expect(calc.locator("#dt-mode")).to_have_value("consultoria-modulo")
        expect(calc.locator("#dt-audience")).to_have_value("cliente-final")
        # What the link does not name takes the reference values: the estimate this link gives in a fresh tab
        # (issue 21, item 5: a copied estimate agrees with its own link).
        fresh = calc.context.new_page()
        try:
            fresh.goto(f"calculadora/#{link}")
            expect(fresh.locator("[data-role=total]")).to_be_visible(timeout=READY)
            total = fresh.locator("[data-role=total]").inner_text()
        finally:
            fresh.close()
    else:
        want = engine_answer(quote_request(**{"minutes": "20", where: text}))["errors"][where]
        expect(calc.locator(f"#dt-{where}")).to_have_value(text)
        expect(calc.locator(f"#dt-{where}-error")).to_have_text(want)
        expect(calc.locator("[data-role=quote-note]")).to_contain_text("último cálculo válido")
    expect(calc.locator("[data-role=total]")).to_have_text(total)
    calc.locator("#dt-minutes").fill("21")  # the next edit clears the notice
    expect(calc.locator("[data-role=notice]")).to_be_hidden()
    assert_clean(calc)


def test_a_bad_link_opened_fresh_shows_the_form_and_says_why(calc: Page) -> None:
    calc.goto("about:blank")
    calc.goto("calculadora/#mode=extinta&minutes=abc")
    expect(calc.locator("[data-role=notice]")).to_contain_text("Modalidade: “extinta” não existe")
    want = engine_answer(quote_request(minutes="abc"))["errors"]["minutes"]
    expect(calc.locator("#dt-minutes-error")).to_have_text(want, timeout=READY)
    expect(calc.locator("#dt-minutes")).to_have_value("abc")
    expect(calc.locator("[data-role=quote-note]")).to_have_text("Corrija os campos indicados para ver a estimativa.")
    calc.locator("#dt-minutes").fill("12")
    expect(calc.locator("[data-role=minutes-billed]")).to_have_text("12")
    assert_clean(calc)


# -- the wizard ----------------------------------------------------------------------------------

FULL = max(all_paths(E), key=lambda s: len(s.answers))
MID = State(FULL.answers[:2])


def js_decoded(fragment: str) -> str:
    """What the wizard hands the engine: the hash %-decoded, or as it is when that fails."""
    try:
        return urllib.parse.unquote(fragment, errors="strict")
    except UnicodeDecodeError:
        return fragment


BAD_WIZARD_LINKS = [
    "000000-01",  # another version of the guidelines
    f"{FP.upper() if FP.upper() != FP else FP[::-1] + 'x'}-01",  # not this version's fingerprint
    f"{FP}-9",  # an answer the first question does not have
    f"{E.encode(FULL)}0",  # one answer past the outcome
    f"{FP}-{'0' * 60}",
    f"{FP}-ZZ",
    f"{FP}-0-1",
    f"{FP}",
    "-01",
    "%",
    "%E0%A4%A",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "x" * 3000,
]
assert len(BAD_WIZARD_LINKS) >= 10


@pytest.fixture(scope="module")
def wizard(browser, site_url: str) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    with watched_page(browser, site_url) as page:
        page.goto("assistente/")
        page.wait_for_selector("[data-app=wizard][data-engine=ready]", timeout=READY)
        yield page


def at_mid(page: Page) -> None:
    page.evaluate("h => { location.hash = h }", E.encode(MID))
    expect(page.locator("[data-role=history-list] > li")).to_have_count(len(MID.answers))
    expect(page.locator("[data-role=question-text]")).to_have_text(E.walk(MID).node.question)  # type: ignore[union-attr]


@pytest.mark.parametrize("link", BAD_WIZARD_LINKS, ids=[link[:16] for link in BAD_WIZARD_LINKS])
def test_a_bad_wizard_link_keeps_the_answers_and_says_why(wizard: Page, link: str) -> None:
    at_mid(wizard)
    assert engine_answer({"op": "view", "state": js_decoded(link)})["error"]  # the engine refuses it (or part of it)
    wizard.evaluate("h => { location.hash = h }", link)
    notice = wizard.locator("[data-role=notice]")
    expect(notice).to_contain_text("as respostas atuais foram mantidas")
    expect(wizard).to_have_url(re.compile(f"#{re.escape(E.encode(MID))}$"))
    expect(wizard.locator("[data-role=history-list] > li")).to_have_count(len(MID.answers))
    expect(wizard.locator("[data-role=question-text]")).to_have_text(E.walk(MID).node.question)  # type: ignore[union-attr]
    assert_clean(wizard)
    # and the wizard goes on from there
    option = E.walk(MID).node.options[0]  # type: ignore[union-attr]
    wizard.get_by_role("radio", name=option.label, exact=True).check()
    wizard.get_by_role("button", name="Próxima").click()
    expect(wizard.locator("[data-role=history-list] > li")).to_have_count(len(MID.answers) + 1)
    expect(notice).to_be_hidden()


def test_a_bad_wizard_link_opened_fresh_starts_over_with_a_message(wizard: Page) -> None:
    link = "%"  # once made the page throw: decodeURIComponent('%')
    wizard.goto("about:blank")
    wizard.goto(f"assistente/#{link}")
    error = engine_answer({"op": "view", "state": js_decoded(link)})["error"]
    expect(wizard.locator("[data-role=notice]")).to_have_text(error, timeout=READY)
    expect(wizard.locator("[data-role=question-text]")).to_have_text(G.questions[G.start].question)
    expect(wizard).to_have_url(re.compile(f"#{re.escape(E.encode(State()))}$"))
    assert_clean(wizard)


def test_values_in_the_engines_own_terms() -> None:
    """The baseline the tests start from is a valid quote, and its total is the CLI's."""
    answer = engine_answer(quote_request(minutes="10"))
    assert answer["ok"] and Decimal(answer["quote"]["total"]) == Decimal("32.60")
