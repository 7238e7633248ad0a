"""Terminal front end: `python -m decision_tree COMMAND` (pt-BR output).

One module per group of commands: `validate`, `outcome` (wizard, recommend),
`quote`, `site` (build-docs, check-site) and `zendesk` (export, import, sync);
`common` holds what they share. Exit codes: 0 on success, 2 with a message on
stderr for bad input or broken sources.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from decision_tree.cli import outcome, quote, site, validate, versions, zendesk, zendesk_app
from decision_tree.cli.common import ROOT, CliError, load
from decision_tree.core.engine import StateError

__all__ = ["ROOT", "CliError", "build_parser", "load", "main"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m decision_tree",
        description="Diretrizes de escalonamento do Suporte Padrão para Consultoria: assistente, custos e validação.",
    )
    p.add_argument("--root", type=Path, default=ROOT, help="pasta do repositório com as fontes YAML")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMANDO")

    s = sub.add_parser("validate", help="carrega e confere todas as fontes YAML")
    s.set_defaults(func=validate.cmd_validate)

    s = sub.add_parser("wizard", help="assistente interativo no terminal")
    s.add_argument("--state", help="código de um estado salvo para continuar")
    s.set_defaults(func=outcome.cmd_wizard)

    s = sub.add_parser("recommend", help="o resultado para um código de estado do assistente")
    s.add_argument("state", help="código do estado, ex.: a1b2c3-00012")
    s.add_argument("--mark", action="append", metavar="ETAPA", help="marca como feita uma etapa do resultado (o id da etapa)")
    s.add_argument("--json", action="store_true", help="saída em JSON")
    s.set_defaults(func=outcome.cmd_recommend)

    s = sub.add_parser("quote", help="estimativa de custo de uma consultoria")
    s.add_argument("--mode", required=True, help="a modalidade (um id de modes em decision_tree/guidelines.yml)")
    s.add_argument("--minutes", required=True, help="minutos trabalhados, como se escreve em português (ex.: 12,5)")
    s.add_argument("--rate", help="valor por minuto (padrão: o valor de referência, que não consta na diretriz)")
    s.add_argument("--audience", help="quem solicita (um id de audiences; padrão: o primeiro)")
    s.add_argument("--waived", action="store_true", help="custo abonado (inconsistência de Produto/Documentação)")
    s.add_argument("--tax", action="append", metavar="NOME=PERCENTUAL", help="imposto (repita para vários); substitui os de referência")
    s.add_argument("--json", action="store_true", help="saída em JSON")
    s.set_defaults(func=quote.cmd_quote)

    site.add_subcommands(sub)
    versions.add_subcommands(sub)
    zendesk_app.add_subcommands(sub)
    zendesk.add_subcommands(sub, lambda root: load(root, render=True)[0]["macros"])
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe (`quote … | head`) is seen here, not at the interpreter's exit
        return code
    except BrokenPipeError:
        # The reader went away (`| head`): nothing more to say to it. Quiet, as any Unix tool: exit 141 (SIGPIPE).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except (CliError, StateError) as exc:
        print(f"erro: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrompido", file=sys.stderr)
        return 130
