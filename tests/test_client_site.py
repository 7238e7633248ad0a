"""The client site (`build-docs --audience clientes`): nothing internal in any of its files.

The leak test reads the internal items straight from the YAML (every item
without `visibility: public`, every macro of macros/*.yml, the marks and the
notes of "Pontos a confirmar"), takes their ids, titles and texts, and looks for
each one in every file of the built client site: the pages (tags stripped and
entities decoded), the search index and the JSON files, the scripts, each file
of the engine's wheel and of every other zip, and the memory snapshot's slices
decompressed (where Python keeps a text as Latin-1 or UTF-16, so each needle
is looked for in UTF-8, Latin-1 and UTF-16). A needle that a public text of
the YAML itself contains cannot tell a leak from a public text and is left
out (counted). `test_the_leak_scan_finds_a_planted_internal_text` shows the
scan finding an internal text planted in a copy of the site, in a page, in the
wheel and in a snapshot slice.
"""

from __future__ import annotations

import gzip
import html
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from engine_helpers import source_root

from decision_tree.sources.bundle import load_bundle, public_bundle
from decision_tree.sources.loader import read_sources
from decision_tree.sources.validate import validate

pytestmark = pytest.mark.xdist_group("client_site")  # one build of the client site for its three test files
ROOT = Path(__file__).resolve().parents[1]
GUIDELINES = ROOT / "decision_tree" / "guidelines.yml"
SHORTEST = 12  # shorter strings ("Cliente", "sim", "aceite") are words, not a sign of a leak
PROSE_KEYS = {"text", "title", "label", "question", "help", "pending", "mark", "waiting", "clause", "summary", "local", "short",
              "name", "prefix", "placeholder", "guideline", "id"}
# The pages the analysts' site has and the client site must not (directory URLs), and its wizard's script.
INTERNAL_PAGES = ("macros/", "pontos-a-confirmar/", "hospedagem/", "zendesk/", "desempenho/", "material-complementar/",
                  "assistente/", "tabela-de-decisao/", "fluxograma/", "historico/")
INTERNAL_FILES = ("assets/app/wizard.js", "assets/app/copy.js", "assets/app/table.js", "assets/vendor/mermaid.min.js")


# -- what is internal, read from the YAML -------------------------------------------------------------------


def _strings(value: object) -> Iterator[str]:
    """The prose of an item, not of the items inside it (lists of mappings)."""
    if isinstance(value, dict):
        for key, child in value.items():
            if isinstance(child, str) and key in PROSE_KEYS:
                yield child
            elif isinstance(child, dict):
                yield from _strings(child)
    elif isinstance(value, str):
        yield value


def _walk(value: object, public: bool) -> Iterator[tuple[object, bool]]:
    """(item, public) for every item below `value`: an element of a list of mappings; public only if it says so
    and the item holding it is public."""
    if isinstance(value, dict):
        for child in value.values():
            yield from _walk(child, public)
    elif isinstance(value, list):
        for child in value:
            if isinstance(child, dict):
                mine = public and child.get("visibility") == "public"
                yield child, mine
                yield from _walk(child, mine)


def internal_and_public(guidelines: dict, macros: list[dict]) -> tuple[set[str], set[str]]:
    """(every string of an internal item, every string of a public item) of the YAML sources."""
    internal: set[str] = set()
    public: set[str] = set()
    items: list[tuple[object, bool]] = []
    for key, value in guidelines.items():
        if isinstance(value, dict):
            top = value.get("visibility") == "public"
            items.append((value, top))
            items += list(_walk(value, top))
        elif isinstance(value, list):
            items += list(_walk(value, True))
        elif isinstance(value, str) and key != "title":
            internal.add(value)
    internal.add(guidelines["title"])
    for item, is_public in items:
        strings = set(_strings(item))
        if is_public:
            # the wizard's marks and the notes of "Pontos a confirmar" stay internal even on a public item
            hidden = {item.get("mark"), item.get("waiting")} | {s.get("local") for s in _sources(item)}
            internal |= {s for s in hidden if isinstance(s, str)}
            public |= strings - internal
        else:
            internal |= strings
    for macro in macros:
        internal |= set(_strings(macro)) | {macro["body"]["text"]}
    return internal, public


def _sources(item: object) -> Iterator[dict]:
    if isinstance(item, dict):
        for key, child in item.items():
            if key == "source" and isinstance(child, dict):
                yield child
            elif isinstance(child, dict):
                yield from _sources(child)


