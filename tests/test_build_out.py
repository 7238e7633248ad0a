"""`build-docs` writes only where it may and never leaks or half-writes (issue 21, items 1, 2, 9, 12).

Each case runs the real command on a scratch copy of the repository (its build cache copied in, so
the snapshot is not rebuilt): `--out` pointed at the repository, a home folder or a folder holding
someone's files is refused with a pt-BR message and exit 2, and nothing is deleted; a link under
docs/ or macros/ that leaves the repository, a special file, a dangling link or a folder where a
file is expected is refused `file:1:` without a byte of its content printed or published.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_files, scratch_repo

from decision_tree.sitegen.build_docs import BuildError, write

MANIFEST = ".build-docs.json"

ROOT = Path(__file__).resolve().parents[1]
SECRET = "ZENDESK_API_TOKEN=segredo-que-nao-pode-vazar"

pytestmark = pytest.mark.cli


def build(repo: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "decision_tree", "--root", str(repo), "build-docs", *args], cwd=repo,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=300)


def tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    for word in words:
        assert word in result.stderr, result.stderr[-3000:]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return scratch_repo(tmp_path / "repo")


def test_out_dot_is_refused_and_the_repository_keeps_every_file(repo: Path) -> None:
    (repo / ".git").mkdir()
    (repo / ".git" / "config").write_text("[core]\n", encoding="utf-8")
    before = tree(repo)
    result = build(repo, "--out", ".")
    refused(result, "é o repositório", "Escolha outra pasta")
    assert tree(repo) == before


def test_out_holding_other_files_is_refused_and_nothing_is_deleted(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "meus-documentos"
    (out / "fotos").mkdir(parents=True)
    (out / "fotos" / "ferias.jpg").write_bytes(b"\xff\xd8 not really a photo")
    (out / "notas.txt").write_text("não apague\n", encoding="utf-8")
    result = build(repo, "--out", str(out))
    refused(result, "nada foi apagado nem gravado", "fotos/ferias.jpg")
    assert tree(out) == {"fotos", "fotos/ferias.jpg", "notas.txt"}


def test_a_home_folder_is_refused(repo: Path, tmp_path: Path) -> None:
    home = tmp_path / "home-do-usuario"
    home.mkdir()
    result = build(repo, "--out", str(home), env={"HOME": str(home)})
    refused(result, "pasta pessoal")
    assert tree(home) == set()


def test_the_root_and_source_folders_are_refused_before_anything_is_read(repo: Path) -> None:
    # Checked in process: the command itself is never pointed at `/` (before the fix it would have emptied it).
    from decision_tree.sitegen.build_docs import check_out

    for out, why in ((Path("/"), "raiz do sistema"), (repo / "docs" / "x", "dentro de docs"), (repo.parent, "o contém")):
        with pytest.raises(BuildError, match=why):
            check_out(repo, out)


def test_an_own_folder_is_kept_in_step_and_only_its_own_files_are_removed(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "saida"
    assert build(repo, "--out", str(out)).returncode == 0
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["files"]) == {p for p in tree(out) if (out / p).is_file() and p != MANIFEST}
    (repo / "docs" / "extra.md").write_text("# Extra\n", encoding="utf-8")
    assert build(repo, "--out", str(out)).returncode == 0
    assert (out / "extra.md").is_file()
    (repo / "docs" / "extra.md").unlink()
    result = build(repo, "--out", str(out))
    assert result.returncode == 0 and not (out / "extra.md").exists(), result.stderr
    (out / "intruso.txt").write_text("de outra pessoa\n", encoding="utf-8")
    refused(build(repo, "--out", str(out)), "intruso.txt")
    assert (out / "intruso.txt").is_file()


def test_an_unreadable_file_midway_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = {"a.md": "A\n", "b/c.md": "C\n", "z.md": "Z\n"}
    write(out, first)
    before = {p: (out / p).read_bytes() for p in first}
    gone = tmp_path / "apagado-durante-o-build.md"  # a source file read lazily, removed before its turn
    with pytest.raises(BuildError, match="não foi possível ler"):
        write(out, {"a.md": "A mudou\n", "m.md": gone, "z.md": "Z mudou\n"})
    assert {p: (out / p).read_bytes() for p in first} == before
    assert tree(out) == {"a.md", "b", "b/c.md", "z.md", MANIFEST}


def validate(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "decision_tree", "--root", str(repo), "validate"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_a_docs_link_to_the_environment_is_refused_and_nothing_leaks(repo: Path, tmp_path: Path) -> None:
    (repo / "docs" / "assets" / "env.txt").symlink_to("/proc/self/environ")
    out = tmp_path / "out"
    result = build(repo, "--out", str(out), env={"ZENDESK_API_TOKEN": SECRET})
    refused(result, "docs/assets/env.txt:1: is a symbolic link that leaves the repository", "nada foi gravado")
    assert "segredo" not in result.stdout + result.stderr
    assert not out.exists()


def test_a_docs_link_into_git_is_refused(repo: Path, tmp_path: Path) -> None:
    (repo / ".git").mkdir()
    (repo / ".git" / "config").write_text(f"[remote]\n  url = https://x:{SECRET}@example.invalid\n", encoding="utf-8")
    (repo / "docs" / "config.txt").symlink_to("../.git/config")
    result = build(repo, "--out", str(tmp_path / "out"))
    refused(result, "docs/config.txt:1: is a symbolic link into a hidden folder")
    assert "segredo" not in result.stdout + result.stderr
    assert not (tmp_path / "out").exists()


def test_a_link_inside_the_repository_is_still_followed(repo: Path, tmp_path: Path) -> None:
    (repo / "docs" / "copia.md").symlink_to("zendesk.md")
    out = tmp_path / "out"
    result = build(repo, "--out", str(out))
    assert result.returncode == 0, result.stderr[-2000:]
    assert (out / "copia.md").read_bytes() == (repo / "docs" / "zendesk.md").read_bytes()


def test_a_fifo_under_docs_is_refused(repo: Path, tmp_path: Path) -> None:
    os.mkfifo(repo / "docs" / "fila")
    result = build(repo, "--out", str(tmp_path / "out"))
    refused(result, "docs/fila:1: is a special file")


HOSTILE_FILES = {
    # name: (how to make it, the file the message names)
    "macro-link-to-passwd": (lambda r: (r / "macros" / "passwd.yml").symlink_to("/etc/passwd"), "macros/passwd.yml",
                             "leaves the repository"),
    "dangling-macro-link": (lambda r: (r / "macros" / "sumiu.yml").symlink_to("nao-existe.yml"), "macros/sumiu.yml",
                            "does not exist"),
    "macro-folder": (lambda r: (r / "macros" / "pasta.yml").mkdir(), "macros/pasta.yml", "is a folder"),
    "guidelines-folder": (lambda r: ((r / "decision_tree" / "guidelines.yml").unlink(),
                                     (r / "decision_tree" / "guidelines.yml").mkdir()), "decision_tree/guidelines.yml",
                          "is a folder"),
    "guideline-text-folder": (lambda r: ((r / "decision_tree" / "diretriz.txt").unlink(),
                                         (r / "decision_tree" / "diretriz.txt").mkdir()), "decision_tree/diretriz.txt",
                              "is a folder"),
    "guidelines-link-outside": (lambda r: ((r / "decision_tree" / "guidelines.yml").unlink(),
                                           (r / "decision_tree" / "guidelines.yml").symlink_to("/etc/hostname")),
                                "decision_tree/guidelines.yml", "leaves the repository"),
}


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_validate_refuses_unsafe_source_files_with_file_and_line(name: str, tmp_path: Path) -> None:
    repo = copy_files(tmp_path / "repo", ("decision_tree/guidelines.yml", "decision_tree/diretriz.txt", "macros"))
    make, shown, why = HOSTILE_FILES[name]
    make(repo)
    result = validate(repo)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert f"{shown}:1: " in result.stderr and why in result.stderr, result.stderr
    assert "root:" not in result.stderr  # not a character of /etc/passwd (it used to print its first 60)


def test_the_default_site_src_of_an_older_build_docs_is_taken_over_once(repo: Path, tmp_path: Path) -> None:
    # An older build-docs kept no manifest: its site-src/ (it has assets/pyodide/engine.json) is adopted, stale files
    # removed; the same folder given as any other --out is refused.
    legacy = repo / "site-src"
    (legacy / "assets" / "pyodide" / "snapshot-0123456789abcdef").mkdir(parents=True)
    (legacy / "assets" / "pyodide" / "engine.json").write_text("{}\n", encoding="utf-8")
    (legacy / "assets" / "pyodide" / "snapshot-0123456789abcdef" / "0.gz").write_bytes(b"old")
    other = tmp_path / "other"
    shutil.copytree(legacy, other)
    refused(build(repo, "--out", str(other)), "não tem a lista de arquivos do build-docs")
    result = build(repo)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not (legacy / "assets" / "pyodide" / "snapshot-0123456789abcdef").exists()
    assert (legacy / MANIFEST).is_file()


def test_docs_itself_a_link_out_of_the_repository_is_refused(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "fora"
    shutil.move(repo / "docs", elsewhere)
    (repo / "docs").symlink_to(elsewhere)
    refused(build(repo, "--out", str(tmp_path / "out")), "docs:1: is a symbolic link to a folder outside the repository")
    assert not (tmp_path / "out").exists()


def test_every_file_written_is_readable_by_the_web_server(repo: Path, tmp_path: Path) -> None:
    """Staged files start as mkstemp's 0600; a site copied with its modes (cp -a, rsync -a, a tool that keeps them)
    would then be unreadable by nginx's user. Under umask 022 every file must be 0644, as open() would make it."""
    out = tmp_path / "saida"
    result = subprocess.run([sys.executable, "-m", "decision_tree", "--root", str(repo), "build-docs", "--out", str(out)],
                            cwd=repo, capture_output=True, text=True, timeout=300, preexec_fn=lambda: os.umask(0o022))
    assert result.returncode == 0, result.stderr[-3000:]
    modes = {p.relative_to(out).as_posix(): p.stat().st_mode & 0o777 for p in out.rglob("*") if p.is_file()}
    assert modes and {rel: m for rel, m in modes.items() if m != 0o644} == {}
