"""How the built site must be served, in one place: the "Hospedagem" page, nginx, the tests and the benchmark read it.

The data: the security headers (the Content-Security-Policy, `nosniff`,
`Referrer-Policy`), `Cache-Control` per kind of file, the MIME types and what
to compress. `Hosting.nginx()` renders them as the nginx file the page
publishes (`pages_hosting.py`; both are templates in `templates/hosting/`); `Hosting.headers()`/`content_type()` give the
same values to the Python servers of the tests and of the benchmark; the
browser tests serve the site with that very nginx file (`local_nginx.py`).

The CSP allows no inline script but Material's own, each by its sha256 hash,
known before any page is rendered (`inline_scripts.py` says how): `for_config`
gives the hosting of the site a MkDocs configuration builds, `for_project` of
a repository.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from decision_tree.core.urls import ZENDESK_SIDEBAR
from decision_tree.sitegen.inline_scripts import material_inline_scripts, script_hash

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

# What the page shows; a host replaces these (the tests and the benchmark do too).
SERVER_NAME = "diretrizes.exemplo.interno"
SITE_ROOT = "/srv/diretrizes/site"
CERTIFICATE = "/etc/ssl/certs/diretrizes.pem"
CERTIFICATE_KEY = "/etc/ssl/private/diretrizes.key"
CONFIG_FILE = "/etc/nginx/sites-available/diretrizes.conf"
HTTP2_ON = (1, 25, 1)  # from this nginx on, `http2 on;` replaces `listen ... http2` (deprecated there)


@dataclass(frozen=True)
class Directive:
    name: str
    value: str  # "{scripts}" stands for the hashes of the inline scripts
    why: str  # pt-BR, for the page


CSP_DIRECTIVES = (
    Directive("default-src", "'self'", "Tudo o que não tem regra própria abaixo só pode vir do próprio endereço."),
    Directive(
        "script-src",
        "'self' {scripts} 'wasm-unsafe-eval'",
        "Scripts só do próprio site. Os poucos scripts que o tema escreve dentro de cada página são liberados um a um "
        "pelo hash (sha256) do seu texto; qualquer outro script embutido é bloqueado. `'wasm-unsafe-eval'` deixa o "
        "Pyodide compilar o WebAssembly.",
    ),
    Directive("worker-src", "'self'", "Os Web Workers do assistente, da calculadora e da busca vêm do próprio site."),
    Directive("connect-src", "'self'", "O Pyodide, o pacote do assistente e o índice da busca são baixados do próprio site."),
    Directive("img-src", "'self' data:", "Imagens do site e os ícones que o tema embute no CSS como endereços `data:`."),
    Directive(
        "style-src",
        "'self' 'unsafe-inline'",
        "O Mermaid escreve um `<style>` dentro de cada fluxograma e o tema e o Mermaid ajustam atributos `style`; esse texto "
        "muda com o diagrama e com o tema, então não há hash fixo para liberar. Estilos não executam código.",
    ),
    Directive("font-src", "'self'", "O site usa as fontes do sistema; nenhuma fonte de outro endereço."),
    Directive("object-src", "'none'", "Nenhum plug-in (`<object>`, `<embed>`)."),
    Directive("base-uri", "'self'", "Um `<base>` injetado não consegue mandar os links relativos para outro site."),
    Directive("form-action", "'self'", "Formulários só podem enviar para o próprio site."),
    Directive("frame-ancestors", "'none'", "Nenhum site pode mostrar estas páginas dentro de um quadro (proteção contra clickjacking)."),
)
OTHER_HEADERS = {
    "X-Content-Type-Options": ("nosniff", "O navegador respeita o tipo informado pelo servidor, inclusive o do `.wasm`."),
    "Referrer-Policy": ("no-referrer", "Os endereços do site (com o estado do assistente) não vazam para outros sites."),
    "Strict-Transport-Security": ("max-age=31536000", "Depois da primeira visita, o navegador só abre o site por HTTPS durante um ano "
                                  "(HSTS), mesmo que alguém digite ou injete um link `http://`."),
}


@dataclass(frozen=True)
class CacheRule:
    what: str  # pt-BR, for the page
    pattern: str  # on the URL path: Python's `re.search` and nginx's PCRE read it alike
    value: str  # Cache-Control
    why: str
    caveat: str = ""  # pt-BR, a warning on the page


THEME_ASSETS = CacheRule(
    "CSS e JavaScript do tema",
    r"^/assets/(javascripts|stylesheets)/.+\.[0-9a-f]{8}\.min\.(js|css)$",
    "public, max-age=31536000, immutable",
    "O nome do arquivo muda quando o conteúdo muda.",
)
PYODIDE_CORE = CacheRule(
    "Núcleo do Pyodide",
    r"^/assets/pyodide/[0-9][0-9.a-z]*/(pyodide\.asm\.wasm|pyodide\.asm\.mjs|pyodide\.mjs|python_stdlib\.zip)$",
    "public, max-age=31536000, immutable",
    "Os maiores arquivos do site (mais de 10 MB juntos), numa pasta com o número da versão do Pyodide "
    "(`assets/pyodide/314.0.7/`, por exemplo): uma versão nova vem em outra pasta, então o navegador nunca mistura versões.",
)
ENGINE_SNAPSHOT = CacheRule(
    "Estado inicial do assistente",
    r"^/assets/pyodide/snapshot-[0-9a-f]{16}/[^/]+$",
    "public, max-age=31536000, immutable",
    "A memória do Python com o assistente já carregado, que torna as visitas seguintes rápidas. O nome da pasta é "
    "calculado do conteúdo (regras, Pyodide): uma regra nova gera outra pasta.",
)
OTHERWISE = CacheRule(
    "Todo o resto: páginas, índice da busca, `pyodide-lock.json`, `engine.json`, o pacote do assistente (`.whl`), "
    "os scripts do assistente",
    "",
    "no-cache",
    "Guardado, mas revalidado a cada uso (a resposta é um 304 curto quando nada mudou): uma regra nova aparece na hora.",
)
CACHE_RULES = (THEME_ASSETS, PYODIDE_CORE, ENGINE_SNAPSHOT)

# The largest files the server compresses, also written compressed beside them (`<file>.gz`, gzip -9, webapp.py):
# nginx's `gzip_static on` sends those instead of compressing on the fly at level 1.
PRECOMPRESSED = ("pyodide.asm.wasm", "pyodide.asm.mjs")

# Every extension the built site has (a test checks); anything else would be DEFAULT_TYPE.
TYPES = {
    "html": "text/html",
    "css": "text/css",
    "js": "text/javascript",
    "mjs": "text/javascript",
    "json": "application/json",
    "map": "application/json",
    "wasm": "application/wasm",
    "whl": "application/zip",
    "zip": "application/zip",
    "xml": "application/xml",
    "gz": "application/gzip",
    "txt": "text/plain",
    "svg": "image/svg+xml",
    "png": "image/png",
    "ico": "image/x-icon",
}
DEFAULT_TYPE = "application/octet-stream"
CHARSET_TYPES = ("text/html", "text/css", "text/javascript", "text/plain")  # sent with "; charset=utf-8"
GZIP_TYPES = ("text/html", "text/css", "text/javascript", "application/json", "application/wasm", "application/xml", "text/plain",
              "image/svg+xml")
_IMPLICIT = "text/html"  # nginx always includes it in charset_types and gzip_types; naming it is a warning


def mime_type(path: str) -> str:
    """The MIME type of a URL path or file name, without parameters."""
    name = path.rsplit("/", 1)[-1]
    return TYPES.get(name.rsplit(".", 1)[-1].lower(), DEFAULT_TYPE) if "." in name else DEFAULT_TYPE


def content_type(path: str) -> str:
    """The Content-Type header the published nginx sends for a file."""
    kind = mime_type(path)
    return f"{kind}; charset=utf-8" if kind in CHARSET_TYPES else kind


def cache_rule(path: str) -> CacheRule:
    """The cache rule of a URL path (after the index: `/x/` is `/x/index.html`)."""
    return next((rule for rule in CACHE_RULES if re.search(rule.pattern, path)), OTHERWISE)


SIDEBAR_LOCATION = f"/{ZENDESK_SIDEBAR}"  # the Zendesk app's page: the only one a frame may show
SIDEBAR_WHY = ("Só a página da barra lateral do app do Zendesk (`{location}`) pode ser mostrada num quadro, e só pelo "
               "Zendesk configurado (`{host}`); todas as outras continuam com `'none'`.")


@cache
def templates() -> Environment:
    """The Hosting page's and the nginx file's templates: plain text (Markdown code blocks, nginx), nothing escaped."""
    return Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")), autoescape=False,  # noqa: S701
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=StrictUndefined,
                       comment_start_string="{##", comment_end_string="##}")  # `{#id}` is a Markdown heading id


def zendesk_host(subdomain: str) -> str:
    """The origin of a Zendesk account, the only one allowed to frame the sidebar page."""
    return f"https://{subdomain}.zendesk.com"


@dataclass(frozen=True)
class Hosting:
    scripts: tuple[str, ...]  # CSP sources of the inline scripts, "'sha256-…'"
    sidebar_host: str = ""  # the origin allowed to frame SIDEBAR_LOCATION (a Zendesk account); "" = none
    config_file: ClassVar[str] = CONFIG_FILE  # the path the nginx file names in its first line
    cache_variable: ClassVar[str] = "$diretrizes_cache_control"  # one map per site file: both may share an `http`

    def with_sidebar_host(self, host: str) -> Hosting:
        return replace(self, sidebar_host=host)

    @property
    def sidebar_csp(self) -> str:
        """The CSP of the sidebar page: the site's, with `frame-ancestors` naming the Zendesk host."""
        return re.sub(r"frame-ancestors [^;]*", f"frame-ancestors {self.sidebar_host or "'none'"}", self.csp)

    def security_headers_of(self, path: str) -> dict[str, str]:
        """The security headers of a URL path: the sidebar page's CSP lets the Zendesk host frame it."""
        headers = self.security_headers
        if self.sidebar_host and path.startswith(SIDEBAR_LOCATION):
            headers = {**headers, "Content-Security-Policy": self.sidebar_csp}
        return headers

    @classmethod
    def of(cls, inline: Iterable[str]) -> Hosting:
        """The hosting that allows exactly these inline scripts."""
        return cls(tuple(dict.fromkeys(map(script_hash, inline))))

    @property
    def csp(self) -> str:
        return "; ".join(f"{d.name} {' '.join(d.value.format(scripts=' '.join(self.scripts)).split())}" for d in CSP_DIRECTIVES)

    @property
    def security_headers(self) -> dict[str, str]:
        """The headers of every response, errors included."""
        return {"Content-Security-Policy": self.csp, **{name: value for name, (value, _) in OTHER_HEADERS.items()}}

    def headers(self, path: str) -> dict[str, str]:
        """The security headers and the Cache-Control of a URL path."""
        return {**self.security_headers_of(path), "Cache-Control": cache_rule(path).value}

    def nginx(self, version: tuple[int, ...], *, listen: str = "443", server_name: str = SERVER_NAME, root: str = SITE_ROOT,
              certificate: str = CERTIFICATE, certificate_key: str = CERTIFICATE_KEY, default_server: bool = True) -> str:
        """The site's nginx file (`include`d in `http`, as Debian's sites-enabled/) for this nginx version; with
        `default_server`, also the server that refuses every other Host name on that address (an nginx may have
        one per address: a second site file on the same address passes False). The default server answers
        nothing (444 closes the connection), so the site is not served under a name an attacker points at it."""
        return templates().get_template("hosting/nginx.conf.j2").render(
            config_file=self.config_file, cache_variable=self.cache_variable, http2=version >= HTTP2_ON, listen=listen,
            server_name=server_name, root=root, certificate=certificate, certificate_key=certificate_key,
            default_server=default_server, otherwise=OTHERWISE.value, rules=CACHE_RULES, types=TYPES,
            width=max(map(len, TYPES.values())), default_type=DEFAULT_TYPE,
            charset_types=[t for t in CHARSET_TYPES if t != _IMPLICIT], gzip_types=[t for t in GZIP_TYPES if t != _IMPLICIT],
            headers=self.security_headers, sidebar_location=SIDEBAR_LOCATION, precompressed=[f"{n}.gz" for n in PRECOMPRESSED],
            sidebar_headers=self.security_headers_of(SIDEBAR_LOCATION) if self.sidebar_host else {},
        )


