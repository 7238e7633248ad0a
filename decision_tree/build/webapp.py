"""The wizard and calculator pages, and the files they need in the site.

`webapp_pages` renders both pages as Markdown holding one raw HTML block each:
the wizard's first question and the calculator's form are plain HTML at build
time, so the pages are usable before Pyodide starts. Every text from the
sources goes through `markup.render_inline`. `webapp_assets` maps site paths to
the Pyodide core files, the engine wheel and the `pyodide-lock.json` listing
it; the wheel and the lock are cached by content hash under `.cache/webapp/`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..api import view
from ..engine import Engine, State
from ..model import Guidelines
from .bundle import bundle_json
from .markup import render_inline as esc
from .wheel import DIST_NAME, wheel_bytes, wheel_name

PYODIDE_DIR = "assets/pyodide/"
PYODIDE_CORE = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
LOCK = "pyodide-lock.json"
CACHE = Path(".cache") / "webapp"
KEEP_CACHED = 4
# The pages are `assistente/` and `calculadora/` (directory URLs): one level below the site root.
ROOT_REL = "../"
TABLE_URL = ROOT_REL + "tabela-de-decisao/"


class WebappError(RuntimeError):
    """The site's browser files cannot be assembled; the message says how to fix it."""


# -- pages -------------------------------------------------------------------


def _lines(*parts: str) -> str:
    # One raw HTML block: no blank line may split it, or Markdown would parse the rest.
    return "\n".join(p for p in parts if p)


def _status(what: str) -> str:
    return _lines(
        '<div class="dt-status" data-role="status" role="status" aria-live="polite">',
        '<progress class="dt-progress" aria-label="Carregando"></progress>',
        f'<span data-role="status-text">Carregando o {what} no navegador…</span>',
        "</div>",
        f'<div class="dt-fallback" data-role="fallback" role="alert" hidden><p data-role="fallback-text"></p>'
        f'<p><a href="{TABLE_URL}">Abrir a tabela de decisão</a> (funciona sem o motor no navegador).</p></div>',
        '<noscript><p class="dt-fallback">Esta página precisa de JavaScript. '
        f'Use a <a href="{TABLE_URL}">tabela de decisão</a>.</p></noscript>',
    )


def wizard_page(bundle: dict[str, Any]) -> str:
    engine = Engine(Guidelines.from_dict(bundle))
    first = view(engine, State())
    q = first["question"]
    options = "\n".join(
        f'<label class="dt-option"><input type="radio" name="option" value="{esc(o["id"])}" required> '
        f"<span>{esc(o['label'])}</span></label>"
        for o in q["options"]
    )
    check = f'<p class="dt-check" data-role="check">Verificação: {esc(q["check"])}</p>' if q["check"] else ""
    html = _lines(
        f'<div class="dt-app dt-wizard" data-app="wizard" data-engine="loading" data-start="{esc(first["state"])}">',
        '<link rel="stylesheet" href="../assets/app/app.css">',
        _status("assistente"),
        '<div class="dt-notice" data-role="notice" role="alert" hidden></div>',
        '<section class="dt-history" data-role="history" aria-labelledby="dt-history-title" hidden>',
        '<h2 id="dt-history-title">Suas respostas</h2><ol data-role="history-list"></ol></section>',
        f'<form class="dt-question" data-role="question" data-question="{esc(q["id"])}" action="{TABLE_URL}" method="get">',
        "<fieldset>",
        f'<legend tabindex="-1" data-role="legend"><span class="dt-number">Pergunta {q["number"]}</span> '
        f'<span data-role="question-text">{esc(q["text"])}</span></legend>',
        check,
        f'<div class="dt-options" data-role="options">\n{options}\n</div>',
        "</fieldset>",
        '<div class="dt-actions">',
        '<button type="submit" class="md-button md-button--primary" data-action="next">Próxima</button>',
        '<button type="button" class="md-button" data-action="back" disabled>Voltar</button>',
        '<button type="button" class="md-button" data-action="restart">Recomeçar</button>',
        "</div>",
        "</form>",
        '<section class="dt-outcome" data-role="outcome" aria-labelledby="dt-outcome-title" hidden></section>',
        '<div class="dt-sr-only" data-role="live" aria-live="polite"></div>',
        '<script type="module" src="../assets/app/wizard.js"></script>',
        "</div>",
    )
    intro = (
        "Responda às perguntas sobre o ticket para saber se ele segue no Suporte Padrão ou se cabe uma "
        "Consultoria do Módulo ou uma Consultoria Telefônica, com os critérios da diretriz, os pré-requisitos, "
        "a macro a aplicar e o resumo para o ticket. O endereço da página guarda as respostas: recarregue ou "
        "compartilhe o link para voltar ao mesmo ponto."
    )
    return f"# Assistente de escalonamento\n\n{intro}\n\n{html}\n"


