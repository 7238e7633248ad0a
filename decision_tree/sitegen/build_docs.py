"""`python -m decision_tree build-docs`: write the site's sources as files, for any site generator.

The site generator (MkDocs with Material, or Zensical) reads `site-src/`, the
`docs_dir` of mkdocs.yml: the hand-written pages and assets of `docs/`, plus
everything generated from the YAML sources (the guideline pages, the wizard
and the calculator, the Hospedagem page, the macros' Zendesk JSON, the
Pyodide runtime, the engine wheel and its lock, Mermaid). Nothing is written
when a source is broken: the `file:line` messages come first. The same
sources give the same files; a file is rewritten only when its bytes change,
and a file the step no longer makes is removed, so `mkdocs serve` reloads
exactly what changed.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from babel.lists import format_list

from decision_tree.core.model import Guidelines
from decision_tree.core.urls import MERMAID
from decision_tree.sitegen.mermaid import mermaid_source
from decision_tree.sitegen.nav import check_nav
from decision_tree.sitegen.pages import generate_pages
from decision_tree.sitegen.pages_hosting import hosting_pages
from decision_tree.sitegen.render import served_under, site_path
from decision_tree.sitegen.webapp import tree_version_assets, webapp_assets
from decision_tree.sitegen.zendesk_sidebar import configured_host, sidebar_files
from decision_tree.sources.bundle import load_bundle, public_bundle
from decision_tree.sources.files import UnsafeFile, tree_files
from decision_tree.sources.loader import SourceError
from decision_tree.sources.revisions import last_changed
from decision_tree.sources.tree_versions import summaries as version_summaries

OUT = Path("site-src")  # docs_dir in mkdocs.yml
# The client site (`--audience clientes`): its docs_dir in mkdocs.clientes.yml, only the public items of the YAML,
# and of docs/ only what its calculator runs (no hand-written page: those are the maintainers').
CLIENTS = "clientes"
CLIENT_OUT = Path("site-src-clientes")
CLIENT_HAND_WRITTEN = ("assets/app/app.css", "assets/app/calculator.js", "assets/app/client.js", "assets/app/worker.js",
                       "stylesheets/extra.css")
AUDIENCES = {None: OUT, CLIENTS: CLIENT_OUT}
HAND_WRITTEN = Path("docs")
WATCHED = ("docs", "decision_tree", "macros", "schemas", "mkdocs.yml")  # what the build reads (--watch: sitegen/watch.py)
Content = bytes | str | Path


class BuildError(Exception):
    """The site's files cannot be made; the message says why and how to fix it."""


def site_files(root: Path, zendesk_subdomain: str | None = None) -> dict[str, Content]:
    """Every file of the site's sources: `{path under site-src: content}`. SourceError on a broken source.
    `zendesk_subdomain` replaces `zendesk_app.subdomain` as the host allowed to frame the Zendesk app's page."""
    bundle = load_bundle(root)
    sidebar_host = configured_host(root, zendesk_subdomain)
    try:
        files: dict[str, Content] = {
            p.relative_to(root / HAND_WRITTEN).as_posix(): p for p in tree_files(root, root / HAND_WRITTEN)
        }
    except UnsafeFile as exc:
        raise SourceError(str(exc).split("\n")) from None
    config = _mkdocs_config(root)
    check_nav(config, Guidelines.from_dict(bundle))  # the nav lists the pages the sources make (sitegen/nav.py)
    generated: dict[str, Content] = dict(generate_pages(bundle, last_changed=last_changed(root), site_path=site_path(config.site_url),
                                                        versions=version_summaries(root)))
    generated |= hosting_pages(config, sidebar_host)
    with served_under(site_path(config.site_url)):  # its links too, under the path of site_url
        generated |= sidebar_files(bundle, Guidelines.from_dict(bundle), root)
    generated |= _zendesk_json(bundle)
    generated |= webapp_assets(bundle, root)
    generated |= tree_version_assets(root)  # the tree's earlier versions, for old codes
    generated[MERMAID] = mermaid_source(root)
    clash = sorted(set(files) & set(generated))
    if clash:
        raise BuildError(f"docs/{clash[0]} would hide the file generated for {clash[0]}; remove or rename docs/{clash[0]}")
    return files | generated


