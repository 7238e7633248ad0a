"""Placeholder: replaced by the full schema + semantic validator."""

from __future__ import annotations

from .sources import Sources


def validate(sources: Sources) -> list[str]:
    return []
