"""One JSON-in, JSON-out entry point for the page's Pyodide worker.

The worker posts `{"op": ..., ...}` and renders the answer; tests call the
same `handle` in CPython to prove the page and the terminal agree. No
decision or price is computed anywhere else. Every answer has one envelope:
`{"ok": bool, "error": str | None, ...}` plus `view` (wizard operations),
`quote` and `errors` (the calculator) or `outcome` (recommend). A request's
`step` is always an id: the question answered again (`change`) or the step of
the outcome ticked (`mark`).

A wizard answer may also carry `info`, a message that is not an error (which
marks an action cleared), and `archive`, the fingerprint of an earlier tree
version when a code was made with one: the worker then fetches that version's
archive and asks `{"op": "archived", "state", "archive"}`, whose answer has
`archived`, the old outcome read-only (`decision_tree.core.archived`).
"""

from __future__ import annotations

import json
from typing import Any

from decision_tree.core import archived
from decision_tree.core.engine import Engine, State, StateError
from decision_tree.core.model import Guidelines, Outcome
from decision_tree.core.pricing import QuoteError, parse_flag, parse_taxes, quote
from decision_tree.core.zendesk_app import ZendeskApp, ticket_context  # imported here: a restored snapshot imports nothing later

_engine: Engine | None = None
WIZARD_OPS = ("view", "answer", "back", "change", "restart", "mark")


def init(bundle: str | dict[str, Any]) -> Engine:
    """Load the bundle built from the YAML (a JSON text or its dict)."""
    global _engine
    data = json.loads(bundle) if isinstance(bundle, str) else bundle
    _engine = Engine(Guidelines.from_dict(data))
    return _engine


def engine() -> Engine:
    if _engine is None:
        raise RuntimeError("decision_tree.api.init(bundle) was not called")
    return _engine


def view(e: Engine, state: State, selected: str | None = None) -> dict[str, Any]:
    """What the wizard shows for a state: the answers so far and the question or outcome."""
    walk = e.walk(state)
    history = [
        {
            "step": i,
            "question_id": step.question.id,
            "question": step.question.question,
            "answer_id": step.option.id,
            "answer": step.option.label,
            "options": [{"id": o.id, "label": o.label} for o in step.question.options],
        }
        for i, step in enumerate(walk.steps)
    ]
    result: dict[str, Any] = {"state": e.encode(state), "history": history, "question": None, "outcome": None}
    if isinstance(walk.node, Outcome):
        result["outcome"] = e.recommend(state)
    else:
        q = walk.node
        result["question"] = {
            "id": q.id,
            "number": len(walk.steps) + 1,
            "text": q.question,
            "help": q.help,
            "help_source": q.help_source.to_dict() if q.help_source else None,  # a reading: the page labels it
            "check": e.g.checks[q.check].title if q.check else None,
            "options": [{"id": o.id, "label": o.label, "audience": o.audience} for o in q.options],
            "selected": selected if q.option(selected or "") else None,
        }
    return result


def _answer_after(e: Engine, longer: object, state: State) -> str | None:
    """The answer `longer` gave to the question `state` stands on (pre-selected when going back)."""
    try:
        previous = e.decode(longer)
    except StateError:
        return None
    if len(previous.answers) <= len(state.answers) or previous.answers[: len(state.answers)] != state.answers:
        return None
    node = e.walk(State(state.answers)).node
    return node.options[previous.answers[len(state.answers)]].id if not isinstance(node, Outcome) else None


def _quoted(labels: list[str]) -> str:
    q = [f"“{label}”" for label in labels]
    return f"{', '.join(q[:-1])} e {q[-1]}" if len(q) > 1 else q[0]


def _cleared(e: Engine, before: State, after: State, op: str, step: object) -> str | None:
    """Which marks an action took back, besides the one the user unticked (pt-BR), or None."""
    if not before.marks or op not in ("mark", "change", "back"):
        return None
    steps = e.marks_of(e.walk(before))
    if after == before:
        return None
    if op == "mark":
        gone = [s for i, s in enumerate(steps) if before.marks >> i & 1 and not after.marks >> i & 1 and s[0] != step]
        if not gone:
            return None
        unticked = next(s[1] for s in steps if s[0] == step)
        what = "a etapa seguinte também foi desmarcada" if len(gone) == 1 else "as etapas seguintes também foram desmarcadas"
        return f"Ao desmarcar “{unticked}”, {what}: {_quoted([s[1] for s in gone])}."
    gone = [s[1] for i, s in enumerate(steps) if before.marks >> i & 1]
    why = "ao voltar uma pergunta" if op == "back" else "porque uma resposta mudou"
    return (f"{'A marcação do resultado foi desfeita' if len(gone) == 1 else 'As marcações do resultado foram desfeitas'} {why}: "
            f"{_quoted(gone)}.")


def _archived(e: Engine, req: dict[str, Any]) -> dict[str, Any]:
    """A code of an earlier tree version, with that version's archive (JSON text, or null when the site has none)."""
    try:
        result = archived.open_code(e, req.get("archive"), req.get("state"))
    except StateError as exc:
        return {"ok": False, "error": f"{exc} O assistente começou de novo.", "view": view(e, e.start())}
    if not result["finished"]:
        state = result["state"]
        return {"ok": False, "error": archived.partial_notice(result, len(state.answers)), "view": view(e, state)}
    return {"ok": True, "error": None, "archived": result, "view": view(e, e.start())}


