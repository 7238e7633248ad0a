"""Checks of the decision tree's shape and paths (they run once ids and references are sound).

Each path check reads the tree as an analyst walks it: from `tree.start`,
one option per question, to an outcome. Paths are enumerated only below
`MAX_PATHS`; beyond it the tree is reported as too branchy (shared questions
multiply paths) and the path checks are skipped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from decision_tree.sources.loader import line_of

if TYPE_CHECKING:
    from decision_tree.sources.validate import Ctx

MAX_PATHS = 400
# The limits of the tree's size: the state code ("Código do assistente") writes each answer as one base-36
# digit, so a question has at most 36 options; the guideline's tree has 8 questions, so 200 is far beyond any
# real tree and keeps every check (each linear in the tree's size, none recursive) instant.
MAX_OPTIONS = 36
MAX_QUESTIONS = 200


def _edges(ctx: Ctx, qid: str) -> list[tuple[Any, str]]:
    """The options of question `qid` whose `next` is a known node, with it (built once per validation)."""
    graph = ctx.__dict__.get("_graph")
    if graph is None:
        nodes = ctx.ids["question"].keys() | ctx.ids["outcome"].keys()
        graph = {q: [(o, o["next"]) for o in node["options"] if o["next"] in nodes] for q, node in ctx.ids["question"].items()}
        ctx.__dict__["_graph"] = graph
    return graph[qid]


def _depth_first(ctx: Ctx, back_edge: Callable[[Any, list[str]], None] | None = None) -> list[str]:
    """Every question, each after the questions it leads to (post-order, depth-first, no recursion).

    An edge back to a question still on the stack closes a cycle: `back_edge(option, loop)` hears of it
    and the walk cuts it there."""
    order: list[str] = []
    state: dict[str, str] = {}  # absent: unseen, "open": on the stack, "done"
    for root in ctx.ids["question"]:
        if root in state:
            continue
        state[root] = "open"
        stack = [(root, iter(_edges(ctx, root)))]
        while stack:
            qid, children = stack[-1]
            for option, nxt in children:
                if state.get(nxt) == "open":
                    if back_edge is not None:
                        path = [q for q, _ in stack]
                        back_edge(option, [*path[path.index(nxt):], nxt])
                elif nxt in ctx.ids["question"] and nxt not in state:
                    state[nxt] = "open"
                    stack.append((nxt, iter(_edges(ctx, nxt))))
                    break
            else:
                stack.pop()
                state[qid] = "done"
                order.append(qid)
    return order


def _postorder(ctx: Ctx) -> list[str]:
    """Every question, each after the questions it leads to (a cycle, reported by check_cycles, is cut)."""
    return _depth_first(ctx)


def _reach(ctx: Ctx) -> dict[str, set[str]]:
    """For every node, the outcomes reachable from it (one pass in post-order; again while a cycle adds some)."""
    reach = {oid: {oid} for oid in ctx.ids["outcome"]} | {qid: set() for qid in ctx.ids["question"]}
    order = _postorder(ctx)
    changed = True
    while changed:
        changed = False
        for qid in order:
            for _, nxt in _edges(ctx, qid):
                if not reach[nxt] <= reach[qid]:
                    reach[qid] |= reach[nxt]
                    changed = True
    return reach


def oversized(path: str, g: Any) -> list[str]:
    """The message for a tree of more than MAX_QUESTIONS questions (checked first, on the raw YAML)."""
    tree = g.get("tree") if isinstance(g, dict) else None
    nodes = tree.get("nodes") if isinstance(tree, dict) else None
    if isinstance(nodes, list) and len(nodes) > MAX_QUESTIONS:
        return [f"{path}:{line_of(tree, 'nodes')}: the tree has {len(nodes)} questions, more than the {MAX_QUESTIONS} a "
                "tree may have; merge questions or split the tree (the guideline's has fewer than 10)"]
    return []


def check_size(ctx: Ctx) -> bool:
    """At most MAX_QUESTIONS questions and MAX_OPTIONS options per question; False when a limit is passed."""
    ok = True
    if len(ctx.tree["nodes"]) > MAX_QUESTIONS:
        ctx.add(line_of(ctx.tree, "nodes"), f"the tree has {len(ctx.tree['nodes'])} questions, more than the "
                f"{MAX_QUESTIONS} a tree may have", "merge questions or split the tree (the guideline's has fewer than 10)")
        ok = False
    for q in ctx.tree["nodes"]:
        if len(q["options"]) > MAX_OPTIONS:
            ctx.add(line_of(q, "options"), f"question '{q['id']}' has {len(q['options'])} options, more than the "
                    f"{MAX_OPTIONS} a question may have (the wizard's code writes each answer as one base-36 digit)",
                    "group the options into two questions")
            ok = False
    return ok


def check_branches(ctx: Ctx) -> None:
    """Every question has 2+ options; a check's question can lead to its pending outcome; every check is asked."""
    reach = _reach(ctx)
    pending = {o["pending_check"] for o in ctx.tree["outcomes"] if "pending_check" in o}
    for q in ctx.tree["nodes"]:
        if len(q["options"]) < 2:
            ctx.add(line_of(q, "options"), f"question '{q['id']}' has only one option: a branch is missing",
                    "add the other answer(s) or remove the question")
        check = q.get("check")
        outcomes = reach[q["id"]]
        if check and not any(ctx.ids["outcome"][o].get("pending_check") == check for o in outcomes):
            ctx.add(line_of(q, "check"), f"question '{q['id']}' asks check '{check}' but no answer leads to an outcome "
                    f"with pending_check '{check}'", "add the 'not done yet' answer leading to such an outcome")
    asked = {q.get("check") for q in ctx.tree["nodes"]}
    for c in ctx.g["checks"]:
        if c["id"] not in asked or c["id"] not in pending:
            ctx.add(line_of(c, "id"), f"check '{c['id']}' is not asked by any question or has no pending outcome",
                    f"add 'check: {c['id']}' to the question that asks it and 'pending_check: {c['id']}' to an outcome, "
                    "or remove the check")


