"""Shared fixtures: the built site, served by the real nginx with the published configuration, Chromium.

The site is built once per test session with the real `mkdocs build --strict`.
`site_url` serves it with the nginx file the "Hospedagem" page publishes
(decision_tree/sitegen/hosting.py), run by Debian's nginx as the session's own
process over HTTPS on a loopback port (decision_tree/sitegen/local_nginx.py); a
throwaway certificate is trusted by Chromium through its key. Browser tests
drive Debian's Chromium (/usr/bin/chromium) through Playwright; nothing is
fetched from outside the machine. `serve` is a Python stand-in with the same
headers, for a test that needs a server of its own.
"""

from __future__ import annotations

import fcntl
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from decision_tree.sitegen import hosting
from decision_tree.sitegen.local_chromium import CHROMIUM, CHROMIUM_ARGS
from decision_tree.sitegen.local_nginx import Certificate, LocalNginx, NginxError

ROOT = Path(__file__).resolve().parent.parent
# The published CSP with 'unsafe-inline' in place of the hashes: an injected script would run (test_injection.py).
CSP_RUNNING_INLINE_SCRIPTS = hosting.Hosting(("'unsafe-inline'",)).csp


@functools.cache
def published() -> hosting.Hosting:
    """The hosting the "Hospedagem" page publishes for this repository's site (headers, CSP hashes, nginx file)."""
    return hosting.for_project(ROOT)


def run_steps(root: Path, steps: list[list[str]]) -> subprocess.CompletedProcess[str]:
    """Run the commands in `root` until one fails; its result, or the last one's. One build at a time per
    repository (the steps write site-src/)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    (root / ".cache").mkdir(exist_ok=True)
    with open(root / ".cache" / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for step in steps:
            result = subprocess.run(step, cwd=root, env=env, capture_output=True, text=True, timeout=600)
            if result.returncode != 0:
                break
    return result


# What `build-docs` and `mkdocs build` need from the repository (node_modules is linked).
BUILD_FILES = ("decision_tree", "macros", "docs", "overrides", "schemas", "mkdocs.yml", "pyproject.toml")


def copy_files(dest: Path, names: tuple[str, ...]) -> Path:
    """Copy the repository's files and folders `names` (relative paths) into `dest`, compiled files left out."""
    for name in names:
        src, out = ROOT / name, dest / name
        out.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, out, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, out)
    return dest


def scratch_repo(dest: Path) -> Path:
    """A copy of the repository at `dest` that builds like it: its sources, node_modules linked, its build cache
    copied (so the snapshot is not rebuilt)."""
    copy_files(dest, BUILD_FILES)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    if (ROOT / ".cache").is_dir():  # the snapshot and the wheel, as the repository's last build made them
        shutil.copytree(ROOT / ".cache", dest / ".cache", ignore=shutil.ignore_patterns("*.lock"))
    return dest


def build_site(root: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """Build the repository at `root` into `out` as the README does: the real `build-docs`, then the real
    `mkdocs build --strict`, then `check-site` (every page under the published CSP): `run_steps`."""
    steps = [
        [sys.executable, "-m", "decision_tree", "--root", str(root), "build-docs"],
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        [sys.executable, "-m", "decision_tree", "--root", str(root), "check-site", str(out)],
    ]
    return run_steps(root, steps)


def built(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path, Path], subprocess.CompletedProcess[str]],
          what: str) -> Path:
    """The repository built by `build` into a session folder `name`; the test fails with the output if it does not."""
    out = tmp_path_factory.mktemp(name) / name
    result = build(ROOT, out)
    assert result.returncode == 0, f"{what} failed:\n{result.stdout}\n{result.stderr}"
    return out


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(tmp_path_factory, "site", build_site, "mkdocs build")


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with the types and headers of the published hosting (`csp` replaces its CSP when set)."""

    csp: str | None = None

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return hosting.content_type(str(path))

    def end_headers(self) -> None:
        headers = published().headers(urllib.parse.urlsplit(self.path).path)
        if self.csp:
            headers["Content-Security-Policy"] = self.csp
        for name, value in headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(directory: Path, csp: str | None = None) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A Python server of `directory` on a free port (plain HTTP), for a test that needs its own."""
    handler = type("Handler", (SiteHandler,), {"csp": csp})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """The throwaway certificate of the session's nginx; the session's Chromium trusts its key."""
    try:
        return Certificate(tmp_path_factory.mktemp("tls"))
    except NginxError as exc:
        pytest.fail(str(exc))


