"""Precise edits of a YAML file's text with ruamel.yaml: replace entries of a top-level block mapping, keep the rest.

ruamel.yaml's round trip keeps the other keys, their order, quotes, folded and
literal blocks, comments (between entries too, and after a value on its line)
and blank lines as they were. The caller checks the result by parsing it with
the repository's loader (`parse`: dates kept as text, the alias, depth and size
limits of `sources.loader`), so a text the loader would read differently never
gets written.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML, YAMLError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from decision_tree.sources.loader import SourceError, load_text


class EditError(Exception):
    """The file is not in a shape this editor changes safely (message in pt-BR)."""


class Flow(dict):  # type: ignore[type-arg]
    """A mapping written on one line: `{id: 1, imported: '2026-11-29'}`."""


def parse(text: str, display: str = "<yaml>") -> Any:
    """The file's data as the repository's loader reads it (dates as text, alias bombs refused): SourceError."""
    return load_text(text, display)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 10**9  # never re-wrap a line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.ignore_aliases = lambda data: True  # the same dict in two places is written twice, never as &anchor
    return yaml


def _node(value: Any) -> Any:
    """`value` as ruamel.yaml writes it: lists and Flow mappings on one line, multi-line text as a literal block."""
    if isinstance(value, str):
        # A literal block unless it ends in blank lines (`|+` would swallow the blank lines after it); the emitter
        # itself falls back to a quoted scalar when a block can't hold the text (trailing spaces, tabs...).
        return LiteralScalarString(value) if "\n" in value and not value.endswith("\n\n") else value
    if isinstance(value, list):
        seq = CommentedSeq(_node(v) for v in value)
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, dict):
        mapping = CommentedMap((k, _node(v)) for k, v in value.items())
        if isinstance(value, Flow):
            mapping.fa.set_flow_style()
        return mapping
    return value


def _trailing(value: Any) -> Any:
    """The comment token after a block collection's last entry (comments and blank lines before the next key)."""
    if isinstance(value, CommentedMap) and value and not value.fa.flow_style():
        last = list(value)[-1]
        return _trailing(value[last]) or (value.ca.items.get(last) or [None] * 4)[2]
    if isinstance(value, CommentedSeq) and value and not value.fa.flow_style():
        return _trailing(value[-1]) or (value.ca.items.get(len(value) - 1) or [None])[0]
    return None


def _attach(mapping: CommentedMap, name: str, comment: Any) -> None:
    """Put `comment` after the entry `name`, past the last entry of its value if that is a block mapping."""
    value = mapping[name]
    if isinstance(value, CommentedMap) and value and not value.fa.flow_style():
        _attach(value, list(value)[-1], comment)
    else:
        mapping.ca.items[name] = [None, None, comment, None]


def _scalar_width(yaml: YAML, value: Any) -> int:
    out = io.StringIO()
    yaml.dump({"k": value}, out)
    return len(out.getvalue().split("\n", 1)[0]) - len("k: ")


def _set(yaml: YAML, mapping: CommentedMap, name: str, value: Any, lines: list[str]) -> None:
    """mapping[name] = value in place, keeping the comments around the old value (and the gap before one on its line)."""
    old = mapping[name]
    comment = (mapping.ca.items.get(name) or [None] * 4)[2]
    moved = _trailing(old)
    new = _node(value)
    mapping[name] = new
    if moved is not None:
        _attach(mapping, name, moved)
    elif comment is not None and comment.value.lstrip(" ").startswith("#") and not isinstance(old, CommentedMap | CommentedSeq):
        line, column = mapping.lc.value(name)
        before = lines[line][: comment.column]
        gap = len(before) - len(before.rstrip())
        comment.column = column + _scalar_width(yaml, new) + gap


def _block_mapping(doc: Any, key: str) -> CommentedMap:
    if not isinstance(doc, CommentedMap):
        raise EditError("o arquivo não é um mapeamento YAML (chave: valor)")
    if key not in doc:
        raise EditError(f"falta a chave '{key}'")
    value = doc[key]
    if not isinstance(value, CommentedMap) or value.fa.flow_style() or not value:
        raise EditError(f"'{key}' deve ser um bloco com uma chave por linha")
    return value


def replace_entries(text: str, key: str, values: dict[str, Any]) -> str:
    """`text` with each entry of `values` set in the top-level block mapping `key`, in place.

    An entry that exists keeps its place (and its comments); a missing one goes
    before the next entry of `values` that exists, or after the last entry.
    """
    yaml = _yaml()
    try:
        doc = yaml.load(text)
    except YAMLError as exc:
        raise EditError(f"o YAML não pôde ser lido ({str(exc).splitlines()[0]})") from None
    mapping = _block_mapping(doc, key)
    lines = text.replace("\r\n", "\n").split("\n")
    names = list(values)
    for i, name in enumerate(names):
        if name in mapping:
            _set(yaml, mapping, name, values[name], lines)
            continue
        following = next((n for n in names[i + 1 :] if n in mapping), None)
        if following is None:
            mapping[name] = _node(values[name])
        else:
            mapping.insert(list(mapping).index(following), name, _node(values[name]))
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue().replace("\n", "\r\n") if "\r\n" in text else out.getvalue()


__all__ = ["EditError", "Flow", "SourceError", "parse", "replace_entries"]
