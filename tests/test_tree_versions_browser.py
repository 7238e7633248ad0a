"""Old codes and cleared marks in Chromium, on the built site.

An old "Código do assistente" (from a version of the tree in the git history, kept in
decision_tree/tree_versions/) opens what was decided then, read-only; a code of a version
the site does not keep says so; taking marks back says which ones.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest
from engine_helpers import ROOT, bundle, engine
from playwright.sync_api import Page, expect
from test_accessibility_browser import audit

from decision_tree.core import api, archived
from decision_tree.core.engine import State
from decision_tree.sources.tree_versions import archived as archives

pytestmark = pytest.mark.browser
READY = 60_000


@cache
def old_versions() -> dict[str, dict[str, Any]]:
    current = engine().g.fingerprint
    return {fp: json.loads(p.read_text(encoding="utf-8")) for fp, p in archives(ROOT).items() if fp != current}


def shown_local(r: dict[str, Any]) -> list[str]:
    """The texts of an archived outcome the view shows that are local (not the guideline's)."""
    shown = [r["summary"], *(s["text"] for s in r["steps"]), *r["next_steps"], *r["billing"]]
    return [t for t in shown if t in r["local"]]


def old_code(*today: bool | None, marked: bool) -> tuple[str, dict[str, Any]]:
    """A code of an earlier version for which today's tree decides the same (False), differently (True) or asks anew
    (None): the first kind of `today` the archive has."""
    for kind in today:
        for fp, data in sorted(old_versions().items()):
            for digits, i in data["paths"].items():
                record = data["outcomes"][i]
                if marked and (not any(s["mark"] for s in record["steps"]) or not shown_local(record)):
                    continue
                code = f"{fp}-{digits}" + (".1" if marked else "")
                a = archived.open_code(engine(), data, code)
                if a["today"]["differs"] is kind:
                    return code, a
    raise AssertionError(f"no archived path with today.differs in {today} (marked={marked})")


def first_question() -> str:
    e = engine()
    return e.g.questions[e.g.start].question


def test_an_old_code_from_a_ticket_shows_what_was_decided_then_read_only(page: Page) -> None:
    code, a = old_code(False, True, marked=True)  # today's tree reaches an outcome for the same answers; a local text shown
    page.goto("assistente/#" + code)
    outcome = page.locator("[data-role=outcome]")
    title = outcome.locator("[data-role=outcome-title]")
    expect(title).to_have_text(f"Resultado: {a['outcome']['mode_title']}", timeout=READY)
    expect(title).to_be_focused()
    version = outcome.locator("[data-role=archived-version]")
    expect(version).to_contain_text(f"Decidido com a versão {a['version']['fingerprint']} da árvore ({a['version']['day']}).")
    expect(version).to_contain_text("Somente leitura")
    expect(outcome.locator("[data-role=archived-today]")).to_have_text(a["today"]["message"])
    said = "A árvore atual decide diferente" if a["today"]["differs"] else "A árvore atual decide o mesmo"
    expect(outcome.locator("[data-role=archived-today]")).to_contain_text(said)
    expect(outcome.locator("[data-role=ticket-note]")).to_have_text(a["outcome"]["ticket_note"])
    expect(outcome.locator("[data-role=archived-answers] li")).to_have_count(len(a["answers"]))
    local = shown_local(a["outcome"])
    expect(outcome.locator(".kb-local")).to_have_count(len(local))  # "Não consta na diretriz", as that version said
    expect(outcome.locator(".kb-local").first).to_contain_text("Não consta na diretriz")
    first_mark = next(s for s in a["outcome"]["steps"] if s["mark"])
    expect(outcome.locator("[data-role=steps]")).to_contain_text(f"{first_mark['mark']} ✓")  # the mark set then
    # nothing to change: no checkbox, no answer to change, no question
    expect(outcome.locator("input")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Alterar"))).to_have_count(0)
    expect(page.locator("[data-role=question]")).to_be_hidden()
    assert page.url.endswith("#" + code)

    page.get_by_role("button", name="Ver o resultado da árvore atual").click()
    expect(title).to_have_text(f"Resultado: {a['today']['mode_title']}", timeout=READY)
    expect(page).to_have_url(re.compile(f"#{re.escape(a['today']['state'])}$"))
    expect(page.get_by_role("button", name=re.compile("^Alterar")).first).to_be_visible()  # today's tree: changeable again

    page.go_back()  # the browser's back button returns to the old code, read-only again
    expect(outcome.locator("[data-role=archived-version]")).to_be_visible(timeout=READY)
    page.get_by_role("button", name="Recomeçar com a árvore atual").click()
    expect(page.locator("[data-role=question-text]")).to_have_text(first_question(), timeout=READY)
    expect(page).to_have_url(re.compile(f"#{re.escape(engine().encode(State()))}$"))
    expect(page.locator("[data-role=notice]")).to_be_hidden()


def test_an_old_code_today_s_tree_would_ask_again_says_so(page: Page) -> None:
    code, a = old_code(None, marked=False)
    page.goto("assistente/#" + code)
    today = page.locator("[data-role=archived-today]")
    expect(today).to_have_text(a["today"]["message"], timeout=READY)
    expect(today).to_contain_text("Responda de novo")
    expect(page.get_by_role("button", name="Ver o resultado da árvore atual")).to_have_count(0)
    expect(page.get_by_role("button", name="Recomeçar com a árvore atual")).to_be_visible()


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("abcdef-01", "versão anterior do assistente (versão abcdef da árvore)"),  # a version the site does not keep
        ("{old}-zz", "não tem essa resposta"),  # damaged digits
        ("{old}-0.zzzzzzz", "foi alterado"),
    ],
)
def test_a_garbage_old_code_says_why_and_starts_over(page: Page, code: str, says: str) -> None:
    code = code.format(old=sorted(old_versions())[0])
    page.goto("assistente/#" + code)
    notice = page.locator("[data-role=notice]")
    expect(notice).to_contain_text(says, timeout=READY)
    expect(notice).to_contain_text("começou de novo")
    expect(page.locator("[data-role=question-text]")).to_have_text(first_question())
    expect(page.locator("[data-role=archived-version]")).to_have_count(0)


