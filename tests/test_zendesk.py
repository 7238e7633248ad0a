"""Zendesk export and sync, against a local fake of the few API endpoints used."""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from zendesk_fake import EMAIL, ROOT, TOKEN, errors, load_macros, official, run_sync, source_copy

from decision_tree import zendesk
from decision_tree.cli import zendesk as zendesk_cli
from decision_tree.sources.markup import render_markdown
from decision_tree.zendesk import ZendeskError, export_macros, macro_to_zendesk, sync
from decision_tree.zendesk.instance import Instance
from decision_tree.zendesk.yaml_edit import replace_entries

# The six macro titles exactly as the guideline (seed) names them.
SEED_TITLES = {
    "CONSULTORIA :: DO MÓDULO - Termo de Aceite à CLIENTE FINAL",
    "CONSULTORIA :: DO MÓDULO - Termo de Aceite à TOTVS (consultor de Unidades Franqueadas / Projeto / Consultoria Homologada)",
    "CONSULTORIA :: DO MÓDULO - Termo de Aceite à AMS",
    "CONSULTORIA :: Termo de Aceite Consultoria Telefônica",
    "CONSULTORIA :: Ticket pendente para o cliente",
    "CONSULTORIA :: Finalização do atendimento",
}


# --------------------------------------------------------------------- export


def test_macro_titles_are_exactly_the_six_seed_titles():
    assert {m["title"] for m in load_macros()} == SEED_TITLES
    assert {macro_to_zendesk(m)["title"] for m in load_macros()} == SEED_TITLES


def test_export_writes_one_valid_file_per_macro_and_one_with_all(tmp_path):
    macros = load_macros()
    paths = export_macros(macros, tmp_path / "out")
    names = sorted(p.name for p in paths)
    assert names == sorted([f"{m['id']}.json" for m in macros] + ["macros.json"])
    by_id = {m["id"]: m for m in macros}
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        if path.name == "macros.json":
            assert errors(data, "macrosResponse") == []
            assert data["count"] == len(macros) == len(data["macros"])
            assert {m["title"] for m in data["macros"]} == SEED_TITLES
            for item in data["macros"]:
                assert errors(item) == []
            continue
        assert errors(data) == []
        assert errors({"macro": data}, "macroRequest") == []
        source = by_id[path.stem]
        actions = {a["field"]: a["value"] for a in data["actions"]}
        assert data["title"] == source["title"]
        assert data["active"] is True
        assert actions["status"] == source["zendesk"]["status"]
        assert actions["current_tags"] == " ".join(source["zendesk"]["tags"])
        assert actions["comment_mode_is_public"] == ("true" if source["zendesk"]["public"] else "false")
        assert actions["comment_value_html"] == render_markdown(source["body"]["text"])
        assert "<p>" in actions["comment_value_html"]


def test_export_escapes_raw_html_like_the_site():
    macro = load_macros()[0]
    text = "Olá <script>alert(1)</script> **negrito**\n\n<div onclick=x>bloco</div>\n"
    macro["body"] = {"format": "markdown", "text": text, "source": macro["body"]["source"]}  # not rendered by the bundle
    html = {a["field"]: a["value"] for a in macro_to_zendesk(macro)["actions"]}["comment_value_html"]
    assert "<script" not in html and "<div" not in html
    assert "&lt;script&gt;" in html and "<strong>negrito</strong>" in html


