"""Do MkDocs and Zensical build the same working site? `make zensical-check`, a blocking step of CI.

Material for MkDocs reaches its end of life on 2027-05-05; Zensical, its
successor, reads the same mkdocs.yml but no MkDocs hook, which is why the
site's pages are files written by `build-docs` first. This script installs
Zensical in its own venv (`.venv-zensical`, from the hash-pinned
requirements/zensical.txt) and builds both sites of the project, the analysts'
(mkdocs.yml) and the clients' (mkdocs.clientes.yml, `build-docs --audience
clientes`), with both tools twice: as their config says (at the root of the
host name unless `site_url` has a path), and under a sub-path (`site_url` with
SUB_PATH, `build-docs` run again for it). Every one of the eight builds is
checked the same way:

- every internal href/src/action of every page leads to a file of that build
  (and to an id of the page for a `#fragment`), without leaving the site's path;
- every inline script is allowed by the CSP the "Hospedagem" page publishes
  for that site (hosting.py: `for_project`, `for_client_project`), and no page
  has an event handler attribute;
- in Chromium, served by the real nginx with that site's published file
  (sitegen/local_nginx.py, as tests/conftest.py does): every page loads with no
  CSP violation, console error, failed request or request to another origin,
  the flowchart is drawn, and the wizard and the calculator reach "ready".

Between the tools it also compares the pages each makes and the parts a person
uses on each (the wizard, the calculator, the flowchart, tabs, admonitions),
and the Zensical partial the site overrides (overrides/partials/javascripts/
base.html) against the installed Zensical's. It prints every problem, each
with its tool and variant, and exits 1 on any, 0 when there is none.

Zensical 0.0.73 reads `INHERIT:` but merges the two files with deepmerge's
`always_merger`, which appends lists where MkDocs replaces them: the client
site's nav would be the analysts' followed by its own (links to pages it does
not have, the names of internal pages). So Zensical is given the client config
flattened as MkDocs reads it (`flattened`; `--flatten FILE` prints it).

    scripts/zensical_check.py [--root DIR] [--no-browser] [--only PAGE ...] [--zensical CMD] [--flatten FILE]

`--only PAGE` opens only that page (site-relative, `zendesk/`, in whichever site has it) in Chromium, for
tests and debugging; the files are always checked whole. `--zensical CMD` uses that zensical command instead of the locked one (to try
a newer Zensical before moving the lock). Zensical 0.0.74 and later need the
package `zensical-ui`, which the registry this project installs from does not
serve: requirements/zensical.in keeps 0.0.73 until it does (see README).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-zensical"
LOCK = ROOT / "requirements" / "zensical.txt"
SUB_PATH = "/suporte/diretrizes/"  # the sub-path variant: two levels, so a link that climbs one too many shows
OVERRIDDEN_PARTIAL = "partials/javascripts/base.html"  # copied from Zensical's theme into overrides/
MARKERS = {
    "o assistente": r'data-app="wizard"',
    "a calculadora": r'data-app="calculator"',
    "o fluxograma (Mermaid)": r'class="mermaid"',
    "abas": r'class="tabbed-set',
    "quadros (admonitions)": r'class="admonition',
    "selos “Não consta na diretriz”": r'class="kb-local"',
}
READY_MS = 120_000  # the engine's start on a busy machine (Pyodide, the wheel, the snapshot)
sys.path.insert(0, str(ROOT))


class CheckError(Exception):
    """A build or an install did not run; the message says what to do."""


@dataclass(frozen=True)
class Site:
    """One of the project's sites: its config, build-docs' audience, where its builds go and its host name."""

    config: str  # mkdocs.yml, mkdocs.clientes.yml
    audience: str | None  # build-docs --audience
    name: str  # pt-BR, before the variant in the messages ("" for the analysts' site)
    out: str  # suffix of its builds' folders in the project folder
    host: str  # the host name of the sub-path variant's site_url

    def hosting(self, project: Path) -> Any:
        """The hosting the "Hospedagem" page publishes for this site of `project` (its CSP, its nginx file)."""
        from decision_tree.sitegen.hosting import Hosting, for_client_project, for_project

        return for_client_project(project) if self.audience else Hosting(for_project(project).scripts)

    def variant(self, variant: str) -> str:
        """The variant's name for this site, for the messages ("{config}" in it is the site's config file)."""
        variant = variant.format(config=self.config)
        return f"{self.name}, {variant}" if self.name else variant


SITES = (Site("mkdocs.yml", None, "", "", "diretrizes.exemplo.interno"),
         Site("mkdocs.clientes.yml", "clientes", "site dos clientes", "-clientes", "clientes.diretrizes.exemplo"))


# ------------------------------------------------------------------------------------------- Zensical


def zensical() -> Path:
    """The zensical command, installed from the lock once per version of the lock (one installer at a time)."""
    stamp = VENV / f".installed-{hashlib.sha256(LOCK.read_bytes()).hexdigest()[:16]}"
    (ROOT / ".cache").mkdir(exist_ok=True)
    with open(ROOT / ".cache" / "zensical-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test workers may ask at once
        if not stamp.exists():
            _install(stamp)
    return VENV / "bin" / "zensical"


def _install(stamp: Path) -> None:
    shutil.rmtree(VENV, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    installed = subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                                "--require-hashes", "--only-binary", ":all:", "-r", str(LOCK)], capture_output=True, text=True)
    if installed.returncode != 0:
        shutil.rmtree(VENV, ignore_errors=True)
        hint = (" (Zensical 0.0.74 e posteriores dependem de zensical-ui: o registro de pacotes precisa servi-lo)"
                if "zensical-ui" in installed.stderr else "")
        raise CheckError(f"pip não instalou {LOCK.relative_to(ROOT)}{hint}:\n{installed.stderr.strip()}")
    stamp.touch()


def zensical_partial(tool: Path, name: str) -> Path | None:
    """The installed Zensical's own copy of a theme template (in whichever of its packages holds the theme)."""
    python = tool.parent / "python"
    found = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                           capture_output=True, text=True)
    site_packages = Path(found.stdout.strip()) if found.returncode == 0 else tool.parent.parent / "lib"
    copies = sorted(p for p in site_packages.glob(f"zensical*/templates/{name}") if p.is_file())
    return copies[0] if copies else None


