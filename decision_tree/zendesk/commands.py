"""The `export-zendesk` and `sync-zendesk` commands: argparse wiring and pt-BR output."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .client import ENV_EMAIL, ENV_TOKEN, base_url_for
from .errors import ZendeskError
from .export import ALL_FILE, DEFAULT_OUT, export_macros
from .sync import sync

Loader = Callable[[Path], list[dict[str, Any]]]  # the repository root → the bundle's macros

def _load(load_macros: Loader, root: Path) -> list[dict[str, Any]]:
    from decision_tree.build.sources import SourceError

    try:
        return load_macros(root)
    except SourceError as exc:
        raise ZendeskError("as macros do repositório têm problemas:\n" + "\n".join(exc.messages)) from None


def _fail(exc: Exception) -> int:
    print(f"erro: {exc}", file=sys.stderr)
    return 2


def _cmd_export(args: argparse.Namespace, load_macros: Loader) -> int:
    try:
        paths = export_macros(_load(load_macros, args.root), Path(args.out))
    except ZendeskError as exc:
        return _fail(exc)
    except OSError as exc:
        return _fail(ZendeskError(f"não foi possível gravar em {args.out}: {exc.strerror or exc}"))
    print(f"{len(paths) - 1} macros exportadas para {args.out} (uma por arquivo e todas em {ALL_FILE}):")
    for path in paths:
        print(f"  {path}")
    return 0


def _cmd_sync(args: argparse.Namespace, load_macros: Loader) -> int:
    email_addr = os.environ.get(ENV_EMAIL, "").strip()
    token = os.environ.get(ENV_TOKEN, "").strip()
    try:
        base_url = base_url_for(args.subdomain)
        if not email_addr or not token:
            missing = [n for n, v in ((ENV_EMAIL, email_addr), (ENV_TOKEN, token)) if not v]
            which = "as variáveis" if len(missing) > 1 else "a variável"
            raise ZendeskError(
                f"defina {which} de ambiente {' e '.join(missing)} antes de sincronizar "
                "(as credenciais nunca vão em argumentos nem em arquivos do repositório)."
            )
        sync(
            _load(load_macros, args.root),
            args.subdomain,
            dry_run=args.dry_run,
            base_url=base_url,
            email=email_addr,
            token=token,
            include_proposals=args.include_proposals,
        )
    except ZendeskError as exc:
        return _fail(exc)
    return 0


def add_subcommands(subparsers: Any, load_macros: Loader) -> None:
    """Register `export-zendesk` and `sync-zendesk`; each sets `func(args) -> exit code`."""
    export = subparsers.add_parser(
        "export-zendesk",
        help="exporta as macros no formato de macro da API do Zendesk (JSON)",
        description="Gera um JSON por macro (macros/<id>.yml → <id>.json) e um com todas "
        f"({ALL_FILE}), no formato do objeto de macro da API do Zendesk Support.",
    )
    export.add_argument("--out", default=DEFAULT_OUT, metavar="PASTA", help=f"pasta de saída (padrão: {DEFAULT_OUT})")
    export.set_defaults(func=lambda args: _cmd_export(args, load_macros))

    sync_p = subparsers.add_parser(
        "sync-zendesk",
        help="sincroniza as macros com uma instância do Zendesk",
        description="Lista as macros da instância, casa pelo título e cria ou atualiza só o que "
        f"difere, mostrando o plano antes. Credenciais: variáveis de ambiente {ENV_EMAIL} e "
        f"{ENV_TOKEN} (token de API).",
    )
    sync_p.add_argument("--subdomain", required=True, metavar="S", help="subdomínio da instância (S em https://S.zendesk.com)")
    sync_p.add_argument("--dry-run", action="store_true", help="só mostra o plano, sem criar nem atualizar nada")
    sync_p.add_argument(
        "--include-proposals",
        action="store_true",
        help="envia também as macros cujo texto é uma proposta deste projeto (por padrão só vão os textos oficiais)",
    )
    sync_p.set_defaults(func=lambda args: _cmd_sync(args, load_macros))
