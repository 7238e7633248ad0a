"""The site's search, as an analyst types into it: the words of the guideline find its criteria."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import assert_clean, search, watched_page
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("search_browser")]
READY = 60_000


@pytest.fixture(scope="module")
def page(browser, site_url: str) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    with watched_page(browser, site_url) as p:
        yield p


@pytest.mark.parametrize(
    ("query", "page_url", "words"),
    [
        ("conouts", "modos/consultoria-modulo/", "conouts"),  # the guideline writes “conouts”, in curly quotes
        ("TES", "modos/consultoria-modulo/", "TES"),
        ("emergencial", "modos/consultoria-telefonica/", "emergencial"),
        ("Maestro", "modos/consultoria-modulo/", "Maestro"),
    ],
)
def test_an_analysts_words_find_the_criterion_first(page: Page, query: str, page_url: str, words: str) -> None:
    page.goto("")
    search(page, query)
    first = page.locator(".md-search-result__item").first
    expect(first).to_contain_text(words, timeout=READY)
    href = first.locator("a").first.get_attribute("href") or ""
    assert page_url in href, href
    assert_clean(page)


def test_the_maintainers_pages_stay_out_of_the_analysts_search(page: Page) -> None:
    page.goto("")
    search(page, "nginx")
    expect(page.locator(".md-search-result__meta")).to_have_text("Nenhum documento encontrado", timeout=READY)
    assert_clean(page)
