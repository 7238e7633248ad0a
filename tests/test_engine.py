"""The decision tree, walked as an analyst walks it."""

from __future__ import annotations

import re

import pytest
import yaml
from engine_helpers import ROOT, all_paths, answer_ids, engine

from decision_tree.engine import State, StateError
from decision_tree.model import Outcome

# A copy of the original guideline (shared/seed/) kept with the tests.
SEED = ROOT / "tests" / "fixtures" / "seed" / "000_36ab48898bd28c97.txt"
RAW = yaml.safe_load((ROOT / "decision_tree" / "guidelines.yml").read_text(encoding="utf-8"))
E = engine()
PATHS = list(all_paths(E))

SP_CHECKS_DONE = ("sim", "sim", "nao-reproduz", "sim", "sim")


def outcomes_reaching(criterion_id: str) -> list[dict]:
    found = []
    for state in PATHS:
        r = E.recommend(state)
        if any(c["id"] == criterion_id for c in r["criteria"]):
            found.append(r)
    return found


@pytest.mark.parametrize("criterion", RAW["criteria"], ids=lambda c: c["id"])
def test_each_criterion_of_the_seed_leads_to_its_mode(criterion: dict) -> None:
    reached = outcomes_reaching(criterion["id"])
    assert reached, f"no path of the tree records {criterion['id']}"
    assert {r["mode"] for r in reached} == {criterion["mode"]}
    for r in reached:
        c = next(c for c in r["criteria"] if c["id"] == criterion["id"])
        assert c["url"] == f"modos/{criterion['mode']}/#{criterion['id']}"
        assert c["text"] == criterion["text"]


def test_criteria_texts_are_the_seeds() -> None:
    seed = " ".join(SEED.read_text(encoding="utf-8").split())
    for c in RAW["criteria"]:
        words = " ".join(c["text"].split()).rstrip(".;")
        assert words in seed, c["id"]


def test_the_first_question_is_a_suporte_padrao_check() -> None:
    walk = E.walk(E.start())
    assert walk.node.id == "q-parametros"
    order = []
    state = E.start()
    for option in SP_CHECKS_DONE:
        order.append(E.walk(state).node.check)
        state = E.answer(state, option)
    assert order == ["parametros", "atualizacoes", "reproducao", "procedimentos", "documentacao"]


@pytest.mark.parametrize(
    ("answers", "check"),
    [
        (("nao",), "parametros"),
        (("sim", "nao"), "atualizacoes"),
        (("sim", "sim", "nao-simulada"), "reproducao"),
        (("sim", "sim", "nao-reproduz", "nao"), "procedimentos"),
        (("sim", "sim", "nao-reproduz", "sim", "nao"), "documentacao"),
    ],
)
def test_a_check_not_done_keeps_the_ticket_in_suporte_padrao(answers: tuple[str, ...], check: str) -> None:
    r = E.recommend(answer_ids(E, *answers))
    assert r["mode"] == "suporte-padrao"
    assert r["pending_check"]["id"] == check
    next_step = " ".join(next(c for c in RAW["checks"] if c["id"] == check)["next_step"].split())
    assert next_step in [" ".join(s.split()) for s in r["next_steps"]]
    assert r["macros"] == [] and r["payer"] is None and not r["billing"]["billed"]
    assert not r["ticket_note"].startswith("[CONSULTORIA DO MODULO]")


def test_reproduced_in_the_standard_environment_stays_in_suporte_padrao() -> None:
    r = E.recommend(answer_ids(E, "sim", "sim", "reproduz"))
    assert r["mode"] == "suporte-padrao"
    assert "inconsistência de produto" in r["summary"]


def test_no_criterion_applies_stays_in_suporte_padrao() -> None:
    r = E.recommend(answer_ids(E, *SP_CHECKS_DONE, "nenhuma"))
    assert r["mode"] == "suporte-padrao" and r["outcome"] == "out-sp-sem-criterio"


def test_saved_records_overlap_is_resolved_by_what_is_sought() -> None:
    modulo = E.recommend(answer_ids(E, *SP_CHECKS_DONE, "registros-gravados", "inconsistencia", "ams"))
    tele = E.recommend(answer_ids(E, *SP_CHECKS_DONE, "registros-gravados", "mapear", "ams"))
    assert modulo["mode"] == "consultoria-modulo"
    assert "modulo-cadastro-gravado" in [c["id"] for c in modulo["criteria"]]
    assert tele["mode"] == "consultoria-telefonica"
    assert [c["id"] for c in tele["criteria"]] == ["telefonica-registros-gravados"]


TERMO_TITLES = {
    "cliente-final": "CONSULTORIA :: DO MÓDULO - Termo de Aceite à CLIENTE FINAL",
    "totvs": "CONSULTORIA :: DO MÓDULO - Termo de Aceite à TOTVS (consultor de Unidades Franqueadas / Projeto / Consultoria Homologada)",
    "ams": "CONSULTORIA :: DO MÓDULO - Termo de Aceite à AMS",
}


