"""Helpers shared by the engine, CLI and parity tests.

Two trees: the repository's (what the guideline decides: test_personas.py and the site's
tests) and the small valid tree of tests/fixtures/invalid/base--guidelines.yml (how the
engine and the calculator work: a question added to the guideline's tree does not move them).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from decision_tree.core.engine import Engine, State
from decision_tree.core.model import Guidelines
from decision_tree.sources.bundle import load_bundle

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "invalid" / "base--guidelines.yml"
GUIDELINES = "decision_tree/guidelines.yml"
GUIDELINE_TEXT = "decision_tree/diretriz.txt"  # the original guideline: quoted passages are checked against it


def source_root(tmp: Path, guidelines: Path = SMALL) -> Path:
    """A copy of the repository's sources (the macros and the guideline text) with `guidelines` as the tree."""
    (tmp / "decision_tree").mkdir(parents=True)
    shutil.copytree(ROOT / "macros", tmp / "macros")
    shutil.copyfile(ROOT / GUIDELINE_TEXT, tmp / GUIDELINE_TEXT)
    shutil.copyfile(guidelines, tmp / GUIDELINES)
    return tmp


@cache
def bundle() -> dict:
    return load_bundle(ROOT)


@cache
def small_bundle() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        return load_bundle(source_root(Path(tmp)))


def engine() -> Engine:
    return Engine(Guidelines.from_dict(bundle()))


def small_engine() -> Engine:
    return Engine(Guidelines.from_dict(small_bundle()))


def all_paths(e: Engine) -> Iterator[State]:
    """Every finished path of the tree (the engine's own enumeration)."""
    return e.paths()


def answer_ids(e: Engine, *option_ids: str) -> State:
    state = e.start()
    for option_id in option_ids:
        state = e.answer(state, option_id)
    return state
