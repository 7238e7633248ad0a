# The two commands of the README's quick start: `make serve` and `make test`.
.PHONY: setup serve build test test-fast lint bench validate lock docs zensical-check

setup:
	scripts/setup.sh

# The site's pages and assets as files in site-src/ (the docs_dir of mkdocs.yml), from docs/ and the YAML.
docs: setup
	.venv/bin/python -m decision_tree build-docs

# build-docs keeps site-src/ in step with docs/, the YAML and the templates while mkdocs serves it.
serve: docs
	.venv/bin/python -m decision_tree build-docs --watch & trap 'kill $$!' EXIT; \
	NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs serve --strict -a 127.0.0.1:8000

# Both sites: the analysts' (site/) and the clients' (site-clientes/, only what the YAML marks `visibility: public`).
build: docs
	NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict
	.venv/bin/python -m decision_tree check-site site
	.venv/bin/python -m decision_tree build-docs --audience clientes
	NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict -f mkdocs.clientes.yml
	.venv/bin/python -m decision_tree check-site --audience clientes site-clientes

# Do MkDocs and Zensical (Material's successor) build the same working sites (analysts' and clients'), at the root and under a sub-path?
# Links, CSP, the pages in Chromium under each site's published nginx; exits 1 on any problem (blocking in CI).
zensical-check: export NO_MKDOCS_2_WARNING = 1
zensical-check:
	scripts/setup.sh --test
	.venv/bin/python scripts/zensical_check.py $(ARGS)

validate: setup
	.venv/bin/python -m decision_tree validate

lint: setup
	.venv/bin/ruff check .

test: export NO_MKDOCS_2_WARNING = 1
test:
	scripts/setup.sh --test
	.venv/bin/ruff check .
	.venv/bin/python -m pytest -n 2 -q

# Build, serve with nginx and the Hospedagem page's file, measure in Chromium (bench/README.md): prints every target
# of issue #26 beside its measured value, writes bench/results.json and docs/desempenho.md. About 7 minutes.
bench:
	scripts/setup.sh --test
	.venv/bin/python bench/run.py

# Rewrite the hash-pinned locks requirements/*.txt from pyproject.toml (scripts/lock.py; needs PyPI).
# ARGS="--upgrade-package NAME" or ARGS=--upgrade also move transitive packages to newer versions.
lock:
	$(or $(wildcard .venv/bin/python),$(wildcard $(HOME)/.pyenv/versions/3.12.1/bin/python),python3) scripts/lock.py $(ARGS)
