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
if ! .venv/bin/python -c 'import socket, sys, os
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((os.environ["HOST"], int(os.environ["PORT"])))
except OSError:
    sys.exit(1)'; then
  echo "Port ${PORT} on ${HOST} is taken by another program. Stop it, or choose another port:" >&2
  echo "    PORT=$((PORT + 1)) bash scripts/run.sh" >&2
  exit 1
fi
.venv/bin/python manage.py migrate --noinput
# The 2024 register ships with the project (municipalities/data/register-2024); idempotent.
.venv/bin/python manage.py import_register
.venv/bin/python manage.py load_demo
echo
echo "Absolutt runs at http://${HOST}:${PORT}/  (Ctrl-C stops web, worker and beat)"
.venv/bin/python manage.py demo_logins
echo
export PATH="$PWD/.venv/bin:$PATH"
exec honcho start -f Procfile
