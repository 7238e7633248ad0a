"""Does Zensical build the same site as MkDocs? A non-blocking check (`make zensical-check`, run by CI).

Material for MkDocs reaches its end of life on 2027-05-05; Zensical, its
successor, reads the same mkdocs.yml but no MkDocs hook, which is why the
site's pages are files written by `build-docs` first. This script installs
Zensical in its own venv (`.venv-zensical`, from the hash-pinned
requirements/zensical.txt), builds site-src/ with both tools into a temporary
folder, and prints what differs: pages one tool makes and the other does not,
and, page by page, the parts a person uses (the wizard, the calculator, the
flowchart, tabs, admonitions) and the inline scripts the published CSP would
block. It exits 0 after printing, unless asked with --strict.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-zensical"
LOCK = ROOT / "requirements" / "zensical.txt"
MARKERS = {
    "o assistente": r'data-app="wizard"',
    "a calculadora": r'data-app="calculator"',
    "o fluxograma (Mermaid)": r'class="mermaid"',
    "abas": r'class="tabbed-set',
    "quadros (admonitions)": r'class="admonition',
    "selos “Não consta na diretriz”": r'class="kb-local"',
}
sys.path.insert(0, str(ROOT))


def zensical() -> Path:
    """The zensical command, installed from the lock once per version of the lock."""
    stamp = VENV / f".installed-{hashlib.sha256(LOCK.read_bytes()).hexdigest()[:16]}"
    if not stamp.exists():
        shutil.rmtree(VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", "--require-hashes",
                        "--only-binary", ":all:", "-r", str(LOCK)], check=True)
        stamp.touch()
    return VENV / "bin" / "zensical"


def pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}


def compare(mkdocs_site: Path, zensical_site: Path) -> list[str]:
    from decision_tree.sitegen.hosting import for_project
    from decision_tree.sitegen.inline_scripts import blocked_in_site

    ours, theirs = pages(mkdocs_site), pages(zensical_site)
    found = [f"só o MkDocs gera: {p}" for p in sorted(set(ours) - set(theirs))]
    found += [f"só o Zensical gera: {p}" for p in sorted(set(theirs) - set(ours))]
    for page in sorted(set(ours) & set(theirs)):
        for what, pattern in MARKERS.items():
            a, b = len(re.findall(pattern, ours[page])), len(re.findall(pattern, theirs[page]))
            if a != b:
                found.append(f"{page}: {what}: {a} no MkDocs, {b} no Zensical")
    blocked: dict[str, list[str]] = {}  # "script (hash)" -> pages
    for problem in blocked_in_site(zensical_site, for_project(ROOT).scripts):
        page, _, script = problem.partition(": ")
        blocked.setdefault(script, []).append(page)
    found += [f"Zensical: a CSP publicada bloquearia o {script}, em {len(where)} página(s) ({where[0]}…): o tema do "
              "Zensical escreve outros scripts em linha que os do Material" for script, where in blocked.items()]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--strict", action="store_true", help="exit 1 when the two builds differ")
    options = parser.parse_args(argv)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "decision_tree", "build-docs"], cwd=ROOT, check=True, env=env)
    tool = zensical()
    with tempfile.TemporaryDirectory(prefix="zensical-check-") as temp:
        work = Path(temp)
        ours = work / "mkdocs"
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(ours)], cwd=ROOT, check=True, env=env)
        project = work / "project"  # Zensical writes site_dir of the config: a copy of the project, not the repository's site/
        project.mkdir()
        shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")  # copies: Zensical wants its files under the project
        for name in ("site-src", "overrides"):
            shutil.copytree(ROOT / name, project / name)
        built = subprocess.run([str(tool), "build", "--strict", "-f", str(project / "mkdocs.yml")], cwd=project,
                               capture_output=True, text=True, env=env)
        print(built.stdout.strip())
        if built.returncode != 0:
            print(f"zensical build falhou (código {built.returncode}):\n{built.stderr.strip()}")
            return 1 if options.strict else 0
        differences = compare(ours, project / "site")
    version = subprocess.run([str(tool), "--version"], capture_output=True, text=True).stdout.strip()
    if not differences:
        print(f"{version}: as mesmas páginas e as mesmas partes que o MkDocs.")
        return 0
    print(f"{version}: {len(differences)} diferença(s) em relação ao MkDocs:")
    print("\n".join(f"  - {d}" for d in differences))
    return 1 if options.strict else 0


if __name__ == "__main__":
    sys.exit(main())
