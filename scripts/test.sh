#!/usr/bin/env bash
# README command 2: set up from nothing and run every test. Extra arguments go to pytest.
# Tests that need PostgreSQL (DATABASE_URL), Redis (REDIS_URL) or Chromium skip when those are missing,
# and fail instead when CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DJANGO_SETTINGS_MODULE=absolutt.settings.test
.venv/bin/python manage.py collectstatic --noinput --verbosity 0
exec .venv/bin/python -m pytest "$@"
