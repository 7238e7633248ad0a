"""The CLI as a user runs it: real subprocesses, pt-BR output, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from engine_helpers import ROOT, answer_ids, engine

pytestmark = pytest.mark.cli
E = engine()


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "decision_tree", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_validate_summarizes_the_sources() -> None:
    r = run("validate")
    assert r.returncode == 0, r.stderr
    assert "Fontes válidas." in r.stdout
    assert "critérios: 14" in r.stdout and "macros: 6" in r.stdout


def test_wizard_walks_to_a_modulo_outcome_with_back_and_restart() -> None:
    # 1 sim; 2 -> v (back); 1 sim; r (restart); then a full Módulo path for AMS.
    keys = "1\nv\n1\nr\n1\n1\n2\n1\n1\n1\n3\n"
    r = run("wizard", stdin=keys)
    assert r.returncode == 0, r.stderr
    assert "1. Os parâmetros envolvidos na rotina já foram validados?" in r.stdout
    assert "=== Resultado: Consultoria do Módulo ===" in r.stdout
    assert "CONSULTORIA :: DO MÓDULO - Termo de Aceite à AMS" in r.stdout
    note = r.stdout.split("Nota para o ticket:\n")[1].split("\n", 1)[1]
    assert note.startswith("[CONSULTORIA DO MODULO]\n")


def test_wizard_rejects_an_invalid_choice_and_asks_again() -> None:
    r = run("wizard", stdin="9\nx\n2\n")
    assert r.returncode == 0
    assert r.stdout.count("Opção inválida") == 2
    assert "=== Resultado: Suporte Padrão ===" in r.stdout


def test_wizard_stops_cleanly_when_input_ends() -> None:
    r = run("wizard", stdin="1\n")
    assert r.returncode == 2
    assert "assistente interrompido" in r.stdout


def test_recommend_json_equals_the_engine() -> None:
    state = E.encode(answer_ids(E, "sim", "sim", "nao-reproduz", "sim", "sim", "registros-gravados", "mapear", "totvs"))
    r = run("recommend", state, "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data == E.recommend(E.decode(state))
    assert data["mode"] == "consultoria-telefonica" and data["payer"] == "unidade-franquia"


def test_recommend_text_output() -> None:
    r = run("recommend", E.encode(answer_ids(E, "nao")))
    assert r.returncode == 0
    assert "Verificação pendente: Validação de parâmetros" in r.stdout


@pytest.mark.parametrize(("state", "message"), [("lixo", "mal formado"), ("000000-0", "outra versão"), ("{fp}-00", "ainda não chegou")])
def test_recommend_bad_state_exits_2_with_a_message(state: str, message: str) -> None:
    r = run("recommend", state.format(fp=E.g.fingerprint))
    assert r.returncode == 2
    assert message in r.stderr and r.stdout == ""
    assert "Traceback" not in r.stderr


def test_quote_json() -> None:
    r = run("quote", "--mode", "consultoria-modulo", "--minutes", "7,5", "--audience", "totvs", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["minutes_worked"] == "7.5" and d["minutes_billed"] == 10
    assert d["subtotal"] == "30.00" and d["rate_per_minute"] == "3.00"
    assert d["payer"] == "unidade-franquia" and d["client_pays"] == "0.00"
    assert d["total"] == "32.60"


def test_quote_text_in_pt_br_with_custom_rate_and_taxes() -> None:
    r = run("quote", "--mode", "consultoria-modulo", "--minutes", "1234", "--rate", "1,5", "--tax", "ISS=5")
    assert r.returncode == 0, r.stderr
    assert "Subtotal: R$ 1.851,00" in r.stdout
    assert "ISS (5%): R$ 92,55" in r.stdout
    assert "Total: R$ 1.943,55" in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--mode", "consultoria-modulo", "--minutes", "-3"], "maior que zero"),
        (["--mode", "consultoria-modulo", "--minutes", "abc"], "não é um número"),
        (["--mode", "xyz", "--minutes", "10"], "desconhecida"),
        (["--mode", "consultoria-telefonica", "--minutes", "10", "--waived"], "não tem abono"),
        (["--mode", "consultoria-modulo", "--minutes", "10", "--tax", "ISS"], "NOME=PERCENTUAL"),
        (["--mode", "consultoria-modulo", "--minutes", "10", "--tax", "ISS=150"], "entre 0% e 100%"),
    ],
)
def test_quote_bad_input_exits_2(args: list[str], message: str) -> None:
    r = run("quote", *args)
    assert r.returncode == 2
    assert message in r.stderr
    assert "Traceback" not in r.stderr


def test_missing_arguments_exit_2() -> None:
    r = run("quote", "--mode", "consultoria-modulo")
    assert r.returncode == 2
    assert "--minutes" in r.stderr
