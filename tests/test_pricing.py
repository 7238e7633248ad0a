"""Each billing rule, priced; numbers read one pt-BR way; every rule applied says where it comes from."""

from __future__ import annotations

from decimal import Decimal

import pytest
from engine_helpers import bundle, engine
from hypothesis import given
from hypothesis import strategies as st

from decision_tree.core import api
from decision_tree.core.billing import TaxLine
from decision_tree.core.pricing import QuoteError, parse_number, quote

G = engine().g
NO_TAX: list[TaxLine] = []


def q(**kw):  # type: ignore[no-untyped-def]
    kw.setdefault("mode", "consultoria-modulo")
    return quote(G, **kw)


def rules(x) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    return {r["id"]: r for r in x.rules}


def test_modulo_is_per_minute_with_the_guidelines_minimum() -> None:
    minimum = G.billing.modes["consultoria-modulo"].minimum
    short = q(minutes="4", rate="3,00", taxes=NO_TAX)
    assert short.minutes_billed == minimum and short.subtotal == Decimal(3 * minimum)
    assert rules(short)["minimo"]["source"]["kind"] == "guideline"
    long = q(minutes="25", rate="3", taxes=NO_TAX)
    assert long.minutes_billed == 25 and long.total == Decimal("75.00") and "minimo" not in rules(long)


def test_started_minutes_round_up_before_the_minimum_as_a_local_rule() -> None:
    x = q(minutes="12,1", rate="2", taxes=NO_TAX)
    assert x.minutes_worked == Decimal("12.1") and x.minutes_billed == 13
    assert rules(x)["arredondamento"]["source"]["kind"] == "local"
    y = q(minutes="8,2", rate="2", taxes=NO_TAX)  # 9 started minutes -> the minimum
    assert y.minutes_billed == 10 and {"arredondamento", "minimo"} <= set(rules(y))


def test_what_the_client_reads_adds_up() -> None:
    """Hardening 11: 13 min at R$ 1,07 showed 13,91 + 0,70 + 0,09 + 0,42 = 15,12 but a total of 15,11."""
    x = q(minutes="13", rate="1,07").to_dict()
    assert x["subtotal"] == "13.91" and [t["amount"] for t in x["taxes"]] == ["0.70", "0.09", "0.42"]
    assert x["total"] == "15.12"


@given(minutes=st.integers(1, 5000), cents=st.integers(1, 100000))
def test_the_lines_always_add_up_to_the_total(minutes: int, cents: int) -> None:
    d = q(minutes=str(minutes), rate=f"{cents // 100},{cents % 100:02d}").to_dict()
    assert Decimal(d["subtotal"]) + sum(Decimal(t["amount"]) for t in d["taxes"]) == Decimal(d["total"])


def test_the_reference_taxes_and_rate_are_labelled_local() -> None:
    x = q(minutes="10")
    assert x.rate_per_minute == G.billing.reference_rate
    assert rules(x)["aliquotas"]["source"]["kind"] == "local"
    assert rules(x)["impostos"]["source"]["kind"] == "guideline"  # "+ impostos" is the guideline's
    assert rules(x)["centavos"]["source"]["kind"] == "local"


def test_modulo_waived_on_a_product_or_documentation_inconsistency() -> None:
    x = q(minutes="30", rate="3", waived=True)
    assert x.total == 0 and x.client_pays == 0 and x.waived and x.payer is None
    assert x.waived_amount == q(minutes="30", rate="3").total
    assert rules(x)["abono"]["source"]["kind"] == "guideline"


def test_telefonica_is_always_billed_and_its_local_settings_say_so() -> None:
    x = quote(G, mode="consultoria-telefonica", minutes="3", rate="3")
    assert x.minutes_billed == 3 and x.total == Decimal("9.00") and x.taxes == ()
    local = {k for k, r in rules(x).items() if r["source"]["kind"] == "local"}
    assert {"por-minuto", "sem-minimo", "sem-impostos"} <= local
    assert rules(x)["sem-abono"]["source"]["kind"] == "guideline"
    with pytest.raises(QuoteError) as err:
        quote(G, mode="consultoria-telefonica", minutes="3", waived=True)
    assert "100% tarifado" in err.value.errors["waived"]


