"""import-zendesk against the fake server: official texts into macros/*.yml, then a sync with no change."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from zendesk_fake import EMAIL, ROOT, TOKEN, FakeZendesk, load_macros, run_sync, source_copy

from decision_tree import zendesk
from decision_tree.cli import zendesk as zendesk_cli
from decision_tree.sources.loader import clean_text, forbidden_character
from decision_tree.zendesk import ZendeskError, import_zendesk
from decision_tree.zendesk.importer import repository_problems
from decision_tree.zendesk.instance import Instance
from decision_tree.zendesk.yaml_edit import parse

TODAY = "2026-11-29"


def official_html(title: str) -> str:
    return (
        f"<p>Olá, {{{{ticket.requester.first_name}}}}: texto <b>oficial</b> de “{title}”.</p>\n"
        "  <ul><li>#não é comentário</li><li>chave: valor</li></ul>   \n"
        "<p>'aspas' \"duplas\" &amp; &nbsp; 🙂</p>"
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return source_copy(tmp_path)


def seed_official(server: FakeZendesk) -> dict[str, int]:
    """The six macros on the instance with official texts and settings unlike the repository's."""
    ids = {}
    for i, macro in enumerate(load_macros()):
        comment = {"field": "comment_value", "value": "Texto simples\noficial\n"} if i == 1 else {
            "field": "comment_value_html", "value": official_html(macro["title"])}
        ids[macro["id"]] = server.add({
            "title": macro["title"],
            "description": None if i == 2 else f"Descrição oficial {i}",
            "active": i != 3,
            "actions": [comment, {"field": "comment_mode_is_public", "value": i != 4},
                        {"field": "current_tags", "value": f"oficial_{i} consultoria"}, {"field": "status", "value": "open"}],
        })
    return ids


def run_import(server: FakeZendesk, root: Path, *, dry_run: bool, check=None) -> tuple[Any, str]:
    lines: list[str] = []
    check = check or (lambda changed: repository_problems(root, changed))
    plan = import_zendesk(load_macros(root), root, Instance("teste", EMAIL, TOKEN, server.base_url), dry_run=dry_run,
                          out=lines.append, check=check, today=TODAY)
    return plan, "\n".join(lines)


def texts(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_import_writes_the_official_texts_and_a_sync_then_plans_no_change(server, root):
    ids = seed_official(server)
    before = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (root / "macros").glob("*.yml")}
    plan, out = run_import(server, root, dry_run=False)
    assert "Importação concluída: 6 arquivos gravados" in out
    assert server.writes() == []
    for macro_id, old in before.items():
        text = (root / "macros" / f"{macro_id}.yml").read_text(encoding="utf-8")
        new = parse(text)
        assert text.startswith("# yaml-language-server: $schema=../schemas/macro.schema.json\n")
        assert list(new) == list(old)  # the key order
        assert {k: v for k, v in new.items() if k not in ("zendesk", "body")} == {
            k: v for k, v in old.items() if k not in ("zendesk", "body")}
        official = {"zendesk": {"id": ids[macro_id], "imported": TODAY}}
        assert new["body"]["source"] == official and new["zendesk"]["source"] == official
        assert new["zendesk"]["status"] == "open"
    by_id = {m["id"]: m for m in load_macros(root)}
    first, second, third = sorted(by_id)[:3]
    assert by_id[first]["body"]["format"] == "html" and by_id[first]["body"]["text"] == official_html(by_id[first]["title"])
    assert by_id[second]["body"] == dict(by_id[second]["body"], format="text", text="Texto simples\noficial\n")
    assert by_id[third]["zendesk"]["description"] == ""

    plan, out = run_sync(server, dry_run=True, macros=list(by_id.values()))
    assert "Resumo: 0 a criar, 0 a atualizar, 6 sem mudança." in out
    plan, out = run_sync(server, dry_run=False, macros=list(by_id.values()))
    assert server.writes() == [] and "Nada a fazer" in out

    files = texts(root / "macros")
    plan, out = run_import(server, root, dry_run=False)
    assert len(plan.of("unchanged")) == 6 and "Nada a importar" in out
    assert texts(root / "macros") == files


def test_import_dry_run_shows_the_diff_and_writes_nothing(server, root):
    ids = seed_official(server)
    files = texts(root / "macros")
    plan, out = run_import(server, root, dry_run=True)
    assert texts(root / "macros") == files
    lines = out.splitlines()
    assert "      --- macros/modulo-termo-ams.yml (body.text atual)" in lines
    assert f"      +++ Zendesk #{ids['modulo-termo-ams']} (texto oficial)" in lines
    assert "      -Atenciosamente," in lines
    assert "      zendesk.status: pending → open" in lines
    assert "      body.format: markdown → html" in lines
    zid = ids["modulo-termo-ams"]
    assert f"      body.source: proposta local (gestao-diretriz) → oficial (Zendesk #{zid}, importado em {TODAY})" in lines
    assert "      zendesk.tags: consultoria_modulo termo_aceite publico_ams → oficial_0 consultoria" in lines
    assert "Resumo: 6 a importar, 0 sem mudança, 0 não importadas." in lines
    assert lines[-1] == "Simulação (--dry-run): nenhum arquivo foi alterado."


