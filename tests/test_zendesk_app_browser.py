"""The Zendesk sidebar app as Zendesk drives it: a host page on another origin frames the sidebar page.

The host (tests/zendesk_host.py) speaks the real SDK's postMessage protocol with
a fake ticket and records every call. The site is served by the real nginx with
the published configuration, its sidebar location allowing the fake host as the
Zendesk host (`Hosting.with_sidebar_host`, what `build-docs --zendesk-subdomain`
sets for a real account). Two sites: the session's (the macros are proposals,
with no Zendesk id) and one built from a copy of the repository whose macros
were brought in by the real `import-zendesk` from the fake Zendesk API (so they
have official ids). The walk is the engine's shortest path to the outcome; the
test clicks the labels a person reads.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, assert_clean, build_site, published, watched_page
from engine_helpers import all_paths, bundle, engine
from playwright.sync_api import FrameLocator, Page, expect
from zendesk_fake import EMAIL, TOKEN, load_macros, serve
from zendesk_host import Host, zendesk_host

from decision_tree.core.engine import Engine, State
from decision_tree.core.model import Guidelines
from decision_tree.core.urls import ZENDESK_SIDEBAR
from decision_tree.sitegen.local_nginx import Certificate, LocalNginx
from decision_tree.zendesk import import_zendesk
from decision_tree.zendesk.instance import Instance

pytestmark = pytest.mark.browser
READY = 60_000
PREFIX_MODE = engine().g.ticket.prefix_mode
PREFIX = engine().g.ticket.prefix.text
APP = bundle()["zendesk_app"]
TAGS = {r["audience"]: r["tags"] for r in APP["audience_tags"]["rules"]}
MODE_TAGS = {r["mode"]: r["tags"] for r in APP["ticket_tags"]["rules"]}


def path_to(e: Engine, mode: str, audience: str) -> State:
    found = [s for s in all_paths(e) if (r := e.recommend(s))["mode"] == mode and r["audience"] and r["audience"]["id"] == audience]
    return min(found, key=lambda s: len(s.answers))


def labels(e: Engine, state: State) -> list[str]:
    return [step.option.label for step in e.walk(state).steps]


def ticket(org_tags: list[str] | None, comments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    organization = {"id": 7, "name": "Organização de teste", "tags": org_tags} if org_tags is not None else None
    return {"id": 4321, "subject": "Erro ao gerar a nota fiscal", "organization": organization, "comments": comments or []}


# -- the sites and the host ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def host(certificate: Certificate) -> Iterator[Host]:
    with zendesk_host(str(certificate.cert), str(certificate.key)) as h:
        yield h


def served(site: Path, host: Host, certificate: Certificate, workdir: Path) -> Iterator[LocalNginx]:
    """`site` by the published nginx file, its sidebar page framable by the fake host only."""
    server = LocalNginx(site, published().with_sidebar_host(host.origin), workdir, certificate=certificate)
    server.__enter__()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def proposals_url(site_dir: Path, host: Host, certificate: Certificate, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The session's site (macros are proposals): its sidebar page."""
    for server in served(site_dir, host, certificate, tmp_path_factory.mktemp("nginx-zapp")):
        yield server.url + ZENDESK_SIDEBAR


