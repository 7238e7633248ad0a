"""The engine's memory snapshot: Pyodide with `decision_tree` imported and initialised, saved at build time.

A normal start of the page's worker spends most of its time running Python:
Pyodide's own bootstrap (importing its package, asyncio...), then the engine's
import and `api.init`. A snapshot of the memory of a process that already did
all that is restored instead, in a fraction of the time (measured by `make
bench`; see bench/README.md).

`build_snapshot(pyodide_dir, lock, wheel, cache)` runs `snapshot.mjs` in Node
(installed with npm, which the Pyodide package needs anyway): the same Pyodide
core the site serves, the engine's files from the wheel, the same
initialisation as the worker. The script restores the snapshot in a second
Pyodide and checks that it answers a few requests exactly as the process it
was taken from; the browser tests check the restored process against CPython
(tests/test_parity_browser.py).

The snapshot uses a private Pyodide API (`_makeSnapshot`, `_loadSnapshot`), so
it is built only for the versions in `SUPPORTED_PYODIDE`: for any other the
site has no snapshot and the worker starts Pyodide normally. The worker also
falls back to the normal start when the snapshot is missing, stale (its
`lock_sha256` is not the lock the worker loads, or Pyodide's version differs)
or fails to restore.

The snapshot (about 30 MB of memory) is published as gzip-compressed slices of
`SLICE` bytes, all-zero slices left out: each file stays far below the 6.25 MB
a browser's in-memory HTTP cache accepts per entry (private windows), the
worker fetches them in parallel and checks each one's sha256 (`integrity`).
Everything is cached under `cache/<key>/`, the key being the content of
every input: the Pyodide core, the lock (which holds the wheel's sha256), the
wheel (with the bundle), this module and the script, Node's version. The
bytes are not deterministic (two Node runs of the same inputs differ), so the
site publishes them in a folder named by the bytes themselves
(`Snapshot.published`), not by that key; a cache entry is used only when every
slice it lists is there with the sha256 it records (`complete`).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import logging
import os
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from decision_tree.sitegen import content_cache

FORMAT = 1
SUPPORTED_PYODIDE = ("314.0.7",)  # versions whose private snapshot API was checked (the browser tests run against it)
PYODIDE_CORE = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")  # the files of the npm package the site serves
SLICE = 4 * 1024 * 1024
SCRIPT = Path(__file__).with_name("snapshot.mjs")
META = "snapshot.json"
KEEP_CACHED = 3
NODE_TIMEOUT_S = 300
# What the worker runs after a normal start (docs/assets/app/worker.js, INIT): the snapshot is taken right after it.
INIT = """
import importlib.resources
import decision_tree.core.api as api
api.init(importlib.resources.files("decision_tree").joinpath("bundle.json").read_text("utf-8"))
"""


def probe(bundle: dict[str, Any]) -> dict[str, str]:
    """The request a restored engine must answer (`ok`) before the worker uses it: the wizard's first question, or,
    for a bundle without the wizard (the client site's), a quote."""
    if bundle["tree"]["nodes"]:
        return {"op": "view"}
    return {"op": "quote", "mode": bundle["modes"][0]["id"], "minutes": "12,5"}


def checks(bundle: dict[str, Any]) -> list[dict[str, str]]:
    """Requests the restored snapshot must answer exactly as the process it was taken from: the probe (first), a
    path, a quote for every mode and audience of the bundle (refusals included), an unknown operation."""
    quotes = [
        {"op": "quote", "mode": m["id"], "minutes": "12,5", "audience": a["id"]} for m in bundle["modes"] for a in bundle["audiences"]
    ]
    first = [probe(bundle), {"op": "restart"}, {"op": "view", "state": "0-0"}]
    return [*first, *quotes, {"op": "quote", "minutes": "1.5"}, {"op": "nao-existe"}]


log = logging.getLogger(__name__)  # build-docs is a command, not a MkDocs plugin


class SnapshotError(RuntimeError):
    """The snapshot cannot be built; the message says why and how to fix it."""


@dataclass(frozen=True)
class Snapshot:
    key: str
    directory: Path  # cache/<key>/: META and the slices
    meta: dict[str, Any]  # META's content: version, lock_sha256, size, slices [{file, offset, size, integrity}]

    @property
    def published(self) -> str:
        """A digest of the published bytes (every slice's sha256, offset and size, and what it was made for):
        the site's folder of the snapshot is named by it. The snapshot's bytes differ from one Node run to the
        next (two clean builds of the same sources give different slices), so a folder named by the inputs
        would serve a returning visitor's cached, `immutable` slices of an earlier build: they fail the
        integrity check. Named by the bytes, a redeploy with new bytes has new URLs."""
        fields = {k: self.meta[k] for k in ("format", "pyodide", "lock_sha256", "size", "slices")}
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]

    def files(self) -> dict[str, Path]:
        """Slice file name -> file."""
        return {s["file"]: self.directory / s["file"] for s in self.meta["slices"]}


