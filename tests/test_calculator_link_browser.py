"""The copied estimate agrees with its own link, even when the link is opened in a tab already on the calculator
(issue 21, item 5): the fields a link does not name go back to the reference values, as in a fresh tab."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from test_calculator_browser import READY, money, open_calculator, shown

pytestmark = pytest.mark.browser
LINK = "mode=consultoria-modulo&minutes=12"  # names the mode and the minutes only


def test_a_link_opened_in_a_calculator_tab_resets_what_it_does_not_name(page: Page, browser: Browser, site_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    context = browser.new_context(locale="pt-BR", base_url=site_url)
    try:
        fresh = context.new_page()
        open_calculator(fresh, LINK)
        expected_total, expected_rate = shown(fresh, "total"), shown(fresh, "rate")
    finally:
        context.close()

    open_calculator(page)
    page.locator("#dt-audience").select_option("ams")
    page.locator("#dt-rate").fill("9,90")
    expect(page.locator("[data-role=rate]")).to_have_text("R$\u00a09,90", timeout=READY)
    page.goto(f"calculadora/#{LINK}")  # the same document: only the hash changes
    expect(page.locator("[data-role=minutes-billed]")).to_have_text("12", timeout=READY)
    expect(page.locator("[data-role=rate]")).to_have_text(expected_rate.replace(" ", "\u00a0"), timeout=READY)
    expect(page.locator("#dt-audience")).not_to_have_value("ams")

    page.get_by_role("button", name="Copiar estimativa").click()
    copied = money(page.evaluate("navigator.clipboard.readText()"))
    assert f"Total: {expected_total}" in copied, copied  # the total its own link gives in a fresh tab
    assert copied.rstrip().endswith(LINK), copied
