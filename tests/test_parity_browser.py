"""The page's engine answers exactly as the terminal's: property-based, through the real worker.

Hypothesis generates wizard requests (answer paths, state codes from URLs,
answers, changes, backs; valid and broken) and quote requests (what a person
types in the calculator, valid and not, and wrongly typed JSON). Each request
goes to `decision_tree.core.api.handle` in CPython and, in one browser session, to
the same engine in the page's Pyodide worker; the two answers (outcome,
prices, error messages: the whole JSON) must be identical. The worker is
checked twice: restored from the engine's saved initial state (what the page
does) and started normally (its fallback).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import assert_clean, watched_page
from engine_helpers import bundle, engine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Page

from decision_tree.core import api
from decision_tree.core.engine import DIGITS
from decision_tree.core.model import Question
from decision_tree.sources.bundle import bundle_json

pytestmark = pytest.mark.xdist_group("parity_browser")
READY = 60_000
EXAMPLES = 60  # batches per test; each batch holds 2 to 6 requests
MIN_CASES = 150  # per test: the two tests evaluate at least 300 requests a run
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

E = engine()
G = E.g
OPTION_IDS = sorted({o.id for q in G.questions.values() for o in q.options})
MODES = list(G.billing.modes)
AUDIENCES = list(G.audiences)
QUESTION_IDS = sorted(G.questions)
STEP_IDS = [*G.prerequisites, *(s.id for s in G.workflow)]

# -- strategies ------------------------------------------------------------------------------

# JSON of the wrong kind where the page sends text (the worker takes any JSON).
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.lists(st.integers(0, 9), max_size=2),
    st.dictionaries(st.sampled_from(["a", "name", "percent"]), st.integers(0, 9), max_size=2),
)


@st.composite
def answer_paths(draw: st.DrawFn) -> list[int]:
    """Option indexes along the tree: mostly real, finished or not; sometimes past the end or out of range."""
    answers: list[int] = []
    node: Any = G.questions[G.start]
    while isinstance(node, Question) and draw(st.integers(0, 7)) > 0:
        n = len(node.options)
        index = draw(st.integers(0, n - 1) | st.integers(n, len(DIGITS) - 1)) if draw(st.integers(0, 9)) == 0 else draw(
            st.integers(0, n - 1)
        )
        answers.append(index)
        if index >= n:
            return answers
        node = E.node(node.options[index].next)
    if draw(st.integers(0, 5)) == 0:  # one more answer than the path has
        answers.append(draw(st.integers(0, 3)))
    return answers


@st.composite
def state_codes(draw: st.DrawFn) -> Any:
    """What a URL hash or a ticket may carry: real state codes, stale, mangled or not text at all."""
    digits = "".join(DIGITS[i] for i in draw(answer_paths()))
    code = f"{G.fingerprint}-{digits}"
    if draw(st.integers(0, 4)) == 0:  # marks on the outcome, valid or not
        code += "." + draw(st.sampled_from(["1", "3", "7", "2", "z", ""]))
    kind = draw(st.integers(0, 11))
    if kind == 0:
        return draw(st.text(max_size=12))
    if kind == 1:
        return f"{draw(st.text(alphabet='0123456789abcdef', min_size=6, max_size=6))}-{digits}"  # another version
    if kind == 2:
        return code + draw(st.text(alphabet="Z-_ #%é.", min_size=1, max_size=3))
    if kind == 3:
        return draw(st.sampled_from(["#", " ", ""])) + code + draw(st.sampled_from(["", " ", "\n"]))
    if kind == 4:
        return draw(junk)
    if kind == 5:
        return G.fingerprint
    return code


def option_ids(state: Any) -> st.SearchStrategy[Any]:
    """An option of the question the state is at (when it is a real one), another id, or junk."""
    choices: list[str] = []
    try:
        node = E.walk(E.decode(state)).node if isinstance(state, str) else None
        if isinstance(node, Question):
            choices = [o.id for o in node.options]
    except ValueError:
        pass
    real = st.sampled_from(choices) if choices else st.sampled_from(OPTION_IDS)
    return st.one_of(real, real, st.sampled_from(OPTION_IDS), st.text(max_size=6), junk)


@st.composite
def wizard_requests(draw: st.DrawFn) -> dict[str, Any]:
    state = draw(state_codes())
    op = draw(st.sampled_from(["view", "view", "answer", "answer", "back", "change", "restart", "recommend", "recommend",
                               "mark", "mark", "bogus"]))
    req: dict[str, Any] = {"op": op, "state": state}
    if op == "answer":
        req["option"] = draw(option_ids(state))
    elif op == "change":
        req["step"] = draw(st.sampled_from(QUESTION_IDS) | st.integers(-2, 12) | st.text(max_size=6) | junk)
        req["option"] = draw(st.sampled_from(OPTION_IDS) | st.text(max_size=6))
    elif op == "mark":
        req["step"] = draw(st.sampled_from(STEP_IDS) | st.text(max_size=6) | junk)
        req["done"] = draw(st.booleans() | junk)
    elif op == "view" and draw(st.booleans()):
        req["previous"] = draw(state_codes())
    if draw(st.integers(0, 15)) == 0:
        del req["state"]
    return req


def good_numbers(limit: int = 200_000, places: int = 4) -> st.SearchStrategy[str]:
    """Numbers a person types, in every accepted format: 12.5, 12,5, 1.234,5."""

    @st.composite
    def typed(draw: st.DrawFn) -> str:
        value = draw(st.decimals(min_value=1, max_value=limit, places=draw(st.integers(0, places)), allow_nan=False, allow_infinity=False))
        whole, _, frac = format(value, "f").partition(".")
        style = draw(st.integers(0, 2))
        if style == 0:
            return format(value, "f")
        if style == 2:
            whole = f"{int(whole):,}".replace(",", ".")
        return whole + ("," + frac if frac else "")

    return typed()


BAD_NUMBERS = ["", " ", "-5", "-0,5", "0", "1e309", "NaN", "Infinity", "1.234,5,6", "1,2.3", "12,", ",5", "9" * 40, "0,000001",
               "١٢", "R$ 10", "10%", "1_000", "0x10", "\u00a012,5", "12.345.67", "+3", "--1"]
bad_numbers = st.one_of(
    st.sampled_from(BAD_NUMBERS),
    st.text(alphabet="0123456789,.-+ eENaIf", max_size=10),
    st.integers(-5, 300_000),
    junk,
    st.text(max_size=6),
)


@st.composite
def quote_requests(draw: st.DrawFn) -> dict[str, Any]:
    """A calculator's request as the page sends it; about half of them with some fields broken."""
    mode = draw(st.sampled_from(MODES))
    req: dict[str, Any] = {
        "op": "quote",
        "mode": mode,
        "audience": draw(st.sampled_from(AUDIENCES)),
        "minutes": draw(good_numbers(limit=2_000, places=2)),
        "rate": draw(good_numbers(limit=50, places=4)),
        "waived": draw(st.booleans()) if G.billing.modes[mode].waivable else False,  # a waiver elsewhere is refused
        "taxes": [{"name": t.name, "percent": draw(good_numbers(limit=30, places=4))} for t in G.billing.taxes],
    }
    fields = ["mode", "audience", "minutes", "rate", "waived", "taxes", "tax", "missing"]
    broken = draw(st.sets(st.sampled_from(fields), min_size=1, max_size=3)) if draw(st.booleans()) else set()
    if "mode" in broken:
        req["mode"] = draw(st.sampled_from(["", "outra", "Consultoria do Módulo"]) | junk)
    if "audience" in broken:
        req["audience"] = draw(st.sampled_from(["", "todos"]) | junk)
    for key in {"minutes", "rate"} & broken:
        req[key] = draw(bad_numbers | good_numbers())
    if "waived" in broken:
        req["waived"] = draw(junk)
    if "tax" in broken:
        i = draw(st.integers(0, len(req["taxes"]) - 1))
        req["taxes"][i] = {"name": draw(st.text(max_size=5) | junk), "percent": draw(bad_numbers | good_numbers(limit=150))}
    if "taxes" in broken:
        req["taxes"] = draw(junk | st.lists(junk, max_size=2) | st.just(None))
    if "missing" in broken:
        del req[draw(st.sampled_from(["audience", "rate", "waived", "taxes", "minutes", "mode"]))]
    return req


