"""A hostile or broken Zendesk: redirects, dropped connections, drips, endless pages, malformed JSON.

Every case must end in a ZendeskError (exit 2 with a pt-BR message), never in a
traceback, and must not send the token anywhere but the instance.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pytest
from zendesk_fake import ROOT, FakeZendesk, Fault, load_macros, official, run_sync

from decision_tree import zendesk
from decision_tree.cli import zendesk as zendesk_cli
from decision_tree.zendesk import ZendeskError, base_url_for, macro_to_zendesk
from decision_tree.zendesk import client as zclient
from decision_tree.zendesk.instance import Instance

WRITES = ("POST", "PUT")


# ------------------------------------------------------------- 1. redirects


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_refused_and_the_other_host_sees_nothing(server, other, status):
    server.faults.append(Fault("status", status, {"Location": f"{other.base_url}/api/v2/macros?per_page=100"}))
    with pytest.raises(ZendeskError, match=rf"redirecionamento \(HTTP {status}"):
        run_sync(server, dry_run=True)
    assert other.requests == [] and other.auth_seen == []


def test_redirected_writes_fail_and_nothing_is_reported_as_created(server, other, monkeypatch, capsys):
    for _ in range(6):
        server.faults.append(Fault("status", 303, {"Location": f"{other.base_url}/api/v2/macros"}, methods=WRITES))
    code, out, err = run_cli(server, monkeypatch, capsys, ["sync-zendesk", "--subdomain", "teste", "--include-proposals"])
    assert code == 2
    assert "redirecionamento (HTTP 303" in err and "0 de 6 mudanças já aplicadas" in err
    assert "desconhecido" in err
    assert "criada #" not in out and "Sincronização concluída" not in out
    assert other.requests == [] and other.auth_seen == []


def run_cli(server: FakeZendesk, monkeypatch, capsys, argv: list[str]) -> tuple[int, str, str]:
    monkeypatch.setenv("ZENDESK_EMAIL", "agente@example.com")
    monkeypatch.setenv("ZENDESK_API_TOKEN", "token-de-teste")
    monkeypatch.setattr(zendesk_cli, "base_url_for", lambda subdomain: server.base_url)
    p = argparse.ArgumentParser(prog="decision_tree")
    p.add_argument("--root", type=Path, default=ROOT)
    zendesk_cli.add_subcommands(p.add_subparsers(dest="command", required=True), lambda root: load_macros())
    args = p.parse_args(argv)
    code = args.func(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ----------------------------------------------------------- 2. network faults


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("disconnect", "fechou a conexão sem responder"),
        ("badstatus", "resposta HTTP inválida"),
        ("incomplete", "veio incompleta"),
    ],
)
def test_a_broken_connection_is_a_message_not_a_traceback(server, kind, message):
    server.faults.append(Fault(kind))
    with pytest.raises(ZendeskError, match=message):
        run_sync(server, dry_run=True)


@pytest.mark.parametrize("value", ["inf", "1e400", "99999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_an_absurd_retry_after_is_reported_not_slept(server, value):
    server.queued.append((429, {"Retry-After": value}))
    started = time.monotonic()
    with pytest.raises(ZendeskError, match="Retry-After"):
        run_sync(server, dry_run=True)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("value", ["nan", "abc", "-5", "-inf", "Thu, 01 Jan 1970 00:00:00 GMT", "Mon, 99 Foo 2026"])
def test_a_meaningless_retry_after_waits_a_bounded_time(server, monkeypatch, value):
    slept: list[float] = []
    monkeypatch.setattr(zclient.time, "sleep", slept.append)
    server.queued.append((429, {"Retry-After": value}))
    run_sync(server, dry_run=True)
    assert len(slept) == 1 and 0 <= slept[0] <= 60


def test_a_connection_dropped_mid_sync_keeps_the_summary(server):
    server.faults.append(Fault("disconnect", methods=("POST",)))
    server.faults.insert(0, Fault("delay", methods=("POST",)))  # the first POST goes through
    with pytest.raises(ZendeskError) as info:
        run_sync(server, dry_run=False)
    message = str(info.value)
    assert "fechou a conexão sem responder" in message
    assert "1 de 6 mudanças já aplicadas" in message and "desconhecido" in message


def test_after_a_timeout_the_write_in_flight_is_unknown(server, monkeypatch):
    monkeypatch.setattr(zclient, "TIMEOUT", 0.5)
    server.faults.append(Fault("delay", seconds=1.5, methods=("POST",)))  # applied, but answered too late
    with pytest.raises(ZendeskError) as info:
        run_sync(server, dry_run=False)
    message = str(info.value)
    assert "não respondeu em 0.5 s" in message
    assert "0 de 6 mudanças já aplicadas" in message and "desconhecido" in message
    time.sleep(1.2)
    assert len(server.macros) == 1  # it was created: "0 applied" alone would have been wrong


# ------------------------------------------------------------------ 3. bounds


@pytest.mark.parametrize("kind", ["drip-body", "drip-headers"])
def test_a_dripping_server_hits_the_deadline(server, monkeypatch, kind):
    monkeypatch.setattr(zclient, "DEADLINE", 1.0)
    server.faults.append(Fault(kind, seconds=6))
    started = time.monotonic()
    with pytest.raises(ZendeskError, match="não terminou em 1.0 s"):
        run_sync(server, dry_run=True)
    assert time.monotonic() - started < 4


def test_endless_pagination_stops_at_the_page_limit(server, monkeypatch):
    monkeypatch.setattr(zclient, "MAX_PAGES", 30)
    server.endless_pages = 200
    with pytest.raises(ZendeskError, match="mais de 30 páginas"):
        run_sync(server, dry_run=True)
    assert len(server.requests) == 30


def test_a_huge_response_is_refused(server, monkeypatch):
    monkeypatch.setattr(zclient, "MAX_BYTES", 1000)
    server.faults.append(Fault("json", body={"macros": [], "padding": "x" * 5000}))
    with pytest.raises(ZendeskError, match="grande demais"):
        run_sync(server, dry_run=True)


# -------------------------------------------------------- 4. malformed answers

TITLE = macro_to_zendesk(load_macros()[0])["title"]
GOOD = {"id": 7, "title": TITLE, "actions": [{"field": "status", "value": "open"}]}


@pytest.mark.parametrize(
    "page",
    [
        {"macros": [dict(GOOD, id=True)]},
        {"macros": [dict(GOOD, id="7")]},
        {"macros": [dict(GOOD, id=7.0)]},
        {"macros": [dict(GOOD, id=-3)]},
        {"macros": [dict(GOOD, id=0)]},
        {"macros": [dict(GOOD, id=2**70)]},
        {"macros": [{k: v for k, v in GOOD.items() if k != "id"}]},
        {"macros": [dict(GOOD, title=None)]},
        {"macros": [dict(GOOD, title=["x"])]},
        {"macros": [dict(GOOD, restriction="User")]},
        {"macros": [dict(GOOD, restriction=5)]},
        {"macros": [dict(GOOD, restriction={"type": 5})]},
        {"macros": [dict(GOOD, actions="status")]},
        {"macros": [dict(GOOD, actions=None)]},
        {"macros": [dict(GOOD, actions=[1])]},
        {"macros": [dict(GOOD, actions=[{"field": 5, "value": "x"}])]},
        {"macros": [dict(GOOD, description=5)]},
        {"macros": [dict(GOOD, description=["a"])]},
        {"macros": [dict(GOOD, active="yes")]},
        {"macros": ["macro"]},
        {"macros": [None]},
        {"macros": {"id": 7}},
        {"macros": [GOOD], "next_page": 5},
        {"macros": [GOOD], "next_page": ["x"]},
        {"macros": [GOOD], "next_page": {"url": "x"}},
        [GOOD],
        "macros",
        None,
    ],
)
def test_a_malformed_macro_list_is_refused(server, page):
    server.faults.append(Fault("json", body=page))
    with pytest.raises(ZendeskError, match="resposta inesperada do Zendesk"):
        run_sync(server, dry_run=False)
    assert server.writes() == []


@pytest.mark.parametrize("raw", [b"", b"   ", b"{", b"<html>oops</html>", b"[" * 100_000, b"\xff\xfe", b"NaN"])
def test_a_body_that_is_not_a_json_object_is_refused(server, raw):
    server.faults.append(Fault("json", body=raw))
    with pytest.raises(ZendeskError, match="resposta inesperada do Zendesk"):
        run_sync(server, dry_run=True)


@pytest.mark.parametrize(
    "reply",
    [{}, {"macro": None}, {"macro": {}}, {"macro": {"id": True}}, {"macro": {"id": "1"}}, {"macro": []}, {"macros": []}, b""],
)
def test_a_create_without_a_valid_macro_is_not_reported_as_created(server, reply):
    server.faults.append(Fault("json", status=201, body=reply, methods=("POST",)))
    lines: list[str] = []
    with pytest.raises(ZendeskError) as info:
        zendesk.sync(official(load_macros()), Instance("teste", "agente@example.com", "token-de-teste", server.base_url),
                     dry_run=False, out=lines.append)
    assert "resposta inesperada do Zendesk" in str(info.value) and "desconhecido" in str(info.value)
    assert not any("criada #" in line for line in lines)


def test_an_update_answered_for_another_macro_is_refused(server):
    stale = macro_to_zendesk(load_macros()[0])
    stale["description"] = "antiga"
    macro_id = server.add(stale)
    server.faults.append(Fault("json", body={"macro": dict(GOOD, id=macro_id + 1)}, methods=("PUT",)))
    with pytest.raises(ZendeskError, match="resposta inesperada do Zendesk"):
        run_sync(server, dry_run=False)


# ---------------------------------------------------------------- 5. subdomain


@pytest.mark.parametrize(
    "subdomain",
    ["acme\n", "acme\r\n", "\nacme", "acme\x00", "ACME", "acme.evil.com", "acme/", "acme:443", "a" * 64, "-acme", "acme-", "", "acme@evil"],
)
def test_a_subdomain_must_be_exactly_a_subdomain(subdomain):
    with pytest.raises(ZendeskError, match="subdomínio inválido"):
        base_url_for(subdomain)


# ------------------------------------------------------------- issue 21: gateways (item 10) and bounds (item 11)


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_gateway_error_on_a_write_says_the_outcome_is_unknown_and_how_to_check(server, status):
    server.faults.append(Fault("status", status, methods=("POST",)))
    with pytest.raises(ZendeskError) as info:
        run_sync(server, dry_run=False)
    message = str(info.value)
    assert f"HTTP {status}" in message and "o resultado é desconhecido" in message, message
    assert "Confira a macro no Zendesk" in message and "--dry-run" in message, message
    assert "0 de 6 mudanças já aplicadas; o resultado da criação" in message, message


def test_a_gateway_error_on_a_read_is_just_an_error(server):
    server.faults.append(Fault("status", 503, methods=("GET",)))
    with pytest.raises(ZendeskError, match=r"erro no servidor do Zendesk \(HTTP 503 em GET") as info:
        run_sync(server, dry_run=True)
    assert "desconhecido" not in str(info.value)


def test_retry_after_waits_are_capped_for_the_whole_command(server, monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(zclient.time, "sleep", slept.append)
    server.queued.extend([(429, {"Retry-After": "600"})] * 40)  # each wait allowed alone; together, an hour and more
    with pytest.raises(ZendeskError, match=r"passariam de 900 s neste comando"):
        run_sync(server, dry_run=True)
    assert sum(slept) <= zclient.MAX_TOTAL_WAIT


def test_one_deadline_for_the_whole_command(server, monkeypatch):
    monkeypatch.setattr(zclient, "TOTAL_DEADLINE", 1.0)
    server.endless_pages = 20
    for _ in range(20):
        server.faults.append(Fault("delay", seconds=0.3, methods=("GET",)))  # each page well within its own limits
    started = time.monotonic()
    with pytest.raises(ZendeskError, match=r"passaria de 1 s de conversa com o Zendesk"):
        run_sync(server, dry_run=True)
    assert time.monotonic() - started < 3


def test_the_answers_of_one_command_have_a_total_size_limit(server, monkeypatch):
    monkeypatch.setattr(zclient, "MAX_TOTAL_BYTES", 5_000)
    server.endless_pages = 200
    with pytest.raises(ZendeskError, match=r"passaram de 5,000 bytes neste comando"):
        run_sync(server, dry_run=True)
    assert len(server.requests) < 200
