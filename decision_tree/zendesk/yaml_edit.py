"""Precise edits of a YAML file's text: replace entries of a top-level block mapping, keep the rest.

Only the replaced values change: other keys, their order, comments (between
entries too, and after a value on its line) and blank lines stay as they were.
The caller checks the result by parsing it (`parse`), so a text PyYAML would
read differently never gets written.
"""

from __future__ import annotations

from typing import Any

import yaml


class EditError(Exception):
    """The file is not in a shape this editor changes safely (message in pt-BR)."""


class Flow(dict):  # type: ignore[type-arg]
    """A mapping written on one line: `{id: 1, imported: '2026-11-29'}`."""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the same dict in two places is written twice, never as &anchor / *alias


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    # A literal block for multi-line text, unless it ends in blank lines (`|+` would swallow the blank
    # lines after it); PyYAML itself falls back to a quoted scalar when a block can't hold the text.
    style = "|" if "\n" in data and not data.endswith("\n\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(list, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_Dumper.add_representer(Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))


def emit(key: str, value: Any, indent: int) -> str:
    """`key: value` as YAML for a mapping indented by `indent`, without the final newline."""
    text = yaml.dump({key: value}, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**9, default_flow_style=False)
    lines = text.rstrip("\n").split("\n")
    return "\n".join([lines[0]] + [" " * indent + line if line else line for line in lines[1:]])


def parse(text: str) -> Any:
    """The file's data, dates kept as text (like the repository's loader)."""
    return yaml.load(text, Loader=_TextDates)  # noqa: S506 - a SafeLoader subclass


class _TextDates(yaml.SafeLoader):
    pass


_TextDates.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _content_end(text: str, node: yaml.Node) -> int:
    """Where the value's own text ends: before trailing blank lines and comments."""
    if isinstance(node, yaml.ScalarNode):
        if node.style not in ("|", ">"):
            return node.end_mark.index
        lines = text[node.start_mark.index : node.end_mark.index].split("\n")
        while len(lines) > 1 and not lines[-1].strip():
            lines.pop()
        return node.start_mark.index + len("\n".join(lines))
    if node.flow_style or not node.value:
        return node.end_mark.index
    last = node.value[-1]
    return _content_end(text, last[1] if isinstance(node, yaml.MappingNode) else last)


def _block_mapping(text: str, key: str) -> yaml.MappingNode:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise EditError(f"o YAML não pôde ser lido ({str(exc).splitlines()[0]})") from None
    if not isinstance(root, yaml.MappingNode):
        raise EditError("o arquivo não é um mapeamento YAML (chave: valor)")
    for key_node, value_node in root.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            if not isinstance(value_node, yaml.MappingNode) or value_node.flow_style or not value_node.value:
                raise EditError(f"'{key}' deve ser um bloco com uma chave por linha")
            return value_node
    raise EditError(f"falta a chave '{key}'")


def replace_entries(text: str, key: str, values: dict[str, Any]) -> str:
    """`text` with each entry of `values` set in the top-level block mapping `key`, in place.

    An entry that exists keeps its place (and its comments); a missing one goes
    before the next entry of `values` that exists, or after the last entry.
    """
    node = _block_mapping(text, key)
    newline = "\r\n" if "\r\n" in text else "\n"
    entries = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    indent = node.value[0][0].start_mark.column
    names = list(values)
    edits: list[tuple[int, int, str]] = []
    for i, name in enumerate(names):
        entry = emit(name, values[name], indent).replace("\n", newline)
        if name in entries:
            key_node, value_node = entries[name]
            edits.append((key_node.start_mark.index, _content_end(text, value_node), entry))
            continue
        following = next((entries[n][0] for n in names[i + 1 :] if n in entries), None)
        if following is not None:
            at = following.start_mark.index - following.start_mark.column
            edits.append((at, at, " " * indent + entry + newline))
        else:
            at = _content_end(text, node.value[-1][1])
            edits.append((at, at, newline + " " * indent + entry))
    for start, end, replacement in reversed(sorted(edits, key=lambda e: e[0])):  # stable: inserts keep their order
        text = text[:start] + replacement + text[end:]
    return text
