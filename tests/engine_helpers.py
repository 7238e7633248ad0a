"""Helpers shared by the engine, CLI and parity tests."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

from decision_tree.core.engine import Engine, State
from decision_tree.core.model import Guidelines
from decision_tree.sources.bundle import load_bundle

ROOT = Path(__file__).resolve().parent.parent


@cache
def bundle() -> dict:
    return load_bundle(ROOT)


def engine() -> Engine:
    return Engine(Guidelines.from_dict(bundle()))


def all_paths(e: Engine) -> Iterator[State]:
    """Every finished path of the tree (the engine's own enumeration)."""
    return e.paths()


def answer_ids(e: Engine, *option_ids: str) -> State:
    state = e.start()
    for option_id in option_ids:
        state = e.answer(state, option_id)
    return state
