"""Bad input at the command line and the page's entry point is a message, never a traceback (issue 21, items 12, 13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from engine_helpers import ROOT, bundle

from decision_tree.core import api
from decision_tree.sources.bundle import bundle_json


@pytest.fixture(scope="module", autouse=True)
def engine() -> None:
    api.init(bundle_json(bundle()))


@pytest.mark.parametrize("request_text", [
    "[" * 100_000,
    '{"op": "quote", "taxes": ' + "[" * 50_000 + "]" * 50_000 + "}",
    '{"op": "view", "state": ' + '{"a": ' * 30_000 + "1" + "}" * 30_000 + "}",
    '{"op": "quote", "taxes": ' + "[" * 500 + "]" * 500 + "}",  # parses, but far deeper than any request of the page
], ids=["deep-list", "deep-taxes", "deep-state", "500-levels"])
def test_deeply_nested_json_is_an_answer_not_an_exception(request_text: str) -> None:
    answer = json.loads(api.handle(request_text))
    assert answer["ok"] is False and answer["error"].startswith("Requisição inválida: "), answer


def test_an_oversized_request_is_an_answer_and_an_old_codes_archive_fits() -> None:
    # An old code's request carries its archived tree version (decision_tree/tree_versions/*.json, ~150 kB).
    biggest = max(len(p.read_text(encoding="utf-8")) for p in (ROOT / "decision_tree" / "tree_versions").glob("*.json"))
    assert biggest * 4 < api.MAX_REQUEST_CHARS, "an archived version no longer fits a request with room to grow"
    answer = json.loads(api.handle('{"op": "view", "state": "' + "x" * api.MAX_REQUEST_CHARS + '"}'))
    assert answer["ok"] is False and "até" in answer["error"], answer


def test_a_null_audience_is_refused_like_a_null_waiver() -> None:
    base = {"op": "quote", "mode": bundle()["modes"][1]["id"], "minutes": "12,5"}
    waived = json.loads(api.handle(json.dumps({**base, "waived": None})))
    audience = json.loads(api.handle(json.dumps({**base, "audience": None})))
    assert waived["ok"] is False and "waived" in waived["errors"]
    assert audience["ok"] is False and "audience" in audience["errors"], audience  # not silently the first audience
    assert all(a["id"] in audience["errors"]["audience"] for a in bundle()["audiences"])


@pytest.mark.cli
def test_quote_into_a_closed_pipe_exits_quietly() -> None:
    # `quote … | head`: the reader is gone before the answer is written.
    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "decision_tree", "quote", "--mode", bundle()["modes"][1]["id"], "--minutes", "12,5"],
            cwd=ROOT, stdout=write, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write)
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr
    assert result.returncode == 141, result.stderr
