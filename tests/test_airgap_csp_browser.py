"""Air-gapped and under the published CSP: every page, the wizard to an outcome, the calculator to a total.

The browser context aborts and counts every request that leaves the site's
origin (none may). The site is served by the real nginx with the file the
"Hospedagem" page publishes (conftest's `site_url`), so the pages run under
the exact header the page tells a host to send: inline scripts allowed only
by hash. Any CSP violation Chromium reports, console error or uncaught
exception fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import assert_clean, published, search, watched_page
from engine_helpers import all_paths, engine
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.xdist_group("airgap_csp_browser")
READY = 60_000
APPS = ("assistente/", "calculadora/")


def site_pages(site_dir: Path) -> list[str]:
    """Every HTML page of the built site, as a path relative to its root."""
    pages = []
    for file in sorted(site_dir.rglob("*.html")):
        rel = file.relative_to(site_dir).as_posix()
        pages.append(rel.removesuffix("index.html"))
    return pages


class Airgap:
    """Requests that leave the site's origin: aborted, and remembered."""

    def __init__(self, origin: str):
        self.origin = origin
        self.foreign: list[str] = []

    def route(self, route) -> None:  # type: ignore[no-untyped-def]
        url = route.request.url
        if url.startswith(self.origin):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def request(self, request) -> None:  # type: ignore[no-untyped-def]
        """Also what is never routed (served from a cache, say); data: and blob: stay in the page."""
        url = request.url
        if not url.startswith((self.origin, "data:", "blob:")) and url not in self.foreign:
            self.foreign.append(url)


@pytest.fixture(scope="module")
def gapped(browser, site_url: str) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    airgap = Airgap(site_url)
    with watched_page(browser, site_url) as page:
        page.context.route("**/*", airgap.route)
        page.context.on("request", airgap.request)
        page.airgap = airgap  # type: ignore[attr-defined]
        yield page


# -- the browser -----------------------------------------------------------------------------


@pytest.mark.browser
def test_every_page_loads_everything_from_its_own_origin_under_the_csp(gapped: Page, site_dir: Path, site_url: str) -> None:
    pages = site_pages(site_dir)
    assert len(pages) >= 15 and set(APPS) <= set(pages) and "fluxograma/" in pages
    for path in [p for p in pages if p not in APPS]:  # the two apps: the next test, engine running
        response = gapped.goto(path)
        assert response is not None and response.ok, path
        for name, value in published().security_headers_of(f"/{path}").items():  # the Zendesk app's page: framable by Zendesk
            assert response.headers.get(name.lower()) == value, (path, name)
        if path == "fluxograma/":
            # Material draws the diagram in a closed shadow root: its size says it was drawn
            gapped.wait_for_function("document.querySelector('.mermaid').getBoundingClientRect().height > 200", timeout=READY)
        gapped.wait_for_load_state("networkidle")
        assert_clean(gapped)
    # the search (its worker and index) and the palette toggle, on the home page
    gapped.goto("")
    gapped.locator("label[title^='Mudar para o tema']:visible").click()
    search(gapped, "maestro")
    expect(gapped.locator(".md-search-result__item").first).to_be_visible(timeout=READY)
    gapped.wait_for_load_state("networkidle")
    assert gapped.airgap.foreign == []  # type: ignore[attr-defined]
    assert_clean(gapped)


@pytest.mark.browser
def test_the_wizard_to_an_outcome_and_the_calculator_to_a_total_stay_on_the_site(gapped: Page, site_url: str) -> None:
    gapped.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    e = engine()
    state = next(s for s in all_paths(e) if (r := e.recommend(s))["mode"] == "consultoria-modulo" and r["payer"]["id"] == "cliente")
    expected = e.recommend(state)
    response = gapped.goto("assistente/")
    assert response is not None and response.headers.get("content-security-policy") == published().csp
    gapped.wait_for_selector("[data-engine=ready]", timeout=READY)  # Pyodide, the wheel and its lock are loaded
    for label in (step.option.label for step in e.walk(state).steps):
        before = gapped.locator("[data-role=history-list] > li").count()
        gapped.get_by_role("radio", name=label, exact=True).check()
        gapped.get_by_role("button", name="Próxima").click()
        expect(gapped.locator("[data-role=history-list] > li")).to_have_count(before + 1, timeout=READY)
    expect(gapped.locator("[data-role=outcome-title]")).to_contain_text(expected["mode_title"])
    gapped.get_by_role("button", name="Copiar nota para o ticket").click()
    expect(gapped.locator("[data-role=live]")).to_have_text("Copiado para a área de transferência.")
    assert gapped.evaluate("navigator.clipboard.readText()") == expected["ticket_note"]
    gapped.get_by_label("Aprovação obtida").check()  # the Termo is copied once the ticket is approved
    gapped.get_by_role("button", name=re.compile(r"^Copiar texto (da macro|proposto)$")).click()
    expect(gapped.get_by_role("button", name="Copiado!")).to_be_visible()

    gapped.get_by_role("link", name="Estimar o custo na calculadora").click()
    expect(gapped.locator("[data-role=total]")).to_be_visible(timeout=READY)
    gapped.locator("#dt-minutes").fill("25")
    expect(gapped.locator("[data-role=minutes-billed]")).to_have_text("25")
    gapped.locator("#dt-mode").select_option("consultoria-telefonica")
    expect(gapped.locator("[data-rule=sem-abono]")).to_be_visible()
    gapped.get_by_role("button", name="Copiar estimativa").click()
    assert "Total: R$" in gapped.evaluate("navigator.clipboard.readText()")
    gapped.wait_for_load_state("networkidle")
    assert gapped.airgap.foreign == []  # type: ignore[attr-defined]
    assert_clean(gapped)
