"""The escalation wizard: walk the decision tree, one answer at a time.

Standard library only: the same module runs in the CLI and in the page's
Pyodide worker. A `State` is the list of options chosen so far plus, on a
consultancy outcome, which of its steps are marked done (the approval, the
Aceite). It serializes to a short URL-safe code
`<fingerprint>-<one base-36 digit per answer>[.<marks in base 36>]`, so a
wizard session fits in a URL hash or a ticket. A code of an earlier version of
the tree is read with that version's archive (`decision_tree.core.archived`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from decision_tree.core.model import Guidelines, Option, Outcome, Question
from decision_tree.core.outcome import Recommendation, markable_steps
from decision_tree.core.texts import answers_kept

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


class StateError(ValueError):
    """A state that cannot be used; the message is pt-BR, for the user."""


@dataclass(frozen=True)
class State:
    answers: tuple[int, ...] = ()
    marks: int = 0  # bit i: the i-th step to mark on the outcome is done (marks are set in order)


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


def _base36(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = DIGITS[r] + out
        if not n:
            return out


class Engine:
    def __init__(self, guidelines: Guidelines):
        self.g = guidelines

    # -- walking -------------------------------------------------------
    def node(self, node_id: str) -> Question | Outcome:
        return self.g.questions.get(node_id) or self.g.outcomes[node_id]

    def _follow(self, answers: tuple[int, ...]) -> tuple[list[Step], Question | Outcome, int | None]:
        """The one walk of the tree: the steps the answers take from the start, the node reached, and the index of
        the first answer that does not fit there (None: they all fit)."""
        node: Question | Outcome = self.g.questions[self.g.start]
        steps: list[Step] = []
        for n, index in enumerate(answers):
            if isinstance(node, Outcome) or not 0 <= index < len(node.options):
                return steps, node, n
            option = node.options[index]
            steps.append(Step(node, option))
            node = self.node(option.next)
        return steps, node, None

    def walk(self, state: State) -> Walk:
        steps, node, misfit = self._follow(state.answers)
        if misfit is not None and isinstance(node, Outcome):
            raise StateError(f"Há respostas demais: o assistente chega a um resultado na pergunta {misfit}.")
        if misfit is not None:
            raise StateError(f"A pergunta {misfit + 1} (“{node.question}”) não tem essa resposta.")  # type: ignore[union-attr]
        walk = Walk(tuple(steps), node)
        if state.marks and state.marks >= 1 << len(self.marks_of(walk)):
            raise StateError("As marcações do link não correspondem a este resultado.")
        if state.marks & (state.marks + 1):
            raise StateError("As marcações do link pulam uma etapa: elas são feitas em ordem.")
        return walk

    def marks_of(self, walk: Walk) -> list[tuple[str, str, str]]:
        """The steps to mark on the walk's outcome, in order: (id, label when done, label while waiting)."""
        return markable_steps(self.g, walk) if isinstance(walk.node, Outcome) else []

    def start(self) -> State:
        return State()

    # -- the tree as a whole (pages, tests, benchmark) --------------------
    def questions_in_order(self) -> list[Question]:
        """The questions reachable from the start, in the order of the YAML (the order the pages number them)."""
        seen: set[str] = set()
        todo = [self.g.start]
        while todo:
            node = todo.pop()
            if node in self.g.questions and node not in seen:
                seen.add(node)
                todo += [o.next for o in self.g.questions[node].options]
        return [q for q in self.g.questions.values() if q.id in seen]

    def outcomes_from(self, node_id: str) -> set[str]:
        """The outcomes a node leads to (itself, for an outcome)."""
        if node_id in self.g.outcomes:
            return {node_id}
        return set().union(*(self.outcomes_from(o.next) for o in self.g.questions[node_id].options))

    def options_before(self, node_id: str) -> set[tuple[str, str]]:
        """Every (question, option) on some path from the start to this node."""
        parents = {q.id: [(q.id, o.id, o.next) for o in q.options] for q in self.g.questions.values()}
        found: set[tuple[str, str]] = set()
        todo = [node_id]
        while todo:
            target = todo.pop()
            for edges in parents.values():
                for qid, oid, nxt in edges:
                    if nxt == target and (qid, oid) not in found:
                        found.add((qid, oid))
                        todo.append(qid)
        return found

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
        The marks of the old outcome are dropped; the same answer again changes nothing (the marks stay).
        """
        walk = self.walk(state)
        if not 0 <= step < len(walk.steps):
            raise StateError(f"Não há resposta número {step + 1} para mudar.")
        question = walk.steps[step].question
        if self._index(question, option_id) == state.answers[step]:
            return state
        answers = [*state.answers[:step], self._index(question, option_id)]
        node = self.node(question.options[answers[-1]].next)
        for old in walk.steps[step + 1 :]:
            if not isinstance(node, Question) or node.id != old.question.id:
                break
            answers.append(node.options.index(old.option))
            node = self.node(old.option.next)
        return State(tuple(answers))

    def mark(self, state: State, step_id: str, done: bool) -> State:
        """Mark a step of the outcome as done (only after the ones before it) or not done (and the ones after it)."""
        steps = self.marks_of(self.walk(state))
        ids = [s[0] for s in steps]
        if step_id not in ids:
            raise StateError("Esta etapa não existe neste resultado.")
        i = ids.index(step_id)
        if done:
            if state.marks.bit_length() < i:
                raise StateError(f"Primeiro marque “{steps[state.marks.bit_length()][1]}”: as etapas são feitas em ordem.")
            return replace(state, marks=state.marks | 1 << i)
        return replace(state, marks=state.marks & ((1 << i) - 1))

    @staticmethod
    def _index(question: Question, option_id: str) -> int:
        for i, option in enumerate(question.options):
            if option.id == option_id:
                return i
        known = ", ".join(o.id for o in question.options)
        raise StateError(f"A resposta “{option_id}” não existe na pergunta “{question.question}” (respostas: {known}).")

    # -- serialization -------------------------------------------------
    def encode(self, state: State) -> str:
        marks = f".{_base36(state.marks)}" if state.marks else ""
        return f"{self.g.fingerprint}-" + "".join(DIGITS[i] for i in state.answers) + marks

    def _parse(self, text: object) -> State:
        text = text.strip() if isinstance(text, str) else ""
        text = text.removeprefix("#")
        fingerprint, sep, rest = text.partition("-")
        if not sep or not fingerprint:
            raise StateError("Este link do assistente está incompleto.")
        if fingerprint != self.g.fingerprint:
            if len(fingerprint) == 6 and all(ch in "0123456789abcdef" for ch in fingerprint):  # read with its archive, if kept
                raise StateError(f"Este link é de uma versão anterior do assistente (versão {fingerprint} da árvore): "
                                 "as perguntas mudaram desde então.")
            raise StateError("Este link é de uma versão anterior do assistente: as perguntas mudaram desde então.")
        digits, dot, marks = rest.lower().partition(".")
        if any(ch not in DIGITS for ch in digits + marks) or (dot and not marks) or len(marks) > 6:
            raise StateError("Este link do assistente foi alterado e não pode ser lido.")
        return State(tuple(DIGITS.index(ch) for ch in digits), int(marks, 36) if marks else 0)

    def decode(self, text: object) -> State:
        """The state a code stands for exactly; anything else is a StateError."""
        state = self._parse(text)
        self.walk(state)  # raises StateError on a path that does not exist
        return state

    def salvage(self, text: object) -> tuple[State, str | None]:
        """The most of a code that still fits the tree, and what was dropped (pt-BR), or a fresh start."""
        try:
            state = self._parse(text)
        except StateError as exc:
            return State(), f"{exc} O assistente começou de novo."
        steps, _, misfit = self._follow(state.answers)
        answers = state.answers[:len(steps)]
        if misfit is not None:
            return State(answers), f"Parte deste link não vale para esta versão do assistente: {answers_kept(len(answers))}."
        kept_state = State(answers, state.marks)
        try:
            self.walk(kept_state)
        except StateError as exc:
            return State(answers), f"{exc} As respostas foram mantidas; confira as marcações."
        return kept_state, None

    # -- the outcome -----------------------------------------------------
    def recommend(self, state: State) -> dict[str, Any]:
        """The outcome of a finished walk, as plain data (the CLI and the page render it)."""
        walk = self.walk(state)
        if not isinstance(walk.node, Outcome):
            raise StateError("O assistente ainda não chegou a um resultado: responda às perguntas restantes.")
        return Recommendation(self.g, walk, state.marks).to_dict(self.encode(state))
