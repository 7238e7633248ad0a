"""Build outputs cached under `.cache/<kind>/<key>/`, the key being a hash of every input.

`entry(cache, key, complete, fill, keep)` returns `cache/<key>/`: as it is when
`complete(entry)` says it holds everything (it checks the files themselves, not
only that an index file exists), otherwise made again by `fill(folder)` in
a temporary folder that is renamed into place only once filled (an
interrupted build never leaves a half-written entry, and two builds making the
same entry at once both end with a whole one). The `keep` most recently used
entries stay; older ones are removed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def entry(cache: Path, key: str, complete: Callable[[Path], bool], fill: Callable[[Path], None], keep: int) -> Path:
    found = cache / key
    if complete(found):
        os.utime(found)  # recently used: pruned last
        return found
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{key}.", dir=cache))  # the dot keeps it out of prune()
    try:
        fill(work)
        if not complete(work):
            raise RuntimeError(f"{cache.name}/{key}: the entry just made is incomplete (a bug of its fill step)")
        if found.exists() and not complete(found):  # a damaged entry (a slice deleted, a file truncated): replaced
            shutil.rmtree(found, ignore_errors=True)
        try:
            work.rename(found)
        except OSError:  # another build made the same entry meanwhile
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    prune(cache, keep)
    return found


def prune(cache: Path, keep: int) -> None:
    entries = sorted((p for p in cache.iterdir() if p.is_dir() and "." not in p.name), key=lambda p: p.stat().st_mtime)
    for old in entries[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