def _without_leading_comment(text: str) -> str:
    return re.sub(r"\A\s*\{#-?.*?-?#\}\s*", "", text, flags=re.S).strip()


def partial_drift(root: Path, tool: Path) -> list[str]:
    """Our override of Zensical's partial must be Zensical's own, or the two tools' inline scripts drift apart."""
    ours = root / "overrides" / OVERRIDDEN_PARTIAL
    theirs = zensical_partial(tool, OVERRIDDEN_PARTIAL)
    if theirs is None:
        return [f"o Zensical instalado não tem {OVERRIDDEN_PARTIAL}: veja onde o tema dele está e atualize este script"]
    if not ours.is_file():
        return [f"overrides/{OVERRIDDEN_PARTIAL} não existe: copie-o de {theirs}"]
    if _without_leading_comment(ours.read_text(encoding="utf-8")) != _without_leading_comment(theirs.read_text(encoding="utf-8")):
        return [f"overrides/{OVERRIDDEN_PARTIAL} difere do {theirs}: copie o do Zensical instalado (abaixo do comentário)"]
    return []


# ---------------------------------------------------------------------------------------------- builds


@dataclass
class Build:
    tool: str  # "MkDocs" or "Zensical"
    variant: str  # pt-BR, for the messages
    serve_root: Path  # what nginx serves at /
    path: str  # the site's path under it: "/" or SUB_PATH
    host: str  # the host name of site_url ("" without one)
    hosting: Any = None  # the site's published Hosting (decision_tree.sitegen.hosting)
    problems: list[str] = field(default_factory=list)

    @property
    def site(self) -> Path:
        return self.serve_root / self.path.strip("/")

    @property
    def label(self) -> str:
        return f"{self.tool}, {self.variant}"


def _set_key(config: str, key: str, value: str) -> str:
    """A config with a top-level `key: value`, replacing the key's line if it has one (after INHERIT if it has that)."""
    line = f"{key}: {value}"
    if re.search(rf"^{key}:", config, flags=re.M):
        return re.sub(rf"^{key}:.*$", line, config, count=1, flags=re.M)
    inherit = re.search(r"^INHERIT:.*\n", config, flags=re.M)
    if inherit:
        return config[:inherit.end()] + f"{line}\n" + config[inherit.end():]
    return f"{line}\n{config}"


