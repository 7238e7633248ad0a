"""The `export-zendesk`, `sync-zendesk` and `import-zendesk` commands: their arguments and their pt-BR output."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from decision_tree.zendesk.client import ENV_EMAIL, ENV_TOKEN, base_url_for
from decision_tree.zendesk.errors import ZendeskError
from decision_tree.zendesk.export import ALL_FILE, DEFAULT_OUT, export_macros
from decision_tree.zendesk.importer import import_zendesk, repository_problems
from decision_tree.zendesk.instance import Instance
from decision_tree.zendesk.sync import sync

Loader = Callable[[Path], list[dict[str, Any]]]  # the repository root → the bundle's macros


def _load(load_macros: Loader, root: Path) -> list[dict[str, Any]]:
    from decision_tree.sources.loader import SourceError

    try:
        return load_macros(root)
    except SourceError as exc:
        raise ZendeskError("as macros do repositório têm problemas:\n" + "\n".join(exc.messages)) from None


def _fail(exc: Exception) -> int:
    print(f"erro: {exc}", file=sys.stderr)
    return 2


def _credentials(verb: str) -> tuple[str, str]:
    """(e-mail, token) from the environment, never from arguments or files."""
    email_addr = os.environ.get(ENV_EMAIL, "").strip()
    token = os.environ.get(ENV_TOKEN, "").strip()
    missing = [n for n, v in ((ENV_EMAIL, email_addr), (ENV_TOKEN, token)) if not v]
    if missing:
        from babel.lists import format_list

        which = "as variáveis" if len(missing) > 1 else "a variável"
        raise ZendeskError(
            f"defina {which} de ambiente {format_list(missing, locale='pt_BR')} antes de {verb} "
            "(as credenciais nunca vão em argumentos nem em arquivos do repositório)."
        )
    return email_addr, token


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


def _with_instance(args: argparse.Namespace, load_macros: Loader, verb: str, run: Callable[..., None]) -> int:
    """Run `run(macros, instance)` against the instance named in `args`; a ZendeskError is exit 1."""
    try:
        base_url = base_url_for(args.subdomain)
        email_addr, token = _credentials(verb)
        run(_load(load_macros, args.root), Instance(args.subdomain, email_addr, token, base_url))
    except ZendeskError as exc:
        return _fail(exc)
    return 0


def _cmd_sync(args: argparse.Namespace, load_macros: Loader) -> int:
    return _with_instance(args, load_macros, "sincronizar", lambda macros, instance: sync(
        macros, instance, dry_run=args.dry_run, include_proposals=args.include_proposals))


def _cmd_import(args: argparse.Namespace, load_macros: Loader) -> int:
    return _with_instance(args, load_macros, "importar", lambda macros, instance: import_zendesk(
        macros, args.root, instance, dry_run=args.dry_run, check=lambda changed: repository_problems(args.root, changed)))


def _instance_args(parser: argparse.ArgumentParser, dry_run_help: str) -> None:
    parser.add_argument("--subdomain", required=True, metavar="S", help="subdomínio da instância (S em https://S.zendesk.com)")
    parser.add_argument("--dry-run", action="store_true", help=dry_run_help)


def add_subcommands(subparsers: Any, load_macros: Loader) -> None:
    """Register the three commands; each sets `func(args) -> exit code` and reads `args.root`."""
    export = subparsers.add_parser(
        "export-zendesk",
        help="exporta as macros no formato de macro da API do Zendesk (JSON)",
        description="Gera um JSON por macro (macros/<id>.yml → <id>.json) e um com todas "
        f"({ALL_FILE}), no formato do objeto de macro da API do Zendesk Support.",
    )
    export.add_argument("--out", default=DEFAULT_OUT, metavar="PASTA", help=f"pasta de saída (padrão: {DEFAULT_OUT})")
    export.set_defaults(func=lambda args: _cmd_export(args, load_macros))

    credentials = f"Credenciais: variáveis de ambiente {ENV_EMAIL} e {ENV_TOKEN} (token de API)."
    sync_p = subparsers.add_parser(
        "sync-zendesk",
        help="sincroniza as macros com uma instância do Zendesk",
        description="Lista as macros da instância, associa cada uma à do repositório pelo título e cria ou "
        "atualiza só o que difere, mostrando antes o plano com as diferenças. Textos que são propostas "
        f"deste projeto só vão com --include-proposals. {credentials}",
    )
    _instance_args(sync_p, "só mostra o plano, sem criar nem atualizar nada")
    sync_p.add_argument(
        "--include-proposals",
        action="store_true",
        help="envia também as macros cujo texto é uma proposta deste projeto (por padrão só vão os textos oficiais)",
    )
    sync_p.set_defaults(func=lambda args: _cmd_sync(args, load_macros))

    import_p = subparsers.add_parser(
        "import-zendesk",
        help="traz para macros/*.yml os textos oficiais das macros do Zendesk",
        description="Lê as macros da instância, associa cada uma à do repositório pelo título e grava no "
        "arquivo da macro o texto e as configurações oficiais, marcados como vindos do Zendesk. "
        f"{credentials}",
    )
    _instance_args(import_p, "só mostra as diferenças, sem gravar nenhum arquivo")
    import_p.set_defaults(func=lambda args: _cmd_import(args, load_macros))
