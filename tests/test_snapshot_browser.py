"""The worker restores the engine's saved initial state, and starts normally whenever it cannot.

Through the real nginx (conftest's `site_url`) and under the published CSP:
the wizard restores the snapshot on a first and a repeat visit, and a repeat
visit asks the server only for engine.json and pyodide-lock.json (the core
and the snapshot have versioned, immutable URLs). Then every way the snapshot
can be unusable, served through a route (missing, corrupted, built for
another lock or Pyodide, or not a Pyodide snapshot at all): the worker says
why in a console warning, starts Pyodide normally, and the wizard answers.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import time
from collections.abc import Iterator

import pytest
from conftest import CSP_LISTENER
from engine_helpers import engine
from playwright.sync_api import BrowserContext, Page, expect

from decision_tree.core.engine import State
from decision_tree.core.model import Outcome
from decision_tree.sitegen.local_nginx import LocalNginx

pytestmark = pytest.mark.xdist_group("snapshot_browser")
READY = 60_000
NOT_USED = "decision_tree: estado inicial não usado"


@pytest.fixture
def context(browser, site_url: str) -> Iterator[BrowserContext]:  # type: ignore[no-untyped-def]
    """A fresh context (empty cache); console errors, uncaught exceptions and CSP violations fail the test."""
    context = browser.new_context(locale="pt-BR", base_url=site_url)
    context.add_init_script(CSP_LISTENER)
    problems: list[str] = []
    warnings: list[str] = []
    context.on("console", lambda m: (problems if m.type == "error" else warnings).append(m.text))
    context.on("weberror", lambda e: problems.append(f"pageerror: {e.error}"))
    context.warnings = warnings  # type: ignore[attr-defined]
    yield context
    context.close()
    assert not problems, "\n".join(problems)


def started(page: Page) -> dict:
    """Open the wizard and wait for its engine: how it started ({mode, reason})."""
    page.goto("assistente/")
    expect(page.locator("[data-app=wizard]")).to_have_attribute("data-engine", "ready", timeout=READY)
    return page.evaluate("() => window.__decisionTree.start")


def answers_the_first_question(page: Page) -> None:
    e = engine()
    first = e.g.questions[e.g.start]
    page.get_by_role("radio", name=first.options[0].label, exact=True).check()
    page.get_by_role("button", name="Próxima").click()
    second = e.walk(State((0,))).node
    expect(page.locator("[data-role=question-text]")).to_have_text(second.question, timeout=READY)  # type: ignore[union-attr]
    expect(page.locator("[data-role=history-list] > li")).to_have_count(1)


def pyodide_requests(nginx: LocalNginx, since: int) -> list[tuple[str, str]]:
    """(status, path) of nginx's access log from byte `since`, under /assets/pyodide/."""
    time.sleep(0.5)  # nginx writes its log line after the response
    text = nginx.access_log.read_bytes()[since:].decode("utf-8")
    out = []
    for line in text.splitlines():
        _msec, status, _sent, _body, _protocol, uri = line.split(" ", 5)
        path = uri.strip('"').split("?")[0]
        if path.startswith("/assets/pyodide/"):
            out.append((status, path))
    return out


def test_the_wizard_restores_its_initial_state_and_a_repeat_visit_revalidates_only_two_small_files(
    context: BrowserContext, nginx: LocalNginx
) -> None:
    page = context.new_page()
    assert started(page) == {"mode": "snapshot", "reason": ""}
    answers_the_first_question(page)
    since = nginx.access_log.stat().st_size
    page.goto("about:blank")
    assert started(page)["mode"] == "snapshot"
    assert sorted(pyodide_requests(nginx, since)) == [("304", "/assets/pyodide/engine.json"), ("304", "/assets/pyodide/pyodide-lock.json")]
    answers_the_first_question(page)
    assert not [w for w in context.warnings if "decision_tree" in w]  # type: ignore[attr-defined]


