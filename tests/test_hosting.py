"""The hosting the "Hospedagem" page publishes: the real nginx accepts it and serves every kind of file as promised.

The page, the nginx file, the tests' servers and the benchmark's all come from
decision_tree/sitegen/hosting.py. Here the installed nginx (Debian 12's 1.22 on
the project's machines) runs the page's file for its version, with only the
address, the server name, the folder and the certificate changed, as the page
tells a host to do.
"""

from __future__ import annotations

import gzip
import html
import http.client
import re
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, published, serve, with_host_values
from mkdocs.config import load_config

from decision_tree.sitegen import hosting, pages_hosting
from decision_tree.sitegen.local_nginx import LocalNginx
from decision_tree.sitegen.webapp import core_dir

MATERIAL_ASSETS = ("assets/javascripts/bundle.*.min.js", "assets/stylesheets/main.*.min.css")
PYODIDE_CORE = ("pyodide.asm.wasm", "pyodide.asm.mjs", "pyodide.mjs", "python_stdlib.zip")
CORE = core_dir(ROOT)  # assets/pyodide/<version>/


def get(nginx: LocalNginx, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One request to the session's nginx as a browser makes it (gzip accepted); status, headers (lower-case names), body."""
    conn = http.client.HTTPSConnection("127.0.0.1", nginx.port, context=nginx.certificate.ssl_context(), timeout=30)
    try:
        conn.request(method, "/" + path, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def page_text(markdown_or_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markdown_or_html))


def the_page() -> str:
    return pages_hosting.hosting_pages(load_config(str(ROOT / "mkdocs.yml")))[pages_hosting.PAGE]


def nginx_blocks(page: str) -> list[str]:
    """The nginx files of the page's tabs, unindented, in order."""
    return [re.sub(r"^    ", "", b, flags=re.M) for b in re.findall(r'^    ```nginx title="[^"]*"\n(.*?)^    ```$', page, re.S | re.M)]


# -- the page and the file -------------------------------------------------------------------


def test_the_page_shows_the_file_nginx_runs_with_only_the_host_values_changed(nginx: LocalNginx) -> None:
    legacy, current = nginx_blocks(the_page())
    shown = current if nginx.version >= hosting.HTTP2_ON else legacy
    twice = {"listen 443 ", hosting.CERTIFICATE_KEY, hosting.CERTIFICATE}  # the site's server and the default server
    shown = with_host_values(shown, nginx, hosting.SERVER_NAME, hosting.SITE_ROOT, hosting.CERTIFICATE_KEY, hosting.CERTIFICATE, twice)
    assert nginx.site_conf.read_text() == shown


def test_the_two_forms_differ_only_in_how_http2_is_turned_on() -> None:
    legacy, current = nginx_blocks(the_page())
    assert "listen 443 ssl http2;" in legacy and "http2 on;" not in legacy
    assert "http2 on;" in current and " http2;" not in current
    body = lambda text: text.split("\n", 1)[1]  # noqa: E731 (the first line names the version)
    assert body(legacy).replace("listen 443 ssl http2;", "listen 443 ssl;\n    http2 on;") == body(current)


def test_nginx_accepts_the_published_file_without_a_warning(nginx: LocalNginx) -> None:
    output = nginx.check()  # raises on any [warn] or [emerg], e.g. `duplicate extension "wasm"`
    assert "test is successful" in output, output


def test_the_built_page_publishes_the_header_and_the_file(site_dir: Path) -> None:
    text = page_text((site_dir / "hospedagem" / "index.html").read_text(encoding="utf-8"))
    assert published().csp in text
    assert "listen 443 ssl http2;" in text and "http2 on;" in text
    for rule in (*hosting.CACHE_RULES, hosting.OTHERWISE):
        assert rule.value in text


# -- item 16: no inline script but the theme's own, by hash ----------------------------------


def directives(csp: str) -> dict[str, list[str]]:
    return {name: sources for name, *sources in (part.split() for part in csp.split(";"))}


def test_the_published_csp_runs_only_the_themes_inline_scripts_by_hash(site_dir: Path) -> None:
    csp = directives(published().csp)
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] in (["'none'"], ["'self'"])
    allowed = {s for s in csp["script-src"] if s.startswith("'sha256-")}
    used: set[str] = set()
    pages = sorted(site_dir.rglob("*.html"))
    assert len(pages) >= 15
    for page in pages:
        source = page.read_text(encoding="utf-8")
        assert not re.search(r"<[^>]+\son\w+\s*=", source), f"{page}: an event handler attribute needs 'unsafe-inline'"
        for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", source, re.S):
            if "src=" in attrs or "application/json" in attrs:
                continue
            used.add(hosting.script_hash(body))
            assert hosting.script_hash(body) in allowed, f"{page.relative_to(site_dir)}: inline script {body[:60]!r} not allowed"
    assert used == allowed, "the header allows a script no page has"


# -- every kind of file, through nginx ----------------------------------------------------------


def kinds(site_dir: Path) -> dict[str, tuple[list[str], hosting.CacheRule]]:
    """URL paths of each kind of file the page names, and the cache rule the page gives it."""
    nested = next(p for p in sorted(site_dir.glob("*/**/index.html")) if "assets" not in p.parts)
    pyodide = site_dir / "assets" / "pyodide"
    return {
        "page": (["", nested.parent.relative_to(site_dir).as_posix() + "/"], hosting.OTHERWISE),
        "theme asset": ([next(site_dir.glob(g)).relative_to(site_dir).as_posix() for g in MATERIAL_ASSETS], hosting.THEME_ASSETS),
        "Pyodide core": ([CORE + name for name in PYODIDE_CORE], hosting.PYODIDE_CORE),
        "engine wheel": ([p.relative_to(site_dir).as_posix() for p in pyodide.glob("decision_tree-*.whl")], hosting.OTHERWISE),
        "lock file": (["assets/pyodide/pyodide-lock.json"], hosting.OTHERWISE),
        "engine manifest": (["assets/pyodide/engine.json"], hosting.OTHERWISE),
        "engine snapshot": ([p.relative_to(site_dir).as_posix() for p in pyodide.glob("snapshot-*/*")], hosting.ENGINE_SNAPSHOT),
    }