@dataclass(frozen=True)
class _Tagged:
    """A YAML value with a Python tag (`!!python/name:…`), kept as written: flattening constructs nothing."""

    tag: str
    value: str


def flattened(config_file: Path) -> str | None:
    """`config_file` with its INHERIT resolved as MkDocs resolves it (mappings merged key by key, lists and values
    replaced), as YAML; None when it has no INHERIT. Zensical 0.0.73 appends the lists instead (deepmerge's
    `always_merger`): the client site's nav would start with every page of the analysts' site."""
    import yaml
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    if not re.search(r"^INHERIT:", config_file.read_text(encoding="utf-8"), flags=re.M):
        return None

    class Loader(get_yaml_loader(yaml.SafeLoader)):  # type: ignore[misc]
        pass

    class Dumper(yaml.SafeDumper):
        pass

    Loader.add_multi_constructor("tag:yaml.org,2002:python/",
                                 lambda loader, suffix, node: _Tagged(f"python/{suffix}", loader.construct_scalar(node)))
    Dumper.add_representer(_Tagged, lambda dumper, v: dumper.represent_scalar(f"tag:yaml.org,2002:{v.tag}", v.value))
    with open(config_file, encoding="utf-8") as source:  # a named file: yaml_load finds the parent beside it
        config = yaml_load(source, loader=Loader)
    return (f"# {config_file.name} with its INHERIT resolved as MkDocs does (scripts/zensical_check.py): for Zensical\n"
            + yaml.dump(config, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1000))


def zensical_config(config_file: Path) -> Path:
    """The file Zensical is given for `config_file`: the file itself, or its flattened copy beside it."""
    flat = flattened(config_file)
    if flat is None:
        return config_file
    out = config_file.with_name(f"{config_file.stem}.zensical.yml")
    out.unlink(missing_ok=True)  # in the check's project folder, a link to the repository's own copy, if it has one
    out.write_text(flat, encoding="utf-8")
    return out


# Copied, not linked: build-docs refuses a docs/ or macros/ that is a link leaving the project (the overlay's links
# all lead to `root`), so that no link can put a file from outside the repository on the site.
COPIED = {"docs", "macros"}


def overlay(root: Path, where: Path, site_urls: dict[str, str], zensical_out: dict[str, str]) -> Path:
    """A project folder that is `root` (its entries linked; docs/ and macros/ copied) with its own configs (each
    site's `site_url` from `site_urls`, its `site_dir` from `zensical_out`: Zensical has no -d), site-src*/ and
    .cache/: build-docs and Zensical write there, never into `root`; build-docs' content caches are still `root`'s."""
    from decision_tree.sitegen.webapp import CACHE, SNAPSHOT_CACHE

    configs = {site.config for site in SITES}
    where.mkdir(parents=True)
    for entry in sorted(root.iterdir()):
        if entry.name in configs | {".cache", ".git"} or entry.name.startswith(("site", ".venv")):
            continue
        if entry.name in COPIED:
            shutil.copytree(entry, where / entry.name)
        else:
            (where / entry.name).symlink_to(entry)
    for cache in (CACHE, SNAPSHOT_CACHE):  # Zensical writes its own cache files into .cache/ of the project
        (root / cache).mkdir(parents=True, exist_ok=True)
        (where / cache).parent.mkdir(parents=True, exist_ok=True)
        (where / cache).symlink_to((root / cache).resolve())
    for site in SITES:
        config = (root / site.config).read_text(encoding="utf-8")
        if site.config in site_urls:
            config = _set_key(config, "site_url", site_urls[site.config])
        (where / site.config).write_text(_set_key(config, "site_dir", zensical_out[site.config]), encoding="utf-8")
    return where


def _run(command: list[str], cwd: Path, what: str) -> str:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, timeout=900)
    if done.returncode != 0:
        raise CheckError(f"{what} falhou (código {done.returncode}):\n{(done.stdout + done.stderr).strip()}")
    return done.stdout


