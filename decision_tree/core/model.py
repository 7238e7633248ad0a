"""The typed model of the guidelines, built from the JSON bundle.

Standard library only: this module runs unchanged in CPython and in Pyodide.
The bundle is the validated YAML turned into plain JSON by the build side
(`decision_tree.sources.bundle`), every `source` already normalized;
`Guidelines.from_dict` never re-validates it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from decision_tree.core.billing import Billing
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
class Change:
    """An entry of the changelog: its date (ISO), what changed in one sentence, and each change."""

    date: str
    summary: str
    changes: tuple[str, ...]


@dataclass(frozen=True)
class Procedure:
    """A procedure of the Material complementar: its steps and a note (with the gap it cites, if any)."""

    id: str
    title: str
    steps: tuple[Text, ...]
    note: Text | None
    note_gap: str | None


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
    origin: Text | None = None  # the guideline's opening paragraph (None in the client site's bundle)
    owners: dict[str, str] = field(default_factory=dict)  # who confirms the local items: id -> title
    changelog: tuple[Change, ...] = ()  # newest first
    procedures: tuple[Procedure, ...] = ()  # the Material complementar
    procedures_scope: Text | None = None  # the reading of whom the procedures apply to

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
        """The typed model of a bundle (core/model_read.py reads it)."""
        from decision_tree.core.model_read import guidelines_of

        return guidelines_of(d)