def client_site_files(root: Path) -> dict[str, Content]:
    """Every file of the client site's sources, from the public bundle only. SourceError on a broken source."""
    from decision_tree.sitegen.pages import GUIDELINES, Dates
    from decision_tree.sitegen.pages_clients import client_pages

    full = load_bundle(root)
    bundle = public_bundle(full)
    files: dict[str, Content] = {rel: root / HAND_WRITTEN / rel for rel in CLIENT_HAND_WRITTEN}
    config = _client_mkdocs_config(root)
    check_nav(config, Guidelines.from_dict(bundle), macros=False)
    generated: dict[str, Content] = dict(client_pages(bundle, updated=Dates(Guidelines.from_dict(full), last_changed(root)).of(GUIDELINES),
                                                      site_path=site_path(config.site_url)))
    generated |= webapp_assets(bundle, root)
    return files | generated


def _client_mkdocs_config(root: Path) -> Any:
    """mkdocs.clientes.yml as MkDocs reads it (the client pages' links are written under the path of its site_url)."""
    from mkdocs.config import load_config

    from decision_tree.sitegen.hosting import CLIENT_DOCS_DIR, CLIENT_MKDOCS

    with _docs_dir(root / CLIENT_DOCS_DIR):
        return load_config(str(root / CLIENT_MKDOCS))


def _mkdocs_config(root: Path) -> Any:
    """mkdocs.yml as MkDocs reads it (the Hospedagem page hashes the theme's inline scripts; the links are written
    under the path of its site_url)."""
    from mkdocs.config import load_config

    with _docs_dir(root / OUT):
        return load_config(str(root / "mkdocs.yml"))


@contextmanager
def _docs_dir(folder: Path) -> Iterator[None]:
    """The docs_dir must exist for MkDocs to load the config; one made only for that goes again, so a build that
    fails later leaves no empty folder behind."""
    made = not folder.exists()
    folder.mkdir(exist_ok=True)
    try:
        yield
    finally:
        if made:
            folder.rmdir()


def _zendesk_json(bundle: dict[str, Any]) -> dict[str, Content]:
    from decision_tree.zendesk import ZendeskError, macro_to_zendesk

    try:
        return {f"macros/{m['id']}.json": json.dumps(macro_to_zendesk(m), ensure_ascii=False, indent=2) + "\n"
                for m in bundle["macros"]}
    except ZendeskError as exc:
        raise BuildError(str(exc)) from None


def _bytes(content: Content) -> bytes:
    if isinstance(content, Path):
        return content.read_bytes()
    return content.encode("utf-8") if isinstance(content, str) else content


MANIFEST = ".build-docs.json"  # in the output folder: the files build-docs wrote there (a dot file: MkDocs skips it)
STAGED = ".build-docs-"  # prefix of a file staged beside its target until every file is ready


