"""Helpers shared by the engine, CLI and parity tests."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path

from decision_tree.build.bundle import load_bundle
from decision_tree.engine import Engine, State
from decision_tree.model import Guidelines, Outcome

ROOT = Path(__file__).resolve().parent.parent


@cache
def bundle() -> dict:
    return load_bundle(ROOT)


def engine() -> Engine:
    return Engine(Guidelines.from_dict(bundle()))


def all_paths(e: Engine) -> Iterator[State]:
    """Every finished path of the tree, depth first, in option order."""
    stack = [State()]
    while stack:
        state = stack.pop()
        node = e.walk(state).node
        if isinstance(node, Outcome):
            yield state
            continue
        stack.extend(State((*state.answers, i)) for i in reversed(range(len(node.options))))


def answer_ids(e: Engine, *option_ids: str) -> State:
    state = e.start()
    for option_id in option_ids:
        state = e.answer(state, option_id)
    return state