def test_a_restored_engine_never_downloads_the_standard_library_for_the_wizard_or_the_calculator(
    context: BrowserContext, nginx: LocalNginx
) -> None:
    """The restored process holds every module the engine runs: walking to an outcome and quoting fetch no python_stdlib.zip."""
    since = nginx.access_log.stat().st_size
    page = context.new_page()
    assert started(page)["mode"] == "snapshot"
    e = engine()
    state = e.start()
    while not isinstance(node := e.walk(state).node, Outcome):
        page.get_by_role("radio", name=node.options[-1].label, exact=True).check()
        page.get_by_role("button", name="Próxima").click()
        state = e.answer(state, node.options[-1].id)
        expect(page.locator("[data-role=history-list] > li")).to_have_count(len(state.answers), timeout=READY)
    expect(page.locator("[data-role=outcome-title]")).to_be_visible()
    page.goto("calculadora/")
    expect(page.locator("[data-app=calculator]")).to_have_attribute("data-engine", "ready", timeout=READY)
    page.locator("input[name=minutes]").fill("25")
    expect(page.locator("[data-role=total]")).not_to_be_empty(timeout=READY)
    page.wait_for_timeout(1500)  # the worker's warm-up after "ready" imports nothing either
    fetched = pyodide_requests(nginx, since)
    assert any(path.endswith("/engine.json") for _, path in fetched)
    assert not [path for _, path in fetched if path.endswith("python_stdlib.zip")]


# The worker's Python, for the test below only: worker.js served with a hook that runs a line of Python.
PYTHON_HOOK = """
self.addEventListener("message", (event) => {
  if (event.data.python) self.postMessage({ type: "python", result: String(self.__py.runPython(event.data.python)) });
});
"""
KEEP_WORKER = "window.Worker = class extends Worker { constructor(...a) { super(...a); window.__worker = this; } };"
RUN_PYTHON = """(code) => new Promise((resolve) => {
  window.__worker.addEventListener("message", ({ data }) => data.type === "python" && resolve(data.result));
  window.__worker.postMessage({ python: code });
})"""


def test_a_module_the_snapshot_lacks_fetches_the_standard_library_once_then_imports(context: BrowserContext, nginx: LocalNginx) -> None:
    def hooked(route) -> None:  # type: ignore[no-untyped-def]
        text = route.fetch().text()
        line = "stdlibOnDemand(pyodide, indexURL);"
        assert line in text
        route.fulfill(body=text.replace(line, line + " self.__py = pyodide;") + PYTHON_HOOK, content_type="text/javascript")

    context.add_init_script(KEEP_WORKER)
    page = context.new_page()
    page.route("**/assets/app/worker.js", hooked)
    since = nginx.access_log.stat().st_size
    assert started(page)["mode"] == "snapshot"
    assert not [p for _, p in pyodide_requests(nginx, since) if p.endswith("python_stdlib.zip")]
    code = "import sys; before = 'colorsys' in sys.modules; import colorsys; f'{before} {colorsys.rgb_to_hsv(1.0, 0.0, 0.0)}'"
    assert page.evaluate(RUN_PYTHON, code) == "False (0.0, 1.0, 1.0)"
    assert page.evaluate(RUN_PYTHON, "import sched; sched.__name__") == "sched"
    fetched = [(status, p) for status, p in pyodide_requests(nginx, since) if p.endswith("python_stdlib.zip")]
    assert len(fetched) == 1 and fetched[0][0] == "200", fetched
    answers_the_first_question(page)


def test_never_starts_normally(context: BrowserContext) -> None:
    context.add_init_script("window.__decisionTreeSnapshot = 'never'")
    page = context.new_page()
    assert started(page) == {"mode": "normal", "reason": "desativado"}
    answers_the_first_question(page)


