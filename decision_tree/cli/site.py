"""`build-docs` and `check-site`: the site's sources as files, and the built site against the published CSP."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from decision_tree.cli.common import CliError


def cmd_build_docs(args: argparse.Namespace) -> int:
    from decision_tree.sitegen.build_docs import AUDIENCES, BuildError, build_docs
    from decision_tree.sitegen.mermaid import MermaidError
    from decision_tree.sitegen.webapp import WebappError
    from decision_tree.sitegen.zendesk_sidebar import SidebarError
    from decision_tree.sources.loader import SourceError

    out = (args.out or args.root / AUDIENCES[args.audience]).resolve()

    def once() -> None:
        try:
            changed = build_docs(args.root, out, audience=args.audience, zendesk_subdomain=args.zendesk_subdomain)
        except SourceError as exc:
            raise CliError("as fontes têm problemas; nada foi gravado:\n" + "\n".join(exc.messages)) from None
        except (BuildError, MermaidError, WebappError, SidebarError) as exc:
            raise CliError(str(exc)) from None
        print(f"{out}: {len(changed)} arquivo(s) atualizado(s)." if changed else f"{out}: nada mudou.")

    if not args.watch:
        once()
        return 0

    def first() -> None:  # the watch is already on: a save during the first build is not missed
        once()
        print("Observando docs/, decision_tree/, macros/ e mkdocs.yml (Ctrl+C para parar)…", flush=True)

    def again() -> None:
        try:
            once()
        except CliError as exc:  # keep watching: the next save may fix it
            print(f"erro: {exc}", file=sys.stderr, flush=True)

    from decision_tree.sitegen.watch import watch

    watch(args.root, again, ready=first)
    return 0


def cmd_check_site(args: argparse.Namespace) -> int:
    from decision_tree.sitegen.hosting import for_client_project, for_project
    from decision_tree.sitegen.inline_scripts import blocked_in_site

    hosting = for_client_project(args.root) if args.audience else for_project(args.root)
    problems = blocked_in_site(args.site, hosting.scripts)
    if problems:
        raise CliError("a Content-Security-Policy da página Hospedagem bloquearia estes scripts (mova-os para um arquivo "
                       "em docs/assets/):\n" + "\n".join(problems))
    print(f"{args.site}: toda página roda sob o cabeçalho publicado.")
    return 0


def add_subcommands(sub: Any) -> None:
    s = sub.add_parser("build-docs", help="grava em site-src/ as páginas e os arquivos gerados, para o mkdocs/zensical")
    s.add_argument("--out", type=Path, help="pasta de saída (padrão: site-src/ na raiz)")
    s.add_argument("--watch", action="store_true", help="grava de novo a cada mudança nas fontes")
    s.add_argument("--audience", choices=["clientes"], help="o site dos clientes: só o que é `visibility: public`, "
                   "em site-src-clientes/ (mkdocs.clientes.yml)")
    s.add_argument("--zendesk-subdomain", metavar="SUBDOMINIO",
                   help="o Zendesk (https://SUBDOMINIO.zendesk.com) que pode mostrar a página do app; padrão: zendesk_app.subdomain")
    s.set_defaults(func=cmd_build_docs)
    s = sub.add_parser("check-site", help="confere que o site gerado roda sob a Content-Security-Policy publicada")
    s.add_argument("site", type=Path, help="a pasta do site gerado (ex.: site/)")
    s.add_argument("--audience", choices=["clientes"], help="o site dos clientes (mkdocs.clientes.yml)")
    s.set_defaults(func=cmd_check_site)
