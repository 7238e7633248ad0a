"""Read the YAML sources keeping the line of every key and item.

`load_yaml` returns plain dict/list subclasses that remember where each value
came from, so every validation message can say `file:line`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from decision_tree.sources.files import UnsafeFile, check_file


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


# Limits on what one file may make the loader build. The sources are small (the guidelines are
# about 850 values, 8 levels deep), so a file past these is a mistake or an attack (an alias bomb:
# a few hundred bytes of nested aliases that expand to billions of values).
MAX_ALIAS_VALUES = 1000  # values that aliases (`*name`) may add to one file, counted expanded
MAX_DEPTH = 50  # levels of nested lists and mappings


class _Refused(yaml.MarkedYAMLError):
    """A limit of the loader was hit; `problem` is already `what; how to fix it`."""


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader that keeps lines, refuses alias bombs and deep nesting, and keeps dates as text."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._alias_values = 0
        self._open_anchors: set[str] = set()
        self._measured: dict[int, tuple[int, int]] = {}  # id(node) -> (values, depth), aliases expanded

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            node = self.anchors.get(event.anchor)
            if node is not None:
                self._check_alias(event, node)
            return super().compose_node(parent, index)
        self._enter(event.start_mark, 1)
        if event.anchor is not None:
            self._open_anchors.add(event.anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._open_anchors.discard(event.anchor)
            self._depth -= 1

    def _enter(self, mark: yaml.Mark, levels: int) -> None:
        self._depth += levels
        if self._depth > MAX_DEPTH:
            raise _Refused(None, None, f"the lists and mappings here are nested more than {MAX_DEPTH} levels deep; "
                           "flatten the structure (the sources need fewer than 10 levels)", mark)

    def _check_alias(self, event: yaml.AliasEvent, node: yaml.Node) -> None:
        name = event.anchor
        if name in self._open_anchors:
            raise _Refused(None, None, f"alias '*{name}' is inside the value '&{name}' it refers to (a loop); "
                           "write the value out instead of the alias", event.start_mark)
        values, depth = self._measure(node)
        self._alias_values += values
        if self._alias_values > MAX_ALIAS_VALUES:
            raise _Refused(None, None, f"alias '*{name}' makes the aliases of this file expand to more than "
                           f"{MAX_ALIAS_VALUES} values; write the values out instead of nesting aliases", event.start_mark)
        self._enter(event.start_mark, depth)
        self._depth -= depth

    def _measure(self, root: yaml.Node) -> tuple[int, int]:
        """How many values `root` stands for, aliases expanded, and how deep it is (without recursion)."""
        memo, todo = self._measured, [(root, False)]
        while todo:
            node, children_done = todo.pop()
            if id(node) in memo:
                continue
            if isinstance(node, yaml.MappingNode):
                children = [child for pair in node.value for child in pair]
            elif isinstance(node, yaml.SequenceNode):
                children = list(node.value)
            else:
                children = []
            if children_done:
                measured = [memo[id(child)] for child in children]
                memo[id(node)] = (1 + sum(v for v, _ in measured), 1 + max((d for _, d in measured), default=0))
            else:
                todo.append((node, True))
                todo.extend((child, False) for child in children if id(child) not in memo)
        return memo[id(root)]

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


def load_yaml(path: Path, display: str, root: Path | None = None) -> Any:
    """Parse one YAML file; a syntax error becomes `display:line: ...`. With `root`, the file must be a
    regular file of that repository (files.check_file) before a byte of it is read."""
    try:
        if root is not None:
            check_file(root, path)
        text = path.read_text(encoding="utf-8")
    except UnsafeFile as exc:
        raise SourceError([str(exc)]) from None
    except UnicodeDecodeError as exc:
        raise SourceError([f"{display}:1: the file is not UTF-8 ({exc.reason}); save it as UTF-8"]) from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.reader.ReaderError as exc:
        raise SourceError([_character_message(display, text, exc)]) from None
    except RecursionError:  # not expected past MAX_DEPTH; never a traceback all the same
        raise SourceError([f"{display}:1: the file is nested too deeply to read; flatten its lists and mappings"]) from None
    except yaml.MarkedYAMLError as exc:
        what = exc.problem or "invalid YAML"
        if isinstance(exc, _Refused) or (isinstance(exc, yaml.constructor.ConstructorError) and "; " in what):
            # Our own messages (limits, duplicate or non-text keys) already say the fix.
            line = exc.problem_mark.line + 1 if exc.problem_mark else 1
            raise SourceError([f"{display}:{line}: {what}"]) from None
        # An unclosed quote or bracket is reported where it opens, not at the end of the file.
        opened = exc.context and exc.context.startswith("while scanning") and exc.context_mark
        mark = exc.context_mark if opened else (exc.problem_mark or exc.context_mark)
        line = mark.line + 1 if mark else 1
        if exc.context:
            what = f"{what} ({exc.context})"
        raise SourceError([f"{display}:{line}: YAML syntax error: {what}; fix the indentation or quoting there"]) from None


def _character_message(display: str, text: str, exc: yaml.reader.ReaderError) -> str:
    """A character YAML does not allow (NUL, ESC, DEL, C1 controls...): where it is and what it is."""
    position = min(max(exc.position, 0), len(text))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(exc.character or "\0")
    kind = "control character" if code < 0x20 or 0x7F <= code <= 0x9F else "character"
    return (f"{display}:{line}: the {kind} U+{code:04X} (column {column}) is not allowed in YAML; "
            "delete it (editors often do not show it) or retype the text around it")


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
        guidelines = load_yaml(root / GUIDELINES, display, root)
    except FileNotFoundError:
        errors.append(f"{display}:1: file not found; create it (see README.md)")
    except SourceError as exc:
        errors.extend(exc.messages)
    sources = Sources(root=root, guidelines_path=display, guidelines=guidelines)
    try:
        sources.guideline_text = check_file(root, root / GUIDELINE_TEXT).read_text(encoding="utf-8")
    except UnsafeFile as exc:
        errors.append(str(exc))
    except (FileNotFoundError, UnicodeDecodeError):
        errors.append(f"{GUIDELINE_TEXT.as_posix()}:1: the original guideline is missing or not UTF-8; "
                      "restore it (quoted passages are checked against it)")
    for path in sorted((root / MACROS_DIR).glob("*.yml")):
        shown = (MACROS_DIR / path.name).as_posix()
        try:
            sources.macros[shown] = (shown, load_yaml(path, shown, root))
        except FileNotFoundError:
            errors.append(f"{shown}:1: the file disappeared while it was read; run the command again")
        except SourceError as exc:
            errors.extend(exc.messages)
    if errors:
        raise SourceError(errors)
    return sources