def manifest_route(change):  # type: ignore[no-untyped-def]
    """A route handler serving engine.json after `change(manifest)`."""

    def handler(route) -> None:  # type: ignore[no-untyped-def]
        manifest = route.fetch().json()
        change(manifest)
        route.fulfill(body=json.dumps(manifest), content_type="application/json")

    return handler


def corrupt(route) -> None:  # type: ignore[no-untyped-def]
    body = bytearray(route.fetch().body())
    body[len(body) // 2] ^= 0xFF
    route.fulfill(body=bytes(body), content_type="application/gzip")


def another_lock(manifest: dict) -> None:
    manifest["snapshot"]["lock_sha256"] = "0" * 64


def another_pyodide(manifest: dict) -> None:
    manifest["snapshot"]["pyodide"] = "0.26.0"


def no_integrity(manifest: dict) -> None:
    manifest["snapshot"]["slices"][0]["integrity"] = ""


@pytest.mark.parametrize(
    ("url", "handler", "reason"),
    [
        # a 404 fails its integrity check too
        ("**/assets/pyodide/snapshot-*/*.gz", lambda route: route.fulfill(status=404, body="não há"), "fetch"),
        ("**/assets/pyodide/snapshot-*/*.gz", corrupt, "fetch"),  # the sha256 (integrity) of the slice does not match
        ("**/assets/pyodide/engine.json", manifest_route(another_lock), "feito para outro pyodide-lock.json"),
        ("**/assets/pyodide/engine.json", manifest_route(another_pyodide), "feito para o Pyodide 0.26.0"),
        ("**/assets/pyodide/engine.json", manifest_route(no_integrity), "sem sha256"),
    ],
    ids=["missing", "corrupted", "stale-lock", "other-pyodide", "empty-integrity"],
)
def test_an_unusable_snapshot_falls_back_to_the_normal_start(context: BrowserContext, url: str, handler, reason: str) -> None:  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.route(url, handler)
    start = started(page)
    assert start["mode"] == "normal" and reason in start["reason"], start
    assert any(NOT_USED in w for w in context.warnings), context.warnings  # type: ignore[attr-defined]
    answers_the_first_question(page)


def test_a_snapshot_that_does_not_restore_falls_back_to_the_normal_start(context: BrowserContext) -> None:
    """Slices that pass every check but hold no Pyodide snapshot: Pyodide refuses it, the normal start follows."""
    garbage = gzip.compress(bytes(range(256)) * (64 * 1024 // 256), mtime=0)
    integrity = "sha256-" + base64.b64encode(hashlib.sha256(garbage).digest()).decode()

    def one_garbage_slice(manifest: dict) -> None:
        folder = manifest["snapshot"]["slices"][0]["file"].split("/")[0]
        size = manifest["snapshot"]["size"]
        manifest["snapshot"]["slices"] = [{"file": f"{folder}/garbage.gz", "offset": 0, "size": 64 * 1024, "integrity": integrity}]
        manifest["snapshot"]["size"] = size

    page = context.new_page()
    page.route("**/assets/pyodide/engine.json", manifest_route(one_garbage_slice))
    page.route("**/assets/pyodide/snapshot-*/garbage.gz", lambda route: route.fulfill(body=garbage, content_type="application/gzip"))
    start = started(page)
    assert start["mode"] == "normal" and "magic" in start["reason"], start
    answers_the_first_question(page)


def test_a_snapshot_of_the_wrong_size_falls_back_instead_of_hanging(context: BrowserContext) -> None:
    """Too small a memory for Pyodide's WebAssembly: its instantiation fails (Pyodide itself would wait forever)."""

    def tiny(manifest: dict) -> None:
        first = manifest["snapshot"]["slices"][0]
        manifest["snapshot"]["slices"] = [first]
        manifest["snapshot"]["size"] = first["size"]

    page = context.new_page()
    page.route("**/assets/pyodide/engine.json", manifest_route(tiny))
    start = started(page)
    assert start["mode"] == "normal", start
    answers_the_first_question(page)
