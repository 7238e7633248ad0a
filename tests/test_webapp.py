"""The browser build of the engine: the wheel, the Pyodide lock, the two pages' static HTML."""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import html.parser
import json
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import markdown
import pytest
from engine_helpers import ROOT, bundle, engine

from decision_tree.core.api import view
from decision_tree.core.model import Guidelines
from decision_tree.sitegen.hosting import PRECOMPRESSED
from decision_tree.sitegen.pages_apps import app_pages, calculator_page, wizard_page
from decision_tree.sitegen.webapp import PYODIDE_CORE, WebappError, core_dir, engine_files, webapp_assets
from decision_tree.sitegen.wheel import modules, wheel_bytes, wheel_name
from decision_tree.sources.bundle import bundle_json

ENGINE_MODULES = {f"decision_tree/{m}" for m in modules(ROOT / "decision_tree")}
HOSTILE = '<script>alert(1)</script> <img src=x onerror="alert(2)"> {{ config }} {: .x } &amp;'


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The wheel and lock as the site build makes them (cache under a scratch root)."""
    root = tmp_path_factory.mktemp("root")
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    return engine_files(bundle(), root)


def test_wheel_holds_only_the_engine_and_the_bundle(built: tuple[Path, Path]) -> None:
    wheel, _ = built
    assert wheel.name == wheel_name() == "decision_tree-1.0.0-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    dist = "decision_tree-1.0.0.dist-info"
    assert names == ENGINE_MODULES | {"decision_tree/bundle.json", f"{dist}/METADATA", f"{dist}/WHEEL", f"{dist}/RECORD"}
    zf = zipfile.ZipFile(wheel)
    assert json.loads(zf.read("decision_tree/bundle.json")) == bundle()
    wheel_meta = zf.read(f"{dist}/WHEEL").decode()
    assert "Root-Is-Purelib: true" in wheel_meta and "Tag: py3-none-any" in wheel_meta
    assert "Name: decision-tree" in zf.read(f"{dist}/METADATA").decode()


def test_wheel_record_hashes_every_file(built: tuple[Path, Path]) -> None:
    zf = zipfile.ZipFile(built[0])
    record = zf.read("decision_tree-1.0.0.dist-info/RECORD").decode().splitlines()
    rows = dict((line.split(",")[0], line.split(",")[1:]) for line in record)
    assert set(rows) == set(zf.namelist())
    for name, (digest, size) in rows.items():
        if name.endswith("RECORD"):
            assert digest == size == ""
            continue
        data = zf.read(name)
        expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        assert (digest, int(size)) == (f"sha256={expected}", len(data)), name


def test_wheel_is_reproducible() -> None:
    package = ROOT / "decision_tree"
    assert wheel_bytes(package, bundle_json(bundle())) == wheel_bytes(package, bundle_json(bundle()))


def test_wheel_alone_runs_the_engine_in_a_fresh_python(built: tuple[Path, Path], tmp_path: Path) -> None:
    """-I -S: no site-packages, no PYTHONPATH, no repository on the path: only the wheel."""
    code = f"""
import importlib.resources, json, sys
sys.path.insert(0, {str(built[0])!r})
import decision_tree.core.api as api
api.init(importlib.resources.files("decision_tree").joinpath("bundle.json").read_text("utf-8"))
start = json.loads(api.handle(json.dumps({{"op": "view"}})))
quote = json.loads(api.handle(json.dumps({{"op": "quote", "mode": "consultoria-modulo", "minutes": "7"}})))
build = [m for m in sys.modules if m.startswith(("decision_tree.sources", "decision_tree.sitegen"))]
print(json.dumps({{"file": api.__file__, "question": start["view"]["question"]["id"], "billed": quote["quote"]["minutes_billed"],
                  "yaml": "yaml" in sys.modules, "build": build}}))
