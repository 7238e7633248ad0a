"""Hostile texts in the sources show up as text, everywhere, and never run.

A copy of the repository whose every prose text carries `<script>`, an
`<svg onload>`, `javascript:` and `data:` links, quotes and template syntax
(tests/fixtures/injection/hostile.py) is built with the real `mkdocs build
--strict` and served under the published CSP with `'unsafe-inline'` in place
of its script hashes, so an injected script would run. Every page, the search, the wizard's questions and
outcome, the copied ticket note and macro, and the calculator must show the
payload literally; a script that ran would set `window.xssFired` or open a
dialog.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CSP_RUNNING_INLINE_SCRIPTS, OPEN_SHADOW_ROOTS, ROOT, assert_clean, build_site, search, serve, watched_page
from engine_helpers import all_paths
from fixtures.injection.hostile import FLAG, HANDLER, LITERAL, MACRO, SCRIPT, TEMPLATE, make_hostile_repo
from playwright.sync_api import Page, expect

from decision_tree.core.engine import Engine
from decision_tree.core.model import Guidelines
from decision_tree.sources.bundle import load_bundle
from decision_tree.sources.markup import render_markdown

pytestmark = pytest.mark.xdist_group("injection")
READY = 60_000
# Pages written by hand: no text from the sources on them.
HAND_WRITTEN = {"hospedagem/", "zendesk/", "app-zendesk/", "desempenho/", "404.html"}
APPS = ("assistente/", "calculadora/")

# What the page must not hold: anything that could have run the payload, or text escaped twice.
INSPECT = """flag => {
  const roots = [document, ...[...document.querySelectorAll('*')].map(e => e.shadowRoot).filter(Boolean)];
  const all = roots.flatMap(r => [...r.querySelectorAll('*')]);
  const text = roots.map(r => r === document ? document.body.innerText : r.textContent).join('\\n');
  return {
    fired: window[flag] ?? null,
    scripts: all.filter(e => e.localName === 'script' && e.textContent.includes(flag)).length,
    handlers: all.flatMap(e => [...e.attributes].filter(a => a.name.startsWith('on') && a.value.includes(flag)).map(a => a.value)),
    links: all.filter(e => e.href && /^(javascript|data|vbscript):/i.test(String(e.href.baseVal ?? e.href))).map(e => e.outerHTML),
    images: all.filter(e => e.localName === 'img' && /\\/x$/.test(e.src)).length,
    title: document.title,
    text,
  };
}"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The hostile copy of the repository and its built site."""
    base = tmp_path_factory.mktemp("injection")
    repo = make_hostile_repo(ROOT, base / "repo")
    site = base / "site"
    result = build_site(repo, site)
    assert result.returncode == 0, f"the hostile sources must still build:\n{result.stdout}\n{result.stderr}"
    return repo, site


@pytest.fixture(scope="module")
def hostile_engine(hostile: tuple[Path, Path]) -> Engine:
    return Engine(Guidelines.from_dict(load_bundle(hostile[0])))


# Material's search worker answers a query per key typed. On a loaded machine the answers for the
# prefixes ("H", "Ho"...) are still being shown after the typing ends: hand each answer to the page
# 50 ms after the one before, so the test meets that case on every run instead of once in a while
# (the test then waits for the state it checks, never for a time).
LATE_SEARCH_ANSWERS = """
const NativeWorker = window.Worker;
window.Worker = class extends NativeWorker {
  constructor(url, ...rest) { super(url, ...rest); this.late = String(url).includes('workers/search'); }
  addEventListener(type, listener, ...rest) {
    if (!this.late || type !== 'message') return super.addEventListener(type, listener, ...rest);
    let queue = Promise.resolve();
    const late = (event) => { queue = queue.then(() => new Promise((done) => setTimeout(() => { listener(event); done(); }, 50))); };
    return super.addEventListener(type, late, ...rest);
  }
};
"""


@pytest.fixture(scope="module")
def hpage(browser, hostile: tuple[Path, Path]) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    server, url = serve(hostile[1], csp=CSP_RUNNING_INLINE_SCRIPTS)
    with watched_page(browser, url) as page:
        page.context.add_init_script(OPEN_SHADOW_ROOTS)
        page.context.add_init_script(LATE_SEARCH_ANSWERS)
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
        yield page
    server.shutdown()


def inspect(page: Page) -> dict:
    found = page.evaluate(INSPECT, FLAG)
    assert found["fired"] is None, f"an injected script ran ({FLAG}={found['fired']})"
    assert found["scripts"] == 0 and found["handlers"] == [] and found["images"] == 0, found
    assert found["links"] == [], found["links"]
    for escaped_twice in ("&lt;", "&gt;", "&quot;", "&#", "#60;", "#34;"):
        assert escaped_twice not in found["text"], f"{escaped_twice!r} shown on {page.url}"
    return found


LINKS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "\x01javascript:alert(1)", "\x1bjavascript:alert(1)",
    "java\nscript:alert(1)", "&#x6A;avascript:alert(1)", "javascript&colon;alert(1)", "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)", "<javascript:alert(1)>",
]


