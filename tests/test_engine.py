"""The engine's mechanics: states and links, going back and changing an answer, marks on an outcome,
and the note for the ticket, on the small tree of tests/fixtures/invalid/base--guidelines.yml.
What the guideline's own tree decides is tested in test_personas.py."""

from __future__ import annotations

import re

import pytest
from engine_helpers import answer_ids, small_bundle, small_engine

from decision_tree.core import api
from decision_tree.core.engine import State, StateError
from decision_tree.core.model import Outcome

E = small_engine()
PATHS = list(E.paths())
MODULO = ("ocorrencia", "sim", "nao-reproduz", "cliente-final")  # a consultancy with two marks
TELEFONICA = ("emergencia", "totvs")
PENDING = ("ocorrencia", "nao")  # Suporte Padrão until a check is done


def test_every_path_ends_in_an_outcome_and_every_outcome_is_reached() -> None:
    assert all(isinstance(E.walk(s).node, Outcome) for s in PATHS)
    assert {E.walk(s).node.id for s in PATHS} == set(E.g.outcomes)


def test_state_round_trips_for_every_path() -> None:
    for state in PATHS:
        text = E.encode(state)
        assert re.fullmatch(r"[0-9a-f]{6}-[0-9a-z]+", text)
        assert E.decode(text) == state
        assert E.decode("#" + text) == state


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "incompleto"),
        ("garbage", "incompleto"),
        ("000000-0", "versão anterior do assistente"),
        ("{fp}-0!", "foi alterado"),
        ("{fp}-z", "não tem essa resposta"),
        ("{fp}-00000000000000", "respostas demais"),
        ("{fp}-0 <script>", "foi alterado"),
        ("{modulo}.4", "não correspondem"),  # a third mark where there are two
        ("{modulo}.2", "pulam uma etapa"),  # the second mark without the first
    ],
)
def test_a_malformed_or_stale_code_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(StateError, match=message):
        E.decode(text.format(fp=E.g.fingerprint, modulo=E.encode(answer_ids(E, *MODULO))))


def test_a_damaged_link_keeps_the_answers_that_still_fit() -> None:
    done = answer_ids(E, *MODULO)
    state, message = E.salvage(E.encode(done) + "7")  # one digit too many: the path had already ended
    assert state == done and message and "as 4 primeiras respostas foram mantidas" in message
    state, message = E.salvage(E.encode(answer_ids(E, "ocorrencia", "sim")) + "z")  # an answer that does not exist
    assert state == answer_ids(E, "ocorrencia", "sim")
    assert message and "as 2 primeiras respostas foram mantidas" in message
    state, message = E.salvage("000000-05")
    assert state == State() and message and "versão anterior" in message and "começou de novo" in message
    assert E.salvage(E.encode(done)) == (done, None)


def test_back_and_answer_and_unfinished_state() -> None:
    state = answer_ids(E, "ocorrencia", "sim")
    assert E.back(state) == answer_ids(E, "ocorrencia")
    assert E.back(E.start()) == E.start()
    with pytest.raises(StateError, match="ainda não chegou"):
        E.recommend(state)
    with pytest.raises(StateError, match="não existe"):
        E.answer(state, "talvez")
    with pytest.raises(StateError, match="já chegou a um resultado"):
        E.answer(answer_ids(E, *PENDING), "sim")


def test_change_keeps_later_answers_only_while_the_path_stays_the_same() -> None:
    state = answer_ids(E, *MODULO)
    same_path = E.change(state, 2, "apendar")  # another Módulo situation: the audience is kept
    assert E.recommend(same_path)["criteria"][-1]["id"] == "modulo-apendar-tabelas"
    assert E.recommend(same_path)["audience"]["id"] == "cliente-final"
    other = E.change(state, 0, "emergencia")  # the path changes: later answers are dropped
    assert E.walk(other).node.id == "q-publico-telefonica" and len(other.answers) == 1
    with pytest.raises(StateError):
        E.change(state, 42, "sim")


def test_marks_are_set_in_order_and_unset_with_the_ones_after() -> None:
    state = answer_ids(E, *MODULO)
    with pytest.raises(StateError, match="Primeiro marque “Aprovação obtida”"):
        E.mark(state, "aceite", True)
    approved = E.mark(state, "aprovacao-maestro", True)
    accepted = E.mark(approved, "aceite", True)
    assert E.encode(accepted).endswith(".3")
    assert E.mark(accepted, "aprovacao-maestro", False) == state
    with pytest.raises(StateError):
        E.mark(state, "nao-existe", True)
    with pytest.raises(StateError):
        E.mark(answer_ids(E, *PENDING), "aceite", True)  # Suporte Padrão has nothing to mark


