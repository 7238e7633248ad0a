"""The files the wizard and the calculator need in the site.

`webapp_assets` maps site paths to:

- the Pyodide core files, under a folder named after Pyodide's version
  (`assets/pyodide/<version>/`): a new version gets new URLs, so the files can
  be cached as `immutable` and never revalidated;
- the engine wheel and the `pyodide-lock.json` listing it (cached by content
  hash under `.cache/webapp/`);
- the engine's memory snapshot (`snapshot.py`; under `.cache/snapshot/`), as
  slices in `assets/pyodide/snapshot-<digest of the slices>/`, named by the
  published bytes (they differ from one clean build to the next);
- `assets/pyodide/engine.json`, what the worker reads first: where the core
  is, and the snapshot's slices with what they must match (or `null`).

`tree_version_assets` maps the archive of the tree's earlier versions
(`decision_tree/tree_versions/`) to `assets/tree-versions/`, with an
`index.json` of their fingerprints: the worker reads them only when a code of
another version is opened, so the normal start does not wait for them.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

from decision_tree.core import urls
from decision_tree.sitegen import content_cache
from decision_tree.sitegen.hosting import PRECOMPRESSED
from decision_tree.sitegen.snapshot import PYODIDE_CORE, Snapshot, SnapshotError, build_snapshot, probe, pyodide_version
from decision_tree.sitegen.wheel import DIST_NAME, wheel_bytes, wheel_name
from decision_tree.sources.bundle import bundle_json
from decision_tree.sources.tree_versions import archived

PYODIDE_DIR = "assets/pyodide/"
LOCK = "pyodide-lock.json"
MANIFEST = "engine.json"
# What Pyodide writes as the standard library when it restores the snapshot: the restored process has imported
# what it needs; the worker fetches the real python_stdlib.zip only if a later import needs it (worker.js).
STDLIB_PLACEHOLDER = "stdlib-placeholder.zip"
EMPTY_ZIP = b"PK\x05\x06" + bytes(18)
CACHE = Path(".cache") / "webapp"
# The largest files the server compresses, also written compressed beside them (`<file>.gz`, gzip -9): nginx's
# `gzip_static on` (the Hosting page's file) sends those instead of compressing on the fly at level 1.
GZIP_CACHE = Path(".cache") / "gzip"
SNAPSHOT_CACHE = Path(".cache") / "snapshot"
KEEP_CACHED = 4


class WebappError(RuntimeError):
    """The site's browser files cannot be assembled; the message says how to fix it."""


# -- assets ------------------------------------------------------------------


def pyodide_dir(root: Path) -> Path:
    npm = root / "node_modules" / "pyodide"
    missing = [name for name in (*PYODIDE_CORE, LOCK) if not (npm / name).is_file()]
    if missing:
        raise WebappError(
            f"{npm}: Pyodide core files missing ({', '.join(missing)}); run `npm ci` in {root} "
            "to install the pinned npm package `pyodide` (package-lock.json)."
        )
    return npm


def engine_files(bundle: dict[str, Any], root: Path) -> tuple[Path, Path]:
    """The engine wheel (bundle inside) and the `pyodide-lock.json` that lists it, cached by content."""
    npm = pyodide_dir(root)
    wheel = wheel_bytes(Path(__file__).resolve().parent.parent, bundle_json(bundle))
    npm_lock = (npm / LOCK).read_bytes()
    key = hashlib.sha256(hashlib.sha256(wheel).digest() + hashlib.sha256(npm_lock).digest()).hexdigest()[:16]

    def fill(work: Path) -> None:
        (work / wheel_name()).write_bytes(wheel)
        (work / LOCK).write_text(_lock_with_wheel(npm / LOCK, work / wheel_name()), encoding="utf-8")

    entry = content_cache.entry(
        root / CACHE, key, lambda e: (e / wheel_name()).is_file() and (e / LOCK).is_file(), fill, KEEP_CACHED
    )
    return entry / wheel_name(), entry / LOCK