@contextmanager
def served_by_nginx(site: Path, published_hosting: hosting.Hosting, folder: Path, certificate: Certificate) -> Iterator[LocalNginx]:
    """`site` served by the installed nginx with the file `published_hosting` publishes, until the block ends."""
    try:
        server = LocalNginx(site, published_hosting, folder, certificate=certificate)
        server.__enter__()
    except NginxError as exc:
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        server.stop()


def with_host_values(published_file: str, server: LocalNginx, server_name: str, site_root: str, key: str, cert: str,
                     twice: frozenset[str] | set[str] = frozenset()) -> str:
    """A file the Hospedagem page publishes with its host values (port, name, root, certificate) replaced by those
    `server` runs with; each value must stand once in it (twice for those in `twice`)."""
    host_values = {
        "listen 443 ": f"listen 127.0.0.1:{server.port} ",
        f"server_name {server_name};": "server_name 127.0.0.1;",
        f"root {site_root};": f"root {server.site};",
        key: str(server.certificate.key),
        cert: str(server.certificate.cert),
    }
    for old, new in host_values.items():
        assert published_file.count(old) == (2 if old in twice else 1), old
        published_file = published_file.replace(old, new)
    return published_file


@pytest.fixture(scope="session")
def nginx(site_dir: Path, certificate: Certificate, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNginx]:
    """The built site served by the installed nginx with the published file (stopped at the end of the session)."""
    with served_by_nginx(site_dir, published(), tmp_path_factory.mktemp("nginx"), certificate) as server:
        yield server


@pytest.fixture(scope="session")
def site_url(nginx: LocalNginx) -> str:
    return nginx.url


@pytest.fixture(scope="session")
def browser(certificate: Certificate) -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (the README's test command does)")
    from playwright.sync_api import sync_playwright

    os.environ["NODE_EXTRA_CA_CERTS"] = str(certificate.cert)  # Playwright's own requests (route.fetch) trust it too
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + certificate.chromium_args(), headless=True)
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


# -- the client site (`build-docs --audience clientes`, mkdocs.clientes.yml): tests/test_client_site*.py ------------


def build_client_site(root: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """Build the client site of the repository at `root` into `out` as the README does (real commands)."""
    steps = [
        [sys.executable, "-m", "decision_tree", "--root", str(root), "build-docs", "--audience", "clientes"],
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / hosting.CLIENT_MKDOCS), "-d", str(out)],
        [sys.executable, "-m", "decision_tree", "--root", str(root), "check-site", "--audience", "clientes", str(out)],
    ]
    return run_steps(root, steps)


@pytest.fixture(scope="session")
def client_site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built(tmp_path_factory, "site-clientes", build_client_site, "the client site's build")


@pytest.fixture(scope="session")
def client_nginx(client_site_dir: Path, certificate: Certificate, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNginx]:
    """The client site served by the installed nginx with the file the Hospedagem page publishes for it."""
    with served_by_nginx(client_site_dir, hosting.for_client_project(ROOT), tmp_path_factory.mktemp("nginx-clientes"),
                         certificate) as server:
        yield server


# -- the fake Zendesk of tests/zendesk_fake.py: tests/test_zendesk*.py -----------------------------------------------


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    """A fake Zendesk instance on a free local port (tests/zendesk_fake.py)."""
    from zendesk_fake import serve as serve_zendesk

    with serve_zendesk() as state:
        yield state


@pytest.fixture
def other():  # type: ignore[no-untyped-def]
    """A second fake Zendesk, standing for another host."""
    from zendesk_fake import serve as serve_zendesk

    with serve_zendesk() as state:
        yield state