def repository_copy(dest: Path) -> Path:
    """What `build-docs` and `mkdocs build` read, copied (node_modules and the content cache shared)."""
    for name in ("docs", "overrides", "macros", "schemas"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    # the whole package: the build runs `python -m decision_tree` in the copy, whose folder is the one imported
    shutil.copytree(ROOT / "decision_tree", dest / "decision_tree", ignore=shutil.ignore_patterns("__pycache__"))
    os.symlink(ROOT / "node_modules", dest / "node_modules")
    (ROOT / ".cache").mkdir(exist_ok=True)
    os.symlink(ROOT / ".cache", dest / ".cache")
    return dest


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A copy of the repository after a real `import-zendesk` (official texts and ids), built into a site."""
    root = repository_copy(tmp_path_factory.mktemp("imported-repo"))
    with serve() as zendesk:
        ids = {m["id"]: zendesk.add({
            "title": m["title"], "description": "Descrição oficial", "active": True,
            "actions": [{"field": "comment_value_html", "value": f"<p>Texto oficial de {m['title']}.</p>"},
                        {"field": "comment_mode_is_public", "value": True}, {"field": "current_tags", "value": "consultoria"},
                        {"field": "status", "value": "open"}],
        }) for m in load_macros(root)}
        import_zendesk(load_macros(root), root, Instance("teste", EMAIL, TOKEN, zendesk.base_url), dry_run=False,
                       out=lambda line: None, today="2026-12-01")
    out = tmp_path_factory.mktemp("imported-site") / "site"
    result = build_site(root, out)
    assert result.returncode == 0, f"build failed:\n{result.stdout}\n{result.stderr}"
    return out, ids


@pytest.fixture(scope="module")
def official_url(imported: tuple[Path, dict[str, int]], host: Host, certificate: Certificate,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    for server in served(imported[0], host, certificate, tmp_path_factory.mktemp("nginx-zapp-official")):
        yield server.url + ZENDESK_SIDEBAR


@pytest.fixture(scope="module")
def page(browser) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    with watched_page(browser, "https://127.0.0.1/") as p:
        yield p


# -- helpers ---------------------------------------------------------------------------------------


def open_app(page: Page, host: Host, app_url: str, t: dict[str, Any], **kwargs: Any) -> FrameLocator:
    page.goto(host.page(app_url, t, **kwargs))
    app = page.frame_locator("#app")
    expect(app.locator("[data-app=wizard]")).to_have_attribute("data-engine", "ready", timeout=READY)
    return app


def answer(app: FrameLocator, label: str) -> None:
    before = app.locator("[data-role=history-list] > li").count()
    app.get_by_role("radio", name=label, exact=True).check()
    app.get_by_role("button", name="Próxima").click()
    expect(app.locator("[data-role=history-list] > li")).to_have_count(before + 1, timeout=READY)


def walk_to_last_question(app: FrameLocator, steps: list[str]) -> None:
    for label in steps[:-1]:
        answer(app, label)
    expect(app.locator("[data-role=question] legend")).to_be_visible()


def writes(page: Page) -> list[dict[str, Any]]:
    return page.evaluate("window.writes")


def mark(app: FrameLocator, label: str) -> None:
    box = app.get_by_role("checkbox", name=label)
    box.check()
    expect(app.get_by_role("checkbox", name=label)).to_be_checked(timeout=READY)


def action(app: FrameLocator, name: str):  # type: ignore[no-untyped-def]
    return app.locator(f"[data-zendesk-action={name!r}]".replace("'", '"'))


# -- the tests -------------------------------------------------------------------------------------


def test_modulo_for_an_ams_organization_each_button_sends_exactly_its_call(page: Page, host: Host, official_url: str,
                                                                            imported: tuple[Path, dict[str, int]]) -> None:
    e = Engine(Guidelines.from_dict(bundle()))
    state = path_to(e, PREFIX_MODE, "ams")
    steps = labels(e, state)
    app = open_app(page, host, official_url, ticket([TAGS["ams"][0], "outra-tag"]))
    expect(app.locator("[data-role=ticket-id]")).to_have_text("#4321")
    expect(app.locator("[data-role=ticket-subject]")).to_have_text("Erro ao gerar a nota fiscal")

    walk_to_last_question(app, steps)
    expect(app.get_by_role("radio", name=steps[-1], exact=True)).to_be_checked()  # preselected by the organization's tags
    expect(app.locator("[data-role=zendesk-preselect]")).to_contain_text("Não consta na diretriz")
    app.get_by_role("button", name="Próxima").click()
    expect(app.locator("[data-role=zendesk-actions]")).to_be_visible(timeout=READY)
    assert writes(page) == [], "opening the app and walking wrote to the ticket"

    outcome = e.recommend(state)
    termo = next(m for s in outcome["steps"] for m in s["macros"])
    marks = [s for s in outcome["steps"] if s["mark"]]
    macro_id = imported[1][termo["id"]]
    button = action(app, f"macro-{termo['id']}").get_by_role("button")
    expect(button).to_be_disabled()
    expect(action(app, f"macro-{termo['id']}")).to_contain_text(f"Disponível depois de marcar “{marks[0]['mark']}”")
    expect(action(app, "subject").get_by_role("button")).to_be_disabled()

    mark(app, marks[0]["mark"])
    button = action(app, f"macro-{termo['id']}").get_by_role("button")
    expect(button).to_be_enabled()
    expect(action(app, "subject").get_by_role("button")).to_be_disabled()  # the Aceite is not marked yet
    assert writes(page) == []
    button.click()
    expect(action(app, f"macro-{termo['id']}").locator("[data-role=result]")).to_have_text(
        "Macro aplicada ao ticket: confira a resposta e envie.")
    assert writes(page) == [{"request": "invoke", "params": {"macro": [macro_id]}}]

    marked = e.mark(state, marks[0]["id"], True)
    note = e.recommend(marked)["ticket_note"]
    expect(app.locator("[data-role=ticket-note]")).to_have_text(note)
    action(app, "note").get_by_role("button").click()
    expect(action(app, "note").locator("[data-role=result]")).to_have_text("Nota interna adicionada ao ticket.")
    put = writes(page)[1]
    assert put["request"] == "request" and put["params"]["type"] == "PUT"
    assert put["params"]["url"] == "/api/v2/tickets/4321.json"
    assert json.loads(put["params"]["data"]) == {"ticket": {"comment": {"body": note, "public": False}}}

    action(app, "tags").get_by_role("button").click()
    expect(action(app, "tags").locator("[data-role=result]")).to_contain_text("Tags adicionadas")
    assert writes(page)[2] == {"request": "invoke", "params": {"ticket.tags.add": [MODE_TAGS[PREFIX_MODE]]}}
    expect(action(app, "tags")).to_contain_text("Não consta na diretriz")

    for m in marks[1:]:
        mark(app, m["mark"])
    subject = action(app, "subject").get_by_role("button")
    expect(subject).to_be_enabled()
    subject.click()
    expect(action(app, "subject").locator("[data-role=result]")).to_have_text("Assunto prefixado: envie o ticket para salvá-lo.")
    assert writes(page)[3:] == [{"request": "set", "params": {"ticket.subject": f"{PREFIX} Erro ao gerar a nota fiscal"}}]
    expect(app.locator("[data-role=ticket-note]")).to_contain_text(PREFIX)  # the note takes the prefix at the same point
    assert_clean(page)


def test_an_unknown_organization_leaves_the_audience_unselected_and_a_macro_without_id_says_why(
        page: Page, host: Host, proposals_url: str) -> None:
    e = engine()
    state = path_to(e, PREFIX_MODE, "ams")
    steps = labels(e, state)
    app = open_app(page, host, proposals_url, ticket(["tag-que-ninguem-configurou"]))
    expect(app.locator("[data-role=zendesk-audience]")).to_contain_text("não indicam o solicitante")
    walk_to_last_question(app, steps)
    expect(app.locator("[data-role=question] input[type=radio]:checked")).to_have_count(0)
    answer(app, steps[-1])
    termo = next(m for s in e.recommend(state)["steps"] for m in s["macros"])
    row = action(app, f"macro-{termo['id']}")
    expect(row.get_by_role("button")).to_be_disabled()
    expect(row.locator("[data-role=why]")).to_contain_text(f"aplique “{termo['title']}” pelo título")
    assert writes(page) == []


def test_the_settings_replace_the_yaml_tags(page: Page, host: Host, proposals_url: str) -> None:
    app = open_app(page, host, proposals_url, ticket(["parceiro-x"]), settings={"tags_totvs": "Parceiro-X, outra"})
    totvs = next(a["title"] for a in bundle()["audiences"] if a["id"] == "totvs")
    expect(app.locator("[data-role=zendesk-audience]")).to_contain_text(totvs)
    app = open_app(page, host, proposals_url, ticket(None))
    expect(app.locator("[data-role=zendesk-audience]")).to_contain_text("O ticket não tem organização")
    expect(app.locator("[data-role=ticket-organization]")).to_have_text("(nenhuma)")
    assert writes(page) == []
    assert_clean(page)


def test_the_hosts_errors_are_shown_beside_the_button(page: Page, host: Host, official_url: str) -> None:
    e = engine()
    state = path_to(e, PREFIX_MODE, "ams")
    app = open_app(page, host, official_url, ticket(TAGS["ams"]),
                   fail={"invoke:macro": "A macro está inativa", "request:PUT": "O ticket está fechado"})
    for label in labels(e, state):
        answer(app, label)
    action(app, "note").get_by_role("button").click()
    expect(action(app, "note").locator("[data-role=result]")).to_have_text("Falhou: O ticket está fechado")
    first = next(s for s in e.recommend(state)["steps"] if s["mark"])
    mark(app, first["mark"])
    termo = next(m for s in e.recommend(state)["steps"] for m in s["macros"])
    action(app, f"macro-{termo['id']}").get_by_role("button").click()
    expect(action(app, f"macro-{termo['id']}").locator("[data-role=result]")).to_have_text("Falhou: A macro está inativa")

    page.goto(host.page(official_url, ticket(TAGS["ams"]), fail={"get": "Sem permissão para ler o ticket"}))
    expect(page.frame_locator("#app").locator("[data-role=zendesk-error]")).to_contain_text("Sem permissão para ler o ticket",
                                                                                              timeout=READY)


def test_a_second_open_of_the_same_ticket_resumes_from_the_apps_internal_note(page: Page, host: Host, proposals_url: str) -> None:
    e = engine()
    state = path_to(e, PREFIX_MODE, "ams")
    first = next(s for s in e.recommend(state)["steps"] if s["mark"])
    app = open_app(page, host, proposals_url, ticket(TAGS["ams"]))
    for label in labels(e, state):
        answer(app, label)
    mark(app, first["mark"])
    action(app, "note").get_by_role("button").click()
    expect(action(app, "note").locator("[data-role=result]")).to_have_text("Nota interna adicionada ao ticket.")
    body = writes(page)[0]["params"]["data"]
    note = json.loads(body)["ticket"]["comment"]["body"]
    saved = [{"id": 1, "public": True, "body": "Olá, preciso de ajuda.", "plain_body": "Olá, preciso de ajuda."},
             {"id": 2, "public": False, "body": note, "plain_body": note}]

    app = open_app(page, host, proposals_url, ticket(TAGS["ams"], saved))  # Zendesk keeps the note; the app opens again
    expect(app.locator("[data-role=zendesk-resume]")).to_be_visible()
    expect(app.locator("[data-role=outcome-title]")).to_contain_text(e.recommend(state)["mode_title"], timeout=READY)
    expect(app.get_by_role("checkbox", name=first["mark"])).to_be_checked()
    expect(app.locator("[data-role=ticket-note]")).to_have_text(note)
    assert writes(page) == []
    assert_clean(page)


def test_outside_zendesk_it_says_so_and_works_as_the_wizard(page: Page, proposals_url: str) -> None:
    page.goto(proposals_url)
    expect(page.locator("[data-role=zendesk-outside]")).to_contain_text("Fora do Zendesk")
    expect(page.locator("[data-app=wizard]")).to_have_attribute("data-engine", "ready", timeout=READY)
    e = engine()
    first = labels(e, path_to(e, PREFIX_MODE, "ams"))[0]
    page.get_by_role("radio", name=first, exact=True).check()
    page.get_by_role("button", name="Próxima").click()
    expect(page.locator("[data-role=history-list] > li")).to_have_count(1, timeout=READY)
    expect(page.locator("[data-role=zendesk-ticket]")).to_be_hidden()


def test_only_the_sidebar_page_may_be_framed_and_only_by_the_configured_host(page: Page, host: Host, proposals_url: str,
                                                                               site_url: str) -> None:
    base = proposals_url[: -len(ZENDESK_SIDEBAR)]
    page.goto(host.frame_page(proposals_url))
    expect(page.frame_locator("#app").locator("[data-app=wizard]")).to_have_count(1, timeout=READY)
    for url in (base, base + "assistente/", site_url + ZENDESK_SIDEBAR):  # the last: a host that allows another Zendesk
        with page.expect_event("console", predicate=lambda m: "frame-ancestors" in m.text, timeout=READY):
            page.goto(host.frame_page(url))
        assert page.frame_locator("#app").locator("[data-app]").count() == 0
    page.problems.clear()  # type: ignore[attr-defined]  (the refusals above are the expected console errors)
