#!/usr/bin/env python3
"""Write the Python locks in requirements/ from pyproject.toml: `make lock`.

    scripts/lock.py                      # after adding or changing a pin in pyproject.toml
    scripts/lock.py --upgrade-package X  # also move the transitive package X to its newest version
    scripts/lock.py --upgrade            # every transitive package to its newest version

Each lock pins every package an extra needs, transitive ones included, with the
sha256 of every file PyPI has for that version, plus the build system
(pyproject.toml's [build-system] requires): scripts/setup.sh installs
requirements/dev.txt with `pip install --require-hashes`, then the project with
`--no-deps --no-build-isolation`.

| lock | extras | for |
|---|---|---|
| requirements/cli.txt | cli | the command line (`validate`, `quote`, `wizard`...) |
| requirements/build.txt | build (with cli) | the command line and `mkdocs build` |
| requirements/dev.txt | dev (cli, build, test) | everything: what scripts/setup.sh installs, tests and lint |
| requirements/zensical.txt | requirements/zensical.in | Zensical, in its own venv, for scripts/zensical_check.py |

Versions already in a lock are kept unless an upgrade is asked for; cli.txt and
build.txt start from dev.txt's versions, so the three never disagree. The
resolver (uv, pinned with hashes in requirements/lock-tool.txt) runs from a
throwaway venv in .cache/lock-tool/; only PyPI is asked.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements"
TOOL_LOCK = REQUIREMENTS / "lock-tool.txt"
TOOL_DIR = ROOT / ".cache" / "lock-tool"
LOCKS = {"dev": "dev", "cli": "cli", "build": "build"}  # lock name -> extra; dev first: the others start from it
PYTHON = "3.12"  # the Python of .python-version and scripts/setup.sh
PLATFORM = "x86_64-unknown-linux-gnu"  # Debian 12; hashes cover every platform's files all the same
NOTE = "# setuptools and wheel: pyproject.toml's [build-system] requires (the project is installed with --no-build-isolation).\n"


def uv() -> Path:
    """uv from requirements/lock-tool.txt, installed with its hashes into a throwaway venv."""
    stamp = TOOL_DIR / f".installed-{hashlib.sha256(TOOL_LOCK.read_bytes()).hexdigest()[:16]}"
    binary = TOOL_DIR / "bin" / "uv"
    if not stamp.is_file():
        shutil.rmtree(TOOL_DIR, ignore_errors=True)
        venv.create(TOOL_DIR, with_pip=True)
        subprocess.run([TOOL_DIR / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--require-hashes", "--only-binary", ":all:", "-r", TOOL_LOCK], check=True)
        stamp.touch()
    return binary


def compile_lock(tool: Path, out: Path, args: list[str], stdin: str = "") -> None:
    command = [tool, "pip", "compile", "--quiet", "--generate-hashes", "--python-version", PYTHON, "--python-platform", PLATFORM,
               "--custom-compile-command", "make lock", "--index-url", "https://pypi.org/simple", "--output-file",
               out.relative_to(ROOT), *args]
    subprocess.run(command, cwd=ROOT, input=stdin, text=True, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upgrade", action="store_true", help="move every package to its newest version the pins allow")
    parser.add_argument("--upgrade-package", action="append", default=[], metavar="NAME", help="move NAME to its newest version")
    options = parser.parse_args(argv)
    upgrade = ["--upgrade"] if options.upgrade else [arg for name in options.upgrade_package for arg in ("--upgrade-package", name)]

    tool = uv()
    compile_lock(tool, TOOL_LOCK, [*upgrade, "requirements/lock-tool.in"])
    # Zensical (Material's successor), for the blocking check that it builds the same site (scripts/zensical_check.py).
    compile_lock(tool, REQUIREMENTS / "zensical.txt", [*upgrade, "requirements/zensical.in"])
    build_system = "".join(f"{req}\n" for req in tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"])
    dev = REQUIREMENTS / "dev.txt"
    for name, extra in LOCKS.items():
        out = REQUIREMENTS / f"{name}.txt"
        if out != dev:
            shutil.copyfile(dev, out)  # start from dev.txt's versions (uv keeps the versions of the file it writes)
        compile_lock(tool, out, [*(upgrade if out == dev else []), "--extra", extra, "pyproject.toml", "-"], build_system)
        header, marker, rest = out.read_text(encoding="utf-8").partition("\n#    make lock\n")
        if marker:
            out.write_text(f"{header}{marker}{NOTE}{rest}", encoding="utf-8")
        print(f"lock: wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
