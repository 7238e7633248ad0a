"""Validate the sources: the JSON Schemas first, then the semantic checks.

Every problem is one line `path:line: what is wrong; how to fix it`, and all
of them are returned, not just the first. The semantic checks run only when
every file matches its schema, so they can trust the shape of the data. This
module holds the checks of ids and references; the tree's paths are checked in
`validate_tree`, the texts and their provenance in `validate_text`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from decision_tree.core.model import is_termo_for
from decision_tree.sources import validate_text, validate_tree
from decision_tree.sources.loader import Sources, line_of
from decision_tree.sources.provenance import GuidelineText
from decision_tree.sources.schema_check import check_schema
from decision_tree.sources.visibility import check_visibility


@dataclass
class Ctx:
    """The validated sources, indexed by id, and the messages found so far."""

    path: str
    g: Any
    macro_files: list[tuple[str, Any]]
    guideline: GuidelineText = field(default_factory=lambda: GuidelineText(""))
    messages: list[str] = field(default_factory=list)
    ids: dict[str, dict[str, Any]] = field(default_factory=dict)
    macros: dict[str, tuple[str, Any]] = field(default_factory=dict)

    def add(self, line: int, what: str, fix: str, path: str | None = None) -> None:
        self.messages.append(f"{path or self.path}:{line}: {what}; {fix}")

    def ref(self, kind: str, container: Any, key: Any, what: str, fix: str = "use one of them", path: str | None = None) -> None:
        """Report `container[key]` unless it is the id of a known `kind`."""
        value, known = container[key], self.ids[kind]
        if value not in known:
            self.add(line_of(container, key), f"{what} '{value}' is unknown (known: {', '.join(known)})", fix, path)

    def refs(self, kind: str, items: list[str], what: str, fix: str = "use one of them", path: str | None = None) -> None:
        for i in range(len(items)):
            self.ref(kind, items, i, what, fix, path)

    @property
    def tree(self) -> Any:
        return self.g["tree"]

    def billed(self, mode: str) -> bool:
        return bool(self.g["billing"]["modes"].get(mode, {}).get("billed", {}).get("value"))


def _index(ctx: Ctx, kind: str | None, items: list[Any], what: str, taken: dict[str, Any] | None = None,
           scope: str = "") -> dict[str, Any]:
    """Items by id; a repeated id (also one already in `taken`) is reported."""
    found: dict[str, Any] = {}
    for item in items:
        first = found.get(item["id"]) or (taken or {}).get(item["id"])
        if first is not None:
            ctx.add(line_of(item, "id"), f"duplicate {what} id '{item['id']}'{scope} (first at line {line_of(first, 'id')})",
                    "rename one of them")
        else:
            found[item["id"]] = item
    if kind:
        ctx.ids[kind] = found
    return found


def check_ids(ctx: Ctx) -> None:
    """Index everything by id; ids are unique per kind, questions and outcomes share one namespace."""
    g = ctx.g
    for kind, key in [("mode", "modes"), ("check", "checks"), ("criterion", "criteria"), ("prerequisite", "prerequisites"),
                      ("audience", "audiences"), ("procedure", "procedures"), ("owner", "owners"), ("gap", "gaps")]:
        _index(ctx, kind, g[key], kind)
    questions = _index(ctx, "question", ctx.tree["nodes"], "question/outcome")
    _index(ctx, "outcome", ctx.tree["outcomes"], "question/outcome", taken=questions)
    for q in ctx.tree["nodes"]:
        _index(ctx, None, q["options"], "option", scope=f" in question '{q['id']}'")
    # a file named after its id owns the id; the other file gets the message
    for display, data in sorted(ctx.macro_files, key=lambda f: Path(f[0]).stem != f[1]["id"]):
        if data["id"] in ctx.macros:
            other = ctx.macros[data["id"]][0]
            ctx.add(line_of(data, "id"), f"macro id '{data['id']}' is already used by {other}", "give each macro its own id", display)
        else:
            ctx.macros[data["id"]] = (display, data)
        if Path(display).stem != data["id"]:
            ctx.add(line_of(data, "id"), f"file name '{Path(display).name}' does not match id '{data['id']}'",
                    f"rename the file to '{data['id']}.yml' or fix the id", display)
    ctx.ids["macro"] = {mid: data for mid, (_, data) in ctx.macros.items()}


def check_references(ctx: Ctx) -> None:
    g = ctx.g
    for c in g["criteria"]:
        ctx.ref("mode", c, "mode", "mode")
        ctx.refs("prerequisite", c.get("prerequisites", []), "prerequisite")
        ctx.refs("criterion", c.get("contradicts", []), "contradicted criterion")
        ctx.refs("criterion", c.get("see_also", []), "see_also criterion")
    for p in g["prerequisites"]:
        ctx.refs("mode", p["modes"], "mode")
    for m in g["modes"]:
        ctx.refs("macro", m["macros"], "macro", "create macros/<id>.yml or use one of them")
    for holder in [*g["checks"], *(p["note"] for p in g["procedures"] if "note" in p)]:
        if "gap" in holder:
            ctx.ref("gap", holder, "gap", "gap")
    for gap in g["gaps"]:
        ctx.ref("owner", gap, "owner", "owner")
    ctx.ref("mode", g["ticket"]["prefix"], "mode", "mode")
    if "zendesk_app" in g:  # the sidebar app's tags (core/zendesk_app.py)
        for rule in g["zendesk_app"]["audience_tags"]["rules"]:
            ctx.ref("audience", rule, "audience", "audience")
        for rule in g["zendesk_app"]["ticket_tags"]["rules"]:
            ctx.ref("mode", rule, "mode", "mode")
    for step in g["workflow"]:
        ctx.refs("mode", step.get("modes", []), "mode")
        if ("mark" in step) != ("waiting" in step):
            ctx.add(line_of(step, "id"), f"workflow step '{step['id']}' has only one of 'mark' and 'waiting'",
                    "give a step that is checked off both labels (done and waiting), or neither")
    for display, data in ctx.macro_files:
        ctx.ref("mode", data, "mode", "mode", path=display)
        ctx.refs("audience", data["audiences"], "audience", path=display)
        ctx.refs("criterion", data.get("assumes", []), "assumed criterion", path=display)
    ctx.ref("question", ctx.tree, "start", "start question")
    nodes = {**ctx.ids["question"], **ctx.ids["outcome"]}
    for q in ctx.tree["nodes"]:
        if "check" in q:
            ctx.ref("check", q, "check", "check")
        for o in q["options"]:
            if o["next"] not in nodes:
                ctx.add(line_of(o, "next"), f"next '{o['next']}' is not a question or outcome id",
                        "point it to one of tree.nodes or tree.outcomes")
            ctx.refs("criterion", o.get("criteria", []), "criterion")
            if "audience" in o:
                ctx.ref("audience", o, "audience", "audience")
    for o in ctx.tree["outcomes"]:
        ctx.ref("mode", o, "mode", "mode")
        if "pending_check" in o:
            ctx.ref("check", o, "pending_check", "pending_check")
        if "finding" in o:
            ctx.ref("check", o["finding"], "check", "finding check")


BILLED_KEYS = ("minimum_minutes", "taxes", "waiver", "payers")


def check_billing(ctx: Ctx) -> None:
    b = ctx.g["billing"]
    for mode in ctx.ids["mode"]:
        if mode not in b["modes"]:
            ctx.add(line_of(b, "modes"), f"mode '{mode}' has no entry in billing.modes", f"add '{mode}:' with its billing rules")
    for mode, rules in b["modes"].items():
        if mode not in ctx.ids["mode"]:
            ctx.add(line_of(b["modes"], mode), f"billing.modes has '{mode}', which is not a mode "
                    f"(known: {', '.join(ctx.ids['mode'])})", "remove it or fix its spelling")
        if ctx.billed(mode):
            for key in BILLED_KEYS:
                if key not in rules:
                    ctx.add(line_of(rules, "billed"), f"billed mode '{mode}' has no '{key}'", f"add '{key}:' with its value and source")
        _check_minimum(ctx, rules, b["limits"]["max_minutes"])
        if "payers" in rules:
            _check_payers(ctx, mode, rules["payers"], b["payers"])
    if b["client_payer"] not in b["payers"]:
        ctx.add(line_of(b, "client_payer"), f"client_payer '{b['client_payer']}' is not in billing.payers "
                f"(known: {', '.join(b['payers'])})", "use one of them")
    rate, top = Decimal(b["rate_per_minute"]["value"]), Decimal(b["limits"]["max_rate_per_minute"])
    if top <= 0:
        ctx.add(line_of(b["limits"], "max_rate_per_minute"), f'max_rate_per_minute "{top}" is not greater than 0', "use a positive rate")
    elif not 0 < rate <= top:
        ctx.add(line_of(b["rate_per_minute"], "value"), f'rate_per_minute "{rate}" is out of range '
                f'(more than 0 and at most limits.max_rate_per_minute "{top}")', "use a rate in that range")
    for tax in b["taxes"]["items"]:
        if not 0 <= Decimal(tax["rate"]) < 1:
            ctx.add(line_of(tax, "rate"), f"tax rate \"{tax['rate']}\" of {tax['name']} is not a fraction from 0 to less than 1",
                    'write the rate as a fraction ("0.1" is 10%)')


def _check_minimum(ctx: Ctx, rules: Any, max_minutes: int) -> None:
    minimum = rules.get("minimum_minutes")
    if not minimum:
        return
    if minimum["value"] > max_minutes:
        ctx.add(line_of(minimum, "value"), f"minimum_minutes {minimum['value']} is more than limits.max_minutes {max_minutes}",
                "lower it or raise billing.limits.max_minutes")
    quote = minimum["source"].get("guideline") if isinstance(minimum["source"], dict) else None
    if quote and str(minimum["value"]) not in quote.split():
        ctx.add(line_of(minimum, "value"), f"minimum_minutes is {minimum['value']} but the passage it cites says “{quote}”",
                "use the guideline's number, or mark the value as local")


def _check_payers(ctx: Ctx, mode: str, payers: Any, known_payers: dict[str, str]) -> None:
    ctx.refs("audience", payers.get("audiences", []), "audience")
    for audience, payer in payers["value"].items():
        if audience not in ctx.ids["audience"]:
            ctx.add(line_of(payers["value"], audience), f"audience '{audience}' is unknown (known: {', '.join(ctx.ids['audience'])})",
                    "use one of them")
        if payer not in known_payers:
            ctx.add(line_of(payers["value"], audience), f"payer '{payer}' is not in billing.payers (known: {', '.join(known_payers)})",
                    "add it to billing.payers or use one of them")
    missing = [a for a in ctx.ids["audience"] if a not in payers["value"]]
    if missing:
        ctx.add(line_of(payers, "value"), f"billing of '{mode}' says nobody pays for {', '.join(missing)}",
                "add a payer for every audience")


def check_macros(ctx: Ctx) -> None:
    """Each macro is listed by its own mode; titles are unique; a billed mode has one termo per audience."""
    listed = {mid: m for m in ctx.g["modes"] for mid in m["macros"]}
    for mid, (display, data) in ctx.macros.items():
        mode = listed.get(mid)
        if mode is None:
            ctx.add(line_of(data, "id"), f"macro '{mid}' is not listed in the macros of any mode",
                    f"add it to mode '{data['mode']}' in {ctx.path}, or delete the file", display)
        elif mode["id"] != data["mode"]:
            ctx.add(line_of(data, "mode"), f"macro '{mid}' says mode '{data['mode']}' but is listed under mode '{mode['id']}'",
                    f"make them agree (here or in {ctx.path})", display)
    titles: dict[str, str] = {}
    for mid, (display, data) in ctx.macros.items():
        if data["title"] in titles:
            ctx.add(line_of(data, "title"), f"title is also the title of macro '{titles[data['title']]}'",
                    "Zendesk titles must be unique: change one of them", display)
        titles.setdefault(data["title"], mid)
    for m in ctx.g["modes"]:
        if not ctx.billed(m["id"]):
            continue
        for audience in ctx.ids["audience"]:
            termos = [mid for mid in m["macros"] if mid in ctx.macros
                      and is_termo_for(ctx.macros[mid][1]["kind"], ctx.macros[mid][1]["audiences"], audience)]
            if len(termos) != 1:
                what = "no 'termo' macro" if not termos else f"{len(termos)} 'termo' macros ({', '.join(termos)})"
                ctx.add(line_of(m, "macros"), f"mode '{m['id']}' has {what} for audience '{audience}'",
                        "list exactly one termo macro with that audience in its macros")


def check_changelog(ctx: Ctx) -> None:
    """Real dates, newest first."""
    previous: date | None = None
    for entry in ctx.g["changelog"]:
        line = line_of(entry, "date")
        try:
            day = date.fromisoformat(entry["date"])
        except ValueError:
            ctx.add(line, f"date '{entry['date']}' is not a real date", "write it as YYYY-MM-DD")
            continue
        if previous and day > previous:
            ctx.add(line, f"date {day} is newer than the entry above it ({previous})", "keep the changelog newest first")
        previous = day


# The path checks run only when ids and references are sound: a misspelled
# `next` would otherwise also make half of the tree "unreachable".
CHECKS: list[Callable[[Ctx], None]] = [
    check_ids, check_references, check_billing, check_macros, check_changelog, *validate_text.CHECKS, check_visibility,
]


def validate(sources: Sources) -> list[str]:
    """Every problem in the sources, as `path:line: what is wrong; how to fix it`."""
    too_big = validate_tree.oversized(sources.guidelines_path, sources.guidelines)
    if too_big:  # before the schema, whose check of thousands of questions alone takes seconds
        return too_big
    messages = check_schema(sources.guidelines_path, sources.guidelines, "guidelines.schema.json")
    for display, data in sources.macros.values():
        messages += check_schema(display, data, "macro.schema.json")
    if not messages:
        ctx = Ctx(sources.guidelines_path, sources.guidelines, list(sources.macros.values()), GuidelineText(sources.guideline_text))
        for check in CHECKS:
            check(ctx)
        if not ctx.messages:
            validate_tree.check_paths(ctx)
        messages = ctx.messages
    return sorted(dict.fromkeys(messages), key=lambda m: (m.split(":")[0], int(m.split(":")[1])))
