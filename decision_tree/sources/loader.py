"""Read the YAML sources keeping the line of every key and item.

`load_yaml` returns plain dict/list subclasses that remember where each value
came from, so every validation message can say `file:line`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from decision_tree.sources.characters import character_message, clean_text, forbidden_character  # noqa: F401 (clean_text: importer.py)
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
MAX_ALIAS_CHARS = 100_000  # characters of text that aliases may add to one file, counted expanded
MAX_DEPTH = 50  # levels of nested lists and mappings
MAX_STRING_CHARS = 50_000  # characters of one text (the longest of the sources is about 1,100)
MAX_FILE_BYTES = 5_000_000  # bytes of one source file (the guidelines are about 45 kB)
MAX_INT_DIGITS = 100  # digits of an integer (Python refuses more than 4,300; no source needs more than a few)

class _Refused(yaml.MarkedYAMLError):
    """A limit of the loader was hit; `problem` is already `what; how to fix it`."""


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader that keeps lines, refuses alias bombs and deep nesting, and keeps dates as text."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        # Lines as editors count them: YAML also breaks lines at NEL, U+2028 and U+2029, editors do not.
        self._breaks = [m.start() for m in re.finditer(r"\r\n|\n|\r", stream)]
        self._depth = 0
        self._alias_values = 0
        self._alias_chars = 0
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
        values, depth, chars = self._measure(node)
        self._alias_values += values
        self._alias_chars += chars
        if self._alias_values > MAX_ALIAS_VALUES:
            raise _Refused(None, None, f"alias '*{name}' makes the aliases of this file expand to more than "
                           f"{MAX_ALIAS_VALUES} values; write the values out instead of nesting aliases", event.start_mark)
        if self._alias_chars > MAX_ALIAS_CHARS:
            raise _Refused(None, None, f"alias '*{name}' makes the aliases of this file expand to more than "
                           f"{MAX_ALIAS_CHARS:,} characters of text; write the text out once instead of repeating it "
                           "through aliases", event.start_mark)
        self._enter(event.start_mark, depth)
        self._depth -= depth

    def _measure(self, root: yaml.Node) -> tuple[int, int, int]:
        """How many values `root` stands for, aliases expanded, how deep it is, and how many characters
        of text it holds (without recursion)."""
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
                own = len(node.value) if isinstance(node, yaml.ScalarNode) else 0
                memo[id(node)] = (1 + sum(v for v, _, _ in measured), 1 + max((d for _, d, _ in measured), default=0),
                                  own + sum(c for _, _, c in measured))
            else:
                todo.append((node, True))
                todo.extend((child, False) for child in children if id(child) not in memo)
        return memo[id(root)]

    def _line_of(self, mark: yaml.Mark) -> int:
        """The 1-based line of `mark`, counting only the line breaks an editor shows."""
        return bisect.bisect_left(self._breaks, mark.index) + 1

    def construct_text(self, node: yaml.ScalarNode) -> str:
        text = self.construct_scalar(node)
        if len(text) > MAX_STRING_CHARS:
            raise _Refused(None, None, f"this text has {len(text):,} characters, more than the {MAX_STRING_CHARS:,} a "
                           "source text may have; shorten it or split it", node.start_mark)
        bad = forbidden_character(text)
        if bad:
            raise _Refused(None, None, f"the text holds the character {bad}, which terminals, pages and Zendesk would "
                           "carry invisibly; delete it (an escape such as \\e, \\x00, \\a or \\u202E in a quoted "
                           "text writes one)", node.start_mark)
        return text

    def construct_integer(self, node: yaml.ScalarNode) -> int:
        digits = sum(ch.isalnum() for ch in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise _Refused(None, None, f"this number has {digits:,} digits, more than the {MAX_INT_DIGITS} a source "
                           "number may have; write the intended number", node.start_mark)
        try:
            return self.construct_yaml_int(node)
        except ValueError:
            raise _Refused(None, None, "this number cannot be read; write it with digits only, or quote it if it "
                           "is a text", node.start_mark) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LDict:
        result = LDict()
        result.line = self._line_of(node.start_mark)
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
            result.key_lines[key] = self._line_of(key_node.start_mark)
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LList:
        result = LList(self.construct_object(child, deep=True) for child in node.value)
        result.line = self._line_of(node.start_mark)
        result.item_lines = [self._line_of(child.start_mark) for child in node.value]
        return result


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:str", _LineLoader.construct_text)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _LineLoader.construct_integer)
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
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SourceError([f"{display}:1: the file has {size:,} bytes, more than the {MAX_FILE_BYTES:,} a source may "
                               "have; split it or remove what does not belong in it"])
        text = path.read_text(encoding="utf-8")
    except UnsafeFile as exc:
        raise SourceError([str(exc)]) from None
    except UnicodeDecodeError as exc:
        raise SourceError([f"{display}:1: the file is not UTF-8 ({exc.reason}); save it as UTF-8"]) from None
    return load_text(text, display)


def load_text(text: str, display: str) -> Any:
    """Parse the text of a YAML source with the limits above; a problem becomes SourceError `display:line: ...`."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.reader.ReaderError as exc:
        raise SourceError([character_message(display, text, exc)]) from None
    except RecursionError:  # not expected past MAX_DEPTH; never a traceback all the same
        raise SourceError([f"{display}:1: the file is nested too deeply to read; flatten its lists and mappings"]) from None
    except yaml.MarkedYAMLError as exc:
        what = exc.problem or "invalid YAML"
        if isinstance(exc, _Refused) or (isinstance(exc, yaml.constructor.ConstructorError) and "; " in what):
            # Our own messages (limits, duplicate or non-text keys) already say the fix.
            raise SourceError([f"{display}:{_editor_line(text, exc.problem_mark)}: {what}"]) from None
        # An unclosed quote or bracket is reported where it opens, not at the end of the file.
        opened = exc.context and exc.context.startswith("while scanning") and exc.context_mark
        mark = exc.context_mark if opened else (exc.problem_mark or exc.context_mark)
        line = _editor_line(text, mark)
        what = f"{what} ({exc.context})" if exc.context else what
        raise SourceError([f"{display}:{line}: YAML syntax error: {what}; fix the indentation or quoting there"]) from None


def _editor_line(text: str, mark: yaml.Mark | None) -> int:
    """The line of `mark` as an editor counts it (YAML also counts NEL, U+2028 and U+2029 as line breaks)."""
    if mark is None:
        return 1
    index = min(max(mark.index, 0), len(text))
    return len(re.findall(r"\r\n|\n|\r", text[:index])) + 1


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