def _lock_with_wheel(npm_lock: Path, wheel: Path) -> str:
    """`pyodide lockfile add-wheels`, in process: the npm lock plus the wheel beside it."""
    from pyodide_lock import PyodideLockSpec
    from pyodide_lock.utils import add_wheels_to_spec

    spec = add_wheels_to_spec(PyodideLockSpec.from_json(npm_lock), [wheel], base_path=wheel.parent)
    if DIST_NAME not in spec.packages:
        raise WebappError(f"{wheel.name}: not added to {LOCK} as '{DIST_NAME}'")
    return json.dumps(spec.to_dict(), sort_keys=True)


def core_dir(root: Path) -> str:
    """The site folder of the Pyodide core files: `assets/pyodide/<version>/`."""
    return f"{PYODIDE_DIR}{pyodide_version(pyodide_dir(root))}/"


def engine_snapshot(bundle: dict[str, Any], root: Path) -> Snapshot | None:
    """The engine's memory snapshot for this bundle (None for a Pyodide version it is not built for)."""
    npm = pyodide_dir(root)
    wheel, lock = engine_files(bundle, root)
    try:
        return build_snapshot(npm, lock, wheel, root / SNAPSHOT_CACHE)
    except SnapshotError as exc:
        raise WebappError(str(exc)) from None


def manifest(version: str, snapshot: Snapshot | None, check: dict[str, str] | None = None) -> bytes:
    """`engine.json`: paths relative to `assets/pyodide/`; `check`, what a restored engine must answer (default: the
    wizard's first question)."""
    data: dict[str, Any] = {"pyodide": version, "core": f"{version}/", "lock": LOCK, "snapshot": None}
    if snapshot is not None:
        folder = f"snapshot-{snapshot.published}/"
        data["snapshot"] = {
            "key": snapshot.key,
            "published": snapshot.published,
            "pyodide": snapshot.meta["pyodide"],
            "lock_sha256": snapshot.meta["lock_sha256"],
            "size": snapshot.meta["size"],
            "slices": [{**s, "file": folder + s["file"]} for s in snapshot.meta["slices"]],
            "stdlib_placeholder": folder + STDLIB_PLACEHOLDER,
        }
        if check is not None and check != {"op": "view"}:
            data["snapshot"]["probe"] = check
    return (json.dumps(data, indent=1) + "\n").encode()


def webapp_assets(bundle: dict[str, Any], root: Path) -> dict[str, Path | bytes]:
    """Site path -> file: the Pyodide core, the engine wheel and the lock listing it, the snapshot, engine.json."""
    npm = pyodide_dir(root)
    wheel, lock = engine_files(bundle, root)
    snapshot = engine_snapshot(bundle, root)
    core = core_dir(root)
    assets: dict[str, Path | bytes] = {core + name: npm / name for name in PYODIDE_CORE}
    assets |= {core + name + ".gz": precompressed(npm / name, root) for name in PRECOMPRESSED}
    assets[PYODIDE_DIR + LOCK] = lock
    assets[PYODIDE_DIR + wheel.name] = wheel
    if snapshot is not None:
        folder = f"{PYODIDE_DIR}snapshot-{snapshot.published}/"
        for name, path in snapshot.files().items():
            assets[folder + name] = path
        assets[folder + STDLIB_PLACEHOLDER] = EMPTY_ZIP
    assets[PYODIDE_DIR + MANIFEST] = manifest(pyodide_version(npm), snapshot, probe(bundle))
    return assets


def precompressed(path: Path, root: Path) -> Path:
    """`path` compressed with gzip -9 (no name, no time: the same bytes every build), cached by its content."""
    data = path.read_bytes()
    name = path.name + ".gz"

    def fill(work: Path) -> None:
        (work / name).write_bytes(gzip.compress(data, compresslevel=9, mtime=0))

    key = hashlib.sha256(data).hexdigest()[:16]
    return content_cache.entry(root / GZIP_CACHE, key, lambda e: (e / name).is_file(), fill, KEEP_CACHED) / name


def tree_version_assets(root: Path) -> dict[str, Path | bytes]:
    """Site path -> file: every archived tree version, and the index of their fingerprints."""
    versions = archived(root)
    assets: dict[str, Path | bytes] = {f"{urls.TREE_VERSIONS}{fp}.json": path for fp, path in versions.items()}
    assets[f"{urls.TREE_VERSIONS}index.json"] = (json.dumps({"fingerprints": sorted(versions)}) + "\n").encode()
    return assets
