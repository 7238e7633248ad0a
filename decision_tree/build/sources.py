"""Read the YAML sources keeping the line of every key and item.

`load_yaml` returns plain dict/list subclasses that remember where each value
came from, so every validation message can say `file:line`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class SourceError(Exception):
    """One or more problems in the sources, each already `path:line: message`."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


class LDict(dict):
    """A mapping from YAML: `.line` is its own line, `.key_lines[k]` each key's."""

    line: int = 0
    key_lines: dict[str, int]


class LList(list):
    """A sequence from YAML: `.line` is its own line, `.item_lines[i]` each item's."""

    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LDict:
        result = LDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} is not text; quote it", key_node.start_mark
                )
            if key in result:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' appears twice in this mapping; keep one", key_node.start_mark
                )
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LList:
        result = LList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)
# Dates and times stay text: `date: 2026-11-28` must not become a datetime.
_LineLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path, display: str) -> Any:
    """Parse one YAML file; a syntax error becomes `display:line: ...`."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError([f"{display}:1: the file is not UTF-8 ({exc.reason}); save it as UTF-8"]) from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        what = exc.problem or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and "; " in what:
            # Our own duplicate-key / non-text-key messages already say the fix.
            line = exc.problem_mark.line + 1 if exc.problem_mark else 1
            raise SourceError([f"{display}:{line}: {what}"]) from None
        # An unclosed quote or bracket is reported where it opens, not at the end of the file.
        opened = exc.context and exc.context.startswith("while scanning") and exc.context_mark
        mark = exc.context_mark if opened else (exc.problem_mark or exc.context_mark)
        line = mark.line + 1 if mark else 1
        if exc.context:
            what = f"{what} ({exc.context})"
        raise SourceError([f"{display}:{line}: YAML syntax error: {what}; fix the indentation or quoting there"]) from None


def line_of(container: Any, key: Any = None) -> int:
    """The line of `container[key]` (or of the container itself)."""
    if key is None:
        return getattr(container, "line", 1)
    if isinstance(container, LDict):
        return container.key_lines.get(key, container.line)
    if isinstance(container, LList) and isinstance(key, int) and key < len(container.item_lines):
        return container.item_lines[key]
    return getattr(container, "line", 1)


@dataclass
class Sources:
    """The raw, line-aware sources of a project, before validation."""

    root: Path
    guidelines_path: str
    guidelines: Any
    macros: dict[str, tuple[str, Any]] = field(default_factory=dict)  # file -> (display, data)
    guideline_text: str = ""  # the original guideline (decision_tree/diretriz.txt), for quoted passages


GUIDELINES = Path("decision_tree/guidelines.yml")
MACROS_DIR = Path("macros")
GUIDELINE_TEXT = Path("decision_tree/diretriz.txt")


def read_sources(root: Path) -> Sources:
    """Parse every source file under `root`; syntax errors are collected."""
    errors: list[str] = []
    guidelines: Any = None
    display = GUIDELINES.as_posix()
    try:
        guidelines = load_yaml(root / GUIDELINES, display)
    except FileNotFoundError:
        errors.append(f"{display}:1: file not found; create it (see README.md)")
    except SourceError as exc:
        errors.extend(exc.messages)
    sources = Sources(root=root, guidelines_path=display, guidelines=guidelines)
    try:
        sources.guideline_text = (root / GUIDELINE_TEXT).read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        errors.append(f"{GUIDELINE_TEXT.as_posix()}:1: the original guideline is missing or not UTF-8; "
                      "restore it (quoted passages are checked against it)")
    for path in sorted((root / MACROS_DIR).glob("*.yml")):
        shown = (MACROS_DIR / path.name).as_posix()
        try:
            sources.macros[shown] = (shown, load_yaml(path, shown))
        except SourceError as exc:
            errors.extend(exc.messages)
    if errors:
        raise SourceError(errors)
    return sources