def build_variant(root: Path, work: Path, tool: Path, name: str, variant: str, sub_path: str | None) -> list[Build]:
    """For one site_url (each site's own, or each under `sub_path`): build-docs of each site, then MkDocs and
    Zensical of each; the builds, in pairs (MkDocs, Zensical) per site."""
    from decision_tree.sitegen.render import site_path

    site_urls = {site.config: f"https://{site.host}{sub_path}" for site in SITES} if sub_path else {}
    configured = {site.config: site_urls.get(site.config) or _configured_site_url(root, site.config) for site in SITES}
    paths = {config: site_path(url) for config, url in configured.items()}
    project = overlay(root, work / name, site_urls,
                      {site.config: f"zensical{site.out}{paths[site.config]}".rstrip("/") for site in SITES})
    builds = []
    for site in SITES:  # every build-docs before any Zensical build, which cleans its own cache in .cache/
        audience = ["--audience", site.audience] if site.audience else []
        _run([sys.executable, "-m", "decision_tree", "--root", str(project), "build-docs", *audience], project,
             f"build-docs {' '.join(audience)} ({site.variant(variant)})".replace("  ", " "))
    for site in SITES:
        label, path = site.variant(variant), paths[site.config]
        host = urllib.parse.urlsplit(configured[site.config] or "").hostname or ""
        config, hosting = project / site.config, site.hosting(project)
        mkdocs = Build("MkDocs", label, project / f"mkdocs{site.out}", path, host, hosting)
        _run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(mkdocs.site)],
             project, f"mkdocs build -f {site.config} ({label})")
        zensical_build = Build("Zensical", label, project / f"zensical{site.out}", path, host, hosting)
        _run([str(tool), "build", "--strict", "--clean", "-f", str(zensical_config(config))], project,
             f"zensical build -f {site.config} ({label})")
        if not (zensical_build.site / "index.html").is_file():
            raise CheckError(f"zensical build -f {site.config} ({label}) não escreveu {zensical_build.site}/index.html")
        builds += [mkdocs, zensical_build]
    return builds


def _configured_site_url(root: Path, config: str) -> str | None:
    """The site_url a config gives (its own, or the one of the file it INHERITs)."""
    text = (root / config).read_text(encoding="utf-8")
    found = re.search(r"^site_url:\s*['\"]?([^'\"\s#]+)", text, flags=re.M)
    parent = re.search(r"^INHERIT:\s*['\"]?([^'\"\s#]+)", text, flags=re.M)
    if found:
        return found.group(1)
    return _configured_site_url(root, parent.group(1)) if parent else None


# ------------------------------------------------------------------------------------------- the files


class _Page(HTMLParser):
    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "data"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") or (tag == "a" and name == "name"):
                self.ids.add(value)
            if name in self.URL_ATTRIBUTES:
                self.urls.append(value)
            elif name in ("srcset", "imagesrcset"):
                self.urls += [c.split()[0] for c in value.split(",") if c.strip()]


def page_url(build: Build, file: Path) -> str:
    rel = file.relative_to(build.site).as_posix()
    return build.path + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)


def link_problems(build: Build) -> list[str]:
    """Every internal href/src/action of every page must lead to a file of the build (and to an id for a fragment)."""
    origin = "https://site.invalid"
    parsed: dict[Path, _Page] = {}

    def parse(file: Path) -> _Page:
        if file not in parsed:
            parser = _Page()
            parser.feed(file.read_text(encoding="utf-8"))
            parsed[file] = parser
        return parsed[file]

    problems = []
    for file in sorted(build.site.rglob("*.html")):
        here = page_url(build, file)
        name = file.relative_to(build.site).as_posix()
        for value in parse(file).urls:
            target = urllib.parse.urlsplit(urllib.parse.urljoin(origin + here, value.strip()))
            internal = target.netloc == "site.invalid" or (build.host and target.hostname == build.host)
            if target.scheme not in ("http", "https") or not internal:
                continue
            path = urllib.parse.unquote(target.path)
            if not path.startswith(build.path):
                problems.append(f"{name}: o link {value!r} sai do site (leva a {path}, fora de {build.path})")
                continue
            found = build.site / path[len(build.path):]
            if path.endswith("/") or found.is_dir():
                found = found / "index.html"
            if not found.is_file():
                problems.append(f"{name}: o link {value!r} leva a {path}, que não existe")
            elif target.fragment and found.suffix == ".html" and urllib.parse.unquote(target.fragment) not in parse(found).ids:
                problems.append(f"{name}: o link {value!r} leva a {path}, que não tem o id {target.fragment!r}")
    return problems