def check_cycles(ctx: Ctx) -> None:
    def report(option: Any, loop: list[str]) -> None:
        ctx.add(line_of(option, "next"), f"the tree has a cycle: {' → '.join(loop)}", "point 'next' to a later question or an outcome")

    _depth_first(ctx, report)


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


def path_count(ctx: Ctx) -> int:
    """How many paths lead from the start to an outcome (without listing them)."""
    count = dict.fromkeys(ctx.ids["outcome"], 1)
    for qid in _postorder(ctx):  # a question after those it leads to; a cycle (reported elsewhere) counts nothing
        count[qid] = sum(count.get(nxt, 0) for _, nxt in _edges(ctx, qid))
    return count.get(ctx.tree["start"], 0)


def paths(ctx: Ctx) -> Iterator[list[Any]]:
    """Every path as its list of chosen options, the last one leading to an outcome."""
    todo: deque[tuple[str, list[Any]]] = deque([(ctx.tree["start"], [])])
    while todo:
        node, chosen = todo.popleft()
        for option, nxt in _edges(ctx, node):
            if nxt in ctx.ids["outcome"]:
                yield [*chosen, option]
            else:
                todo.append((nxt, [*chosen, option]))


def _describe(path: list[Any]) -> str:
    return " → ".join(o["id"] for o in path)


def check_criteria_reached(ctx: Ctx, all_paths: list[list[Any]]) -> None:
    """Each criterion is recorded on some path that ends in an outcome of its mode."""
    recorded = {(c, ctx.ids["outcome"][p[-1]["next"]]["mode"]) for p in all_paths for o in p for c in o.get("criteria", [])}
    for c in ctx.g["criteria"]:
        if (c["id"], c["mode"]) not in recorded:
            ctx.add(line_of(c, "id"), f"criterion '{c['id']}' is not recorded on any path that ends in a '{c['mode']}' outcome",
                    f"add it to the 'criteria' of an answer on a path that leads to a '{c['mode']}' outcome")


def check_audience_before_billed(ctx: Ctx, all_paths: list[list[Any]]) -> None:
    """No path reaches an outcome of a billed mode without an answer that sets the audience."""
    for path in all_paths:
        outcome = ctx.ids["outcome"][path[-1]["next"]]
        if ctx.billed(outcome["mode"]) and not any("audience" in o for o in path):
            ctx.add(line_of(outcome, "id"), f"outcome '{outcome['id']}' of billed mode '{outcome['mode']}' is reached without "
                    f"choosing an audience ({_describe(path)})", "ask the audience question on that path")


