"""Validate the sources: the JSON Schemas first, then the semantic checks.

Every problem is one line `path:line: what is wrong; how to fix it`, and all
of them are returned, not just the first. The semantic checks run only when
every file matches its schema, so they can trust the shape of the data.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from .sources import Sources, line_of

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"  # the committed schemas the YAML files reference
ID = "^[a-z0-9]+(-[a-z0-9]+)*$"
PATTERN_FIXES = {
    ID: "use a kebab-case id: lowercase letters, digits and single hyphens (e.g. 'consultoria-modulo')",
    "^[0-9]+(\\.[0-9]+)?$": 'write a decimal in quotes with a dot (e.g. "3.00")',
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "write the date as YYYY-MM-DD (e.g. 2026-11-28)",
    "^[a-z0-9_]+$": "use lowercase letters, digits and _ (e.g. consultoria_modulo)",
}
TYPE_NAMES = {"boolean": "true or false", "string": "text", "integer": "a whole number",
              "array": "a list", "object": "a mapping (key: value)"}


# -- JSON Schema ---------------------------------------------------------------
@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMAS / name).read_text(encoding="utf-8")))


def _show(value: Any) -> str:
    """A value on one short line: text quoted, anything else as JSON."""
    if isinstance(value, str):
        text = " ".join(value.split())
        return repr(text if len(text) <= 60 else text[:57] + "...")
    return json.dumps(value, ensure_ascii=False, default=str)[:60]


def _where(path: list[Any]) -> str:
    """`tree.nodes[2].options[0]: ` for a JSON path; empty for the whole file."""
    out = "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in path).lstrip(".")
    return f"{out}: " if out else ""


def _schema_messages(display: str, data: Any, error: ValidationError) -> list[str]:
    path = list(error.absolute_path)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    line = line_of(parent, path[-1]) if path else line_of(data)
    where, kind, value, schema = _where(path), error.validator, error.instance, error.schema
    if "propertyNames" in error.schema_path:
        mapping = parent[path[-1]] if path else data
        return [f"{display}:{line_of(mapping, value)}: {where}key {_show(value)} is not a valid id; {PATTERN_FIXES[ID]}"]
    if kind == "additionalProperties":
        known = ", ".join(schema.get("properties", {}))
        return [f"{display}:{line_of(value, k)}: {where}unknown key '{k}' (known: {known}); remove it or fix its spelling"
                for k in value if k not in schema.get("properties", {})]
    if kind == "required":
        missing = [k for k in error.validator_value if k not in value]
        return [f"{display}:{line}: {where}missing required key '{k}'; add it" for k in missing]
    if kind == "type" and schema.get("pattern") in PATTERN_FIXES and not isinstance(value, (dict, list)):
        what, fix = f"{_show(value)} is not text", PATTERN_FIXES[schema["pattern"]]
    elif kind == "type":
        expected = TYPE_NAMES.get(str(error.validator_value), str(error.validator_value))
        what, fix = f"{_show(value)} is not {expected}", f"write {expected} here"
    elif kind == "pattern":
        what, fix = f"{_show(value)} is not valid", PATTERN_FIXES.get(error.validator_value, f"match {error.validator_value}")
    elif kind in ("enum", "const"):
        allowed = error.validator_value if kind == "enum" else [error.validator_value]
        what, fix = f"{_show(value)} is not allowed (allowed: {', '.join(map(str, allowed))})", "use one of them"
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        low, high = schema.get("minimum", "..."), schema.get("maximum", "...")
        what, fix = f"{_show(value)} is out of range ({low} to {high})", "use a number in that range"
    elif kind == "minLength":
        what, fix = "the text is empty", "write it"
    elif kind in ("minItems", "minProperties"):
        what, fix = "the list is empty" if kind == "minItems" else "the mapping is empty", "add at least one entry"
    elif kind == "uniqueItems":
        what, fix = f"{_show(value)} repeats an item", "remove the duplicate"
    else:
        what, fix = error.message.replace("\n", " "), "make it match the schema"
    return [f"{display}:{line}: {where}{what}; {fix}"]


def _check_schema(display: str, data: Any, schema: str) -> list[str]:
    messages: list[str] = []
    for error in _validator(schema).iter_errors(data):
        messages += _schema_messages(display, data, error)
    return messages


# -- the semantic checks ----------------------------------------------------------
@dataclass
class Ctx:
    """The validated sources, indexed by id, and the messages found so far."""

    path: str
    g: Any
    macro_files: list[tuple[str, Any]]
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
        return bool(self.g["billing"]["modes"].get(mode, {}).get("billed"))


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
    for kind, key in [("mode", "modes"), ("check", "checks"), ("criterion", "criteria"),
                      ("prerequisite", "prerequisites"), ("audience", "audiences"), ("procedure", "procedures")]:
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
    for p in g["prerequisites"]:
        ctx.refs("mode", p["modes"], "mode")
    for m in g["modes"]:
        ctx.refs("macro", m["macros"], "macro", "create macros/<id>.yml or use one of them")
    payers = g["billing"]["payers"]
    for a in g["audiences"]:
        if a["payer"] not in payers:
            ctx.add(line_of(a, "payer"), f"payer '{a['payer']}' is not in billing.payers (known: {', '.join(payers)})",
                    "add it to billing.payers or use one of them")
    for display, data in ctx.macro_files:
        ctx.ref("mode", data, "mode", "mode", path=display)
        ctx.refs("audience", data["audiences"], "audience", path=display)
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


def check_billing(ctx: Ctx) -> None:
    b = ctx.g["billing"]
    for mode in ctx.ids["mode"]:
        if mode not in b["modes"]:
            ctx.add(line_of(b, "modes"), f"mode '{mode}' has no entry in billing.modes", f"add '{mode}:' with its billing rules")
    for mode, rules in b["modes"].items():
        if mode not in ctx.ids["mode"]:
            ctx.add(line_of(b["modes"], mode), f"billing.modes has '{mode}', which is not a mode "
                    f"(known: {', '.join(ctx.ids['mode'])})", "remove it or fix its spelling")
        if rules.get("minimum_minutes", 0) > b["max_minutes"]:
            ctx.add(line_of(rules, "minimum_minutes"), f"minimum_minutes {rules['minimum_minutes']} is more than "
                    f"max_minutes {b['max_minutes']}", "lower it or raise billing.max_minutes")
    rate, top = Decimal(b["reference_rate_per_minute"]), Decimal(b["max_rate_per_minute"])
    if top <= 0:
        ctx.add(line_of(b, "max_rate_per_minute"), f'max_rate_per_minute "{top}" is not greater than 0', "use a positive rate")
    elif not 0 < rate <= top:
        ctx.add(line_of(b, "reference_rate_per_minute"), f'reference_rate_per_minute "{rate}" is out of range '
                f'(more than 0 and at most max_rate_per_minute "{top}")', "use a rate in that range")
    for tax in b["taxes"]:
        if not 0 <= Decimal(tax["rate"]) < 1:
            ctx.add(line_of(tax, "rate"), f"tax rate \"{tax['rate']}\" of {tax['name']} is not a fraction from 0 to less than 1",
                    'write the rate as a fraction ("0.05" is 5%)')


def _edges(ctx: Ctx, qid: str) -> list[tuple[Any, str]]:
    nodes = ctx.ids["question"].keys() | ctx.ids["outcome"].keys()
    return [(o, o["next"]) for o in ctx.ids["question"][qid]["options"] if o["next"] in nodes]


def check_branches(ctx: Ctx) -> None:
    """Every question has 2+ options; a check's question has a "not done yet" branch; every check is asked."""
    pending = {o["pending_check"]: o["id"] for o in ctx.tree["outcomes"] if "pending_check" in o}
    for q in ctx.tree["nodes"]:
        if len(q["options"]) < 2:
            ctx.add(line_of(q, "options"), f"question '{q['id']}' has only one option: a branch is missing",
                    "add the other answer(s) or remove the question")
        check = q.get("check")
        if check and not any(pending.get(check) == o["next"] for o in q["options"]):
            ctx.add(line_of(q, "check"), f"question '{q['id']}' asks check '{check}' but no option leads to an outcome "
                    f"with pending_check '{check}'", "add the 'not done yet' option pointing to such an outcome")
    asked = {q.get("check") for q in ctx.tree["nodes"]}
    for c in ctx.g["checks"]:
        if c["id"] not in asked:
            ctx.add(line_of(c, "id"), f"check '{c['id']}' is not asked by any question",
                    f"add 'check: {c['id']}' to the question that asks it, or remove the check")


