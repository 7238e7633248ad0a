"""scripts/zensical_check.py: the MkDocs and the Zensical build of both sites, at the root and under a sub-path,
must all work.

The check is run for real (`make zensical-check`, blocking in CI); here it is
shown failing: on a scratch copy of the project with a broken link and an
inline script the published CSP does not allow, planted in a hand-written page
of the analysts' site and in a template of the client site, it exits 1 and
names the page, the link and the script, for each site, tool and variant, and
Chromium reports the blocked script. The generated pages' links are checked
under a sub-path without any build, and the client config Zensical is given
(flattened: it appends INHERIT's lists) is shown to be the one MkDocs reads.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from engine_helpers import ROOT, bundle

from decision_tree.sitegen.pages import generate_pages
from decision_tree.sitegen.render import site_path

CHECK = ROOT / "scripts" / "zensical_check.py"
PLANTED_LINK = "/pagina-que-nao-existe/"
PLANTED_SCRIPT = 'document.title = "script plantado"'
# (the planted page, its URL, the labels of its site's variants in the check's messages)
PLANTED = {
    "docs/zendesk.md": ("zendesk/", ("como no mkdocs.yml", "sob o caminho /suporte/diretrizes/")),
    "decision_tree/sitegen/templates/clientes/valores-de-referencia.md.j2": (
        "valores-de-referencia/",
        ("site dos clientes, como no mkdocs.clientes.yml", "site dos clientes, sob o caminho /suporte/diretrizes/")),
}


class _Urls(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("href", "src", "action") and v is not None]


def test_site_path_is_the_path_of_site_url() -> None:
    assert site_path(None) == "/" and site_path("") == "/"
    assert site_path("https://exemplo.interno") == "/" and site_path("https://exemplo.interno/") == "/"
    assert site_path("https://exemplo.interno/a/b") == "/a/b/" and site_path("https://exemplo.interno/a/b/") == "/a/b/"


@pytest.mark.parametrize("path", ["/", "/suporte/diretrizes/"])
def test_every_link_a_generated_page_writes_in_html_is_under_the_sites_path(path: str) -> None:
    """Raw-HTML links are root-absolute under the site's path (or an in-page #fragment): MkDocs and Zensical leave
    those as written, while a relative one is read against the page's URL by one and its .md file by the other."""
    pages = generate_pages(bundle(), last_changed={}, site_path=path)
    seen = 0
    for name, text in pages.items():
        parser = _Urls()
        parser.feed(text)
        for url in map(html.unescape, parser.urls):
            seen += 1
            assert url.startswith((path, "#", "https://", "mailto:")) and not url.startswith("//"), f"{name}: {url}"
    assert seen > 100
    # and the pages themselves are otherwise the same
    other = generate_pages(bundle(), last_changed={}, site_path="/x/" if path == "/" else "/")
    assert pages.keys() == other.keys()


def _scratch_copy(to: Path) -> Path:
    """The project's files as in the working tree (git's list), sharing node_modules and build-docs' caches."""
    from decision_tree.sitegen.webapp import CACHE, SNAPSHOT_CACHE

    files = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        source = ROOT / rel
        if source.is_file():
            (to / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, to / rel)
    (to / "node_modules").symlink_to(ROOT / "node_modules")
    for cache in (CACHE, SNAPSHOT_CACHE):
        (ROOT / cache).mkdir(parents=True, exist_ok=True)
        (to / cache).parent.mkdir(parents=True, exist_ok=True)
        (to / cache).symlink_to(ROOT / cache)
    return to


