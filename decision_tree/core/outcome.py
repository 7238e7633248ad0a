"""What an outcome of the wizard tells the analyst, as plain data, and the note for the ticket.

Standard library only (runs in CPython and in Pyodide). The steps of a
consultancy are the mode's prerequisites (e.g. the Maestro's approval) and
then the `workflow` of the YAML (the Termo, the Aceite, the ticket prefix);
the ones with a mark are checked off in order, and that is what gates the
Termo's copy and the ticket prefix.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from decision_tree.core import urls
from decision_tree.core.model import TERMO, Gap, Guidelines, Macro, Outcome, Prerequisite
from decision_tree.core.texts import Source, Text

if TYPE_CHECKING:
    from decision_tree.core.engine import Walk

CODE_LABEL = "Código do assistente"  # the ticket note's last line: the code that reopens the walk


def prerequisites_for(g: Guidelines, mode_id: str, criteria: tuple[str, ...] | None = None) -> list[Prerequisite]:
    """The prerequisites of a mode: those of its criteria (all of them, or those given), then its own.

    A criterion's prerequisite is what establishes the criterion (the Maestro's analysis of an intermittent
    error), so it comes before the mode's own (the ticket's approval, before the Termo)."""
    ids: list[str] = []
    for c in g.criteria.values():
        if c.mode == mode_id and (criteria is None or c.id in criteria):
            ids += [p for p in c.prerequisites if p not in ids]
    ids += [p.id for p in g.prerequisites.values() if mode_id in p.modes and p.id not in ids]
    return [g.prerequisites[p] for p in ids]


def markable_steps(g: Guidelines, walk: Walk) -> list[tuple[str, str, str]]:
    """The steps to mark on the walk's outcome, in order: (id, label when done, label while waiting).
    `Recommendation.steps` is their one source: the marks of a shared link are bits in that order."""
    return [(s["id"], s["mark"], s["waiting"]) for s in Recommendation(g, walk).steps() if s["mark"]]


def _source(text: Text) -> dict[str, Any]:
    return text.to_dict()


class Recommendation:
    """Builds the outcome panel's data and the ticket note from a finished walk and its marks."""

    def __init__(self, g: Guidelines, walk: Walk, marks: int = 0):
        self.g = g
        self.walk = walk
        self.outcome: Outcome = walk.node  # type: ignore[assignment]
        self.mode = g.modes[self.outcome.mode]
        self.billing = g.billing.modes[self.mode.id]
        self.audience = g.audiences.get(walk.audience or "")
        self.marks = marks

    def criteria(self) -> list[dict[str, Any]]:
        return [
            {"id": c.id, "title": c.title, "text": c.text, "section": c.section, "url": urls.criterion(c.mode, c.anchor),
             "source": c.source.to_dict()}
            for c in (self.g.criteria[cid] for cid in self.walk.criteria)
            if c.mode == self.mode.id
        ]

    def _macro(self, m: Macro, ready: bool) -> dict[str, Any]:
        """A macro offered by a step. Before the marks it waits for are set, only its title and when to use
        it: the body (html, plain) is not sent at all, so no page can show it before the approval."""
        return {
            "id": m.id, "title": m.title, "kind": m.kind, "when": m.when.to_dict(),
            "html": m.body.html if ready else None, "plain": m.body.plain if ready else None,
            "source": m.body.source.to_dict(), "official": m.body.official, "url": urls.macro_page(m.id), "ready": ready,
            "zendesk_id": m.body.zendesk_id,
        }

    def macros_of(self, kinds: tuple[str, ...]) -> list[Macro]:
        """The mode's macros of these kinds; of the Termos, only the one for who requests (all, before it is known)."""
        audience = self.audience.id if self.audience else None
        return [m for m in (self.g.macros[mid] for mid in self.mode.macros)
                if m.kind in kinds and (not m.is_termo or m.is_termo_for(audience))]

    def steps(self) -> list[dict[str, Any]]:
        """The consultancy's steps in order: its prerequisites, then its workflow. The one source of the mark order
        (the i-th step with a mark is bit i of the marks); `done`: its mark is set; `enabled`: every mark before it is."""
        if not self.billing.is_billed:
            return []
        plan = [(p.id, p.title, {"text": p.text, "source": p.source.to_dict()}, p.order, p.mark, p.waiting, ())
                for p in prerequisites_for(self.g, self.mode.id, self.walk.criteria)]
        plan += [(s.id, "", s.text.to_dict(), s.order, s.mark, s.waiting, s.macro_kinds)
                 for s in self.g.workflow if s.applies_to(self.mode.id)]
        out: list[dict[str, Any]] = []
        marked = 0  # index among the steps with a mark
        open_marks: list[str] = []  # the marks before the current step that are not set: what it waits for
        for step_id, title, text, order, mark, waiting, kinds in plan:
            enabled = not open_marks
            done = bool(mark and self.marks >> marked & 1)
            out.append({"id": step_id, "title": title, "text": text, "order": order.to_dict() if order else None,
                        "mark": mark, "waiting": waiting, "done": done, "enabled": enabled, "waits_for": list(open_marks),
                        "macros": [self._macro(m, enabled) for m in self.macros_of(kinds)]})
            if mark:
                open_marks += [] if done else [mark]
                marked += 1
        return out

    def payer(self) -> dict[str, Any] | None:
        """Who pays, with the rule that says so for this audience (its provenance labels the payer)."""
        payer = self.g.billing.payer(self.mode.id, self.audience.id if self.audience else None)
        if payer is None or payer.rule is None:
            return None
        return {"id": payer.id, "title": payer.title, "rule": payer.rule.to_dict()}

    def to_dict(self, state: str) -> dict[str, Any]:
        check = self.g.checks.get(self.outcome.pending_check or "")
        pending = None
        if check:
            gap = self.g.gaps.get(check.gap or "")
            pending = {"id": check.id, "title": check.title, "pending": check.pending, "next_step": _source(check.next_step),
                       "gap": _gap(gap) if gap else None}
        found = self.g.checks.get(self.outcome.finding_check or "")
        finding = None
        if found and self.outcome.finding:
            finding = {"id": found.id, "title": found.title, **self.outcome.finding.to_dict()}
        steps = self.steps()
        marks_total = sum(1 for s in steps if s["mark"])
        complete = bool(steps) and self.marks.bit_length() == marks_total
        data: dict[str, Any] = {
            "state": state,
            "outcome": self.outcome.id,
            "mode": self.mode.id,
            "mode_title": self.mode.title,
            "mode_url": urls.mode_page(self.mode.id),
            "summary": _source(self.outcome.summary),
            "pending_check": pending,
            "finding": finding,
            "criteria": self.criteria(),
            "audience": {"id": self.audience.id, "title": self.audience.title} if self.audience else None,
            "payer": self.payer(),
            "steps": steps,
            "complete": complete,
            "billing": {
                "billed": self.billing.is_billed,
                "rules": [_source(r) for r in self.billing.rules(self.audience.id if self.audience else None)],
                "calculator": urls.CALCULATOR if self.billing.is_billed else None,
            },
            "next_steps": [_source(s) for s in self.outcome.next_steps],  # the pending check's own step is in pending_check
            "answers": [{"question": s.question.question, "answer": s.option.label} for s in self.walk.steps],
        }
        data["ticket_prefix"] = ticket_prefix(self.g, data)
        data["ticket_note"] = ticket_note(self.g, data)
        return data


