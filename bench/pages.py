"""What the benchmark puts in the browser: the JavaScript of bench/js/ and a few extra files.

The programs the benchmark runs in the page (its init script, the readers and
the interaction walks) are the files of bench/js/, read here. The extra files
are served from memory beside the built site (server.Server's overlay; nginx:
bench/nginx_server.py), never written into it:

- `/bench-bare/` (Pyodide alone in a module worker) and `/bench-bare-main/`
  (Pyodide alone on the page's main thread): the baseline, from the site's own
  `assets/pyodide/` (the core folder named in the site's engine.json);
- `bench-profile-worker.js` and `bench-profile-hooks.js` beside the site's
  `worker.js`: the start breakdown runs the product's worker, as built into the
  site, with instruments on the web APIs it calls (bench/js/profile_hooks.js).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from decision_tree.core import urls

JS = Path(__file__).resolve().parent / "js"
APP = "assets/app/"  # the site's app scripts: client.js starts ./worker.js from here

_PAGE = """<!doctype html>
<html lang="pt-BR">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>{title}</title></head>
<body>
<div data-app="{app}" data-engine="loading"><p data-role="status">{title}</p></div>
<script type="module" src="./main.js"></script>
</body>
</html>
"""


@cache
def js(name: str) -> str:
    """A program of bench/js/ (`name` without .js)."""
    return (JS / f"{name}.js").read_text(encoding="utf-8")


def program(name: str) -> str:
    """A program of bench/js/ for page.evaluate, after the helpers it shares (dom_wait.js): an expression whose value is
    the program's function, which Playwright then calls with its argument."""
    return f"(() => {{\n{js('dom_wait')}\nreturn (\n{js(name)}\n);\n}})()"


def core_dir(site: Path) -> str:
    """The Pyodide core folder of a built site, relative to assets/pyodide/ (from its engine.json)."""
    manifest = site / urls.PYODIDE / "engine.json"
    return json.loads(manifest.read_text(encoding="utf-8"))["core"]


def overlay(site: Path) -> dict[str, bytes]:
    """URL path -> content of the extra files."""
    if not (site / APP / "worker.js").is_file():
        raise SystemExit(f"{site}: no {APP}worker.js (not a built site?)")
    start = f"const CORE = {json.dumps(core_dir(site))};\n" + js("bare_start")
    return {
        "/bench-bare/index.html": _PAGE.format(title="Pyodide sozinho (Worker)", app="bare").encode(),
        "/bench-bare/main.js": js("bare_page_worker").encode(),
        "/bench-bare/start.js": start.encode(),
        "/bench-bare/worker.js": js("bare_worker").encode(),
        "/bench-bare-main/index.html": _PAGE.format(title="Pyodide sozinho (página)", app="bare").encode(),
        "/bench-bare-main/main.js": js("bare_page_main").encode(),
        f"/{APP}bench-profile-worker.js": js("profile_worker").encode(),
        f"/{APP}bench-profile-hooks.js": js("profile_hooks").encode(),
    }