def _manifest(out: Path) -> set[str] | None:
    """The files an earlier build-docs wrote in `out`, or None when `out` has no manifest."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"]
        if data.get("tool") != "build-docs" or not all(isinstance(f, str) for f in files):
            raise ValueError
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        raise BuildError(f"{out}/{MANIFEST}: não é a lista de arquivos do build-docs; a pasta {out} não será tocada. "
                         "Se ela é uma saída antiga do build-docs, apague-a e rode de novo.") from None
    return set(files)


def _save_manifest(out: Path, files: set[str]) -> None:
    fd, temp = tempfile.mkstemp(dir=out, prefix=STAGED)
    os.fchmod(fd, 0o666 & ~_umask())
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"tool": "build-docs", "files": sorted(files)}, handle, indent=0)
        handle.write("\n")
    os.replace(temp, out / MANIFEST)


def _present(out: Path) -> set[str]:
    """Every file (or link, or special file) under `out`, relative; staged leftovers of a killed run excluded."""
    found = set()
    for dirpath, _dirs, names in os.walk(out):
        for name in names:
            rel = (Path(dirpath) / name).relative_to(out).as_posix()
            if name != MANIFEST and not name.startswith(STAGED):
                found.add(rel)
    return found


def check_out(root: Path, out: Path) -> None:
    """Refuse an output folder the build must not write into: the repository or a folder holding it, `/`, a home
    folder, a folder of the sources; BuildError (pt-BR) with the reason."""
    real, repo = out.resolve(), root.resolve()
    homes = {Path.home().resolve(), Path("/root"), *(p.resolve() for p in Path("/home").glob("*"))}
    why = ""
    if real == Path(real.anchor):
        why = "é a raiz do sistema de arquivos"
    elif real in homes:
        why = "é uma pasta pessoal (home)"
    elif repo == real or repo.is_relative_to(real):
        why = "é o repositório ou uma pasta que o contém"
    else:
        for source in (*WATCHED, "overrides", ".git"):
            if real.is_relative_to(repo / source):
                why = f"fica dentro de {source}, uma das fontes do site"
                break
    if why:
        raise BuildError(f"--out {out}: a pasta {why}; o build-docs só grava numa pasta própria (vazia ou feita por ele). "
                         "Escolha outra pasta, por exemplo site-src/.")


LEGACY_MARK = "assets/pyodide/engine.json"  # only build-docs writes it: a site-src/ of a build-docs without manifests


def write(out: Path, files: dict[str, Content], *, adopt_legacy: bool = False) -> list[str]:
    """Make `out` hold exactly `files`; return the paths written or removed.

    Only what build-docs itself wrote in `out` (listed in `out/.build-docs.json`) is ever removed or replaced:
    a folder holding any other file is refused (BuildError). Every new or changed file is first staged beside
    its target; the targets are replaced only once all of them are staged, so a file that cannot be read or
    written leaves `out` as it was."""
    if out.exists() and not out.is_dir():
        raise BuildError(f"--out {out}: existe e não é uma pasta; escolha uma pasta nova ou feita pelo build-docs.")
    ours = _manifest(out) if out.is_dir() else set()
    present = _present(out) if out.is_dir() else set()
    if ours is None and adopt_legacy and (out / LEGACY_MARK).is_file():
        ours = present  # the default site-src/ written by a build-docs that kept no manifest yet: all its own
    foreign = sorted(present - (ours or set()) - set(files))  # a file of the name the build writes is taken over
    if foreign:
        shown = format_list([*foreign[:3], *([f"mais {len(foreign) - 3}"] if len(foreign) > 3 else [])], locale="pt_BR")
        origin = ("não tem a lista de arquivos do build-docs" if ours is None else "tem arquivos que o build-docs não gravou")
        raise BuildError(f"--out {out}: a pasta {origin} ({shown}); nada foi apagado nem gravado. O build-docs só grava "
                         "numa pasta vazia ou feita por ele: escolha outra pasta ou, se esta é uma saída antiga do "
                         "build-docs, apague-a e rode de novo.")
    ours = ours or set()
    staged: list[tuple[Path, Path, str]] = []  # (temporary file, target, rel)
    mode = 0o666 & ~_umask()  # what open() would give a new file: the site's files are readable by the web server
    try:
        for rel, content in sorted(files.items()):
            target = out / rel
            if ".." in Path(rel).parts or Path(rel).is_absolute():
                raise BuildError(f"{rel}: caminho gerado fora da pasta de saída; isto é um erro do build-docs")
            try:
                data = _bytes(content)
            except OSError as exc:
                raise BuildError(f"{content}: não foi possível ler ({exc.strerror}); nada foi gravado em {out}.") from None
            if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
                target.chmod(mode)  # an unchanged file an older build-docs wrote 0600
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f"{STAGED}{target.name}.")
            staged.append((Path(temp), target, rel))
            os.fchmod(fd, mode)  # mkstemp's 0600 would follow the file into a site copied with its modes
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
    except BaseException as exc:
        for temp, _target, _rel in staged:
            temp.unlink(missing_ok=True)
        _remove_empty_dirs(out)
        if isinstance(exc, OSError):
            raise BuildError(f"{out}: não foi possível gravar ({exc.strerror}); nada mudou na pasta.") from None
        raise
    out.mkdir(parents=True, exist_ok=True)
    _save_manifest(out, ours | set(files))  # before the swap: whatever happens next, every file there is listed
    changed = []
    for temp, target, rel in staged:
        os.replace(temp, target)
        changed.append(rel)
    for rel in sorted(ours - set(files), reverse=True):
        (out / rel).unlink(missing_ok=True)
        changed.append(rel)
    _save_manifest(out, set(files))
    _remove_empty_dirs(out)
    return changed


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _remove_empty_dirs(out: Path) -> None:
    if not out.is_dir():
        return
    for dirpath, _dirs, _names in sorted(os.walk(out), reverse=True):
        path = Path(dirpath)
        if path != out and not any(path.iterdir()):
            path.rmdir()


def build_docs(root: Path, out: Path | None = None, audience: str | None = None,
               zendesk_subdomain: str | None = None) -> list[str]:
    """Check the sources, then write the site's sources under `out` (default `root/site-src`, or
    `root/site-src-clientes` for the client site, `audience="clientes"`). `zendesk_subdomain` replaces
    `zendesk_app.subdomain` as the host allowed to frame the Zendesk app's page (analysts' site only)."""
    default = root / AUDIENCES[audience]
    out = out or default
    check_out(root, out)
    files = client_site_files(root) if audience == CLIENTS else site_files(root, zendesk_subdomain)  # raises before writing
    return write(out, files, adopt_legacy=out.resolve() == default.resolve())
