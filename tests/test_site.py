"""The built site: every rule of the guideline on its page, the macros in full,
every path of the tree in the decision table, nothing loaded from another origin,
and a broken source that stops `mkdocs build --strict` with its file and line.

The site is built once per session by the real `mkdocs build --strict`
(`site_dir` in conftest.py); the texts expected come from the YAML sources.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from conftest import ROOT, build_site
from engine_helpers import all_paths as paths

from decision_tree.build.bundle import load_bundle
from decision_tree.build.markup import render_markdown
from decision_tree.engine import Engine
from decision_tree.model import Guidelines

MODES = ("suporte-padrao", "consultoria-modulo", "consultoria-telefonica")


@pytest.fixture(scope="module")
def bundle() -> dict:
    return load_bundle(ROOT)


@pytest.fixture(scope="module")
def g(bundle: dict) -> Guidelines:
    return Guidelines.from_dict(bundle)


# ---------------------------------------------------------------- helpers


def norm(text: str) -> str:
    return " ".join(html.unescape(text).replace("\u2026", "...").split())


def shown(markdown_text: str) -> str:
    """A YAML text as a reader sees it once rendered (Markdown marks gone)."""
    return norm(re.sub(r"<[^>]+>", " ", render_markdown(markdown_text)))


def page_html(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def content_text(site: Path, url: str) -> str:
    """The text of a page's main content (no navigation, no footer)."""
    page = page_html(site, url)
    article = re.search(r'<article class="md-content__inner md-typeset">(.*)</article>', page, re.S)
    assert article, f"{url}: no article"
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", article.group(1), flags=re.S)
    return norm(re.sub(r"<[^>]+>", " ", body))


