"""A ticket's code outlives the tree: the archive of the tree's versions, old codes, cleared marks.

The mechanics run on the small tree (tests/fixtures/invalid/base--guidelines.yml) changed
the way a real change of the tree would; the repository's own archive is checked against
the real tree and the versions of its git history.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_helpers import GUIDELINES, ROOT, answer_ids, bundle, small_bundle, source_root

from decision_tree.core import api, archived
from decision_tree.core.engine import Engine, State, StateError
from decision_tree.core.model import Guidelines
from decision_tree.sources.bundle import load_bundle
from decision_tree.sources.tree_versions import archive_current, check_current, current_archive
from decision_tree.sources.tree_versions import archived as archives

# The earlier version of the small tree: "Reproduz" led to the Módulo, and a fourth answer existed.
BEFORE = "- {id: reproduz, label: Reproduz, criteria: [sp-inconsistencia-produto], next: out-sp-inconsistencia}"
EARLIER = (
    "- {id: reproduz, label: Reproduz, criteria: [modulo-analise-pontual], next: q-publico-modulo}\n"
    "        - {id: reproduz-padrao, label: Reproduz no padrão, criteria: [sp-inconsistencia-produto], next: out-sp-inconsistencia}"
)


def run(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "decision_tree", *map(str, args)], cwd=ROOT, capture_output=True, text=True)


def engine_of(root: Path) -> Engine:
    return Engine(Guidelines.from_dict(load_bundle(root, render=False)))


@pytest.fixture(scope="module")
def evolved(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Engine, Engine]]:
    """A checkout whose tree changed once: (root, the earlier version's engine, today's engine), the earlier one archived."""
    root = source_root(tmp_path_factory.mktemp("evolved"))
    yml = root / GUIDELINES
    today = yml.read_text(encoding="utf-8")
    assert BEFORE in today
    yml.write_text(today.replace(BEFORE, EARLIER), encoding="utf-8")
    done = run("--root", root, "archive-tree")
    assert done.returncode == 0, done.stderr
    earlier = engine_of(root)
    yml.write_text(today, encoding="utf-8")
    now = engine_of(root)
    assert earlier.g.fingerprint != now.g.fingerprint
    assert set(archives(root)) == {earlier.g.fingerprint}
    yield root, earlier, now


# -- the repository's archive ---------------------------------------------------


def test_the_current_tree_is_archived_and_up_to_date() -> None:
    message = check_current(ROOT)
    assert message is None, message


def test_the_archive_keeps_versions_from_the_git_history_and_every_old_path_opens() -> None:
    e = Engine(Guidelines.from_dict(bundle()))
    versions = archives(ROOT)
    old = {fp: json.loads(p.read_text(encoding="utf-8")) for fp, p in versions.items() if fp != e.g.fingerprint}
    assert sum(1 for a in old.values() if a["origin"].startswith("git ")) >= 3  # recorded with their own commit's code
    modes = {m["id"] for m in bundle()["modes"]}
    for fp, archive in old.items():
        for digits in archive["paths"]:
            a = archived.open_code(e, archive, f"{fp}-{digits}")
            assert a["finished"] and a["outcome"]["mode"] in modes and a["outcome"]["mode_title"]
            assert a["message"] == f"Decidido com a versão {fp} da árvore ({archived.day(archive['date'])})."
            assert a["outcome"]["ticket_note"] and "{code}" not in a["outcome"]["ticket_note"]
            assert a["today"]["differs"] in (True, False, None) and a["today"]["message"]


def test_a_tree_change_without_its_archive_fails_with_the_command_to_run(tmp_path: Path) -> None:
    root = source_root(tmp_path)
    missing = check_current(root)
    assert missing and "não está no arquivo de versões" in missing and "python -m decision_tree archive-tree" in missing
    first = run("--root", root, "archive-tree")
    assert first.returncode == 0 and "gravada" in first.stdout
    assert check_current(root) is None
    assert "já estava em dia" in run("--root", root, "archive-tree").stdout
    yml = root / GUIDELINES
    reworded = yml.read_text(encoding="utf-8").replace("{text: Consultoria Telefônica.,", "{text: Consultoria Telefônica por telefone.,")
    yml.write_text(reworded, encoding="utf-8")
    stale = check_current(root)
    assert stale and "desatualizado" in stale and "archive-tree" in stale


# -- an old code ---------------------------------------------------------------


def old_code(e: Engine, *option_ids: str, marks: int = 0) -> str:
    return e.encode(State(answer_ids(e, *option_ids).answers, marks))


def test_an_old_code_opens_what_was_decided_then_and_says_today_decides_differently(evolved) -> None:  # type: ignore[no-untyped-def]
    root, earlier, now = evolved
    code = old_code(earlier, "ocorrencia", "sim", "reproduz", "totvs", marks=1)
    then = earlier.recommend(earlier.decode(code))
    r = run("--root", root, "recommend", code, "--json")
    assert r.returncode == 0, r.stderr
    a = json.loads(r.stdout)
    assert a["state"] == code and a["outcome"]["mode_title"] == then["mode_title"] == "Consultoria do Módulo"
    assert a["message"] == f"Decidido com a versão {earlier.g.fingerprint} da árvore (28/11/2026)."
    assert a["version"]["changelog"] == "Segunda versão."
    assert a["outcome"]["ticket_note"] == then["ticket_note"]  # the note of then, with its mark
    assert [s["done"] for s in a["outcome"]["steps"] if s["mark"]] == [s["done"] for s in then["steps"] if s["mark"]]
    assert [x["answer"] for x in a["answers"]] == [x["answer"] for x in then["answers"]]
    today = answer_ids(now, "ocorrencia", "sim", "reproduz")
    assert a["today"] == {"state": now.encode(today), "finished": True, "differs": True, "mode_title": "Suporte Padrão",
                          "message": "A árvore atual decide diferente: com as mesmas respostas, o resultado hoje é Suporte Padrão."}
    text = run("--root", root, "recommend", code)
    assert text.returncode == 0
    assert f"Decidido com a versão {earlier.g.fingerprint} da árvore (28/11/2026). Somente leitura" in text.stdout
    assert "A árvore atual decide diferente" in text.stdout and f"Código com a árvore atual: {now.encode(today)}" in text.stdout
    assert f"Código do assistente: {code}" in text.stdout


def test_an_old_code_says_when_today_decides_the_same_or_asks_anew(evolved) -> None:  # type: ignore[no-untyped-def]
    root, earlier, now = evolved
    same = json.loads(run("--root", root, "recommend", old_code(earlier, "emergencia", "ams"), "--json").stdout)
    assert same["today"]["differs"] is False and "decide o mesmo" in same["today"]["message"]
    assert same["today"]["state"] == now.encode(answer_ids(now, "emergencia", "ams"))
    anew = json.loads(run("--root", root, "recommend", old_code(earlier, "ocorrencia", "sim", "reproduz-padrao"), "--json").stdout)
    question = now.walk(answer_ids(now, "ocorrencia", "sim")).node.question  # type: ignore[union-attr]
    assert anew["today"]["differs"] is None and f"“{question}”" in anew["today"]["message"]
    assert anew["outcome"]["mode_title"] == "Suporte Padrão"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("abcdef-0", "versão abcdef da árvore), que não foi guardada"),
        ("{old}-0!", "foi alterado"),
        ("{old}-9", "não tem essa resposta"),
        ("{old}-0000000000", "respostas demais"),
        ("{modulo}.7", "não correspondem"),
        ("{modulo}.2", "não correspondem"),
        ("{old}-1", "não chegou a um resultado"),
    ],
)
def test_a_bad_old_code_exits_2_with_a_message(evolved, code: str, message: str) -> None:  # type: ignore[no-untyped-def]
    root, earlier, _ = evolved
    text = code.format(old=earlier.g.fingerprint, modulo=old_code(earlier, "ocorrencia", "sim", "reproduz", "totvs"))
    r = run("--root", root, "recommend", text)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr and r.stdout == ""


def test_an_old_code_is_read_only_in_the_terminal(evolved) -> None:  # type: ignore[no-untyped-def]
    root, earlier, _ = evolved
    r = run("--root", root, "recommend", old_code(earlier, "ocorrencia", "sim", "reproduz", "totvs"), "--mark", "aprovacao-maestro")
    assert r.returncode == 2 and "somente para leitura" in r.stderr


# -- the page's engine (api.handle, as the worker calls it) ----------------------


@pytest.fixture
def small_api() -> Iterator[Engine]:
    previous = api._engine
    try:
        yield api.init(small_bundle())
    finally:
        api._engine = previous


def ask(req: dict) -> dict:
    return json.loads(api.handle(json.dumps(req)))


def test_the_page_asks_for_an_old_version_and_shows_it_read_only(evolved, small_api: Engine) -> None:  # type: ignore[no-untyped-def]
    root, earlier, now = evolved
    assert small_api.g.fingerprint == now.g.fingerprint
    code = old_code(earlier, "ocorrencia", "sim", "reproduz", "cliente-final")
    first = ask({"op": "view", "state": code})
    assert first["archive"] == earlier.g.fingerprint and first["view"]["question"]  # the worker fetches it, then:
    text = archives(root)[earlier.g.fingerprint].read_text(encoding="utf-8")
    shown = ask({"op": "archived", "state": code, "archive": text})
    assert shown["ok"] and shown["archived"]["state"] == code and shown["archived"]["today"]["differs"] is True
    missing = ask({"op": "archived", "state": code, "archive": None})
    assert not missing["ok"] and "não foi guardada" in missing["error"] and "começou de novo" in missing["error"]
    assert missing["view"]["state"] == now.encode(State())
    partial = ask({"op": "archived", "state": old_code(earlier, "ocorrencia", "sim"), "archive": text})
    assert "continua com a árvore atual" in partial["error"] and len(partial["view"]["history"]) == 2


@pytest.mark.parametrize("archive", [None, "", "{", "[]", '{"format": 1}', {"format": 1, "fingerprint": "abcdef"},
                                     {"format": 1, "fingerprint": "abcdef", "start": "x", "questions": {"x": 3}}])
@pytest.mark.parametrize("code", ["abcdef-0", "abcdef-", "abcdef-00.1", "abcdef-zzzzzz.zzzzzzz", "#abcdef-0", " abcdef-0 "])
def test_garbage_never_breaks_the_page_s_engine(small_api: Engine, archive: object, code: str) -> None:
    answer = ask({"op": "archived", "state": code, "archive": archive})
    assert answer["ok"] is False and answer["error"] and answer["view"]["question"]


def test_a_code_of_today_s_tree_is_not_an_old_one(small_api: Engine) -> None:
    assert archived.other_version(small_api, small_api.encode(State())) is None
    assert "archive" not in ask({"op": "view", "state": small_api.encode(State((0,)))})
    with pytest.raises(StateError, match="não é de uma versão anterior"):
        archived.open_code(small_api, None, small_api.encode(State()))


# -- cleared marks ---------------------------------------------------------------


def test_taking_a_mark_back_says_which_later_marks_it_cleared(small_api: Engine) -> None:
    e = small_api
    state = answer_ids(e, "ocorrencia", "sim", "nao-reproduz", "totvs")
    assert [s[:2] for s in e.marks_of(e.walk(state))] == [("aprovacao-maestro", "Aprovação obtida"), ("aceite", "Aceite recebido")]
    approved = e.mark(state, "aprovacao-maestro", True)
    both = e.encode(e.mark(approved, "aceite", True))
    undone = ask({"op": "mark", "state": both, "step": "aprovacao-maestro", "done": False})
    assert undone["ok"] and undone["info"] == "Ao desmarcar “Aprovação obtida”, a etapa seguinte também foi desmarcada: “Aceite recebido”."
    assert undone["view"]["state"] == e.encode(state)
    assert ask({"op": "mark", "state": both, "step": "aceite", "done": False})["info"] is None  # only the one unticked
    assert ask({"op": "mark", "state": e.encode(approved), "step": "aceite", "done": True})["info"] is None
    fourth = e.walk(state).steps[3].question.id  # a change names the question answered again
    changed = ask({"op": "change", "state": both, "step": fourth, "option": "ams"})
    assert changed["info"] == "As marcações do resultado foram desfeitas porque uma resposta mudou: “Aprovação obtida” e “Aceite recebido”."
    back = ask({"op": "back", "state": e.encode(approved)})
    assert back["info"] == "A marcação do resultado foi desfeita ao voltar uma pergunta: “Aprovação obtida”."
    assert ask({"op": "restart", "state": both})["info"] is None
    assert ask({"op": "change", "state": e.encode(state), "step": fourth, "option": "ams"})["info"] is None  # nothing was marked


def test_the_archive_written_for_a_tree_is_what_its_engine_decides(tmp_path: Path) -> None:
    root = source_root(tmp_path)
    path, changed = archive_current(root)
    e = engine_of(root)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert changed and data == current_archive(root) and len(data["paths"]) == sum(1 for _ in e.paths())


def test_recommend_opens_a_real_code_of_the_git_history_as_the_page_does() -> None:
    e = Engine(Guidelines.from_dict(bundle()))
    fp, path = next((fp, p) for fp, p in sorted(archives(ROOT).items()) if fp != e.g.fingerprint)
    data = json.loads(path.read_text(encoding="utf-8"))
    digits = next(d for d, i in data["paths"].items() if any(b in data["outcomes"][i]["local"] for b in data["outcomes"][i]["billing"]))
    code = f"{fp}-{digits}"
    expected = archived.open_code(e, data, code)
    r = run("recommend", code, "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == expected
    text = run("recommend", code)
    assert text.returncode == 0 and expected["message"] in text.stdout and expected["today"]["message"] in text.stdout
    assert f"=== Resultado: {expected['outcome']['mode_title']} (somente leitura) ===" in text.stdout
    r = expected["outcome"]
    local = [b for b in r["billing"] if b in r["local"]]
    assert local and all(f"  - {b} [não consta na diretriz]" in text.stdout for b in local)  # labelled as that version did
    assert all(f"  - {b}\n" in text.stdout for b in r["billing"] if b not in r["local"])


def _wizard(*args: object, typed: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "decision_tree", "wizard", *map(str, args)], cwd=ROOT, input=typed,
                          capture_output=True, text=True)


def test_the_terminal_wizard_opens_an_old_finished_code_read_only() -> None:
    e = Engine(Guidelines.from_dict(bundle()))
    fp, path = next((fp, p) for fp, p in sorted(archives(ROOT).items()) if fp != e.g.fingerprint)
    data = json.loads(path.read_text(encoding="utf-8"))
    code = f"{fp}-{next(iter(data['paths']))}"
    expected = archived.open_code(e, data, code)
    r = _wizard("--state", code, typed="")  # no question asked: nothing to type
    assert r.returncode == 0, r.stderr
    assert f"=== Resultado: {expected['outcome']['mode_title']} (somente leitura) ===" in r.stdout
    assert expected["message"] in r.stdout and expected["today"]["message"] in r.stdout
    assert "Escolha um número" not in r.stdout


def test_the_terminal_wizard_goes_on_from_an_old_unfinished_code_with_todays_tree() -> None:
    e = Engine(Guidelines.from_dict(bundle()))
    fp, path = next((fp, p) for fp, p in sorted(archives(ROOT).items()) if fp != e.g.fingerprint)
    data = json.loads(path.read_text(encoding="utf-8"))
    first = next(iter(data["paths"]))[:1]  # one answer given, no outcome reached
    opened = archived.open_code(e, data, f"{fp}-{first}")
    assert not opened["finished"]
    r = _wizard("--state", f"{fp}-{first}", typed="s\n")
    assert r.returncode == 0, r.stderr
    assert archived.partial_notice(opened, len(opened["state"].answers)) in r.stdout
    assert f"wizard --state {e.encode(opened['state'])}" in r.stdout  # the code to go on is today's tree's
    assert f"{len(opened['state'].answers) + 1}. {e.walk(opened['state']).node.question}" in r.stdout


def test_the_history_page_lists_every_archived_version_with_its_date(site_dir: Path) -> None:
    import html
    import re

    page = (site_dir / "historico" / "index.html").read_text(encoding="utf-8")
    rows = {m[0]: html.unescape(re.sub(r"<[^>]+>", "", m[1])) for m in re.findall(r"<tr>\s*<td><code>(\w+)</code>(.*?)</tr>", page, re.S)}
    current = Engine(Guidelines.from_dict(bundle())).g.fingerprint
    assert set(rows) == set(archives(ROOT)) and current in rows
    for fp, path in archives(ROOT).items():
        iso = json.loads(path.read_text(encoding="utf-8"))["date"]
        assert "/".join(reversed(iso.split("-"))) in rows[fp]  # the day, as dd/mm/aaaa
        assert ("(atual)" in rows[fp]) == (fp == current)


def test_a_broken_archive_fails_the_build_with_its_file_and_line(tmp_path: Path) -> None:
    import shutil

    repo = tmp_path / "repo"
    for name in ("decision_tree", "macros", "docs", "overrides", "schemas", "mkdocs.yml", "pyproject.toml"):
        src = ROOT / name
        (shutil.copytree(src, repo / name, ignore=shutil.ignore_patterns("__pycache__")) if src.is_dir()
         else shutil.copy2(src, repo / name))
    (repo / "node_modules").symlink_to(ROOT / "node_modules")
    (repo / "decision_tree" / "tree_versions" / "abc123.json").write_text('{"date": "2026-01-01",\n"paths": {', encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "decision_tree", "--root", str(repo), "build-docs"], cwd=repo,
                       capture_output=True, text=True)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "decision_tree/tree_versions/abc123.json:2: não é um JSON válido" in r.stderr, r.stderr
    assert not (repo / "site-src").exists()


def test_confirming_the_same_answer_again_keeps_the_marks_and_says_nothing(small_api: Engine) -> None:
    e = small_api
    state = answer_ids(e, "ocorrencia", "sim", "nao-reproduz", "totvs")
    both = e.encode(e.mark(e.mark(state, "aprovacao-maestro", True), "aceite", True))
    fourth = e.walk(state).steps[3].question.id
    same = ask({"op": "change", "state": both, "step": fourth, "option": "totvs"})  # "Alterar", then "Confirmar" unchanged
    assert same["ok"] and same["error"] is None and same["info"] is None
    assert same["view"]["state"] == both
