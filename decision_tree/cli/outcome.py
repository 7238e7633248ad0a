"""`wizard` and `recommend`: the wizard in the terminal and the outcome of a state code."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any, TextIO

from decision_tree.cli.common import CliError, label, load
from decision_tree.core import archived
from decision_tree.core.engine import Engine, StateError
from decision_tree.core.model import Outcome
from decision_tree.core.texts import local_suffix, lower_first


def _status(step: dict) -> str:
    """A markable step's mark as the terminal shows it: " [done text]" or " [what it waits for]"."""
    return f" [{step['mark'] if step['done'] else step['waiting']}]" if step["mark"] else ""


def render_outcome(r: dict[str, Any], out: TextIO) -> None:
    w = out.write
    w(f"\n=== Resultado: {r['mode_title']} ===\n{r['summary']['text']}{label(r['summary'])}\n")
    if r["pending_check"]:
        p = r["pending_check"]
        w(f"\nVerificação pendente: {p['title']} — {p['pending']}\n")
        w(f"  O que fazer: {lower_first(p['next_step']['text'])}{label(p['next_step'])}\n")
        if p["gap"]:
            w(f"  Atenção: {lower_first(p['gap']['text'])}{label(p['gap'])}\n")
    if r.get("finding"):
        f = r["finding"]
        w(f"\nVerificação feita: {f['title']} — {f['text']}{label(f)}\n")
    if r["criteria"]:
        w("\nCritérios da diretriz que levaram a este resultado:\n")
        for c in r["criteria"]:
            w(f"  - {c['title']}: {c['text']}\n    ({c['section']}; {c['url']})\n")
    if r["audience"]:
        w(f"\nSolicitante: {r['audience']['title']}\n")
    if r["steps"]:
        w("\nO que fazer agora, em ordem:\n")
        for i, s in enumerate(r["steps"], start=1):
            status = _status(s)
            w(f"  {i}. {s['title'] or s['text']['text']}{status}{label(s['text'])}\n")
            if s["order"]:  # why the step comes there, as the page shows it
                w(f"     {s['order']['text']}{label(s['order'])}\n")
            for m in s["macros"]:
                w(f"     Macro: {m['title']}{'' if m['ready'] else ' (o texto fica disponível depois das etapas acima)'}\n")
    if r["billing"]["billed"]:
        w("\nTarifação:\n")
        for rule in r["billing"]["rules"]:
            w(f"  - {rule['text']}{label(rule)}\n")
        if r["payer"]:
            w(f"  Quem paga: {r['payer']['title']}{label(r['payer']['rule'])}\n")
    if r["next_steps"]:
        w("\nPróximos passos:\n")
        for s in r["next_steps"]:
            w(f"  - {s['text']}{label(s)}\n")
    w(f"\nNota para o ticket:\n{'-' * 40}\n{r['ticket_note']}\n{'-' * 40}\n")
    w(f"Código deste resultado: {r['state']}\n")


def cmd_wizard(args: argparse.Namespace, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    _, e = load(args.root)
    if args.state and archived.other_version(e, args.state):
        a = _open_archived(args, e)
        if a["finished"]:  # what was decided then, read-only, and how today's tree decides it
            render_archived(a, out)
            return 0
        state = a["state"]  # not finished then: it goes on with today's tree, keeping the answers it still accepts
        out.write(archived.partial_notice(a, len(state.answers)) + "\n")
    else:
        state = e.decode(args.state) if args.state else e.start()
    while True:
        walk = e.walk(state)
        if isinstance(walk.node, Outcome):
            render_outcome(e.recommend(state), out)
            return 0
        q = walk.node
        out.write(f"\n{len(walk.steps) + 1}. {q.question}\n")
        if q.help:
            out.write(f"   {q.help}{label({'source': q.help_source.to_dict()}) if q.help_source else ''}\n")
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


def render_archived(a: dict[str, Any], out: TextIO) -> None:
    """An outcome of an earlier tree version, read-only (`decision_tree.core.archived`)."""
    w = out.write
    r = a["outcome"]
    local = set(r["local"])

    def tag(text: str) -> str:
        return text + local_suffix({"kind": "local"} if text in local else None, "[]")

    w(f"\n=== Resultado: {r['mode_title']} (somente leitura) ===\n{a['message']} {a['read_only']}\n")
    if a["version"]["changelog"]:
        w(f"Versão da árvore: {a['version']['changelog']}\n")
    w(f"\n{a['today']['message']}\n")
    if a["today"]["finished"]:
        w(f"Código com a árvore atual: {a['today']['state']}\n")
    w(f"\n{tag(r['summary'])}\n")
    if r["pending"]:
        w(f"\nVerificação pendente: {r['pending']}\n")
    if r["criteria"]:
        w("\nCritérios da diretriz que levaram a este resultado:\n")
        for c in r["criteria"]:
            w(f"  - {c['title'] + ': ' if c['title'] else ''}{c['text']}\n")
    if r["audience"]:
        w(f"\nSolicitante: {r['audience']}\n")
    if r["steps"]:
        w("\nEtapas, como estavam marcadas:\n")
        for i, s in enumerate(r["steps"], start=1):
            status = _status(s)
            w(f"  {i}. {s['title'] + ' — ' if s['title'] else ''}{tag(s['text'])}{status}\n")
    for title, items in (("Próximos passos", r["next_steps"]), ("Tarifação, nessa versão", r["billing"])):
        if items:
            w(f"\n{title}:\n" + "".join(f"  - {tag(x)}\n" for x in items))
    w("\nRespostas dadas:\n")
    for x in a["answers"]:
        w(f"  - {x['question']} {x['answer']}\n")
    w(f"\nNota para o ticket (de então):\n{'-' * 40}\n{r['ticket_note']}\n{'-' * 40}\n")


def _open_archived(args: argparse.Namespace, e: Engine) -> dict[str, Any]:
    """The code of an earlier tree version, read from its archive (`decision_tree/tree_versions/`)."""
    from decision_tree.sources.tree_versions import archived as archives

    path = archives(args.root).get(archived.other_version(e, args.state) or "")
    try:
        return archived.open_code(e, path.read_text(encoding="utf-8") if path else None, args.state)
    except StateError as exc:
        raise CliError(str(exc)) from None


def _recommend_archived(args: argparse.Namespace, e: Engine) -> int:
    if args.mark:
        raise CliError("Este código é de uma versão anterior da árvore e abre somente para leitura: não é possível marcar etapas.")
    a = _open_archived(args, e)
    if not a["finished"]:
        v = a["version"]
        raise CliError(f"Este código é da versão {v['fingerprint']} da árvore ({v['day']}) e não chegou a um resultado: "
                       f"não há decisão para mostrar. Para continuar com a árvore atual: wizard --state {e.encode(a['state'])}")
    if args.json:
        print(json.dumps(a, ensure_ascii=False, indent=2))
    else:
        render_archived(a, sys.stdout)
    return 0


def cmd_recommend(args: argparse.Namespace) -> int:
    _, e = load(args.root, render=args.json)
    if archived.other_version(e, args.state):
        return _recommend_archived(args, e)
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
