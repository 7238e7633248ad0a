"""Zendesk macros: export `macros/*.yml` as API objects and sync them to an instance.

`macro_to_zendesk` turns one parsed macro YAML into the Zendesk Support API
macro object (schemas/zendesk-macro.schema.json); `export_macros` writes them
as JSON; `sync` lists the macros of an instance, matches them by title and
creates or updates only what differs, printing the plan first. HTTP is plain
`urllib`; credentials come from the caller (the CLI reads them from the
environment, never from arguments or files).
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from decision_tree.build.markup import render_markdown

MACRO_STATUSES = ("open", "pending", "hold", "solved")  # macros don't take new/closed
TAG_RE = re.compile(r"^[a-z0-9_]+$")
SUBDOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
ALL_FILE = "macros.json"
DEFAULT_OUT = "dist/zendesk"
ENV_EMAIL = "ZENDESK_EMAIL"
ENV_TOKEN = "ZENDESK_API_TOKEN"  # noqa: S105 - the name of the variable, not a secret
MAX_RETRIES = 5  # 429 retries per request
MAX_RETRY_AFTER = 900  # seconds; a longer wait is reported instead of slept
TIMEOUT = 30
TAG_FIELDS = ("set_tags", "current_tags", "remove_tags")

Out = Callable[[str], Any]


class ZendeskError(Exception):
    """A problem to show the user as is: the message is already in pt-BR."""


# --------------------------------------------------------------------- export


def _require(macro: dict[str, Any], where: str, *keys: str) -> Any:
    value: Any = macro
    for i, key in enumerate(keys):
        if not isinstance(value, dict) or key not in value:
            raise ZendeskError(f"{where}: falta o campo '{'.'.join(keys[: i + 1])}'; inclua-o no YAML da macro")
        value = value[key]
    return value


def macro_to_zendesk(macro: dict[str, Any]) -> dict[str, Any]:
    """The Zendesk API macro object for one parsed `macros/<id>.yml`."""
    where = f"macros/{macro.get('id', '?')}.yml" if isinstance(macro, dict) else "macros/?.yml"
    title = _require(macro, where, "title")
    body = _require(macro, where, "body")
    if isinstance(body, dict):  # the bundle's shape: {format, text, source, …}
        body = body.get("text")
    description = _require(macro, where, "zendesk", "description")
    public = _require(macro, where, "zendesk", "public")
    status = _require(macro, where, "zendesk", "status")
    tags = _require(macro, where, "zendesk", "tags")
    active = macro["zendesk"].get("active", True)
    if not isinstance(title, str) or not title.strip():
        raise ZendeskError(f"{where}: 'title' deve ser um texto não vazio")
    if not isinstance(body, str) or not body.strip():
        raise ZendeskError(f"{where}: 'body' deve ser um texto Markdown não vazio")
    if not isinstance(description, str):
        raise ZendeskError(f"{where}: 'zendesk.description' deve ser um texto")
    if not isinstance(public, bool) or not isinstance(active, bool):
        raise ZendeskError(f"{where}: 'zendesk.public' e 'zendesk.active' devem ser true ou false")
    if status not in MACRO_STATUSES:
        raise ZendeskError(
            f"{where}: zendesk.status '{status}' não é aceito em macros do Zendesk (use {', '.join(MACRO_STATUSES)})"
        )
    if not isinstance(tags, list) or not tags or not all(isinstance(t, str) and TAG_RE.match(t) for t in tags):
        raise ZendeskError(f"{where}: 'zendesk.tags' deve ser uma lista de tags em minúsculas com [a-z0-9_]")
    return {
        "title": title,
        "description": description.strip(),
        "active": active,
        "actions": [
            {"field": "comment_value_html", "value": render_markdown(body)},
            {"field": "comment_mode_is_public", "value": "true" if public else "false"},
            {"field": "current_tags", "value": " ".join(tags)},
            {"field": "status", "value": status},
        ],
    }


def _convert_all(macros: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(id, Zendesk object) for every macro, sorted by id; ids and titles unique."""
    converted: list[tuple[str, dict[str, Any]]] = []
    ids: set[str] = set()
    titles: dict[str, str] = {}
    for macro in macros:
        obj = macro_to_zendesk(macro)
        macro_id = str(macro.get("id", ""))
        if not re.match(r"^[a-z0-9][a-z0-9-]*$", macro_id):
            raise ZendeskError(f"macros/{macro_id or '?'}.yml: 'id' deve ser como 'modulo-termo-ams' (a-z, 0-9, -)")
        if macro_id in ids:
            raise ZendeskError(f"macros/{macro_id}.yml: o id '{macro_id}' aparece em mais de uma macro")
        if obj["title"] in titles:
            raise ZendeskError(
                f"macros/{macro_id}.yml: o título já é usado por macros/{titles[obj['title']]}.yml; "
                "a sincronização casa as macros pelo título, então ele deve ser único"
            )
        ids.add(macro_id)
        titles[obj["title"]] = macro_id
        converted.append((macro_id, obj))
    return sorted(converted)


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def export_macros(macros: list[dict[str, Any]], out_dir: Path) -> list[Path]:
    """Write `<id>.json` per macro and `macros.json` with all; return the paths."""
    converted = _convert_all(macros)  # fail before writing anything
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for macro_id, obj in converted:
        path = out_dir / f"{macro_id}.json"
        path.write_text(_dump(obj), encoding="utf-8")
        written.append(path)
    everything = {
        "macros": [obj for _, obj in converted],
        "count": len(converted),
        "next_page": None,
        "previous_page": None,
    }
    path = out_dir / ALL_FILE
    path.write_text(_dump(everything), encoding="utf-8")
    written.append(path)
    return written


