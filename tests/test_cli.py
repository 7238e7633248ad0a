"""The CLI as a user runs it: real subprocesses, pt-BR output, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from engine_helpers import ROOT, answer_ids, bundle, engine

from decision_tree.core import api

pytestmark = pytest.mark.cli
E = engine()


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "decision_tree", *args], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=60,
    )


def number_of(question_id: str, option_id: str) -> str:
    """The number a person types to choose an answer (its position in the list)."""
    q = E.g.questions[question_id]
    return str(next(i for i, o in enumerate(q.options, start=1) if o.id == option_id))


def test_validate_summarizes_the_sources() -> None:
    r = run("validate")
    assert r.returncode == 0, r.stderr
    assert "Fontes válidas." in r.stdout
    assert f"critérios: {len(E.g.criteria)}" in r.stdout and f"macros: {len(E.g.macros)}" in r.stdout
    assert "definições locais (não constam na diretriz):" in r.stdout


def test_wizard_walks_to_a_modulo_outcome_with_back_and_restart() -> None:
    path = [("q-situacao", "ocorrencia"), ("q-atualizacoes", "sim"), ("q-parametros", "sim"),
            ("q-simulacao", "nao-reproduz"), ("q-publico-modulo", "ams")]
    keys = [number_of(*path[0]), "v", number_of(*path[0]), "r"] + [number_of(*step) for step in path]
    r = run("wizard", stdin="\n".join(keys) + "\n")
    assert r.returncode == 0, r.stderr
    assert "1. Qual destas situações descreve o ticket?" in r.stdout
    assert "=== Resultado: Consultoria do Módulo ===" in r.stdout
    assert "Macro: CONSULTORIA :: DO MÓDULO - Termo de Aceite à AMS (o texto fica disponível depois das etapas acima)" in r.stdout
    note = r.stdout.split("Nota para o ticket:\n")[1].split("\n", 1)[1]
    assert note.startswith("Modalidade: Consultoria do Módulo\n") and "Aguardando aprovação" in note


@pytest.mark.parametrize("typed", ["9", "x", "²", "①", "1 2", "-1"])
def test_wizard_rejects_an_invalid_choice_and_asks_again(typed: str) -> None:
    """Hardening 14: '²' passed isdigit() and crashed int()."""
    r = run("wizard", stdin=f"{typed}\n{number_of('q-situacao', 'duvida')}\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("Opção inválida") == 1 and "Traceback" not in r.stderr
    assert "=== Resultado: Suporte Padrão ===" in r.stdout


def test_wizard_stops_cleanly_when_input_ends() -> None:
    r = run("wizard", stdin="6\n")
    assert r.returncode == 2
    assert "assistente interrompido" in r.stdout


def test_recommend_json_equals_the_engine_and_the_page() -> None:
    state = E.encode(answer_ids(E, "mapear-registros", "totvs"))
    r = run("recommend", state, "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    api.init(bundle())
    assert data == E.recommend(E.decode(state)) == api.handle_dict({"op": "recommend", "state": state})["outcome"]
    assert data["mode"] == "consultoria-telefonica" and data["payer"]["id"] == "unidade-franquia"


def test_recommend_marks_steps_and_shows_the_prefix_when_all_are_done() -> None:
    state = E.encode(answer_ids(E, "ocorrencia", "sim", "sim", "apendar", "cliente-final"))
    r = run("recommend", state, "--mark", "aprovacao-maestro", "--mark", "enviar-termo", "--mark", "aceite")
    assert r.returncode == 0, r.stderr
    note = r.stdout.split("Nota para o ticket:\n")[1].split("\n", 1)[1]
    assert note.startswith("[CONSULTORIA DO MODULO]\n")
    assert f"Código deste resultado: {state}.7" in r.stdout
    wrong = run("recommend", state, "--mark", "aceite")
    assert wrong.returncode == 2 and "Primeiro marque" in wrong.stderr


def test_recommend_text_output_labels_what_the_guideline_does_not_say() -> None:
    r = run("recommend", E.encode(answer_ids(E, "ocorrencia", "sim", "nao")))
    assert r.returncode == 0
    assert "Verificação pendente: Validação de parâmetros — Os parâmetros envolvidos na rotina ainda não foram validados." in r.stdout
    assert "[não consta na diretriz]" in r.stdout  # the next step is a procedure proposed here


@pytest.mark.parametrize(
    ("state", "message"),
    [("lixo", "incompleto"), ("000000-0", "versão anterior"), ("{fp}-50", "ainda não chegou"), ("{fp}-59", "não tem essa resposta")],
)
def test_recommend_bad_state_exits_2_with_a_message(state: str, message: str) -> None:
    r = run("recommend", state.format(fp=E.g.fingerprint))
    assert r.returncode == 2
    assert message in r.stderr and r.stdout == "" and "Traceback" not in r.stderr


def test_quote_json() -> None:
    r = run("quote", "--mode", "consultoria-modulo", "--minutes", "7,5", "--audience", "totvs", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["minutes_worked"] == "7.5" and d["minutes_billed"] == "10"
    assert d["subtotal"] == "30.00" and d["rate_per_minute"] == "3"
    assert d["payer"] == "unidade-franquia" and d["client_pays"] == "0"
    assert d["total"] == "32.60"


def test_quote_text_shows_what_is_computed() -> None:
    """Hardening 13: a rate of 1,0049 was shown as R$ 1,00; PIS as 0,6500%; a -0 tax as -0%."""
    r = run("quote", "--mode", "consultoria-modulo", "--minutes", "1234", "--rate", "1,0049",
            "--tax", "ISS=5", "--tax", "PIS=0,65", "--tax", "X=-0")
    assert r.returncode == 0, r.stderr
    assert "Valor por minuto: R$ 1,0049" in r.stdout
    assert "PIS (0,65%)" in r.stdout and "X (0%)" in r.stdout and "-0" not in r.stdout
    assert "Subtotal: R$ 1.240,05" in r.stdout


def test_quote_text_labels_the_reference_values() -> None:
    r = run("quote", "--mode", "consultoria-modulo", "--minutes", "10")
    assert r.returncode == 0, r.stderr
    assert "Valor por minuto: R$ 3,00 [não consta na diretriz]" in r.stdout
    assert "ISS (5%): R$ 1,50 [não consta na diretriz]" in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mode", "consultoria-modulo", "--minutes", "-3"], "maior que zero"),
        (["--mode", "consultoria-modulo", "--minutes", "abc"], "não foi aceito"),
        (["--mode", "consultoria-modulo", "--minutes", "12 5"], "espaço no meio"),
        (["--mode", "consultoria-modulo", "--minutes", "10", "--rate", "1.5"], "o ponto só separa milhares"),
        (["--mode", "xyz", "--minutes", "10"], "desconhecida"),
        (["--mode", "consultoria-telefonica", "--minutes", "10", "--waived"], "100% tarifado"),
        (["--mode", "consultoria-modulo", "--minutes", "10", "--tax", "ISS"], "NOME=PERCENTUAL"),
        (["--mode", "consultoria-modulo", "--minutes", "10", "--tax", "ISS=150"], "entre 0% e 100%"),
    ],
)
def test_quote_bad_input_exits_2(args: list[str], message: str) -> None:
    r = run("quote", *args)
    assert r.returncode == 2
    assert message in r.stderr and "Traceback" not in r.stderr


def test_missing_arguments_exit_2() -> None:
    r = run("quote", "--mode", "consultoria-modulo")
    assert r.returncode == 2
    assert "--minutes" in r.stderr


def test_quote_does_not_need_the_build_side_packages() -> None:
    """The CLI's runtime needs PyYAML and jsonschema only: `quote` runs without Markdown or nh3."""
    code = (
        "import sys; sys.modules['markdown'] = None; sys.modules['nh3'] = None; sys.modules['mkdocs'] = None; "
        "from decision_tree.cli import main; sys.exit(main(['quote', '--mode', 'consultoria-modulo', '--minutes', '10']))"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_after_a_colon_the_terminal_goes_on_in_lower_case_as_the_pages_do() -> None:
    from decision_tree.core.texts import lower_first

    assert lower_first("A diretriz diz") == "a diretriz diz" and lower_first("TOTVS atende") == "TOTVS atende"
    e = engine()
    state = next(s for s in e.paths() if (r := e.recommend(s))["pending_check"] and r["pending_check"]["gap"])
    r = e.recommend(state)
    gap, step = r["pending_check"]["gap"]["text"], r["pending_check"]["next_step"]["text"]
    assert gap[0].isupper() or step[0].isupper()  # the sources start with a capital: the terminal lowers it
    out = run("recommend", e.encode(state))
    assert out.returncode == 0, out.stderr
    assert f"  Atenção: {lower_first(gap)}" in out.stdout and f"  O que fazer: {lower_first(step)}" in out.stdout
