"""The error every Zendesk command shows as is, and a helper to quote remote text in it."""

from __future__ import annotations

import json
import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


class ZendeskError(Exception):
    """A problem to show the user as is: the message is already in pt-BR.

    `outcome_unknown` is true when a request may have reached Zendesk but its
    answer was lost (timeout, dropped connection, redirect, broken response):
    a write in that state may or may not have been applied.
    """

    def __init__(self, message: str, *, outcome_unknown: bool = False):
        super().__init__(message)
        self.outcome_unknown = outcome_unknown


def printable(text: str) -> str:
    """`text` safe for a terminal: control characters (ANSI escapes included) shown escaped."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def shown(value: Any, limit: int = 60) -> str:
    """A value from a response on one short, printable line, for an error message."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = printable(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"
