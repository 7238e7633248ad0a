"""What a consultancy costs: per minute, minimum, taxes, waiver, payer.

Standard library only (runs in CPython and Pyodide). Money is `Decimal`.
What the client reads adds up: the subtotal and each tax are rounded
half-up to centavos, and the total is the sum of the rounded lines. Partial
minutes follow the `partial_minutes` setting before the minimum applies.
Every rule applied comes back with its provenance, so the calculator can
label what the guideline does not state. Every input error is a `QuoteError`
keyed by field (pt-BR), shown beside that field.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from decision_tree.core.billing import ModeBilling, TaxLine
from decision_tree.core.model import Guidelines
from decision_tree.core.numbers import grouped, parse_flag, parse_number
from decision_tree.core.texts import Source

CENT = Decimal("0.01")

__all__ = ["QuoteError", "Quote", "quote", "parse_taxes", "parse_flag", "parse_number"]


class QuoteError(ValueError):
    """Bad quote input; `errors` maps each field to its pt-BR message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


@dataclass(frozen=True)
class TaxAmount:
    name: str
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Quote:
    mode: str
    audience: str
    minutes_worked: Decimal
    minutes_billed: Decimal
    rate_per_minute: Decimal
    subtotal: Decimal
    taxes: tuple[TaxAmount, ...]
    total: Decimal
    waived: bool
    waived_amount: Decimal
    payer: str | None
    payer_title: str | None
    client_pays: Decimal
    rules: tuple[dict[str, Any], ...]
    rate_source: Source | None = None  # the rate's provenance when it is the reference value, not one informed
    payer_source: Source | None = None  # the provenance of who pays, for this audience
    taxes_source: Source | None = None  # the provenance of the tax names and rates, when they are the reference ones

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "audience": self.audience,
            "minutes_worked": _plain(self.minutes_worked),
            "minutes_billed": _plain(self.minutes_billed),
            "rate_per_minute": _plain(self.rate_per_minute),
            "subtotal": str(self.subtotal),
            "taxes": [{"name": t.name, "rate": _plain(t.rate), "percent": _plain(t.rate * 100), "amount": str(t.amount)}
                      for t in self.taxes],
            "total": str(self.total),
            "waived": self.waived,
            "waived_amount": str(self.waived_amount),
            "payer": self.payer,
            "payer_title": self.payer_title,
            "client_pays": str(self.client_pays),
            "rules": list(self.rules),
            "rate_source": self.rate_source.to_dict() if self.rate_source else None,
            "payer_source": self.payer_source.to_dict() if self.payer_source else None,
            "taxes_source": self.taxes_source.to_dict() if self.taxes_source else None,
        }