def test_every_kind_of_file_is_served_with_the_headers_the_page_promises(nginx: LocalNginx, site_dir: Path) -> None:
    for kind, (paths, rule) in kinds(site_dir).items():
        assert paths, kind
        for path in paths:
            file = site_dir / (path + "index.html" if path.endswith("/") or not path else path)
            status, headers, body = get(nginx, path)
            assert status == 200, (kind, path)
            for name, value in published().security_headers.items():
                assert headers.get(name.lower()) == value, (kind, path, name)
            assert headers["cache-control"] == rule.value, (kind, path)
            assert headers["content-type"] == hosting.content_type(file.name), (kind, path)
            compressed = hosting.mime_type(file.name) in hosting.GZIP_TYPES
            assert headers.get("content-encoding") == ("gzip" if compressed else None), (kind, path)
            assert "etag" in headers and "last-modified" in headers, (kind, path)
    assert hosting.content_type("x.whl") == "application/zip"


def test_the_largest_files_are_sent_as_the_builds_own_gzip_file_with_the_same_content(nginx: LocalNginx, site_dir: Path) -> None:
    """`gzip_static on`: nginx sends the `.gz` the build wrote beside the file (gzip -9, smaller than nginx's own level 1)
    with the original's type and cache rule; a client that does not accept gzip gets the original."""
    for name in hosting.PRECOMPRESSED:
        original = (site_dir / CORE / name).read_bytes()
        packed = (site_dir / CORE / f"{name}.gz").read_bytes()
        assert gzip.decompress(packed) == original, name
        assert len(packed) < len(gzip.compress(original, compresslevel=1)), name
        status, headers, body = get(nginx, CORE + name)
        assert status == 200, name
        assert headers["content-encoding"] == "gzip" and body == packed, name  # the build's file, not compressed again
        assert headers["content-type"] == hosting.content_type(name), name
        assert headers["cache-control"] == hosting.PYODIDE_CORE.value, name
        assert headers["vary"] == "Accept-Encoding", name
        conn = http.client.HTTPSConnection("127.0.0.1", nginx.port, context=nginx.certificate.ssl_context(), timeout=30)
        try:
            conn.request("GET", "/" + CORE + name)  # no Accept-Encoding
            response = conn.getresponse()
            assert response.getheader("Content-Encoding") is None and response.read() == original, name
        finally:
            conn.close()


def test_a_missing_page_is_the_sites_404_with_every_header(nginx: LocalNginx, site_dir: Path) -> None:
    status, headers, body = get(nginx, "nao-existe/")
    assert status == 404
    for name, value in published().headers("/404.html").items():
        assert headers.get(name.lower()) == value, name
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert gzip.decompress(body) == (site_dir / "404.html").read_bytes()


def test_every_file_of_the_site_has_a_declared_type_and_its_cache_rule(nginx: LocalNginx, site_dir: Path) -> None:
    files = [f for f in sorted(site_dir.rglob("*")) if f.is_file()]
    undeclared = sorted({f.suffix for f in files if f.suffix.lstrip(".") not in hosting.TYPES})
    assert not undeclared, f"add these extensions to hosting.TYPES: {undeclared}"
    conn = http.client.HTTPSConnection("127.0.0.1", nginx.port, context=nginx.certificate.ssl_context(), timeout=30)
    try:
        for file in files:
            path = "/" + file.relative_to(site_dir).as_posix()
            conn.request("HEAD", path)
            response = conn.getresponse()
            response.read()
            assert response.status == 200, path
            assert response.getheader("Content-Type") == hosting.content_type(path), path
            assert response.getheader("Cache-Control") == hosting.cache_rule(path).value, path
    finally:
        conn.close()


@pytest.mark.parametrize("path", ["", CORE + "pyodide.asm.wasm", "assets/pyodide/pyodide-lock.json", "404.html"])
def test_the_python_stand_in_sends_what_nginx_sends(nginx: LocalNginx, site_dir: Path, path: str) -> None:
    server, url = serve(site_dir)
    try:
        with urllib.request.urlopen(url + path) as r:
            python = {k.lower(): v for k, v in r.getheaders()}
    finally:
        server.shutdown()
    _, real, _ = get(nginx, path)
    for name in ("content-type", "cache-control", *(n.lower() for n in published().security_headers)):
        assert python[name] == real[name], name


# -- issue 21, item 13: HSTS, no version, no other Host name ---------------------------------------


def test_nginx_sends_hsts_and_never_its_version(nginx: LocalNginx) -> None:
    for path, method in (("", "GET"), ("nao-existe/", "GET"), ("", "POST")):  # a POST: nginx's own 405 page
        status, headers, body = get(nginx, path, method)
        assert headers["strict-transport-security"] == "max-age=31536000", (path, headers)
        assert headers.get("server") == "nginx", headers  # `server_tokens off`: no version
        assert b"nginx/" not in body


def test_an_unknown_host_name_gets_no_answer(nginx: LocalNginx) -> None:
    conn = http.client.HTTPSConnection("127.0.0.1", nginx.port, context=nginx.certificate.ssl_context(), timeout=30)
    try:
        conn.request("GET", "/", headers={"Host": "atacante.exemplo"})
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            conn.getresponse()
    finally:
        conn.close()
    status, _headers, _body = get(nginx, "")  # the site's own name still answers
    assert status == 200
