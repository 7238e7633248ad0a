"""Terminal front end: `python -m decision_tree COMMAND` (pt-BR output).

Exit codes: 0 on success, 2 with a message on stderr for bad input or
broken sources.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from .engine import Engine, StateError
from .model import Guidelines, Outcome
from .pricing import QuoteError, parse_taxes, quote

ROOT = Path(__file__).resolve().parent.parent
LOCAL = "[não consta na diretriz]"


class CliError(Exception):
    """A pt-BR message for the user; exits with 2."""


def load(root: Path, *, render: bool = False) -> tuple[dict[str, Any], Engine]:
    from .build.bundle import load_bundle
    from .build.sources import SourceError

    try:
        bundle = load_bundle(root, render=render)
    except SourceError as exc:
        raise CliError(str(exc)) from None
    return bundle, Engine(Guidelines.from_dict(bundle))


def cmd_validate(args: argparse.Namespace) -> int:
    bundle, e = load(args.root)
    g = e.g
    local = sum(1 for s in _sources(bundle) if s.get("kind") == "local")
    print("Fontes válidas.")
    print(f"  modalidades: {len(g.modes)}")
    print(f"  critérios: {len(g.criteria)}")
    print(f"  pré-requisitos: {len(g.prerequisites)}")
    print(f"  públicos: {len(g.audiences)}")
    print(f"  macros: {len(g.macros)}")
    print(f"  perguntas: {len(g.questions)}; resultados: {len(g.outcomes)}; caminhos: {sum(1 for _ in e.paths())}")
    print(f"  definições locais (não constam na diretriz): {local}")
    print(f"  versão da árvore: {g.fingerprint}")
    return 0


def _sources(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        found = [data["source"]] if isinstance(data.get("source"), dict) else []
        return found + [s for k, v in data.items() if k != "source" for s in _sources(v)]
    if isinstance(data, list):
        return [s for v in data for s in _sources(v)]
    return []


def _label(item: dict[str, Any]) -> str:
    return f" {LOCAL}" if item["source"]["kind"] == "local" else ""


def render_outcome(r: dict[str, Any], out: TextIO) -> None:
    w = out.write
    w(f"\n=== Resultado: {r['mode_title']} ===\n{r['summary']['text']}\n")
    if r["pending_check"]:
        p = r["pending_check"]
        w(f"\nVerificação pendente: {p['title']} — {p['pending']}\n")
        w(f"  O que fazer: {p['next_step']['text']}{_label(p['next_step'])}\n")
        if p["gap"]:
            w(f"  Atenção: {p['gap']['text']}\n")
    if r["criteria"]:
        w("\nCritérios da diretriz que levaram a este resultado:\n")
        for c in r["criteria"]:
            w(f"  - {c['title']}: {c['text']}\n    ({c['section']}; {c['url']})\n")
    if r["audience"]:
        w(f"\nSolicitante: {r['audience']['title']}\n")
    if r["steps"]:
        w("\nO que fazer agora, em ordem:\n")
        for i, s in enumerate(r["steps"], start=1):
            status = f" [{s['mark'] if s['done'] else s['waiting']}]" if s["mark"] else ""
            w(f"  {i}. {s['title'] or s['text']['text']}{status}{_label(s['text'])}\n")
            for m in s["macros"]:
                w(f"     Macro: {m['title']}{'' if m['ready'] else ' (depois das etapas acima)'}\n")
    if r["billing"]["billed"]:
        w("\nTarifação:\n")
        for rule in r["billing"]["rules"]:
            w(f"  - {rule['text']}{_label(rule)}\n")
        if r["payer"]:
            w(f"  Quem paga: {r['payer']['title']}{_label(r['payer']['rule'])}\n")
    if r["next_steps"]:
        w("\nPróximos passos:\n")
        for s in r["next_steps"]:
            w(f"  - {s['text']}{_label(s)}\n")
    w(f"\nNota para o ticket:\n{'-' * 40}\n{r['ticket_note']}\n{'-' * 40}\n")
    w(f"Código deste resultado: {r['state']}\n")


def cmd_wizard(args: argparse.Namespace, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    _, e = load(args.root)
    state = e.decode(args.state) if args.state else e.start()
    while True:
        walk = e.walk(state)
        if isinstance(walk.node, Outcome):
            render_outcome(e.recommend(state), out)
            return 0
        q = walk.node
        out.write(f"\n{len(walk.steps) + 1}. {q.question}\n")
        if q.help:
            out.write(f"   {q.help}\n")
        for i, o in enumerate(q.options, start=1):
            out.write(f"  {i}) {o.label}\n")
        out.write("Escolha um número (v = voltar, r = recomeçar, s = sair): ")
        out.flush()
        line = stdin.readline()
        if not line:
            out.write("\nEntrada encerrada; assistente interrompido.\n")
            return 2
        choice = line.strip().lower()
        if choice == "v":
            if not state.answers:
                out.write("Já está na primeira pergunta.\n")
            state = e.back(state)
        elif choice == "r":
            state = e.start()
        elif choice == "s":
            out.write(f"Até logo. Para continuar depois: wizard --state {e.encode(state)}\n")
            return 0
        elif re.fullmatch(r"[0-9]{1,3}", choice) and 1 <= int(choice) <= len(q.options):
            state = e.answer(state, q.options[int(choice) - 1].id)
        else:
            out.write(f"Opção inválida: “{line.strip()[:40]}”. Digite um número de 1 a {len(q.options)}, v, r ou s.\n")


def cmd_recommend(args: argparse.Namespace) -> int:
    _, e = load(args.root, render=args.json)
    try:
        state = e.decode(args.state)
        for step in args.mark or []:
            state = e.mark(state, step, True)
        r = e.recommend(state)
    except StateError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print(json.dumps(r, ensure_ascii=False, indent=2))
    else:
        render_outcome(r, sys.stdout)
    return 0


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
    rate_label = "" if args.rate is not None else f" {LOCAL}"
    print(f"Modalidade: {g.modes[q.mode].title}")
    print(f"Solicitante: {g.audiences[q.audience].title}")
    print(f"Minutos trabalhados: {number(q.minutes_worked)}; minutos cobrados: {number(q.minutes_billed)}")
    print(f"Valor por minuto: {brl(q.rate_per_minute, exact=True)}{rate_label}")
    print(f"Subtotal: {brl(q.subtotal)}")
    for t in q.taxes:
        print(f"  {t.name} ({number(t.rate * 100)}%): {brl(t.amount)}{'' if args.tax else ' ' + LOCAL}")
    if q.waived:
        print(f"Valor abonado: {brl(q.waived_amount)}")
    print(f"Total: {brl(q.total)}")
    print(f"Quem paga: {q.payer_title or 'ninguém'}; o cliente paga {brl(q.client_pays)}")
    for rule in d["rules"]:
        print(f"- {rule['text']}{_label(rule)}")
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


def build_parser(extra: Sequence[Callable[[Any], None]] = ()) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m decision_tree",
        description="Diretrizes de escalonamento do Suporte Padrão para Consultoria: assistente, custos e validação.",
    )
    p.add_argument("--root", type=Path, default=ROOT, help="pasta do repositório com as fontes YAML")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMANDO")

    s = sub.add_parser("validate", help="carrega e confere todas as fontes YAML")
    s.set_defaults(func=cmd_validate)

    s = sub.add_parser("wizard", help="assistente interativo no terminal")
    s.add_argument("--state", help="código de um estado salvo para continuar")
    s.set_defaults(func=cmd_wizard)

    s = sub.add_parser("recommend", help="o resultado para um código de estado do assistente")
    s.add_argument("state", help="código do estado, ex.: a1b2c3-00012")
    s.add_argument("--mark", action="append", metavar="ETAPA", help="marca uma etapa como feita (ex.: aprovacao-maestro, aceite)")
    s.add_argument("--json", action="store_true", help="saída em JSON")
    s.set_defaults(func=cmd_recommend)

    s = sub.add_parser("quote", help="estimativa de custo de uma consultoria")
    s.add_argument("--mode", required=True, help="suporte-padrao, consultoria-modulo ou consultoria-telefonica")
    s.add_argument("--minutes", required=True, help="minutos trabalhados, como se escreve em português (ex.: 12,5)")
    s.add_argument("--rate", help="valor por minuto (padrão: o valor de referência, que não consta na diretriz)")
    s.add_argument("--audience", help="quem solicita: cliente-final (padrão), totvs ou ams")
    s.add_argument("--waived", action="store_true", help="custo abonado (inconsistência de Produto/Documentação)")
    s.add_argument("--tax", action="append", metavar="NOME=PERCENTUAL", help="imposto (repita para vários); substitui os de referência")
    s.add_argument("--json", action="store_true", help="saída em JSON")
    s.set_defaults(func=cmd_quote)

    for add in extra:
        add(sub)
    return p


def _extra_commands() -> list[Callable[[Any], None]]:
    extras: list[Callable[[Any], None]] = []
    try:
        from . import zendesk
    except ImportError:
        return extras

    def add(sub: Any) -> None:
        zendesk.add_subcommands(sub, _macros_as_dicts)  # called with args.root

    extras.append(add)
    return extras


def _macros_as_dicts(root: Path) -> list[dict[str, Any]]:
    bundle, _ = load(root, render=True)
    return list(bundle["macros"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(_extra_commands())
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (CliError, StateError) as exc:
        print(f"erro: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrompido", file=sys.stderr)
        return 130
