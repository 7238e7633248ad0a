"""The client site in Chromium, served by the real nginx with the file the Hospedagem page gives for it.

A person opens the client site, reads the modes, opens the calculator (the
same Python engine, run from the public bundle only), changes the minutes,
copies the estimate and opens the shared link; every request stays on the
site's origin (any other is aborted and counted), nothing violates the CSP,
and axe finds no serious or critical problem on any page.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import assert_clean, watched_page
from playwright.sync_api import Page, expect
from test_accessibility_browser import SEVERE, audit

from decision_tree.core import api
from decision_tree.sitegen import hosting
from decision_tree.sitegen.local_nginx import LocalNginx
from decision_tree.sources.bundle import load_bundle, public_bundle

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("client_site")]
READY = 60_000
ROOT = Path(__file__).resolve().parents[1]


class Airgap:
    """Requests that leave the site's origin: aborted, and remembered."""

    def __init__(self, origin: str):
        self.origin = origin
        self.foreign: list[str] = []

    def route(self, route) -> None:  # type: ignore[no-untyped-def]
        if route.request.url.startswith(self.origin):
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def request(self, request) -> None:  # type: ignore[no-untyped-def]
        if not request.url.startswith((self.origin, "data:", "blob:")) and request.url not in self.foreign:
            self.foreign.append(request.url)


@pytest.fixture(scope="module")
def client(browser, client_nginx: LocalNginx) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    airgap = Airgap(client_nginx.url)
    with watched_page(browser, client_nginx.url) as page:
        page.context.route("**/*", airgap.route)
        page.context.on("request", airgap.request)
        page.airgap = airgap  # type: ignore[attr-defined]
        yield page


def expected_quote(mode: str, minutes: str) -> dict:
    api.init(public_bundle(load_bundle(ROOT)))
    return api.handle_dict({"op": "quote", "mode": mode, "minutes": minutes})["quote"]


def brl(value: str) -> str:
    whole, cents = f"{Decimal(value):.2f}".split(".")
    return f"R$\u00a0{int(whole):,}".replace(",", ".") + f",{cents}"


def test_a_client_reads_the_modes_and_estimates_a_consultancy_on_the_site_alone(client: Page, client_nginx: LocalNginx) -> None:
    client.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=client_nginx.url.rstrip("/"))
    response = client.goto("")
    assert response is not None and response.headers["content-security-policy"] == hosting.for_client_project(ROOT).csp
    bundle = public_bundle(load_bundle(ROOT))
    for mode in bundle["modes"]:
        expect(client.get_by_role("link", name=mode["title"], exact=True).first).to_be_visible()
    module = next(m for m in bundle["modes"] if bundle["billing"]["modes"][m["id"]].get("waiver", {}).get("value"))
    client.get_by_role("link", name=module["title"], exact=True).first.click()
    expect(client.get_by_role("heading", name="Quanto custa")).to_be_visible(timeout=READY)
    client.get_by_role("link", name="Estimar um custo").click()
    expect(client.locator("[data-role=total]")).to_be_visible(timeout=READY)  # Python ran in the page's worker
    # ...restored from the client site's own memory snapshot (checked with its quote probe), not started from scratch
    assert client.evaluate("() => window.__decisionTree.start") == {"mode": "snapshot", "reason": ""}
    client.locator("#dt-minutes").fill("12,5")
    q = expected_quote(module["id"], "12,5")
    expect(client.locator("[data-role=minutes-billed]")).to_have_text(q["minutes_billed"], timeout=READY)  # a loaded machine
    expect(client.locator("[data-role=total]")).to_have_text(brl(q["total"]), timeout=READY)
    expect(client.locator("[data-role=rules] .kb-local").first).to_have_text("Referência")
    client.get_by_role("button", name="Copiar estimativa").click()
    # the button says so (the live region may already announce the estimate again: leaving the field recomputes it)
    expect(client.get_by_role("button", name="Copiado!")).to_be_visible(timeout=READY)
    copied = client.evaluate("navigator.clipboard.readText()")
    assert "(valor de referência; vale o do seu Termo de Aceite)" in copied and "não consta na diretriz" not in copied
    assert f"Total: {brl(q['total'])}" in copied
    shared = copied.rsplit("Simulação: ", 1)[1].strip()
    assert shared.startswith(client_nginx.url + "calculadora/#") and "minutes=12%2C5" in shared
    client.goto("")
    client.goto(shared)  # the shared link opens the same estimate
    expect(client.locator("#dt-minutes")).to_have_value("12,5", timeout=READY)
    expect(client.locator("[data-role=total]")).to_have_text(brl(q["total"]), timeout=READY)
    client.get_by_role("link", name="Referência").first.click()
    expect(client.get_by_role("heading", name="Valores de referência")).to_be_visible(timeout=READY)
    client.wait_for_load_state("networkidle")
    assert client.airgap.foreign == []  # type: ignore[attr-defined]
    assert_clean(client)


def test_every_page_of_the_client_site_is_axe_clean(client: Page, client_site_dir: Path) -> None:
    pages = sorted(p.relative_to(client_site_dir).as_posix().removesuffix("index.html") for p in client_site_dir.rglob("*.html"))
    assert "calculadora/" in pages and "404.html" in pages
    problems = []
    for path in pages:
        client.goto(path)
        if path == "calculadora/":
            expect(client.locator("[data-role=total]")).to_be_visible(timeout=READY)
        problems += audit(client, path or "home")
    client.goto("calculadora/")
    client.locator("#dt-minutes").fill("abc")
    expect(client.locator("#dt-minutes-error")).to_be_visible(timeout=READY)
    problems += audit(client, "calculator: an error beside a field")
    assert not problems, f"{SEVERE} axe violations:\n" + "\n".join(problems)
    assert client.airgap.foreign == []  # type: ignore[attr-defined]
    assert_clean(client)
