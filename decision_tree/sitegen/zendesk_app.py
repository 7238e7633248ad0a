"""`build-zendesk-app`: the Zendesk Apps Framework 2.0 package of the sidebar app, ready to upload as a private app.

The app holds no code of its own: `manifest.json` points the ticket sidebar
(`location.support.ticket_sidebar`) at the sidebar page of the published site
(`urls.ZENDESK_SIDEBAR` under `--site-url`), which Zendesk frames with
`?origin=…&app_guid=…`. Its settings (`parameters`) are the organization tags of
each audience, defaulting to `zendesk_app.audience_tags` of guidelines.yml.
`translations/` (pt-BR, the default locale, and English) name the app and its
settings; `assets/` has the two logos Zendesk requires (PNG, 320×320 and
128×128), drawn here with zlib and struct. The folder and a zip of it are
written under `dist/`.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from decision_tree import __version__
from decision_tree.core import urls
from decision_tree.core.model import Guidelines
from decision_tree.core.zendesk_app import ZendeskApp, setting_name

OUT = Path("dist")
APP_DIR = "zendesk-app"
DEFAULT_LOCALE = "pt-br"
FRAMEWORK_VERSION = "2.0"
LOGOS = {"assets/logo.png": 320, "assets/logo-small.png": 128}  # what Zendesk's app validation requires
ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # a fixed date: the same sources give the same zip
NAME = {"pt-br": "Assistente de escalonamento", "en": "Escalation wizard"}


class AppError(Exception):
    """The app cannot be built; the message says why and how to fix it."""


def site_base(site_url: str) -> str:
    """The published site's address, ending in "/"; only https (Zendesk frames no plain-HTTP page)."""
    parts = urlsplit(site_url.strip())
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise AppError(f"--site-url '{site_url}' não é o endereço https do site publicado; use, por exemplo, "
                       "https://diretrizes.exemplo.interno/ (o Zendesk só mostra páginas https na barra lateral)")
    return f"https://{parts.netloc}{parts.path.rstrip('/')}/"


def manifest(g: Guidelines, site_url: str, author_name: str, author_email: str) -> dict[str, Any]:
    app = _app(g)
    return {
        "name": NAME[DEFAULT_LOCALE],
        "author": {"name": author_name, "email": author_email, "url": site_base(site_url)},
        "defaultLocale": DEFAULT_LOCALE,
        "private": True,
        "location": {"support": {"ticket_sidebar": {"url": site_base(site_url) + urls.ZENDESK_SIDEBAR, "flexible": True}}},
        "version": __version__,
        "frameworkVersion": FRAMEWORK_VERSION,
        "parameters": [
            {"name": setting_name(a), "type": "text", "required": False, "default": ", ".join(tags)}
            for a, tags in app.audience_tags.items()
        ],
    }


# The manifest's texts per locale: the label and help of each audience's tag field take the audience's title.
_TEXTS = {
    "pt-br": {
        "short_description": "O assistente de escalonamento das diretrizes na barra lateral do ticket.",
        "long_description": (
            "Responda às perguntas do assistente ao lado do ticket: o resultado diz a modalidade, a macro a aplicar e a nota "
            "para o ticket, e cada botão grava no ticket só quando clicado. Não consta na diretriz: a pré-seleção do "
            "solicitante pelas tags da organização."
        ),
        "installation_instructions": (
            "Em cada campo, as tags de organização do Zendesk que indicam o solicitante (separadas por vírgula). Uma "
            "organização com tags de um só público o pré-seleciona no assistente; o analista pode trocá-lo."
        ),
        "label": "Tags de organização: {title}",
        "helpText": "Organizações com uma destas tags têm como solicitante “{title}”.",
    },
    "en": {
        "short_description": "The escalation guideline's wizard in the ticket sidebar.",
        "long_description": (
            "Answer the wizard's questions beside the ticket: the outcome gives the support mode, the macro to apply and the "
            "ticket note, and each button writes to the ticket only when clicked."
        ),
        "installation_instructions": (
            "In each field, the Zendesk organization tags that identify the requester (comma-separated). An organization "
            "with the tags of one audience preselects it in the wizard; the agent can change it."
        ),
        "label": "Organization tags: {title}",
        "helpText": "Organizations with one of these tags have “{title}” as requester.",
    },
}


def translations(g: Guidelines) -> dict[str, dict[str, Any]]:
    app = _app(g)
    audiences = {a: g.audiences[a].title for a in app.audience_tags}
    out = {}
    for locale, texts in _TEXTS.items():
        fields = {k: v for k, v in texts.items() if k not in ("label", "helpText")}
        parameters = {setting_name(a): {"label": texts["label"].format(title=title), "helpText": texts["helpText"].format(title=title)}
                      for a, title in audiences.items()}
        out[locale] = {"app": {"name": NAME[locale], **fields, "parameters": parameters}}
    return out


def _app(g: Guidelines) -> ZendeskApp:
    app = ZendeskApp.of(g.zendesk_app)
    if app is None:
        raise AppError("decision_tree/guidelines.yml não tem a seção zendesk_app (subdomain, audience_tags, ticket_tags); "
                       "acrescente-a como em docs/app-zendesk.md")
    return app


# -- the logos: PNG written with the standard library ---------------------------------------------


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    """An 8-bit RGBA PNG from `rows` (each `width * 4` bytes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 (None) on every row
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


BACKGROUND = (0x1E, 0x4F, 0x8C, 255)  # a blue square with rounded corners
MARK = (255, 255, 255, 255)  # a white diamond: the decision of a flowchart
CLEAR = (0, 0, 0, 0)


def logo(size: int) -> bytes:
    radius, centre = size * 0.18, (size - 1) / 2
    rows = []
    for y in range(size):
        row = bytearray()
        for x in range(size):
            dx, dy = max(radius - x, x - (size - 1 - radius), 0), max(radius - y, y - (size - 1 - radius), 0)
            if dx * dx + dy * dy > radius * radius:
                row += bytes(CLEAR)
            elif abs(x - centre) + abs(y - centre) <= size * 0.3:
                row += bytes(MARK)
            else:
                row += bytes(BACKGROUND)
        rows.append(bytes(row))
    return png(size, size, rows)


# -- the package ----------------------------------------------------------------------------------


def app_files(g: Guidelines, site_url: str, author_name: str, author_email: str) -> dict[str, bytes]:
    """`{path inside the app: bytes}`."""
    def as_json(data: Any) -> bytes:
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    files = {"manifest.json": as_json(manifest(g, site_url, author_name, author_email))}
    files |= {f"translations/{locale}.json": as_json(data) for locale, data in translations(g).items()}
    files |= {path: logo(size) for path, size in LOGOS.items()}
    return files


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in sorted(files.items()):
            info = zipfile.ZipInfo(path, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buffer.getvalue()


def build_app(g: Guidelines, out: Path, site_url: str, author_name: str, author_email: str) -> tuple[Path, Path]:
    """Write `out/zendesk-app/` and `out/zendesk-app.zip`; the folder is replaced whole (only if it is an app's)."""
    files = app_files(g, site_url, author_name, author_email)  # raises before anything is written
    folder, archive = out / APP_DIR, out / f"{APP_DIR}.zip"
    if folder.exists() and any(folder.iterdir()) and not (folder / "manifest.json").is_file():
        raise AppError(f"{folder} existe e não é a pasta de um app (não tem manifest.json); escolha outra --out ou apague-a")
    if folder.exists():
        shutil.rmtree(folder)
    for path, data in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    archive.write_bytes(zip_bytes(files))
    return folder, archive
