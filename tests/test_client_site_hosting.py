"""The client site's hosting: the nginx file the Hospedagem page gives for it runs on the real nginx, alone and
beside the analysts' file, and serves every kind of file with the same headers and CSP discipline."""

from __future__ import annotations

import http.client
import re
from pathlib import Path

import pytest
from conftest import ROOT, published, with_host_values
from mkdocs.config import load_config

from decision_tree.sitegen import hosting, pages_hosting
from decision_tree.sitegen.inline_scripts import blocked_in_site
from decision_tree.sitegen.local_nginx import LocalNginx

pytestmark = pytest.mark.xdist_group("client_site")


def get(nginx: LocalNginx, path: str) -> tuple[int, dict[str, str]]:
    conn = http.client.HTTPSConnection("127.0.0.1", nginx.port, context=nginx.certificate.ssl_context(), timeout=30)
    try:
        conn.request("GET", "/" + path, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


def client_blocks() -> list[str]:
    """The client site's nginx files on the Hospedagem page (its section's tabs), unindented."""
    page = pages_hosting.hosting_pages(load_config(str(ROOT / "mkdocs.yml")))[pages_hosting.PAGE]
    section = page[page.index("{#clientes}"):]
    return [re.sub(r"^    ", "", b, flags=re.M) for b in re.findall(r"^    ```nginx\n(.*?)^    ```$", section, re.S | re.M)]


def test_the_page_gives_the_file_the_client_nginx_runs_with_only_the_host_values_changed(client_nginx: LocalNginx) -> None:
    legacy, current = client_blocks()
    shown = current if client_nginx.version >= hosting.HTTP2_ON else legacy
    shown = with_host_values(shown, client_nginx, hosting.CLIENT_SERVER_NAME, hosting.CLIENT_SITE_ROOT,
                             hosting.CLIENT_CERTIFICATE_KEY, hosting.CLIENT_CERTIFICATE)
    assert client_nginx.site_conf.read_text() == shown
    assert hosting.CONFIG_FILE not in shown and "$diretrizes_cache_control" not in shown


def test_both_sites_files_run_in_one_nginx_without_a_warning(client_nginx: LocalNginx, client_site_dir: Path,
                                                              tmp_path: Path) -> None:
    """The analysts' file and the clients' file included in the same `http`: `nginx -t` accepts both, no warning
    (`nginx -t` reads the files only: any folder serves as the analysts' root)."""
    analysts = LocalNginx(client_site_dir, published(), tmp_path / "both", certificate=client_nginx.certificate)
    analysts.write(client_nginx.port + 1)
    main = analysts.main_conf.read_text()
    analysts.main_conf.write_text(main.replace(f"    include {analysts.site_conf};\n",
                                               f"    include {analysts.site_conf};\n    include {client_nginx.site_conf};\n"))
    assert str(client_nginx.site_conf) in analysts.main_conf.read_text()
    analysts.check()  # raises on any [warn] or [emerg], e.g. a duplicate map variable


def test_every_kind_of_file_of_the_client_site_is_served_with_the_published_headers(client_nginx: LocalNginx,
                                                                                       client_site_dir: Path) -> None:
    client = hosting.for_client_project(ROOT)
    assert client.csp == client_nginx.hosting.csp and "frame-ancestors 'none'" in client.csp
    assert not blocked_in_site(client_site_dir, client.scripts)
    wheel = next((client_site_dir / "assets" / "pyodide").glob("*.whl")).relative_to(client_site_dir).as_posix()
    slice_ = next((client_site_dir / "assets" / "pyodide").glob("snapshot-*/*.gz")).relative_to(client_site_dir).as_posix()
    core = next((client_site_dir / "assets" / "pyodide").glob("[0-9]*/pyodide.asm.wasm")).relative_to(client_site_dir).as_posix()
    for path in ("", "calculadora/", "assets/pyodide/engine.json", wheel, slice_, core, "assets/app/calculator.js",
                 "search/search_index.json"):
        status, headers = get(client_nginx, path)
        assert status == 200, path
        for name, value in client.headers("/" + path).items():
            assert headers.get(name.lower()) == value, (path, name)
        name = path.rsplit("/", 1)[-1] or "index.html"
        assert headers["content-type"] == hosting.content_type(name), path
    status, headers = get(client_nginx, "assistente/")  # the analysts' wizard is not there
    assert status == 404 and headers["content-security-policy"] == client.csp
