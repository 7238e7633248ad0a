"""Import: the official texts and settings of the instance's macros into `macros/*.yml`.

Each repository macro is associated with the shared Zendesk macro of the same
title. Its `body` becomes the official text, verbatim (`format: html` for a
`comment_value_html`, `text` for a plain `comment_value`), and its `zendesk`
settings become the instance's, both with `source: {zendesk: {id, imported}}`
(control characters and invisible direction marks removed: a source never
holds them; a text over the loader's MAX_STRING_CHARS is not imported),
so that a sync right after an import plans no change. Macros not found, found
twice, or using actions the repository can't represent are reported and left
as they are. Every new file is checked before any is written, then all are
replaced at once (temporary file + rename).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal

from decision_tree.sources.loader import MAX_STRING_CHARS, clean_text
from decision_tree.zendesk.client import Out
from decision_tree.zendesk.diff import unified
from decision_tree.zendesk.errors import ZendeskError, shown
from decision_tree.zendesk.export import MACRO_STATUSES, TAG_RE
from decision_tree.zendesk.instance import Instance
from decision_tree.zendesk.sync import duplicate_message, heading, shared_by_title
from decision_tree.zendesk.yaml_edit import EditError, Flow, SourceError, parse, replace_entries

SUPPORTED = {"comment_value_html", "comment_value", "comment_mode_is_public", "current_tags", "status"}
PUBLIC = {"true": True, "false": False, True: True, False: False}
Check = Callable[[dict[str, str]], list[str]]  # {"macros/<id>.yml": new text} → problems of the would-be repository


class Unsupported(Exception):
    """The Zendesk macro can't be written in the repository's format (message in pt-BR)."""


@dataclass
class ImportItem:
    macro_id: str
    title: str
    path: Path
    status: str  # "import" | "unchanged" | "missing" | "duplicate" | "unsupported"
    remote_id: int | None = None
    reason: str = ""
    new_text: str = ""
    details: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    base_url: str
    remote_count: int
    items: list[ImportItem] = field(default_factory=list)

    def of(self, *statuses: str) -> list[ImportItem]:
        return [i for i in self.items if i.status in statuses]


def official_values(remote: dict[str, Any], imported: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(`zendesk`, `body`) of the YAML for one Zendesk macro; Unsupported if the format can't hold it."""
    actions: dict[str, Any] = {}
    for action in remote["actions"]:
        if action["field"] in actions:
            raise Unsupported(f"repete a ação {action['field']}")
        actions[action["field"]] = action.get("value")
    extra = sorted(set(actions) - SUPPORTED)
    if extra:
        raise Unsupported(f"usa ações que o repositório não representa ({', '.join(shown(e, 40) for e in extra)})")
    comments = [name for name in ("comment_value_html", "comment_value") if name in actions]
    if len(comments) != 1:
        raise Unsupported("não tem texto de comentário" if not comments else "tem comment_value e comment_value_html ao mesmo tempo")
    text = actions[comments[0]]
    if not isinstance(text, str) or not text.strip():
        raise Unsupported(f"o texto do comentário não é um texto não vazio ({shown(text)})")
    if len(text) > MAX_STRING_CHARS:
        raise Unsupported(f"tem um texto de {format_decimal(len(text), locale='pt_BR')} caracteres, mais que os "
                          f"{format_decimal(MAX_STRING_CHARS, locale='pt_BR')} que uma fonte aceita")
    text = clean_text(text)  # control characters and invisible direction marks: never written to macros/
    for name in ("comment_mode_is_public", "current_tags", "status"):
        if name not in actions:
            raise Unsupported(f"não define a ação {name} (o repositório exige public, tags e status)")
    public = PUBLIC.get(actions["comment_mode_is_public"]) if isinstance(actions["comment_mode_is_public"], (str, bool)) else None
    tags = list(dict.fromkeys(actions["current_tags"].split())) if isinstance(actions["current_tags"], str) else []
    if public is None:
        raise Unsupported(f"comment_mode_is_public inválido ({shown(actions['comment_mode_is_public'])})")
    if not tags or not all(TAG_RE.fullmatch(t) for t in tags):
        raise Unsupported(f"as tags ({shown(actions['current_tags'])}) não são uma lista de [a-z0-9_]")
    if actions["status"] not in MACRO_STATUSES:
        raise Unsupported(f"status '{shown(actions['status'])}' não é aceito em macros")
    source = {"zendesk": Flow(id=remote["id"], imported=imported)}
    zendesk = {
        "description": clean_text(str(remote.get("description") or ""))[:MAX_STRING_CHARS],
        "public": public,
        "status": actions["status"],
        "tags": tags,
        "active": remote.get("active", True),
        "source": source,
    }
    body = {"format": "html" if comments[0] == "comment_value_html" else "text", "source": source, "text": text}
    return zendesk, body


