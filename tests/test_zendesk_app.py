"""`build-zendesk-app` as an admin runs it, the manifest against the fields Zendesk documents, the engine's op.

Zendesk's `zcli apps:validate` needs an account, so it cannot run here; the
checks below are the documented rules of a ZAF 2.0 app package (Zendesk's
app_scaffold and the manifest reference): manifest.json at the root of the zip
with name, author (name, email), defaultLocale, private, location,
version, frameworkVersion "2.0"; a translation file for the default locale
with `app.name`, descriptions and each parameter's label; the two logos as
PNG of 320×320 and 128×128; the parameters of the documented types.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

from engine_helpers import ROOT, bundle, engine

from decision_tree.core import api
from decision_tree.core.outcome import note_code
from decision_tree.core.urls import ZENDESK_SIDEBAR
from decision_tree.sitegen import hosting

MANIFEST_KEYS = {"name", "author", "defaultLocale", "private", "location", "version", "frameworkVersion", "parameters",
                 "singleInstall", "signedUrls", "domainWhitelist", "requirementsOnly", "marketingOnly", "oauth"}
SUPPORT_LOCATIONS = {"ticket_sidebar", "new_ticket_sidebar", "user_sidebar", "organization_sidebar", "top_bar", "nav_bar", "modal",
                     "ticket_editor", "background"}
PARAMETER_TYPES = {"text", "password", "checkbox", "url", "number", "multiline", "hidden", "oauth"}


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "decision_tree", "--root", str(ROOT), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, after checking its signature, chunks' CRCs and that its pixels decompress."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, size, idat = 8, None, b""
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body, crc = data[pos + 8:pos + 8 + length], struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, kind
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    assert size is not None
    assert len(zlib.decompress(idat)) == size[1] * (1 + size[0] * 4)
    return size


def test_build_zendesk_app_writes_an_uploadable_zip(tmp_path: Path) -> None:
    out = run("build-zendesk-app", "--site-url", "https://diretrizes.exemplo.interno/kb", "--out", str(tmp_path),
              "--author-email", "suporte@exemplo.com.br")
    assert out.returncode == 0, out.stderr
    with zipfile.ZipFile(tmp_path / "zendesk-app.zip") as z:
        names = set(z.namelist())
        files = {n: z.read(n) for n in names}
    assert names == {"manifest.json", "translations/pt-br.json", "translations/en.json", "assets/logo.png", "assets/logo-small.png"}
    for name, data in files.items():
        assert (tmp_path / "zendesk-app" / name).read_bytes() == data  # the folder is the zip's content

    manifest = json.loads(files["manifest.json"])
    assert set(manifest) <= MANIFEST_KEYS
    assert manifest["frameworkVersion"] == "2.0" and manifest["private"] is True
    assert manifest["author"]["email"] == "suporte@exemplo.com.br" and manifest["author"]["name"]
    assert set(manifest["location"]) == {"support"} and set(manifest["location"]["support"]) <= SUPPORT_LOCATIONS
    assert manifest["location"]["support"]["ticket_sidebar"]["url"] == f"https://diretrizes.exemplo.interno/kb/{ZENDESK_SIDEBAR}"
    assert f"translations/{manifest['defaultLocale']}.json" in names
    audiences = {a["id"]: a["title"] for a in bundle()["audiences"]}
    rules = {r["audience"]: r["tags"] for r in bundle()["zendesk_app"]["audience_tags"]["rules"]}
    params = {p["name"]: p for p in manifest["parameters"]}
    assert all(p["type"] in PARAMETER_TYPES for p in params.values())
    assert {name: p["default"] for name, p in params.items()} == {
        f"tags_{a.replace('-', '_')}": ", ".join(tags) for a, tags in rules.items()}

    for locale in ("pt-br", "en"):
        app = json.loads(files[f"translations/{locale}.json"])["app"]
        assert app["name"] and app["short_description"] and app["long_description"] and app["installation_instructions"]
        assert set(app["parameters"]) == set(params)
        assert all(p["label"] for p in app["parameters"].values())
    pt = json.loads(files["translations/pt-br.json"])["app"]
    assert all(any(title in p["label"] for title in audiences.values()) for p in pt["parameters"].values())
    assert png_size(files["assets/logo.png"]) == (320, 320)
    assert png_size(files["assets/logo-small.png"]) == (128, 128)

    again = tmp_path / "again"
    assert run("build-zendesk-app", "--site-url", "https://diretrizes.exemplo.interno/kb", "--out", str(again),
               "--author-email", "suporte@exemplo.com.br").returncode == 0
    assert (again / "zendesk-app.zip").read_bytes() == (tmp_path / "zendesk-app.zip").read_bytes()  # reproducible


def test_a_bad_site_url_is_refused_in_portuguese_and_nothing_is_written(tmp_path: Path) -> None:
    for url in ("http://diretrizes.exemplo.interno/", "diretrizes.exemplo.interno", "https://x.example/?a=1"):
        out = run("build-zendesk-app", "--site-url", url, "--out", str(tmp_path))
        assert out.returncode == 2
        assert "não é o endereço https do site publicado" in out.stderr and "Traceback" not in out.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_is_not_an_app_is_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "zendesk-app").mkdir()
    (tmp_path / "zendesk-app" / "notas.txt").write_text("meu arquivo")
    out = run("build-zendesk-app", "--site-url", "https://d.exemplo/", "--out", str(tmp_path))
    assert out.returncode == 2 and "não é a pasta de um app" in out.stderr
    assert (tmp_path / "zendesk-app" / "notas.txt").read_text() == "meu arquivo"


def test_build_docs_refuses_a_bad_subdomain(tmp_path: Path) -> None:
    out = run("build-docs", "--zendesk-subdomain", "Minha Empresa", "--out", str(tmp_path / "src"))
    assert out.returncode == 2 and "não é um subdomínio do Zendesk" in out.stderr
    assert not (tmp_path / "src").exists()


# -- the hosting: one framed location ---------------------------------------------------------------


def test_only_the_sidebar_location_lets_the_zendesk_host_frame_it() -> None:
    h = hosting.Hosting(("'sha256-x'",)).with_sidebar_host("https://minhaempresa.zendesk.com")
    assert "frame-ancestors 'none'" in h.headers("/assistente/")["Content-Security-Policy"]
    framed = h.headers(f"/{ZENDESK_SIDEBAR}")["Content-Security-Policy"]
    assert framed.endswith("frame-ancestors https://minhaempresa.zendesk.com") and framed.replace(
        "frame-ancestors https://minhaempresa.zendesk.com", "frame-ancestors 'none'") == h.csp
    conf = h.nginx((1, 22, 1))
    location = conf[conf.index(f"location ^~ /{ZENDESK_SIDEBAR} {{"):]
    location = location[: location.index("    }\n")]
    for name, value in h.security_headers_of(f"/{ZENDESK_SIDEBAR}").items():
        assert f'add_header {name} "{value}" always;' in location  # a location with add_header repeats them all
    assert conf.count("frame-ancestors https://minhaempresa.zendesk.com") == 1
    assert "location ^~" not in hosting.Hosting(("'sha256-x'",)).nginx((1, 22, 1))  # no host, no framed page


# -- the engine's answer for a ticket ------------------------------------------------------------------


def ticket(**req: object) -> dict:
    api.init(bundle())
    return api.handle_dict({"op": "zendesk-ticket", **req})


def test_the_organization_tags_preselect_one_audience_or_none() -> None:
    rules = {r["audience"]: r["tags"] for r in bundle()["zendesk_app"]["audience_tags"]["rules"]}
    first, second = list(rules)[:2]
    assert ticket(organization_tags=[rules[first][0].upper(), "x"])["audience"] == first  # tags are case-insensitive
    both = ticket(organization_tags=[rules[first][0], rules[second][0]])
    assert both["audience"] is None and both["audience_matches"] == [first, second]
    assert ticket(organization_tags=["desconhecida"])["audience"] is None
    assert ticket(organization_tags="não é lista")["audience"] is None
    assert ticket(organization_tags=["nova"], settings={f"tags_{second.replace('-', '_')}": "Nova, outra"})["audience"] == second
    assert ticket(organization_tags=["desconhecida"])["audience_rule"]["source"]["kind"] == "local"


def test_the_walk_resumes_from_the_last_note_the_wizard_wrote() -> None:
    e = engine()
    state = next(iter(e.paths()))
    note = e.recommend(state)["ticket_note"]
    assert note_code(note) == e.encode(state)
    later = e.recommend(next(s for s in e.paths() if s != state))["ticket_note"]
    assert ticket(notes=["Olá", note, "sem código", later])["resume"] == note_code(later)
    assert ticket(notes=["nada aqui"])["resume"] is None


def test_the_ticket_prefix_follows_the_note() -> None:
    e = engine()
    prefix_mode = e.g.ticket.prefix_mode
    state = next(s for s in e.paths() if e.recommend(s)["mode"] == prefix_mode)
    r = e.recommend(state)
    assert r["ticket_prefix"] == {"text": e.g.ticket.prefix.text, "ready": False}
    assert not r["ticket_note"].startswith(e.g.ticket.prefix.text)
    for step in (s for s in r["steps"] if s["mark"]):
        state = e.mark(state, step["id"], True)
    done = e.recommend(state)
    assert done["ticket_prefix"]["ready"] and done["ticket_note"].startswith(e.g.ticket.prefix.text)
    other = next(s for s in e.paths() if e.recommend(s)["mode"] != prefix_mode)
    assert e.recommend(other)["ticket_prefix"] is None


def test_the_sidebar_page_is_part_of_the_generated_site() -> None:
    from decision_tree.sitegen.build_docs import site_files

    files = site_files(ROOT)
    page = files["barra-zendesk.md"]
    assert 'data-app="wizard"' in page and 'data-app="zendesk"' in page and "zaf_sdk.js" in page
    sdk = files["assets/vendor/zaf_sdk.js"]
    source = (ROOT / "node_modules/zendesk_app_framework_sdk/lib/client.js").read_text(encoding="utf-8")
    assert isinstance(sdk, str) and source in sdk and "window.ZAFClient = load('lib/index');" in sdk
    node = subprocess.run(["node", "-e", "const window = {Promise}; const document = {location: {search: '', hash: ''}};"
                           f"{sdk}; console.log(typeof window.ZAFClient.init, window.ZAFClient.init())"],
                          capture_output=True, text=True, timeout=60)
    assert node.stdout.strip() == "function false", node.stderr  # outside Zendesk (no origin/app_guid): init() is false
    assert "frame-ancestors https://" in files["hospedagem.md"]
