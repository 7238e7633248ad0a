"""One macro of the repository as the Zendesk API macro object, and the export files."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from decision_tree.zendesk.errors import ZendeskError

MACRO_STATUSES = ("open", "pending", "hold", "solved")  # macros don't take new/closed
TAG_RE = re.compile(r"[a-z0-9_]+")
ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
ALL_FILE = "macros.json"
DEFAULT_OUT = "dist/zendesk"
BODY_FORMATS = ("markdown", "html", "text")  # html and text: the official text imported from Zendesk, verbatim


def _require(macro: dict[str, Any], where: str, *keys: str) -> Any:
    value: Any = macro
    for i, key in enumerate(keys):
        if not isinstance(value, dict) or key not in value:
            raise ZendeskError(f"{where}: falta o campo '{'.'.join(keys[: i + 1])}'; inclua-o no YAML da macro")
        value = value[key]
    return value


def body_of(macro: dict[str, Any]) -> dict[str, Any]:
    """The macro's `body` ({format, text, source, ...}), checked."""
    where = f"macros/{macro.get('id', '?')}.yml"
    body = _require(macro, where, "body")
    if not isinstance(body, dict) or body.get("format") not in BODY_FORMATS:
        raise ZendeskError(f"{where}: 'body.format' deve ser {', '.join(BODY_FORMATS)}")
    if not isinstance(body.get("text"), str) or not body["text"].strip():
        raise ZendeskError(f"{where}: 'body.text' deve ser um texto não vazio")
    return body


def is_official(macro: dict[str, Any]) -> bool:
    """True when the body is the official text imported from Zendesk; anything else is a proposal."""
    source = body_of(macro).get("source")
    return isinstance(source, dict) and source.get("kind") == "zendesk"


def _comment(body: dict[str, Any]) -> dict[str, str]:
    """The action that writes the comment: Markdown rendered like the site; official texts verbatim."""
    if body["format"] == "markdown":
        return {"field": "comment_value_html", "value": body.get("html") or _render(body["text"])}
    if body["format"] == "html":
        return {"field": "comment_value_html", "value": body["text"]}
    return {"field": "comment_value", "value": body["text"]}


def macro_to_zendesk(macro: dict[str, Any]) -> dict[str, Any]:
    """The Zendesk API macro object for one macro of the bundle."""
    where = f"macros/{macro.get('id', '?')}.yml" if isinstance(macro, dict) else "macros/?.yml"
    title = _require(macro, where, "title")
    description = _require(macro, where, "zendesk", "description")
    public = _require(macro, where, "zendesk", "public")
    status = _require(macro, where, "zendesk", "status")
    tags = _require(macro, where, "zendesk", "tags")
    active = macro["zendesk"].get("active", True)
    body = body_of(macro)
    if not isinstance(title, str) or not title.strip():
        raise ZendeskError(f"{where}: 'title' deve ser um texto não vazio")
    if not isinstance(description, str):
        raise ZendeskError(f"{where}: 'zendesk.description' deve ser um texto")
    if not isinstance(public, bool) or not isinstance(active, bool):
        raise ZendeskError(f"{where}: 'zendesk.public' e 'zendesk.active' devem ser true ou false")
    if status not in MACRO_STATUSES:
        raise ZendeskError(
            f"{where}: zendesk.status '{status}' não é aceito em macros do Zendesk (use {', '.join(MACRO_STATUSES)})"
        )
    if not isinstance(tags, list) or not tags or not all(isinstance(t, str) and TAG_RE.fullmatch(t) for t in tags):
        raise ZendeskError(f"{where}: 'zendesk.tags' deve ser uma lista de tags em minúsculas com [a-z0-9_]")
    return {
        "title": title,
        "description": description.strip(),
        "active": active,
        "actions": [
            _comment(body),
            {"field": "comment_mode_is_public", "value": "true" if public else "false"},
            {"field": "current_tags", "value": " ".join(tags)},
            {"field": "status", "value": status},
        ],
    }


@dataclass
class Exported:
    macro_id: str
    obj: dict[str, Any]  # the Zendesk API object
    official: bool  # the body is the official text, not a proposal


def convert_all(macros: list[dict[str, Any]]) -> list[Exported]:
    """Every macro as a Zendesk object, sorted by id; ids and titles unique."""
    converted: list[Exported] = []
    titles: dict[str, str] = {}
    for macro in macros:
        obj = macro_to_zendesk(macro)
        macro_id = str(macro.get("id", ""))
        if not ID_RE.fullmatch(macro_id):
            raise ZendeskError(f"macros/{macro_id or '?'}.yml: 'id' deve ser como 'modulo-termo-ams' (a-z, 0-9, -)")
        if any(macro_id == done.macro_id for done in converted):
            raise ZendeskError(f"macros/{macro_id}.yml: o id '{macro_id}' aparece em mais de uma macro")
        if obj["title"] in titles:
            raise ZendeskError(
                f"macros/{macro_id}.yml: o título já é usado por macros/{titles[obj['title']]}.yml; "
                "a sincronização associa as macros pelo título, então ele deve ser único"
            )
        titles[obj["title"]] = macro_id
        converted.append(Exported(macro_id, obj, is_official(macro)))
    return sorted(converted, key=lambda e: e.macro_id)


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def export_macros(macros: list[dict[str, Any]], out_dir: Path) -> list[Path]:
    """Write `<id>.json` per macro and `macros.json` with all; return the paths."""
    converted = convert_all(macros)  # fail before writing anything
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for item in converted:
        path = out_dir / f"{item.macro_id}.json"
        path.write_text(_dump(item.obj), encoding="utf-8")
        written.append(path)
    everything = {"macros": [item.obj for item in converted], "count": len(converted), "next_page": None, "previous_page": None}
    path = out_dir / ALL_FILE
    path.write_text(_dump(everything), encoding="utf-8")
    written.append(path)
    return written


def _render(markdown_text: str) -> str:
    """The body's HTML when the bundle was made without it (Markdown is a build-side package: imported here only)."""
    from decision_tree.sources.markup import render_markdown

    return render_markdown(markdown_text)
