"""The escalation wizard: walk the decision tree, one answer at a time.

Standard library only: the same module runs in the CLI and in the page's
Pyodide worker. A `State` is the list of options chosen so far; it serializes
to a short URL-safe string `<fingerprint>-<one base-36 digit per answer>`
so a wizard session fits in a URL hash or a ticket.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .model import Guidelines, Option, Outcome, Question

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def mode_page(mode_id: str) -> str:
    """Site-relative URL of a mode's guideline page."""
    return f"modos/{mode_id}/"


class StateError(ValueError):
    """A serialized state that cannot be used; the message is pt-BR, for the user."""


@dataclass(frozen=True)
class State:
    answers: tuple[int, ...] = ()


@dataclass(frozen=True)
class Step:
    """One answered question on the path."""

    question: Question
    option: Option


@dataclass(frozen=True)
class Walk:
    """Where a state leads: the answered steps and the node reached."""

    steps: tuple[Step, ...]
    node: Question | Outcome

    @property
    def audience(self) -> str | None:
        return next((s.option.audience for s in reversed(self.steps) if s.option.audience), None)

    @property
    def criteria(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for s in self.steps:
            for c in s.option.criteria:
                seen.setdefault(c, None)
        return tuple(seen)


class Engine:
    def __init__(self, guidelines: Guidelines):
        self.g = guidelines

    # -- walking -------------------------------------------------------
    def node(self, node_id: str) -> Question | Outcome:
        return self.g.questions.get(node_id) or self.g.outcomes[node_id]

    def walk(self, state: State) -> Walk:
        node: Question | Outcome = self.g.questions[self.g.start]
        steps: list[Step] = []
        for n, index in enumerate(state.answers, start=1):
            if isinstance(node, Outcome):
                raise StateError(f"O estado tem {len(state.answers)} respostas, mas o caminho termina na resposta {n - 1}.")
            if not 0 <= index < len(node.options):
                raise StateError(f"A resposta {n} não existe na pergunta “{node.question}”.")
            option = node.options[index]
            steps.append(Step(node, option))
            node = self.node(option.next)
        return Walk(tuple(steps), node)

    def start(self) -> State:
        return State()

    def paths(self) -> Iterator[State]:
        """Every finished path from the first question to an outcome, in option order."""

        def walk(state: State) -> Iterator[State]:
            node = self.walk(state).node
            if isinstance(node, Outcome):
                yield state
                return
            for i in range(len(node.options)):
                yield from walk(State((*state.answers, i)))

        return walk(State())

    def answer(self, state: State, option_id: str) -> State:
        walk = self.walk(state)
        if isinstance(walk.node, Outcome):
            raise StateError("O assistente já chegou a um resultado; volte ou recomece para mudar uma resposta.")
        return State((*state.answers, self._index(walk.node, option_id)))

    def back(self, state: State) -> State:
        return State(state.answers[:-1])

    def change(self, state: State, step: int, option_id: str) -> State:
        """Answer question number `step` (0-based) again.

        Later answers are kept only while the path stays the same: each is
        replayed as long as it lands on the very question it answered before.
        """
        walk = self.walk(state)
        if not 0 <= step < len(walk.steps):
            raise StateError(f"Não há resposta número {step + 1} para mudar.")
        question = walk.steps[step].question
        answers = [*state.answers[:step], self._index(question, option_id)]
        node = self.node(question.options[answers[-1]].next)
        for old in walk.steps[step + 1 :]:
            if not isinstance(node, Question) or node.id != old.question.id:
                break
            answers.append(node.options.index(old.option))
            node = self.node(old.option.next)
        return State(tuple(answers))

    @staticmethod
    def _index(question: Question, option_id: str) -> int:
        for i, option in enumerate(question.options):
            if option.id == option_id:
                return i
        known = ", ".join(o.id for o in question.options)
        raise StateError(f"A opção “{option_id}” não existe na pergunta “{question.question}” (opções: {known}).")

    # -- serialization -------------------------------------------------
    def encode(self, state: State) -> str:
        return f"{self.g.fingerprint}-" + "".join(DIGITS[i] for i in state.answers)

    def decode(self, text: object) -> State:
        """The state a code stands for; anything else (text or not) is a StateError."""
        text = text.strip() if isinstance(text, str) else ""
        if text.startswith("#"):
            text = text[1:]
        fingerprint, sep, digits = text.partition("-")
        if not sep or not fingerprint:
            raise StateError("O código do assistente está incompleto ou mal formado; recomece o assistente.")
        if fingerprint != self.g.fingerprint:
            raise StateError(
                "Este link foi gerado por outra versão das diretrizes; as perguntas mudaram desde então. Recomece o assistente."
            )
        if any(ch not in DIGITS for ch in digits):
            raise StateError("O código do assistente tem caracteres inválidos; recomece o assistente.")
        state = State(tuple(DIGITS.index(ch) for ch in digits))
        self.walk(state)  # raises StateError on a path that does not exist
        return state

    # -- the outcome -----------------------------------------------------
    def recommend(self, state: State) -> dict[str, Any]:
        """The outcome of a finished walk, as plain data (the CLI and the page render it)."""
        walk = self.walk(state)
        if not isinstance(walk.node, Outcome):
            raise StateError("O assistente ainda não chegou a um resultado: responda às perguntas restantes.")
        return Recommendation(self.g, walk).to_dict(self.encode(state))


class Recommendation:
    """Builds the outcome panel's data and the ticket note from a finished walk."""

    def __init__(self, g: Guidelines, walk: Walk):
        self.g = g
        self.walk = walk
        self.outcome: Outcome = walk.node  # type: ignore[assignment]
        self.mode = g.modes[self.outcome.mode]
        self.billing = g.billing.modes[self.mode.id]
        self.audience = g.audiences.get(walk.audience or "")

    def criteria(self) -> list[dict[str, Any]]:
        return [
            {
                "id": c.id,
                "text": c.text,
                "section": c.section,
                "number": c.number,
                "url": f"{mode_page(c.mode)}#{c.anchor}",
            }
            for c in (self.g.criteria[cid] for cid in self.walk.criteria)
            if c.mode == self.mode.id
        ]

    def prerequisites(self) -> list[dict[str, str]]:
        ids = [p.id for p in self.g.prerequisites.values() if self.mode.id in p.modes]
        for cid in self.walk.criteria:
            c = self.g.criteria[cid]
            if c.mode == self.mode.id:
                ids += [p for p in c.prerequisites if p not in ids]
        return [{"id": p, "title": self.g.prerequisites[p].title, "text": self.g.prerequisites[p].text} for p in ids]

    def macros(self) -> list[dict[str, Any]]:
        found = []
        for mid in self.mode.macros:
            m = self.g.macros[mid]
            if m.kind == "termo" and self.audience and self.audience.id not in m.audiences:
                continue
            found.append(
                {
                    "id": m.id,
                    "title": m.title,
                    "kind": m.kind,
                    "when": m.when,
                    "body": m.body,
                    "body_html": m.body_html,
                    "url": f"macros/{m.id}/",
                }
            )
        return found

    def payer(self) -> str | None:
        if not self.billing.billed or not self.audience:
            return None
        return self.audience.payer

    def to_dict(self, state: str) -> dict[str, Any]:
        check = self.g.checks.get(self.outcome.pending_check or "")
        next_steps = ([check.next_step] if check else []) + list(self.outcome.next_steps)
        payer = self.payer()
        data: dict[str, Any] = {
            "state": state,
            "outcome": self.outcome.id,
            "mode": self.mode.id,
            "mode_title": self.mode.title,
            "mode_url": mode_page(self.mode.id),
            "summary": self.outcome.summary,
            "pending_check": {"id": check.id, "title": check.title, "text": check.text} if check else None,
            "next_steps": next_steps,
            "criteria": self.criteria(),
            "prerequisites": self.prerequisites(),
            "audience": {"id": self.audience.id, "title": self.audience.title} if self.audience else None,
            "payer": payer,
            "payer_title": self.g.billing.payers.get(payer) if payer else None,
            "macros": self.macros(),
            "billing": {
                "billed": self.billing.billed,
                "minimum_minutes": self.billing.minimum_minutes,
                "waivable": self.billing.waivable,
                "rules": list(self.billing.rules),
            },
            "answers": [{"question": s.question.question, "answer": s.option.label} for s in self.walk.steps],
        }
        data["ticket_note"] = ticket_note(self.g, data)
        return data


def ticket_note(g: Guidelines, r: dict[str, Any]) -> str:
    """The plain-text summary an analyst pastes into the ticket."""
    lines: list[str] = []
    if r["mode"] == "consultoria-modulo":
        lines += [g.ticket_prefix, f"Data (acordo cliente): {g.date_placeholder}"]
    lines.append(f"Modalidade recomendada: {r['mode_title']}")
    lines.append(r["summary"])
    if r["audience"]:
        lines.append(f"Solicitante: {r['audience']['title']}")
    if r["pending_check"]:
        lines.append(f"Verificação pendente: {r['pending_check']['title']}")
    if r["criteria"]:
        lines.append("Critérios da diretriz:")
        lines += [f"- {c['text']}" for c in r["criteria"]]
    if r["prerequisites"]:
        lines.append("Pré-requisitos:")
        lines += [f"- [ ] {p['title']}" for p in r["prerequisites"]]
    termos = [m for m in r["macros"] if m["kind"] == "termo"]
    if termos:
        lines.append(f"Macro: {termos[0]['title']}")
    if r["billing"]["billed"]:
        lines.append("Tarifação:")
        lines += [f"- {rule}" for rule in r["billing"]["rules"]]
        if r["payer_title"]:
            lines.append(f"Responsável pelo pagamento: {r['payer_title']}")
    if r["next_steps"]:
        lines.append("Próximos passos:")
        lines += [f"- {s}" for s in r["next_steps"]]
    lines.append("Respostas do assistente:")
    lines += [f"- {a['question']} {a['answer']}" for a in r["answers"]]
    return "\n".join(lines)
