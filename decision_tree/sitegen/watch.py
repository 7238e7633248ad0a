"""`build-docs --watch`: rebuild the site's sources whenever one of them changes (watchdog)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from decision_tree.sitegen.build_docs import WATCHED


def _watched(root: Path, path: str) -> bool:
    """Whether a change at `path` is a change of the sources (not a compiled file, not another file of the root)."""
    relative = Path(path).relative_to(root).parts if Path(path).is_relative_to(root) else ()
    return bool(relative) and relative[0] in WATCHED and "__pycache__" not in relative


def watch(root: Path, rebuild: Callable[[], None], quiet: float = 0.3, stop: threading.Event | None = None,
          ready: Callable[[], None] | None = None) -> None:
    """Call `rebuild` whenever a source changes (watchdog: inotify on Linux, the OS's own events elsewhere), once
    the sources have been quiet for `quiet` seconds, so a save that writes several files rebuilds once; until `stop`.
    `ready` runs once the watches are in place (the first build: a save made while it runs still rebuilds)."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    changed = threading.Event()
    root = root.resolve()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            if event.event_type in ("opened", "closed_no_write", "closed"):  # the build itself reads the sources
                return
            paths = [event.src_path, getattr(event, "dest_path", "") or ""]
            if any(p and _watched(root, os.fsdecode(p)) for p in paths):
                changed.set()

    observer = Observer()
    for name in WATCHED:
        path = root / name
        if path.is_dir():
            observer.schedule(Handler(), str(path), recursive=True)
    observer.schedule(Handler(), str(root), recursive=False)  # mkdocs.yml (and a source folder made anew)
    observer.start()
    try:
        if ready is not None:
            ready()
        while not (stop and stop.is_set()):
            if not changed.wait(0.2):
                continue
            while changed.wait(quiet):  # let a burst of writes end first
                changed.clear()
            if not (stop and stop.is_set()):
                rebuild()
    finally:
        observer.stop()
        observer.join()
