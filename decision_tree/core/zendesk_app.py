"""What the Zendesk sidebar app reads from the ticket, decided by the engine: the audience, the walk to resume, the tags.

Standard library only (runs in Pyodide; the page's adapter `docs/assets/app/zendesk.js`
only carries the ticket's data here and the answer back). The rules are local
(`zendesk_app:` in guidelines.yml, not in the guideline): the requester's
organization tags preselect the Termo's audience when they name exactly one
audience (the app's settings replace the YAML's tags per audience); the walk
resumes from the code in the last internal note the app added to the ticket
(the ticket note's "Código do assistente" line, `outcome.note_code`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from decision_tree.core.outcome import note_code
from decision_tree.core.texts import Text


@dataclass(frozen=True)
class ZendeskApp:
    subdomain: str
    audience_rule: Text
    audience_tags: dict[str, tuple[str, ...]]  # audience id → organization tags
    ticket_rule: Text
    ticket_tags: dict[str, tuple[str, ...]]  # mode id → tags the app adds

    @classmethod
    def of(cls, d: dict[str, Any] | None) -> ZendeskApp | None:
        if not d:
            return None
        a, t = d["audience_tags"], d["ticket_tags"]
        return cls(d["subdomain"], Text.of(a), {r["audience"]: tuple(r["tags"]) for r in a["rules"]},
                   Text.of(t), {r["mode"]: tuple(r["tags"]) for r in t["rules"]})


def setting_name(audience_id: str) -> str:
    """The app setting (manifest parameter) holding the organization tags of an audience."""
    return "tags_" + audience_id.replace("-", "_")


def split_tags(value: object) -> tuple[str, ...]:
    """Tags as an admin types them in a setting: separated by commas or spaces, any case."""
    if not isinstance(value, str):
        return ()
    return tuple(dict.fromkeys(t.strip().lower() for t in value.replace(",", " ").split() if t.strip()))


def audience_tags(app: ZendeskApp, settings: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """The tags of each audience: the setting's when the admin filled it in, else the YAML's."""
    return {a: split_tags(settings.get(setting_name(a))) or tags for a, tags in app.audience_tags.items()}


def ticket_context(app: ZendeskApp, titles: dict[str, str], req: dict[str, Any]) -> dict[str, Any]:
    """The op `zendesk-ticket`: the preselected audience and the code to resume, from the ticket's data."""
    raw = req.get("organization_tags")
    org = {t.lower() for t in raw if isinstance(t, str)} if isinstance(raw, list) else set()
    settings = req.get("settings") if isinstance(req.get("settings"), dict) else {}
    matches = [a for a, tags in audience_tags(app, settings).items() if org & set(tags)]
    notes = req.get("notes") if isinstance(req.get("notes"), list) else []
    codes = [c for c in (note_code(n) for n in notes if isinstance(n, str)) if c]
    return {
        "ok": True,
        "error": None,
        "audience": matches[0] if len(matches) == 1 else None,
        "audience_title": titles[matches[0]] if len(matches) == 1 else None,
        "audience_matches": matches,
        "audience_rule": app.audience_rule.to_dict(),
        "resume": codes[-1] if codes else None,
        "ticket_tags": {m: list(tags) for m, tags in app.ticket_tags.items()},
        "ticket_rule": app.ticket_rule.to_dict(),
    }