# -- the two engines ---------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["snapshot", "normal"])
def worker(browser, site_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """The page's engine as it starts: restored from the saved initial state (decision_tree/sitegen/snapshot.py), or started
    normally (what the worker falls back to)."""
    api.init(bundle())
    with watched_page(browser, site_url) as page:
        if request.param == "normal":
            page.context.add_init_script("window.__decisionTreeSnapshot = 'never'")
        page.goto("assistente/")
        page.wait_for_selector("[data-app=wizard][data-engine=ready]", timeout=READY)
        assert page.evaluate("() => window.__decisionTree.start.mode") == request.param
        yield page


def in_python(request: dict[str, Any]) -> dict[str, Any]:
    return json.loads(api.handle(json.dumps(request)))


def in_page(page: Page, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return page.evaluate("reqs => Promise.all(reqs.map(r => window.__decisionTree.request(r)))", requests)


def check_batches(page: Page, strategy: st.SearchStrategy[dict[str, Any]]) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []

    @SETTINGS
    @given(batch=st.lists(strategy, min_size=2, max_size=6))
    def check(batch: list[dict[str, Any]]) -> None:
        expected = [in_python(r) for r in batch]
        for request, want, got in zip(batch, expected, in_page(page, batch), strict=True):
            assert got == want, f"request {json.dumps(request, ensure_ascii=False)}"
        cases.extend(batch)

    check()
    assert_clean(page)
    return cases


@pytest.mark.browser
def test_wizard_answers_are_identical_in_the_page_and_in_python(worker: Page) -> None:
    cases = check_batches(worker, wizard_requests())
    assert len(cases) >= MIN_CASES
    answers = [in_python(r) for r in cases]
    reached = sum(1 for a in answers if a.get("outcome") or (a.get("view") or {}).get("outcome"))
    assert reached >= 10, "too few paths reached an outcome"
    assert sum(1 for a in answers if a.get("error")) >= 10, "too few broken requests"


@pytest.mark.browser
def test_quotes_are_identical_in_the_page_and_in_python(worker: Page) -> None:
    cases = check_batches(worker, quote_requests())
    assert len(cases) >= MIN_CASES
    answers = [in_python(r) for r in cases]
    assert sum(1 for a in answers if a.get("ok")) >= 10, "too few valid quotes"
    assert sum(1 for a in answers if not a.get("ok")) >= 10, "too few invalid quotes"


def test_the_bundle_in_the_wheel_keeps_the_order_of_the_yaml() -> None:
    """The engine lists modes, audiences and payers in the YAML's order, in the page too."""
    shipped = json.loads(bundle_json(bundle()))
    assert list(shipped["billing"]["modes"]) == list(bundle()["billing"]["modes"]) == [m["id"] for m in bundle()["modes"]]
    assert list(shipped["billing"]["payers"]) == list(bundle()["billing"]["payers"])
    assert json.dumps(shipped) == json.dumps(bundle())
