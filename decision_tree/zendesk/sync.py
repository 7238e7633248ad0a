"""Sync: compare the repository's macros with the instance's, print the plan, apply it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .client import ENV_EMAIL, ENV_TOKEN, Client, Out, base_url_for
from .errors import ZendeskError
from .export import convert_all

TAG_FIELDS = ("set_tags", "current_tags", "remove_tags")


@dataclass
class PlanItem:
    action: str  # "create" | "update" | "unchanged"
    macro_id: str  # the repository id (macros/<id>.yml)
    title: str
    payload: dict[str, Any]
    remote_id: int | None = None
    changes: tuple[str, ...] = ()


@dataclass
class Plan:
    base_url: str
    remote_count: int
    items: list[PlanItem] = field(default_factory=list)
    applied: bool = False

    def _of(self, action: str) -> list[PlanItem]:
        return [i for i in self.items if i.action == action]

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
    def has_changes(self) -> bool:
        return any(i.action != "unchanged" for i in self.items)


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


def _normalized(obj: dict[str, Any]) -> dict[str, Any]:
    actions: dict[str, list[str]] = {}
    for action in obj.get("actions") or []:
        if isinstance(action, dict):
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
    a, b = _normalized(desired), _normalized(remote)
    changes = [k for k in ("title", "description", "active") if a[k] != b[k]]
    for name in sorted(set(a["actions"]) | set(b["actions"])):
        if a["actions"].get(name) != b["actions"].get(name):
            changes.append(f"actions.{name}")
    return tuple(changes)


def plan_sync(macros: list[dict[str, Any]], remote: list[dict[str, Any]], base_url: str) -> Plan:
    """Compare the repository macros with the instance's; personal macros are ignored."""
    shared: dict[str, list[dict[str, Any]]] = {}
    for obj in remote:
        if (obj.get("restriction") or {}).get("type") == "User":
            continue  # an agent's personal macro: not ours to touch
        shared.setdefault(str(obj.get("title")), []).append(obj)
    plan = Plan(base_url=base_url, remote_count=len(remote))
    for macro_id, desired in convert_all(macros):
        matches = shared.get(desired["title"], [])
        if len(matches) > 1:
            ids = ", ".join(f"#{m.get('id')}" for m in matches)
            raise ZendeskError(
                f'há {len(matches)} macros compartilhadas com o título "{desired["title"]}" no Zendesk '
                f"({ids}); mantenha só uma (desative e renomeie as demais) e rode de novo."
            )
        if not matches:
            plan.items.append(PlanItem("create", macro_id, desired["title"], desired))
            continue
        remote_obj = matches[0]
        remote_id = remote_obj.get("id")
        if not isinstance(remote_id, int):
            raise ZendeskError(f"a macro \"{desired['title']}\" do Zendesk veio sem 'id' numérico")
        changes = _differences(desired, remote_obj)
        action = "update" if changes else "unchanged"
        plan.items.append(PlanItem(action, macro_id, desired["title"], desired, remote_id, changes))
    return plan


def print_plan(plan: Plan, out: Out) -> None:
    out(f"Plano de sincronização com {plan.base_url} ({len(plan.items)} macros no repositório, {plan.remote_count} no Zendesk):")
    for item in plan.items:
        if item.action == "create":
            out(f"  + criar          {item.title}  [macros/{item.macro_id}.yml]")
        elif item.action == "update":
            out(f"  ~ atualizar #{item.remote_id} {item.title}  (muda: {', '.join(item.changes)})")
        else:
            out(f"  = sem mudança #{item.remote_id} {item.title}")
    out(f"Resumo: {len(plan.creates)} a criar, {len(plan.updates)} a atualizar, {len(plan.unchanged)} sem mudança.")


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


def sync(
    macros: list[dict[str, Any]],
    subdomain: str,
    *,
    dry_run: bool,
    base_url: str | None = None,
    email: str,
    token: str,
    out: Out = print,
) -> Plan:
    """List, compare, print the plan, then (unless dry_run) create/update what differs."""
    default_url = base_url_for(subdomain)
    base_url = (base_url or default_url).rstrip("/")
    if not email or not token:
        raise ZendeskError(f"faltam as credenciais: defina as variáveis de ambiente {ENV_EMAIL} e {ENV_TOKEN}.")
    convert_all(macros)  # bad input fails before any request
    client = Client(base_url, email, token, out)
    plan = plan_sync(macros, client.list_macros(), base_url)
    print_plan(plan, out)
    if dry_run:
        out("Simulação (--dry-run): nada foi enviado ao Zendesk.")
        return plan
    if not plan.has_changes:
        out("Nada a fazer: as macros do Zendesk já estão iguais às do repositório.")
        plan.applied = True
        return plan
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
    out(f"Sincronização concluída: {len(plan.creates)} criadas, {len(plan.updates)} atualizadas.")
    return plan
