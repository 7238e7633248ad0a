"""Every third-party package is declared, pinned, and locked with its hashes.

- Each module decision_tree/ imports from outside the standard library belongs to a
  package pinned (`==`) in an extra of pyproject.toml: the `cli` extra for what the
  command line imports (followed from decision_tree/cli.py, __main__.py and
  zendesk.py, imports inside functions included), `cli` or `build` for the rest;
  the tests and the benchmark may also use `test`.
- requirements/<lock>.txt pins every package of its extras (and the build system)
  at the version pyproject.toml says, every entry with `--hash` lines, and the
  locks agree with each other. `make lock` rewrites them (scripts/lock.py).
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "decision_tree"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCKS = {"cli": ["cli"], "build": ["build"], "dev": ["dev"]}  # requirements/<name>.txt -> extras it locks
CLI_ENTRIES = ["__main__.py", *sorted(f"{sub}/{p.name}" for sub in ("cli", "zendesk") for p in (PACKAGE / sub).glob("*.py"))]
REQUIREMENT = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[([^\]]+)\])?\s*(?:==\s*([^\s;]+))?")


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(requirement: str) -> tuple[str, list[str], str | None]:
    m = REQUIREMENT.match(requirement)
    assert m, requirement
    return norm(m[1]), [norm(e) for e in (m[2] or "").split(",") if e.strip()], m[3]


def declared(*extras: str) -> dict[str, str | None]:
    """Package -> pinned version for `extras`, following `decision-tree[...]` references."""
    out: dict[str, str | None] = {}
    todo, seen = [norm(e) for e in extras], set()
    groups = {norm(k): v for k, v in PYPROJECT["project"]["optional-dependencies"].items()}
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for requirement in groups[extra]:
            name, sub, version = parse(requirement)
            if name == norm(PYPROJECT["project"]["name"]):
                todo += sub
            else:
                out[name] = version
    return out


def build_system() -> dict[str, str | None]:
    return {name: version for name, _, version in map(parse, PYPROJECT["build-system"]["requires"])}


# -- imports --------------------------------------------------------------------------
def imports(file: Path) -> tuple[set[str], set[str]]:
    """(top-level third-party modules, decision_tree modules) that `file` imports, anywhere in it."""
    tree = ast.parse(file.read_text(encoding="utf-8"), str(file))
    package = ".".join(file.relative_to(ROOT).with_suffix("").parts[:-1])
    outside, inside = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the file's package
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top == "decision_tree":
                inside.add(name)
            elif top and top not in sys.stdlib_module_names and top != "__future__":
                outside.add(top)
    return outside, inside


def module_file(name: str) -> Path | None:
    path = ROOT.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def closure(entries: list[Path], outside: Path | None = None) -> set[Path]:
    """The decision_tree files that `entries` import, directly or not (not following into `outside`)."""
    seen, todo = set(), list(entries)
    while todo:
        file = todo.pop()
        if file in seen or (outside and file.is_relative_to(outside)):
            continue
        seen.add(file)
        todo += [f for name in imports(file)[1] if (f := module_file(name))]
    return seen


@cache
def distributions() -> dict[str, list[str]]:
    return {module: [norm(d) for d in dists] for module, dists in packages_distributions().items()}


def undeclared(files: set[Path], allowed: dict[str, str | None]) -> list[str]:
    problems = []
    for file in sorted(files):
        for module in sorted(imports(file)[0]):
            dists = distributions().get(module)
            if not dists:
                problems.append(f"{file.relative_to(ROOT)}: imports '{module}', which no installed package provides")
            elif not set(dists) & allowed.keys():
                problems.append(f"{file.relative_to(ROOT)}: imports '{module}' (package {', '.join(dists)}), not declared")
    return problems


def test_the_import_scan_sees_what_the_package_uses() -> None:
    found = set().union(*(imports(f)[0] for f in PACKAGE.rglob("*.py")))
    assert {"yaml", "jsonschema", "markdown", "mkdocs", "babel", "pyodide_lock"} <= found


def test_what_the_command_line_imports_is_in_the_cli_extra() -> None:
    # build-docs and check-site (cli/site.py) build the site: what they import is the `build` extra's.
    files = closure([PACKAGE / name for name in CLI_ENTRIES], outside=PACKAGE / "sitegen")
    assert PACKAGE / "sources" / "loader.py" in files and PACKAGE / "sources" / "validate.py" in files
    problems = undeclared(files, declared("cli"))
    assert not problems, "declare these in the `cli` extra of pyproject.toml, then run `make lock`:\n" + "\n".join(problems)


def test_what_the_package_imports_is_in_the_cli_or_build_extra() -> None:
    problems = undeclared(set(PACKAGE.rglob("*.py")), declared("cli", "build"))
    assert not problems, "declare these in the `build` extra of pyproject.toml, then run `make lock`:\n" + "\n".join(problems)


def test_what_the_tests_and_the_benchmark_import_is_declared() -> None:
    local = {p.stem for p in [*(ROOT / "tests").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]} | {"fixtures"}
    files = {f for f in [*(ROOT / "tests").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]}
    problems = [p for p in undeclared(files, declared("dev")) if not any(f"'{m}'" in p for m in local)]
    assert not problems, "declare these in the `test` extra of pyproject.toml, then run `make lock`:\n" + "\n".join(problems)


# -- pins and locks -------------------------------------------------------------------
def test_every_declared_package_is_pinned_exactly() -> None:
    for name, version in {**declared("dev"), **build_system()}.items():
        assert version, f"pyproject.toml: pin {name} with == (the locks keep every version identical)"


def read_lock(name: str) -> dict[str, tuple[str, list[str]]]:
    """requirements/<name>.txt: package -> (version, hashes)."""
    text = (ROOT / "requirements" / f"{name}.txt").read_text(encoding="utf-8")
    entries: dict[str, tuple[str, list[str]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        m = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", block)
        if m:
            entries[norm(m[1])] = (m[2], re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
        else:
            assert all(line.startswith("#") or not line.strip() for line in block.splitlines()), f"{name}.txt: {block[:80]!r}"
    return entries


@pytest.mark.parametrize("lock", list(LOCKS))
def test_each_lock_pins_its_extras_and_the_build_system_with_hashes(lock: str) -> None:
    entries = read_lock(lock)
    for package, (version, hashes) in entries.items():
        assert hashes, f"requirements/{lock}.txt: {package}=={version} has no --hash line; run `make lock`"
    for package, version in {**declared(*LOCKS[lock]), **build_system()}.items():
        assert package in entries, f"requirements/{lock}.txt lacks {package}; run `make lock`"
        assert entries[package][0] == version, (f"requirements/{lock}.txt has {package}=={entries[package][0]}, "
                                                f"pyproject.toml {version}; run `make lock`")


def test_the_locks_agree_with_each_other() -> None:
    dev = read_lock("dev")
    for lock in LOCKS:
        for package, (version, _) in read_lock(lock).items():
            assert dev.get(package, (version,))[0] == version, f"{lock}.txt and dev.txt pin {package} differently; run `make lock`"
        assert read_lock(lock).keys() <= dev.keys(), f"{lock}.txt has packages dev.txt lacks; run `make lock`"


def test_setup_installs_only_from_the_lock() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert re.search(r"--require-hashes --only-binary :all: -r requirements/dev\.txt", setup)
    assert re.search(r"--no-deps --no-build-isolation -e \.", setup)
    assert "'.[dev]'" not in setup and "requirements/dev.txt" in setup.split("stamp=", 1)[1].splitlines()[0]
