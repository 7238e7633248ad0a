#!/usr/bin/env bash
# Installs everything the project needs, idempotently:
#   scripts/setup.sh          Python venv (.venv, Python >= 3.12, from requirements/dev.txt) + npm packages
#   scripts/setup.sh --test   the same, plus Debian's Chromium, nginx and openssl for the browser tests
# Re-running is fast: each step is skipped when its inputs have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
[[ "${1:-}" == "--test" ]] && want_browser=1

find_python() {
  for candidate in "${PYTHON:-}" python3.13 python3.12 "$HOME/.pyenv/versions/3.12.1/bin/python" \
                   "$HOME/.pyenv/versions/3.13.0/bin/python" python3 python; do
    [[ -n "$candidate" ]] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  echo "setup: Python 3.12 or newer not found; install it or set PYTHON=/path/to/python3.12" >&2
  return 1
}

# 1. Python packages: requirements/dev.txt pins every one, transitive ones included, with the
#    hashes of its files (`make lock` writes it from pyproject.toml). Wheels only, so nothing is
#    built; then the project itself, without dependencies and without build isolation (its build
#    system, setuptools and wheel, is in the lock): nothing unpinned or unhashed is downloaded.
stamp=".venv/.installed-$(cat pyproject.toml requirements/dev.txt | sha256sum | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
  if [[ ! -x .venv/bin/python ]]; then
    python=$(find_python) || exit 1  # its message is enough: never run "" as a command
    "$python" -m venv .venv
  fi
  echo "setup: installing Python packages into .venv"
  pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
  "${pip[@]}" --require-hashes --only-binary :all: -r requirements/dev.txt
  "${pip[@]}" --no-deps --no-build-isolation -e .
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# 2. npm packages (Pyodide, Mermaid, axe-core), pinned in package-lock.json.
lock_hash=$(sha256sum package-lock.json | cut -c1-16)
if [[ ! -f "node_modules/.installed-$lock_hash" ]]; then
  echo "setup: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "node_modules/.installed-$lock_hash"
fi

# 3. Debian's packages for the browser tests: Chromium (Playwright cannot download one here), and
#    nginx and openssl to serve the site with the Hospedagem page's configuration (tests/conftest.py).
if [[ $want_browser == 1 ]]; then
  missing=()
  [[ -x "${CHROMIUM:-/usr/bin/chromium}" ]] || missing+=(chromium)
  [[ -x "${NGINX:-/usr/sbin/nginx}" ]] || missing+=(nginx)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  if (( ${#missing[@]} )); then
    echo "setup: installing Debian's ${missing[*]}"
    if [[ $(id -u) == 0 ]]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
