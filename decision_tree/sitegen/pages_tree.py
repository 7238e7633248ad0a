"""The decision tree as pages: a table per question (linear in the tree's size) and a Mermaid flowchart.

Both come from the same `Engine` the wizard runs, so the table, the
flowchart and the wizard cannot disagree. The table lists, for every answer,
where it leads and which criteria it establishes; a few lines of JS
(assets/app/table.js) filter it by mode or from a given answer, and without
JS the whole table is there.
"""

from __future__ import annotations

from typing import Any

from decision_tree.core import urls
from decision_tree.core.engine import Engine
from decision_tree.core.model import Guidelines, Option, Question
from decision_tree.core.outcome import prerequisites_for
from decision_tree.sitegen.render import render

# Mermaid's entity codes (`#NN;`): quotes, brackets and markup can never end a label or become HTML.
_MERMAID_ENTITIES = {c: f"#{ord(c)};" for c in '#"<>&`;|\\{}[]*_~'}
EDGE_LABEL = 44  # characters of an answer shown on an arrow
# Mermaid's per-diagram settings (its YAML front matter): bigger text, more room between nodes.
MERMAID_CONFIG = (
    "---\nconfig:\n  flowchart:\n    useMaxWidth: false\n    nodeSpacing: 40\n    rankSpacing: 60\n    wrappingWidth: 220\n"
    "  themeVariables:\n    fontSize: 17px\n---\n"
)


def _key(q: Question, o: Option) -> str:
    return f"{q.id}.{o.id}"


def _audience_facts(g: Guidelines, e: Engine, o: Option) -> dict[str, Any]:
    """For an answer that names who requests: the Termo it selects and who pays, for the outcome it leads to."""
    outcome = g.outcomes.get(o.next)
    if not o.audience or outcome is None:
        return {"audience": None, "termo_macro": None, "payer": None}
    termo = g.termo(outcome.mode, o.audience)
    payer = g.billing.payer(outcome.mode, o.audience)  # the rule that says who pays for this audience labels the payer
    payer_title = payer.labelled_title if payer else None
    return {"audience": g.audiences[o.audience], "termo_macro": termo, "payer": payer_title}


def outcome_steps(g: Guidelines, outcome_id: str) -> list[dict[str, Any]]:
    """What to do on an outcome, as the table lists it: the pending check's next step and the outcome's
    own next steps, or, for a consultancy, its prerequisites and workflow."""
    o = g.outcomes[outcome_id]
    if g.billing.is_billed(o.mode):
        steps = []
        for p in prerequisites_for(g, o.mode):
            only = [c.title for c in g.criteria.values() if p.id in c.prerequisites and o.mode not in p.modes]
            when = f" — só no critério “{'” ou “'.join(only)}”" if only else ""
            steps.append({"text": p.title + when, "source": p.source.to_dict()})
            steps += [p.order.to_dict()] if p.order else []  # why it comes there, when the guideline does not say
        for s in (s for s in g.workflow if s.applies_to(o.mode)):
            steps += [s.text.to_dict(), *([s.order.to_dict()] if s.order else [])]  # a step, then why it comes there
        return steps
    check = g.checks.get(o.pending_check or "")
    return ([check.next_step.to_dict()] if check else []) + [s.to_dict() for s in o.next_steps]


