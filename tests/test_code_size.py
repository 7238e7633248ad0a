"""No module of the product over 300 lines, no function over 60: a size a reviewer reads in one sitting.

Issue #25's bound for decision_tree/ (Python, measured with `ast`) and for the page's scripts under
docs/assets/app/ (JavaScript, parsed with acorn by tests/js_functions.mjs). Measured from the source the
way a reviewer would count it: a function from its first line to its last, nested functions included."""

from __future__ import annotations

import ast
import json
import os
import subprocess
from pathlib import Path

from engine_helpers import ROOT

MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
PYTHON = sorted((ROOT / "decision_tree").rglob("*.py"))
SCRIPTS = sorted((ROOT / "docs" / "assets" / "app").glob("*.js"))
SPANS = ROOT / "tests" / "js_functions.mjs"


def _oversized(name: str, lines: int, functions: list[tuple[str, int, int]]) -> list[str]:
    """What of one module passes the bounds: the module itself, then each (name, first line, last line) function."""
    found = [f"{name}: {lines} lines (at most {MAX_MODULE_LINES})"] if lines > MAX_MODULE_LINES else []
    for function, first, last in functions:
        if last - first + 1 > MAX_FUNCTION_LINES:
            found.append(f"{name}:{first}: {function}() is {last - first + 1} lines (at most {MAX_FUNCTION_LINES})")
    return found


def _python_oversized() -> list[str]:
    found = []
    for path in PYTHON:
        source = path.read_text(encoding="utf-8")
        functions = [(n.name, n.lineno, n.end_lineno) for n in ast.walk(ast.parse(source))
                     if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        found += _oversized(str(path.relative_to(ROOT)), source.count("\n"), functions)
    return found


def test_python_modules_and_functions_stay_small():
    assert _python_oversized() == []


def test_the_measure_sees_a_long_function(tmp_path, monkeypatch):
    long = tmp_path / "long.py"
    long.write_text("def f():\n" + "    x = 1\n" * MAX_FUNCTION_LINES, encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "PYTHON", [long])
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    assert _python_oversized() == [f"long.py:1: f() is {MAX_FUNCTION_LINES + 1} lines (at most {MAX_FUNCTION_LINES})"]


def _js_oversized() -> list[str]:
    node = os.environ.get("NODE") or "node"
    result = subprocess.run([node, str(SPANS), *map(str, SCRIPTS)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{SPANS.name} could not parse the scripts (run `npm ci` for acorn):\n{result.stderr}"
    found = []
    for script in json.loads(result.stdout):
        functions = [(f["name"], f["line"], f["end"]) for f in script["functions"]]
        found += _oversized(Path(script["file"]).relative_to(ROOT).as_posix(), script["lines"], functions)
    return found


def test_js_modules_and_functions_stay_small():
    assert _js_oversized() == []


def test_the_js_measure_sees_long_functions_of_every_kind(tmp_path, monkeypatch):
    body = "  x += 1;\n" * MAX_FUNCTION_LINES
    long = tmp_path / "long.js"
    long.write_text(
        f"export function declared() {{\n{body}}}\n"  # 1-62
        f"const arrow = () => {{\n{body}}};\n"  # 63-124
        f"const obj = {{ method() {{\n{body}}} }};\n"  # 125-186
        "function short() { return `${arrow}${obj}`; }\n"  # 187: short, not reported
        + "// filler\n" * (MAX_MODULE_LINES - 187 + 1),
        encoding="utf-8",
    )
    monkeypatch.setattr(__import__(__name__), "SCRIPTS", [long])
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    n = MAX_FUNCTION_LINES + 2
    assert _js_oversized() == [
        f"long.js: {MAX_MODULE_LINES + 1} lines (at most {MAX_MODULE_LINES})",
        f"long.js:1: declared() is {n} lines (at most {MAX_FUNCTION_LINES})",
        f"long.js:63: arrow() is {n} lines (at most {MAX_FUNCTION_LINES})",
        f"long.js:125: method() is {n} lines (at most {MAX_FUNCTION_LINES})",
    ]
