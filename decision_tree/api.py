"""One JSON-in, JSON-out entry point for the page's Pyodide worker.

The worker posts `{"op": ..., ...}` and renders the answer; tests call the
same `handle` in CPython to prove the page and the terminal agree. No
decision or price is computed anywhere else.
"""

from __future__ import annotations

import json
from typing import Any

from .engine import Engine, State, StateError
from .model import Guidelines, Outcome
from .pricing import QuoteError, parse_taxes, quote

_engine: Engine | None = None


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


def view(e: Engine, state: State) -> dict[str, Any]:
    """What the wizard shows for a state: the answers so far and the question or outcome."""
    walk = e.walk(state)
    history = []
    for i, step in enumerate(walk.steps):
        history.append(
            {
                "step": i,
                "question_id": step.question.id,
                "question": step.question.question,
                "answer_id": step.option.id,
                "answer": step.option.label,
                "options": [{"id": o.id, "label": o.label} for o in step.question.options],
            }
        )
    result: dict[str, Any] = {"state": e.encode(state), "history": history, "question": None, "outcome": None}
    if isinstance(walk.node, Outcome):
        result["outcome"] = e.recommend(state)
    else:
        q = walk.node
        result["question"] = {
            "id": q.id,
            "number": len(walk.steps) + 1,
            "text": q.question,
            "check": e.g.checks[q.check].title if q.check else None,
            "options": [{"id": o.id, "label": o.label} for o in q.options],
        }
    return result


def _wizard(e: Engine, req: dict[str, Any]) -> dict[str, Any]:
    op = req["op"]
    try:
        state = e.decode(req["state"]) if req.get("state") else e.start()
    except StateError as exc:
        return {**view(e, e.start()), "error": str(exc)}
    try:
        if op == "answer":
            state = e.answer(state, str(req.get("option", "")))
        elif op == "back":
            state = e.back(state)
        elif op == "change":
            step = req.get("step")
            if isinstance(step, bool) or not isinstance(step, int):
                raise StateError(f"Resposta a mudar inválida ({json.dumps(step, ensure_ascii=False)}): informe o número da pergunta.")
            state = e.change(state, step, str(req.get("option", "")))
        elif op == "restart":
            state = e.start()
    except (StateError, ValueError, TypeError) as exc:
        return {**view(e, state), "error": str(exc)}
    return view(e, state)


def _quote(e: Engine, req: dict[str, Any]) -> dict[str, Any]:
    try:
        taxes = parse_taxes(req.get("taxes"), e.g)
        q = quote(
            e.g,
            mode=req.get("mode"),
            audience=req.get("audience", "cliente-final"),
            minutes=req.get("minutes"),
            rate=req.get("rate"),
            waived=bool(req.get("waived", False)),
            taxes=taxes,
        )
    except QuoteError as exc:
        return {"ok": False, "errors": exc.errors}
    return {"ok": True, "quote": q.to_dict()}


def handle_dict(req: dict[str, Any]) -> dict[str, Any]:
    e = engine()
    op = req.get("op")
    if op in ("view", "answer", "back", "change", "restart"):
        return _wizard(e, req)
    if op == "quote":
        return _quote(e, req)
    if op == "recommend":
        try:
            return {"ok": True, "outcome": e.recommend(e.decode(req.get("state", "")))}
        except StateError as exc:
            return {"ok": False, "error": str(exc)}
    return {"ok": False, "error": f"Operação desconhecida: {op!r}"}


def handle(request: str) -> str:
    """The worker's single call: a JSON request in, a JSON answer out."""
    try:
        req = json.loads(request)
        if not isinstance(req, dict):
            raise ValueError("a requisição deve ser um objeto JSON")
    except ValueError as exc:
        return json.dumps({"ok": False, "error": f"Requisição inválida: {exc}"}, ensure_ascii=False)
    return json.dumps(handle_dict(req), ensure_ascii=False)
