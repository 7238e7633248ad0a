"""A redeploy never breaks a returning visitor's snapshot (issue 21, item 4).

The snapshot's bytes differ between two clean builds of the same sources, and its slices are served
`immutable`. The test deploys the session's site behind the real nginx, visits the wizard (the
slices go into the browser's cache), then deploys a second build made from a clean clone (no
`.cache/`: Node runs again, as in CI) at the same address and visits again in the same browser
context: the wizard must still restore from the snapshot (before the fix, the cached slices of the
first build failed the new integrity check and the wizard fell back to the slow start).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CSP_LISTENER, build_site, published
from test_build_out import scratch_repo
from test_snapshot_browser import answers_the_first_question, started

from decision_tree.sitegen.local_nginx import LocalNginx

pytestmark = pytest.mark.xdist_group("snapshot_browser")


def slices(site: Path) -> dict[str, str]:
    manifest = json.loads((site / "assets" / "pyodide" / "engine.json").read_text(encoding="utf-8"))
    return {s["file"]: s["integrity"] for s in manifest["snapshot"]["slices"]}


def deploy(site: Path, root: Path) -> None:
    """Replace what the server serves by `site`, as a deployment does (the same address)."""
    for entry in root.iterdir():
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    shutil.copytree(site, root, dirs_exist_ok=True)


def test_a_returning_visitor_still_restores_the_snapshot_after_a_redeploy(browser, certificate, site_dir: Path,  # type: ignore[no-untyped-def]
                                                                          tmp_path: Path) -> None:
    served = tmp_path / "served"
    shutil.copytree(site_dir, served)
    with LocalNginx(served, published(), tmp_path / "nginx", certificate=certificate) as nginx:
        context = browser.new_context(locale="pt-BR", base_url=nginx.url)
        context.add_init_script(CSP_LISTENER)
        problems: list[str] = []
        context.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        try:
            page = context.new_page()
            assert started(page) == {"mode": "snapshot", "reason": ""}
            answers_the_first_question(page)
            page.wait_for_timeout(1000)  # the standard library written after "ready"
            page.goto("about:blank")

            repo = tmp_path / "clean-clone"
            scratch_repo(repo)
            shutil.rmtree(repo / ".cache", ignore_errors=True)  # CI builds from a clean clone
            rebuilt = tmp_path / "site-2"
            result = build_site(repo, rebuilt)
            assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
            before, after = slices(served), slices(rebuilt)
            # The situation under test: the same sources, other bytes (if a build ever made them identical,
            # this test must build different bytes another way).
            assert before != after and list(before.values()) != list(after.values())
            deploy(rebuilt, served)

            assert started(page) == {"mode": "snapshot", "reason": ""}, problems
            answers_the_first_question(page)
            assert not [p for p in problems if "decision_tree" in p or "CSP" in p], problems
        finally:
            context.close()
