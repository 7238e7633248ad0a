"""Zendesk export and sync, against a local fake of the few API endpoints used."""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from decision_tree import zendesk
from decision_tree.build.markup import render_markdown
from decision_tree.zendesk import ZendeskError, export_macros, macro_to_zendesk, sync

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "zendesk-macro.schema.json").read_text(encoding="utf-8"))
REGISTRY = Registry().with_resource(SCHEMA["$id"], Resource.from_contents(SCHEMA))

# The six macro titles exactly as the guideline (seed) names them.
SEED_TITLES = {
    "CONSULTORIA :: DO MÓDULO - Termo de Aceite à CLIENTE FINAL",
    "CONSULTORIA :: DO MÓDULO - Termo de Aceite à TOTVS (consultor de Unidades Franqueadas / Projeto / Consultoria Homologada)",
    "CONSULTORIA :: DO MÓDULO - Termo de Aceite à AMS",
    "CONSULTORIA :: Termo de Aceite Consultoria Telefônica",
    "CONSULTORIA :: Ticket pendente para o cliente",
    "CONSULTORIA :: Finalização do atendimento",
}
EMAIL = "agente@example.com"
TOKEN = "token-de-teste"


def validator(definition: str | None = None) -> Draft202012Validator:
    ref = SCHEMA["$id"] + (f"#/$defs/{definition}" if definition else "")
    return Draft202012Validator({"$ref": ref}, registry=REGISTRY)


def errors(instance: Any, definition: str | None = None) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(definition).iter_errors(instance)]


def load_macros() -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "macros").glob("*.yml"))]


# ----------------------------------------------------------------- fake Zendesk


class FakeZendesk:
    """In-memory macros behind GET/POST /api/v2/macros and PUT /api/v2/macros/{id}."""

    def __init__(self) -> None:
        self.macros: dict[int, dict[str, Any]] = {}
        self.next_id = 1000
        self.page_size = 2  # small, so listing needs next_page
        self.requests: list[tuple[str, str]] = []
        self.violations: list[str] = []
        self.queued: list[tuple[int, dict[str, str]]] = []  # forced (status, headers) replies
        self.next_page_base: str | None = None
        self.base_url = ""
        self.lock = threading.Lock()

    def add(self, macro: dict[str, Any]) -> int:
        macro_id = self.next_id
        self.next_id += 1
        self.macros[macro_id] = {
            "id": macro_id,
            "url": f"{self.base_url}/api/v2/macros/{macro_id}.json",
            "active": True,
            "default": False,
            "position": 10000 + macro_id,
            "restriction": None,
            "description": None,
            "created_at": "2026-11-28T12:00:00Z",
            "updated_at": "2026-11-28T12:00:00Z",
            **macro,
            "raw_title": macro["title"],
        }
        return macro_id

    def writes(self) -> list[tuple[str, str]]:
        return [r for r in self.requests if r[0] in ("POST", "PUT")]


def make_handler(state: FakeZendesk) -> type[BaseHTTPRequestHandler]:
    expected_auth = "Basic " + base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def violation(self, message: str) -> None:
            state.violations.append(f"{self.command} {self.path}: {message}")
            self.reply(400, {"error": "InvalidRequest", "description": message})

        def common(self) -> bool:
            with state.lock:
                state.requests.append((self.command, self.path))
                forced = state.queued.pop(0) if state.queued else None
            if self.headers.get("Authorization") != expected_auth:
                self.reply(401, {"error": "Couldn't authenticate you"})
                return False
            if forced:
                status, headers = forced
                self.reply(status, {"error": f"forced {status}"}, headers)
                return False
            return True

        def body(self) -> Any:
            if not self.headers.get("Content-Type", "").startswith("application/json"):
                self.violation("Content-Type must be application/json")
                return None
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                data = json.loads(raw)
            except ValueError:
                self.violation("body is not JSON")
                return None
            problems = errors(data, "macroRequest")
            if problems:
                self.violation("; ".join(problems))
                return None
            return data

        def do_GET(self) -> None:
            if not self.common():
                return
            url = urllib.parse.urlsplit(self.path)
            if url.path != "/api/v2/macros":
                self.reply(404, {"error": "InvalidEndpoint"})
                return
            query = urllib.parse.parse_qs(url.query)
            per_page = int(query.get("per_page", ["100"])[0])
            page = int(query.get("page", ["1"])[0])
            if not 1 <= per_page <= 100 or page < 1:
                self.violation("per_page must be 1..100 and page >= 1")
                return
            size = min(per_page, state.page_size)
            items = [state.macros[k] for k in sorted(state.macros)]
            chunk = items[(page - 1) * size : page * size]
            base = state.next_page_base or state.base_url
            more = page * size < len(items)
            body = {
                "macros": chunk,
                "next_page": f"{base}/api/v2/macros?page={page + 1}&per_page={per_page}" if more else None,
                "previous_page": None,
                "count": len(items),
            }
            assert not errors(body, "macrosResponse")
            self.reply(200, body)

        def do_POST(self) -> None:
            if not self.common():
                return
            if self.path != "/api/v2/macros":
                self.reply(404, {"error": "InvalidEndpoint"})
                return
            data = self.body()
            if data is None:
                return
            with state.lock:
                macro_id = state.add(data["macro"])
            self.reply(201, {"macro": state.macros[macro_id]})

        def do_PUT(self) -> None:
            if not self.common():
                return
            prefix = "/api/v2/macros/"
            tail = self.path[len(prefix) :] if self.path.startswith(prefix) else ""
            if not tail.isdigit() or int(tail) not in state.macros:
                self.reply(404, {"error": "RecordNotFound"})
                return
            data = self.body()
            if data is None:
                return
            with state.lock:
                state.macros[int(tail)].update(data["macro"], updated_at="2026-11-29T12:00:00Z")
            self.reply(200, {"macro": state.macros[int(tail)]})

    return Handler


@pytest.fixture
def server():
    state = FakeZendesk()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    httpd.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert state.violations == [], "requests that break the schema"


def run_sync(state: FakeZendesk, *, dry_run: bool, token: str = TOKEN, macros=None):
    lines: list[str] = []
    plan = sync(
        macros if macros is not None else load_macros(),
        "teste",
        dry_run=dry_run,
        base_url=state.base_url,
        email=EMAIL,
        token=token,
        out=lines.append,
    )
    return plan, "\n".join(lines)


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
        assert actions["comment_value_html"] == render_markdown(source["body"])
        assert "<p>" in actions["comment_value_html"]


def test_export_escapes_raw_html_like_the_site():
    macro = load_macros()[0]
    macro["body"] = "Olá <script>alert(1)</script> **negrito**\n\n<div onclick=x>bloco</div>\n"
    html = {a["field"]: a["value"] for a in macro_to_zendesk(macro)["actions"]}["comment_value_html"]
    assert "<script" not in html and "<div" not in html
    assert "&lt;script&gt;" in html and "<strong>negrito</strong>" in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
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
    with pytest.raises(ZendeskError, match=r"HTTP 503.*\(2 de 6 mudanças já aplicadas\)"):
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
        sync(load_macros(), "empresa.zendesk.com", dry_run=True, email=EMAIL, token=TOKEN, out=lambda s: None)


# ------------------------------------------------------------------------ CLI


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="decision_tree")
    p.add_argument("--root", type=Path, default=ROOT)
    zendesk.add_subcommands(p.add_subparsers(dest="command", required=True), lambda root: load_macros())
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
    monkeypatch.setattr(zendesk.commands, "base_url_for", lambda subdomain: server.base_url)
    args = parser().parse_args(["sync-zendesk", "--subdomain", "empresa"])
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