def test_a_locked_step_says_every_mark_it_waits_for() -> None:
    state = answer_ids(E, *MODULO)
    steps = E.recommend(state)["steps"]
    ids = [s["id"] for s in steps]
    approval, aceite = steps[ids.index("aprovacao-maestro")], steps[ids.index("aceite")]
    after = steps[ids.index("aceite") + 1 :]
    assert approval["enabled"] and approval["waits_for"] == []
    assert not aceite["enabled"] and aceite["waits_for"] == ["Aprovação obtida"]
    assert after and all(not s["enabled"] and s["waits_for"] == ["Aprovação obtida", "Aceite recebido"] for s in after)
    steps = E.recommend(E.mark(state, "aprovacao-maestro", True))["steps"]
    assert steps[ids.index("aceite")]["enabled"] and steps[ids.index("aceite")]["waits_for"] == []
    assert all(s["waits_for"] == ["Aceite recebido"] for s in steps[ids.index("aceite") + 1 :])


def test_the_termo_is_copied_only_after_the_approval() -> None:
    state = answer_ids(E, *MODULO)
    termo = lambda r: next(m for s in r["steps"] for m in s["macros"] if m["kind"] == "termo")  # noqa: E731
    r = E.recommend(state)
    assert not termo(r)["ready"] and "Aguardando aprovação" in r["ticket_note"]
    r = E.recommend(E.mark(state, "aprovacao-maestro", True))
    assert termo(r)["ready"] and "Aprovação obtida" in r["ticket_note"]


def test_the_ticket_prefix_comes_once_approval_and_aceite_are_marked() -> None:
    state = answer_ids(E, *MODULO)
    prefix = E.g.ticket.prefix.text
    assert not E.recommend(state)["ticket_note"].startswith(prefix)
    approved = E.mark(state, "aprovacao-maestro", True)
    assert not E.recommend(approved)["ticket_note"].startswith(prefix)
    note = E.recommend(E.mark(approved, "aceite", True))["ticket_note"]
    assert note.startswith(prefix)


def test_the_ticket_note_is_short_and_says_what_a_leader_needs() -> None:
    for state in PATHS:
        r = E.recommend(state)
        note = r["ticket_note"].splitlines()
        assert len(note) <= 10, r["outcome"]
        assert f"Modalidade: {r['mode_title']}" in note
        assert note[-1] == f"Código do assistente: {r['state']}"
        if r["audience"]:
            assert f"Solicitante: {r['audience']['title']}" in note
    modulo = E.recommend(answer_ids(E, *MODULO))["ticket_note"]
    assert f"{E.g.ticket.date_label}: {E.g.ticket.date_placeholder}" in modulo
    # Before the approval the note waits for it and names no macro; once approved, it names the Termo.
    assert "Aguardando aprovação" in modulo.splitlines() and "Macro:" not in modulo
    approved = E.recommend(E.mark(answer_ids(E, *MODULO), "aprovacao-maestro", True))["ticket_note"]
    assert "Macro: CONSULTORIA :: DO MÓDULO - Termo de Aceite à CLIENTE FINAL" in approved.splitlines()
    tele = E.recommend(answer_ids(E, *TELEFONICA))["ticket_note"]
    assert E.g.ticket.prefix.text not in tele and E.g.ticket.date_label not in tele


def test_the_marks_are_part_of_the_link() -> None:
    state = E.mark(answer_ids(E, *MODULO), "aprovacao-maestro", True)
    assert E.decode(E.encode(state)) == state
    view = api.view(E, state)
    assert view["state"] == E.encode(state)
    assert [s["done"] for s in view["outcome"]["steps"] if s["mark"]] == [True, False]


def test_going_back_preselects_the_answer_given_before() -> None:
    api.init(small_bundle())
    state = E.encode(answer_ids(E, "ocorrencia", "sim"))
    back = api.handle_dict({"op": "back", "state": state})
    assert back["view"]["question"]["id"] == "q-atualizacoes" and back["view"]["question"]["selected"] == "sim"
    previous = api.handle_dict({"op": "view", "state": back["view"]["state"], "previous": state})
    assert previous["view"]["question"]["selected"] == "sim"
    fresh = api.handle_dict({"op": "view", "state": back["view"]["state"]})
    assert fresh["view"]["question"]["selected"] is None