# ----------------------------------------------------------------------- HTTP


def base_url_for(subdomain: str) -> str:
    """`https://<subdomain>.zendesk.com`, refusing anything that isn't a bare subdomain."""
    if not SUBDOMAIN_RE.match(subdomain or ""):
        raise ZendeskError(
            f"subdomínio inválido: '{subdomain}'. Informe só o subdomínio, em minúsculas "
            "(para https://empresa.zendesk.com use --subdomain empresa)"
        )
    return f"https://{subdomain}.zendesk.com"


def _retry_after(header: str | None) -> int:
    """Seconds to wait from a Retry-After header (seconds or HTTP date); 60 if absent."""
    if not header:
        return 60
    try:
        return max(0, math.ceil(float(header)))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return 60
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, math.ceil((when - datetime.now(UTC)).total_seconds()))


def _error_detail(exc: urllib.error.HTTPError) -> str:
    try:
        raw = exc.read().decode("utf-8", "replace")
    except OSError:
        return ""
    try:
        data = json.loads(raw)
    except ValueError:
        return raw.strip()[:300]
    if not isinstance(data, dict):
        return raw.strip()[:300]
    parts = [str(data[k]) for k in ("error", "description") if data.get(k)]
    if data.get("details"):
        parts.append(json.dumps(data["details"], ensure_ascii=False))
    return " — ".join(parts)[:300]


def _http_message(exc: urllib.error.HTTPError, method: str, path: str) -> str:
    code = exc.code
    detail = _error_detail(exc)
    where = f"{method} {path}"
    if code == 401:
        return (
            f"o Zendesk recusou as credenciais (HTTP 401 em {where}). Confira {ENV_EMAIL} "
            f"(e-mail de um agente/administrador) e {ENV_TOKEN} (token de API ativo em "
            "Central de administração > Aplicativos e integrações > APIs)."
        )
    if code == 403:
        return (
            f"acesso negado (HTTP 403 em {where}): o usuário de {ENV_EMAIL} não tem permissão "
            "para gerenciar macros compartilhadas (é preciso ser administrador)."
        )
    if code == 404:
        return f"endereço não encontrado (HTTP 404 em {where}): confira o subdomínio informado."
    if code == 429:
        return (
            f"limite de requisições do Zendesk excedido (HTTP 429 em {where}) mesmo após "
            f"{MAX_RETRIES} novas tentativas; tente de novo mais tarde."
        )
    if code in (400, 422):
        return f"o Zendesk rejeitou a macro (HTTP {code} em {where}): {detail or 'sem detalhes'}"
    if code >= 500:
        return f"erro no servidor do Zendesk (HTTP {code} em {where}); tente de novo mais tarde." + (
            f" Detalhe: {detail}" if detail else ""
        )
    return f"o Zendesk respondeu HTTP {code} a {where}" + (f": {detail}" if detail else "")