def _undated(value: dict[str, Any]) -> dict[str, Any]:
    """`zendesk`/`body` without what an import alone changes (the date); absent `active` is true."""
    source = value.get("source")
    if isinstance(source, dict) and isinstance(source.get("zendesk"), dict):
        value = dict(value, source={"zendesk": {k: v for k, v in source["zendesk"].items() if k != "imported"}})
    return dict(value, active=value.get("active", True)) if "public" in value else value


def _label(value: Any) -> str:
    """A setting or a source as the import's diff shows it."""
    if isinstance(value, list):
        return shown(" ".join(map(str, value)), 200)
    if isinstance(value, dict) and isinstance(value.get("zendesk"), dict):
        return f"oficial (Zendesk #{value['zendesk'].get('id')}, importado em {value['zendesk'].get('imported')})"
    if isinstance(value, dict) and "local" in value:
        return f"proposta local ({shown(value.get('owner'))})"
    return shown(value, 200)


def _details(old: dict[str, Any], zendesk: dict[str, Any], body: dict[str, Any], display: str) -> list[str]:
    before = {**old["zendesk"], "active": old["zendesk"].get("active", True)}
    lines = [f"zendesk.{k}: {_label(before.get(k))} → {_label(v)}" for k, v in zendesk.items() if before.get(k) != v]
    lines += [f"body.{k}: {_label(old['body'].get(k))} → {_label(body[k])}" for k in ("format", "source") if old["body"].get(k) != body[k]]
    zid = body["source"]["zendesk"]["id"]
    return lines + unified(old["body"].get("text") or "", body["text"], f"{display} (body.text atual)", f"Zendesk #{zid} (texto oficial)")


def _plan_one(item: ImportItem, remote: dict[str, Any], imported: str) -> None:
    display = f"macros/{item.macro_id}.yml"
    try:
        text = item.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ZendeskError(f"{display}: não foi possível ler o arquivo ({exc})") from None
    try:
        old = parse(text, display)
    except SourceError as exc:
        raise ZendeskError(f"{exc}; a importação não alterou nenhum arquivo") from None
    if not isinstance(old, dict) or old.get("id") != item.macro_id or not isinstance(old.get("body"), dict):
        raise ZendeskError(f"{display}: o arquivo não está no formato esperado (id '{item.macro_id}', 'body' com format, source e text)")
    zendesk, body = official_values(remote, imported)
    if _undated(old.get("zendesk") or {}) == _undated(zendesk) and _undated(old["body"]) == _undated(body):
        item.status = "unchanged"
        return
    try:
        new_text = replace_entries(replace_entries(text, "zendesk", zendesk), "body", body)
    except EditError as exc:
        raise ZendeskError(f"{display}: {exc}; a importação não alterou nenhum arquivo") from None
    expected = dict(old, zendesk={**old["zendesk"], **zendesk}, body={**old["body"], **body})
    try:
        same = parse(new_text, display) == expected
    except SourceError:
        same = False
    if not same:
        raise ZendeskError(f"{display}: a edição do YAML não leria de volta o texto importado; nenhum arquivo foi alterado")
    item.status, item.new_text, item.details = "import", new_text, _details(old, zendesk, body, display)


