"""No module of the product over 300 lines, no function over 60: a size a reviewer reads in one sitting.

Issue #25's bound for decision_tree/ (the page's scripts under docs/assets/app/ are measured by the
JS half of this file). Measured from the source the way a reviewer would count it."""

from __future__ import annotations

import ast

from engine_helpers import ROOT

MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
PYTHON = sorted((ROOT / "decision_tree").rglob("*.py"))


def _python_oversized() -> list[str]:
    found = []
    for path in PYTHON:
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        if (lines := source.count("\n")) > MAX_MODULE_LINES:
            found.append(f"{name}: {lines} lines (at most {MAX_MODULE_LINES})")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{name}:{node.lineno}: {node.name}() is {length} lines (at most {MAX_FUNCTION_LINES})")
    return found


def test_python_modules_and_functions_stay_small():
    assert _python_oversized() == []


def test_the_measure_sees_a_long_function(tmp_path, monkeypatch):
    long = tmp_path / "long.py"
    long.write_text("def f():\n" + "    x = 1\n" * MAX_FUNCTION_LINES, encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "PYTHON", [long])
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    assert _python_oversized() == [f"long.py:1: f() is {MAX_FUNCTION_LINES + 1} lines (at most {MAX_FUNCTION_LINES})"]