def test_export_sends_official_texts_verbatim():
    macro = load_macros()[0]
    official_html = '<p>Olá,&nbsp;{{ticket.requester.first_name}}</p><div class="x">texto <b>oficial</b></div>'
    macro["body"] = {"format": "html", "text": official_html, "source": {"kind": "zendesk", "id": 5, "imported": "2026-11-29"}}
    assert {a["field"]: a["value"] for a in macro_to_zendesk(macro)["actions"]}["comment_value_html"] == official_html
    macro["body"] = {"format": "text", "text": "Texto simples\n", "source": {"kind": "zendesk", "id": 5, "imported": "2026-11-29"}}
    actions = {a["field"]: a["value"] for a in macro_to_zendesk(macro)["actions"]}
    assert actions["comment_value"] == "Texto simples\n" and "comment_value_html" not in actions
    assert errors(macro_to_zendesk(macro)) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m["body"].update(format="rtf"), "'body.format' deve ser markdown, html, text"),
        (lambda m: m["body"].update(text="  \n"), "'body.text' deve ser um texto não vazio"),
        (lambda m: m.update(body=None), "'body.format'"),
        (lambda m: m["zendesk"].update(status="new"), "zendesk.status 'new' não é aceito"),
        (lambda m: m["zendesk"].update(tags=["Com Espaço"]), "zendesk.tags"),
        (lambda m: m.pop("body"), "falta o campo 'body'"),
        (lambda m: m["zendesk"].pop("status"), "falta o campo 'zendesk.status'"),
    ],
)
def test_bad_macro_is_refused_naming_the_file(change, message):
    macro = load_macros()[0]
    change(macro)
    with pytest.raises(ZendeskError, match=message) as info:
        macro_to_zendesk(macro)
    assert f"macros/{macro['id']}.yml" in str(info.value)


