"""Sync: compare the repository's macros with the instance's, print the plan, apply it.

A macro whose body is a proposal of this project (not the official text
imported from Zendesk) is never sent unless the caller says so
(`include_proposals`); the plan still shows what it would change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from decision_tree.zendesk.client import Client, Out
from decision_tree.zendesk.diff import body_diff, settings_changes
from decision_tree.zendesk.errors import ZendeskError
from decision_tree.zendesk.export import convert_all
from decision_tree.zendesk.instance import Instance

TAG_FIELDS = ("set_tags", "current_tags", "remove_tags")


@dataclass
class PlanItem:
    action: str  # "create" | "update" | "unchanged"
    macro_id: str  # the repository id (macros/<id>.yml)
    title: str
    payload: dict[str, Any]
    official: bool = True  # False: the body is a proposal
    remote_id: int | None = None
    changes: tuple[str, ...] = ()  # what differs: top-level properties, or `actions.<field>`
    details: list[str] = field(default_factory=list)  # the changed settings and the text diff, for people
    held: bool = False  # a proposal left out of the sync (no include_proposals)


@dataclass
class Plan:
    base_url: str
    remote_count: int
    items: list[PlanItem] = field(default_factory=list)
    applied: bool = False

    def _of(self, action: str) -> list[PlanItem]:
        return [i for i in self.items if i.action == action and not i.held]

    @property
    def creates(self) -> list[PlanItem]:
        return self._of("create")

    @property
    def updates(self) -> list[PlanItem]:
        return self._of("update")

    @property
    def unchanged(self) -> list[PlanItem]:
        return self._of("unchanged")

    @property
    def held(self) -> list[PlanItem]:
        return [i for i in self.items if i.held]

    @property
    def has_changes(self) -> bool:
        return bool(self.creates or self.updates)


def _norm_value(field_name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    if field_name in TAG_FIELDS:
        return " ".join(sorted(set(text.split())))
    return text.strip()


def normalized(obj: dict[str, Any]) -> dict[str, Any]:
    """A macro object reduced to what sync compares: equal when Zendesk would behave the same."""
    actions: dict[str, list[str]] = {}
    for action in obj.get("actions") or []:
        name = str(action.get("field"))
        actions.setdefault(name, []).append(_norm_value(name, action.get("value")))
    return {
        "title": obj.get("title"),
        "description": (obj.get("description") or "").strip(),
        "active": bool(obj.get("active", True)),
        "actions": {k: sorted(v) for k, v in actions.items()},
    }


def _differences(desired: dict[str, Any], remote: dict[str, Any]) -> tuple[str, ...]:
    """Names of what differs: top-level properties, or `actions.<field>`."""
    changes = [k for k in ("title", "description", "active") if desired[k] != remote[k]]
    for name in sorted(set(desired["actions"]) | set(remote["actions"])):
        if desired["actions"].get(name) != remote["actions"].get(name):
            changes.append(f"actions.{name}")
    return tuple(changes)


def shared_by_title(remote: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The instance's shared macros by title; agents' personal macros are not ours to touch."""
    shared: dict[str, list[dict[str, Any]]] = {}
    for obj in remote:
        if (obj.get("restriction") or {}).get("type") == "User":
            continue
        shared.setdefault(obj["title"], []).append(obj)
    return shared


def duplicate_message(title: str, matches: list[dict[str, Any]]) -> str:
    ids = ", ".join(f"#{m['id']}" for m in matches)
    return (
        f'há {len(matches)} macros compartilhadas com o título "{title}" no Zendesk ({ids}); '
        "mantenha só uma (desative e renomeie as demais)"
    )


def plan_sync(macros: list[dict[str, Any]], remote: list[dict[str, Any]], base_url: str, *, include_proposals: bool = False) -> Plan:
    """Compare the repository macros with the instance's shared macros, matched by title."""
    shared = shared_by_title(remote)
    plan = Plan(base_url=base_url, remote_count=len(remote))
    for item in convert_all(macros):
        desired, title = item.obj, item.obj["title"]
        matches = shared.get(title, [])
        if len(matches) > 1:
            raise ZendeskError(duplicate_message(title, matches) + " e rode de novo.")
        entry = PlanItem("create", item.macro_id, title, desired, item.official)
        if matches:
            entry.remote_id = matches[0]["id"]
            want, have = normalized(desired), normalized(matches[0])
            entry.changes = _differences(want, have)
            entry.action = "update" if entry.changes else "unchanged"
            repo_name = f"macros/{item.macro_id}.yml"
            entry.details = settings_changes(have, want) + body_diff(have, want, f"Zendesk #{entry.remote_id}", repo_name)
        entry.held = entry.action != "unchanged" and not item.official and not include_proposals
        plan.items.append(entry)
    return plan