def test_macros_missing_twice_or_unsupported_are_reported_and_left_as_they_are(server, root):
    macros = {m["id"]: m for m in load_macros(root)}
    ids = seed_official(server)
    titles = {mid: m["title"] for mid, m in macros.items()}
    server.macros.pop(ids["modulo-termo-ams"])
    server.add({"title": titles["modulo-termo-ams"], "restriction": {"type": "User", "id": 1},
                "actions": [{"field": "status", "value": "open"}]})  # personal: not a match
    server.add({k: v for k, v in server.macros[ids["modulo-termo-totvs"]].items() if k != "id"})
    server.macros[ids["telefonica-termo"]]["actions"].append({"field": "group_id", "value": 7})
    server.macros[ids["telefonica-finalizacao"]]["actions"][2]["value"] = "Tag-Com-Maiúscula"
    files = texts(root / "macros")
    plan, out = run_import(server, root, dry_run=False)
    assert "? não encontrada no Zendesk (nenhuma macro compartilhada com este título): " + titles["modulo-termo-ams"] in out
    assert f'há 2 macros compartilhadas com o título "{titles["modulo-termo-totvs"]}"' in out
    assert "usa ações que o repositório não representa (group_id)" in out
    assert "não são uma lista de [a-z0-9_]" in out
    assert "Resumo: 2 a importar, 0 sem mudança, 4 não importadas." in out
    after = texts(root / "macros")
    changed = {name for name in files if files[name] != after[name]}
    assert changed == {"modulo-termo-cliente-final.yml", "telefonica-ticket-pendente.yml"}


def test_nothing_is_written_when_the_repository_would_be_invalid(server, root):
    seed_official(server)
    files = texts(root / "macros")
    with pytest.raises(ZendeskError, match="nenhum arquivo foi alterado:\nmacros/x.yml:1: problema"):
        run_import(server, root, dry_run=False, check=lambda changed: ["macros/x.yml:1: problema"])
    assert texts(root / "macros") == files  # no temp file left either


def test_a_file_the_editor_cannot_change_safely_stops_the_whole_import(server, root):
    seed_official(server)
    path = root / "macros" / "telefonica-termo.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    flow = json.dumps(data["zendesk"], ensure_ascii=False)
    text = path.read_text(encoding="utf-8")
    start, end = text.index("zendesk:\n"), text.index("body:\n")
    path.write_text(text[:start] + f"zendesk: {flow}\n" + text[end:], encoding="utf-8")
    files = texts(root / "macros")
    with pytest.raises(ZendeskError, match="macros/telefonica-termo.yml: 'zendesk' deve ser um bloco"):
        run_import(server, root, dry_run=False)
    assert texts(root / "macros") == files


def test_comments_and_blank_lines_stay_where_they_were(server, root):
    seed_official(server)
    path = root / "macros" / "telefonica-termo.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  public: true\n", "  # o cliente vê o comentário\n  public: true  # público\n", 1)
    text = text.replace("body:\n", "\n# o texto da macro\nbody:\n", 1)
    path.write_text(text, encoding="utf-8")
    run_import(server, root, dry_run=False)
    new = path.read_text(encoding="utf-8")
    assert "  # o cliente vê o comentário\n  public: false  # público\n" in new  # the official value, same comments
    assert "\n\n# o texto da macro\nbody:\n" in new
    block = new[new.index("\nzendesk:\n") : new.index("\nbody:\n")]
    assert block.index("# o cliente vê") < block.index("  status: open") < block.index("  active: true") < block.index("  source:")


