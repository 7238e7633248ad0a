"""The wizard decides as the guideline does: every criterion reached by a person answering truthfully.

The personas (tests/personas.py) are written from their situation first. Here
each one walks the engine: the wizard must ask exactly the questions the
persona expects (nobody confirms a step that does not apply to them) and end
in the mode, criteria and Termo the guideline gives. The rest of this module
pins the readings of the guideline's ambiguities and the nine problems found
in the previous tree.
"""

from __future__ import annotations

import pytest
import yaml
from engine_helpers import ROOT, engine
from personas import PERSONAS, Persona

from decision_tree.core.engine import State
from decision_tree.core.model import Outcome

RAW = yaml.safe_load((ROOT / "decision_tree" / "guidelines.yml").read_text(encoding="utf-8"))
E = engine()


def walk(p: Persona) -> State:
    state = E.start()
    for question, option in p.answers:
        node = E.walk(state).node
        assert not isinstance(node, Outcome), f"{p.name}: the wizard ended before asking {question}"
        assert node.id == question, f"{p.name}: the wizard asks {node.id} ({node.question!r}) where the persona expects {question}"
        state = E.answer(state, option)
    assert isinstance(E.walk(state).node, Outcome), f"{p.name}: the answers do not reach an outcome"
    return state


def termo_of(r: dict) -> str | None:
    return next((m["id"] for s in r["steps"] for m in s["macros"] if m["kind"] == "termo"), None)


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.name)
def test_each_persona_reaches_the_guidelines_mode_by_truthful_answers(persona: Persona) -> None:
    r = E.recommend(walk(persona))
    assert r["mode"] == persona.mode, persona.situation
    cited = [c["id"] for c in r["criteria"]]
    assert set(persona.criteria) <= set(cited), (persona.name, cited)
    assert termo_of(r) == persona.macro
    if persona.outcome:
        assert r["outcome"] == persona.outcome


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p.reads or p.rejects], ids=lambda p: p.name)
def test_close_answers_are_told_apart_by_their_labels_alone(persona: Persona) -> None:
    """Issue 20, item 3: a client with an error only on a saved record could honestly pick "mapear" and land in
    the Telefônica (100% billed). Each persona's chosen label says what is true for it, the neighbour's what is not."""
    labels = {(q.id, o.id): o.label.casefold() for q in E.g.questions.values() for o in q.options}
    chosen = set(persona.answers)
    for question, option, words in persona.reads:
        assert (question, option) in chosen, (persona.name, option)
        assert words.casefold() in labels[question, option], (persona.name, labels[question, option])
    for question, option, words in persona.rejects:
        assert (question, option) not in chosen
        assert words.casefold() in labels[question, option], (persona.name, labels[question, option])
        other = next(o for q, o in persona.answers if q == question)
        assert words.casefold() not in labels[question, other], (persona.name, "both labels say", words)


def test_an_outdated_environment_that_can_be_updated_says_what_was_found() -> None:
    """Issue 20, item 1: after "Não, e o cliente pode atualizá-lo…" the note said the check was pending."""
    persona = next(p for p in PERSONAS if p.name == "ambiente-desatualizado-atualizavel")
    r = E.recommend(walk(persona))
    note = r["ticket_note"]
    assert r["pending_check"] is None and "pendente" not in note.casefold()
    assert r["finding"]["id"] == "atualizacoes" and r["finding"]["text"] in note
    assert "desatualizado" in note and "patch de correção" in note  # what was found, and what to do
    assert any("Orientar o cliente a atualizar" in s["text"] for s in r["next_steps"])
    not_checked = E.recommend(E.answer(E.answer(E.start(), "ocorrencia"), "nao-verificado"))
    assert not_checked["pending_check"]["id"] == "atualizacoes" and not_checked["finding"] is None
    assert "Verificação pendente" in not_checked["ticket_note"] and "Verificação feita" not in not_checked["ticket_note"]


def test_every_criterion_of_the_guideline_has_a_persona() -> None:
    covered = {c for p in PERSONAS for c in p.criteria}
    assert covered == {c["id"] for c in RAW["criteria"]}


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p.mode == "consultoria-telefonica"], ids=lambda p: p.name)
def test_telefonica_never_waits_for_a_suporte_padrao_check(persona: Persona) -> None:
    """Its scope is "diferenciado do Suporte Padrão": no persona confirms a check on the way."""
    checks = {q["id"] for q in RAW["tree"]["nodes"] if "check" in q}
    confirmed = [(q, o) for q, o in persona.answers if q in checks and o == "sim"]
    assert confirmed == []
    assert len(persona.answers) <= 3


def test_a_feature_request_is_two_questions_from_telefonica() -> None:
    """Problem 1: a feature never implanted had to confirm five checklist steps."""
    state = E.answer(E.answer(E.start(), "funcionalidade"), "cliente-final")
    assert E.recommend(state)["mode"] == "consultoria-telefonica"


def test_an_emergency_is_recognised_whatever_else_is_true() -> None:
    """Problem 2: the emergency was offered only before the checks; now it is the first situation of all."""
    first = E.walk(E.start()).node
    assert first.options[0].criteria == ("telefonica-emergencial",)
    assert "primeira da lista" in first.help


def test_a_one_off_question_stays_in_suporte_padrao_for_its_own_reason() -> None:
    """Problem 3: a one-off question had no path and ended in 'parameters not validated'."""
    r = E.recommend(E.answer(E.start(), "duvida"))
    assert r["mode"] == "suporte-padrao" and r["pending_check"] is None
    assert [c["id"] for c in r["criteria"]] == ["sp-duvida-pontual"]


