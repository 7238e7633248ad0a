"""The "Hospedagem" page, written from `hosting.py`: what the page tells a host is what the tests serve.

`hosting_pages(config)` returns `{docs-relative path: Markdown}` like
`generate_pages`; `build-docs` writes it with the other pages, and
`check-site` checks the built site against the header it publishes.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from decision_tree.sitegen import hosting as h
from decision_tree.sitegen.inline_scripts import material_inline_scripts, script_hash
from decision_tree.sitegen.webapp import WebappError, core_dir

PAGE = "hospedagem.md"
LEGACY = (1, 22, 1)  # the nginx of Debian 12, for the form with `listen ... http2`


def hosting_pages(config: MkDocsConfig, sidebar_host: str | None = None) -> dict[str, str]:
    """The page for the site `config` builds; the Zendesk app's page may be framed by `sidebar_host`
    (default: the host of the project's guidelines.yml, `zendesk_app.subdomain`)."""
    from decision_tree.sitegen.zendesk_sidebar import configured_host

    scripts = material_inline_scripts(config)
    root = Path(config.config_file_path).resolve().parent
    hosting = h.Hosting.of(scripts).with_sidebar_host(configured_host(root) if sidebar_host is None else sidebar_host)
    page = hosting_page(hosting, {script_hash(s): s for s in scripts}, _pyodide_core(config))
    if (root / h.CLIENT_MKDOCS).is_file():  # a copy of the analysts' site alone (some tests make one) has no client site
        page += client_section(h.for_client_project(root))
    return {PAGE: page}


def client_section(client: h.ClientHosting) -> str:
    """The section on the client site: its own nginx file, with the same headers (its CSP has the hashes of its config)."""
    new = f"{'.'.join(map(str, h.HTTP2_ON))}"
    old_title = f"nginx até 1.25.0 (Debian 12: {'.'.join(map(str, LEGACY[:2]))})"
    tabs = "".join(
        f'=== "{title} · site dos clientes"\n\n{_indent(_fence("nginx", client.nginx(version)))}\n'
        for title, version in ((old_title, LEGACY), (f"nginx {new} ou mais novo", h.HTTP2_ON))
    )
    return f"""
## Site dos clientes {{#clientes}}

Um segundo site, para clientes e consultores, sai das mesmas fontes: só o que
o `decision_tree/guidelines.yml` marca com `visibility: public` (o escopo e os
critérios de cada modalidade, a tarifação, quem paga, a calculadora), sem
macros, procedimentos, fluxo de aprovação nem estas páginas de manutenção. O
pacote do assistente e o estado inicial desse site são feitos só com esses
itens. Para gerá-lo:

```sh
python -m decision_tree build-docs --audience clientes      # site-src-clientes/
mkdocs build --strict -f {h.CLIENT_MKDOCS}                # site-clientes/
python -m decision_tree check-site --audience clientes site-clientes
```

Publique a pasta `site-clientes/` num nome próprio (como `https://{h.CLIENT_SERVER_NAME}/`), com o arquivo
abaixo: os mesmos cabeçalhos, a mesma política de segurança (com os hashes dos scripts do tema nesse site),
as mesmas regras de cache e os mesmos tipos. Ele usa o seu próprio `map` de cache, então os dois arquivos
podem ficar no mesmo nginx. Salve-o em `{h.CLIENT_CONFIG_FILE}` e ligue-o em `sites-enabled/`.

{tabs}
A Content-Security-Policy do site dos clientes, numa linha só:

{_fence("text", client.csp)}
Os testes automatizados servem também este site com este arquivo, no nginx instalado na máquina.
"""


def _pyodide_core(config: MkDocsConfig) -> str:
    """The site folder of the Pyodide core (named after its version), for the page's example."""
    try:
        return core_dir(Path(config.config_file_path).resolve().parent)
    except WebappError:
        return "assets/pyodide/VERSAO/"


def _indent(text: str, by: int = 4) -> str:
    return textwrap.indent(text, " " * by, lambda line: bool(line.strip()))


def _fence(lang: str, text: str, title: str = "") -> str:
    head = f'```{lang} title="{title}"' if title else f"```{lang}"
    return f"{head}\n{text.rstrip()}\n```\n"


def hosting_page(hosting: h.Hosting, material_scripts: dict[str, str], pyodide_core: str = "assets/pyodide/VERSAO/") -> str:
    """The page; `material_scripts` maps a hash of `hosting.scripts` to the start of its script, to show what it allows."""
    def sources(value: str) -> str:
        return " ".join("os [hashes](#hashes) abaixo" if src == "{scripts}" else f"`{src}`" for src in value.split())

    directives = "".join(f"| `{d.name}` | {sources(d.value)} | {d.why} |\n" for d in h.CSP_DIRECTIVES)
    framed = _framed_section(hosting)
    hashes = "".join(f"- `{s}`: `{material_scripts[s][:48]}…`\n" if s in material_scripts else f"- `{s}`\n" for s in hosting.scripts)
    others = "".join(f"| `{name}` | `{value}` | {why} |\n" for name, (value, why) in h.OTHER_HEADERS.items())
    rules = "".join(f"| {r.what} | `{r.value}` | {r.why} |\n" for r in (*h.CACHE_RULES, h.OTHERWISE))
    caveats = "".join(f'!!! warning "{r.what}: ao atualizar"\n{_indent(r.caveat)}\n\n' for r in h.CACHE_RULES if r.caveat)
    by_type: dict[str, list[str]] = {}
    for ext, kind in h.TYPES.items():
        by_type.setdefault(kind, []).append(ext)
    types = "".join(
        f"| {', '.join(f'`.{e}`' for e in exts)} | `{h.content_type('x.' + exts[0])}` | {'sim' if kind in h.GZIP_TYPES else 'não'} |\n"
        for kind, exts in by_type.items()
    )
    new = f"{'.'.join(map(str, h.HTTP2_ON))}"
    old_title = f"nginx até 1.25.0 (Debian 12: {'.'.join(map(str, LEGACY[:2]))})"
    tabs = "".join(
        f'=== "{title}"\n\n{_indent(_fence("nginx", hosting.nginx(version), h.CONFIG_FILE))}\n'
        for title, version in ((old_title, LEGACY), (f"nginx {new} ou mais novo", h.HTTP2_ON))
    )
    return f"""---
title: Hospedagem
search:
  exclude: true  # for maintainers
---

O site é um conjunto de arquivos estáticos (a pasta `site/` gerada por
`mkdocs build`). Tudo o que ele usa vem do próprio endereço: não há fontes da
web, CDN, análise de acesso nem chamadas a outros servidores. O assistente e a
calculadora rodam no navegador, com o Pyodide servido pelo próprio site.

!!! info "O que o servidor precisa fazer"
    - Servir o site por HTTPS na raiz do seu próprio nome (como `https://{h.SERVER_NAME}/`).
    - Enviar os [cabeçalhos de segurança](#cabecalhos) em **todas** as respostas, inclusive nas de erro.
    - Informar o [tipo](#tipos) certo de cada arquivo: `.wasm` como `application/wasm`, `.mjs` como JavaScript.
    - Não guardar em [cache](#cache), sem revalidar, as páginas e os dados das diretrizes:
      quando uma regra muda, a nova publicação precisa aparecer na hora.

O [arquivo do nginx](#nginx) faz tudo isso. Esta página e esse arquivo são
gerados da mesma fonte (`decision_tree/sitegen/hosting.py`) que os testes
automatizados usam para servir o site com o nginx de verdade.

## Cabeçalhos {{#cabecalhos}}

| Cabeçalho | Valor | Por quê |
|---|---|---|
| `Content-Security-Policy` | [abaixo](#csp) | Nada é carregado de outra origem e nenhum script fora os do site roda. |
{others}| `Cache-Control` | depende do arquivo | Veja [Cache](#cache). |

### Content-Security-Policy {{#csp}}

O valor completo, numa linha só:

{_fence("text", hosting.csp)}
| Diretiva | Valor | Por quê |
|---|---|---|
{directives}{framed}
Os scripts que o tema (Material for MkDocs) escreve dentro de cada página,
liberados pelo hash:
{{#hashes}}

{hashes}
Os hashes só mudam quando muda a versão do Material for MkDocs (fixada no
`pyproject.toml`) ou uma opção do tema no `mkdocs.yml`; acrescentar páginas não
muda nada. A geração do site falha se alguma página tiver um script que este
cabeçalho bloquearia. Ao publicar uma versão nova do site, confira se o
cabeçalho desta página continua igual ao do servidor.

## Cache {{#cache}}

| Arquivos | `Cache-Control` | Por quê |
|---|---|---|
{rules}
{caveats}## Tipos dos arquivos {{#tipos}}

| Extensão | `Content-Type` | Comprimido (gzip) |
|---|---|---|
{types}
Qualquer outro arquivo sai como `{h.DEFAULT_TYPE}`. O pacote do assistente
(`decision_tree-….whl`) é um arquivo zip (o formato *wheel* do Python): vai
como `application/zip`, que diz o que ele é; o Pyodide o baixa com `fetch` e o
abre como zip. Um tipo de texto ganharia `charset` e poderia ser recodificado
no caminho. Arquivos zip não são comprimidos de novo.

## nginx {{#nginx}}

Um arquivo só, incluído no bloco `http` do nginx: no Debian e no Ubuntu,
salve-o em `{h.CONFIG_FILE}` e ligue-o em `sites-enabled/`. Ele define os
próprios tipos de arquivo (não depende do `mime.types` instalado) e envia os
cabeçalhos em todas as respostas. Troque o nome do servidor, o certificado e
a pasta. As duas formas diferem só na linha do HTTP/2: o nginx {new} trocou
`listen 443 ssl http2;` por `http2 on;`, que as versões anteriores não
conhecem. Veja a versão instalada com `nginx -v`.

{tabs}
Depois de salvar:

```sh
sudo ln -s {h.CONFIG_FILE} /etc/nginx/sites-enabled/
sudo nginx -t && sudo systemctl reload nginx
```

O `nginx -t` não deve mostrar nenhum aviso (`[warn]`). Confira os cabeçalhos,
inclusive numa página que não existe e no WebAssembly:

```sh
curl -sI https://{h.SERVER_NAME}/ | grep -iE 'content-security|nosniff|referrer|cache-control'
curl -sI https://{h.SERVER_NAME}/nao-existe/ | grep -iE '^HTTP|content-security'
curl -sI https://{h.SERVER_NAME}/{pyodide_core}pyodide.asm.wasm | grep -iE 'content-type|cache-control'
```

## O que os testes garantem {{#testes}}

Os testes automatizados geram este mesmo arquivo, trocando só o endereço
(127.0.0.1, numa porta livre), o nome do servidor, a pasta e o certificado (um
descartável, criado na hora). Conferem o arquivo com `nginx -t`, sem nenhum
aviso, e servem o site com o nginx instalado na máquina (o do Debian 12).
Através dele, todas as páginas, a busca, o assistente até o resultado e a
calculadora até o total funcionam sem nenhuma violação da política de
segurança e sem nenhum pedido a outro endereço, e os cabeçalhos de cada tipo
de arquivo (página, arquivo do tema, núcleo do Pyodide, pacote do assistente,
`pyodide-lock.json`, página de erro) são os desta página.
"""


def _framed_section(hosting: h.Hosting) -> str:
    """The Zendesk app's page: the one location whose CSP lets a frame show it (by the Zendesk host only)."""
    if not hosting.sidebar_host:
        return ""
    why = h.SIDEBAR_WHY.format(location=h.SIDEBAR_LOCATION, host=hosting.sidebar_host)
    return f"""
#### A página do app do Zendesk {{#zendesk}}

{why} O [app do Zendesk](app-zendesk.md) mostra o assistente na barra lateral do
ticket com essa página; o nginx abaixo a serve num `location` próprio, que repete
os cabeçalhos com este valor:

{_fence("text", hosting.sidebar_csp)}
O endereço do Zendesk vem de `zendesk_app.subdomain` em `decision_tree/guidelines.yml`
(`build-docs --zendesk-subdomain` o troca na hora de gerar).

"""

