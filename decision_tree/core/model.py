"""The typed model of the guidelines, built from the JSON bundle.

Standard library only: this module runs unchanged in CPython and in Pyodide.
The bundle is the validated YAML turned into plain JSON by the build side
(`decision_tree.sources.bundle`), every `source` already normalized;
`Guidelines.from_dict` never re-validates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from decision_tree.core.billing import Billing, billing_of
from decision_tree.core.texts import Source, Text

# Who sees an item (`visibility` in the YAML): the analysts' site only, or the client site too.
INTERNAL = "internal"
PUBLIC = "public"


@dataclass(frozen=True)
class Mode:
    id: str
    color: str
    title: str
    summary: Text
    scope: tuple[Text, ...]
    readings: tuple[Text, ...]
    macros: tuple[str, ...]
    visibility: str = INTERNAL


@dataclass(frozen=True)
class Gap:
    id: str
    title: str
    text: str
    source: Source
    owner_title: str = ""  # who confirms it


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    source: Source
    pending: str
    next_step: Text
    gap: str | None


@dataclass(frozen=True)
class Criterion:
    id: str
    mode: str
    section: str
    title: str
    text: str
    source: Source
    prerequisites: tuple[str, ...]
    contradicts: tuple[str, ...]
    see_also: tuple[str, ...]
    number: int  # 1-based position among the criteria of its mode
    visibility: str = INTERNAL

    @property
    def anchor(self) -> str:
        return self.id


@dataclass(frozen=True)
class Prerequisite:
    id: str
    modes: tuple[str, ...]
    title: str
    text: str
    source: Source
    mark: str
    waiting: str
    order: Text | None = None  # why the mark comes where it does, when the guideline does not say
    visibility: str = INTERNAL


@dataclass(frozen=True)
class Step:
    """A step of the consultancy workflow (after the prerequisites), from `workflow` in the YAML."""

    id: str
    modes: tuple[str, ...]  # empty: every billed mode
    macro_kinds: tuple[str, ...]
    text: Text
    mark: str
    waiting: str
    order: Text | None = None  # why the step comes where it does, when the guideline does not say

    def applies_to(self, mode: str) -> bool:
        return not self.modes or mode in self.modes


@dataclass(frozen=True)
class Audience:
    id: str
    title: str
    short: str
    source: Source
    visibility: str = INTERNAL


@dataclass(frozen=True)
class MacroBody:
    format: str
    text: str
    html: str
    plain: str
    source: Source
    zendesk_id: int | None = None  # of an official text: the macro's id in Zendesk (import-zendesk records it)

    @property
    def official(self) -> bool:
        return self.source.kind == "zendesk"


# The macro kind (an enum of schemas/macro.schema.json) that is chosen by who requests:
# a billed mode has exactly one Termo de Aceite for each audience.
TERMO = "termo"


@dataclass(frozen=True)
class Macro:
    id: str
    title: str
    mode: str
    kind: str
    audiences: tuple[str, ...]
    when: Text
    body: MacroBody
    assumes: tuple[str, ...]

    @property
    def is_termo(self) -> bool:
        return self.kind == TERMO

    def is_termo_for(self, audience: str | None) -> bool:
        return is_termo_for(self.kind, self.audiences, audience)


def is_termo_for(kind: str, audiences: tuple[str, ...] | list[str], audience: str | None) -> bool:
    """Whether a macro is the Termo de Aceite for who requests (any Termo, while nobody is known yet). The one rule
    of the wizard, the pages and the validation (a billed mode has exactly one for each audience)."""
    return kind == TERMO and (audience is None or audience in audiences)
@dataclass(frozen=True)
class Ticket:
    prefix: Text
    prefix_mode: str
    date_label: str
    date_placeholder: str
    date_source: Source


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    next: str
    criteria: tuple[str, ...]
    audience: str | None


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    help: str
    check: str | None
    options: tuple[Option, ...]
    help_source: Source | None = None  # when the help is a reading of the guideline (labelled on the site)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Outcome:
    id: str
    mode: str
    summary: Text
    pending_check: str | None
    next_steps: tuple[Text, ...]
    finding_check: str | None = None  # the check whose result this outcome is
    finding: Text | None = None  # what that check found (the ticket note says it)


@dataclass(frozen=True)
class Guidelines:
    title: str
    fingerprint: str
    macro_kinds: dict[str, str]
    modes: dict[str, Mode]
    checks: dict[str, Check]
    criteria: dict[str, Criterion]
    prerequisites: dict[str, Prerequisite]
    workflow: tuple[Step, ...]
    audiences: dict[str, Audience]
    macros: dict[str, Macro]
    billing: Billing
    ticket: Ticket | None  # None in the client site's bundle (sources/bundle.py, public_bundle)
    gaps: dict[str, Gap]
    start: str
    questions: dict[str, Question]
    outcomes: dict[str, Outcome]
    zendesk_app: dict[str, Any] | None = None  # the sidebar app's settings (core/zendesk_app.py)

    def termo(self, mode: str, audience: str) -> Macro | None:
        """The Termo de Aceite of a mode for who requests."""
        return next((self.macros[m] for m in self.modes[mode].macros if self.macros[m].is_termo_for(audience)), None)

    def billed_modes(self) -> list[Mode]:
        """The modes that are billed (the consultancies), in the order of the YAML."""
        return [m for m in self.modes.values() if self.billing.is_billed(m.id)]

    @property
    def official_macros(self) -> int:
        """How many macros carry the official text imported from Zendesk (the others, a proposed one)."""
        return sum(m.body.official for m in self.macros.values())

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Guidelines:
        tree = d["tree"]
        owners = {o["id"]: o["title"] for o in d.get("owners", [])}
        return cls(
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
        )


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