HOSTILE_TEXTS = [
    "linha com espaços no fim   \nsegunda",
    "  começa com espaços\nsegunda\n",
    "sem quebra no fim",
    "termina com linhas vazias\n\n\n",
    "windows\r\nline\r\nendings\r\n",
    "tab\tno meio\n\tcomeça com tab\n",
    "separador\u2028unicode\u2029e \x85 NEL",
    "controle \x01\x02\x1b[31m e \x7f",
    "---\n...\n# comentário?\nchave: valor\n- item\n",
    "|\n>\n&âncora *alias !tag %diretiva @ `",
    "\ufeffBOM no começo",
    "'simples' \"duplas\" \\barra\\ {chaves} [colchetes]",
    "🙂 emoji e ção",
    "x" * 5000,
    "\n\ncomeça com linhas vazias",
    "   \n",
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS, ids=range(len(HOSTILE_TEXTS)))
def test_any_official_text_is_written_so_it_reads_back_verbatim(server, root, text):
    macro = load_macros(root)[0]
    server.add({"title": macro["title"], "description": "d: com \"aspas\"\n e quebra", "actions": [
        {"field": "comment_value", "value": text}, {"field": "comment_mode_is_public", "value": "false"},
        {"field": "current_tags", "value": "a_b"}, {"field": "status", "value": "hold"}]})
    plan, out = run_import(server, root, dry_run=False)
    if not text.strip():
        assert "o texto do comentário não é um texto não vazio" in out
        return
    data = parse((root / "macros" / f"{macro['id']}.yml").read_text(encoding="utf-8"))
    # Verbatim, except what a source may never hold (control characters, invisible direction and line
    # separators: issue 21 item 3), which the import removes; CRLF becomes LF.
    assert data["body"]["text"] == clean_text(text) and data["zendesk"]["description"] == "d: com \"aspas\"\n e quebra"
    assert forbidden_character(data["body"]["text"]) is None
    assert "\x1b" not in out and "\x01" not in out  # the diff printed escaped


def test_control_characters_from_zendesk_are_removed_and_a_huge_body_is_not_imported(server, root):
    first, second = load_macros(root)[:2]
    server.add({"title": first["title"], "description": "limpa\x1b[2J\u202e", "actions": [
        {"field": "comment_value", "value": "Olá\x1b[2J\x07 cliente\u202e, \x00fim"}, {"field": "comment_mode_is_public", "value": True},
        {"field": "current_tags", "value": "a_b"}, {"field": "status", "value": "open"}]})
    server.add({"title": second["title"], "description": "", "actions": [
        {"field": "comment_value", "value": "x" * 200_000}, {"field": "comment_mode_is_public", "value": True},
        {"field": "current_tags", "value": "a_b"}, {"field": "status", "value": "open"}]})
    plan, out = run_import(server, root, dry_run=False)
    data = parse((root / "macros" / f"{first['id']}.yml").read_text(encoding="utf-8"))
    assert data["body"]["text"] == "Olá cliente, fim" and data["zendesk"]["description"] == "limpa"
    assert "mais que os 50.000" in out or "mais que os 50,000" in out, out
    assert "x" * 100 not in (root / "macros" / f"{second['id']}.yml").read_text(encoding="utf-8")


def test_import_cli(server, root, monkeypatch, capsys):
    seed_official(server)
    monkeypatch.setenv("ZENDESK_EMAIL", EMAIL)
    monkeypatch.setenv("ZENDESK_API_TOKEN", TOKEN)
    monkeypatch.setattr(zendesk_cli, "base_url_for", lambda subdomain: server.base_url)
    p = argparse.ArgumentParser(prog="decision_tree")
    p.add_argument("--root", type=Path)
    zendesk_cli.add_subcommands(p.add_subparsers(dest="command", required=True), lambda r: load_macros(r))
    args = p.parse_args(["--root", str(root), "import-zendesk", "--subdomain", "teste", "--dry-run"])
    assert args.func(args) == 0 and "6 a importar" in capsys.readouterr().out
    args = p.parse_args(["--root", str(root), "import-zendesk", "--subdomain", "teste"])
    assert args.func(args) == 0 and "6 arquivos gravados" in capsys.readouterr().out
    monkeypatch.setenv("ZENDESK_API_TOKEN", "outro")
    assert args.func(args) == 2 and "HTTP 401" in capsys.readouterr().err


def test_repository_problems_uses_the_repository_validation():
    broken = {"macros/modulo-termo-ams.yml": "id: [\n"}
    problems = zendesk.repository_problems(ROOT, broken)
    assert problems and problems[0].startswith("macros/modulo-termo-ams.yml:")
    assert (ROOT / "macros" / "modulo-termo-ams.yml").read_text(encoding="utf-8") != "id: [\n"


def test_an_alias_bomb_in_a_macro_stops_the_import_with_the_loaders_limit(server, root):
    # The editor reads a file with the repository's loader, never with a reader that would expand the bomb.
    seed_official(server)
    macros = load_macros(root)  # read before the file changes under the import (the repository's own check would refuse it)
    path = root / "macros" / "telefonica-termo.yml"
    rows = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(["bomb:", *(f"  {row}" for row in rows)]) + "\n", encoding="utf-8")
    files = texts(root / "macros")
    with pytest.raises(ZendeskError, match=r"macros/telefonica-termo.yml:\d+: alias '\*a\d' makes the aliases of this file expand"):
        import_zendesk(macros, root, Instance("teste", EMAIL, TOKEN, server.base_url), dry_run=False, out=lambda line: None,
                       check=lambda changed: [], today=TODAY)
    assert texts(root / "macros") == files
