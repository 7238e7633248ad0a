"""What the site, the wizard, the calculator and the CLI say is the guideline's only when the guideline says it.

Issue 20 ("Truth, round 3"). Three families of checks, each over everything the
engine can say (every path of the tree, every quote), not over chosen examples:

- a text sourced to the guideline names only what the guideline contains: every
  name (a capitalised word that does not start a sentence, an acronym) and every
  number of it occurs in decision_tree/diretriz.txt;
- a payer is stated as the guideline's only where the quoted passage names it;
- a rule reaches only the Termo audience it applies to (the pass-through rule
  "não devendo gerar qualquer cobrança contra o cliente" never reaches a cliente final).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from engine_helpers import GUIDELINE_TEXT, ROOT, all_paths, bundle, engine

from decision_tree.core.engine import State
from decision_tree.core.pricing import quote
from decision_tree.sitegen.pages import generate_pages

E = engine()
G = E.g
PASS_THROUGH = "não devendo gerar qualquer cobrança contra o cliente"


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+|\d+", unicodedata.normalize("NFC", text).casefold()))


GUIDELINE_WORDS = _words((ROOT / GUIDELINE_TEXT).read_text(encoding="utf-8"))


def names_and_numbers(text: str) -> list[str]:
    """The names (capitalised words that do not start a sentence; acronyms anywhere) and numbers of a text."""
    found = []
    # A blank to fill in ("[ENDEREÇO DE E-MAIL]", "[VALOR POR MINUTO]") names nothing: it says the text is not given.
    text = re.sub(r"\[[^\]a-zà-ú]*\]", " ", unicodedata.normalize("NFC", text))
    for m in re.finditer(r"[^\W\d_]+|\d+", text):
        word = m.group()
        before = text[: m.start()].rstrip(" \t\"“”'‘’(*")
        starts_sentence = not before or before[-1] in ".!?\n"
        if word.isdigit() or (len(word) > 1 and word.isupper()) or (word[0].isupper() and not starts_sentence):
            found.append(word)
    return found


def unknown_to_the_guideline(text: str) -> list[str]:
    return [w for w in names_and_numbers(text) if w.casefold() not in GUIDELINE_WORDS]


def sourced_texts(data: Any, where: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every (where, text, source) below `data` whose source is normalized (engine output, bundle)."""
    if isinstance(data, dict):
        source = data.get("source")
        if isinstance(source, dict) and "kind" in source and isinstance(data.get("text"), str):
            yield where, data["text"], source
        for key, value in data.items():
            yield from sourced_texts(value, f"{where}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from sourced_texts(value, f"{where}[{i}]")


def every_outcome() -> Iterator[tuple[State, dict[str, Any]]]:
    """Every path's outcome, with nothing marked and with every mark set (the bodies of the macros then)."""
    for state in all_paths(E):
        yield state, E.recommend(state)
        marks = len(E.marks_of(E.walk(state)))
        if marks:
            done = State(state.answers, (1 << marks) - 1)
            yield done, E.recommend(done)


def every_quote() -> Iterator[dict[str, Any]]:
    for mode, rules in G.billing.modes.items():
        for audience in G.audiences:
            for waived in ([False, True] if rules.waivable else [False]):
                yield quote(G, mode=mode, audience=audience, minutes="12,5", waived=waived).to_dict()


def everything_said() -> Iterator[tuple[str, str, dict[str, Any]]]:
    yield from sourced_texts(bundle(), "bundle")
    for state, r in every_outcome():
        yield from sourced_texts(r, f"recommend {E.encode(state)}")
    for q in every_quote():
        yield from sourced_texts(q, f"quote {q['mode']} {q['audience']}")


# -- a guideline-sourced text names only what the guideline contains -------------------------------

def test_the_name_check_catches_what_the_guideline_does_not_name() -> None:
    """The check itself: the tax names the guideline never gives are caught; its own words are not."""
    assert unknown_to_the_guideline("Impostos somados: ISS, PIS, COFINS.") == ["ISS", "PIS", "COFINS"]
    assert unknown_to_the_guideline("Quem paga: Cliente. Mínimo de 15 minutos.") == ["15"]
    assert unknown_to_the_guideline("Ocorrência isolada: aprovada pelo Maestro, 100% tarifado, mínimo de 10 minutos.") == []
    assert unknown_to_the_guideline("Registrar no ticket o passo a passo.") == []  # a sentence starts with a capital


def test_every_guideline_sourced_text_names_only_what_the_guideline_contains() -> None:
    offences = sorted({f"{where}: {word!r} in {text!r}" for where, text, source in everything_said() if source["kind"] == "guideline"
                       for word in unknown_to_the_guideline(text)})
    assert offences == [], "\n".join(offences[:20])


def test_the_calculator_never_sources_the_tax_names_to_the_guideline() -> None:
    for q in every_quote():
        for rule in q["rules"]:
            named = [t.name for t in G.billing.taxes if t.name in rule["text"]]
            assert not named or rule["source"]["kind"] == "local", rule


def test_a_payer_is_the_guidelines_only_where_the_passage_names_it() -> None:
    """"Quem paga: Cliente" for a cliente final was sourced to the consultants' pass-through passage."""
    stated = []
    for _state, r in every_outcome():
        if r["payer"]:
            stated.append((r["payer"]["title"], r["payer"]["rule"]["source"], r["outcome"]))
    for q in every_quote():
        if q["payer_title"]:
            stated.append((q["payer_title"], q["payer_source"], f"quote {q['mode']} {q['audience']}"))
    assert stated
    for title, source, where in stated:
        if source["kind"] == "guideline":
            assert title in source["quote"], (where, title, source["quote"])  # as written: "Cliente" ≠ "o cliente"


# -- a rule reaches only the audience it applies to -------------------------------------------------

def _payer_texts(mode: str) -> list[tuple[str, set[str]]]:
    """The mode's payer rules in words, each with the audiences it speaks of."""
    b = G.billing.modes[mode]
    if not b.payers:
        return []
    covered = set(b.payer_audiences or G.audiences)
    rules = [(b.payers.text, covered)]
    if b.payer_otherwise:
        rules.append((b.payer_otherwise.text, set(G.audiences) - covered))
    return rules


def test_every_payer_rule_is_shown_only_to_its_audience_in_the_engine_and_the_calculator() -> None:
    checked = 0
    for state, r in every_outcome():
        said = json.dumps(r, ensure_ascii=False)
        for text, audiences in _payer_texts(r["mode"]):
            if r["audience"]:
                assert (text in said) == (r["audience"]["id"] in audiences), (E.encode(state), text)
                checked += 1
    for q in every_quote():
        said = json.dumps(q, ensure_ascii=False)
        for text, audiences in _payer_texts(q["mode"]):
            if not q["waived"]:
                assert (text in said) == (q["audience"] in audiences), (q["mode"], q["audience"], text)
    assert checked


def test_the_pass_through_rule_never_reaches_a_cliente_final() -> None:
    """Issue 20, item 2: every Módulo outcome for a cliente final listed it right above "Quem paga: Cliente"."""
    finals = [(s, r) for s, r in every_outcome() if r["audience"] and r["audience"]["id"] == "cliente-final"]
    assert {r["mode"] for _, r in finals} == {"consultoria-modulo", "consultoria-telefonica"}
    for state, r in finals:
        assert PASS_THROUGH not in json.dumps(r, ensure_ascii=False), E.encode(state)
    consultants = [r for _, r in every_outcome() if r["mode"] == "consultoria-modulo" and r["audience"]
                   and r["audience"]["id"] != "cliente-final"]
    assert consultants and all(PASS_THROUGH in json.dumps(r, ensure_ascii=False) for r in consultants)


# -- item 4: the Termo is named, not shown, before the approval ----------------------------------

def test_before_the_approval_the_termo_is_named_and_its_body_is_not_sent() -> None:
    gated = 0
    for state in all_paths(E):
        r = E.recommend(state)
        if r["mode"] != "consultoria-modulo":
            continue
        termo = next(m for s in r["steps"] for m in s["macros"] if m["kind"] == "termo")
        assert termo["title"] and not termo["ready"]
        assert termo["html"] is None and termo["plain"] is None
        note = r["ticket_note"].splitlines()
        assert "Aguardando aprovação" in note and not any(line.startswith("Macro:") for line in note)
        assert termo["title"] not in r["ticket_note"]
        for step in (s for s in r["steps"] if not s["macros"] and s["mark"] and s["title"]):  # the prerequisites, in order
            state = E.mark(state, step["id"], True)
        ready = E.recommend(state)
        approved = next(m for s in ready["steps"] for m in s["macros"] if m["kind"] == "termo")
        assert approved["ready"] and approved["html"] and approved["plain"]
        assert f"Macro: {approved['title']}" in ready["ticket_note"].splitlines()
        gated += 1
    assert gated


# -- items 7, 9: the pages -------------------------------------------------------------------------

def pages() -> dict[str, str]:
    return generate_pages(bundle(), last_changed={})


def test_the_waiver_is_always_stated_with_its_condition() -> None:
    """Issue 20, item 9: the home page's Tarifação cell dropped "(Issue ainda não disponível no Portal do Cliente)"."""
    condition = "(Issue ainda não disponível no Portal do Cliente)"
    waiver = "inconsistência no Produto e/ou Documentação"
    said = [(w, t) for w, t, _s in everything_said() if waiver in t]
    assert said
    for where, text in said:
        assert condition in " ".join(text.split()), where
    home = " ".join(pages()["index.md"].split())
    assert waiver in home and condition in home


def test_the_reading_of_an_issue_already_in_the_portal_is_labelled() -> None:
    reading = G.billing.modes["consultoria-modulo"].waiver_reading
    assert reading is not None and reading.source.local
    assert reading.text in pages()["modos/consultoria-modulo.md"]
    assert any(reading.text in item["what"] for item in _confirm_items())


def _confirm_items() -> list[dict[str, Any]]:
    from decision_tree.sitegen.pages_confirm import local_items

    return local_items(bundle(), G)


def test_every_help_that_is_a_reading_is_labelled_and_listed() -> None:
    """Issue 20, item 10: "Se mais de uma resposta se aplicar, escolha a primeira da lista" can change the mode."""
    helps = [q for q in G.questions.values() if "primeira da lista" in q.help]
    assert helps
    listed = {item["what"] for item in _confirm_items()}
    table = pages()["tabela-de-decisao.md"]
    for q in helps:
        assert q.help_source is not None and q.help_source.local, q.id
        assert q.help in listed
        section = table[table.index(f'id="{q.id}"'):]
        assert "Não consta na diretriz" in section[: section.index("</p>")], q.id


# -- item 11: the CLI says what the page says -----------------------------------------------------

@pytest.mark.parametrize("answers", [("ocorrencia", "sim", "sim", "intermitente", "totvs"), ("emergencia", "ams")])
def test_recommend_prints_every_step_order_note_the_page_shows(answers: tuple[str, ...]) -> None:
    state = E.start()
    for a in answers:
        state = E.answer(state, a)
    r = E.recommend(state)
    orders = [s["order"] for s in r["steps"] if s["order"]]
    assert orders
    out = subprocess.run([sys.executable, "-m", "decision_tree", "recommend", E.encode(state)], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    for order in orders:
        assert order["text"] in out
        line = next(line for line in out.splitlines() if order["text"] in line)
        assert ("[não consta na diretriz]" in line) == (order["source"]["kind"] == "local")


# -- the fresh-eyes walk of issue 20 (walk-report.md) ---------------------------------------------

MACRO_CHOICE = "indicando a mais adequada para cada uma das situações"


def _plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_telefonica_requester_question_does_not_claim_it_picks_the_termo() -> None:
    """Walk finding 2: "Define o Termo de Aceite a aplicar e quem paga a Consultoria Telefônica." — the guideline has
    one Telefônica Termo, and who pays it is a reading."""
    termos = [m for m in G.macros.values() if m.mode == "consultoria-telefonica" and m.is_termo]
    assert len(termos) == 1  # the premise: one Termo for everyone
    q = G.questions["q-publico-telefonica"]
    assert "Define o Termo" not in q.help and "um só Termo" in q.help
    assert q.help_source is not None and q.help_source.local
    assert q.help in {item["what"] for item in _confirm_items()}
    termo_step = next(s for s in G.workflow if "termo" in s.macro_kinds)
    assert "quem solicita" not in termo_step.text.text  # shared by both modes: nothing to choose by requester in one


@pytest.mark.parametrize("mode", ["consultoria-modulo", "consultoria-telefonica"])
def test_the_mode_pages_quote_the_guideline_on_choosing_a_macro(mode: str) -> None:
    """Walk finding 2: "escolhendo a mais adequada para quem solicita" reworded "… para cada uma das situações"."""
    section = _plain(pages()[f"modos/{mode}.md"].split("## Macros", 1)[1])
    assert f"“Utilizar as Macros Oficiais compartilhadas no Zendesk, {MACRO_CHOICE}”" in section
    assert "para quem solicita" not in section
    assert ("um Termo de Aceite para cada solicitante" in section) == (mode == "consultoria-modulo")


def test_the_material_complementar_steps_are_labelled_as_proposed() -> None:
    """Walk finding 10: the proposed steps sat unlabelled under the guideline's own titles, and the changelog said
    they were written "a partir do que a diretriz estabelece"."""
    page = pages()["material-complementar.md"]
    blocks = page.split("<details")[1:]
    assert len(blocks) == len(bundle()["procedures"])
    for block in blocks:
        assert LOCAL_LABEL in block[: block.index("<li>")], block[:300]
    history = _changelog()
    assert "a partir do que a diretriz estabelece" not in " ".join(history.split())
    assert "(a diretriz traz só os títulos)" in " ".join(history.split())


LOCAL_LABEL = "Não consta na diretriz"


def _changelog() -> str:
    return " ".join(" ".join([e["summary"], *e["changes"]]) for e in bundle()["changelog"])


def test_every_exclusion_between_criteria_is_labelled() -> None:
    """Walk finding 11: "Não se aplica junto com" is this site's logic; the guideline states no exclusions."""
    seen = 0
    for name in ("modos/suporte-padrao.md", "modos/consultoria-modulo.md"):
        for tag in pages()[name].split("Não se aplica junto com:")[1:]:
            seen += 1
            assert LOCAL_LABEL in re.split(r" · |</p>", tag, maxsplit=1)[0], (name, tag[:200])
    assert seen >= 2
    listed = " ".join(item["what"] for item in _confirm_items())
    assert "“Não se aplica junto com”" in listed


def test_the_conouts_order_is_a_labelled_reading_that_puts_the_analysis_first() -> None:
    """Walk finding 7: the analysis was gated behind the approval, an order the guideline does not give."""
    p = G.prerequisites["conouts-apos-maestro"]
    assert p.order is not None and p.order.source.local
    assert "antes da aprovação do ticket" in " ".join(p.order.text.split())
    assert "(" not in p.title  # no doubled parentheses next to "— só no critério “…”"
    table = _plain(pages()["tabela-de-decisao.md"])
    assert f"{p.title} — só no critério “{G.criteria['modulo-erro-intermitente'].title}”" in table


def test_the_sites_own_text_goes_on_in_lower_case_after_a_colon() -> None:
    """Walk finding 14: "Se ainda não tiver sido feita: Verificar…", "Atenção: A diretriz…"."""
    everything = pages()
    for name, label in (("modos/suporte-padrao.md", "feita:</em> "), ("modos/suporte-padrao.md", "Atenção:</strong> "),
                        ("material-complementar.md", "Atenção:</strong> ")):
        assert label in everything[name]
        assert not re.search(re.escape(label) + "[A-ZÀ-Ú][a-zà-ú]", everything[name]), (name, label)
    assert '"' not in _changelog()  # curly quotes, as the rest of the site


def test_pontos_a_confirmar_lists_the_suporte_padrao_billing_once() -> None:
    """Walk finding 14: "Suporte Padrão — Sem tarifação." and "… não é tarifado." were two entries for one point; the
    summary's label still links to the one entry."""
    items = _confirm_items()
    sp = [i for i in items if i["area"] == "billing" and i["what"].startswith(G.modes["suporte-padrao"].title)]
    assert len(sp) == 1, [i["what"] for i in sp]
    summary_anchor = bundle()["billing"]["modes"]["suporte-padrao"]["summary"]["source"]["anchor"]
    assert f'id="{summary_anchor}"' in pages()["pontos-a-confirmar.md"]


def test_the_missing_confirmations_outcome_lists_its_readings_on_pontos_a_confirmar() -> None:
    """Walk finding 5: its local next step carried no label and was not listed."""
    listed = {" ".join(item["what"].split()) for item in _confirm_items()}
    outcome = G.outcomes["out-sp-simulacao"]
    for text in (outcome.summary, *outcome.next_steps):
        assert text.source.local and " ".join(text.text.split()) in listed, text.text


def test_the_flowchart_says_it_scrolls_sideways() -> None:
    """Walk finding 13: the diagram is about 4,000 px wide and nothing visible said to scroll sideways."""
    page = pages()["fluxograma.md"]
    visible = _plain(page[: page.index('<div class="kb-flowchart"')])
    assert "role-o para o lado" in visible
