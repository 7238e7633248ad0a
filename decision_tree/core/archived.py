"""A code from an earlier version of the tree: what was decided then, read-only.

Standard library only (runs in CPython and in Pyodide). An archived version
(`decision_tree/tree_versions/<fingerprint>.json`, written by
`decision_tree.sources.tree_versions`) holds that version's questions and, for
every finished path, the outcome as it was shown. `open_code` decodes an old
code with it and says what today's tree decides for the same answers, where
they still exist (matched by the ids of the question and the answer).
"""

from __future__ import annotations

import json
import re
from typing import Any

from decision_tree.core.engine import DIGITS, Engine, State, StateError, _base36
from decision_tree.core.model import Question
from decision_tree.core.texts import answers_kept

FORMAT = 1
FINGERPRINT = re.compile(r"[0-9a-f]{6}")
CODE = "{code}"  # where an archived ticket note names the code


def other_version(e: Engine, text: object) -> str | None:
    """The fingerprint of a code made with another version of the tree (well-formed), else None."""
    text = text.strip().removeprefix("#") if isinstance(text, str) else ""
    fingerprint, sep, _ = text.partition("-")
    return fingerprint if sep and FINGERPRINT.fullmatch(fingerprint) and fingerprint != e.g.fingerprint else None


def day(iso: str) -> str:
    """`2026-11-29` → `29/11/2026`."""
    parts = iso.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else iso


def _load(archive: object, fingerprint: str) -> dict[str, Any]:
    missing = StateError(
        f"Este link é de uma versão anterior do assistente (versão {fingerprint} da árvore), que não foi guardada: "
        "não é possível mostrar o que foi decidido com ela."
    )
    if archive is None or archive == "":
        raise missing
    try:
        data = json.loads(archive) if isinstance(archive, str) else archive
    except ValueError:
        raise missing from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("fingerprint") != fingerprint:
        raise missing
    return data


def _parse(text: str) -> tuple[str, str, int]:
    text = text.strip().removeprefix("#")
    fingerprint, _, rest = text.partition("-")
    digits, dot, marks = rest.lower().partition(".")
    if any(ch not in DIGITS for ch in digits + marks) or (dot and not marks) or len(marks) > 6:
        raise StateError("Este link do assistente foi alterado e não pode ser lido.")
    return fingerprint, digits, int(marks, 36) if marks else 0


def _answers(data: dict[str, Any], digits: str) -> tuple[list[tuple[str, str, str, str]], bool]:
    """The (question id, option id, question, answer) of the digits in that version; whether they reach an outcome."""
    questions = data["questions"]
    node = data["start"]
    found: list[tuple[str, str, str, str]] = []
    for n, ch in enumerate(digits, start=1):
        q = questions.get(node)
        if q is None:
            raise StateError(
                f"Há respostas demais para a versão {data['fingerprint']} da árvore: ela chega a um resultado na pergunta {n - 1}.")
        index = DIGITS.index(ch)
        if index >= len(q["options"]):
            raise StateError(f"A pergunta {n} (“{q['text']}”) da versão {data['fingerprint']} da árvore não tem essa resposta.")
        o = q["options"][index]
        found.append((node, o["id"], q["text"], o["label"]))
        node = o["next"]
    return found, node not in questions


def translate(e: Engine, answers: list[tuple[str, str, str, str]]) -> tuple[State, Question | None]:
    """The same answers in today's tree, question by question (by ids), up to the first one it asks anew."""
    given = {qid: oid for qid, oid, _, _ in answers}
    node = e.node(e.g.start)
    chosen: list[int] = []
    while isinstance(node, Question):
        option = node.option(given.get(node.id, ""))
        if option is None:
            return State(tuple(chosen)), node
        chosen.append(node.options.index(option))
        node = e.node(option.next)
    return State(tuple(chosen)), None


