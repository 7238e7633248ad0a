"""Hostile YAML sources are refused with `file:line: what is wrong; how to fix it`, fast.

An alias bomb (a few hundred bytes that expand to billions of values), characters
YAML does not allow (NUL, ESC, DEL, C1 controls), lists nested thousands of levels
deep and images in a text: each is written by the test into a copy of the
repository's sources, at a known line. `validate` (in process and as the real
command) and `mkdocs build --strict` must report that line, never a traceback,
never a MemoryError or a minute-long run (the subprocesses have a timeout), and
the build must not write a site.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import BUILD_FILES, build_site, copy_files

from decision_tree.sources.loader import MAX_DEPTH, SourceError, read_sources
from decision_tree.sources.validate import validate

ROOT = Path(__file__).resolve().parents[1]
GUIDELINES = "decision_tree/guidelines.yml"
MACRO = "macros/modulo-termo-ams.yml"
TRACKER = "https://tracker.invalid/p.gif"


def alias_bomb() -> str:
    """9 levels of 9 aliases under `title:`: 9**9 values once expanded, about 450 bytes."""
    rows = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    rows += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    return "\n  " + "\n  ".join(rows)


@dataclass(frozen=True)
class Hostile:
    """`text` replaces the value of `key` on its line in `file`; `line` is counted from that line."""

    name: str
    text: str
    expect: str  # part of the message
    line: int = 0  # lines after the key's line where the problem is reported
    file: str = GUIDELINES
    key: str = "title"


CASES = [
    # The 9**9 alias bomb: the aliases of a3 (the fourth row) take the file past the budget.
    Hostile("alias-bomb", alias_bomb(), "alias '*a2' makes the aliases of this file expand to more than", line=4),
    Hostile("alias-loop", "&loop [x, *loop]", "alias '*loop' is inside the value '&loop' it refers to"),
    Hostile("nul", "Homogeneização\x00 do atendimento", "the control character U+0000 (column 22)"),
    Hostile("esc", "\x1b[31mHomogeneização", "the control character U+001B (column 8)"),
    Hostile("del", "Homogeneização\x7f", "the control character U+007F"),
    Hostile("c1", "Homogeneização \x9b do atendimento", "the control character U+009B"),
    Hostile("c1-in-a-macro", "Termo\x80", "the control character U+0080", file=MACRO),
    Hostile("deep-flow-lists", "[" * 3000 + "]" * 3000, f"nested more than {MAX_DEPTH} levels deep"),
    Hostile("deep-flow-mappings", "{a: " * 2500 + "x" + "}" * 2500, f"nested more than {MAX_DEPTH} levels deep"),
    # Block style: one level per line (the file is level 1); the first level past MAX_DEPTH is reported.
    Hostile("deep-block", "".join(f"\n{' ' * (i + 1)}-" for i in range(2000)), f"nested more than {MAX_DEPTH} levels deep",
            line=MAX_DEPTH),
    Hostile("image-in-a-title", f"Homogeneização ![t]({TRACKER})", "the text has an image ('![t](https://tracker.invalid"),
    Hostile("script-image", "'![i](javascript:alert(1))'", "the text has an image ('![i](javascript:"),
    Hostile("reference-image", "'Veja ![logo][l]'", "the text has an image ('![logo][l]"),
    Hostile("raw-img", f"'<IMG SRC={TRACKER}>'", "the text has an image ('<IMG SRC="),
    # First line of a macro's body: a tracking pixel in the e-mail Zendesk sends.
    Hostile("image-in-a-macro", f"\n  format: markdown\n  source: {{local: x, owner: gestao-diretriz}}\n  text: |\n    Olá ![]({TRACKER})",
            "the text has an image ('![](https://tracker.invalid", line=3, file=MACRO, key="body"),
]
# Issue 21: what the YAML reader lets through must still be refused once loaded (item 3), sizes (item 6), numbers (item 12).
CASES += [
    Hostile("escape-clears-the-screen", r'"\e[2J Homogeneização"', "the character U+001B (a control character)"),
    Hostile("escape-nul", r'"Homogeneização\x00"', "the character U+0000 (a control character)"),
    Hostile("escape-bell", r'"Homogeneização\a"', "the character U+0007 (a control character)"),
    Hostile("escape-bidi-override", r'"Termo \u202E ovitarepo"', "U+202E (RIGHT-TO-LEFT OVERRIDE, an invisible control)"),
    Hostile("raw-bidi-override", "Termo \u202e ovitarepo", "U+202E (RIGHT-TO-LEFT OVERRIDE, an invisible control)"),
    Hostile("escape-in-a-key", '{"t\\x1bitulo": x}', "the character U+001B"),
    Hostile("escape-in-a-macro", r'"Termo \e[31m"', "the character U+001B", file=MACRO),
    Hostile("string-too-long", "x" * 60_000, "this text has 60,000 characters, more than the 50,000"),
    # One 40,000-character text (within the limit) aliased three times: past the 100,000 characters aliases may add.
    Hostile("alias-string-bomb", "\n  a: &s " + "y" * 40_000 + "\n  b: [*s, *s, *s]", "expand to more than 100,000 characters",
            line=2),
    Hostile("picture-source-srcset", f"'<picture><source srcset={TRACKER}></picture>'", "the text has an image ('<picture>"),
    Hostile("video-poster", f"'Veja <video poster={TRACKER}></video>'", "the text has an image ('<video poster="),
    Hostile("input-image", f"'<input type=image src={TRACKER}>'", "the text has an image ('<input type=image"),
    Hostile("integer-over-4300-digits", "1" * 5000, "this number has 5,000 digits, more than the 100"),
]
FAST = ["alias-bomb", "escape-clears-the-screen", "alias-string-bomb", "esc", "deep-flow-lists", "deep-block", "image-in-a-macro"]


def copy_sources(dest: Path) -> Path:
    return copy_files(dest, ("decision_tree/guidelines.yml", "decision_tree/diretriz.txt", "macros"))


def plant(root: Path, case: Hostile) -> int:
    """Write the case into `root`; the line the message must name."""
    path = root / case.file
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(f"{case.key}:"))
    end = index + 1  # a block value (a mapping, a list, a literal) goes with its key
    while end < len(lines) and (lines[end].startswith((" ", "\t")) or not lines[end].strip()):
        end += 1
    lines[index:end] = [f"{case.key}: {case.text}", ""]
    path.write_text("\n".join(lines), encoding="utf-8", newline="")
    return index + 1 + case.line


def messages(root: Path) -> list[str]:
    try:
        return validate(read_sources(root))
    except SourceError as exc:
        return exc.messages


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_validate_reports_the_line_and_a_fix(case: Hostile, tmp_path: Path) -> None:
    line = plant(copy_sources(tmp_path), case)
    found = messages(tmp_path)
    hits = [m for m in found if m.startswith(f"{case.file}:{line}: ") and case.expect in m]
    assert hits, f"expected {case.file}:{line}: …{case.expect}… among:\n" + "\n".join(found)
    assert "; " in hits[0].split(case.expect, 1)[1], f"no fix after the problem: {hits[0]}"


def test_aliases_within_the_budget_are_still_fine(tmp_path: Path) -> None:
    # Every flow list that repeats an earlier one (`criteria: [x]` twice...) becomes an alias of it.
    path = copy_sources(tmp_path) / GUIDELINES
    lines, anchors = path.read_text(encoding="utf-8").split("\n"), {}
    for i, line in enumerate(lines):
        if m := re.fullmatch(r"(\s*[a-z_]+: )(\[[^\]]+\])", line):
            if m[2] in anchors:
                lines[i] = f"{m[1]}*{anchors[m[2]]}"
            else:
                anchors[m[2]] = f"a{len(anchors)}"
                lines[i] = f"{m[1]}&{anchors[m[2]]} {m[2]}"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert any(line.lstrip().split(": ")[-1].startswith("*") for line in lines)
    assert messages(tmp_path) == []


@pytest.mark.parametrize("separators", ["\x85", "\u2028", "\u2029", "\x85 \u2028 \u2029"], ids=["nel", "ls", "ps", "all"])
def test_line_numbers_count_lines_as_editors_do(separators: str, tmp_path: Path) -> None:
    # YAML also breaks lines at NEL, U+2028 and U+2029; editors do not: the line must be the editor's.
    root = copy_sources(tmp_path)
    path = root / GUIDELINES
    comments = "".join(f"# separador no fim da linha: {c}\n" for c in separators.split())
    path.write_text(comments + path.read_text(encoding="utf-8"), encoding="utf-8")
    line = plant(root, Hostile("esc", r'"\e[2J"', ""))
    found = messages(root)
    assert any(m.startswith(f"{GUIDELINES}:{line}: ") and "U+001B" in m for m in found), (line, found)


def test_the_committed_sources_have_no_image_and_links_are_not_images(tmp_path: Path) -> None:
    assert messages(ROOT) == []
    root = copy_sources(tmp_path)
    plant(root, Hostile("links", r"'[ajuda](https://exemplo.invalid/a.png) e \![não é imagem](x) !'", ""))
    assert messages(root) == []


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # The timeout is the test: before the limits, the alias bomb ran for over a minute and died
    # with MemoryError, and deep nesting or a control character ended in a traceback.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=30)


@pytest.mark.cli
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_cli_validate_exits_2_with_file_and_line(case: Hostile, tmp_path: Path) -> None:
    line = plant(copy_sources(tmp_path / "repo"), case)
    result = run([sys.executable, "-m", "decision_tree", "--root", str(tmp_path / "repo"), "validate"], ROOT)
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert f"{case.file}:{line}: " in result.stderr and case.expect in result.stderr, result.stderr[-2000:]


@pytest.mark.cli
@pytest.mark.parametrize("case", [c for c in CASES if c.name in FAST], ids=lambda c: c.name)
def test_the_site_build_fails_with_file_and_line_and_writes_nothing(case: Hostile, tmp_path: Path) -> None:
    repo = copy_files(tmp_path / "repo", BUILD_FILES)
    (repo / "node_modules").symlink_to(ROOT / "node_modules")
    line = plant(repo, case)
    site = tmp_path / "site"
    result = build_site(repo, site)  # build-docs, then mkdocs build --strict
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-2000:]
    assert "Traceback" not in output and "nada foi gravado" in output, output[-2000:]
    assert f"{case.file}:{line}: " in output and case.expect in output, output[-2000:]
    assert not site.exists() and not (repo / "site-src").exists(), "a half-built site was written"
