"""`build-zendesk-app`: the Zendesk sidebar app's package (sitegen/zendesk_app.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from decision_tree.cli.common import CliError, load


def cmd_build_zendesk_app(args: argparse.Namespace) -> int:
    from decision_tree.sitegen.zendesk_app import OUT, AppError, build_app

    _bundle, engine = load(args.root)
    host = urlsplit(args.site_url).hostname or "exemplo.interno"
    try:
        folder, archive = build_app(engine.g, (args.out or args.root / OUT).resolve(), args.site_url, args.author_name,
                                    args.author_email or f"suporte@{host}")
    except AppError as exc:
        raise CliError(str(exc)) from None
    print(f"{folder}/: o app do Zendesk.\n{archive}: o mesmo app, para enviar como app privado (Admin Center > Apps e "
          "integrações > Apps do Zendesk Support > Enviar app privado).")
    return 0


def add_subcommands(sub: Any) -> None:
    s = sub.add_parser("build-zendesk-app", help="grava em dist/ o app do Zendesk (barra lateral do ticket) e o seu .zip")
    s.add_argument("--site-url", required=True, metavar="URL", help="o endereço https do site publicado (ex.: https://diretrizes.exemplo.interno/)")
    s.add_argument("--out", type=Path, help="pasta de saída (padrão: dist/ na raiz)")
    s.add_argument("--author-name", default="Gestão da diretriz de escalonamento", help="o autor que o Zendesk mostra")
    s.add_argument("--author-email", help="o e-mail do autor (padrão: suporte@ o host do site)")
    s.set_defaults(func=cmd_build_zendesk_app)