def heading(what: str, plan: Plan | Any) -> str:
    """The first line of a plan (of a sync or an import): where, and how many macros on each side."""
    return f"{what} {plan.base_url} ({len(plan.items)} macros no repositório, {plan.remote_count} no Zendesk):"


def print_plan(plan: Plan, out: Out) -> None:
    out(heading("Plano de sincronização com", plan))
    for item in plan.items:
        where = f"[macros/{item.macro_id}.yml]"
        if item.action == "unchanged":
            out(f"  = sem mudança #{item.remote_id} {item.title}")
            continue
        verb = "criar" if item.action == "create" else f"atualizar #{item.remote_id}"
        if item.held:
            out(f"  ! não enviada (o texto é uma proposta deste projeto; use --include-proposals): {verb} {item.title}  {where}")
        elif item.action == "create":
            out(f"  + criar {item.title}  {where}" + ("  (proposta, enviada por --include-proposals)" if not item.official else ""))
        else:
            extra = "  (proposta, enviada por --include-proposals)" if not item.official else ""
            out(f"  ~ atualizar #{item.remote_id} {item.title}  {where}  (muda: {', '.join(item.changes)}){extra}")
        for line in item.details:
            out(f"      {line}")
    held = f", {len(plan.held)} propostas não enviadas" if plan.held else ""
    out(f"Resumo: {len(plan.creates)} a criar, {len(plan.updates)} a atualizar, {len(plan.unchanged)} sem mudança{held}.")


def _applied(done: int, total: int, item: PlanItem, unknown: bool) -> str:
    """How much of the plan is on the instance after a failure at `item`."""
    summary = f"{done} de {total} mudanças já aplicadas"
    if not unknown:
        return summary
    what = f'da criação de "{item.title}"' if item.action == "create" else f'da atualização de #{item.remote_id} "{item.title}"'
    return (
        f"{summary}; o resultado {what}, que estava em andamento, é desconhecido: confira essa macro no Zendesk. "
        "Rodar a sincronização de novo é seguro: ela associa as macros pelo título e só aplica o que ainda difere"
    )


def apply_plan(plan: Plan, client: Client, out: Out) -> None:
    """Create and update what the plan says, in order; a failure says how much was applied."""
    todo = plan.creates + plan.updates
    for done, item in enumerate(todo):
        try:
            if item.action == "create":
                item.remote_id = client.create(item.payload)["id"]
                out(f"  criada #{item.remote_id}: {item.title}")
            else:
                assert item.remote_id is not None
                client.update(item.remote_id, item.payload)
                out(f"  atualizada #{item.remote_id}: {item.title}")
        except ZendeskError as exc:
            raise ZendeskError(f"{exc} ({_applied(done, len(todo), item, exc.outcome_unknown)})") from None
    plan.applied = True


def sync(macros: list[dict[str, Any]], instance: Instance, *, dry_run: bool, out: Out = print, include_proposals: bool = False) -> Plan:
    """List, compare, print the plan, then (unless dry_run) create/update what differs."""
    client = instance.connect(out)
    convert_all(macros)  # bad input fails before any request
    plan = plan_sync(macros, client.list_macros(), client.base_url, include_proposals=include_proposals)
    print_plan(plan, out)
    held = f"; {len(plan.held)} propostas não enviadas" if plan.held else ""
    if dry_run:
        out("Simulação (--dry-run): nada foi enviado ao Zendesk.")
        return plan
    if not plan.has_changes and plan.held:
        out(f"Nada a enviar: o que difere são {len(plan.held)} propostas, que só vão com --include-proposals.")
        plan.applied = True
        return plan
    if not plan.has_changes:
        out("Nada a fazer: as macros do Zendesk já estão iguais às do repositório.")
        plan.applied = True
        return plan
    apply_plan(plan, client, out)
    out(f"Sincronização concluída: {len(plan.creates)} criadas, {len(plan.updates)} atualizadas{held}.")
    return plan