@pytest.mark.parametrize("url", LINKS)
def test_markdown_links_with_a_script_url_lose_it(url: str) -> None:
    reference = f"[a][r]\n\n[r]: {url}" if "\n" not in url else f"[a]({url})"
    for text in (f"[a]({url})", reference):
        out = render_markdown(text)
        hrefs = re.findall(r'href="([^"]*)"', out)
        assert hrefs == ["#"], (text, out)


def test_markdown_links_to_pages_and_sites_are_kept() -> None:
    for url in ("../modos/consultoria-modulo/#x", "#quando-usar", "https://exemplo.invalid/a?b=1:2", "mailto:a@b.c", "/abs/x"):
        assert f'href="{url}"' in render_markdown(f"[a]({url})"), url


IMAGES = [
    "![i](javascript:alert(1))", "![t](https://tracker.invalid/p.gif)", '![t](https://tracker.invalid/p.gif "t")',
    "![t](<https://tracker.invalid/p.gif>)", "![t][r]\n\n[r]: https://tracker.invalid/p.gif", "![r]\n\n[r]: https://tracker.invalid/p.gif",
    "[![t](https://tracker.invalid/p.gif)](https://exemplo.invalid/)", "*![t](https://tracker.invalid/p.gif)*",
]


@pytest.mark.parametrize("text", IMAGES)
def test_markdown_images_render_as_their_alt_text(text: str) -> None:
    # Defence in depth (the validator refuses images in the sources): no <img>, no URL of the image.
    out = render_markdown(text)
    assert "<img" not in out.lower() and "tracker.invalid" not in out and "javascript" not in out, out
    assert re.sub(r"<[^>]+>", "", out).strip() in ("i", "t", "r"), out


def test_an_image_alt_text_and_raw_img_stay_text() -> None:
    assert render_markdown("![<img src=x onerror=alert(1)> & co](https://tracker.invalid/p.gif)") == (
        "<p>&lt;img src=x onerror=alert(1)&gt; &amp; co</p>")
    assert render_markdown("<img src=https://tracker.invalid/p.gif>") == "<p>&lt;img src=https://tracker.invalid/p.gif&gt;</p>"
    assert render_markdown(r"\![não é imagem](https://exemplo.invalid/)") == '<p>!<a href="https://exemplo.invalid/">não é imagem</a></p>'


def test_the_payload_reaches_every_kind_of_text() -> None:
    """The fixture itself: the generator poisons the prose and keeps the structure."""
    from fixtures.injection.hostile import poison

    data = {"id": "x-y", "title": "T", "scope": [{"text": "a", "source": "guideline"}],
            "tree": {"start": "q", "nodes": [{"id": "q", "label": "L", "next": "r"}]}}
    out = poison(data)
    assert out["id"] == "x-y" and out["tree"]["start"] == "q" and out["tree"]["nodes"][0]["next"] == "r"
    assert out["title"].endswith(LITERAL) and out["tree"]["nodes"][0]["label"].endswith(LITERAL)
    assert "javascript:" in out["scope"][0]["text"] and out["scope"][0]["source"]["local"]


@pytest.mark.browser
def test_every_page_and_the_search_show_the_payload_as_text(hpage: Page, hostile: tuple[Path, Path]) -> None:
    site = hostile[1]
    files = {f.relative_to(site).as_posix().removesuffix("index.html"): f for f in sorted(site.rglob("*.html"))}
    pages = list(files)
    assert len(pages) >= 15 and set(APPS) <= set(pages)
    for path in [p for p in pages if p not in APPS]:  # the two apps: the tests below, engine running
        hpage.goto(path)
        if count := files[path].read_text(encoding="utf-8").count('class="mermaid"'):
            # Until Mermaid has drawn it, a diagram is its source text (with Mermaid's entity codes, "#60;"):
            # Material replaces each source by a <div class="mermaid"> holding the drawing. Wait for that.
            drawn = hpage.locator("div.mermaid")
            expect(drawn).to_have_count(count, timeout=READY)
            for i in range(count):
                expect(drawn.nth(i).locator("svg").first).to_be_attached()
            expect(drawn.first).to_contain_text(SCRIPT)
        found = inspect(hpage)
        if path not in HAND_WRITTEN:
            assert SCRIPT in found["text"] and HANDLER in found["text"] and TEMPLATE in found["text"], path
        if path.startswith("modos/"):  # a macro's title stays the guideline's (the validator checks it)
            assert SCRIPT in found["title"], (path, found["title"])
        assert_clean(hpage)
    hpage.goto("")
    query = "Homogeneização"
    search(hpage, query)
    # Material shows results for every prefix typed ("H", "Ho"...), whose teasers can hold the diagram's
    # source text: wait until the list is the one for the whole query (its links carry `?h=<query>`).
    whole = f'[href*="?h={urllib.parse.quote(query.lower())}" i]'
    expect(hpage.locator(f".md-search-result__link{whole}").first).to_contain_text(SCRIPT, timeout=READY)
    expect(hpage.locator(f".md-search-result__link:not({whole})")).to_have_count(0)
    inspect(hpage)
    assert_clean(hpage)