def _normal(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Needles:
    texts: list[str]
    left_out: int  # internal strings a public text contains


def needles() -> Needles:
    guidelines = yaml.safe_load(GUIDELINES.read_text(encoding="utf-8"))
    macros = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "macros").glob("*.yml"))]
    internal, public = internal_and_public(guidelines, macros)
    public_text = "\n".join(_normal(s).casefold() for s in public)
    candidates = {_normal(s) for s in internal if len(_normal(s)) >= SHORTEST}
    kept = sorted(s for s in candidates if s.casefold() not in public_text)
    return Needles(kept, len(candidates) - len(kept))


# -- the scan -----------------------------------------------------------------------------------------------


@dataclass
class Scan:
    files: int = 0
    inner: int = 0  # files inside zips and decompressed snapshot slices
    hits: list[str] = field(default_factory=list)


def _text_views(data: bytes, name: str) -> list[str]:
    text = data.decode("utf-8", errors="replace")
    views = [text]
    if name.endswith((".html", ".md", ".xml", ".json", ".js")):
        unescaped = html.unescape(text)
        views += [unescaped, html.unescape(re.sub(r"<[^>]+>", " ", text))]
    if name.endswith(".json"):
        try:
            views.append(json.dumps(json.loads(text), ensure_ascii=False))
        except ValueError:
            pass
    return [_normal(v) for v in views]


def _scan_bytes(data: bytes, name: str, texts: list[str], scan: Scan) -> None:
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for inner in z.namelist():
                    scan.inner += 1
                    _scan_bytes(z.read(inner), f"{name}!{inner}", texts, scan)
            return
        except zipfile.BadZipFile:
            pass
    if data[:2] == b"\x1f\x8b":
        scan.inner += 1
        data = gzip.decompress(data)
        name += "!gunzip"
    binary = not name.endswith((".html", ".md", ".xml", ".json", ".js", ".mjs", ".css", ".txt", ".py", ".svg"))
    views = _text_views(data, name) if not binary else []
    for needle in texts:
        if binary:
            forms = {needle.encode("utf-8"), needle.encode("utf-16-le")}
            try:
                forms.add(needle.encode("latin-1"))
            except UnicodeEncodeError:
                pass
            found = any(f in data for f in forms)
        else:
            found = any(needle in v for v in views)
        if found:
            scan.hits.append(f"{name}: “{needle[:80]}”")


def scan_site(site: Path, texts: list[str]) -> Scan:
    scan = Scan()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        scan.files += 1
        _scan_bytes(path.read_bytes(), path.relative_to(site).as_posix(), texts, scan)
    return scan


# -- tests ----------------------------------------------------------------------------------------------------


def test_no_internal_item_is_in_any_file_of_the_client_site(client_site_dir: Path) -> None:
    found = needles()
    scan = scan_site(client_site_dir, found.texts)
    print(f"\nleak scan: {scan.files} files ({scan.inner} inside zips and gzip slices), {len(found.texts)} needles "
          f"from the internal items of the YAML ({found.left_out} left out: a public text contains them), "
          f"{len(scan.hits)} hits")
    assert scan.files > 20 and len(found.texts) > 150
    assert not scan.hits, "internal texts in the client site:\n" + "\n".join(scan.hits[:40])


