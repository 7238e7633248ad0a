"""A cache entry is used only when it is whole (issue 21, item 9): a snapshot entry missing a slice, or
with a slice changed since, is made again instead of failing every build (it was judged by snapshot.json alone)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from pathlib import Path

from decision_tree.sitegen import content_cache, snapshot


def fake_snapshot(folder: Path) -> None:
    """An entry as snapshot.py writes it: META and two gzip slices with their sha256."""
    folder.mkdir(parents=True, exist_ok=True)
    slices = []
    for i in range(2):
        data = gzip.compress(bytes([i + 1]) * 1000, mtime=0)
        (folder / f"{i}.gz").write_bytes(data)
        digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
        slices.append({"file": f"{i}.gz", "offset": i * snapshot.SLICE, "size": 1000, "integrity": f"sha256-{digest}"})
    meta = {"format": snapshot.FORMAT, "pyodide": "x", "lock_sha256": "0" * 64, "size": 2 * snapshot.SLICE, "slices": slices}
    (folder / snapshot.META).write_text(json.dumps(meta), encoding="utf-8")


def test_a_whole_entry_is_complete_and_a_damaged_one_is_not(tmp_path: Path) -> None:
    fake_snapshot(tmp_path / "ok")
    assert snapshot.complete(tmp_path / "ok")
    fake_snapshot(tmp_path / "missing")
    (tmp_path / "missing" / "1.gz").unlink()
    fake_snapshot(tmp_path / "changed")
    (tmp_path / "changed" / "0.gz").write_bytes(b"not the slice")
    fake_snapshot(tmp_path / "empty-integrity")
    meta = json.loads((tmp_path / "empty-integrity" / snapshot.META).read_text(encoding="utf-8"))
    meta["slices"][0]["integrity"] = ""
    (tmp_path / "empty-integrity" / snapshot.META).write_text(json.dumps(meta), encoding="utf-8")
    fake_snapshot(tmp_path / "bad-meta")
    (tmp_path / "bad-meta" / snapshot.META).write_text("{", encoding="utf-8")
    for name in ("missing", "changed", "empty-integrity", "bad-meta"):
        assert not snapshot.complete(tmp_path / name), name


def test_a_damaged_entry_is_made_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    made: list[Path] = []

    def fill(work: Path) -> None:
        made.append(work)
        fake_snapshot(work)

    first = content_cache.entry(cache, "k", snapshot.complete, fill, keep=3)
    (first / "1.gz").unlink()  # a slice lost (a disk cleaner, an interrupted copy)
    again = content_cache.entry(cache, "k", snapshot.complete, fill, keep=3)
    assert len(made) == 2 and again == first
    assert snapshot.complete(again) and (again / "1.gz").is_file()
    assert content_cache.entry(cache, "k", snapshot.complete, fill, keep=3) == first and len(made) == 2  # whole: reused
