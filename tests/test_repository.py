"""The repository as a reviewer finds it: no leftover of a merge in any tracked file."""

from __future__ import annotations

import re
import subprocess

from engine_helpers import ROOT

MARKER = re.compile(r"^(<{7}|>{7})( |$)", re.M)


def tracked_text_files() -> list[str]:
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    return [n.decode() for n in names if n and not n.endswith((b".png", b".gz", b".whl", b".ico"))]


def test_no_tracked_file_holds_a_merge_conflict_marker() -> None:
    found = []
    for name in tracked_text_files():
        path = ROOT / name
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{name}:{text.count(chr(10), 0, m.start()) + 1}" for m in MARKER.finditer(text)]
    assert len(tracked_text_files()) > 100
    assert found == [], "resolve the conflict left in these files"