@pytest.mark.browser
def test_the_wizard_shows_questions_outcome_note_and_macro_literally(hpage: Page, hostile_engine: Engine) -> None:
    e = hostile_engine
    state = next(s for s in all_paths(e) if (r := e.recommend(s))["audience"] and r["audience"]["id"] == "ams"
                 and r["mode"] == "consultoria-modulo")
    expected = e.recommend(state)
    hpage.goto("assistente/")
    for step in e.walk(state).steps:
        expect(hpage.locator("[data-role=question-text]")).to_have_text(step.question.question, timeout=READY)
        labels = hpage.locator("[data-role=options] label").all_inner_texts()
        assert [text.strip() for text in labels] == [o.label for o in step.question.options]
        hpage.get_by_role("radio", name=step.option.label, exact=True).check()
        hpage.get_by_role("button", name="Próxima").click()
    title = hpage.locator("[data-role=outcome-title]")
    expect(title).to_have_text(f"Resultado: {expected['mode_title']}", timeout=READY)
    outcome = hpage.locator("[data-role=outcome]")
    expect(outcome.locator(".dt-summary")).to_contain_text(expected["summary"]["text"].strip())
    shown = [t.strip() for t in hpage.locator("[data-role=criteria] a").all_inner_texts()]
    assert shown == [c["title"].strip() for c in expected["criteria"]]
    expect(hpage.locator("[data-role=audience]")).to_have_text(expected["audience"]["title"])
    expect(hpage.locator("[data-role=ticket-note]")).to_have_text(expected["ticket_note"])
    history = hpage.locator("[data-role=history-list] [data-role=answer]").all_inner_texts()
    assert history == [a["answer"] for a in expected["answers"]]
    termo = next(m for step in expected["steps"] for m in step["macros"] if m["kind"] == "termo")
    assert termo["id"] == MACRO
    expect(hpage.locator(f"[data-macro={MACRO}] h4")).to_have_text(termo["title"])
    expect(hpage.locator(f"[data-macro={MACRO}] .dt-macro-body")).to_have_count(0)  # the body comes with the approval
    inspect(hpage)

    hpage.get_by_role("button", name="Copiar nota para o ticket").click()
    expect(hpage.locator("[data-role=live]")).to_have_text("Copiado para a área de transferência.")
    assert hpage.evaluate("navigator.clipboard.readText()") == expected["ticket_note"]
    assert SCRIPT in expected["ticket_note"] and TEMPLATE in expected["ticket_note"]
    hpage.locator("[data-role=steps] input[type=checkbox]").first.check()  # the approval: the Termo can be copied
    copy = hpage.locator(f"[data-macro={MACRO}] .dt-actions button")
    expect(copy).to_be_enabled()
    assert SCRIPT in (hpage.locator(f"[data-macro={MACRO}] .dt-macro-body").text_content() or "")
    inspect(hpage)
    copy.click()
    expect(copy).to_have_text("Copiado!")
    approved = e.recommend(e.mark(state, "aprovacao-maestro", True))  # the body is sent once approved
    plain = next(m for step in approved["steps"] for m in step["macros"] if m["kind"] == "termo")["plain"]
    assert hpage.evaluate("navigator.clipboard.readText()") == plain
    assert SCRIPT in plain
    hpage.get_by_role("button", name="Alterar a resposta da pergunta 1").click()  # the change form shows the labels too
    expect(hpage.locator(".dt-change legend")).to_contain_text(SCRIPT)
    inspect(hpage)
    assert_clean(hpage)


@pytest.mark.browser
def test_the_calculator_shows_titles_and_tax_names_literally(hpage: Page, hostile_engine: Engine) -> None:
    g = hostile_engine.g
    hpage.goto("calculadora/#minutes=12")
    expect(hpage.locator("[data-role=total]")).to_be_visible(timeout=READY)
    billed = [m.title for m in g.modes.values() if g.billing.modes[m.id].is_billed]
    assert [t.strip() for t in hpage.locator("#dt-mode option").all_inner_texts()] == billed
    assert [t.strip() for t in hpage.locator("#dt-audience option").all_inner_texts()] == [a.short for a in g.audiences.values()]
    hpage.locator("#dt-audience").select_option("totvs")
    expect(hpage.locator("#dt-audience-hint")).to_have_text(g.audiences["totvs"].title)
    tax = g.billing.taxes[0]
    expect(hpage.get_by_label(f"{tax.name} (%)", exact=True)).to_be_visible()
    expect(hpage.locator("[data-role=quote-body]")).to_contain_text(f"{tax.name} (")
    hpage.locator("#dt-audience").select_option("totvs")
    expect(hpage.locator("[data-role=payer]")).to_have_text(g.billing.payers["unidade-franquia"])
    hpage.get_by_role("button", name="Copiar estimativa").click()
    copied = hpage.evaluate("navigator.clipboard.readText()")
    assert f"Quem solicita: {g.audiences['totvs'].title}" in copied
    inspect(hpage)
    assert_clean(hpage)

