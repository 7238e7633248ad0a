"""`archive-tree`: keep the tree's versions, so an old "Código do assistente" still opens what was decided then."""

from __future__ import annotations

import argparse
from typing import Any


def cmd_archive_tree(args: argparse.Namespace) -> int:
    from decision_tree.sources.tree_versions import archive_current, archive_from_git

    if args.from_git:
        archive_from_git(args.root)
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