def test_taking_marks_back_says_which_marks_were_cleared(page: Page) -> None:
    e = engine()
    state = next(s for s in e.paths() if len(e.marks_of(e.walk(s))) >= 3)
    steps = e.marks_of(e.walk(state))
    code = e.encode(State(state.answers, (1 << len(steps)) - 1))
    api.init(bundle())
    expected = json.loads(api.handle(json.dumps({"op": "mark", "state": code, "step": steps[0][0], "done": False})))["info"]
    page.goto("assistente/#" + code)
    first = page.get_by_label(steps[0][1])
    expect(first).to_be_checked(timeout=READY)
    first.uncheck()
    notice = page.locator("[data-role=notice]")
    expect(notice).to_have_text(expected)
    expect(notice).to_have_attribute("role", "alert")  # read out when it appears
    expect(notice).to_be_in_viewport()  # and seen: the page scrolls to it
    for _, label, _ in steps[1:]:
        expect(notice).to_contain_text(f"“{label}”")
        expect(page.get_by_label(label)).not_to_be_checked()

    first.check()
    expect(notice).to_be_hidden()
    page.get_by_role("button", name="Alterar a resposta da pergunta 1").click()
    other = next(o for i, o in enumerate(e.g.questions[e.g.start].options) if i != state.answers[0])
    page.locator("form.dt-change").get_by_role("radio", name=other.label, exact=True).check()
    page.get_by_role("button", name="Confirmar").click()
    expect(notice).to_have_text(f"A marcação do resultado foi desfeita porque uma resposta mudou: “{steps[0][1]}”.")


def fabricated_version() -> tuple[str, dict[str, Any]]:
    """A version that never existed, for the case the history lacks: today's archive under another fingerprint,
    with one path that decided another mode then. Returns (a code of that path, the archive)."""
    e = engine()
    data = json.loads(archives(ROOT)[e.g.fingerprint].read_text(encoding="utf-8"))
    data |= {"fingerprint": "a0b1c2", "date": "2026-01-15", "changelog": "Uma versão de teste."}
    digits, i = next(iter(data["paths"].items()))
    other = next(j for j, r in enumerate(data["outcomes"]) if r["mode"] != data["outcomes"][i]["mode"] and len(r["notes"]) >= 1)
    data["paths"][digits] = other
    return f"a0b1c2-{digits}", data


def test_an_old_code_whose_decision_changed_says_today_decides_differently(page: Page) -> None:
    code, data = fabricated_version()
    a = archived.open_code(engine(), data, code)
    assert a["today"]["differs"] is True
    # the site serves the fabricated version as if it were archived (the worker's requests go through the context)
    page.context.route("**/assets/tree-versions/index.json", lambda route: route.fulfill(json={"fingerprints": ["a0b1c2"]}))
    body = json.dumps(data)
    page.context.route("**/assets/tree-versions/a0b1c2.json", lambda route: route.fulfill(body=body, content_type="application/json"))
    page.goto("assistente/#" + code)
    version = page.locator("[data-role=archived-version]")
    expect(version).to_contain_text("Decidido com a versão a0b1c2 da árvore (15/01/2026).", timeout=READY)
    expect(version).to_contain_text("Uma versão de teste.")
    today = page.locator("[data-role=archived-today]")
    expect(today).to_have_text(a["today"]["message"])
    expect(today).to_contain_text(
        f"A árvore atual decide diferente: com as mesmas respostas, o resultado hoje é {a['today']['mode_title']}."
    )
    expect(page.locator("[data-role=outcome-title]")).to_have_text(f"Resultado: {a['outcome']['mode_title']}")
    assert a["outcome"]["mode_title"] != a["today"]["mode_title"]
    problems = audit(page, "wizard: an old code, read-only")
    assert problems == [], "\n".join(problems)
