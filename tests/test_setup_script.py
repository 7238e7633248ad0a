"""scripts/setup.sh says what is missing and stops (issue 21, item 13: it went on to run "" as a command)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ("bash", "env", "dirname", "cat", "sha256sum", "cut", "rm", "touch")


@pytest.mark.cli
def test_without_python_312_setup_stops_with_its_message_only(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    (repo / "requirements").mkdir()
    shutil.copy2(ROOT / "scripts" / "setup.sh", repo / "scripts" / "setup.sh")
    shutil.copy2(ROOT / "pyproject.toml", repo / "pyproject.toml")
    shutil.copy2(ROOT / "requirements" / "dev.txt", repo / "requirements" / "dev.txt")
    bin_dir = tmp_path / "bin"  # a PATH with the shell's tools and no Python at all
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path / "home")}
    r = subprocess.run([str(bin_dir / "bash"), str(repo / "scripts" / "setup.sh")], env=env, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode != 0
    assert "Python 3.12 or newer not found" in r.stderr, r.stderr
    assert "command not found" not in r.stderr, r.stderr
    assert not (repo / ".venv").exists()
