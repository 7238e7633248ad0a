"""Each fact of the guideline has one home: the YAML under decision_tree/ and macros/.

The code, the scripts of the page and the page templates read ids, texts and numbers from
the sources; none restates one. A rule change is then one edit that the pages, the wizard,
the calculator and the CLI all follow. These tests read the source files, the way a reviewer
would grep them."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from engine_helpers import ROOT, bundle

CODE = sorted((ROOT / "decision_tree").rglob("*.py"))
SCRIPTS = sorted((ROOT / "docs" / "assets" / "app").glob("*.js"))
TEMPLATES = sorted((ROOT / "decision_tree" / "sitegen" / "templates").rglob("*.j2"))  # the client site's too (clientes/)
SHORTEST_TEXT = 18  # shorter texts ("Cliente final", "Suporte Padrão") are words, not rules


def _ids(b: dict) -> set[str]:
    ids: set[str] = set()
    for key in ("modes", "criteria", "audiences", "checks", "prerequisites", "workflow", "owners", "gaps", "macros"):
        ids |= {item["id"] for item in b[key]}
    ids |= set(b["billing"]["payers"]) | {o["id"] for o in b["tree"]["outcomes"]}
    ids |= {q["id"] for q in b["tree"]["nodes"]}
    return ids


def _texts(data: object) -> Iterator[str]:
    """Every prose value of the sources (texts, titles, quoted passages)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and key in {"text", "title", "clause", "pending", "mark", "waiting", "prompt",
                                                  "label", "hint", "guideline", "summary", "prefix"}:
                yield value
            else:
                yield from _texts(value)
    elif isinstance(data, list):
        for value in data:
            yield from _texts(value)


def _numbers(b: dict) -> set[str]:
    """The guideline's numbers as code would spell them: the rate, the tax rates, the minimums."""
    billing = b["billing"]
    rate = Decimal(billing["rate_per_minute"]["value"])
    taxes = {str(Decimal(t["rate"])) for t in billing["taxes"]["items"]}
    spelled = {f"{rate:.2f}", f"{rate:.2f}".replace(".", ",")} | taxes | {t.replace(".", ",") for t in taxes}
    minimums = {m["minimum_minutes"]["value"] for m in billing["modes"].values() if "minimum_minutes" in m}
    return spelled | {f"{n} min" for n in minimums if n}


B = bundle()
IDS = _ids(B)
TEXTS = {t.strip() for t in _texts(B) if len(t.strip()) >= SHORTEST_TEXT}
NUMBERS = _numbers(B)