def test_the_leak_scan_finds_a_planted_internal_text(client_site_dir: Path, tmp_path: Path) -> None:
    """The scan above can fail: an internal text planted in a copy of the site is found in each kind of file."""
    found = needles()
    macro_title = yaml.safe_load((ROOT / "macros" / "telefonica-finalizacao.yml").read_text(encoding="utf-8"))["title"]
    procedure = yaml.safe_load(GUIDELINES.read_text(encoding="utf-8"))["procedures"][0]["steps"][0]["text"]
    assert macro_title in found.texts and _normal(procedure) in found.texts
    copy = tmp_path / "site"
    shutil.copytree(client_site_dir, copy, ignore=shutil.ignore_patterns("*.wasm", "python_stdlib.zip"))
    page = copy / "calculadora" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", f"<p><em>{html.escape(macro_title)}</em></p></article>"),
                    encoding="utf-8")
    wheel = next((copy / "assets" / "pyodide").glob("*.whl"))
    with zipfile.ZipFile(wheel) as z:
        members = {n: z.read(n) for n in z.namelist()}
    bundle = json.loads(members["decision_tree/bundle.json"])
    bundle["procedures"] = [{"id": "planted", "title": "x", "steps": [{"text": procedure}]}]
    members["decision_tree/bundle.json"] = json.dumps(bundle, ensure_ascii=False).encode()
    with zipfile.ZipFile(wheel, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    piece = next((copy / "assets" / "pyodide").glob("snapshot-*/[0-9]*.gz"))
    piece.write_bytes(gzip.compress(gzip.decompress(piece.read_bytes()) + macro_title.encode("utf-16-le")))
    hits = scan_site(copy, found.texts).hits
    print("\nplanted leaks found:\n" + "\n".join(hits))
    assert any(h.startswith("calculadora/index.html:") for h in hits)
    assert any(".whl!decision_tree/bundle.json:" in h for h in hits)
    assert any(h.startswith(piece.relative_to(copy).as_posix()) for h in hits)


def test_the_internal_pages_are_not_in_the_client_site(client_site_dir: Path) -> None:
    for url in INTERNAL_PAGES:
        assert not (client_site_dir / url).exists(), url
    for file in INTERNAL_FILES:
        assert not (client_site_dir / file).exists(), file
    pages = sorted(client_site_dir.rglob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"#]*)(?:#[^"]*)?"', text):
            if not href or re.match(r"[a-z]+:", href):
                assert not href.startswith(("http://", "https://")), f"{page}: links to {href}"
                continue
            target = (client_site_dir / href.lstrip("/") if href.startswith("/") else page.parent / href).resolve()
            assert target.is_relative_to(client_site_dir.resolve()), f"{page}: {href}"
            assert target.is_file() or (target / "index.html").is_file(), f"{page.relative_to(client_site_dir)}: broken link {href}"
        for title in ("Pontos a confirmar", "Hospedagem", "Material complementar", "Desempenho", "Macros do Zendesk",
                      "Assistente", "Tabela de decisão", "Histórico de alterações"):
            assert f">{title}<" not in text, f"{page.relative_to(client_site_dir)}: {title}"
    search = json.loads((client_site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {d["location"].split("#")[0] for d in search["docs"]}
    assert locations == {"", "calculadora/", "modos/suporte-padrao/", "modos/consultoria-modulo/", "modos/consultoria-telefonica/",
                         "valores-de-referencia/"}, locations


def test_the_engine_data_of_the_client_site_hold_the_public_bundle_only(client_site_dir: Path) -> None:
    wheel = next((client_site_dir / "assets" / "pyodide").glob("*.whl"))
    with zipfile.ZipFile(wheel) as z:
        shipped = json.loads(z.read("decision_tree/bundle.json"))
    assert shipped == public_bundle(load_bundle(ROOT))
    assert shipped["macros"] == shipped["procedures"] == shipped["workflow"] == shipped["checks"] == shipped["gaps"] == []
    assert shipped["tree"]["nodes"] == [] and "ticket" not in shipped
    assert all(m["macros"] == [] for m in shipped["modes"])
    # The one public reading: the exclusions between criteria, which the client's mode pages show labelled.
    public_readings = [r for m in shipped["modes"] for r in m["readings"]]
    assert [r.get("visibility") for r in public_readings] == ["public"], public_readings
    manifest = json.loads((client_site_dir / "assets" / "pyodide" / "engine.json").read_text(encoding="utf-8"))
    assert manifest["snapshot"] is not None and manifest["snapshot"]["probe"]["op"] == "quote"
    full = next((ROOT / "site-src" / "assets" / "pyodide").glob("*.whl"), None)
    if full is not None:  # the analysts' wheel differs (it has the macros)
        assert full.read_bytes() != wheel.read_bytes()


def test_public_bundle_keeps_only_public_items() -> None:
    full = load_bundle(ROOT)
    public = public_bundle(full)
    raw = yaml.safe_load(GUIDELINES.read_text(encoding="utf-8"))
    for section in ("modes", "criteria", "prerequisites", "audiences"):
        assert [x["id"] for x in public[section]] == [x["id"] for x in raw[section] if x.get("visibility") == "public"], section
    for mode, kept in zip([m for m in raw["modes"] if m.get("visibility") == "public"], public["modes"], strict=True):
        chosen = [p for p in mode["scope"] if p.get("visibility") == "public"]
        assert [p["text"].split()[:5] for p in kept["scope"]] == [p["text"].split()[:5] for p in chosen]
    assert all("mark" not in p and "waiting" not in p for p in public["prerequisites"])

    def sources(value: object) -> Iterator[dict]:
        if isinstance(value, dict):
            if isinstance(value.get("source"), dict):
                yield value["source"]
            for child in value.values():
                yield from sources(child)
        elif isinstance(value, list):
            for child in value:
                yield from sources(child)

    found = list(sources(public))
    assert found and all(set(s) <= {"kind", "confirmed", "anchor"} for s in found)


def _validate_with(tmp_path: Path, edit) -> list[str]:  # type: ignore[no-untyped-def]
    root = source_root(tmp_path, GUIDELINES)
    path = root / "decision_tree" / "guidelines.yml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return validate(read_sources(root))


def test_a_public_criterion_citing_an_internal_prerequisite_fails_with_its_line(tmp_path: Path) -> None:
    text = GUIDELINES.read_text(encoding="utf-8")
    block = "  - id: conouts-apos-maestro\n    visibility: public\n"
    assert block in text
    messages = _validate_with(tmp_path, lambda t: t.replace(block, "  - id: conouts-apos-maestro\n"))
    lines = text.replace(block, "  - id: conouts-apos-maestro\n").splitlines()
    cited = next(i for i, line in enumerate(lines, 1) if line.strip() == "prerequisites: [conouts-apos-maestro]")
    assert messages == [f"decision_tree/guidelines.yml:{cited}: public criterion 'modulo-erro-intermitente' cites the internal "
                        "prerequisite 'conouts-apos-maestro' (prerequisites); add `visibility: public` to prerequisite "
                        "'conouts-apos-maestro' or remove the reference"], messages


def test_a_public_item_inside_an_internal_one_and_a_public_text_naming_an_internal_title_fail(tmp_path: Path) -> None:
    def edit(t: str) -> str:
        billing = next(line for line in t.splitlines() if line.startswith("billing:"))
        t = t.replace(billing + "\n  visibility: public", billing, 1)  # billing internal, its taxes still public
        t = t.replace("    title: Dúvida pontual\n", "    title: Dúvida pontual ([veja](../pontos-a-confirmar/))\n")
        return t.replace("    text: Fornecimento de orientações em dúvidas pontuais.\n",
                         "    text: Fornecimento de orientações em dúvidas pontuais (Passos para Apontamento Tarifado).\n")
    messages = _validate_with(tmp_path, edit)
    inside = [m for m in messages if "is public inside an internal item" in m]
    assert [m.split(": ", 1)[1].split(" is")[0] for m in inside] == [f"billing.taxes.items.{i}" for i in range(3)], messages
    cites = [m for m in messages if "cites the internal procedure 'passos-apontamento-tarifado' (“Passos para Apontamento Tarifado”)" in m]
    links = [m for m in messages if "links to '../pontos-a-confirmar/', a page of the internal site" in m]
    assert len(links) == 1, messages
    assert len(cites) == 1, messages  # (the reworded text is also no longer the guideline's verbatim: its own message)
    assert all(re.match(r"^decision_tree/guidelines\.yml:\d+: .+; .+$", m) for m in messages)


def test_build_docs_clientes_writes_site_src_clientes_and_leaves_site_src_alone(tmp_path: Path) -> None:
    """The CLI contract, on a copy of the repository's sources: `--audience clientes` writes site-src-clientes/ only."""
    root = tmp_path / "repo"
    for name in ("decision_tree", "macros", "docs", "schemas", "overrides"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("mkdocs.yml", "mkdocs.clientes.yml"):
        shutil.copyfile(ROOT / name, root / name)
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    (root / ".cache").symlink_to(ROOT / ".cache")
    command = [sys.executable, "-m", "decision_tree", "--root", str(root), "build-docs", "--audience", "clientes"]
    yml = root / "decision_tree" / "guidelines.yml"
    good = yml.read_text(encoding="utf-8")
    yml.write_text(good.replace("  - id: conouts-apos-maestro\n    visibility: public\n", "  - id: conouts-apos-maestro\n"),
                   encoding="utf-8")
    broken = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=root)
    assert broken.returncode == 2 and "nada foi gravado" in broken.stderr, broken.stderr
    assert re.search(r"decision_tree/guidelines\.yml:\d+: public criterion 'modulo-erro-intermitente' cites the internal "
                     r"prerequisite 'conouts-apos-maestro'", broken.stderr), broken.stderr
    assert not (root / "site-src-clientes").exists()
    yml.write_text(good, encoding="utf-8")
    r = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=root)
    assert r.returncode == 0, r.stderr
    assert "site-src-clientes" in r.stdout
    assert (root / "site-src-clientes" / "calculadora.md").is_file()
    assert not (root / "site-src" / "index.md").exists()
    # .build-docs.json: the list of the files build-docs wrote there (it only ever replaces or removes those)
    assert sorted(p.name for p in (root / "site-src-clientes").iterdir()) == [".build-docs.json", "assets", "calculadora.md", "index.md",
                                                                             "modos",
                                                                             "stylesheets", "valores-de-referencia.md"]