def test_duplicate_titles_are_refused_before_writing(tmp_path):
    macros = load_macros()
    macros[1]["title"] = macros[0]["title"]
    with pytest.raises(ZendeskError, match="título já é usado"):
        export_macros(macros, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# ----------------------------------------------------------------------- sync


def test_sync_plans_first_creates_and_updates_then_plans_no_change(server):
    macros = load_macros()
    stale = macro_to_zendesk(macros[0])
    stale["actions"][0]["value"] = "<p>texto antigo</p>"
    stale_id = server.add(stale)
    other_id = server.add({"title": "OUTRO :: Macro que não é do repositório", "actions": [{"field": "status", "value": "open"}]})
    personal = dict(macro_to_zendesk(macros[1]), restriction={"type": "User", "id": 7})
    personal_id = server.add(personal)
    untouched = {k: json.dumps(server.macros[k]) for k in (other_id, personal_id)}

    plan, out = run_sync(server, dry_run=True)
    assert server.writes() == []
    assert "nada foi enviado" in out
    assert [i.remote_id for i in plan.updates] == [stale_id]
    assert plan.updates[0].changes == ("actions.comment_value_html",)
    assert len(plan.creates) == len(macros) - 1
    assert sum(1 for r in server.requests if r[0] == "GET") == 2  # 3 macros, pages of 2

    plan, out = run_sync(server, dry_run=False)
    assert out.index("Plano de sincronização") < out.index("criada #")
    assert plan.applied
    assert [r[0] for r in server.writes()].count("POST") == len(macros) - 1
    assert server.writes().count(("PUT", f"/api/v2/macros/{stale_id}")) == 1
    assert {k: json.dumps(server.macros[k]) for k in (other_id, personal_id)} == untouched
    shared_titles = [m["title"] for m in server.macros.values() if not m.get("restriction")]
    assert SEED_TITLES <= set(shared_titles)

    writes_before = len(server.writes())
    plan, out = run_sync(server, dry_run=False)
    assert not plan.has_changes
    assert len(plan.unchanged) == len(macros)
    assert len(server.writes()) == writes_before
    assert "Nada a fazer" in out


def test_sync_never_sends_a_proposal_unless_told(server):
    macros = load_macros()  # every body is a proposal (source: local)
    stale = macro_to_zendesk(macros[0])
    stale["actions"][0]["value"] = "<p>texto antigo</p>"
    stale_id = server.add(stale)

    plan, out = run_sync(server, dry_run=False, macros=macros)
    assert server.writes() == []
    assert len(plan.held) == 6 and not plan.creates and not plan.updates
    assert out.count("! não enviada (o texto é uma proposta deste projeto; use --include-proposals)") == 6
    assert f"atualizar #{stale_id}" in out and "6 propostas não enviadas" in out
    assert "Nada a enviar: o que difere são 6 propostas, que só vão com --include-proposals." in out

    plan, out = run_sync(server, dry_run=False, macros=macros, include_proposals=True)
    assert [r[0] for r in server.writes()].count("POST") == 5
    assert server.writes().count(("PUT", f"/api/v2/macros/{stale_id}")) == 1
    assert "(proposta, enviada por --include-proposals)" in out


def test_sync_sends_official_bodies_and_holds_proposals_in_the_same_run(server):
    macros = load_macros()
    mixed = official(macros[:2]) + macros[2:]
    plan, out = run_sync(server, dry_run=False, macros=mixed)
    assert len(plan.creates) == 2 and len(plan.held) == 4
    assert [r[0] for r in server.writes()] == ["POST", "POST"]
    assert "Sincronização concluída: 2 criadas, 0 atualizadas; 4 propostas não enviadas." in out


def test_the_plan_shows_the_text_diff_and_the_changed_settings(server):
    macros = official(load_macros())
    remote = macro_to_zendesk(macros[0])
    remote["description"] = "Descrição antiga"
    remote["actions"] = [
        {"field": "comment_value_html", "value": remote["actions"][0]["value"].replace("Atenciosamente", "Abraços")},
        {"field": "comment_mode_is_public", "value": "false"},
        {"field": "current_tags", "value": "velha"},
        {"field": "status", "value": "open"},
        {"field": "group_id", "value": 42},
    ]
    remote_id = server.add(remote)
    markup_only = macro_to_zendesk(macros[1])
    markup_only["actions"][0]["value"] = markup_only["actions"][0]["value"].replace("<strong>", "<b>").replace("</strong>", "</b>")
    server.add(markup_only)

    plan, out = run_sync(server, dry_run=True)
    lines = out.splitlines()
    assert f"      --- Zendesk #{remote_id} (texto lido)" in lines
    assert f"      +++ macros/{macros[0]['id']}.yml (texto lido)" in lines
    assert "      -Abraços," in lines and "      +Atenciosamente," in lines
    assert f"      description: Descrição antiga → {macros[0]['zendesk']['description']}" in lines
    assert "      public: false → true" in lines
    assert "      status: open → pending" in lines
    assert "      ação group_id: 42 → (removida)" in lines
    assert any(line.startswith("      tags: velha → ") for line in lines)
    assert any("(só a marcação difere)" in line for line in lines)


def test_the_plan_never_prints_control_characters_from_zendesk(server):
    macros = official(load_macros())
    remote = macro_to_zendesk(macros[0])
    remote["actions"][0]["value"] = "<p>\x1b[2J\x1b]0;pwned\x07 texto</p>"
    remote["description"] = "\x1b[31mvermelho"
    server.add(remote)
    _, out = run_sync(server, dry_run=True)
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b[2J" in out and "\\x1b[31mvermelho" in out


def test_sync_treats_boolean_public_and_tag_order_as_the_same():
    macro = load_macros()[0]
    remote = macro_to_zendesk(macro)
    remote["id"] = 5
    for action in remote["actions"]:
        if action["field"] == "comment_mode_is_public":
            action["value"] = True
        if action["field"] == "current_tags":
            action["value"] = " ".join(reversed(action["value"].split()))
    remote["actions"].reverse()
    plan = zendesk.plan_sync([macro], [remote], "http://x")
    assert [i.action for i in plan.items] == ["unchanged"]


def test_sync_waits_for_retry_after_on_429(server):
    server.queued.append((429, {"Retry-After": "1"}))
    started = time.monotonic()
    plan, out = run_sync(server, dry_run=True)
    assert time.monotonic() - started >= 1.0
    assert "HTTP 429" in out and "aguardando 1 s" in out
    assert len(plan.creates) == 6
    assert [r[0] for r in server.requests] == ["GET", "GET"]


def test_sync_reports_bad_credentials_without_echoing_the_token(server):
    with pytest.raises(ZendeskError) as info:
        run_sync(server, dry_run=True, token="errado-123")
    message = str(info.value)
    assert "HTTP 401" in message and "ZENDESK_API_TOKEN" in message and "ZENDESK_EMAIL" in message
    assert "errado-123" not in message


def test_sync_reports_server_errors(server):
    server.queued.append((500, {}))
    with pytest.raises(ZendeskError, match=r"erro no servidor do Zendesk \(HTTP 500 em GET /api/v2/macros\)"):
        run_sync(server, dry_run=True)


def test_sync_reports_a_failure_midway_with_what_was_applied(server, monkeypatch):
    posts = {"n": 0}
    original = zendesk.Client.request

    def third_post_fails(self, method, url, body=None):
        if method == "POST":
            posts["n"] += 1
            if posts["n"] == 3:
                server.queued.append((503, {}))
        return original(self, method, url, body)

    monkeypatch.setattr(zendesk.Client, "request", third_post_fails)
    unknown = r"HTTP 503.*resultado é desconhecido.*\(2 de 6 mudanças já aplicadas; o resultado da criação .* é desconhecido"
    with pytest.raises(ZendeskError, match=unknown):
        run_sync(server, dry_run=False)
    assert len(server.macros) == 2


def test_sync_refuses_to_follow_next_page_to_another_host(server):
    server.add({"title": "A", "actions": [{"field": "status", "value": "open"}]})
    server.add({"title": "B", "actions": [{"field": "status", "value": "open"}]})
    server.add({"title": "C", "actions": [{"field": "status", "value": "open"}]})
    server.next_page_base = "http://outro-host.invalid"
    with pytest.raises(ZendeskError, match="outro endereço"):
        run_sync(server, dry_run=True)
    assert len(server.requests) == 1


def test_sync_refuses_duplicate_shared_titles_on_the_instance(server):
    macro = macro_to_zendesk(load_macros()[0])
    server.add(dict(macro))
    server.add(dict(macro))
    with pytest.raises(ZendeskError, match="2 macros compartilhadas com o título"):
        run_sync(server, dry_run=False)
    assert server.writes() == []


def test_sync_refuses_a_url_as_subdomain():
    with pytest.raises(ZendeskError, match="--subdomain empresa"):
        sync(load_macros(), Instance("empresa.zendesk.com", EMAIL, TOKEN), dry_run=True, out=lambda s: None)


# ------------------------------------------------------------------------ CLI


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="decision_tree")
    p.add_argument("--root", type=Path, default=ROOT)
    zendesk_cli.add_subcommands(p.add_subparsers(dest="command", required=True), lambda root: load_macros())
    return p


def test_sync_cli_takes_credentials_only_from_the_environment(monkeypatch, capsys):
    with pytest.raises(SystemExit):
        parser().parse_args(["sync-zendesk", "--subdomain", "s", "--token", "x"])
    capsys.readouterr()
    monkeypatch.delenv("ZENDESK_EMAIL", raising=False)
    monkeypatch.delenv("ZENDESK_API_TOKEN", raising=False)
    args = parser().parse_args(["sync-zendesk", "--subdomain", "empresa", "--dry-run"])
    assert args.func(args) == 2
    err = capsys.readouterr().err
    assert "ZENDESK_EMAIL e ZENDESK_API_TOKEN" in err


def test_sync_cli_against_the_fake_server(server, monkeypatch, capsys):
    monkeypatch.setenv("ZENDESK_EMAIL", EMAIL)
    monkeypatch.setenv("ZENDESK_API_TOKEN", TOKEN)
    monkeypatch.setattr(zendesk_cli, "base_url_for", lambda subdomain: server.base_url)
    args = parser().parse_args(["sync-zendesk", "--subdomain", "empresa"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "Nada a enviar: o que difere são 6 propostas, que só vão com --include-proposals." in out
    assert out.count("! não enviada (o texto é uma proposta deste projeto; use --include-proposals): criar") == 6
    assert server.writes() == []
    args = parser().parse_args(["sync-zendesk", "--subdomain", "empresa", "--include-proposals"])
    assert args.func(args) == 0
    assert "Sincronização concluída: 6 criadas, 0 atualizadas." in capsys.readouterr().out
    args = parser().parse_args(["sync-zendesk", "--subdomain", "empresa", "--dry-run"])
    assert args.func(args) == 0
    assert "0 a criar, 0 a atualizar, 6 sem mudança" in capsys.readouterr().out

    monkeypatch.setenv("ZENDESK_API_TOKEN", "outro")
    assert args.func(args) == 2
    assert "HTTP 401" in capsys.readouterr().err


def test_export_cli_in_process(tmp_path, capsys):
    args = parser().parse_args(["export-zendesk", "--out", str(tmp_path)])
    assert args.func(args) == 0
    assert "6 macros exportadas" in capsys.readouterr().out
    assert len(list(tmp_path.glob("*.json"))) == 7


def test_export_reads_the_macros_of_root(tmp_path, capsys):
    from decision_tree import cli

    root = tmp_path / "outro"
    shutil.copytree(ROOT / "macros", root / "macros")
    (root / "decision_tree").mkdir()
    for path in (ROOT / "decision_tree").iterdir():
        if path.is_file() and path.suffix != ".py":
            shutil.copy(path, root / "decision_tree" / path.name)
    macro = root / "macros" / "modulo-termo-ams.yml"
    old = "Envia ao consultor AMS o Termo de Aceite"
    assert macro.read_text(encoding="utf-8").count(old) == 1
    macro.write_text(macro.read_text(encoding="utf-8").replace(old, "Descrição só desta cópia,"), encoding="utf-8")

    assert cli.main(["--root", str(root), "export-zendesk", "--out", str(tmp_path / "out")]) == 0
    capsys.readouterr()
    exported = json.loads((tmp_path / "out" / "modulo-termo-ams.json").read_text(encoding="utf-8"))
    assert exported["description"].startswith("Descrição só desta cópia,")


@pytest.mark.cli
@pytest.mark.skipif(not (ROOT / "decision_tree" / "__main__.py").exists(), reason="decision_tree/__main__.py not written yet")
def test_export_zendesk_command(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "decision_tree", "export-zendesk", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in tmp_path.glob("*.json"))
    assert len(files) == 7 and "macros.json" in files
    for path in tmp_path.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert errors(data, "macrosResponse" if path.name == "macros.json" else None) == []


def copy_texts(root: Path) -> dict[str, str]:
    """What each macro page's copy button pastes (the text of its data-copy-plain), for the sources under `root`."""
    from html import unescape

    from decision_tree.sitegen.pages import generate_pages
    from decision_tree.sources.bundle import load_bundle

    pages = generate_pages(load_bundle(root), last_changed={})
    found = {}
    for path, page in pages.items():
        if m := re.search(r"<div hidden data-copy-plain>(.*?)</div>", page, re.S):
            found[Path(path).stem] = unescape(m[1])
    return found


def test_what_sync_shows_of_a_text_is_what_the_copy_button_gives_for_every_macro(server, tmp_path):
    # One HTML-to-text converter (sources/macro_text.py): sync's "texto lido" of every macro is its copy text, for a
    # Markdown body, an official HTML one (numbered and bulleted lists, markup) and a plain-text one.
    root = source_copy(tmp_path)
    official_html = "<p>Olá, <b>cliente</b>:</p><ol><li>um</li><li>dois <em>passos</em></li></ol><ul><li>item</li></ul><p>Fim</p>"
    for name, body in [("modulo-termo-ams", {"format": "html", "text": official_html}),
                       ("telefonica-termo", {"format": "text", "text": "linha um\nlinha   dois\n\nOutro parágrafo.\n"})]:
        path = root / "macros" / f"{name}.yml"
        path.write_text(replace_entries(path.read_text(encoding="utf-8"), "body", body), encoding="utf-8")
    macros = official(load_macros(root))
    assert {m["body"]["format"] for m in macros} == {"markdown", "html", "text"}
    for macro in macros:
        remote = macro_to_zendesk(macro)
        remote["actions"][0]["value"] = "<p>texto antigo</p>"
        server.add(remote)
    _, out = run_sync(server, dry_run=True, macros=macros)
    shown = {}
    for block in out.split("+++ macros/")[1:]:
        name, _, rest = block.partition(".yml (texto lido)\n")
        shown[name] = "\n".join(line[len("      +"):] for line in rest.splitlines() if line.startswith("      +")) + "\n"
    copied = copy_texts(root)
    assert sorted(shown) == sorted(copied) == sorted(m["id"] for m in macros)
    for name, text in copied.items():
        assert shown[name] == text, name
    assert "\n1. um\n2. dois passos\n\n- item\n" in copied["modulo-termo-ams"]  # the numbered list keeps its numbers
