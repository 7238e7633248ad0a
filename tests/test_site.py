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

from decision_tree.core.engine import Engine
from decision_tree.core.model import Guidelines
from decision_tree.sources.bundle import load_bundle
from decision_tree.sources.markup import render_markdown

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


def local_sources(data: object) -> list[dict]:
    """Every local `source` of the bundle (the items labelled "Não consta na diretriz")."""
    if isinstance(data, dict):
        found = [data["source"]] if isinstance(data.get("source"), dict) and data["source"].get("kind") == "local" else []
        return found + [s for k, v in data.items() if k != "source" for s in local_sources(v)]
    if isinstance(data, list):
        return [s for v in data for s in local_sources(v)]
    return []


def badges(page: str) -> list[str]:
    """The anchors the "Não consta na diretriz" labels of a page link to."""
    return re.findall(r'<span class="kb-local"><a href="[^"]*pontos-a-confirmar/#([^"]+)">Não consta na diretriz</a>', page)


def test_home_sends_each_user_to_their_job(site_dir: Path, g: Guidelines) -> None:
    page = page_html(site_dir, "")
    text = content_text(site_dir, "")
    for label, link in [("Rodar o assistente", "assistente/"), ("Estimar um custo", "calculadora/"),
                        ("Ler as diretrizes", "modos/suporte-padrao/"), ("Copiar uma macro", "macros/")]:
        assert re.search(rf'href="/{re.escape(link)}"[^>]*>{label}</a>', page), label
    assert norm(g.title) in text
    for mode in g.modes.values():
        assert norm(mode.title) in text and norm(mode.summary.text) in text
        assert norm(g.billing.modes[mode.id].summary.text) in text
    assert "texto exato" not in text.lower() and "texto proposto" in text.lower()
    assert 'href="/pontos-a-confirmar/"' in page


def test_every_criterion_is_on_its_mode_page_with_its_own_anchor(site_dir: Path, g: Guidelines) -> None:
    for c in g.criteria.values():
        url = f"modos/{c.mode}/"
        text = content_text(site_dir, url)
        assert shown(c.text) in text and norm(c.title) in text and norm(c.section) in text, c.id
        assert re.search(rf'<li id="{c.id}"', page_html(site_dir, url)), c.id


def test_the_three_confirmations_are_grouped(site_dir: Path, g: Guidelines) -> None:
    page = page_html(site_dir, "modos/consultoria-modulo/")
    group = page.split("Quando o Cliente e/ou Consultor confirma</strong>", 1)[1].split("</ol>", 1)[0]
    confirmations = [c for c in g.criteria.values() if c.section == "Quando o Cliente e/ou Consultor confirma"]
    assert len(confirmations) == 3
    assert all(f'id="{c.id}"' in group for c in confirmations)


def test_the_overlapping_criteria_point_to_each_other(site_dir: Path) -> None:
    modulo = page_html(site_dir, "modos/consultoria-modulo/")
    tele = page_html(site_dir, "modos/consultoria-telefonica/")
    assert 'href="/modos/consultoria-telefonica/#telefonica-registros-gravados"' in modulo.split('id="modulo-cadastro-gravado"', 1)[1]
    assert 'href="/modos/consultoria-modulo/#modulo-cadastro-gravado"' in tele.split('id="telefonica-registros-gravados"', 1)[1]


def test_the_readings_of_the_guideline_are_on_the_mode_pages_and_labelled(site_dir: Path, g: Guidelines) -> None:
    for mode in g.modes.values():
        url = f"modos/{mode.id}/"
        text, page = content_text(site_dir, url), page_html(site_dir, url)
        for r in mode.readings:
            assert shown(r.text) in text
            assert r.source.local and r.source.anchor in badges(page)
    assert "o teste foi feito em ambiente atualizado e padrão" in content_text(site_dir, "modos/consultoria-modulo/")


def test_prerequisites_are_on_the_pages_of_their_modes(site_dir: Path, g: Guidelines) -> None:
    for p in g.prerequisites.values():
        modes = set(p.modes) | {c.mode for c in g.criteria.values() if p.id in c.prerequisites}
        assert modes, p.id
        for mode in modes:
            url = f"modos/{mode}/"
            assert norm(p.title) in content_text(site_dir, url) and shown(p.text) in content_text(site_dir, url)
            assert p.id in ids_of(page_html(site_dir, url))