def _plain(value: Decimal) -> str:
    """A number without exponent or trailing zeros: 1.0049, 0.65, 12."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _rule(rule_id: str, text: str, source: Source) -> dict[str, Any]:
    return {"id": rule_id, "text": text, "source": source.to_dict()}


def _field(errors: dict[str, str], key: str, value: Any, label: str, decimals: int, unit: str = "") -> Decimal | None:
    try:
        return parse_number(value, label, max_decimals=decimals, unit=unit)
    except ValueError as exc:
        errors[key] = str(exc)
        return None


def _inputs(g: Guidelines, mode: Any, audience: Any, minutes: Any, rate: Any, waived: Any,
            taxes: list[TaxLine] | None) -> tuple[Decimal, Decimal, bool, tuple[TaxLine, ...]]:
    """Every field checked at once; QuoteError with one message per bad field."""
    errors: dict[str, str] = {}
    billing = g.billing
    if not isinstance(mode, str) or mode not in billing.modes:
        errors["mode"] = f"Modalidade “{mode}” desconhecida (use: {', '.join(billing.modes)})."
    if not isinstance(audience, str) or audience not in g.audiences:
        errors["audience"] = f"Solicitante “{audience}” desconhecido (use: {', '.join(g.audiences)})."
    worked = _field(errors, "minutes", minutes, "Minutos trabalhados", 2)
    if worked is not None and worked <= 0:
        errors["minutes"] = "Minutos trabalhados: informe um valor maior que zero."
    elif worked is not None and worked > billing.max_minutes:
        errors["minutes"] = f"Minutos trabalhados: o máximo aceito é {grouped(billing.max_minutes)}."
    per_minute = billing.reference_rate if rate is None else _field(errors, "rate", rate, "Valor por minuto", 4, "R$")
    if per_minute is not None and per_minute <= 0:
        errors["rate"] = "Valor por minuto: informe um valor maior que zero."
    elif per_minute is not None and per_minute > billing.max_rate_per_minute:
        errors["rate"] = "Valor por minuto: o valor é alto demais; confira o Termo de Aceite."
    try:
        is_waived = parse_flag(waived, "Abono")
    except ValueError as exc:
        errors["waived"], is_waived = str(exc), False
    lines = billing.taxes if taxes is None else tuple(taxes)
    if errors:
        raise QuoteError(errors)
    assert worked is not None and per_minute is not None
    return worked, per_minute, is_waived, lines


def _minutes_billed(g: Guidelines, rules_of: ModeBilling, worked: Decimal, rules: list[dict[str, Any]]) -> Decimal:
    """The minutes billed: partial minutes as the guideline says, then the mode's minimum (each rule noted)."""
    billing = g.billing
    billed = worked
    if billing.partial_minutes.value == "up" and worked != worked.to_integral_value():
        billed = worked.to_integral_value(rounding=ROUND_CEILING)
        rules.append(_rule("arredondamento", billing.partial_minutes.text, billing.partial_minutes.source))
    if rules_of.minimum_minutes and not rules_of.minimum and rules_of.minimum_minutes.text:
        rules.append(_rule("sem-minimo", rules_of.minimum_minutes.text, rules_of.minimum_minutes.source))
    if billed < rules_of.minimum:
        billed = Decimal(rules_of.minimum)
        rules.append(_rule("minimo", f"Mínimo de {rules_of.minimum} minutos aplicado.", rules_of.minimum_minutes.source))  # type: ignore[union-attr]
    return billed


def _tax_amounts(g: Guidelines, rules_of: ModeBilling, subtotal: Decimal, tax_lines: tuple[TaxLine, ...],
                 rules: list[dict[str, Any]]) -> tuple[list[TaxAmount], bool]:
    """The taxes on the subtotal (each rule noted), and whether they are the reference ones."""
    billing = g.billing
    amounts = [TaxAmount(t.name, t.rate, _cents(subtotal * t.rate)) for t in tax_lines] if rules_of.plus_taxes else []
    reference_taxes = [(t.name, t.rate) for t in tax_lines] == [(t.name, t.rate) for t in billing.taxes]
    if amounts:
        # The guideline says "+ impostos" and names none: which taxes, and at what rates, is this site's (or the user's).
        names = ", ".join(t.name for t in amounts)
        rules.append(_rule("impostos", "Impostos somados ao subtotal.", rules_of.taxes.source))  # type: ignore[union-attr]
        what = "de referência" if reference_taxes else "informados"
        rules.append(_rule("aliquotas", f"Impostos e alíquotas {what} na estimativa: {names}.", billing.taxes_source))
    elif rules_of.taxes and rules_of.taxes.text:
        rules.append(_rule("sem-impostos", rules_of.taxes.text, rules_of.taxes.source))
    return amounts, reference_taxes