def test_not_reproduced_and_the_three_confirmations_lead_to_modulo() -> None:
    """Problem 4: that exact situation ended in 'no consultancy criterion applies'."""
    persona = next(p for p in PERSONAS if p.name == "cliente-confirma")
    assert E.recommend(walk(persona))["mode"] == "consultoria-modulo"
    isolated = next(p for p in PERSONAS if p.name == "ocorrencia-isolada")
    assert E.recommend(walk(isolated))["mode"] == "consultoria-modulo"
    assert all(E.recommend(s)["outcome"] != "out-sp-sem-criterio" for s in E.paths())


def test_no_outcome_cites_a_reproduction_next_to_a_non_reproduction() -> None:
    """Problem 5: 'Ter reproduzido…' was cited right after 'não reproduz'. No path records a criterion with
    one it contradicts, and the reading of the confirmation is on the Módulo page (see test_site)."""
    against = {(c["id"], o) for c in RAW["criteria"] for o in c.get("contradicts", [])}
    assert ("sp-inconsistencia-produto", "modulo-confirma-reproducao") in against
    for state in E.paths():
        recorded = set(E.walk(state).criteria)
        assert not any(a in recorded and b in recorded for a, b in against), E.encode(state)


def test_suporte_padrao_outcomes_name_no_consultancy_macro() -> None:
    """Problem 7: 'macro de ticket pendente' is a Consultoria Telefônica macro."""
    titles = [m.title.casefold() for m in E.g.macros.values()] + ["ticket pendente", "termo de aceite", "finalização"]
    for state in E.paths():
        r = E.recommend(state)
        if r["mode"] == "suporte-padrao":
            words = " ".join(s["text"] for s in r["next_steps"]).casefold() + r["summary"]["text"].casefold()
            assert not any(t in words for t in titles), r["outcome"]


def test_a_pending_check_reads_as_pending() -> None:
    """Problem 8: 'Verificação pendente: … Os parâmetros … foram validados.' read as done."""
    r = E.recommend(E.answer(E.answer(E.answer(E.start(), "ocorrencia"), "sim"), "nao"))
    assert r["pending_check"]["id"] == "parametros"
    assert "ainda não" in r["pending_check"]["pending"]
    assert "ainda não" in r["ticket_note"]


def test_conouts_add_the_maestros_analysis_before_the_termo() -> None:
    """"… incluir “conouts” … e só após a análise do Maestro": a mark of its own, before the Termo is sent."""
    persona = next(p for p in PERSONAS if p.name == "erro-intermitente")
    marks = [s["id"] for s in E.recommend(walk(persona))["steps"] if s["mark"]]
    assert marks == ["conouts-apos-maestro", "aprovacao-maestro", "enviar-termo", "aceite"]


def test_the_termos_do_not_assert_what_only_some_paths_establish() -> None:
    """Problem 9: the TOTVS Termo's 'Quando usar' said 'não é simulada no ambiente padrão' and its body
    'nem no seu ambiente local', whatever criterion led there."""
    for m in E.g.macros.values():
        text = (m.when.text + " " + m.body.text).casefold()
        assert "ambiente local" not in text and "não é simulada" not in text, m.id


def test_a_missing_confirmation_is_named_and_not_blamed_on_the_simulation_alone() -> None:
    """Walk finding 5: "Não, falta pelo menos uma das três" recorded only "a ocorrência ainda não foi simulada",
    though the client may lack only the documentation, and its next step was unlabelled."""
    persona = next(p for p in PERSONAS if p.name == "consultor-sem-ambiente-local")
    r = E.recommend(walk(persona))
    note = r["ticket_note"].casefold()
    for confirmation in ("procedimentos indicados pelo suporte", "itens da documentação", "ambiente atualizado e padrão"):
        assert confirmation in note, (confirmation, r["ticket_note"])
    assert "o suporte ainda não simulou" in note
    assert r["next_steps"] and all(s["source"]["kind"] == "local" for s in r["next_steps"]), r["next_steps"]
    assert r["summary"]["source"]["kind"] == "local"


def test_the_reproduction_question_fits_answers_that_are_not_a_simulation() -> None:
    """Walk finding 8: "O que mostrou a simulação…?" had answers that are no simulation ("ainda não simulou")."""
    q = E.g.questions["q-simulacao"]
    assert "mostrou a simulação" not in q.question
    assert any("ainda não simulou" in o.label for o in q.options)
    assert "tentou" in q.help and q.help_source.local  # "não simula" read as "tried": a labelled reading


def test_a_consultants_local_simulation_never_bills_the_cliente_final() -> None:
    """Walk finding 4: "Consultor não simula no ambiente local" could end with "Cliente final" and "Quem paga: Cliente",
    though the guideline's consultant "em atendimento ao cliente" is one whose cost goes to the Unidade/Franquia
    "e não devendo gerar qualquer cobrança contra o cliente"."""
    reached = 0
    for state in E.paths():
        walk_ = E.walk(state)
        if "modulo-consultor-nao-simula" not in walk_.criteria:
            continue
        reached += 1
        r = E.recommend(state)
        assert r["audience"]["id"] != "cliente-final" and r["payer"]["id"] == "unidade-franquia", E.encode(state)
    assert reached == 2  # a TOTVS and an AMS consultant
    question = E.g.questions["q-publico-consultor"]
    assert question.help_source is not None and question.help_source.local  # the reading is labelled