def test_billing_rules_and_values_are_on_each_mode_page_with_their_labels(site_dir: Path, g: Guidelines) -> None:
    for mode_id, billing in g.billing.modes.items():
        url = f"modos/{mode_id}/"
        text, page = content_text(site_dir, url), page_html(site_dir, url)
        assert "tarifacao" in ids_of(page)
        for rule in billing.rules():
            assert shown(rule.text) in text, (mode_id, rule.text)
            assert (rule.source.anchor in badges(page)) == rule.source.local
    modulo = page_html(site_dir, "modos/consultoria-modulo/")
    text = content_text(site_dir, "modos/consultoria-modulo/")
    assert "Impostos de referência: ISS 5%, PIS 0,65%, COFINS 3%." in text
    assert g.billing.taxes_source.anchor in badges(modulo) and g.billing.rate_per_minute.source.anchor in badges(modulo)
    assert g.billing.partial_minutes.source.anchor in badges(modulo)


def test_suporte_padrao_lists_its_checks_and_what_the_guideline_lacks(site_dir: Path, g: Guidelines) -> None:
    text = content_text(site_dir, "modos/suporte-padrao/")
    page = page_html(site_dir, "modos/suporte-padrao/")
    for check in g.checks.values():
        step = norm(check.next_step.text)
        step = step[:1].lower() + step[1:]  # after "Se ainda não tiver sido feita:" (no capital after a colon)
        assert norm(check.title) in text and f"Se ainda não tiver sido feita: {step}" in text and check.id in ids_of(page)
        assert check.next_step.source.anchor in badges(page)
    assert "check-list não faz parte da diretriz publicada" in text
    assert "Se ainda não tiver sido feita" in text and "Enquanto uma delas não tiver sido feita" in text


def test_mode_pages_offer_their_macros_by_audience(site_dir: Path, g: Guidelines) -> None:
    for mode in g.modes.values():
        page = page_html(site_dir, f"modos/{mode.id}/")
        assert 'href="/assistente/"' in page and "Abrir o assistente" in page
        for macro_id in mode.macros:
            assert norm(g.macros[macro_id].title) in content_text(site_dir, f"modos/{mode.id}/")
            assert f'href="../../macros/{macro_id}/"' in page  # a Markdown link: each tool writes it relative
        if mode.macros:
            assert 'class="tabbed-set tabbed-alternate"' in page
            assert "propostas até serem importados do Zendesk" in content_text(site_dir, f"modos/{mode.id}/")


def test_procedures_are_collapsible_and_their_proposed_steps_labelled(site_dir: Path, bundle: dict) -> None:
    page = page_html(site_dir, "material-complementar/")
    text = content_text(site_dir, "material-complementar/")
    for proc in bundle["procedures"]:
        assert re.search(rf'<details class="note" id="{proc["id"]}">\s*<summary>{re.escape(html.escape(proc["title"]))}', page)
        for step in proc["steps"]:
            assert shown(step["text"]) in text
            assert (step["source"].get("anchor") in badges(page)) == (step["source"]["kind"] == "local")
    assert "[ENDEREÇO DE E-MAIL]" in text and "o endereço de e-mail não chegou legível" in text
    assert "área responsável pelos acessos" not in text


def test_each_macro_page_says_whether_its_text_is_official_and_copies_it(site_dir: Path, g: Guidelines) -> None:
    for macro in g.macros.values():
        url = f"macros/{macro.id}/"
        page = page_html(site_dir, url)
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
        assert h1 and html.unescape(h1.group(1)).strip() == macro.title
        text = content_text(site_dir, url)
        assert shown(macro.when.text) in text
        for audience in macro.audiences:
            assert norm(g.audiences[audience].title) in text
        assert norm(re.sub(r"<[^>]+>", " ", macro.body.html)) in text
        plain = re.search(r"<div hidden data-copy-plain>(.*?)</div>", page, re.S)
        assert plain and html.unescape(plain.group(1)) == macro.body.plain
        assert "**" not in macro.body.plain
        assert ("Copiar texto da macro" if macro.body.official else "Copiar texto proposto") in text
        status = "Texto oficial do Zendesk" if macro.body.official else "Texto proposto: não é o texto oficial"
        assert status in text
        assert macro.body.official or macro.body.source.anchor in badges(page)