def _python_strings(path: Path) -> Iterator[tuple[int, str]]:
    """String constants of a module, without its docstrings (which explain, with examples)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


JS_STRING = re.compile(r"""(?<![\w$])(['"`])((?:\\.|(?!\1).)*)\1""")
JS_COMMENT = re.compile(r"^\s*(//|/?\*)")


def _script_strings(path: Path) -> Iterator[tuple[int, str]]:
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not JS_COMMENT.match(line):
            for match in JS_STRING.finditer(line):
                yield lineno, match.group(2)


def _template_strings(path: Path) -> Iterator[tuple[int, str]]:
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        yield lineno, re.sub(r"\{##.*?##\}", "", line)  # Jinja comments ({## ##} here) explain


def _offences(strings: Iterator[tuple[int, str]], *, whole_ids: bool) -> list[str]:
    found = []
    for lineno, value in strings:
        if whole_ids and value in IDS:
            found.append(f"{lineno}: the id {value!r}")
        if not whole_ids:
            found += [f"{lineno}: the id {i!r}" for i in IDS if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", value)
                      and "-" in i]
        found += [f"{lineno}: the text {t[:50]!r}" for t in TEXTS if t in value]
        found += [f"{lineno}: the number {n!r}" for n in NUMBERS if re.search(rf"(?<![\d.,]){re.escape(n)}(?![\d])", value)]
    return found


def _shown(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_facts_to_look_for_were_read() -> None:
    """The test below is only as good as its lists: they hold the guideline's ids, texts and numbers."""
    assert {"consultoria-modulo", "cliente-final", "q-situacao"} <= IDS
    assert any("apendar as tabelas" in t for t in TEXTS) and len(TEXTS) > 100
    assert {"3.00", "3,00", "10 min"} <= NUMBERS


@pytest.mark.parametrize("path", CODE, ids=_shown)
def test_python_code_restates_no_fact_of_the_guideline(path: Path) -> None:
    assert _offences(_python_strings(path), whole_ids=True) == [], "move it to the YAML and read it from the bundle"


@pytest.mark.parametrize("path", SCRIPTS + TEMPLATES, ids=_shown)
def test_page_scripts_and_templates_restate_no_fact_of_the_guideline(path: Path) -> None:
    strings = _script_strings(path) if path.suffix == ".js" else _template_strings(path)
    assert _offences(strings, whole_ids=path.suffix != ".j2") == [], "move it to the YAML and read it from the bundle"


def test_the_check_catches_a_restated_fact(tmp_path: Path) -> None:
    """The checks are not vacuous: a module and a script that restate a fact are caught."""
    module = tmp_path / "m.py"
    module.write_text('"""Docstrings may say consultoria-modulo."""\nPAYER = "cliente"\nRATE = "3,00"\n', encoding="utf-8")
    assert [o.split(": ", 1)[1] for o in _offences(_python_strings(module), whole_ids=True)] == [
        "the id 'cliente'", "the number '3,00'"]
    script = tmp_path / "s.js"
    script.write_text("// a comment may say 'cliente-final'\nconst a = 'consultoria-telefonica';\n", encoding="utf-8")
    assert _offences(_script_strings(script), whole_ids=True) == ["2: the id 'consultoria-telefonica'"]


CONFIGS = [ROOT / "mkdocs.yml", ROOT / "mkdocs.clientes.yml"]
HAND_WRITTEN_PAGES = sorted((ROOT / "docs").glob("*.md"))
NAV_FOLDERS = ("modos/", "macros/")  # the nav entries build-docs checks against the sources (sitegen/nav.py)


def _config_strings(path: Path) -> Iterator[tuple[int, str]]:
    """The lines of a site config, but for the nav entries of the mode and macro pages: those are the sources'
    pages, which build-docs checks the nav lists exactly (test_the_nav_check_catches_a_page_left_out)."""
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not re.fullmatch(rf"\s*- ({'|'.join(NAV_FOLDERS)})[\w-]+\.md\s*", line):
            yield lineno, line


@pytest.mark.parametrize("path", CONFIGS + HAND_WRITTEN_PAGES, ids=_shown)
def test_site_configs_and_hand_written_pages_restate_no_fact_of_the_guideline(path: Path) -> None:
    strings = _config_strings(path) if path.suffix == ".yml" else _template_strings(path)
    assert _offences(strings, whole_ids=False) == [], "say it without the guideline's words, or generate it from the YAML"


def test_the_nav_check_catches_a_page_left_out(tmp_path: Path) -> None:
    """build-docs refuses a nav that leaves out a macro page the sources make, or lists them in another order."""
    from types import SimpleNamespace

    from decision_tree.core import urls
    from decision_tree.core.model import Guidelines
    from decision_tree.sitegen.nav import check_nav, source_pages
    from decision_tree.sources.loader import SourceError

    g = Guidelines.from_dict(B)
    pages = source_pages(g)
    assert pages["modos"] == [urls.mode_file(m["id"]) for m in B["modes"]] and len(pages["macros"]) == len(B["macros"])
    config = tmp_path / "mkdocs.yml"
    config.write_text("nav:\n" + "".join(f"  - {p}\n" for p in pages["modos"] + pages["macros"]), encoding="utf-8")
    check_nav(SimpleNamespace(config_file_path=str(config), nav=pages["modos"] + pages["macros"]), g)  # as they are: fine
    left_out = pages["macros"][-1]
    with pytest.raises(SourceError) as caught:
        check_nav(SimpleNamespace(config_file_path=str(config), nav=pages["modos"] + pages["macros"][:-1]), g)
    assert caught.value.messages == [
        f"mkdocs.yml:{len(pages['modos']) + 2}: o nav não lista {left_out}; liste no nav, nesta ordem (a de "
        f"decision_tree/guidelines.yml): {', '.join(pages['macros'])}"]
    with pytest.raises(SourceError, match="em outra ordem"):
        check_nav(SimpleNamespace(config_file_path=str(config), nav=pages["modos"][::-1] + pages["macros"]), g)
