"""When each source file last changed, from git: the "Última alteração" of the pages."""

from __future__ import annotations

import subprocess
from pathlib import Path

from decision_tree.sources.loader import GUIDELINES, MACROS_DIR


def last_changed(root: Path) -> dict[str, str]:
    """ISO date of the last commit touching each source file (empty outside a git checkout)."""
    sources = [GUIDELINES.as_posix(), MACROS_DIR.as_posix()]
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "log", "--format=%x00%cs", "--name-only", "--relative", "--", *sources],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[str, str] = {}
    date = ""
    for line in out.splitlines():
        if line.startswith("\0"):
            date = line[1:]
        elif line.strip():
            dates.setdefault(line.strip(), date)
    return dates