def ids_of(page: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', page))


# ---------------------------------------------------------------- pages


def test_home_sends_each_user_to_their_job(site_dir: Path, g: Guidelines) -> None:
    page = page_html(site_dir, "")
    text = content_text(site_dir, "")
    for label, link in [("Rodar o assistente", "assistente/"), ("Estimar um custo", "calculadora/"),
                        ("Ler as diretrizes", "modos/suporte-padrao/")]:
        assert re.search(rf'href="{re.escape(link)}"[^>]*>{label}</a>', page), label
    assert norm(g.title) in text
    for mode in g.modes.values():
        assert norm(mode.title) in text and norm(mode.short) in text


def test_every_criterion_is_on_its_mode_page_with_its_own_anchor(site_dir: Path, g: Guidelines) -> None:
    for c in g.criteria.values():
        url = f"modos/{c.mode}/"
        assert shown(c.text) in content_text(site_dir, url), c.id
        assert re.search(rf'<li id="{c.id}"', page_html(site_dir, url)), c.id
        assert norm(c.section) in content_text(site_dir, url)


def test_the_three_confirmations_are_grouped(site_dir: Path, g: Guidelines) -> None:
    page = page_html(site_dir, "modos/consultoria-modulo/")
    group = page.split("Quando o Cliente e/ou Consultor confirma", 1)[1].split("</ol>", 1)[0]
    confirmations = [c for c in g.criteria.values() if c.section == "Quando o Cliente e/ou Consultor confirma"]
    assert len(confirmations) == 3
    for c in confirmations:
        assert f'id="{c.id}"' in group


def test_prerequisites_are_on_the_pages_of_their_modes(site_dir: Path, g: Guidelines) -> None:
    for p in g.prerequisites.values():
        modes = set(p.modes) | {c.mode for c in g.criteria.values() if p.id in c.prerequisites}
        assert modes, p.id
        for mode in modes:
            url = f"modos/{mode}/"
            text = content_text(site_dir, url)
            assert norm(p.title) in text and shown(p.text) in text, (p.id, mode)
            assert p.id in ids_of(page_html(site_dir, url))
    warning = page_html(site_dir, "modos/consultoria-modulo/").split('id="pre-requisitos"', 1)[1]
    assert warning.split("</div>", 1)[0].count('class="admonition warning"') == 1


def test_billing_rules_rate_and_taxes_are_on_each_mode_page(site_dir: Path, g: Guidelines) -> None:
    for mode_id, billing in g.billing.modes.items():
        url = f"modos/{mode_id}/"
        text = content_text(site_dir, url)
        assert "tarifacao" in ids_of(page_html(site_dir, url))
        for rule in billing.rules:
            assert shown(rule) in text, (mode_id, rule)
        if billing.billed:
            assert "R$ 3,00 por minuto — valor de referência; o valor efetivo é o do Termo de Aceite" in text
        if billing.minimum_minutes:
            assert f"{billing.minimum_minutes} minutos" in text
    modulo = content_text(site_dir, "modos/consultoria-modulo/")
    assert "ISS 5%, PIS 0,65%, COFINS 3% (total 8,65%)" in modulo


def test_suporte_padrao_lists_its_checks(site_dir: Path, g: Guidelines) -> None:
    text = content_text(site_dir, "modos/suporte-padrao/")
    ids = ids_of(page_html(site_dir, "modos/suporte-padrao/"))
    for check in g.checks.values():
        assert norm(check.title) in text and norm(check.text) in text and norm(check.next_step) in text
        assert check.id in ids


def test_mode_pages_offer_their_macros_by_audience(site_dir: Path, g: Guidelines) -> None:
    for mode in g.modes.values():
        page = page_html(site_dir, f"modos/{mode.id}/")
        assert 'href="../../assistente/"' in page and "Abrir o assistente" in page
        for macro_id in mode.macros:
            macro = g.macros[macro_id]
            assert norm(macro.title) in content_text(site_dir, f"modos/{mode.id}/")
            assert f'href="../../macros/{macro_id}/"' in page
        if mode.macros:
            assert 'class="tabbed-set tabbed-alternate"' in page
            for audience in g.audiences.values():
                assert f">{html.escape(audience.title.split(' (')[0])}</label>" in page


def test_procedures_are_collapsible_blocks(site_dir: Path, bundle: dict) -> None:
    for url in ("material-complementar/", "modos/consultoria-modulo/"):
        page = page_html(site_dir, url)
        text = content_text(site_dir, url)
        for proc in bundle["procedures"]:
            assert re.search(rf'<details class="note" id="{proc["id"]}">\s*<summary>{re.escape(html.escape(proc["title"]))}', page)
            for step in proc["steps"]:
                assert shown(step) in text
            if proc.get("note"):
                assert shown(proc["note"]) in text


def test_each_macro_page_has_the_exact_title_the_audience_and_the_full_body(site_dir: Path, g: Guidelines) -> None:
    for macro in g.macros.values():
        url = f"macros/{macro.id}/"
        page = page_html(site_dir, url)
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
        assert h1 and html.unescape(h1.group(1)).strip() == macro.title
        text = content_text(site_dir, url)
        assert shown(macro.when) in text
        for audience in macro.audiences:
            assert norm(g.audiences[audience].title) in text
        code = re.findall(r'<div class="[^"]*highlight"><pre>.*?<code>(.*?)</code></pre>', page, re.S)
        assert len(code) == 1, url
        body = html.unescape(re.sub(r"<[^>]+>", "", code[0]))
        assert body.strip() == macro.body.strip()
        assert norm(macro.body) in text  # the copyable text
        assert shown(macro.body) in text  # and the rendered one


def test_macro_json_for_zendesk_is_published(site_dir: Path, g: Guidelines) -> None:
    for macro in g.macros.values():
        data = json.loads((site_dir / "macros" / f"{macro.id}.json").read_text(encoding="utf-8"))
        assert data["title"] == macro.title
        assert f'href="../{macro.id}.json"' in page_html(site_dir, f"macros/{macro.id}/")


def test_macros_index_lists_every_macro(site_dir: Path, g: Guidelines) -> None:
    text = content_text(site_dir, "macros/")
    for macro in g.macros.values():
        assert norm(macro.title) in text


def test_decision_table_lists_every_path_and_its_outcome(site_dir: Path, g: Guidelines) -> None:
    engine = Engine(g)
    page = page_html(site_dir, "tabela-de-decisao/")
    rows = {m.group(1): m.group(2) for m in re.finditer(r'<tr id="caminho-\d+" data-state="([^"]+)"[^>]*>(.*?)</tr>', page, re.S)}
    all_paths = list(paths(engine))
    assert len(all_paths) == len(rows) == 43
    for state in all_paths:
        row = rows[engine.encode(state)]
        r = engine.recommend(state)
        row_text = norm(re.sub(r"<[^>]+>", " ", row))
        answers = [norm(f"{a['question']} → {a['answer']}") for a in r["answers"]]
        assert " ".join(answers) in row_text, engine.encode(state)
        assert norm(r["summary"]) in row_text and norm(r["mode_title"]) in row_text
        for c in r["criteria"]:
            assert f'href="../{c["url"]}"' in row
        for m in r["macros"]:
            assert norm(m["title"]) in row_text
    ids = ids_of(page)
    assert set(g.outcomes) <= ids
    assert "<script" not in page.split('<article', 1)[1].split("</article>", 1)[0]


def test_flowchart_is_mermaid_served_by_the_site(site_dir: Path, g: Guidelines) -> None:
    page = page_html(site_dir, "fluxograma/")
    source = re.search(r'<pre class="mermaid"><code>(.*?)</code></pre>', page, re.S)
    assert source, "no Mermaid block"
    chart = html.unescape(source.group(1))
    assert chart.startswith("flowchart TD")
    assert len(re.findall(r"^\s+p\d+\(\"", chart, re.M)) == len(g.questions)
    assert len(re.findall(r"^\s+r\d+\(\[\"", chart, re.M)) == len(g.outcomes)
    vendored = site_dir / "assets/vendor/mermaid.min.js"
    assert vendored.read_bytes() == (ROOT / "node_modules/mermaid/dist/mermaid.min.js").read_bytes()
    bundle_js = next((site_dir / "assets/javascripts").glob("bundle.*.min.js")).read_text(encoding="utf-8")
    assert 'new URL("assets/vendor/mermaid.min.js",__md_scope)' in bundle_js
    assert "mermaid" not in page_html(site_dir, "modos/consultoria-modulo/").lower()


def test_history_and_last_change_dates(site_dir: Path, bundle: dict) -> None:
    text = content_text(site_dir, "historico/")
    for entry in bundle["changelog"]:
        y, m, d = entry["date"].split("-")
        assert f"{d}/{m}/{y}" in text
        assert shown(entry["summary"]) in text
        for change in entry["changes"]:
            assert shown(change) in text
    generated = ["", "modos/suporte-padrao/", "modos/consultoria-modulo/", "modos/consultoria-telefonica/",
                 "material-complementar/", "macros/", "tabela-de-decisao/", "fluxograma/", "historico/"]
    generated += [f"macros/{m['id']}/" for m in bundle["macros"]]
    for url in generated:
        assert re.search(r"Última alteração: \d\d/\d\d/\d{4}", content_text(site_dir, url)), url


def test_search_works_offline_in_portuguese(site_dir: Path) -> None:
    index = json.loads((site_dir / "search/search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["pt"]
    assert (site_dir / "assets/javascripts/lunr/min/lunr.pt.min.js").is_file()
    assert any("Consultoria do Módulo" in doc["text"] for doc in index["docs"])


# ---------------------------------------------------------------- links and origins


def _site_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_internal_links_and_anchors_resolve(site_dir: Path) -> None:
    base = "http://site.invalid/"
    problems = []
    for file in _site_pages(site_dir):
        page_url = urljoin(base, file.relative_to(site_dir).as_posix())
        page = file.read_text(encoding="utf-8")
        for attr, value in re.findall(r'\s(href|src)="([^"]*)"', page):
            value = html.unescape(value)
            if not value or value.startswith(("#", "mailto:", "data:", "javascript:")) or "//" in value.split("#")[0][:8]:
                continue
            target = urlparse(urljoin(page_url, value))
            path = site_dir / unquote(target.path.lstrip("/"))
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                problems.append(f"{file.relative_to(site_dir)}: {attr}={value}")
            elif target.fragment and path.suffix == ".html":
                if target.fragment not in ids_of(path.read_text(encoding="utf-8")):
                    problems.append(f"{file.relative_to(site_dir)}: {value} (no such anchor)")
    assert not problems, "\n".join(problems)


CDN_HOSTS = ("unpkg.com", "jsdelivr.net", "cdnjs.cloudflare.com", "fonts.googleapis.com", "fonts.gstatic.com",
             "googletagmanager.com", "google-analytics.com", "ajax.googleapis.com")
ABSOLUTE = r"""['"`](?:https?:)?//"""
JS_LOADERS = [
    rf"\bimport\s*\(\s*{ABSOLUTE}",
    rf"\bfrom\s*{ABSOLUTE}",
    rf"\bimport\s*{ABSOLUTE}",
    rf"\bimportScripts\s*\(\s*{ABSOLUTE}",
    rf"\bfetch\s*\(\s*{ABSOLUTE}",
    rf"\bnew\s+(?:Shared)?Worker\s*\(\s*{ABSOLUTE}",
    rf"\bnew\s+(?:WebSocket|EventSource)\s*\(\s*{ABSOLUTE}",
    rf"\bsendBeacon\s*\(\s*{ABSOLUTE}",
    rf"\.open\s*\(\s*['\"]\w+['\"]\s*,\s*{ABSOLUTE}",
    rf"\bsrc\s*[:=]\s*{ABSOLUTE}",
    rf"\bhref\s*[:=]\s*{ABSOLUTE}",
]
CSS_REMOTE = r"""(?:url\(\s*['"]?|@import\s+['"])(?:https?:)?//"""
HTML_REMOTE = r"""<(?!a\b)[a-z][\w-]*\b[^>]*?\s(?:src|href|srcset|poster|data|action|formaction|background)\s*=\s*["']?\s*(?:https?:)?//"""


def _npm_copies() -> set[bytes]:
    files = (p for p in (ROOT / "node_modules").rglob("*") if p.is_file() and p.suffix in {".js", ".mjs", ".json"})
    return {hashlib.sha256(p.read_bytes()).digest() for p in files}


def test_nothing_is_loaded_from_another_origin(site_dir: Path) -> None:
    npm = _npm_copies()
    problems = []
    for file in sorted(site_dir.rglob("*")):
        if file.suffix not in {".html", ".css", ".js", ".mjs", ".json", ".map"}:
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        name = file.relative_to(site_dir).as_posix()
        # A pinned npm file copied byte for byte may name a CDN as a default it never
        # uses (Pyodide's cdnUrl when no packageBaseUrl is set); what it loads is checked below.
        if hashlib.sha256(file.read_bytes()).digest() not in npm:
            problems += [f"{name}: mentions {host}" for host in CDN_HOSTS if host in text]
        if file.suffix == ".html":
            problems += [f"{name}: {m.group(0)[:100]}" for m in re.finditer(HTML_REMOTE, text, re.I)]
            links = re.finditer(r'<a\b[^>]*\shref="((?:https?:)?//[^"]*)"', text)
            problems += [f"{name}: link to another site: {m.group(1)}" for m in links]
            for script in re.findall(r"<script\b[^>]*>(.*?)</script>", text, re.S):
                problems += [f"{name}: inline script {m.group(0)}" for p in JS_LOADERS for m in re.finditer(p, script)]
            for style in re.findall(r"<style\b[^>]*>(.*?)</style>|\sstyle=\"([^\"]*)\"", text, re.S):
                problems += [f"{name}: {m.group(0)}" for m in re.finditer(CSS_REMOTE, "".join(style))]
        elif file.suffix == ".css":
            problems += [f"{name}: {m.group(0)}" for m in re.finditer(CSS_REMOTE, text)]
        elif file.suffix in {".js", ".mjs"}:
            problems += [f"{name}: {text[max(0, m.start() - 40):m.end() + 40]}" for p in JS_LOADERS for m in re.finditer(p, text)]
    assert not problems, "\n".join(problems)


def test_no_web_fonts_and_no_generator_link(site_dir: Path) -> None:
    page = page_html(site_dir, "")
    assert "fonts.googleapis" not in page and "squidfunk.github.io" not in page
    assert "--md-text-font" not in page  # theme.font: false


# ---------------------------------------------------------------- broken sources


def _copy_repo(tmp: Path) -> Path:
    root = tmp / "repo"
    ignore = shutil.ignore_patterns(".venv", "node_modules", "site", "__pycache__", ".cache", ".git", "*.pyc")
    for name in ("decision_tree", "macros", "docs", "overrides", "schemas"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, root / name, ignore=ignore)
    for name in ("mkdocs.yml", "package.json", "package-lock.json", "pyproject.toml"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, root / name)
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    return root


def _break(root: Path, old: str, new: str) -> int:
    """Replace the first line that is exactly `old` (stripped); return its 1-based line number."""
    path = root / "decision_tree/guidelines.yml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    n = next(i for i, line in enumerate(lines) if line.strip() == old)
    lines[n] = lines[n].replace(old, new)
    path.write_text("".join(lines), encoding="utf-8")
    return n + 1


@pytest.mark.parametrize(
    "new",
    [
        pytest.param("next: q-atualizacoes: sim", id="yaml-syntax-error"),
        pytest.param("next: q-nao-existe", id="dangling-next"),
    ],
)
def test_a_broken_source_fails_the_strict_build_with_file_and_line(tmp_path: Path, new: str) -> None:
    root = _copy_repo(tmp_path)
    line = _break(root, "next: q-atualizacoes", new)
    out = tmp_path / "out"
    result = build_site(root, out)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"decision_tree/guidelines.yml:{line}:" in output, output
    assert not (out / "index.html").exists() and not out.exists()