@pytest.mark.parametrize("mode", ["consultoria-modulo", "consultoria-telefonica"])
@pytest.mark.parametrize(("audience", "payer"), [("cliente-final", "cliente"), ("totvs", "unidade-franquia"), ("ams", "unidade-franquia")])
def test_the_payer_follows_the_audience(mode: str, audience: str, payer: str) -> None:
    x = quote(G, mode=mode, audience=audience, minutes="20")
    assert x.payer == payer and x.total > 0
    assert x.client_pays == (x.total if payer == "cliente" else 0)
    assert ("repasse" in rules(x)) == (payer != "cliente")
    if "repasse" in rules(x):
        kind = rules(x)["repasse"]["source"]["kind"]
        assert kind == ("guideline" if mode == "consultoria-modulo" else "local")


def test_suporte_padrao_costs_nothing() -> None:
    x = quote(G, mode="suporte-padrao", minutes="45")
    assert x.total == 0 and x.payer is None and rules(x)["tarifacao"]["source"]["kind"] == "local"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", "12"), ("12,5", "12.5"), ("1.234,56", "1234.56"), (" 7 ", "7"), ("1.234.567", "1234567"),
        ("1.234", "1234"), ("1.500", "1500"), ("R$ 2,00", "2"), ("R$2", "2"), ("r$ 1.234,5", "1234.5"),
        ("2,00\u00a0", "2"), (5, "5"), ("-0", "0"),
    ],
)
def test_numbers_as_brazilians_type_them(text: object, value: str) -> None:
    assert parse_number(text, "x", max_decimals=2, unit="R$") == Decimal(value)


def test_a_unit_is_accepted_only_in_its_own_field() -> None:
    assert parse_number("0,65 %", "x", max_decimals=4, unit="%") == Decimal("0.65")
    with pytest.raises(ValueError, match="não foi aceito"):
        parse_number("R$ 10", "Minutos", max_decimals=2)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("12 5", "espaço no meio"),  # hardening 10: was read as 125
        ("1.5", "o ponto só separa milhares"),  # was read as 1,5 while 1.500.000 was 1.5 million
        ("1.50", "o ponto só separa milhares"),
        ("1,2,3", "mais de uma vírgula"),
        ("1,234.5", "o ponto vem depois da vírgula"),
        (",5", "falta o zero"),
        ("²", "algarismos de 0 a 9"),
        ("①", "algarismos de 0 a 9"),
        ("1e309", "use"),
        ("NaN", "use"),
        ("12.3456,1", "o ponto"),
    ],
)
def test_an_ambiguous_number_is_refused_with_how_it_was_read(text: str, shown: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_number(text, "Valor", max_decimals=4)
    assert f"“{text}”" in str(err.value) and shown in str(err.value)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("minutes", "-5", "maior que zero"),
        ("minutes", "0", "maior que zero"),
        ("minutes", "", "campo vazio"),
        ("minutes", "abc", "não foi aceito"),
        ("minutes", "99999999999", "máximo aceito"),
        ("minutes", "10,123", "3 casas decimais"),
        ("rate", "0", "maior que zero"),
        ("rate", "-1", "maior que zero"),
        ("rate", "1000000", "alto demais"),
        ("mode", "consultoria", "desconhecida"),
        ("audience", "amss", "desconhecido"),
        ("waived", "false", "sim ou não"),  # hardening 12: bool("false") waived the cost
        ("waived", 1, "sim ou não"),
    ],
)
def test_bad_input_is_a_pt_br_message_on_its_field(field: str, value: object, message: str) -> None:
    kw: dict[str, object] = {"mode": "consultoria-modulo", "audience": "cliente-final", "minutes": "10", "rate": "3"}
    kw[field] = value
    with pytest.raises(QuoteError) as err:
        quote(G, **kw)
    assert message in err.value.errors[field]


def test_a_bad_tax_does_not_hide_the_other_fields_errors() -> None:
    """Proofreading: "abc" in Minutos and in ISS showed only the ISS message in the page."""
    api.init(bundle())
    r = api.handle_dict({"op": "quote", "mode": "consultoria-modulo", "minutes": "abc", "rate": "3",
                         "taxes": [{"name": "ISS", "percent": "abc"}]})
    assert not r["ok"] and set(r["errors"]) == {"minutes", "tax0"}
    too_many = api.handle_dict({"op": "quote", "mode": "consultoria-modulo", "minutes": "9999999"})
    assert f"{G.billing.max_minutes:,}".replace(",", ".") in too_many["errors"]["minutes"]


def test_every_bad_field_is_reported_at_once() -> None:
    with pytest.raises(QuoteError) as err:
        quote(G, mode="x", minutes="abc", rate="-2", waived="sim")
    assert set(err.value.errors) == {"mode", "minutes", "rate", "waived"}