def pyodide_version(pyodide_dir: Path) -> str:
    return json.loads((pyodide_dir / "package.json").read_text(encoding="utf-8"))["version"]


def node_version(node: str) -> str:
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SnapshotError(
            f"`{node} --version` failed ({exc}): the engine's snapshot is built with Node (version 20 or newer, "
            "the one `npm ci` uses); install it or set $NODE to its path."
        ) from None
    return out.stdout.strip()


def snapshot_key(pyodide_dir: Path, lock: bytes, wheel: bytes, node: str) -> str:
    """The content key of every input of the snapshot."""
    h = hashlib.sha256(f"format {FORMAT}\n".encode())
    for name in PYODIDE_CORE:
        h.update(name.encode() + hashlib.sha256((pyodide_dir / name).read_bytes()).digest())
    for part in (lock, wheel, SCRIPT.read_bytes(), Path(__file__).read_bytes(), node.encode()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()[:16]


def build_snapshot(pyodide_dir: Path, lock: Path, wheel: Path, cache: Path, node: str | None = None) -> Snapshot | None:
    """The snapshot of the engine for this Pyodide, lock and wheel (built with Node, or from `cache`);
    None when the Pyodide version is not in SUPPORTED_PYODIDE."""
    version = pyodide_version(pyodide_dir)
    if version not in SUPPORTED_PYODIDE:
        log.info(
            "Pyodide %s: no engine snapshot (its private API was checked for %s only); the worker starts Pyodide normally",
            version,
            ", ".join(SUPPORTED_PYODIDE),
        )
        return None
    node = node or os.environ.get("NODE") or "node"
    lock_bytes, wheel_bytes = lock.read_bytes(), wheel.read_bytes()
    key = snapshot_key(pyodide_dir, lock_bytes, wheel_bytes, node_version(node))

    def fill(work: Path) -> None:
        raw = _run_node(node, pyodide_dir, lock, wheel, work / "snapshot.bin")
        meta = {
            "format": FORMAT,
            "pyodide": version,
            "lock_sha256": hashlib.sha256(lock_bytes).hexdigest(),
            "size": len(raw),
            "slices": _write_slices(raw, work),
        }
        (work / "snapshot.bin").unlink()
        (work / META).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")

    entry = content_cache.entry(cache, key, complete, fill, KEEP_CACHED)
    return Snapshot(key, entry, json.loads((entry / META).read_text(encoding="utf-8")))


def complete(entry: Path) -> bool:
    """Whether a cache entry holds a whole snapshot: META readable, and every slice it lists present with the
    sha256 it records (a slice deleted or changed since means the entry is made again, not published)."""
    try:
        meta = json.loads((entry / META).read_text(encoding="utf-8"))
        slices = meta["slices"]
        if meta.get("format") != FORMAT or not slices:
            return False
        for s in slices:
            name, integrity = s["file"], s["integrity"]
            if not isinstance(name, str) or "/" in name or not integrity.startswith("sha256-") or len(integrity) < 20:
                return False
            digest = base64.b64encode(hashlib.sha256((entry / name).read_bytes()).digest()).decode()
            if integrity != f"sha256-{digest}":
                return False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return True


def _engine_files(wheel: Path) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("decision_tree/")}


def _run_node(node: str, pyodide_dir: Path, lock: Path, wheel: Path, out: Path) -> bytes:
    files = _engine_files(wheel)
    bundle = json.loads(files["decision_tree/bundle.json"])
    request = {"files": files, "init": INIT, "checks": [json.dumps(c) for c in checks(bundle)]}
    try:
        r = subprocess.run(
            [node, str(SCRIPT), str(pyodide_dir.resolve()) + "/", str(lock.resolve()), str(out)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT_S,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise SnapshotError(f"{SCRIPT.name}: Node failed to run ({exc})") from None
    if r.returncode != 0 or not out.is_file():
        raise SnapshotError(f"{SCRIPT.name} failed (exit {r.returncode}); the engine's snapshot was not built:\n{r.stderr.strip()}")
    result = json.loads(r.stdout)
    first = json.loads(result["answers"][0])
    if not first.get("ok") or not (first.get("view", {}).get("question") or first.get("quote")):
        raise SnapshotError(f"{SCRIPT.name}: the initialised engine does not answer {checks(bundle)[0]}: {result['answers'][0]}")
    return out.read_bytes()


def _write_slices(raw: bytes, directory: Path) -> list[dict[str, Any]]:
    slices = []
    for i, offset in enumerate(range(0, len(raw), SLICE)):
        part = raw[offset : offset + SLICE]
        if not part.strip(b"\0"):
            continue  # the worker's buffer starts zeroed
        data = gzip.compress(part, compresslevel=9, mtime=0)
        name = f"{i}.gz"
        (directory / name).write_bytes(data)
        digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
        slices.append({"file": name, "offset": offset, "size": len(part), "integrity": f"sha256-{digest}"})
    return slices