def plan_import(macros: list[dict[str, Any]], root: Path, remote: list[dict[str, Any]], base_url: str, imported: str) -> ImportPlan:
    """What the import would write, macro by macro; reads the files, writes nothing."""
    shared = shared_by_title(remote)
    plan = ImportPlan(base_url=base_url, remote_count=len(remote))
    for macro in sorted(macros, key=lambda m: str(m.get("id"))):
        macro_id, title = str(macro.get("id")), str(macro.get("title"))
        item = ImportItem(macro_id, title, root / "macros" / f"{macro_id}.yml", "missing")
        plan.items.append(item)
        matches = shared.get(title, [])
        if len(matches) > 1:
            item.status, item.reason = "duplicate", duplicate_message(title, matches)
        if len(matches) != 1:
            continue
        item.remote_id = matches[0]["id"]
        try:
            _plan_one(item, matches[0], imported)
        except Unsupported as exc:
            item.status, item.reason = "unsupported", f"a macro #{item.remote_id} do Zendesk {exc}"
    return plan


def print_import(plan: ImportPlan, out: Out) -> None:
    out(heading("Importação de", plan))
    for item in plan.items:
        where = f"[macros/{item.macro_id}.yml]"
        if item.status == "import":
            out(f"  ← importar #{item.remote_id} {item.title}  {where}")
            for line in item.details:
                out(f"      {line}")
        elif item.status == "unchanged":
            out(f"  = sem mudança #{item.remote_id} {item.title}  (já é o texto oficial)")
        elif item.status == "missing":
            out(f"  ? não encontrada no Zendesk (nenhuma macro compartilhada com este título): {item.title}  {where}")
        else:
            out(f"  ! não importada: {item.title}  {where}: {item.reason}")
    skipped = len(plan.of("missing", "duplicate", "unsupported"))
    out(f"Resumo: {len(plan.of('import'))} a importar, {len(plan.of('unchanged'))} sem mudança, {skipped} não importadas.")


def write_import(plan: ImportPlan, check: Check | None) -> list[Path]:
    """Check the would-be repository, then replace every changed file at once; nothing is written on a problem."""
    todo = plan.of("import")
    problems = check({f"macros/{i.macro_id}.yml": i.new_text for i in todo}) if check and todo else []
    if problems:
        raise ZendeskError("a importação deixaria o repositório inválido; nenhum arquivo foi alterado:\n" + "\n".join(problems))
    temps: list[tuple[str, Path]] = []
    try:
        for item in todo:
            fd, temp = tempfile.mkstemp(prefix=f".{item.path.name}.", suffix=".tmp", dir=item.path.parent)
            temps.append((temp, item.path))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(item.new_text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temp, item.path.stat().st_mode & 0o777)
    except OSError as exc:
        for temp, _ in temps:
            Path(temp).unlink(missing_ok=True)
        raise ZendeskError(f"não foi possível gravar em macros/ ({exc.strerror or exc}); nenhum arquivo foi alterado") from None
    for temp, path in temps:
        os.replace(temp, path)
    return [path for _, path in temps]


def import_zendesk(macros: list[dict[str, Any]], root: Path, instance: Instance, *, dry_run: bool, out: Out = print,
                   check: Check | None = None, today: str | None = None) -> ImportPlan:
    """List the instance's macros, print what the import changes, then (unless dry_run) write it."""
    client = instance.connect(out)
    plan = plan_import(macros, root, client.list_macros(), client.base_url, today or date.today().isoformat())
    print_import(plan, out)
    if dry_run:
        out("Simulação (--dry-run): nenhum arquivo foi alterado.")
        return plan
    written = write_import(plan, check)
    if written:
        out(f"Importação concluída: {len(written)} arquivos gravados ({', '.join(f'macros/{p.name}' for p in written)}).")
    else:
        out("Nada a importar: os arquivos já têm os textos oficiais do Zendesk.")
    return plan


def repository_problems(root: Path, changed: dict[str, str]) -> list[str]:
    """What `validate` would report if the `changed` files (path → text) were written under `root`."""
    from decision_tree.sources.bundle import load_bundle
    from decision_tree.sources.loader import SourceError

    with tempfile.TemporaryDirectory(prefix="import-zendesk-") as temp:
        copy = Path(temp)
        shutil.copytree(root / "macros", copy / "macros")
        (copy / "decision_tree").mkdir()
        for path in (root / "decision_tree").iterdir():  # the guideline sources, not the code
            if path.is_file() and path.suffix != ".py":
                shutil.copy(path, copy / "decision_tree" / path.name)
        for name, text in changed.items():
            (copy / name).write_text(text, encoding="utf-8")
        try:
            load_bundle(copy)
        except SourceError as exc:
            return exc.messages
    return []
