"""`build-docs --watch` (what `make serve` runs beside `mkdocs serve`): a saved source rebuilds site-src/.

The real command runs on a scratch copy of the repository; the test edits files as a person would and
reads what lands in the output folder."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import scratch_repo

pytestmark = pytest.mark.cli


def _lines(stream, into: queue.Queue[str]) -> None:  # type: ignore[no-untyped-def]
    for line in stream:
        into.put(line)


def wait_for(condition, seconds: float, what: str, output: list[str]) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} within {seconds}s; build-docs said:\n" + "".join(output)[-3000:])


def test_a_saved_page_a_broken_source_and_its_fix_each_rebuild(tmp_path: Path) -> None:
    repo = scratch_repo(tmp_path / "repo")
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "decision_tree", "--root", str(repo), "build-docs", "--watch", "--out", str(out)],
                               cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []
    threading.Thread(target=_lines, args=(process.stdout, lines), daemon=True).start()

    def said(words: str) -> bool:
        while not lines.empty():
            output.append(lines.get())
        return any(words in line for line in output)

    try:
        wait_for(lambda: said("Observando"), 300, "the first build and the watch did not start", output)
        page = out / "zendesk.md"
        assert page.is_file() and "Página editada agora" not in page.read_text(encoding="utf-8")
        output.clear()

        source = repo / "docs" / "zendesk.md"
        source.write_text(source.read_text(encoding="utf-8") + "\nPágina editada agora.\n", encoding="utf-8")
        edited = lambda: "Página editada agora" in page.read_text(encoding="utf-8")  # noqa: E731
        wait_for(edited, 120, "the edited page did not reach the output", output)
        wait_for(lambda: said("arquivo(s) atualizado(s)"), 30, "the rebuild was not reported", output)

        guidelines = repo / "decision_tree" / "guidelines.yml"
        good = guidelines.read_text(encoding="utf-8")
        output.clear()
        guidelines.write_text(good + "\n: [\n", encoding="utf-8")
        wait_for(lambda: said("nada foi gravado"), 120, "a broken source was not reported", output)
        assert process.poll() is None, "the watch stopped on a broken source"  # keeps watching: the next save may fix it
        assert "Traceback" not in "".join(output)
        guidelines.write_text(good, encoding="utf-8")
        wait_for(lambda: said("nada mudou") or said("atualizado(s)"), 120, "the fixed source did not rebuild", output)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
