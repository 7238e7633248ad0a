"""axe-core on every page type, in the light and the dark palette: no serious or critical violation.

axe-core is the pinned npm package (node_modules/axe-core/axe.min.js), injected
into the page by the test. The wizard is audited at its first question,
mid-way, at an outcome and with an answer being changed; the calculator with
an estimate, with an error beside a field and with the notice of a bad link.
The palette is switched with the header's toggle.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import OPEN_SHADOW_ROOTS, ROOT, assert_clean, search, watched_page
from engine_helpers import all_paths, engine
from playwright.sync_api import Page, expect

from decision_tree.core.engine import State

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("accessibility_browser")]
READY = 60_000
AXE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
PALETTES = ("default", "slate")  # Material's light and dark schemes
SEVERE = ("serious", "critical")
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; animation: none !important; }"

RUN_AXE = r"""async (severe) => {
  const result = await axe.run(document, { resultTypes: ['violations'] });
  return result.violations
    .filter(v => severe.includes(v.impact))
    .flatMap(v => v.nodes.slice(0, 5).map(n =>
      `${v.impact} ${v.id}: ${n.target.join(' ')}: ${(n.failureSummary || v.help).replace(/\s+/g, ' ').slice(0, 240)}`));
}"""

STATIC_PAGES = {
    "home": "",
    "mode": "modos/consultoria-modulo/",
    "mode-suporte-padrao": "modos/suporte-padrao/",
    "procedures": "material-complementar/",
    "decision-table": "tabela-de-decisao/",
    "flowchart": "fluxograma/",
    "macros-index": "macros/",
    "macro": "macros/modulo-termo-ams/",
    "history": "historico/",
    "to-confirm": "pontos-a-confirmar/",
    "hosting": "hospedagem/",
    "zendesk": "zendesk/",
    "not-found": "404.html",
}
if (ROOT / "docs" / "desempenho.md").is_file():  # hand-written, present once the benchmark has run
    STATIC_PAGES["performance"] = "desempenho/"


@pytest.fixture(scope="module")
def page(browser, site_url: str) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    with watched_page(browser, site_url) as p:
        p.context.add_init_script(OPEN_SHADOW_ROOTS)  # axe audits the flowchart's SVG too
        yield p


def set_palette(page: Page, scheme: str) -> None:
    if page.locator("body").get_attribute("data-md-color-scheme") != scheme:
        # the header's toggle (dispatched: the open search dialog covers the header)
        page.locator("label[title^='Mudar para o tema']:visible").dispatch_event("click")
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", scheme)


def audit(page: Page, what: str) -> list[str]:
    """axe's serious and critical violations in both palettes, each line naming the page state."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE + "\n;undefined")  # as DevTools runs it: the site's CSP lets no inline <script> of the test run
        page.add_style_tag(content=NO_TRANSITIONS)
    page.mouse.move(0, 0)  # the resting state: no link or button under the pointer
    found = []
    for scheme in PALETTES:
        set_palette(page, scheme)
        found += [f"{what} [{scheme}] {v}" for v in page.evaluate(RUN_AXE, list(SEVERE))]
    set_palette(page, PALETTES[0])
    return found


@pytest.mark.parametrize("path", STATIC_PAGES.values(), ids=STATIC_PAGES.keys())
def test_static_pages(page: Page, path: str) -> None:
    page.goto(path)
    if path == "fluxograma/":
        page.wait_for_function("document.querySelector('.mermaid')?.shadowRoot?.querySelector('svg')", timeout=READY)
    page.wait_for_load_state("networkidle")
    problems = audit(page, path or "home")
    assert problems == [], "\n".join(problems)
    assert_clean(page)


def test_search_results(page: Page) -> None:
    page.goto("")
    search(page, "maestro")
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=READY)
    problems = audit(page, "search")
    assert problems == [], "\n".join(problems)
    assert_clean(page)


def test_the_wizard_at_each_step(page: Page) -> None:
    e = engine()
    state = max(all_paths(e), key=lambda s: len(s.answers))
    steps = e.walk(state).steps
    page.goto("assistente/")
    page.wait_for_selector("[data-app=wizard][data-engine=ready]", timeout=READY)
    problems = audit(page, "wizard: first question")
    for n, step in enumerate(steps[:2], start=1):
        page.get_by_role("radio", name=step.option.label, exact=True).check()
        page.get_by_role("button", name="Próxima").click()
        expect(page.locator("[data-role=history-list] > li")).to_have_count(n)
    problems += audit(page, "wizard: mid-way")
    page.evaluate("h => { location.hash = h }", e.encode(state))
    expect(page.locator("[data-role=outcome-title]")).to_be_visible()
    problems += audit(page, "wizard: outcome")
    page.locator("[data-role=steps] input[type=checkbox]").first.check()
    expect(page.locator("[data-role=steps] input[type=checkbox]").nth(1)).to_be_enabled()
    problems += audit(page, "wizard: outcome with a step marked")
    page.get_by_role("button", name="Alterar a resposta da pergunta 1").click()
    expect(page.locator(".dt-change")).to_be_visible()
    problems += audit(page, "wizard: changing an answer")
    page.evaluate("h => { location.hash = h }", "000000-0")
    expect(page.locator("[data-role=notice]")).to_be_visible()
    problems += audit(page, "wizard: notice of a bad link")
    assert problems == [], "\n".join(problems)
    assert e.encode(State()) != e.encode(state)
    assert_clean(page)


def test_the_calculator_with_an_estimate_an_error_and_a_notice(page: Page) -> None:
    page.goto("calculadora/")
    expect(page.locator("[data-role=total]")).to_be_visible(timeout=READY)
    problems = audit(page, "calculator: estimate")
    page.locator("#dt-minutes").fill("dez")
    expect(page.locator("#dt-minutes-error")).to_be_visible()
    page.locator("#dt-tax0").fill("150")
    expect(page.locator("#dt-tax0-error")).to_be_visible()
    problems += audit(page, "calculator: errors beside the fields")
    page.evaluate("h => { location.hash = h }", "mode=outra&minutes=12")
    expect(page.locator("[data-role=notice]")).to_be_visible()
    page.locator("#dt-mode").select_option("consultoria-telefonica")
    page.evaluate("h => { location.hash = h }", "mode=outra")
    expect(page.locator("[data-role=notice]")).to_be_visible()
    problems += audit(page, "calculator: notice of a bad link, Telefônica")
    assert problems == [], "\n".join(problems)
    assert_clean(page)
