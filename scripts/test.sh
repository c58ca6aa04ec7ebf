#!/usr/bin/env bash
# README command 2: set up from nothing and run every test. Extra arguments go to pytest.
# Tests that need PostgreSQL (DATABASE_URL), Redis (REDIS_URL) or Chromium skip when those are missing,
# and fail instead when CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DJANGO_SETTINGS_MODULE=absolutt.settings.test
# Style and types before the tests (the import contracts run inside the suite: tests/absolutt/test_architecture.py).
.venv/bin/ruff check .
.venv/bin/mypy absolutt/access.py $(ls absolutt/*/services.py absolutt/*/selectors.py */services.py */selectors.py 2>/dev/null | sort -u)
.venv/bin/python manage.py collectstatic --noinput --verbosity 0
exec .venv/bin/python -m pytest "$@"
