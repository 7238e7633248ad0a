"""What a consultancy costs: per minute, minimum, taxes, waiver, payer.

Standard library only (runs in CPython and Pyodide). Money is `Decimal`
throughout and is rounded half-up to centavos only at the end. Every input
error is a `QuoteError` whose messages are pt-BR and keyed by field, so the
calculator can show each one beside its field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .model import Guidelines, TaxLine

CENT = Decimal("0.01")
WAIVED_TEXT = "Custo abonado: inconsistência no Produto e/ou Documentação (Issue ainda não disponível no Portal do Cliente)."
TRANSFER_TEXT = (
    "Custo repassado à Unidade/Franquia (transferência gerencial ou faturamento); nenhuma cobrança contra o cliente."
)
_PLAIN = re.compile(r"^[+-]?(\d+)(\.\d+)?$")
_PTBR = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")


class QuoteError(ValueError):
    """Bad quote input; `errors` maps each field to its pt-BR message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def parse_number(value: Any, label: str, *, max_decimals: int) -> Decimal:
    """A number typed by a person: `12`, `12,5`, `1.234,56` or `12.5`.

    A comma is the decimal separator and dots then group thousands; without a
    comma a single dot is the decimal point. Raises ValueError (pt-BR).
    """
    if isinstance(value, bool):
        raise ValueError(f"{label}: informe um número.")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, (float, Decimal)):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u00a0", "")
    else:
        raise ValueError(f"{label}: informe um número.")
    if not text:
        raise ValueError(f"{label}: campo vazio; informe um número.")
    if "," in text:
        if not _PTBR.match(text):
            raise ValueError(f"{label}: “{value}” não é um número válido (use vírgula para decimais, ex.: 12,5).")
        text = text.replace(".", "").replace(",", ".")
    elif not _PLAIN.match(text):
        if _PTBR.match(text):  # 1.234.567: dots grouping thousands
            text = text.replace(".", "")
        else:
            raise ValueError(f"{label}: “{value}” não é um número válido (use só algarismos e vírgula, ex.: 12,5).")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{label}: “{value}” não é um número válido.") from None
    if not number.is_finite():
        raise ValueError(f"{label}: “{value}” não é um número válido.")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > max_decimals:
        raise ValueError(f"{label}: use no máximo {max_decimals} casas decimais.")
    return number


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
    minutes_billed: int
    rate_per_minute: Decimal
    subtotal: Decimal
    taxes: tuple[TaxAmount, ...]
    total: Decimal
    waived: bool
    waived_amount: Decimal
    payer: str | None
    client_pays: Decimal
    rules: tuple[dict[str, str], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        money = _money
        return {
            "mode": self.mode,
            "audience": self.audience,
            "minutes_worked": _plain(self.minutes_worked),
            "minutes_billed": self.minutes_billed,
            "rate_per_minute": _rate(self.rate_per_minute),
            "subtotal": money(self.subtotal),
            "taxes": [{"name": t.name, "rate": _plain(t.rate), "amount": money(t.amount)} for t in self.taxes],
            "total": money(self.total),
            "waived": self.waived,
            "waived_amount": money(self.waived_amount),
            "payer": self.payer,
            "client_pays": money(self.client_pays),
            "rules": list(self.rules),
        }


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _rate(value: Decimal) -> str:
    """Money per minute: at least centavos, more digits only if typed."""
    return format(value.quantize(CENT) if value.as_tuple().exponent > -2 else value, "f")  # type: ignore[operator]


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return text


def quote(
    g: Guidelines,
    *,
    mode: Any,
    minutes: Any,
    audience: Any = "cliente-final",
    rate: Any = None,
    waived: Any = False,
    taxes: list[TaxLine] | None = None,
) -> Quote:
    """Price a consultancy. Raises QuoteError with every bad field at once."""
    errors: dict[str, str] = {}
    billing = g.billing
    if not isinstance(mode, str) or mode not in billing.modes:
        known = ", ".join(billing.modes)
        errors["mode"] = f"Modalidade “{mode}” desconhecida (use: {known})."
    if not isinstance(audience, str) or audience not in g.audiences:
        known = ", ".join(g.audiences)
        errors["audience"] = f"Solicitante “{audience}” desconhecido (use: {known})."
    worked = _field(errors, "minutes", minutes, "Minutos trabalhados", 2)
    if worked is not None:
        if worked <= 0:
            errors["minutes"] = "Minutos trabalhados: informe um valor maior que zero."
        elif worked > billing.max_minutes:
            errors["minutes"] = f"Minutos trabalhados: o máximo aceito é {billing.max_minutes}."
    per_minute = billing.reference_rate_per_minute if rate is None else _field(errors, "rate", rate, "Valor por minuto", 4)
    if per_minute is not None:
        if per_minute <= 0:
            errors["rate"] = "Valor por minuto: informe um valor maior que zero."
        elif per_minute > billing.max_rate_per_minute:
            errors["rate"] = "Valor por minuto: o valor é alto demais; confira o Termo de Aceite."
    if not isinstance(waived, bool):
        errors["waived"] = "Abono: informe sim ou não."
    tax_lines = billing.taxes if taxes is None else tuple(taxes)
    for i, t in enumerate(tax_lines):
        if not (Decimal(0) <= t.rate < Decimal(1)):
            errors[f"tax{i}"] = f"Imposto {t.name}: a alíquota deve ficar entre 0% e 100%."
    if errors:
        raise QuoteError(errors)
    assert worked is not None and per_minute is not None

    rules_of = billing.modes[mode]
    if waived and not rules_of.waivable:
        title = g.modes[mode].title
        reason = "é 100% tarifada" if rules_of.billed else "não é tarifado"
        raise QuoteError({"waived": f"{title} {reason} e não tem abono."})

    rules: list[dict[str, str]] = []
    payer = g.audiences[audience].payer if rules_of.billed else None
    if not rules_of.billed:
        rules.append({"id": "nao-tarifado", "text": f"{g.modes[mode].title}: atendimento sem custo."})
        zero = Decimal(0)
        return Quote(mode, audience, worked, 0, per_minute, zero, (), zero, False, zero, None, zero, tuple(rules))

    billed = int(worked.to_integral_value(rounding=ROUND_CEILING))
    if billed != worked:
        rules.append({"id": "arredondamento", "text": "Minutos iniciados cobrados como minutos inteiros (arredondado para cima)."})
    if billed < rules_of.minimum_minutes:
        billed = rules_of.minimum_minutes
        rules.append({"id": "minimo", "text": f"Mínimo de {rules_of.minimum_minutes} minutos aplicado."})
    if not rules_of.waivable:
        rules.append({"id": "integral", "text": "Atendimento 100% tarifado, independente de causa, origem e desfecho."})

    subtotal = per_minute * billed
    amounts = [(t, subtotal * t.rate) for t in tax_lines] if rules_of.plus_taxes else []
    if amounts:
        rules.append({"id": "impostos", "text": "Impostos somados ao valor dos minutos."})
    exact_total = subtotal + sum((a for _, a in amounts), Decimal(0))
    total = exact_total.quantize(CENT, rounding=ROUND_HALF_UP)
    waived_amount = Decimal(0)
    if waived:
        waived_amount, total = total, Decimal(0)
        rules.append({"id": "abono", "text": WAIVED_TEXT})
    if payer != "cliente":
        rules.append({"id": "repasse", "text": TRANSFER_TEXT})
    client_pays = total if payer == "cliente" else Decimal(0)
    return Quote(
        mode=mode,
        audience=audience,
        minutes_worked=worked,
        minutes_billed=billed,
        rate_per_minute=per_minute,
        subtotal=subtotal,
        taxes=tuple(TaxAmount(t.name, t.rate, a) for t, a in amounts),
        total=total,
        waived=bool(waived),
        waived_amount=waived_amount,
        payer=payer,
        client_pays=client_pays,
        rules=tuple(rules),
    )


def _field(errors: dict[str, str], key: str, value: Any, label: str, decimals: int) -> Decimal | None:
    try:
        return parse_number(value, label, max_decimals=decimals)
    except ValueError as exc:
        errors[key] = str(exc)
        return None


def parse_taxes(specs: Any, g: Guidelines) -> list[TaxLine] | None:
    """Tax lines typed as percentages (`{"name": "ISS", "percent": "5"}`)."""
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
            percent = parse_number(spec.get("percent", ""), f"Imposto {name}", max_decimals=4)
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