@pytest.mark.browser
def test_the_check_fails_on_a_broken_link_and_a_blocked_script_in_either_build_of_either_site(tmp_path: Path) -> None:
    scratch = _scratch_copy(tmp_path / "project")
    for planted in PLANTED:
        page = scratch / planted
        text = page.read_text(encoding="utf-8")
        end = text.rfind("{% endblock %}") if planted.endswith(".j2") else -1  # a template: inside its last block
        at = end if end >= 0 else len(text)
        page.write_text(text[:at] + f'\n<p><a href="{PLANTED_LINK}">link quebrado</a></p>\n\n'
                        f"<script>{PLANTED_SCRIPT}</script>\n\n" + text[at:], encoding="utf-8")
    only = [arg for url, _ in PLANTED.values() for arg in ("--only", url)]
    run = subprocess.run([sys.executable, str(CHECK), "--root", str(scratch), *only],
                         capture_output=True, text=True, timeout=1200)
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert re.search(r"^zensical-check: MkDocs e Zensical \S+: \d+ problema\(s\)", run.stdout, re.M), out
    for url, variants in PLANTED.values():
        for tool in ("MkDocs", "Zensical"):
            for variant in variants:
                mine = [line for line in run.stdout.splitlines() if line.startswith(f"  - [{tool}, {variant}] ")]
                link = [line for line in mine if f"{url}index.html: o link '{PLANTED_LINK}' " in line
                        and ("que não existe" in line or "sai do site" in line)]  # under the sub-path it leaves the site
                script = [line for line in mine if f"a CSP publicada bloqueia: {url}index.html: inline script" in line
                          and PLANTED_SCRIPT[:20] in line]
                blocked = [line for line in mine if f"{url}: console.error: CSP violation: script-src" in line]
                assert link and script and blocked, f"{tool}, {variant}:\n{out}"
                assert len(mine) == 3, f"{tool}, {variant}: only the planted problems:\n{out}"
    # the project itself is untouched: its own pages still pass
    for planted in PLANTED:
        assert "pagina-que-nao-existe" not in (ROOT / planted).read_text(encoding="utf-8")


def _load_check():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("zensical_check", CHECK)
    assert spec and spec.loader
    zensical_check = sys.modules.setdefault("zensical_check", importlib.util.module_from_spec(spec))  # for its dataclass
    spec.loader.exec_module(zensical_check)
    return zensical_check


ZENSICAL_NAV = "import json, sys; from zensical.config import _yaml_load; print(json.dumps(_yaml_load(open(sys.argv[1]))['nav']))"


def test_zensical_is_given_the_client_config_as_mkdocs_reads_it(tmp_path: Path) -> None:
    """Zensical 0.0.73 reads INHERIT but appends the parent's lists (the analysts' nav before the clients'); the
    check gives it mkdocs.clientes.yml flattened, which MkDocs and Zensical read as MkDocs reads the original."""
    from mkdocs.config import load_config

    zensical_check = _load_check()
    python = zensical_check.zensical().parent / "python"
    for name in ("mkdocs.yml", "mkdocs.clientes.yml", "overrides"):
        (tmp_path / name).symlink_to(ROOT / name)
    for docs in ("site-src", "site-src-clientes"):
        (tmp_path / docs).mkdir()
    flat = zensical_check.zensical_config(tmp_path / "mkdocs.clientes.yml")
    assert flat != tmp_path / "mkdocs.clientes.yml" and not re.search(r"^INHERIT:", flat.read_text(encoding="utf-8"), re.M)
    original, flattened = (load_config(str(f)) for f in (tmp_path / "mkdocs.clientes.yml", flat))
    for key in ("site_name", "docs_dir", "site_dir", "nav", "extra", "markdown_extensions", "mdx_configs", "extra_css"):
        assert flattened[key] == original[key], key
    assert flattened.theme.custom_dir == original.theme.custom_dir and flattened.theme["features"] == original.theme["features"]

    def zensical_nav(config: Path) -> list:  # type: ignore[type-arg]
        read = subprocess.run([str(python), "-c", ZENSICAL_NAV, str(config)], capture_output=True, text=True, check=True)
        return json.loads(read.stdout)

    assert zensical_nav(flat) == original["nav"]
    # Why: given the original, Zensical puts the analysts' pages first. When this fails, Zensical merges INHERIT
    # as MkDocs does, and the check can give it mkdocs.clientes.yml itself.
    analysts = load_config(str(tmp_path / "mkdocs.yml"))["nav"]
    assert zensical_nav(tmp_path / "mkdocs.clientes.yml") == analysts + original["nav"]


def test_the_overridden_partial_is_zensicals_own(tmp_path: Path) -> None:
    """overrides/partials/javascripts/base.html must stay Zensical's copy: the check says so when it drifts."""
    zensical_check = _load_check()
    tool = zensical_check.zensical()
    assert zensical_check.partial_drift(ROOT, tool) == []
    scratch = tmp_path / "project"
    shutil.copytree(ROOT / "overrides", scratch / "overrides")
    partial = scratch / "overrides" / zensical_check.OVERRIDDEN_PARTIAL
    partial.write_text(partial.read_text(encoding="utf-8").replace("data-platform", "data-os"), encoding="utf-8")
    [problem] = zensical_check.partial_drift(scratch, tool)
    assert "overrides/partials/javascripts/base.html difere do" in problem and "copie o do Zensical instalado" in problem