"""
    out = subprocess.run([sys.executable, "-I", "-S", "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["file"].startswith(str(built[0]))
    assert result["question"] == bundle()["tree"]["start"]
    assert result["billed"] == str(bundle()["billing"]["modes"]["consultoria-modulo"]["minimum_minutes"]["value"])
    assert not result["yaml"] and result["build"] == []


def test_lock_lists_the_wheel_with_its_sha256(built: tuple[Path, Path]) -> None:
    wheel, lock = built
    data = json.loads(lock.read_text(encoding="utf-8"))
    npm = json.loads((ROOT / "node_modules/pyodide/pyodide-lock.json").read_text(encoding="utf-8"))
    entry = data["packages"]["decision-tree"]
    assert entry["file_name"] == wheel.name  # beside the lock in assets/pyodide/
    assert entry["sha256"] == hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert entry["imports"] == ["decision_tree"]
    assert entry["depends"] == []
    assert entry["version"] == "1.0.0"
    assert data["info"] == npm["info"]
    assert {k: v for k, v in data["packages"].items() if k != "decision-tree"} == npm["packages"]


def test_engine_files_are_cached_by_content(tmp_path: Path) -> None:
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    first = engine_files(bundle(), tmp_path)
    mtime = first[1].stat().st_mtime_ns
    assert engine_files(bundle(), tmp_path) == first
    assert first[1].stat().st_mtime_ns == mtime
    changed = copy.deepcopy(bundle())
    changed["title"] += " (revisão)"
    second = engine_files(changed, tmp_path)
    assert second[0].parent != first[0].parent
    assert second[0].read_bytes() != first[0].read_bytes()


def test_assets_map_the_pyodide_core_the_wheel_the_lock_the_snapshot_and_the_manifest() -> None:
    assets = webapp_assets(bundle(), ROOT)
    core = core_dir(ROOT)
    assert core == f"assets/pyodide/{json.loads((ROOT / 'node_modules/pyodide/package.json').read_text())['version']}/"
    manifest = json.loads(assets["assets/pyodide/engine.json"])
    snapshot = {f"assets/pyodide/{s['file']}" for s in manifest["snapshot"]["slices"]}
    expected = {core + name for name in PYODIDE_CORE} | {f"assets/pyodide/{name}" for name in ("pyodide-lock.json", wheel_name())}
    expected |= snapshot | {"assets/pyodide/engine.json", f"assets/pyodide/{manifest['snapshot']['stdlib_placeholder']}"}
    expected |= {f"{core}{name}.gz" for name in PRECOMPRESSED}  # gzip_static (the Hosting page's nginx)
    assert set(assets) == expected
    for name in PRECOMPRESSED:
        assert gzip.decompress(Path(assets[f"{core}{name}.gz"]).read_bytes()) == Path(assets[core + name]).read_bytes()
    for path, src in assets.items():
        assert isinstance(src, bytes) or (isinstance(src, Path) and src.is_file()), path


def test_missing_node_modules_says_run_npm_ci(tmp_path: Path) -> None:
    with pytest.raises(WebappError, match="npm ci"):
        webapp_assets(bundle(), tmp_path)


class _Form(html.parser.HTMLParser):
    """Collects the legend text and the radio (value, label) pairs of the first <form>."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.legend = ""
        self.question_text = ""
        self.radios: list[tuple[str, str]] = []
        self.inputs: dict[str, str] = {}
        self.scripts: list[str] = []
        self._in = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a.get("src") or "")
        if tag == "legend":
            self._in = "legend"
        if a.get("data-role") == "question-text":
            self._in = "question"
        if tag == "input" and a.get("type") == "radio":
            self.radios.append((a.get("value") or "", ""))
            self._in = "label"
        if tag == "input" and a.get("type") == "text":
            self.inputs[a.get("name") or ""] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("legend", "label", "span") and self._in in ("legend", "label", "question"):
            if tag == "legend" or (tag == "label" and self._in == "label"):
                self._in = ""
            elif tag == "span" and self._in == "question":
                self._in = "legend"

    def handle_data(self, data: str) -> None:
        if self._in in ("legend", "question"):
            self.legend += data
        if self._in == "question":
            self.question_text += data
        if self._in == "label" and self.radios:
            value, label = self.radios[-1]
            self.radios[-1] = (value, (label + data).strip())


def _rendered(page_md: str) -> _Form:
    """The page as MkDocs renders it (the site's Markdown extensions), parsed."""
    out = markdown.markdown(page_md, extensions=["attr_list", "md_in_html", "admonition", "tables", "toc"])
    parser = _Form()
    parser.feed(out)
    return parser


def test_wizard_page_shows_the_engines_first_question() -> None:
    first = view(engine(), engine().start())["question"]
    page = _rendered(wizard_page(engine().g))
    assert page.question_text == first["text"]
    assert "Pergunta 1" in page.legend
    # the static question, then the <template> of one answer that wizard.js clones
    assert page.radios[:-1] == [(o["id"], o["label"]) for o in first["options"]] and page.radios[-1] == ("", "")
    assert page.scripts == ["/assets/app/wizard.js"]


def test_calculator_page_is_prefilled_with_the_reference_values() -> None:
    b = bundle()["billing"]
    page = _rendered(calculator_page(engine().g))
    assert page.inputs["rate"] == b["rate_per_minute"]["value"].replace(".", ",")
    taxes = [page.inputs[f"tax{i}"] for i in range(len(b["taxes"]["items"]))]
    assert taxes == [format((Decimal(t["rate"]) * 100).normalize(), "f").replace(".", ",") for t in b["taxes"]["items"]]
    assert taxes == ["5", "0,65", "3"]  # the YAML's ISS, PIS, COFINS as a person types them
    assert page.scripts == ["/assets/app/calculator.js"]


def test_pages_escape_every_text_from_the_sources() -> None:
    hostile = copy.deepcopy(bundle())
    tree = hostile["tree"]
    start = next(q for q in tree["nodes"] if q["id"] == tree["start"])
    start["question"] = HOSTILE
    start["options"][0]["label"] = HOSTILE
    hostile["modes"][1]["title"] = HOSTILE
    hostile["audiences"][0]["title"] = HOSTILE
    hostile["billing"]["taxes"]["items"][0]["name"] = HOSTILE
    hostile["billing"]["modes"]["consultoria-modulo"]["waiver"]["text"] = HOSTILE
    pages = app_pages(Guidelines.from_dict(hostile))
    for name, text in pages.items():
        assert "<script>alert" not in text and "<img src=x" not in text, name
        assert text.count("<script") == 1, name  # only the page's own module
    page = _rendered(pages["assistente.md"])
    assert page.question_text == HOSTILE
    assert page.radios[0][1] == HOSTILE
    rendered = markdown.markdown(pages["calculadora.md"], extensions=["attr_list", "md_in_html"])
    assert "<img" not in rendered and "alert(1)</script>" not in rendered
    assert "{{ config }}" in rendered