def csp_problems(build: Build, allowed: tuple[str, ...]) -> list[str]:
    from decision_tree.sitegen.inline_scripts import blocked_in_site

    return [f"a CSP publicada bloqueia: {p}" for p in blocked_in_site(build.site, allowed)]


def compare(mkdocs: Build, zensical_build: Build) -> list[str]:
    """What one tool's pages have and the other's do not."""
    ours, theirs = ({p.relative_to(b.site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(b.site.rglob("*.html"))}
                    for b in (mkdocs, zensical_build))
    found = [f"só o MkDocs gera a página {p}" for p in sorted(set(ours) - set(theirs))]
    found += [f"só o Zensical gera a página {p}" for p in sorted(set(theirs) - set(ours))]
    for page in sorted(set(ours) & set(theirs)):
        for what, pattern in MARKERS.items():
            a, b = len(re.findall(pattern, ours[page])), len(re.findall(pattern, theirs[page]))
            if a != b:
                found.append(f"{page}: {what}: {a} no MkDocs, {b} no Zensical")
    return found


# --------------------------------------------------------------------------------------------- browser

CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' (' + e.sourceFile + ':' + e.lineNumber + ')');
});
"""


def browser_problems(builds: list[Build], work: Path, only: list[str]) -> None:
    """Each build served by the real nginx with its site's published file, every page opened in Chromium."""
    from playwright.sync_api import sync_playwright

    from decision_tree.sitegen.local_chromium import CHROMIUM, CHROMIUM_ARGS
    from decision_tree.sitegen.local_nginx import Certificate, LocalNginx

    certificate = Certificate(work / "tls")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + certificate.chromium_args(), headless=True)
        try:
            for n, build in enumerate(builds):
                if only and not any((build.site / page / "index.html").is_file() or (build.site / page).is_file()
                                    for page in only):
                    continue  # none of the pages asked for is on this site
                with LocalNginx(build.serve_root, build.hosting, work / f"nginx-{n}", certificate=certificate) as nginx:
                    build.problems += _visit(browser, build, nginx.url.rstrip("/"), build.hosting, only)
        finally:
            browser.close()


