"""`quote`: what a consultancy costs, in the terminal."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal

from decision_tree.cli.common import CliError, label, load
from decision_tree.core.pricing import QuoteError, parse_taxes, quote
from decision_tree.core.texts import local_suffix


def cmd_quote(args: argparse.Namespace) -> int:
    _, e = load(args.root)
    try:
        taxes = parse_taxes([_tax_spec(t) for t in args.tax]) if args.tax else None
        q = quote(e.g, mode=args.mode, audience=args.audience, minutes=args.minutes, rate=args.rate, waived=args.waived, taxes=taxes)
    except QuoteError as exc:
        raise CliError("\n".join(exc.errors.values())) from None
    d = q.to_dict()
    if args.json:
        print(json.dumps(d, ensure_ascii=False, indent=2))
        return 0
    g = e.g
    mark = lambda source: local_suffix(source, "[]")  # noqa: E731
    print(f"Modalidade: {g.modes[q.mode].title}")
    print(f"Solicitante: {g.audiences[q.audience].title}")
    print(f"Minutos trabalhados: {number(q.minutes_worked)}; minutos cobrados: {number(q.minutes_billed)}")
    print(f"Valor por minuto: {brl(q.rate_per_minute, exact=True)}{mark(q.rate_source)}")
    print(f"Subtotal: {brl(q.subtotal)}")
    for t in q.taxes:
        print(f"  {t.name} ({number(t.rate * 100)}%): {brl(t.amount)}{mark(q.taxes_source)}")
    if q.waived:
        print(f"Valor abonado: {brl(q.waived_amount)}")
    print(f"Total: {brl(q.total)}")
    nobody = "ninguém (custo abonado)" if q.waived else "ninguém (atendimento sem custo)"
    print(f"Quem paga: {q.payer_title or nobody}{mark(q.payer_source)}; o cliente paga {brl(q.client_pays)}")
    for rule in d["rules"]:
        print(f"- {rule['text']}{label(rule)}")
    return 0


def _tax_spec(text: str) -> dict[str, str]:
    name, sep, percent = text.partition("=")
    if not sep:
        raise CliError(f"--tax “{text}”: use NOME=PERCENTUAL, ex.: --tax ISS=5")
    return {"name": name.strip(), "percent": percent.strip()}


def number(value: Decimal) -> str:
    """pt-BR digits for the terminal (the page uses Intl.NumberFormat)."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.####", locale="pt_BR")


def brl(value: Decimal, *, exact: bool = False) -> str:
    """R$ with centavos; `exact` keeps up to 4 decimals (a rate per minute as computed)."""
    from babel.numbers import format_currency

    pattern = "¤ #,##0.00##" if exact else "¤ #,##0.00"
    return format_currency(value, "BRL", format=pattern, locale="pt_BR", currency_digits=False).replace("\xa0", " ")
