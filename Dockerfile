# syntax=docker/dockerfile:1
#
# Image for the Absolutt platform. One image runs all three processes:
#   web    - gunicorn absolutt.wsgi:application (the default CMD)
#   worker - celery -A absolutt worker
#   beat   - celery -A absolutt beat
# See docker-compose.yml and .env.example for the runtime configuration. No secrets are baked in:
# the values used during the build below are throwaway placeholders and are not kept in the image.

# --- Stage 1: front-end packages from npm (served by Django staticfiles from node_modules) -------
FROM node:20-slim AS frontend
WORKDIR /build
# package-lock.json is optional: the wildcard lets the COPY succeed without it.
COPY package.json package-lock.json* ./
RUN if [ -f package-lock.json ]; then npm ci --omit=dev; else npm install --omit=dev; fi \
    && npm cache clean --force

# --- Stage 2: Python dependencies in a virtualenv, the pinned versions only (cached layer) ----------
FROM python:3.11-slim AS python-deps
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /build
# pyproject.toml declares `packages = []`, so `pip install .` installs only the dependencies (plus an
# empty "absolutt" distribution); the code itself is copied into /app below. README.md is optional.
COPY pyproject.toml requirements/production.lock README.m[d] ./
RUN pip install -r production.lock && pip install --no-deps . && rm -rf /build

# --- Stage 3: runtime ----------------------------------------------------------------------------
FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=absolutt.settings.production

RUN groupadd --system --gid 10001 absolutt \
    && useradd --system --uid 10001 --gid absolutt --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin absolutt

COPY --from=python-deps /opt/venv /opt/venv

WORKDIR /app
# Code and node_modules stay owned by root: the application user can read but not change them.
COPY . .
COPY --from=frontend /build/node_modules ./node_modules

# Compile translations (.po -> .mo) and collect static files into var/staticfiles. The production
# settings need these variables to load; they are placeholders for the build only (nothing connects
# to them) and exist only in this RUN step's environment, not in the image's. REDIS_URL is set so
# that the settings do not create the filesystem-broker folders under var/.
# var/ is the only place the application writes: var/beat holds the Celery beat schedule (a volume
# in docker-compose.yml); uploaded files go to /app/media (DJANGO_MEDIA_ROOT, the "media" volume).
RUN DJANGO_SECRET_KEY=build-only-placeholder-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    DJANGO_ALLOWED_HOSTS=localhost \
    SITE_URL=https://build.invalid \
    DATABASE_URL=postgres://build:build@localhost:5432/build \
    EMAIL_URL=consolemail:// \
    REDIS_URL=redis://localhost:6379/0 \
    sh -c 'python manage.py compile_translations && python manage.py collectstatic --noinput' \
    && mkdir -p var/beat var/media /app/media \
    && chown absolutt:absolutt var var/beat var/media /app/media

USER absolutt

EXPOSE 8000

# WEB_CONCURRENCY sets the number of gunicorn workers (gunicorn reads it itself; default 1).
# docker-compose.yml runs migrations before starting gunicorn; worker and beat override this CMD.
CMD ["gunicorn", "absolutt.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