def check_cycles(ctx: Ctx) -> None:
    state: dict[str, str] = {}  # absent: unseen, "open": on the stack, "done"

    def visit(qid: str, stack: list[str]) -> None:
        state[qid] = "open"
        for option, nxt in _edges(ctx, qid):
            if state.get(nxt) == "open":
                loop = " → ".join([*stack[stack.index(nxt):], qid, nxt])
                ctx.add(line_of(option, "next"), f"the tree has a cycle: {loop}", "point 'next' to a later question or an outcome")
            elif nxt in ctx.ids["question"] and nxt not in state:
                visit(nxt, [*stack, qid])
        state[qid] = "done"

    for qid in ctx.ids["question"]:
        if qid not in state:
            visit(qid, [])


def _reachable(ctx: Ctx) -> set[str]:
    start = ctx.tree["start"]
    seen, todo = {start}, [start]
    while todo:
        for _, nxt in _edges(ctx, todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                if nxt in ctx.ids["question"]:
                    todo.append(nxt)
    return seen


def check_reachable(ctx: Ctx) -> None:
    seen = _reachable(ctx)
    for kind in ("question", "outcome"):
        for nid, node in ctx.ids[kind].items():
            if nid not in seen:
                ctx.add(line_of(node, "id"), f"{kind} '{nid}' is not reachable from tree.start '{ctx.tree['start']}'",
                        "point an option's 'next' to it, or remove it")


def _modes_from(ctx: Ctx) -> dict[str, set[str]]:
    """For every node, the modes of the outcomes reachable from it."""
    reach = {oid: {o["mode"]} for oid, o in ctx.ids["outcome"].items()} | {qid: set() for qid in ctx.ids["question"]}
    changed = True
    while changed:
        changed = False
        for qid in ctx.ids["question"]:
            for _, nxt in _edges(ctx, qid):
                if not reach[nxt] <= reach[qid]:
                    reach[qid] |= reach[nxt]
                    changed = True
    return reach


def check_criteria_reached(ctx: Ctx) -> None:
    """Each criterion is recorded by a reachable option from which an outcome of its mode is reachable."""
    seen, reach = _reachable(ctx), _modes_from(ctx)
    recorded = {(c, m) for qid in seen & ctx.ids["question"].keys() for o, nxt in _edges(ctx, qid)
                for c in o.get("criteria", []) for m in reach[nxt]}
    for c in ctx.g["criteria"]:
        if (c["id"], c["mode"]) not in recorded:
            ctx.add(line_of(c, "id"), f"criterion '{c['id']}' is not recorded on any path that ends in a '{c['mode']}' outcome",
                    f"add it to the 'criteria' of an option that leads to a '{c['mode']}' outcome")


def check_audience_before_billed(ctx: Ctx) -> None:
    """No path reaches an outcome of a billed mode without an option that sets the audience."""
    start = (ctx.tree["start"], False)
    parent: dict[tuple[str, bool], tuple[str, bool] | None] = {start: None}
    todo = deque([start])
    while todo:  # breadth first over (node, audience chosen?): each outcome is reported once
        node, has_audience = todo.popleft()
        if node in ctx.ids["outcome"]:
            outcome = ctx.ids["outcome"][node]
            if not has_audience and ctx.billed(outcome["mode"]):
                path, step = [], (node, has_audience)
                while step:
                    path.append(step[0])
                    step = parent[step]
                ctx.add(line_of(outcome, "id"), f"outcome '{node}' of billed mode '{outcome['mode']}' is reached without "
                        f"choosing an audience ({' → '.join(reversed(path))})", "ask the audience question on that path")
            continue
        for option, nxt in _edges(ctx, node):
            step = (nxt, has_audience or "audience" in option)
            if step not in parent:
                parent[step] = (node, has_audience)
                todo.append(step)


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
                      and ctx.macros[mid][1]["kind"] == "termo" and audience in ctx.macros[mid][1]["audiences"]]
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