def _gap(gap: Gap) -> dict[str, Any]:
    """A gap of the guideline, labelled as not in it: its entry on "Pontos a confirmar" is `lacuna-<id>`."""
    source = Source("local", note=gap.text, owner_title=gap.owner_title, anchor=urls.gap_anchor(gap.id))
    return {"title": gap.title, "text": gap.text, "source": source.to_dict()}


def ticket_prefix(g: Guidelines, r: dict[str, Any]) -> dict[str, Any] | None:
    """The ticket prefix of the outcome's mode, or None: its text and `ready`, whether the ticket takes it now
    (every step marked: the approval and the Aceite)."""
    if r["mode"] != g.ticket.prefix_mode:
        return None
    return {"text": g.ticket.prefix.text, "ready": bool(r["complete"])}


def note_code(note: str) -> str | None:
    """The wizard's code in a ticket note written by `ticket_note` (its last such line), or None."""
    found = re.findall(rf"^{re.escape(CODE_LABEL)}: (\S+)\s*$", note, re.MULTILINE)
    return found[-1] if found else None


def ticket_note(g: Guidelines, r: dict[str, Any]) -> str:
    """The short plain-text summary an analyst pastes into the ticket."""
    lines: list[str] = []
    prefix = ticket_prefix(g, r)
    if prefix and prefix["ready"]:
        lines.append(prefix["text"])
    lines.append(f"Modalidade: {r['mode_title']}")
    if r["pending_check"]:
        lines.append(f"Verificação pendente: {r['pending_check']['title']} — {r['pending_check']['pending']}")
    if r.get("finding"):
        lines.append(f"Verificação feita: {r['finding']['title']} — {r['finding']['text']}")
        lines += [f"A fazer: {s['text']}" for s in r["next_steps"]]
    titles = [c["title"] for c in r["criteria"]]
    if titles:
        lines.append(("Critério: " if len(titles) == 1 else "Critérios: ") + "; ".join(titles))
    if r["audience"]:
        lines.append(f"Solicitante: {r['audience']['title']}")
    lines += [s["mark"] if s["done"] else s["waiting"] for s in r["steps"] if s["mark"]]
    # The Termo is named only once it can be applied: while a mark before it is open, the note says what it waits for.
    termos = [m["title"] for s in r["steps"] for m in s["macros"] if m["kind"] == TERMO and m["ready"]]
    if termos:
        lines.append(f"Macro: {termos[0]}")
    if r["mode"] == g.ticket.prefix_mode:
        lines.append(f"{g.ticket.date_label}: {g.ticket.date_placeholder}")
    lines.append(f"{CODE_LABEL}: {r['state']}")
    return "\n".join(lines)
