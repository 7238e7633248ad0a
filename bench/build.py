"""The site the benchmark measures, built by the project's own commands, and the tree it walks.

The build is the README's, step by step through the CLI (`python -m
decision_tree build-docs`, `mkdocs build --strict`, `python -m decision_tree
check-site`), timed as a whole; the tree's paths are the engine's own
enumeration (`Engine.paths`) of the bundle the build reads
(`decision_tree.sources.bundle.load_bundle`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from functools import cache
from pathlib import Path

from decision_tree.core import urls
from decision_tree.core.engine import Engine
from decision_tree.core.model import Guidelines
from decision_tree.sources.bundle import load_bundle

ROOT = Path(__file__).resolve().parent.parent


def build_steps(root: Path, out: Path) -> list[list[str]]:
    """The commands of `make build` for the analysts' site, with `out` as the site folder."""
    cli = [sys.executable, "-m", "decision_tree", "--root", str(root)]
    return [
        [*cli, "build-docs"],
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
        [*cli, "check-site", str(out)],
    ]


def mkdocs_build(out: Path, root: Path = ROOT) -> float:
    """The README's build of `root` into `out`, timed (seconds); stops the benchmark if a step fails."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    t = time.perf_counter()
    for step in build_steps(root, out):
        r = subprocess.run(step, cwd=root, env=env, capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(step[2:])} failed:\n{r.stdout}\n{r.stderr}")
    return time.perf_counter() - t


def fresh_copy(tmp: Path) -> Path:
    """The sources in a new directory, without .cache/ (the wheel and lock cache): for a cold build.
    node_modules and .git are linked, not copied (read only: Pyodide/Mermaid files, `git log` dates)."""
    src = tmp / "src"
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(".git", ".venv*", "node_modules", ".cache", "site", "site-*", "__pycache__", ".*_cache",
                                      ".hypothesis", "bench", "dist"),
    )
    for name in ("node_modules", ".git"):
        if (ROOT / name).exists():
            (src / name).symlink_to(ROOT / name)
    return src


@cache
def _engine(root: Path = ROOT) -> Engine:
    return Engine(Guidelines.from_dict(load_bundle(root)))


def wizard_paths(root: Path = ROOT) -> list[list[str]]:
    """Every full path of the tree (`Engine.paths`), as the option ids a person clicks, in order."""
    e = _engine(root)
    return [[step.option.id for step in e.walk(state).steps] for state in e.paths()]


def guidelines_page(root: Path = ROOT) -> str:
    """A guideline page without the engine: the page of the mode with the most criteria (the longest one)."""
    g = _engine(root).g
    counts = {mode: sum(1 for c in g.criteria.values() if c.mode == mode) for mode in g.modes}
    return urls.mode_page(max(counts, key=lambda mode: counts[mode]))