def _decimal_text(value: Decimal) -> str:
    """A number as a person types it in the form: decimal comma, no grouping."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def _flag(mode_billing: dict[str, Any], key: str) -> str:
    return "true" if mode_billing.get(key) else "false"


def calculator_page(bundle: dict[str, Any]) -> str:
    b = bundle["billing"]
    modes = [m for m in bundle["modes"] if m["id"] in b["modes"]]
    default_mode = next((m["id"] for m in modes if b["modes"][m["id"]].get("waivable")), modes[0]["id"])
    minutes = b["modes"][default_mode].get("minimum_minutes") or 1
    mode_options = "\n".join(
        f'<option value="{esc(m["id"])}" data-waivable="{_flag(b["modes"][m["id"]], "waivable")}" '
        f'data-taxes="{_flag(b["modes"][m["id"]], "plus_taxes")}"'
        f"{' selected' if m['id'] == default_mode else ''}>{esc(m['title'])}</option>"
        for m in modes
    )
    audiences = "\n".join(
        f'<option value="{esc(a["id"])}"{" selected" if i == 0 else ""}>{esc(a["title"])}</option>'
        for i, a in enumerate(bundle["audiences"])
    )
    taxes = "\n".join(
        _field(
            f"tax{i}",
            f"{esc(t['name'])} (%)",
            _decimal_text(Decimal(t["rate"]) * 100),
            f' data-tax-name="{esc(t["name"])}"',
        )
        for i, t in enumerate(b["taxes"])
    )
    waiver_text = next((m.get("waiver_text", "") for m in b["modes"].values() if m.get("waivable")), "")
    rate = Decimal(b["reference_rate_per_minute"])
    html = _lines(
        f'<div class="dt-app dt-calculator" data-app="calculator" data-engine="loading" '
        f'data-payers="{esc(json.dumps(b["payers"], ensure_ascii=False))}" '
        f'data-modes="{esc(json.dumps({m["id"]: m["title"] for m in modes}, ensure_ascii=False))}">',
        '<link rel="stylesheet" href="../assets/app/app.css">',
        _status("cálculo"),
        '<div class="dt-notice" data-role="notice" role="alert" hidden></div>',
        '<form class="dt-calc-form" data-role="form" novalidate>',
        '<div class="dt-field"><label for="dt-mode">Modalidade</label>',
        f'<select id="dt-mode" name="mode" aria-describedby="dt-mode-error">\n{mode_options}\n</select>',
        '<span class="dt-field-error" id="dt-mode-error" data-error-for="mode" hidden></span></div>',
        '<div class="dt-field"><label for="dt-audience">Quem solicita</label>',
        f'<select id="dt-audience" name="audience" aria-describedby="dt-audience-error">\n{audiences}\n</select>',
        '<span class="dt-field-error" id="dt-audience-error" data-error-for="audience" hidden></span></div>',
        _field("minutes", "Minutos trabalhados", str(minutes), hint="Aceita frações, ex.: 12,5."),
        _field("rate", "Valor por minuto (R$)", format(rate, "f").replace(".", ","), hint=esc(b["reference_note"])),
        '<fieldset class="dt-taxes" data-role="taxes"><legend>Impostos</legend>',
        taxes,
        "</fieldset>",
        '<div class="dt-field dt-waiver" data-role="waiver">',
        '<label><input type="checkbox" name="waived" id="dt-waived" aria-describedby="dt-waived-hint dt-waived-error"> '
        "Custo abonado</label>",
        f'<span class="dt-hint" id="dt-waived-hint">{esc(waiver_text)}</span>',
        '<span class="dt-field-error" id="dt-waived-error" data-error-for="waived" hidden></span></div>',
        "</form>",
        '<section class="dt-quote" data-role="quote" aria-labelledby="dt-quote-title">',
        '<h2 id="dt-quote-title">Estimativa</h2>',
        '<p data-role="quote-note" class="dt-hint" aria-live="polite"></p>',
        '<div data-role="quote-body"></div>',
        '<div class="dt-actions"><button type="button" class="md-button" data-action="copy" disabled>Copiar estimativa</button></div>',
        "</section>",
        '<div class="dt-sr-only" data-role="live" aria-live="polite"></div>',
        '<script type="module" src="../assets/app/calculator.js"></script>',
        "</div>",
    )
    intro = (
        "Estime o custo de uma consultoria: minutos cobrados, impostos, total e quem paga. O valor por minuto e "
        "as alíquotas vêm preenchidos com os valores de referência; edite-os conforme o Termo de Aceite."
    )
    return f"# Calculadora de custos\n\n{intro}\n\n{html}\n"


def _field(name: str, label: str, value: str, extra: str = "", hint: str = "") -> str:
    ids = f"dt-{name}-error" + (f" dt-{name}-hint" if hint else "")
    hint_html = f'<span class="dt-hint" id="dt-{name}-hint">{hint}</span>' if hint else ""
    return (
        f'<div class="dt-field"><label for="dt-{name}">{label}</label>'
        f'<input type="text" inputmode="decimal" autocomplete="off" id="dt-{name}" name="{name}" value="{esc(value)}" '
        f'aria-describedby="{ids}"{extra}>{hint_html}'
        f'<span class="dt-field-error" id="dt-{name}-error" data-error-for="{name}" hidden></span></div>'
    )


def webapp_pages(bundle: dict[str, Any]) -> dict[str, str]:
    """The wizard and calculator pages as Markdown (one raw HTML block each)."""
    return {"assistente.md": wizard_page(bundle), "calculadora.md": calculator_page(bundle)}


# -- assets ------------------------------------------------------------------


def pyodide_dir(root: Path) -> Path:
    npm = root / "node_modules" / "pyodide"
    missing = [name for name in (*PYODIDE_CORE, LOCK) if not (npm / name).is_file()]
    if missing:
        raise WebappError(
            f"{npm}: Pyodide core files missing ({', '.join(missing)}); run `npm ci` in {root} "
            "to install the pinned npm package `pyodide` (package-lock.json)."
        )
    return npm


def engine_files(bundle: dict[str, Any], root: Path) -> tuple[Path, Path]:
    """The engine wheel (bundle inside) and the `pyodide-lock.json` that lists it, cached by content."""
    npm = pyodide_dir(root)
    wheel = wheel_bytes(Path(__file__).resolve().parent.parent, bundle_json(bundle))
    npm_lock = (npm / LOCK).read_bytes()
    key = hashlib.sha256(hashlib.sha256(wheel).digest() + hashlib.sha256(npm_lock).digest()).hexdigest()[:16]
    cache = root / CACHE
    entry = cache / key
    wheel_path, lock_path = entry / wheel_name(), entry / LOCK
    if wheel_path.is_file() and lock_path.is_file():
        os.utime(entry)
        return wheel_path, lock_path
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{key}.", dir=cache))
    try:
        (work / wheel_name()).write_bytes(wheel)
        (work / LOCK).write_text(_lock_with_wheel(npm / LOCK, work / wheel_name()), encoding="utf-8")
        try:
            work.rename(entry)
        except OSError:  # another build made the same entry meanwhile
            shutil.rmtree(work, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _prune(cache)
    return wheel_path, lock_path


def _lock_with_wheel(npm_lock: Path, wheel: Path) -> str:
    """`pyodide lockfile add-wheels`, in process: the npm lock plus the wheel beside it."""
    from pyodide_lock import PyodideLockSpec
    from pyodide_lock.utils import add_wheels_to_spec

    spec = add_wheels_to_spec(PyodideLockSpec.from_json(npm_lock), [wheel], base_path=wheel.parent)
    if DIST_NAME not in spec.packages:
        raise WebappError(f"{wheel.name}: not added to {LOCK} as '{DIST_NAME}'")
    return json.dumps(spec.to_dict(), sort_keys=True)


def _prune(cache: Path) -> None:
    entries = sorted((p for p in cache.iterdir() if p.is_dir() and "." not in p.name), key=lambda p: p.stat().st_mtime)
    for old in entries[:-KEEP_CACHED]:
        shutil.rmtree(old, ignore_errors=True)


def webapp_assets(bundle: dict[str, Any], root: Path) -> dict[str, Path | bytes]:
    """Site path -> file: the Pyodide core, the engine wheel and the lock listing it."""
    npm = pyodide_dir(root)
    wheel, lock = engine_files(bundle, root)
    assets: dict[str, Path | bytes] = {PYODIDE_DIR + name: npm / name for name in PYODIDE_CORE}
    assets[PYODIDE_DIR + LOCK] = lock
    assets[PYODIDE_DIR + wheel.name] = wheel
    return assets
