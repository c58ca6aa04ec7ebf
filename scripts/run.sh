#!/usr/bin/env bash
# README command 1: set up from nothing and run the platform (web + Celery worker + Celery beat) with
# demo data. Embedded defaults: SQLite in var/ and a file-system Celery broker; PostgreSQL and Redis are
# used when DATABASE_URL / REDIS_URL are set.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-absolutt.settings.local}
# The demo logins have no authenticator app; two-factor stays required in production settings.
export ABSOLUTT_REQUIRE_MFA_FOR_STAFF=${ABSOLUTT_REQUIRE_MFA_FOR_STAFF:-false}
export PORT=${PORT:-8000} HOST=${HOST:-127.0.0.1}
export SITE_URL=${SITE_URL:-http://${HOST}:${PORT}}  # links in e-mails point at this server
.venv/bin/python manage.py migrate --noinput
if [ -d ../shared/data ]; then
  .venv/bin/python manage.py import_register --csv-dir ../shared/data
fi
.venv/bin/python manage.py load_demo
echo
echo "Absolutt runs at http://${HOST}:${PORT}/  (Ctrl-C stops web, worker and beat)"
.venv/bin/python manage.py demo_logins
echo
export PATH="$PWD/.venv/bin:$PATH"
exec honcho start -f Procfile
