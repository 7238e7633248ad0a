"""The engine's memory snapshot (decision_tree/sitegen/snapshot.py) and what the site publishes of it (engine.json).

The snapshot is built with Node from the same core, lock and wheel as the
site; these tests check its key, its cache, its slices and the manifest the
worker reads, and, in Node, that a restored process answers as CPython does
and never needs the standard library file again (the worker writes a
placeholder in its place until after "ready"). The browser side, the restore
and every fallback, is tests/test_snapshot_browser.py.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from engine_helpers import ROOT, all_paths, bundle, engine

from decision_tree.core import api
from decision_tree.sitegen import hosting
from decision_tree.sitegen.snapshot import INIT, SLICE, SUPPORTED_PYODIDE, build_snapshot, pyodide_version, snapshot_key
from decision_tree.sitegen.webapp import EMPTY_ZIP, MANIFEST, PYODIDE_CORE, WebappError, engine_files, engine_snapshot, webapp_assets
from decision_tree.sitegen.wheel import wheel_name
from decision_tree.sources.bundle import bundle_json

NPM = ROOT / "node_modules" / "pyodide"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch root (its own .cache) with the repository's node_modules."""
    root = tmp_path_factory.mktemp("root")
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    return root


@pytest.fixture(scope="module")
def assets(root: Path) -> dict[str, Path | bytes]:
    return webapp_assets(bundle(), root)


@pytest.fixture(scope="module")
def manifest(assets: dict[str, Path | bytes]) -> dict:
    data = assets["assets/pyodide/" + MANIFEST]
    assert isinstance(data, bytes)
    return json.loads(data)


def memory(assets: dict[str, Path | bytes], manifest: dict) -> bytearray:
    """The snapshot as the worker assembles it: a zeroed buffer, each slice gunzipped at its offset."""
    snap = manifest["snapshot"]
    out = bytearray(snap["size"])
    for s in snap["slices"]:
        data = gzip.decompress(Path(assets["assets/pyodide/" + s["file"]]).read_bytes())
        out[s["offset"] : s["offset"] + len(data)] = data
    return out


def test_the_core_is_published_under_its_version_and_cached_as_immutable(assets: dict[str, Path | bytes], manifest: dict) -> None:
    version = pyodide_version(NPM)
    assert manifest["pyodide"] == version and manifest["core"] == f"{version}/" and manifest["lock"] == "pyodide-lock.json"
    for name in PYODIDE_CORE:
        path = f"assets/pyodide/{version}/{name}"
        assert Path(assets[path]).resolve() == (NPM / name).resolve()
        assert hosting.cache_rule("/" + path) is hosting.PYODIDE_CORE
        assert "immutable" in hosting.PYODIDE_CORE.value and not hosting.PYODIDE_CORE.caveat
    for path in ("assets/pyodide/pyodide-lock.json", "assets/pyodide/" + MANIFEST, "assets/pyodide/" + wheel_name()):
        assert path in assets
        assert hosting.cache_rule("/" + path) is hosting.OTHERWISE  # revalidated on every visit


def test_the_manifest_lists_the_snapshot_for_this_lock(root: Path, assets: dict[str, Path | bytes], manifest: dict) -> None:
    snap = manifest["snapshot"]
    _, lock = engine_files(bundle(), root)
    assert snap["pyodide"] == pyodide_version(NPM)
    assert snap["lock_sha256"] == hashlib.sha256(lock.read_bytes()).hexdigest()
    folder = f"snapshot-{snap['published']}/"
    assert assets["assets/pyodide/" + snap["stdlib_placeholder"]] == EMPTY_ZIP and snap["stdlib_placeholder"].startswith(folder)
    published = {p for p in assets if p.startswith("assets/pyodide/" + folder)}
    assert published == {"assets/pyodide/" + s["file"] for s in snap["slices"]} | {"assets/pyodide/" + snap["stdlib_placeholder"]}
    for path in published:
        assert hosting.cache_rule("/" + path) is hosting.ENGINE_SNAPSHOT, path
    for s in snap["slices"]:
        data = Path(assets["assets/pyodide/" + s["file"]]).read_bytes()
        assert s["integrity"] == "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode()  # what fetch() checks
        assert len(data) < 2_500_000  # far below the 6.25 MB per entry of a browser's in-memory cache
        assert s["offset"] % SLICE == 0 and s["size"] == len(gzip.decompress(data)) <= SLICE


def test_the_slices_rebuild_a_pyodide_snapshot_of_the_pinned_build(assets: dict[str, Path | bytes], manifest: dict) -> None:
    mem = memory(assets, manifest)
    assert len(mem) == manifest["snapshot"]["size"] > 16 * 1024 * 1024  # a header, then the whole WebAssembly memory
    assert int.from_bytes(mem[:4], "little") == 1886286592  # Pyodide's snapshot magic number
    left_out = [o for o in range(0, len(mem), SLICE) if o not in {s["offset"] for s in manifest["snapshot"]["slices"]}]
    assert left_out, "all-zero slices are left out"
    assert all(not mem[o : o + SLICE].strip(b"\0") for o in left_out)