def _asked_at(e: Engine, state: State, question: object) -> int:
    """Where the answers so far asked `question`: a `change`'s `step` is the id of the question answered again, as a
    `mark`'s is the id of the step of the outcome."""
    if isinstance(question, str):
        for i, step in enumerate(e.walk(state).steps):
            if step.question.id == question:
                return i
    raise StateError("Não foi possível saber qual resposta mudar; recarregue a página.")


def _wizard(e: Engine, req: dict[str, Any]) -> dict[str, Any]:
    op = req["op"]
    state, notice = e.salvage(req["state"]) if req.get("state") else (e.start(), None)
    if op == "view" and (fingerprint := archived.other_version(e, req.get("state"))):
        return {"ok": False, "error": notice, "view": view(e, state), "archive": fingerprint}
    before = state
    selected = None
    try:
        if op == "view":
            selected = _answer_after(e, req.get("previous"), state)
        elif op == "answer":
            state = e.answer(state, str(req.get("option", "")))
        elif op == "back":
            selected = _answer_after(e, e.encode(state), e.back(state))
            state = e.back(state)
        elif op == "change":
            state = e.change(state, _asked_at(e, state, req.get("step")), str(req.get("option", "")))
        elif op == "mark":
            state = e.mark(state, str(req.get("step", "")), parse_flag(req.get("done"), "Marcação"))
        elif op == "restart":
            state = e.start()
    except (StateError, ValueError) as exc:
        return {"ok": False, "error": str(exc), "view": view(e, state)}
    info = _cleared(e, before, state, op, req.get("step"))
    return {"ok": notice is None, "error": notice, "info": info, "view": view(e, state, selected)}


def _quote(e: Engine, req: dict[str, Any]) -> dict[str, Any]:
    """Every bad field at once: the taxes' errors and the other fields' (checked with the YAML's taxes)."""
    errors: dict[str, str] = {}
    try:
        taxes = parse_taxes(req.get("taxes"))
    except QuoteError as exc:
        errors, taxes = dict(exc.errors), None
    try:
        q = quote(
            e.g,
            mode=req.get("mode"),
            audience=req.get("audience", next(iter(e.g.audiences))),
            minutes=req.get("minutes"),
            rate=req.get("rate"),
            waived=req.get("waived", False),
            taxes=taxes,
        )
    except QuoteError as exc:
        errors = {**exc.errors, **errors}
    if "audience" in req and req["audience"] is None:  # like "waived": null, refused (never the first audience)
        errors["audience"] = "Público ausente (null); informe um dos públicos: " + ", ".join(e.g.audiences)
    if errors:
        return {"ok": False, "error": None, "errors": errors, "quote": None}
    return {"ok": True, "error": None, "errors": {}, "quote": q.to_dict()}


def handle_dict(req: dict[str, Any]) -> dict[str, Any]:
    e = engine()
    op = req.get("op")
    if op in (*WIZARD_OPS, "recommend") and not e.g.questions:  # the client site's bundle has no wizard
        return {"ok": False, "error": "Este site não tem o assistente de escalonamento."}
    if op in WIZARD_OPS:
        return _wizard(e, req)
    if op == "quote":
        return _quote(e, req)
    if op == "archived":
        return _archived(e, req)
    if op == "zendesk-ticket":  # the sidebar app opening a ticket (core/zendesk_app.py)
        app = ZendeskApp.of(e.g.zendesk_app)
        if app is None:
            return {"ok": False, "error": "O app do Zendesk não está configurado (zendesk_app em guidelines.yml)."}
        return ticket_context(app, {a.id: a.title for a in e.g.audiences.values()}, req)
    if op == "recommend":
        try:
            return {"ok": True, "error": None, "outcome": e.recommend(e.decode(req.get("state", "")))}
        except StateError as exc:
            return {"ok": False, "error": str(exc)}
    return {"ok": False, "error": f"Operação desconhecida: {op!r}"}


MAX_REQUEST_CHARS = 2_000_000  # a few hundred characters, but an old code's request carries its archived tree version (~150 kB)
MAX_REQUEST_DEPTH = 20  # levels of nested lists and objects (the page sends 3: the taxes)


def _depth(value: Any) -> int:
    """How deeply `value` nests lists and objects (without recursion)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            todo.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def handle(request: str) -> str:
    """The worker's single call: a JSON request in, a JSON answer out."""
    try:
        if not isinstance(request, str) or len(request) > MAX_REQUEST_CHARS:
            raise ValueError(f"a requisição deve ser um texto JSON de até {MAX_REQUEST_CHARS} caracteres")
        try:
            req = json.loads(request)
        except RecursionError:
            raise ValueError("a requisição aninha listas ou objetos demais") from None
        if not isinstance(req, dict):
            raise ValueError("a requisição deve ser um objeto JSON")
        if _depth(req) > MAX_REQUEST_DEPTH:
            raise ValueError(f"a requisição aninha listas ou objetos em mais de {MAX_REQUEST_DEPTH} níveis")
    except ValueError as exc:
        return json.dumps({"ok": False, "error": f"Requisição inválida: {exc}"}, ensure_ascii=False)
    return json.dumps(handle_dict(req), ensure_ascii=False)