def check_no_images(ctx: Ctx) -> None:
    """No text of any source holds an image (Markdown `![alt](url)` or a raw `<img`): the site
    needs none, and in a Zendesk macro it would be loaded from its URL (a tracking pixel)."""
    from .markup import IMAGE_SYNTAX  # here, not at the top: this check is self-contained

    for display, data in [(ctx.path, ctx.g), *ctx.macro_files]:
        todo = [data]
        while todo:
            container = todo.pop()
            for key, value in container.items() if isinstance(container, dict) else enumerate(container):
                if isinstance(value, (dict, list)):
                    todo.append(value)
                elif isinstance(value, str) and (found := IMAGE_SYNTAX.search(value)):
                    ctx.add(line_of(container, key), f"the text has an image ({_show(value[found.start():])}), which no text may show "
                            "(in a Zendesk macro it would be fetched from its URL)",
                            "remove it, or write a link [text](https://...) instead", display)


# The path checks run only when ids and references are sound: a misspelled
# `next` would otherwise also make half of the tree "unreachable".
CHECKS: list[Callable[[Ctx], None]] = [check_ids, check_references, check_billing, check_macros, check_changelog, check_no_images]
PATH_CHECKS: list[Callable[[Ctx], None]] = [
    check_branches, check_cycles, check_reachable, check_criteria_reached, check_audience_before_billed,
]


def validate(sources: Sources) -> list[str]:
    """Every problem in the sources, as `path:line: what is wrong; how to fix it`."""
    messages = _check_schema(sources.guidelines_path, sources.guidelines, "guidelines.schema.json")
    for display, data in sources.macros.values():
        messages += _check_schema(display, data, "macro.schema.json")
    if not messages:
        ctx = Ctx(sources.guidelines_path, sources.guidelines, list(sources.macros.values()))
        for check in CHECKS:
            check(ctx)
        for check in PATH_CHECKS if not ctx.messages else []:
            check(ctx)
        messages = ctx.messages
    return sorted(dict.fromkeys(messages), key=lambda m: (m.split(":")[0], int(m.split(":")[1])))