def test_the_snapshot_is_cached_by_the_content_of_its_inputs(root: Path, assets: dict[str, Path | bytes], manifest: dict,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    wheel, lock = engine_files(bundle(), root)

    def no_node(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cached snapshot was built again")

    monkeypatch.setattr("decision_tree.sitegen.snapshot._run_node", no_node)
    again = engine_snapshot(bundle(), root)
    assert again is not None and again.key == manifest["snapshot"]["key"]
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    key = snapshot_key(NPM, lock.read_bytes(), wheel.read_bytes(), node)
    assert key == manifest["snapshot"]["key"]
    assert snapshot_key(NPM, lock.read_bytes() + b" ", wheel.read_bytes(), node) != key  # a new lock (new rules: new wheel sha)
    assert snapshot_key(NPM, lock.read_bytes(), wheel.read_bytes() + b" ", node) != key
    assert snapshot_key(NPM, lock.read_bytes(), wheel.read_bytes(), "v99.0.0") != key


def test_no_snapshot_for_a_pyodide_version_it_was_not_checked_with(tmp_path: Path) -> None:
    npm = tmp_path / "node_modules" / "pyodide"
    npm.mkdir(parents=True)
    for entry in NPM.iterdir():
        if entry.name != "package.json":
            (npm / entry.name).symlink_to(entry)
    package = json.loads((NPM / "package.json").read_text(encoding="utf-8"))
    (npm / "package.json").write_text(json.dumps({**package, "version": "999.0.0"}), encoding="utf-8")
    assert "999.0.0" not in SUPPORTED_PYODIDE
    wheel, lock = engine_files(bundle(), tmp_path)
    assert build_snapshot(npm, lock, wheel, tmp_path / "cache") is None
    manifest = json.loads(webapp_assets(bundle(), tmp_path)["assets/pyodide/" + MANIFEST])
    assert manifest["snapshot"] is None and manifest["core"] == "999.0.0/"  # the worker starts Pyodide normally


def test_without_node_the_build_says_how_to_fix_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    monkeypatch.setenv("NODE", str(tmp_path / "no-node"))
    with pytest.raises(WebappError, match=r"Node .*\$NODE"):
        engine_snapshot(bundle(), tmp_path)


def test_the_snapshot_is_taken_after_the_workers_own_initialisation() -> None:
    worker = (ROOT / "docs" / "assets" / "app" / "worker.js").read_text(encoding="utf-8")
    init = re.search(r"const INIT = `(.*?)`;", worker, re.S)
    assert init and init.group(1) == INIT


# Restore the published slices in Node (as the worker does), answer every request, and report what the
# restored process imported and whether the standard library file was opened.
RESTORE = r"""
import { gunzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [npm, lock, manifestFile, assetsDir, requestsFile] = process.argv.slice(1);
const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
const { loadPyodide } = await import(pathToFileURL(npm + "/pyodide.mjs").href);
const memory = new Uint8Array(manifest.snapshot.size);
for (const s of manifest.snapshot.slices) memory.set(gunzipSync(readFileSync(assetsDir + "/" + s.file)), s.offset);
const stdLibURL = assetsDir + "/" + manifest.snapshot.stdlib_placeholder;
const pyodide = await loadPyodide({ indexURL: npm + "/", lockFileURL: lock, _loadSnapshot: memory, stdLibURL });
pyodide.runPython("import sys; before = set(sys.modules); zip_path = next(p for p in sys.path if p.endswith('.zip'))");
const handle = pyodide.pyimport("decision_tree.core.api").handle;
const answers = JSON.parse(readFileSync(requestsFile, "utf8")).map((r) => handle(r));
const imported = pyodide.runPython("import json; json.dumps(sorted(set(sys.modules) - before))");
const zipSize = pyodide.FS.stat(pyodide.runPython("zip_path")).size;
process.stdout.write(JSON.stringify({ answers, imported: JSON.parse(imported), zipSize }));
"""


def requests() -> list[str]:
    """Every path's outcome, marks, backs and changes, quotes typed every way, and junk."""
    e = engine()
    out: list[dict] = []
    for state in all_paths(e):
        code = e.encode(state)
        out += [{"op": "view", "state": code}, {"op": "recommend", "state": code}, {"op": "view", "state": code + ".1"}]
        out += [{"op": "back", "state": code}, {"op": "change", "state": code, "index": 0}]
    junk = [None, 1, [], {}, "x", "0-0", "abc-", 1.5, True, "9" * 5000]
    for op in [*api.WIZARD_OPS, "quote", "recommend", "nope", None]:
        for j in junk:
            out.append({k: j for k in ("state", "option", "minutes", "mode", "audience", "rate", "taxes", "waived", "step", "index")}
                       | {"op": op})
    for minutes in ["12,5", "1.234,56", "R$ 2,00", "1.5", "12 5", "-3", "1e9", "999999999999", "0", "abc", ""]:
        for mode in ["consultoria-modulo", "consultoria-telefonica", "x"]:
            out.append({"op": "quote", "mode": mode, "minutes": minutes, "audience": "totvs", "rate": minutes,
                        "taxes": [{"name": "ISS", "percent": minutes}], "waived": minutes})
    return [json.dumps(r) for r in out] + ["not json", "{", "[]", "null"]


def test_the_restored_process_answers_as_cpython_without_reading_the_standard_library(
    root: Path, assets: dict[str, Path | bytes], manifest: dict, tmp_path: Path
) -> None:
    site = tmp_path / "pyodide"
    for path, content in assets.items():
        if path.startswith("assets/pyodide/"):
            target = site / path.removeprefix("assets/pyodide/")
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                shutil.copyfile(content, target)
    reqs = requests()
    (tmp_path / "requests.json").write_text(json.dumps(reqs), encoding="utf-8")
    r = subprocess.run(
        ["node", "--input-type=module", "-e", RESTORE, str(NPM), str(site / "pyodide-lock.json"), str(site / MANIFEST), str(site),
         str(tmp_path / "requests.json")],
        capture_output=True, text=True, timeout=300,
    )
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    api.init(bundle_json(bundle()))
    assert result["answers"] == [api.handle(q) for q in reqs]
    assert result["imported"] == []  # nothing was imported: the placeholder stood in for the standard library
    assert result["zipSize"] == len(EMPTY_ZIP)