def decision_table(g: Guidelines, updated: str) -> str:
    e = Engine(g)
    order = e.questions_in_order()
    number = {q.id: i for i, q in enumerate(order, start=1)}
    questions = []
    for q in order:
        options = []
        for o in q.options:
            reach = e.outcomes_from(o.next)
            nxt = g.questions.get(o.next)
            outcome = g.outcomes.get(o.next)
            options.append({
                "key": _key(q, o), "anchor": f"{q.id}--{o.id}", "label": o.label,
                "modes": sorted({g.outcomes[r].mode for r in reach}),
                "next_question": {"id": nxt.id, "number": number[nxt.id], "text": nxt.question} if nxt else None,
                "outcome": {"id": outcome.id, "mode": outcome.mode, "mode_title": g.modes[outcome.mode].title,
                            "summary": outcome.summary.to_dict()} if outcome else None,
                "criteria": [{"id": c, "mode": g.criteria[c].mode, "title": g.criteria[c].title} for c in o.criteria],
                **_audience_facts(g, e, o),
            })
        questions.append({
            "id": q.id, "number": number[q.id], "text": q.question, "options": options,
            "help": {"text": q.help, "source": q.help_source.to_dict() if q.help_source else {"kind": "guideline"}} if q.help else None,
            "modes": sorted({g.outcomes[r].mode for r in e.outcomes_from(q.id)}),
            "from": sorted(f"{a}.{b}" for a, b in e.options_before(q.id)),
        })
    outcomes = [
        {"id": o.id, "mode": o.mode, "mode_title": g.modes[o.mode].title, "summary": o.summary.to_dict(),
         "steps": outcome_steps(g, o.id), "from": sorted(f"{a}.{b}" for a, b in e.options_before(o.id))}
        for o in g.outcomes.values()
    ]
    return render(
        "decision_table.md.j2", urls.page_file(urls.DECISION_TABLE), title="Tabela de decisão", hide=["navigation"], updated=updated,
        questions=questions, outcomes=outcomes, modes=list(g.modes.values()), path_count=sum(1 for _ in e.paths()),
        search={"boost": 0.5},  # it repeats the criteria's words: their own pages come first
    )


def mermaid_label(text: str) -> str:
    """A label for a quoted Mermaid string: entity codes for every special character (Mermaid wraps lines)."""
    return "".join(_MERMAID_ENTITIES.get(c, c) for c in " ".join(text.split()))


def _short(text: str, size: int = EDGE_LABEL) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: text.rfind(" ", 0, size)].rstrip(",;:") + "…"


def edge_label(g: Guidelines, e: Engine, o: Option) -> str:
    """What an arrow says: who requests (and who pays), the criteria it establishes, or the answer."""
    facts = _audience_facts(g, e, o)
    if facts["audience"]:
        parts = [facts["audience"].short]  # the Termo it selects is in the decision table (a long title cut the drawing)
        if facts["payer"]:
            parts.append("paga: " + facts["payer"])
        return " · ".join(parts)
    if o.criteria:
        return "; ".join(g.criteria[c].title for c in o.criteria)
    return _short(o.label)


def mermaid_source(g: Guidelines) -> str:
    e = Engine(g)
    order = e.questions_in_order()
    ids = {q.id: f"p{i}" for i, q in enumerate(order, start=1)}
    ids |= {o.id: f"r{i}" for i, o in enumerate(g.outcomes.values(), start=1)}
    classes = {m.id: f"m{i}" for i, m in enumerate(g.modes.values(), start=1)}
    lines = [MERMAID_CONFIG + "flowchart TD"]
    for q in order:
        lines.append(f'    {ids[q.id]}("{mermaid_label(q.question)}")')
    for o in g.outcomes.values():
        lines.append(f'    {ids[o.id]}(["{mermaid_label(g.modes[o.mode].title + " — " + o.summary.text)}"])')
        lines.append(f"    class {ids[o.id]} {classes[o.mode]}")
    for q in order:
        for o in q.options:
            lines.append(f'    {ids[q.id]} -->|"{mermaid_label(edge_label(g, e, o))}"| {ids[o.next]}')
    # Only the border carries the mode's color: fill and text follow the light or dark palette.
    lines += [f"    classDef {classes[m.id]} stroke:{m.color},stroke-width:3px" for m in g.modes.values()]
    return "\n".join(lines)


def flowchart(g: Guidelines, updated: str) -> str:
    modes = [{"id": m.id, "title": m.title, "color": m.color} for m in g.modes.values()]
    # Out of the search: its only text is the diagram's source, which would show up as code in the results.
    return render("flowchart.md.j2", urls.page_file(urls.FLOWCHART), title="Fluxograma", hide=["navigation", "toc"], updated=updated,
                  modes=modes, mermaid=mermaid_source(g), search={"exclude": True})
