#!/usr/bin/env bash
# Re-pin the Python dependencies after changing pyproject.toml: builds two throwaway virtualenvs from
# pyproject.toml (production, and with the [local,test] extras) and writes requirements/*.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PYTHON" -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --upgrade pip
header="# Pinned Python dependencies, generated from pyproject.toml by scripts/lock.sh. Do not edit by hand."
"$tmp/venv/bin/pip" install --quiet .
{ echo "$header"; echo "# The production image installs exactly these (no test or local-run tools).";
  "$tmp/venv/bin/pip" freeze --exclude-editable | grep -v '^absolutt'; } > requirements/production.lock
"$tmp/venv/bin/pip" install --quiet ".[local,test]"
{ echo "$header"; echo "# scripts/setup.sh installs exactly these: production's, plus the [local] and [test] extras.";
  "$tmp/venv/bin/pip" freeze --exclude-editable | grep -v '^absolutt'; } > requirements/development.lock
echo "Wrote requirements/production.lock and requirements/development.lock"
