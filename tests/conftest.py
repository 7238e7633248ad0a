"""Shared fixtures: the built site, a local HTTP server for it, Chromium.

The site is built once per test session with the real `mkdocs build --strict`.
Browser tests drive Debian's Chromium (/usr/bin/chromium) through Playwright;
nothing is fetched from outside the machine.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; worker-src 'self'; "
    "connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'"
)
# The security headers docs/hospedagem.md tells a host to send; every test server sends them
# (tests/test_airgap_csp_browser.py checks the page documents exactly this set).
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def build_site(root: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """Run the real `mkdocs build --strict` of the repository at `root` into `out`."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    result = build_site(ROOT, out)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    return out


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with the MIME types Pyodide needs and the hosting headers."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
        ".json": "application/json",
        ".whl": "application/zip",
        ".zip": "application/zip",
    }
    csp: str | None = CSP

    def end_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            if name != "Content-Security-Policy":
                self.send_header(name, value)
        if self.csp:
            self.send_header("Content-Security-Policy", self.csp)
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(directory: Path, csp: str | None = CSP) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = type("Handler", (SiteHandler,), {"csp": csp})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def site_url(site_dir: Path) -> Iterator[str]:
    server, url = serve(site_dir)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (the README's test command does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI);
});
"""

# Material draws Mermaid diagrams in a closed shadow root; tests that read or audit the
# diagram open it (the page behaves the same, only the test can see inside).
OPEN_SHADOW_ROOTS = """
const attachShadow = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) { return attachShadow.call(this, { ...init, mode: 'open' }); };
"""


class PageProblems(list):
    """Console errors, uncaught exceptions and CSP violations seen by a page."""


@contextmanager
def watched_page(browser, base_url: str, **context_args):  # type: ignore[no-untyped-def]
    """A page for a whole test module (one Pyodide start): `page.problems` collects console
    errors, uncaught exceptions (the worker's too), CSP violations and dialogs of every page of
    its context; tests check it with `assert_clean(page)`."""
    context = browser.new_context(locale="pt-BR", base_url=base_url, **context_args)
    context.add_init_script(CSP_LISTENER)
    problems = PageProblems()
    context.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    context.on("weberror", lambda e: problems.append(f"pageerror: {e.error}"))

    def dialog(d):  # type: ignore[no-untyped-def]
        problems.append(f"dialog ({d.type}): {d.message}")
        d.dismiss()

    context.on("dialog", dialog)
    p = context.new_page()
    p.problems = problems  # type: ignore[attr-defined]
    try:
        yield p
    finally:
        context.close()


def search(page, query: str) -> None:  # type: ignore[no-untyped-def]
    """Type `query` into Material's search box once its index is loaded (earlier keys can be lost)."""
    from playwright.sync_api import expect

    box = page.get_by_role("textbox", name="Buscar")
    box.click()
    expect(page.locator(".md-search-result__meta")).to_have_text("Digite para iniciar a busca", timeout=60_000)
    box.press_sequentially(query)


def assert_clean(page) -> None:  # type: ignore[no-untyped-def]
    """Fail on what the page reported since the last check, and start over."""
    problems = list(page.problems)
    page.problems.clear()
    assert not problems, "the page reported problems:\n" + "\n".join(problems)


@pytest.fixture
def page(browser, site_url: str):  # type: ignore[no-untyped-def]
    """A fresh browser context and page; fails the test on console errors or CSP violations."""
    context = browser.new_context(locale="pt-BR", base_url=site_url)
    context.add_init_script(CSP_LISTENER)
    p = context.new_page()
    problems = PageProblems()
    p.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    p.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    p.problems = problems  # type: ignore[attr-defined]
    yield p
    context.close()
    assert not problems, "the page reported problems:\n" + "\n".join(problems)
