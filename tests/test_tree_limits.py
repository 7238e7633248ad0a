"""A tree too big for the wizard is refused fast with `file:line` (issue 21, items 7 and 8).

The cases are written on the small valid tree (tests/fixtures/invalid/base--guidelines.yml):
a chain of questions (990 gave a RecursionError traceback after 14 s; 1,500 took 57 s), and a
question with more options than the state code's one base-36 digit per answer can write.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from engine_helpers import GUIDELINES, ROOT, SMALL, source_root

from decision_tree.sources.loader import SourceError, read_sources
from decision_tree.sources.validate import validate
from decision_tree.sources.validate_tree import MAX_OPTIONS, MAX_QUESTIONS


def with_chain(tmp: Path, length: int) -> Path:
    """The small tree with `length` chained questions between its first answer and the rest."""
    text = SMALL.read_text(encoding="utf-8")
    first = "label: Uma ocorrência numa rotina em uso, next: "
    text = text.replace(first + "q-atualizacoes", first + "q-c0")
    chain = "".join(
        f"    - id: q-c{i}\n      question: Pergunta {i}?\n      options:\n"
        f"        - {{id: fim, label: Fim, criteria: [sp-inconsistencia-produto], next: out-sp-inconsistencia}}\n"
        f"        - {{id: segue, label: Segue, next: {f'q-c{i + 1}' if i + 1 < length else 'q-atualizacoes'}}}\n"
        for i in range(length))
    text = text.replace("  nodes:\n", "  nodes:\n" + chain, 1)
    root = source_root(tmp)
    (root / GUIDELINES).write_text(text, encoding="utf-8")
    return root


def with_options(tmp: Path, count: int) -> tuple[Path, int]:
    text = SMALL.read_text(encoding="utf-8")
    options = "".join(f"        - {{id: o{i}, label: Opção {i}, next: out-sp-inconsistencia}}\n" for i in range(count - 2))
    anchor = "        - {id: nao, label: Não, next: out-sp-atualizacoes}\n"
    text = text.replace(anchor, anchor + options, 1)
    root = source_root(tmp)
    (root / GUIDELINES).write_text(text, encoding="utf-8")
    lines = text.split("\n")
    question = lines.index("    - id: q-atualizacoes")
    return root, next(i for i in range(question, len(lines)) if lines[i].strip() == "options:") + 1


def messages(root: Path) -> list[str]:
    try:
        return validate(read_sources(root))
    except SourceError as exc:
        return exc.messages


@pytest.mark.parametrize("length", [990, 1500])
def test_a_long_chain_of_questions_is_refused_fast(length: int, tmp_path: Path) -> None:
    root = with_chain(tmp_path, length)
    line = (root / GUIDELINES).read_text(encoding="utf-8").split("\n").index("  nodes:") + 1
    began = time.monotonic()
    found = messages(root)
    assert time.monotonic() - began < 20  # reading the YAML itself (pure-Python PyYAML) is most of it
    expected = f"{GUIDELINES}:{line}: the tree has {length + 5} questions, more than the {MAX_QUESTIONS}"
    assert any(m.startswith(expected) for m in found), found


def test_a_chain_within_the_limit_is_checked_and_valid(tmp_path: Path) -> None:
    assert messages(with_chain(tmp_path, 60)) == []  # 60 chained questions: every check still runs, nothing to report


@pytest.mark.cli
def test_the_command_says_so_without_a_traceback(tmp_path: Path) -> None:
    root = with_chain(tmp_path, 1500)
    r = subprocess.run([sys.executable, "-m", "decision_tree", "--root", str(root), "validate"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "questions, more than the" in r.stderr, r.stderr[-2000:]


def test_more_than_36_options_is_refused_with_file_and_line(tmp_path: Path) -> None:
    root, line = with_options(tmp_path, MAX_OPTIONS + 4)
    found = messages(root)
    assert any(m.startswith(f"{GUIDELINES}:{line}: question 'q-atualizacoes' has 40 options, more than the 36") for m in found), found


def test_36_options_are_fine(tmp_path: Path) -> None:
    root, _ = with_options(tmp_path, MAX_OPTIONS)
    assert messages(root) == []