class _Client:
    def __init__(self, base_url: str, email_addr: str, token: str, out: Out, sleep: Callable[[float], Any] = time.sleep):
        self.base_url = base_url.rstrip("/")
        credentials = f"{email_addr}/token:{token}".encode()
        self._auth = "Basic " + base64.b64encode(credentials).decode("ascii")
        self.out = out
        self.sleep = sleep

    def request(self, method: str, url: str, body: Any = None) -> dict[str, Any]:
        path = urllib.parse.urlsplit(url).path
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Authorization": self._auth, "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        for attempt in range(MAX_RETRIES + 1):
            req = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
                    raw = resp.read()
                break
            except urllib.error.HTTPError as exc:
                if exc.code == 429 and attempt < MAX_RETRIES:
                    wait = _retry_after(exc.headers.get("Retry-After"))
                    exc.close()
                    if wait > MAX_RETRY_AFTER:
                        raise ZendeskError(
                            f"limite de requisições do Zendesk excedido (HTTP 429 em {method} {path}); "
                            f"o Retry-After pede {wait} s de espera: tente de novo mais tarde."
                        ) from None
                    self.out(
                        f"Limite de requisições do Zendesk atingido (HTTP 429): aguardando {wait} s "
                        f"conforme o Retry-After (tentativa {attempt + 1} de {MAX_RETRIES})…"
                    )
                    self.sleep(wait)
                    continue
                message = _http_message(exc, method, path)
                exc.close()
                raise ZendeskError(message) from None
            except urllib.error.URLError as exc:
                raise ZendeskError(
                    f"não foi possível conectar a {self.base_url} ({exc.reason}); confira o subdomínio e a rede."
                ) from None
            except TimeoutError:
                raise ZendeskError(
                    f"o Zendesk não respondeu em {TIMEOUT} s a {method} {path}; tente de novo mais tarde."
                ) from None
        if not raw.strip():
            return {}
        try:
            parsed = json.loads(raw)
        except ValueError:
            raise ZendeskError(f"resposta inválida do Zendesk (não é JSON) a {method} {path}") from None
        if not isinstance(parsed, dict):
            raise ZendeskError(f"resposta inesperada do Zendesk a {method} {path}: esperava um objeto JSON")
        return parsed

    def list_macros(self) -> list[dict[str, Any]]:
        """Every macro of the instance, following `next_page` (offset pagination)."""
        url: str | None = f"{self.base_url}/api/v2/macros?per_page=100"
        seen: set[str] = set()
        macros: list[dict[str, Any]] = []
        while url:
            if not url.startswith(self.base_url + "/"):
                raise ZendeskError(
                    f"a paginação do Zendesk apontou para outro endereço ({url}); a sincronização "
                    "parou para não enviar as credenciais a ele."
                )
            if url in seen:
                raise ZendeskError(f"a paginação do Zendesk voltou a uma página já lida ({url}).")
            seen.add(url)
            page = self.request("GET", url)
            items = page.get("macros")
            if not isinstance(items, list):
                raise ZendeskError("resposta inesperada de GET /api/v2/macros: falta a lista 'macros'")
            macros.extend(m for m in items if isinstance(m, dict))
            url = page.get("next_page")
        return macros


# ----------------------------------------------------------------------- sync


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
    for macro_id, desired in _convert_all(macros):
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
    _convert_all(macros)  # bad input fails before any request
    client = _Client(base_url, email, token, out)
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
                resp = client.request("POST", f"{base_url}/api/v2/macros", {"macro": item.payload})
                item.remote_id = (resp.get("macro") or {}).get("id")
                out(f"  criada #{item.remote_id}: {item.title}")
            else:
                client.request("PUT", f"{base_url}/api/v2/macros/{item.remote_id}", {"macro": item.payload})
                out(f"  atualizada #{item.remote_id}: {item.title}")
        except ZendeskError as exc:
            raise ZendeskError(f"{exc} ({done} de {len(todo)} mudanças já aplicadas)") from None
    plan.applied = True
    out(f"Sincronização concluída: {len(plan.creates)} criadas, {len(plan.updates)} atualizadas.")
    return plan


# ------------------------------------------------------------------------ CLI


def _load(load_macros: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    from decision_tree.build.sources import SourceError

    try:
        return load_macros()
    except SourceError as exc:
        raise ZendeskError("as macros do repositório têm problemas:\n" + "\n".join(exc.messages)) from None


def _fail(exc: Exception) -> int:
    print(f"erro: {exc}", file=sys.stderr)
    return 2


def _cmd_export(args: argparse.Namespace, load_macros: Callable[[], list[dict[str, Any]]]) -> int:
    try:
        paths = export_macros(_load(load_macros), Path(args.out))
    except ZendeskError as exc:
        return _fail(exc)
    except OSError as exc:
        return _fail(ZendeskError(f"não foi possível gravar em {args.out}: {exc.strerror or exc}"))
    print(f"{len(paths) - 1} macros exportadas para {args.out} (uma por arquivo e todas em {ALL_FILE}):")
    for path in paths:
        print(f"  {path}")
    return 0


def _cmd_sync(args: argparse.Namespace, load_macros: Callable[[], list[dict[str, Any]]]) -> int:
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
        sync(_load(load_macros), args.subdomain, dry_run=args.dry_run, base_url=base_url, email=email_addr, token=token)
    except ZendeskError as exc:
        return _fail(exc)
    return 0


def add_subcommands(subparsers: Any, load_macros: Callable[[], list[dict[str, Any]]]) -> None:
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
    sync_p.set_defaults(func=lambda args: _cmd_sync(args, load_macros))