def _visit(browser, build: Build, origin: str, hosting, only: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    from playwright.sync_api import TimeoutError as Timeout

    seen: list[str] = []
    context = browser.new_context(locale="pt-BR")
    context.add_init_script(CSP_LISTENER)

    def route(r):  # type: ignore[no-untyped-def]
        if r.request.url.startswith(origin + "/") or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            seen.append(f"pedido a outro endereço: {r.request.url}")
            r.abort()

    context.route("**/*", route)
    context.on("console", lambda m: seen.append(f"console.{m.type}: {m.text}")
               if m.type == "error" and not _said_otherwise(m.text) else None)
    context.on("weberror", lambda e: seen.append(f"erro não tratado: {e.error}"))
    context.on("response", lambda r: seen.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 and r.url.startswith(origin) else None)
    page = context.new_page()
    problems = []
    try:
        for file in sorted(build.site.rglob("*.html")):
            url = page_url(build, file)
            if url.endswith("404.html") or (only and url.removeprefix(build.path) not in only):
                continue  # nginx serves it for a missing page; its own links are checked above
            seen.clear()
            response = page.goto(origin + url, wait_until="load")
            if response is None or not response.ok:
                seen.append(f"a página respondeu {response.status if response else 'nada'}")
            elif response.headers.get("content-security-policy") != hosting.csp:
                seen.append("a página não veio com a CSP publicada")
            app = page.locator(_apps())  # the parts that start the engine (not, say, the Zendesk page's ticket box)
            if app.count():
                seen += _engine_start(page, app)
            if page.locator(".mermaid").count():
                try:
                    page.wait_for_function("document.querySelector('.mermaid').getBoundingClientRect().height > 200",
                                           timeout=30_000)
                except Timeout:
                    seen.append("o fluxograma não foi desenhado")
            page.wait_for_timeout(300)  # late console messages (a module's CSP report)
            problems += [f"{url}: {s}" for s in dict.fromkeys(seen)]
    finally:
        context.close()
    return problems


def _said_otherwise(message: str) -> bool:
    """Chromium's own long messages for what the CSP listener or the HTTP status already reports, shorter."""
    return "violates the following Content Security Policy directive" in message or message.startswith("Failed to load resource")


APPS = {"wizard": "o assistente", "calculator": "a calculadora"}


def _apps(state: str = "") -> str:
    """The selector of the wizard and the calculator (`state`: an attribute selector added to each)."""
    return ", ".join(f'[data-app="{name}"]{state}' for name in APPS)


def _engine_start(page, app) -> list[str]:  # type: ignore[no-untyped-def]
    """The wizard or the calculator starts its engine (its script sets data-engine) and reaches "ready"."""
    from playwright.sync_api import TimeoutError as Timeout

    what = APPS.get(app.first.get_attribute("data-app") or "", "o aplicativo")
    with contextlib.suppress(Timeout):  # what it came to is read below
        page.wait_for_selector(_apps("[data-engine]"), timeout=30_000)
        page.wait_for_selector(f"{_apps('[data-engine=ready]')}, {_apps('[data-engine=failed]')}", timeout=READY_MS)
    state = app.first.get_attribute("data-engine")
    if state == "ready":
        return []
    if state is None:
        return [f"o script d{what[0]} {what[2:]} não rodou (a página não tem data-engine)"]
    text = (page.locator("[data-role=fallback-text]").first.text_content() or "").strip()
    return [f"{what} não ficou pront{what[0]} (estado {state!r}){': ' + text if text else ''}"]


# ------------------------------------------------------------------------------------------------ main


def check(root: Path, tool: Path, *, browser: bool, work: Path, only: list[str]) -> tuple[list[Build], list[str]]:
    builds: list[Build] = []
    common = partial_drift(root, tool)
    for name, variant, sub_path in (("root", "como no {config}", None), ("sub", f"sob o caminho {SUB_PATH}", SUB_PATH)):
        made = build_variant(root, work, tool, name, variant, sub_path)
        for build in made:
            build.problems += link_problems(build) + csp_problems(build, build.hosting.scripts)
        for mkdocs, zensical_build in zip(made[::2], made[1::2], strict=True):
            common += [f"{mkdocs.variant}: {d}" for d in compare(mkdocs, zensical_build)]
        builds += made
    if browser:
        browser_problems(builds, work, only)
    return builds, common


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the project to check (default: this repository)")
    parser.add_argument("--no-browser", action="store_true", help="only the files: no nginx, no Chromium")
    parser.add_argument("--only", action="append", default=[], metavar="PAGE", help="open only this page in Chromium (site-relative)")
    parser.add_argument("--zensical", type=Path, help="this zensical command instead of the one locked in requirements/")
    parser.add_argument("--flatten", type=Path, metavar="FILE",
                        help="only print FILE with its INHERIT resolved as MkDocs does (what Zensical is given)")
    options = parser.parse_args(argv)
    if options.flatten:
        print(flattened(options.flatten) or options.flatten.read_text(encoding="utf-8"), end="")
        return 0
    started = time.monotonic()
    try:
        tool = options.zensical or zensical()
        version = subprocess.run([str(tool), "--version"], capture_output=True, text=True).stdout.strip()
        with tempfile.TemporaryDirectory(prefix="zensical-check-") as temp:
            builds, common = check(options.root.resolve(), tool, browser=not options.no_browser, work=Path(temp),
                                   only=options.only)
    except CheckError as exc:
        print(f"zensical-check: {exc}", file=sys.stderr)
        return 1
    problems = [f"[{b.label}] {html.unescape(p)}" for b in builds for p in b.problems] + common
    took = f"{time.monotonic() - started:.0f} s"
    checked = "arquivos e navegador" if not options.no_browser else "arquivos (sem navegador)"
    if problems:
        print(f"zensical-check: MkDocs e Zensical {version}: {len(problems)} problema(s) ({checked}, {took}):")
        print("\n".join(f"  - {p}" for p in problems))
        return 1
    print(f"zensical-check: MkDocs e Zensical {version} constroem os mesmos sites (o dos analistas e o dos clientes), "
          f"na raiz e sob {SUB_PATH}: "
          f"todo link leva a um arquivo, todo script em linha é permitido pela CSP publicada"
          + ("" if options.no_browser else f", {'as páginas pedidas abrem' if options.only else 'toda página abre'} sem erro no Chromium"
             " e o assistente e as calculadoras ficam prontos")
          + f" ({len(builds)} builds, {took}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
