"""What an editor sees when the YAML sources are broken: `file:line: what is wrong; how to fix it`.

Each file in tests/fixtures/invalid/ is one broken case (see the README there):
its `# expect: <path>:<line>: <message>` header lines say what `validate` must
report, and `# target:` where a macro case goes. A case runs on a copy of the
repository's sources (the real macros and the guideline text, decision_tree/diretriz.txt)
in which decision_tree/guidelines.yml is the small valid base--guidelines.yml (or the
broken guidelines of a case: the base patched by its guidelines--<case>.diff).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from engine_helpers import GUIDELINE_TEXT, GUIDELINES, SMALL, source_root
from fixtures.invalid.cases import case_text
from jsonschema import Draft202012Validator

from decision_tree.sources.loader import SourceError, read_sources
from decision_tree.sources.validate import validate

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "invalid"
BASE = SMALL
MESSAGE = re.compile(r"^[^:]+:\d+: .+; .+$")


@dataclass(frozen=True)
class Case:
    file: Path
    target: str
    expects: tuple[tuple[str, int, str], ...]

    @property
    def name(self) -> str:
        return self.file.stem

    @property
    def text(self) -> str:
        """The broken source: a macro case's file as it is, a guidelines case's patch applied to the base."""
        return case_text(self.file) if self.file.suffix == ".diff" else self.file.read_text(encoding="utf-8")


def parse_case(file: Path) -> Case:
    expects, target = [], GUIDELINES
    for line in file.read_text(encoding="utf-8").splitlines():
        if m := re.fullmatch(r"# expect: ([^:]+):(\d+): (.+)", line):
            expects.append((m[1], int(m[2]), m[3]))
        elif m := re.fullmatch(r"# target: (\S+)", line):
            target = m[1]
    return Case(file, target, tuple(expects))


CASES = [parse_case(f) for f in sorted([*FIXTURES.glob("macro--*.yml"), *FIXTURES.glob("guidelines--*.diff")])]


def make_root(tmp: Path, *cases: Case) -> Path:
    """A copy of the repository's sources, on the base guidelines, with `cases` dropped in."""
    source_root(tmp)
    for case in cases:
        (tmp / case.target).write_text(case.text, encoding="utf-8")
    return tmp


def messages(root: Path) -> list[str]:
    try:
        sources = read_sources(root)
    except SourceError as exc:
        return exc.messages
    return validate(sources)


def assert_reported(found: list[str], path: str, line: int, text: str) -> None:
    hits = [m for m in found if m.startswith(f"{path}:{line}: ") and text in m]
    assert hits, f"expected {path}:{line}: …{text}… among:\n" + "\n".join(found)


def test_the_corpus_covers_at_least_88_cases() -> None:
    assert len(CASES) >= 88
    for case in CASES:
        assert case.expects, f"{case.file.name} has no '# expect:' line"
        prefix = case.name.split("--")[0]
        assert prefix in ("guidelines", "macro"), f"{case.file.name}: name it guidelines--<case>.diff or macro--<case>.yml"
        assert (case.target == GUIDELINES) == (prefix == "guidelines"), f"{case.file.name}: wrong or missing '# target:'"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_broken_case_reports_file_line_and_fix(case: Case, tmp_path: Path) -> None:
    found = messages(make_root(tmp_path, case))
    for path, line, text in case.expects:
        assert_reported(found, path, line, text)
    for message in found:
        assert MESSAGE.match(message), f"not `path:line: what is wrong; how to fix it`: {message!r}"


def test_the_committed_sources_are_valid() -> None:
    assert validate(read_sources(ROOT)) == []


def test_the_base_of_the_corpus_is_valid(tmp_path: Path) -> None:
    assert messages(make_root(tmp_path)) == []


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    by_name = {c.name: c for c in CASES}
    broken = [by_name["guidelines--dangling-audience"], by_name["macro--unreferenced"]]
    found = messages(make_root(tmp_path, *broken))
    for case in broken:
        for path, line, text in case.expects:
            assert_reported(found, path, line, text)


def test_the_semantic_checks_wait_for_the_schema(tmp_path: Path) -> None:
    # a schema error anywhere: the references are not checked on broken data
    by_name = {c.name: c for c in CASES}
    found = messages(make_root(tmp_path, by_name["guidelines--dangling-audience"], by_name["macro--schema-status"]))
    assert len(found) == 1 and found[0].startswith("macros/telefonica-ticket-pendente.yml:")


def test_a_missing_guideline_text_is_reported(tmp_path: Path) -> None:
    root = make_root(tmp_path)
    (root / GUIDELINE_TEXT).unlink()
    assert_reported(messages(root), GUIDELINE_TEXT, 1, "the original guideline is missing or not UTF-8; restore it")


def test_a_contradiction_is_reported_once_not_once_per_path(tmp_path: Path) -> None:
    # the clash is on three paths (one per audience after it): one message, with the first path
    found = messages(make_root(tmp_path, next(c for c in CASES if c.name == "guidelines--contradicting-criteria")))
    assert len([m for m in found if "contradicts" in m]) == 1


@pytest.mark.parametrize("name", ["guidelines.schema.json", "macro.schema.json", "provenance.schema.json"])
def test_the_schemas_are_draft_2020_12_with_descriptions(name: str) -> None:
    schema = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["description"]
    if name == "provenance.schema.json":
        # definitions shared by the other schemas ($ref), not the schema of a file
        assert "additionalProperties" not in schema and {"source", "local", "text"} <= schema["$defs"].keys()
        assert schema["$defs"]["source"]["description"]
    else:
        assert schema["additionalProperties"] is False


def test_every_source_references_its_schema_for_the_editor() -> None:
    files = [(ROOT / GUIDELINES, "guidelines.schema.json")]
    files += [(f, "macro.schema.json") for f in sorted((ROOT / "macros").glob("*.yml"))]
    for file, schema in files:
        first = file.read_text(encoding="utf-8").splitlines()[0]
        m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert m, f"{file.relative_to(ROOT)}: line 1 must reference its schema"
        assert (file.parent / m[1]).resolve() == ROOT / "schemas" / schema


def run_cli(root: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "decision_tree", "--root", str(root), "validate"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.cli
def test_cli_validate_passes_on_the_repository() -> None:
    result = run_cli(ROOT)
    assert result.returncode == 0, result.stderr
    assert "Fontes válidas." in result.stdout and result.stderr == ""


@pytest.mark.cli
@pytest.mark.parametrize("name", ["guidelines--cycle", "guidelines--syntax-indentation", "macro--unknown-audience"])
def test_cli_validate_fails_with_file_and_line(name: str, tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == name)
    result = run_cli(make_root(tmp_path, case))
    assert result.returncode == 2
    assert result.stdout == ""
    for path, line, text in case.expects:
        assert f"{path}:{line}: " in result.stderr and text in result.stderr


def test_a_case_patch_that_no_longer_fits_the_base_says_where(tmp_path: Path) -> None:
    from fixtures.invalid.cases import PatchError

    stale = tmp_path / "guidelines--stale.diff"
    stale.write_text("# expect: x\n--- base--guidelines.yml\n+++ guidelines--stale.yml\n@@ -3,2 +3,2 @@\n-title: Outro título\n"
                     "+title: Novo\n", encoding="utf-8")
    with pytest.raises(PatchError, match=r"^guidelines--stale\.diff:5: this line is not line 3 of base--guidelines\.yml"):
        case_text(stale)
