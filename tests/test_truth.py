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
