"""Reading the JSON bundle into the typed model (`Guidelines.from_dict`).

Standard library only: runs in CPython and in Pyodide. The bundle is already
validated; nothing here re-validates it.
"""

from __future__ import annotations

from typing import Any

from decision_tree.core.billing import billing_of
from decision_tree.core.model import (
    INTERNAL,
    Audience,
    Change,
    Check,
    Criterion,
    Gap,
    Guidelines,
    Macro,
    MacroBody,
    Mode,
    Option,
    Outcome,
    Prerequisite,
    Procedure,
    Question,
    Step,
    Ticket,
)
from decision_tree.core.texts import Source, Text


def guidelines_of(d: dict[str, Any]) -> Guidelines:
    """The typed model of a validated bundle."""
    tree = d["tree"]
    owners = {o["id"]: o["title"] for o in d.get("owners", [])}
    return Guidelines(
        title=d["title"],
        fingerprint=d["fingerprint"],
        macro_kinds=dict(d["macro_kinds"]),
        modes={m["id"]: _mode(m) for m in d["modes"]},
        checks={c["id"]: _check(c) for c in d["checks"]},
        criteria=_criteria(d["criteria"]),
        prerequisites={
            p["id"]: Prerequisite(p["id"], tuple(p["modes"]), p["title"], p["text"], Source.of(p["source"]), p.get("mark", ""),
                                  p.get("waiting", ""), Text.of(p["order"]) if "order" in p else None,
                                  p.get("visibility", INTERNAL))
            for p in d["prerequisites"]
        },
        workflow=tuple(
            Step(w["id"], tuple(w.get("modes", ())), tuple(w.get("macros", ())), Text.of(w), w.get("mark", ""), w.get("waiting", ""),
                 Text.of(w["order"]) if "order" in w else None)
            for w in d["workflow"]
        ),
        audiences={a["id"]: Audience(a["id"], a["title"], a["short"], Source.of(a["source"]), a.get("visibility", INTERNAL))
                   for a in d["audiences"]},
        macros={m["id"]: _macro(m) for m in d["macros"]},
        billing=billing_of(d["billing"]),
        ticket=_ticket(d["ticket"]) if "ticket" in d else None,
        gaps={g["id"]: Gap(g["id"], g["title"], g["text"], Source.of(g["source"]), owners.get(g.get("owner", ""), ""))
              for g in d["gaps"]},
        start=tree["start"],
        questions={q["id"]: _question(q) for q in tree["nodes"]},
        outcomes={o["id"]: _outcome(o) for o in tree["outcomes"]},
        zendesk_app=d.get("zendesk_app"),
        origin=Text.of(d["origin"]) if d.get("origin") else None,
        owners=owners,
        changelog=tuple(Change(str(c["date"]), c.get("summary", ""), tuple(c.get("changes", ()))) for c in d.get("changelog", ())),
        procedures=tuple(_procedure(p) for p in d.get("procedures", ())),
        procedures_scope=Text.of(d["procedures_scope"]) if d.get("procedures_scope") else None,
    )


def _procedure(p: dict[str, Any]) -> Procedure:
    note = p.get("note")
    return Procedure(p["id"], p["title"], _texts(p["steps"]), Text.of(note) if note else None, note.get("gap") if note else None)


def _texts(items: list[dict[str, Any]]) -> tuple[Text, ...]:
    return tuple(Text.of(t) for t in items)


def _mode(m: dict[str, Any]) -> Mode:
    readings = _texts(m.get("readings", []))
    return Mode(m["id"], m["color"], m["title"], Text.of(m["summary"]), _texts(m["scope"]), readings, tuple(m["macros"]),
                m.get("visibility", INTERNAL))


def _check(c: dict[str, Any]) -> Check:
    return Check(c["id"], c["title"], Source.of(c["source"]), c["pending"], Text.of(c["next_step"]), c.get("gap"))


def _criteria(items: list[dict[str, Any]]) -> dict[str, Criterion]:
    criteria: dict[str, Criterion] = {}
    per_mode: dict[str, int] = {}
    for c in items:
        per_mode[c["mode"]] = per_mode.get(c["mode"], 0) + 1
        criteria[c["id"]] = Criterion(
            id=c["id"], mode=c["mode"], section=c["section"], title=c["title"], text=c["text"], source=Source.of(c["source"]),
            prerequisites=tuple(c.get("prerequisites", ())), contradicts=tuple(c.get("contradicts", ())),
            see_also=tuple(c.get("see_also", ())),
            number=per_mode[c["mode"]], visibility=c.get("visibility", INTERNAL),
        )
    return criteria


def _macro(m: dict[str, Any]) -> Macro:
    b = m["body"]
    zid = b["source"].get("id") if b["source"].get("kind") == "zendesk" else None
    body = MacroBody(b["format"], b["text"], b.get("html", ""), b.get("plain", ""), Source.of(b["source"]), zid)
    return Macro(m["id"], m["title"], m["mode"], m["kind"], tuple(m["audiences"]), Text.of(m["when"]), body, tuple(m.get("assumes", ())))
def _ticket(t: dict[str, Any]) -> Ticket:
    prefix = t["prefix"]
    date = t["date"]
    return Ticket(Text.of(prefix), prefix["mode"], date["label"], date["placeholder"], Source.of(date["source"]))


def _question(q: dict[str, Any]) -> Question:
    options = tuple(
        Option(o["id"], o["label"], o["next"], tuple(o.get("criteria", ())), o.get("audience")) for o in q["options"]
    )
    help_ = q.get("help", "")
    if isinstance(help_, dict):
        return Question(q["id"], q["question"], help_["text"], q.get("check"), options, Source.of(help_["source"]))
    return Question(q["id"], q["question"], help_, q.get("check"), options)


def _outcome(o: dict[str, Any]) -> Outcome:
    finding = o.get("finding")
    return Outcome(o["id"], o["mode"], Text.of(o["summary"]), o.get("pending_check"), _texts(o.get("next_steps", [])),
                   finding["check"] if finding else None, Text.of(finding) if finding else None)
