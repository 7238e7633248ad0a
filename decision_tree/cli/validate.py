"""`validate`: check every source and summarize it."""

from __future__ import annotations

import argparse
from typing import Any

from decision_tree.cli.common import load


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