def quote(g: Guidelines, *, mode: Any, minutes: Any, audience: Any = None, rate: Any = None, waived: Any = False,
          taxes: list[TaxLine] | None = None) -> Quote:
    """Price a consultancy. Raises QuoteError with every bad field at once."""
    audience = next(iter(g.audiences)) if audience is None else audience
    worked, per_minute, is_waived, tax_lines = _inputs(g, mode, audience, minutes, rate, waived, taxes)
    billing, rules_of = g.billing, g.billing.modes[mode]
    if is_waived and not rules_of.waivable:
        reason = rules_of.waiver.text if rules_of.waiver and rules_of.waiver.text else "Esta modalidade não tem abono."
        raise QuoteError({"waived": reason})
    rules = [_rule("tarifacao", rules_of.billed.text, rules_of.billed.source)]
    zero = Decimal(0)
    # The reference rate (typed or left as it came) is a value the guideline does not give: labelled wherever it shows.
    rate_source = billing.rate_per_minute.source if per_minute == billing.reference_rate else None
    if not rules_of.is_billed:
        return Quote(mode, audience, worked, zero, per_minute, zero, (), zero, False, zero, None, None, zero, tuple(rules))
    if rules_of.per_minute:
        rules.append(_rule("por-minuto", rules_of.per_minute.text, rules_of.per_minute.source))

    billed = _minutes_billed(g, rules_of, worked, rules)
    subtotal = _cents(per_minute * billed)
    amounts, reference_taxes = _tax_amounts(g, rules_of, subtotal, tax_lines, rules)
    total = subtotal + sum((t.amount for t in amounts), zero)
    rules.append(_rule("centavos", billing.money_rounding.text, billing.money_rounding.source))
    waived_amount = zero
    if is_waived:
        waived_amount, total = total, zero
        rules.append(_rule("abono", rules_of.waiver.text, rules_of.waiver.source))  # type: ignore[union-attr]
        if rules_of.waiver_reading:
            rules.append(_rule("abono-leitura", rules_of.waiver_reading.text, rules_of.waiver_reading.source))
    elif rules_of.waiver and not rules_of.waivable and rules_of.waiver.text:
        rules.append(_rule("sem-abono", rules_of.waiver.text, rules_of.waiver.source))
    who = None if is_waived else billing.payer(mode, audience)
    payer, payer_rule, client = who.id if who else None, who.rule if who else None, billing.client_payer
    if payer_rule is not None:  # only the rule that speaks of this audience
        rules.append(_rule("repasse" if payer != client else "quem-paga", payer_rule.text, payer_rule.source))
    return Quote(
        mode=mode, audience=audience, minutes_worked=worked, minutes_billed=billed, rate_per_minute=per_minute,
        subtotal=subtotal, taxes=tuple(amounts), total=total, waived=is_waived, waived_amount=waived_amount,
        payer=payer, payer_title=who.title if who else None,
        client_pays=total if payer == client else zero, rules=tuple(rules),
        rate_source=rate_source, payer_source=payer_rule.source if payer_rule else None,
        taxes_source=billing.taxes_source if amounts and reference_taxes else None,
    )


def parse_taxes(specs: Any) -> list[TaxLine] | None:
    """Tax lines typed as percentages (`{"name": "ISS", "percent": "5"}`); None keeps the YAML's."""
    if specs is None:
        return None
    if not isinstance(specs, list):
        raise QuoteError({"taxes": "Impostos: informe uma lista de impostos, cada um com nome e alíquota."})
    lines: list[TaxLine] = []
    errors: dict[str, str] = {}
    for i, spec in enumerate(specs):
        if not isinstance(spec, dict):
            errors[f"tax{i}"] = f"Imposto {i + 1}: informe o nome e a alíquota."
            continue
        name = str(spec.get("name", "")).strip() or f"Imposto {i + 1}"
        try:
            percent = parse_number(spec.get("percent", ""), f"{name} (%)", max_decimals=4, unit="%")
        except ValueError as exc:
            errors[f"tax{i}"] = str(exc)
            continue
        if not Decimal(0) <= percent < Decimal(100):
            errors[f"tax{i}"] = f"Imposto {name}: a alíquota deve ficar entre 0% e 100%."
            continue
        lines.append(TaxLine(name, percent / 100))
    if errors:
        raise QuoteError(errors)
    return lines