@pytest.mark.parametrize("audience", TERMO_TITLES)
def test_modulo_outcome_by_audience(audience: str) -> None:
    r = E.recommend(answer_ids(E, *SP_CHECKS_DONE, "analise-pontual", audience))
    assert r["mode"] == "consultoria-modulo"
    assert [m["title"] for m in r["macros"]] == [TERMO_TITLES[audience]]
    assert [p["id"] for p in r["prerequisites"]] == ["aprovacao-maestro"]
    assert r["payer"] == ("cliente" if audience == "cliente-final" else "unidade-franquia")
    # The three confirmations were collected on the way, then the criterion itself.
    assert [c["id"] for c in r["criteria"]] == [
        "modulo-confirma-reproducao",
        "modulo-confirma-procedimentos",
        "modulo-confirma-documentacao",
        "modulo-analise-pontual",
    ]
    note = r["ticket_note"].splitlines()
    assert note[0] == "[CONSULTORIA DO MODULO]"
    assert note[1].startswith("Data (acordo cliente):")
    assert TERMO_TITLES[audience] in r["ticket_note"]


def test_intermittent_error_requires_conouts_only_after_maestro() -> None:
    r = E.recommend(answer_ids(E, *SP_CHECKS_DONE, "erro-intermitente", "cliente-final"))
    assert [p["id"] for p in r["prerequisites"]] == ["aprovacao-maestro", "conouts-apos-maestro"]


@pytest.mark.parametrize("audience", ["cliente-final", "totvs", "ams"])
def test_telefonica_outcome_by_audience(audience: str) -> None:
    r = E.recommend(answer_ids(E, "emergencia", audience))
    assert r["mode"] == "consultoria-telefonica"
    assert [c["id"] for c in r["criteria"]] == ["telefonica-emergencial"]
    assert [m["title"] for m in r["macros"]] == [
        "CONSULTORIA :: Termo de Aceite Consultoria Telefônica",
        "CONSULTORIA :: Ticket pendente para o cliente",
        "CONSULTORIA :: Finalização do atendimento",
    ]
    assert r["prerequisites"] == []
    assert any("100% tarifado" in rule for rule in r["billing"]["rules"])
    assert not r["ticket_note"].startswith("[CONSULTORIA DO MODULO]")


def test_every_outcome_carries_what_the_analyst_needs() -> None:
    seen = set()
    for state in PATHS:
        r = E.recommend(state)
        seen.add(r["outcome"])
        assert r["mode_title"] and r["summary"] and r["ticket_note"] and r["answers"]
        if r["mode"] != "suporte-padrao":
            assert r["criteria"], r["state"]
            assert r["audience"] and r["payer"] in ("cliente", "unidade-franquia")
            assert any(m["kind"] == "termo" for m in r["macros"])
        else:
            assert r["next_steps"], r["state"]
    assert seen == {o["id"] for o in RAW["tree"]["outcomes"]}


def test_state_round_trips_for_every_path() -> None:
    for state in PATHS:
        text = E.encode(state)
        assert re.fullmatch(r"[0-9a-f]{6}-[0-9a-z]+", text)
        assert E.decode(text) == state
        assert E.decode("#" + text) == state


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "incompleto ou mal formado"),
        ("garbage", "incompleto ou mal formado"),
        ("000000-0", "outra versão das diretrizes"),
        ("{fp}-0!", "caracteres inválidos"),
        ("{fp}-z", "não existe na pergunta"),
        ("{fp}-00000000000000", "termina na resposta"),
        ("{fp}-0 <script>", "caracteres inválidos"),
    ],
)
def test_a_malformed_or_stale_state_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(StateError, match=message):
        E.decode(text.format(fp=E.g.fingerprint))


def test_back_and_answer_and_unfinished_state() -> None:
    state = answer_ids(E, "sim", "sim")
    assert E.back(state) == answer_ids(E, "sim")
    assert E.back(E.start()) == E.start()
    with pytest.raises(StateError, match="ainda não chegou"):
        E.recommend(state)
    with pytest.raises(StateError, match="não existe"):
        E.answer(state, "talvez")
    done = answer_ids(E, "nao")
    with pytest.raises(StateError, match="já chegou a um resultado"):
        E.answer(done, "sim")


def test_change_keeps_later_answers_only_while_the_path_stays_the_same() -> None:
    state = answer_ids(E, *SP_CHECKS_DONE, "analise-pontual", "ams")
    # Same path, different option: everything after is kept.
    changed = E.change(state, 5, "apendar-tabelas")
    assert E.recommend(changed)["criteria"][-1]["id"] == "modulo-apendar-tabelas"
    assert E.recommend(changed)["audience"]["id"] == "ams"
    # A different path: the later answers no longer apply and are dropped.
    to_tele = E.change(state, 5, "emergencia")
    assert isinstance(E.walk(to_tele).node, type(E.walk(answer_ids(E, "emergencia")).node))
    assert E.walk(to_tele).node.id == "q-publico-telefonica"
    assert len(to_tele.answers) == 6
    # Changing the first answer to one that ends the walk drops everything after.
    assert E.change(state, 0, "nao") == answer_ids(E, "nao")
    with pytest.raises(StateError):
        E.change(state, 42, "sim")


def test_every_path_ends_in_an_outcome() -> None:
    assert len(PATHS) >= 40
    assert all(isinstance(E.walk(s).node, Outcome) for s in PATHS)
    assert E.walk(State()).node.id == RAW["tree"]["start"]
