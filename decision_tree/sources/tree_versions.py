"""The archive of the tree's versions: what each version decided, by fingerprint.

A "Código do assistente" pasted in a ticket names the tree's version it was
made with (its fingerprint). When the tree changes, the codes made before must
still open what was decided then, so every version the site served is kept in
`decision_tree/tree_versions/<fingerprint>.json`: the questions and answers of
that version and, for every finished path, the outcome as it was shown (mode,
summary, criteria, the steps to mark, the ticket note for each number of marks
set). `decision_tree.core.archived` reads it; nothing in it needs the code of
that version, so a later change of the engine or the model cannot break it.

`archive_current` writes the current tree's file (`python -m decision_tree
archive-tree`); `archive_from_git` seeds the versions of the git history, each
recorded by running that commit's own code (`archive-tree --from-git`);
`check_current` says when the current tree's file is missing or out of date
(a test runs it, so a change of the tree cannot forget its archive).

This module's top level imports the standard library only: `--from-git` loads
it by path beside an old commit's `decision_tree` package.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

FORMAT = 1
ARCHIVE_DIR = Path("decision_tree") / "tree_versions"
CODE = "{code}"  # where the ticket note names the code: filled with the code opened


def _text(value: Any) -> str | None:
    return value.get("text") if isinstance(value, dict) else value


def _title(value: Any) -> str | None:
    return value.get("title") if isinstance(value, dict) else value


def _steps(r: dict[str, Any]) -> list[dict[str, Any]]:
    if "steps" in r:
        return [{"title": s.get("title") or "", "text": _text(s["text"]), "mark": s.get("mark"), "waiting": s.get("waiting")}
                for s in r["steps"]]
    return [{"title": p.get("title") or "", "text": _text(p.get("text")), "mark": None, "waiting": None}
            for p in r.get("prerequisites") or []]  # before the steps could be marked


def _pending(p: Any) -> str | None:
    if not p:
        return None
    return f"{p['title']} — {p.get('pending') or p.get('text') or ''}".rstrip(" —")


def _local_texts(data: Any, found: dict[str, Any]) -> dict[str, Any]:
    """Every text below `data` whose source is local (not the guideline's), with that source: the view labels it
    "Não consta na diretriz"."""
    if isinstance(data, dict):
        source = data.get("source")
        if isinstance(source, dict) and source.get("kind") == "local" and isinstance(data.get("text"), str):
            keep = ("kind", "anchor", "owner_title", "confirmed")
            found.setdefault(data["text"], {k: source[k] for k in keep if k in source})
        for value in data.values():
            _local_texts(value, found)
    elif isinstance(data, list):
        for value in data:
            _local_texts(value, found)
    return found


def _record(levels: list[dict[str, Any]]) -> dict[str, Any]:
    """What a finished path showed, from its outcome at 0, 1, 2… marks (any era of the engine's output)."""
    r = levels[0]
    payer = r.get("payer")
    return {
        "outcome": r["outcome"],
        "mode": r["mode"],
        "mode_title": r["mode_title"],
        "summary": _text(r["summary"]),
        "pending": _pending(r.get("pending_check")),
        "criteria": [{"title": c.get("title") or "", "text": c["text"]} for c in r.get("criteria") or []],
        "audience": _title(r.get("audience")),
        "payer": _title(payer) if isinstance(payer, dict) else r.get("payer_title"),
        "steps": _steps(r),
        "next_steps": [_text(s) for s in r.get("next_steps") or []],
        "billing": [_text(b) for b in (r.get("billing") or {}).get("rules") or []],
        "notes": [lv["ticket_note"].replace(lv["state"], CODE) for lv in levels],
        "local": _local_texts(r, {}),  # empty for a version that did not record where its texts came from
    }


def _finished_paths(engine: Any, state_cls: type) -> list[Any]:
    """Every finished path, in option order (walked with the version's own engine)."""
    found: list[Any] = []
    todo = [()]
    while todo:
        answers = todo.pop()
        node = engine.walk(state_cls(answers)).node
        if hasattr(node, "options") and hasattr(node, "question"):
            todo += [(*answers, i) for i in reversed(range(len(node.options)))]
        else:
            found.append(state_cls(answers))
    return found


def record_version(engine: Any, changelog: list[dict[str, Any]], origin: str) -> dict[str, Any]:
    """The archive of the version `engine` decides with: duck-typed, so the engine of any past commit will do."""
    state_cls = type(engine.start())
    has_marks = "marks" in getattr(state_cls, "__dataclass_fields__", {})
    g = engine.g
    fingerprint = engine.encode(state_cls()).split("-")[0]
    records: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    paths: dict[str, int] = {}
    for state in _finished_paths(engine, state_cls):
        levels = [engine.recommend(state)]
        while has_marks:
            try:
                levels.append(engine.recommend(state_cls(state.answers, (1 << len(levels)) - 1)))
            except ValueError:  # the engine's StateError: no more marks on this outcome
                break
        record = _record(levels)
        key = json.dumps(record, sort_keys=True, ensure_ascii=False)
        paths[engine.encode(state).split("-", 1)[1]] = seen.setdefault(key, len(records))
        if seen[key] == len(records):
            records.append(record)
    latest = max(changelog, key=lambda c: str(c["date"])) if changelog else {"date": "", "summary": ""}
    return {
        "format": FORMAT,
        "fingerprint": fingerprint,
        "date": str(latest["date"]),
        "changelog": latest.get("summary", ""),
        "origin": origin,
        "start": g.start,
        "questions": {
            q.id: {"text": q.question, "options": [{"id": o.id, "label": o.label, "next": o.next} for o in q.options]}
            for q in g.questions.values()
        },
        "outcomes": records,
        "paths": paths,
    }


def dumps(archive: dict[str, Any]) -> str:
    return json.dumps(archive, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# -- the current tree ------------------------------------------------------


def current_archive(root: Path) -> dict[str, Any]:
    from decision_tree.cli.common import load

    bundle, engine = load(root)
    return record_version(engine, bundle.get("changelog") or [], "guidelines.yml")


def archive_path(root: Path, fingerprint: str) -> Path:
    return root / ARCHIVE_DIR / f"{fingerprint}.json"


def archive_current(root: Path) -> tuple[Path, bool]:
    """Write the current tree's archive; (its file, whether it changed)."""
    archive = current_archive(root)
    path = archive_path(root, archive["fingerprint"])
    text = dumps(archive)
    changed = not path.is_file() or path.read_text(encoding="utf-8") != text
    if changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path, changed


def check_current(root: Path) -> str | None:
    """A pt-BR message when the current tree's archive is missing or stale, else None."""
    archive = current_archive(root)
    path = archive_path(root, archive["fingerprint"])
    fix = "rode `python -m decision_tree archive-tree` e faça o commit do arquivo"
    if not path.is_file():
        return (f"{path.relative_to(root)}: a versão atual da árvore ({archive['fingerprint']}) não está no arquivo de versões; "
                f"os códigos do assistente feitos com ela deixariam de abrir quando a árvore mudar. Para corrigir, {fix}.")
    if path.read_text(encoding="utf-8") != dumps(archive):
        return (f"{path.relative_to(root)}: o arquivo da versão atual da árvore está desatualizado (um texto ou a nota do "
                f"ticket mudou desde que foi gravado). Para corrigir, {fix}.")
    return None


def archived(root: Path) -> dict[str, Path]:
    """Fingerprint -> archive file, every version kept in the repository."""
    folder = root / ARCHIVE_DIR
    return {p.stem: p for p in sorted(folder.glob("*.json"))} if folder.is_dir() else {}



def summaries(root: Path) -> list[dict[str, Any]]:
    """Every archived version, newest first: its fingerprint, date, changelog entry and number of outcomes.
    SourceError (`file:line: …`) on an archive that is not JSON or lacks those fields."""
    from decision_tree.sources.loader import SourceError

    found = []
    for fingerprint, path in archived(root).items():
        where = path.relative_to(root).as_posix()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            found.append({"fingerprint": fingerprint, "date": str(data["date"]), "changelog": str(data["changelog"]),
                          "paths": len(data["paths"])})
        except json.JSONDecodeError as exc:
            raise SourceError([f"{where}:{exc.lineno}: não é um JSON válido ({exc.msg}); restaure o arquivo do git "
                               "(git checkout -- ARQUIVO) ou grave a versão atual de novo com archive-tree"]) from None
        except (KeyError, TypeError) as exc:
            raise SourceError([f"{where}:1: falta o campo {exc} de uma versão da árvore; restaure o arquivo do git "
                               "(git checkout -- ARQUIVO)"]) from None
    return sorted(found, key=lambda v: (v["date"], v["fingerprint"]), reverse=True)


# -- seeding from git --------------------------------------------------------

_BOOT = """
import importlib.util, json, sys
from pathlib import Path
root = Path(sys.argv[1])
sys.path.insert(0, str(root))
spec = importlib.util.spec_from_file_location("_tree_versions", sys.argv[2])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
print(json.dumps(mod.record_checkout(root, sys.argv[3]), ensure_ascii=False))
"""


def record_checkout(root: Path, origin: str) -> dict[str, Any]:
    """Run inside an old commit's files: its own loader and engine record its version."""
    import yaml  # the YAML's changelog as written then

    try:
        from decision_tree.cli.common import load  # type: ignore[import-not-found]
    except ImportError:
        from decision_tree.cli import load  # type: ignore[attr-defined,no-redef]
    loaded = load(root)
    engine = loaded[1] if isinstance(loaded, tuple) else loaded
    source = yaml.safe_load((root / "decision_tree" / "guidelines.yml").read_text(encoding="utf-8"))
    return record_version(engine, source.get("changelog") or [], origin)


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=120).stdout


def archive_from_git(root: Path, log: Any = print) -> list[Path]:
    """Archive every tree version of the git history not archived yet, each from the last commit that served it."""
    have = set(archived(root))
    written: list[Path] = []
    seen: set[str] = set()
    for line in _git(root, "log", "--format=%H %cs", "--", "decision_tree", "macros").splitlines():
        commit, date = line.split()
        with tempfile.TemporaryDirectory() as tmp:
            files = subprocess.run(["git", "-C", str(root), "archive", commit], capture_output=True, check=True, timeout=120).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=files, check=True, timeout=120)
            out = subprocess.run(
                [sys.executable, "-c", _BOOT, tmp, __file__, f"git {commit[:12]} ({date})"],
                capture_output=True, text=True, timeout=300, cwd=tmp,
            )
        if out.returncode != 0:
            log(f"{commit[:12]}: não foi possível carregar esta versão ({out.stderr.strip().splitlines()[-1:]}); ignorada")
            continue
        archive = json.loads(out.stdout)
        fingerprint = archive["fingerprint"]
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        if fingerprint in have:
            log(f"{commit[:12]}: versão {fingerprint} já arquivada")
            continue
        path = archive_path(root, fingerprint)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(archive), encoding="utf-8")
        have.add(fingerprint)
        written.append(path)
        log(f"{commit[:12]}: versão {fingerprint} arquivada em {path.relative_to(root)}")
    return written
