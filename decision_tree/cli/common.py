"""What every command shares: the repository root, the pt-BR error, loading the sources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from decision_tree.core.engine import Engine
from decision_tree.core.model import Guidelines
from decision_tree.core.texts import local_suffix

ROOT = Path(__file__).resolve().parents[2]


class CliError(Exception):
    """A pt-BR message for the user; exits with 2."""


def load(root: Path, *, render: bool = False) -> tuple[dict[str, Any], Engine]:
    """The validated bundle of the sources under `root` and its engine; CliError with `file:line` messages."""
    from decision_tree.sources.bundle import load_bundle
    from decision_tree.sources.loader import SourceError

    try:
        bundle = load_bundle(root, render=render)
    except SourceError as exc:
        raise CliError(str(exc)) from None
    return bundle, Engine(Guidelines.from_dict(bundle))


def label(item: dict[str, Any]) -> str:
    """" [não consta na diretriz]" after a text the guideline does not state."""
    return local_suffix(item["source"], "[]")