def test_macro_json_for_zendesk_is_published(site_dir: Path, g: Guidelines) -> None:
    for macro in g.macros.values():
        data = json.loads((site_dir / "macros" / f"{macro.id}.json").read_text(encoding="utf-8"))
        assert data["title"] == macro.title
        assert f'href="/macros/{macro.id}.json"' in page_html(site_dir, f"macros/{macro.id}/")


def test_macros_index_lists_every_macro_and_its_status(site_dir: Path, g: Guidelines) -> None:
    text = content_text(site_dir, "macros/")
    for macro in g.macros.values():
        assert norm(macro.title) in text
    assert "propostas deste projeto até serem importados do Zendesk" in text


def test_every_local_item_is_labelled_and_listed_to_confirm(site_dir: Path, bundle: dict) -> None:
    anchors = {s["anchor"] for s in local_sources(bundle)}
    assert len(anchors) >= 30
    listed = ids_of(page_html(site_dir, "pontos-a-confirmar/"))
    assert anchors <= listed
    labelled = {a for file in site_dir.rglob("*.html") for a in badges(file.read_text(encoding="utf-8"))}
    assert anchors <= labelled, sorted(anchors - labelled)
    text = content_text(site_dir, "pontos-a-confirmar/")
    for gap in bundle["gaps"]:
        assert norm(gap["title"]) in text and f"lacuna-{gap['id']}" in listed


def test_decision_table_lists_every_answer_and_where_it_leads(site_dir: Path, g: Guidelines) -> None:
    page = page_html(site_dir, "tabela-de-decisao/")
    text = content_text(site_dir, "tabela-de-decisao/")
    engine = Engine(g)
    for q in engine.questions_in_order():
        assert q.id in ids_of(page) and norm(q.question) in text
        for o in q.options:
            row = re.search(rf'<tr id="{q.id}--{o.id}"[^>]*>(.*?)</tr>', page, re.S)
            assert row, (q.id, o.id)
            row_text = norm(re.sub(r"<[^>]+>", " ", row.group(1)))
            assert norm(o.label) in row_text
            target = g.questions.get(o.next)
            assert (norm(target.question) if target else norm(g.outcomes[o.next].summary.text)) in row_text
            for c in o.criteria:  # criteria by name, with their anchor
                assert f'href="/modos/{g.criteria[c].mode}/#{c}"' in row.group(1) and norm(g.criteria[c].title) in row_text
    assert set(g.outcomes) <= ids_of(page)
    assert f"{sum(1 for _ in engine.paths())} caminhos possíveis" in text
    assert '<form class="kb-filter" data-role="table-filter" hidden>' in page


def test_the_decision_table_grows_with_the_tree_not_with_its_paths(bundle: dict) -> None:
    """Hardening 7: ten shared questions made a 121 MB table. Here 4 and 8 shared yes/no questions
    (16 and 256 paths) give pages of about the same order of size."""
    from decision_tree.sitegen.pages_tree import decision_table

    def chain(k: int) -> int:
        nodes = [{"id": f"q{i}", "question": f"Pergunta {i}?", "options": [
            {"id": "a", "label": "A", "next": f"q{i + 1}" if i + 1 < k else "out-sp-duvida"},
            {"id": "b", "label": "B", "next": f"q{i + 1}" if i + 1 < k else "out-sp-duvida"}]} for i in range(k)]
        synthetic = {**bundle, "tree": {**bundle["tree"], "start": "q0", "nodes": nodes}}
        return len(decision_table(Guidelines.from_dict(synthetic), "2026-11-29"))

    small, large = chain(4), chain(8)
    assert large < 2.5 * small


