"""The typed model of the guidelines, built from the JSON bundle.

Standard library only: this module runs unchanged in CPython and in Pyodide.
The bundle is the validated YAML turned into plain JSON by the build side
(`decision_tree.build.bundle`); `Guidelines.from_dict` never re-validates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Mode:
    id: str
    title: str
    short: str
    scope: tuple[str, ...]
    macros: tuple[str, ...]


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    text: str
    next_step: str


@dataclass(frozen=True)
class Criterion:
    id: str
    mode: str
    section: str
    text: str
    prerequisites: tuple[str, ...]
    number: int  # 1-based position among the criteria of its mode

    @property
    def anchor(self) -> str:
        return self.id


@dataclass(frozen=True)
class Prerequisite:
    id: str
    modes: tuple[str, ...]
    title: str
    text: str


@dataclass(frozen=True)
class Audience:
    id: str
    title: str
    description: str
    payer: str


@dataclass(frozen=True)
class Macro:
    id: str
    title: str
    mode: str
    kind: str
    audiences: tuple[str, ...]
    when: str
    body: str
    body_html: str


@dataclass(frozen=True)
class TaxLine:
    name: str
    rate: Decimal


@dataclass(frozen=True)
class ModeBilling:
    billed: bool
    minimum_minutes: int
    plus_taxes: bool
    waivable: bool
    waiver_text: str
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Billing:
    currency: str
    reference_rate_per_minute: Decimal
    reference_note: str
    max_minutes: int
    max_rate_per_minute: Decimal
    taxes: tuple[TaxLine, ...]
    payers: dict[str, str]
    payer_note: str
    modes: dict[str, ModeBilling]


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
    check: str | None
    options: tuple[Option, ...]

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Outcome:
    id: str
    mode: str
    summary: str
    pending_check: str | None
    next_steps: tuple[str, ...]


@dataclass(frozen=True)
class Guidelines:
    title: str
    fingerprint: str
    modes: dict[str, Mode]
    checks: dict[str, Check]
    criteria: dict[str, Criterion]
    prerequisites: dict[str, Prerequisite]
    audiences: dict[str, Audience]
    macros: dict[str, Macro]
    billing: Billing
    ticket_prefix: str
    date_placeholder: str
    start: str
    questions: dict[str, Question]
    outcomes: dict[str, Outcome]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Guidelines:
        criteria: dict[str, Criterion] = {}
        per_mode: dict[str, int] = {}
        for c in d["criteria"]:
            per_mode[c["mode"]] = per_mode.get(c["mode"], 0) + 1
            criteria[c["id"]] = Criterion(
                id=c["id"],
                mode=c["mode"],
                section=c["section"],
                text=c["text"],
                prerequisites=tuple(c.get("prerequisites", ())),
                number=per_mode[c["mode"]],
            )
        b = d["billing"]
        billing = Billing(
            currency=b["currency"],
            reference_rate_per_minute=Decimal(b["reference_rate_per_minute"]),
            reference_note=b["reference_note"],
            max_minutes=int(b["max_minutes"]),
            max_rate_per_minute=Decimal(b["max_rate_per_minute"]),
            taxes=tuple(TaxLine(t["name"], Decimal(t["rate"])) for t in b["taxes"]),
            payers=dict(b["payers"]),
            payer_note=b["payer_note"],
            modes={
                mode: ModeBilling(
                    billed=bool(m["billed"]),
                    minimum_minutes=int(m.get("minimum_minutes", 0)),
                    plus_taxes=bool(m.get("plus_taxes", False)),
                    waivable=bool(m.get("waivable", False)),
                    waiver_text=m.get("waiver_text", ""),
                    rules=tuple(m.get("rules", ())),
                )
                for mode, m in b["modes"].items()
            },
        )
        tree = d["tree"]
        return cls(
            title=d["title"],
            fingerprint=d["fingerprint"],
            modes={
                m["id"]: Mode(m["id"], m["title"], m["short"], tuple(m["scope"]), tuple(m["macros"]))
                for m in d["modes"]
            },
            checks={c["id"]: Check(c["id"], c["title"], c["text"], c["next_step"]) for c in d["checks"]},
            criteria=criteria,
            prerequisites={
                p["id"]: Prerequisite(p["id"], tuple(p["modes"]), p["title"], p["text"]) for p in d["prerequisites"]
            },
            audiences={
                a["id"]: Audience(a["id"], a["title"], a["description"], a["payer"]) for a in d["audiences"]
            },
            macros={
                m["id"]: Macro(
                    id=m["id"],
                    title=m["title"],
                    mode=m["mode"],
                    kind=m["kind"],
                    audiences=tuple(m["audiences"]),
                    when=m["when"],
                    body=m["body"],
                    body_html=m.get("body_html", ""),
                )
                for m in d["macros"]
            },
            billing=billing,
            ticket_prefix=d["ticket"]["modulo_prefix"],
            date_placeholder=d["ticket"]["date_placeholder"],
            start=tree["start"],
            questions={
                q["id"]: Question(
                    id=q["id"],
                    question=q["question"],
                    check=q.get("check"),
                    options=tuple(
                        Option(
                            id=o["id"],
                            label=o["label"],
                            next=o["next"],
                            criteria=tuple(o.get("criteria", ())),
                            audience=o.get("audience"),
                        )
                        for o in q["options"]
                    ),
                )
                for q in tree["nodes"]
            },
            outcomes={
                o["id"]: Outcome(
                    id=o["id"],
                    mode=o["mode"],
                    summary=o["summary"],
                    pending_check=o.get("pending_check"),
                    next_steps=tuple(o.get("next_steps", ())),
                )
                for o in tree["outcomes"]
            },
        )