def _today(e: Engine, answers: list[tuple[str, str, str, str]], record: dict[str, Any]) -> dict[str, Any]:
    state, asks = translate(e, answers)
    if asks is not None:
        return {"state": e.encode(state), "finished": False, "differs": None, "mode_title": None,
                "message": f"A árvore atual faz uma pergunta que esta versão não fazia, ou não tem mais a resposta dada: "
                           f"“{asks.question}”. Responda de novo para saber o que ela decide."}
    now = e.recommend(state)
    differs = now["mode"] != record["mode"]
    message = (f"A árvore atual decide diferente: com as mesmas respostas, o resultado hoje é {now['mode_title']}."
               if differs else f"A árvore atual decide o mesmo: com as mesmas respostas, o resultado hoje também é {now['mode_title']}.")
    return {"state": e.encode(state), "finished": True, "differs": differs, "mode_title": now["mode_title"], "message": message}


def open_code(e: Engine, archive: object, text: object) -> dict[str, Any]:
    """What an old code decided, read-only, or {"finished": False, ...} for a code that had not reached an outcome.

    StateError (pt-BR) when the version is not archived or the code does not fit it.
    """
    text = text if isinstance(text, str) else ""
    fingerprint = other_version(e, text)
    if fingerprint is None:
        raise StateError("Este link não é de uma versão anterior do assistente.")
    data = _load(archive, fingerprint)
    try:
        return _open(e, data, fingerprint, text)
    except StateError:
        raise
    except (KeyError, TypeError, IndexError, AttributeError, ValueError):  # an archive edited by hand or truncated
        raise StateError(f"A versão {fingerprint} da árvore guardada neste site está danificada e não pôde ser lida.") from None


def _open(e: Engine, data: dict[str, Any], fingerprint: str, text: str) -> dict[str, Any]:
    _, digits, marks = _parse(text)
    answers, finished = _answers(data, digits)
    version = {"fingerprint": fingerprint, "date": data["date"], "day": day(data["date"]), "changelog": data["changelog"]}
    if not finished:
        if marks:
            raise StateError("As marcações do link não correspondem a este resultado.")
        state, _ = translate(e, answers)
        return {"finished": False, "version": version, "state": state, "answered": len(answers)}
    if digits not in data["paths"]:
        raise StateError(f"Este link não corresponde a um resultado da versão {fingerprint} da árvore.")
    record = data["outcomes"][data["paths"][digits]]
    levels = len(record["notes"])
    if marks & (marks + 1) or marks.bit_length() >= levels:
        raise StateError("As marcações do link não correspondem a este resultado.")
    code = f"{fingerprint}-{digits}" + (f".{_base36(marks)}" if marks else "")
    done = marks.bit_length()
    steps, k = [], 0
    for s in record["steps"]:
        step = {**s, "done": bool(s["mark"]) and k < done}
        k += 1 if s["mark"] else 0
        steps.append(step)
    outcome = {key: record[key] for key in ("outcome", "mode", "mode_title", "summary", "pending", "criteria", "audience",
                                             "payer", "next_steps", "billing", "local")}
    outcome |= {"steps": steps, "ticket_note": record["notes"][done].replace(CODE, code)}
    return {
        "finished": True,
        "state": code,
        "version": version,
        "message": f"Decidido com a versão {fingerprint} da árvore ({version['day']}).",
        "read_only": "Somente leitura: é o que o assistente mostrava quando este código foi gerado; as respostas e as "
                     "marcações não podem ser mudadas aqui.",
        "answers": [{"question": q, "answer": a} for _, _, q, a in answers],
        "outcome": outcome,
        "today": _today(e, answers, record),
    }


def partial_notice(result: dict[str, Any], kept: int) -> str:
    v = result["version"]
    return (f"Este link é da versão {v['fingerprint']} da árvore ({v['day']}) e ainda não tinha chegado a um resultado: "
            f"ele continua com a árvore atual, e {answers_kept(kept)}.")
