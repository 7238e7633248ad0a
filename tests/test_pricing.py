"""Each billing rule of the guideline, priced."""

from __future__ import annotations

from decimal import Decimal

import pytest
from engine_helpers import engine

from decision_tree.model import TaxLine
from decision_tree.pricing import QuoteError, parse_number, quote

G = engine().g
NO_TAX: list[TaxLine] = []


def q(**kw):  # type: ignore[no-untyped-def]
    kw.setdefault("mode", "consultoria-modulo")
    return quote(G, **kw)


def rules(x) -> set[str]:  # type: ignore[no-untyped-def]
    return {r["id"] for r in x.rules}


def test_modulo_is_per_minute_with_a_ten_minute_minimum() -> None:
    short = q(minutes="4", rate="3.00", taxes=NO_TAX)
    assert short.minutes_billed == 10 and short.subtotal == Decimal("30.00")
    assert "minimo" in rules(short)
    long = q(minutes="25", rate="3.00", taxes=NO_TAX)
    assert long.minutes_billed == 25 and long.total == Decimal("75.00")
    assert "minimo" not in rules(long)


def test_started_minutes_round_up_before_the_minimum() -> None:
    x = q(minutes="12,1", rate="2", taxes=NO_TAX)
    assert x.minutes_worked == Decimal("12.1") and x.minutes_billed == 13
    assert "arredondamento" in rules(x)
    y = q(minutes="8,2", rate="2", taxes=NO_TAX)  # 8,2 -> 9 started minutes -> minimum 10
    assert y.minutes_billed == 10 and {"arredondamento", "minimo"} <= rules(y)
    z = q(minutes="9.5", rate="2", taxes=NO_TAX)  # rounding alone reaches 10
    assert z.minutes_billed == 10 and "minimo" not in rules(z)


def test_taxes_are_added_and_rounded_half_up_at_the_end() -> None:
    x = q(minutes="10", rate="3.00")  # reference taxes: 5% + 0.65% + 3%
    d = x.to_dict()
    assert d["subtotal"] == "30.00"
    assert [(t["name"], t["amount"]) for t in d["taxes"]] == [("ISS", "1.50"), ("PIS", "0.20"), ("COFINS", "0.90")]
    # 30 + 1.5 + 0.195 + 0.9 = 32.595 -> 32.60 (half-up, once, at the end)
    assert d["total"] == "32.60"
    assert "impostos" in rules(x)


def test_the_reference_rate_is_the_default() -> None:
    x = q(minutes="10", taxes=NO_TAX)
    assert x.rate_per_minute == G.billing.reference_rate_per_minute
    assert x.to_dict()["rate_per_minute"] == "3.00"


def test_modulo_waived_on_a_product_or_documentation_inconsistency() -> None:
    x = q(minutes="30", rate="3", waived=True)
    assert x.total == 0 and x.client_pays == 0 and x.waived
    assert x.waived_amount == q(minutes="30", rate="3").total
    assert "abono" in rules(x)


def test_telefonica_is_always_billed_and_cannot_be_waived() -> None:
    x = quote(G, mode="consultoria-telefonica", minutes="3", rate="3", taxes=NO_TAX)
    assert x.minutes_billed == 3 and x.total == Decimal("9.00")
    assert "integral" in rules(x) and "minimo" not in rules(x)
    with pytest.raises(QuoteError) as err:
        quote(G, mode="consultoria-telefonica", minutes="3", waived=True)
    assert "100% tarifada" in err.value.errors["waived"]


@pytest.mark.parametrize("mode", ["consultoria-modulo", "consultoria-telefonica"])
@pytest.mark.parametrize(("audience", "payer"), [("cliente-final", "cliente"), ("totvs", "unidade-franquia"), ("ams", "unidade-franquia")])
def test_the_payer_follows_the_audience(mode: str, audience: str, payer: str) -> None:
    x = quote(G, mode=mode, audience=audience, minutes="20")
    assert x.payer == payer
    assert x.client_pays == (x.total if payer == "cliente" else 0)
    assert x.total > 0
    assert ("repasse" in rules(x)) == (payer != "cliente")


def test_telefonica_has_no_taxes_of_its_own() -> None:
    x = quote(G, mode="consultoria-telefonica", minutes="10", rate="3")
    assert x.taxes == () and x.total == Decimal("30.00") and "impostos" not in rules(x)


def test_suporte_padrao_costs_nothing() -> None:
    x = quote(G, mode="suporte-padrao", minutes="45")
    assert x.total == 0 and x.payer is None and "nao-tarifado" in rules(x)


def test_json_shape_of_a_quote() -> None:
    d = q(minutes="10", audience="ams").to_dict()
    for key in ("mode", "audience", "minutes_worked", "minutes_billed", "rate_per_minute", "subtotal", "taxes", "total",
                "waived", "payer", "client_pays"):
        assert key in d
    assert d["payer"] == "unidade-franquia" and d["client_pays"] == "0.00"
    assert all(set(t) == {"name", "rate", "amount"} for t in d["taxes"])


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", "12"), ("12,5", "12.5"), ("1.234,56", "1234.56"), ("12.5", "12.5"), (" 7 ", "7"), ("1.234.567", "1234567"), (5, "5")],
)
def test_numbers_typed_the_brazilian_way(text: object, value: str) -> None:
    assert parse_number(text, "x", max_decimals=2) == Decimal(value)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("minutes", "-5", "maior que zero"),
        ("minutes", "0", "maior que zero"),
        ("minutes", "", "campo vazio"),
        ("minutes", "abc", "não é um número"),
        ("minutes", "1.234,5,6", "não é um número"),
        ("minutes", "1e309", "não é um número"),
        ("minutes", "NaN", "não é um número"),
        ("minutes", "Infinity", "não é um número"),
        ("minutes", "99999999999", "máximo aceito"),
        ("minutes", "10,12345", "casas decimais"),
        ("rate", "0", "maior que zero"),
        ("rate", "-1", "maior que zero"),
        ("rate", "R$ 3", "não é um número"),
        ("rate", "1000000", "alto demais"),
        ("mode", "consultoria", "desconhecida"),
        ("audience", "amss", "desconhecido"),
    ],
)
def test_bad_input_is_a_pt_br_message_on_its_field(field: str, value: str, message: str) -> None:
    kw = {"mode": "consultoria-modulo", "audience": "cliente-final", "minutes": "10", "rate": "3"}
    kw[field] = value
    with pytest.raises(QuoteError) as err:
        quote(G, **kw)
    assert message in err.value.errors[field]


def test_every_bad_field_is_reported_at_once() -> None:
    with pytest.raises(QuoteError) as err:
        quote(G, mode="x", minutes="abc", rate="-2")
    assert set(err.value.errors) == {"mode", "minutes", "rate"}
