#!/usr/bin/env bash
# Shared setup for both README commands: a virtualenv with the Python packages, the npm packages,
# compiled translations. Safe to run again; it only does what is missing or changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
  "$PYTHON" -m venv .venv
fi
# Exactly the pinned versions (requirements/development.lock, made from pyproject.toml by scripts/lock.sh).
stamp=.venv/.installed-$(cat pyproject.toml requirements/development.lock | sha1sum | cut -c1-12)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements/development.lock
  .venv/bin/python -m pip install --quiet --no-deps -e .
  rm -f .venv/.installed-* && touch "$stamp"
fi
if [ ! -d node_modules/bootstrap ] || [ package.json -nt node_modules/.package-lock.json ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
fi
mkdir -p var
.venv/bin/python manage.py compile_translations
