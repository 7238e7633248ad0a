"""The characters a text of the sources may not hold, and how a text from elsewhere is cleaned of them.

`loader.py` refuses a source that holds one (`forbidden_character`); the Zendesk import cleans what it
writes to macros/ (`clean_text`).
"""

from __future__ import annotations

import re

import yaml

# Characters a loaded text may not hold, however they were written (a YAML escape such as "\e", "\x00",
# "\a" or "\u202E" passes the reader): control characters other than tab and newline, which move the
# cursor or clear a terminal, and the invisible controls of text direction and line separation, which make
# a text read differently from what it holds.
_DIRECTION = {0x061C: "ARABIC LETTER MARK", 0x200E: "LEFT-TO-RIGHT MARK", 0x200F: "RIGHT-TO-LEFT MARK",
              0x202A: "LEFT-TO-RIGHT EMBEDDING", 0x202B: "RIGHT-TO-LEFT EMBEDDING", 0x202C: "POP DIRECTIONAL FORMATTING",
              0x202D: "LEFT-TO-RIGHT OVERRIDE", 0x202E: "RIGHT-TO-LEFT OVERRIDE", 0x2066: "LEFT-TO-RIGHT ISOLATE",
              0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE", 0x2069: "POP DIRECTIONAL ISOLATE",
              0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR"}
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f" + "".join(chr(c) for c in _DIRECTION) + "]")


def forbidden_character(text: str) -> str | None:
    """`U+001B (a control character)` for the first character a text may not hold, or None."""
    m = _FORBIDDEN.search(text)
    if m is None:
        return None
    code = ord(m[0])
    name = _DIRECTION.get(code)
    return f"U+{code:04X} ({name}, an invisible control)" if name else f"U+{code:04X} (a control character)"


def clean_text(text: str) -> str:
    """`text` without the characters a source may not hold (for text that comes from elsewhere: Zendesk);
    a carriage return before a newline is dropped, any other one becomes a newline."""
    text = _TERMINAL_SEQUENCE.sub("", text.replace("\r\n", "\n"))
    return _FORBIDDEN.sub(lambda m: "\n" if m[0] == "\r" else "", text)


# A terminal's escape sequence (ESC [ ... final byte; ESC ] ... BEL or ESC \): removed whole, not only its ESC.
_TERMINAL_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")


def character_message(display: str, text: str, exc: yaml.reader.ReaderError) -> str:
    """A character YAML does not allow (NUL, ESC, DEL, C1 controls...): where it is and what it is."""
    position = min(max(exc.position, 0), len(text))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(exc.character or "\0")
    kind = "control character" if code < 0x20 or 0x7F <= code <= 0x9F else "character"
    return (f"{display}:{line}: the {kind} U+{code:04X} (column {column}) is not allowed in YAML; "
            "delete it (editors often do not show it) or retype the text around it")