def test_flowchart_names_every_arrow(site_dir: Path, g: Guidelines) -> None:
    page = page_html(site_dir, "fluxograma/")
    source = re.search(r'<pre class="mermaid"><code>(.*?)</code></pre>', page, re.S)
    assert source, "no Mermaid block"
    chart = html.unescape(source.group(1))
    assert "\nflowchart TD\n" in chart and "useMaxWidth: false" in chart  # readable text, scrolled sideways
    assert len(re.findall(r"^\s+p\d+\(\"", chart, re.M)) == len(g.questions)
    assert len(re.findall(r"^\s+r\d+\(\[\"", chart, re.M)) == len(g.outcomes)
    edges = re.findall(r'-->\|"([^"]*)"\|', chart)
    assert len(edges) == sum(len(q.options) for q in g.questions.values())
    assert not any(re.search(r"\d+ respostas", e) for e in edges)
    assert any(e.startswith(g.audiences["ams"].short) and "paga: Unidade/Franquia" in e for e in edges)
    for m in g.modes.values():
        assert f"stroke:{m.color}" in chart


def test_mermaid_comes_from_the_site_through_materials_documented_global(site_dir: Path) -> None:
    """No patch of Material's bundle: the flowchart page defines `mermaid` with the pinned copy, and
    Material's loader goes to its CDN only when that global is missing."""
    page = page_html(site_dir, "fluxograma/")
    script = page.index('<script src="/assets/vendor/mermaid.min.js"></script>')
    assert script < page.index('class="mermaid"') < page.index("assets/javascripts/bundle.")
    vendored = site_dir / "assets/vendor/mermaid.min.js"
    assert vendored.read_bytes() == (ROOT / "node_modules/mermaid/dist/mermaid.min.js").read_bytes()
    bundle_js = next((site_dir / "assets/javascripts").glob("bundle.*.min.js")).read_text(encoding="utf-8")
    assert 'typeof mermaid=="undefined"' in bundle_js, "Material no longer guards its Mermaid CDN on the global"
    for other in ("", "modos/consultoria-modulo/", "assistente/"):
        assert "mermaid.min.js" not in page_html(site_dir, other)


def test_history_and_last_change_dates(site_dir: Path, bundle: dict) -> None:
    text = content_text(site_dir, "historico/")
    for entry in bundle["changelog"]:
        y, m, d = entry["date"].split("-")
        assert f"{d}/{m}/{y}" in text and shown(entry["summary"]) in text
        for change in entry["changes"]:
            assert shown(change) in text
    generated = ["", "modos/suporte-padrao/", "modos/consultoria-modulo/", "modos/consultoria-telefonica/",
                 "material-complementar/", "macros/", "tabela-de-decisao/", "fluxograma/", "historico/", "pontos-a-confirmar/"]
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


def _third_party_copies() -> set[bytes]:
    """Files copied byte for byte from a pinned package: npm's (Pyodide, Mermaid) and Material's own theme."""
    import material

    roots = [ROOT / "node_modules", Path(material.__file__).parent / "templates"]
    files = (p for r in roots for p in r.rglob("*") if p.is_file() and p.suffix in {".js", ".mjs", ".json", ".map"})
    return {hashlib.sha256(p.read_bytes()).digest() for p in files}


def test_nothing_is_loaded_from_another_origin(site_dir: Path) -> None:
    npm = _third_party_copies()
    problems = []
    for file in sorted(site_dir.rglob("*")):
        if file.suffix not in {".html", ".css", ".js", ".mjs", ".json", ".map"}:
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        name = file.relative_to(site_dir).as_posix()
        # A pinned file copied byte for byte may name a CDN as a default it never uses (Pyodide's
        # cdnUrl when no packageBaseUrl is set; Material's Mermaid URL when no `mermaid` global is
        # defined): what the pages load is checked in the browser (test_airgap_csp_browser.py).
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
        pytest.param("next: q-parametros: sim", id="yaml-syntax-error"),
        pytest.param("next: q-nao-existe", id="dangling-next"),
    ],
)
def test_a_broken_source_fails_the_strict_build_with_file_and_line(tmp_path: Path, new: str) -> None:
    root = _copy_repo(tmp_path)
    line = _break(root, "next: q-parametros", new)
    out = tmp_path / "out"
    result = build_site(root, out)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"decision_tree/guidelines.yml:{line}:" in output, output
    assert not (out / "index.html").exists() and not out.exists()
