"""Differences shown to a person: a readable text diff of a macro's comment, and its changed settings."""

from __future__ import annotations

import difflib
from typing import Any

from decision_tree.zendesk.errors import printable, shown

COMMENT_FIELDS = ("comment_value_html", "comment_value")
SETTINGS = {  # action field → how the plan names it (the YAML key)
    "comment_mode_is_public": "public",
    "current_tags": "tags",
    "status": "status",
}
def comment_text(actions: dict[str, list[str]]) -> tuple[str, str]:
    """(readable, raw) text of the comment in normalized actions; empty when there is none. The readable text is
    the one the site's copy button gives for the same body (`macro_text.body_text`: one converter for both)."""
    from decision_tree.sources.macro_text import body_text  # Markdown and nh3: only when there is a text to read

    raw = "\n".join(v for name in COMMENT_FIELDS for v in actions.get(name, []))
    readable = "\n".join(body_text({"format": "html" if name == "comment_value_html" else "text", "text": v})
                          for name in COMMENT_FIELDS for v in actions.get(name, []))
    return readable, raw


def unified(old: str, new: str, old_name: str, new_name: str) -> list[str]:
    """A unified diff, printable, without the trailing newlines."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name, lineterm="", n=2)
    return [printable(line) for line in lines]


def body_diff(remote: dict[str, Any], desired: dict[str, Any], remote_name: str, desired_name: str) -> list[str]:
    """The comment's diff as read; the raw diff when only the markup differs."""
    old_read, old_raw = comment_text(remote["actions"])
    new_read, new_raw = comment_text(desired["actions"])
    if old_raw == new_raw:
        return []
    if old_read != new_read:
        return unified(old_read, new_read, f"{remote_name} (texto lido)", f"{desired_name} (texto lido)")
    return unified(old_raw, new_raw, f"{remote_name} (só a marcação difere)", desired_name)


def settings_changes(remote: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    """`name: old → new` for each differing setting and each action only one side has."""
    keys = [key for key in ("title", "description", "active") if remote[key] != desired[key]]
    lines = [f"{key}: {shown(remote[key], 200)} → {shown(desired[key], 200)}" for key in keys]
    for name in sorted(set(remote["actions"]) | set(desired["actions"])):
        if name in COMMENT_FIELDS:
            continue
        old, new = remote["actions"].get(name), desired["actions"].get(name)
        if old != new:
            label = SETTINGS.get(name, f"ação {name}")
            before = shown(" ".join(old), 200) if old else "(ausente)"
            lines.append(f"{label}: {before} → {shown(' '.join(new), 200) if new else '(removida)'}")
    return lines
