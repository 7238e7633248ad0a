# The two commands of the README's quick start: `make serve` and `make test`.
.PHONY: setup serve build test test-fast lint bench validate lock

setup:
	scripts/setup.sh

serve: setup
	NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs serve --strict -a 127.0.0.1:8000

build: setup
	NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict

validate: setup
	.venv/bin/python -m decision_tree validate

lint: setup
	.venv/bin/ruff check .

test: export NO_MKDOCS_2_WARNING = 1
test:
	scripts/setup.sh --test
	.venv/bin/ruff check .
	.venv/bin/python -m pytest -n 2 -q

bench: setup
	.venv/bin/python bench/run.py

# Rewrite the hash-pinned locks requirements/*.txt from pyproject.toml (scripts/lock.py; needs PyPI).
# ARGS="--upgrade-package NAME" or ARGS=--upgrade also move transitive packages to newer versions.
lock:
	$(or $(wildcard .venv/bin/python),$(wildcard $(HOME)/.pyenv/versions/3.12.1/bin/python),python3) scripts/lock.py $(ARGS)