def check_contradictions(ctx: Ctx, all_paths: list[list[Any]]) -> None:
    """No path records two criteria that contradict each other (each clash reported once, with its first path)."""
    against = {(c["id"], other) for c in ctx.g["criteria"] for other in c.get("contradicts", [])}
    reported: set[tuple[int, str, str]] = set()
    for path in all_paths:
        seen: list[str] = []
        for option in path:
            for i, cid in enumerate(option.get("criteria", [])):
                clash = next((s for s in seen if (s, cid) in against or (cid, s) in against), None)
                line = line_of(option["criteria"], i)
                if clash and (line, cid, clash) not in reported:
                    reported.add((line, cid, clash))
                    ctx.add(line, f"criterion '{cid}' contradicts '{clash}', recorded earlier on the path {_describe(path)}",
                            "change the answers so that one path never establishes both")
                seen.append(cid)


def check_macro_assumptions(ctx: Ctx, all_paths: list[list[Any]]) -> None:
    """A macro's texts take as given only what every path that indicates it establishes."""
    for mid, (display, macro) in ctx.macros.items():
        for i, cid in enumerate(macro.get("assumes", [])):
            for path in all_paths:
                outcome = ctx.ids["outcome"][path[-1]["next"]]
                audience = next((o["audience"] for o in reversed(path) if "audience" in o), None)
                if outcome["mode"] != macro["mode"] or (audience and audience not in macro["audiences"]):
                    continue
                if not any(cid in o.get("criteria", []) for o in path):
                    ctx.add(line_of(macro["assumes"], i), f"macro '{mid}' assumes criterion '{cid}', but the path "
                            f"{_describe(path)} indicates it without that criterion",
                            "word 'when' and 'body' so they hold on every such path, and drop the assumption", display)
                    break


def check_outcome_macros(ctx: Ctx) -> None:
    """An outcome's texts name only macros of its own mode (a Suporte Padrão outcome names no consultancy macro)."""
    checks = {c["id"]: c for c in ctx.g["checks"]}
    for outcome in ctx.tree["outcomes"]:
        mode = ctx.ids["mode"][outcome["mode"]]
        own_kinds = {ctx.macros[m][1]["kind"] for m in mode["macros"] if m in ctx.macros}
        texts = [(outcome["summary"], "text"), *((s, "text") for s in outcome.get("next_steps", []))]
        if outcome.get("pending_check") in checks:
            texts.append((checks[outcome["pending_check"]]["next_step"], "text"))
        for holder, key in texts:
            words = holder[key].casefold()
            for mid, (_, macro) in ctx.macros.items():
                kind_name = ctx.g["macro_kinds"][macro["kind"]].casefold()
                named = macro["title"].casefold() in words or (kind_name in words and macro["kind"] not in own_kinds)
                if macro["mode"] != outcome["mode"] and named:
                    ctx.add(line_of(holder, key), f"outcome '{outcome['id']}' ({outcome['mode']}) names the macro '{mid}' "
                            f"of mode '{macro['mode']}'", "name only macros of the outcome's own mode")
                    break


def check_paths(ctx: Ctx) -> None:
    """The shape checks, then the checks that walk every path (when there are not too many)."""
    if not check_size(ctx):
        return
    for check in (check_branches, check_cycles, check_reachable, check_outcome_macros):
        check(ctx)
    if ctx.messages:
        return
    total = path_count(ctx)
    if total > MAX_PATHS:
        ctx.add(line_of(ctx.tree, "start"), f"the tree has {total} paths from the start to an outcome (at most {MAX_PATHS})",
                "questions reached by several answers multiply the paths: merge answers that lead to the same place, "
                "or ask the shared question once, earlier")
        return
    all_paths = list(paths(ctx))
    path_checks: list[Callable[[Ctx, list[list[Any]]], None]] = [
        check_criteria_reached, check_audience_before_billed, check_contradictions, check_macro_assumptions,
    ]
    for check in path_checks:
        check(ctx, all_paths)
