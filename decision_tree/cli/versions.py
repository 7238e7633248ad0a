"""`archive-tree`: keep the tree's versions, so an old "Código do assistente" still opens what was decided then."""

from __future__ import annotations

import argparse
import subprocess
from typing import Any

from decision_tree.cli.common import CliError


def cmd_archive_tree(args: argparse.Namespace) -> int:
    from decision_tree.sources.tree_versions import archive_current, archive_from_git

    if args.from_git:
        try:
            archive_from_git(args.root)
        except (OSError, subprocess.SubprocessError) as exc:
            raise CliError(f"{args.root}: o histórico do git não pôde ser lido ({exc}); rode o comando num clone do repositório.") from None
    path, changed = archive_current(args.root)
    rel = path.relative_to(args.root)
    print(f"{rel}: versão atual da árvore {'gravada' if changed else 'já estava em dia'}.")
    return 0


def add_subcommands(sub: Any) -> None:
    s = sub.add_parser(
        "archive-tree",
        help="grava a versão atual da árvore em decision_tree/tree_versions/ (os códigos antigos continuam abrindo)",
    )
    s.add_argument("--from-git", action="store_true", help="também as versões do histórico do git que ainda não estão guardadas")
    s.set_defaults(func=cmd_archive_tree)