def for_config(config: MkDocsConfig) -> Hosting:
    """The hosting of the site that `config` builds."""
    return Hosting.of(material_inline_scripts(config))


def for_project(root: Path) -> Hosting:
    """The hosting of the site of the repository at `root` (reads its mkdocs.yml and the Zendesk host of its
    guidelines.yml; builds nothing)."""
    from mkdocs.config import load_config

    from decision_tree.sitegen.zendesk_sidebar import configured_host

    (root / "site-src").mkdir(exist_ok=True)  # the docs_dir must exist to load the config
    return for_config(load_config(str(root / "mkdocs.yml"))).with_sidebar_host(configured_host(root))


# -- the client site (`build-docs --audience clientes`, mkdocs.clientes.yml) ---------------------------------------
# Its own host name, folder and file; the same headers, CSP discipline, cache rules and types as the analysts' site.
CLIENT_MKDOCS = "mkdocs.clientes.yml"
CLIENT_DOCS_DIR = "site-src-clientes"
CLIENT_SERVER_NAME = "clientes.diretrizes.exemplo"
CLIENT_SITE_ROOT = "/srv/diretrizes/site-clientes"
CLIENT_CERTIFICATE = "/etc/ssl/certs/clientes-diretrizes.pem"
CLIENT_CERTIFICATE_KEY = "/etc/ssl/private/clientes-diretrizes.key"
CLIENT_CONFIG_FILE = "/etc/nginx/sites-available/clientes-diretrizes.conf"
@dataclass(frozen=True)
class ClientHosting(Hosting):
    """The client site's hosting: `nginx()` is the analysts' file (`Hosting.nginx`) with the client site's defaults,
    its own file name and its own cache map, so that both sites can be served by one nginx."""

    config_file: ClassVar[str] = CLIENT_CONFIG_FILE
    cache_variable: ClassVar[str] = "$clientes_cache_control"

    def nginx(self, version: tuple[int, ...], *, listen: str = "443", server_name: str = CLIENT_SERVER_NAME,
              root: str = CLIENT_SITE_ROOT, certificate: str = CLIENT_CERTIFICATE,
              certificate_key: str = CLIENT_CERTIFICATE_KEY, default_server: bool = False) -> str:
        """`default_server` is off: the analysts' file holds the server that refuses unknown Host names, and one
        nginx may have only one per address (turn it on when the client site has an nginx of its own)."""
        return super().nginx(version, listen=listen, server_name=server_name, root=root, certificate=certificate,
                             certificate_key=certificate_key, default_server=default_server)


def for_client_project(root: Path) -> ClientHosting:
    """The hosting of the client site of the repository at `root` (reads its mkdocs.clientes.yml; builds nothing)."""
    from mkdocs.config import load_config

    (root / CLIENT_DOCS_DIR).mkdir(exist_ok=True)  # the docs_dir must exist to load the config
    return ClientHosting(for_config(load_config(str(root / CLIENT_MKDOCS))).scripts)
