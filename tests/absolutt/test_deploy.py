"""Deployment checks that need neither a database nor Docker: the production settings pass
``manage.py check --deploy`` and refuse to load without their required variables, and
docker-compose.yml defines every service with a health check (and validates, where docker-compose is
installed)."""

import os
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent
COMPOSE_FILE = BASE_DIR / "docker-compose.yml"
SERVICES = ("db", "redis", "web", "worker", "beat")
CI = os.environ.get("CI", "").lower() == "true"

# base.py loads a `.env` from the project folder when there is one. A developer's .env (for example
# one with DJANGO_SECURE_SSL_REDIRECT=false for a local trial) must not change what these tests see,
# so manage.py runs with that loading switched off.
RUN_MANAGE_WITHOUT_DOTENV = (
    "import runpy, sys, environ\n"
    "environ.Env.read_env = staticmethod(lambda *args, **kwargs: None)\n"
    "sys.argv = sys.argv[1:]\n"
    "runpy.run_path(sys.argv[0], run_name='__main__')\n"
)

# Passed through from the test process; everything else the settings read is set explicitly.
PASS_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "VIRTUAL_ENV")


def production_env(**overrides: str | None) -> dict[str, str]:
    """A clean environment for the production settings with sensible values for the required
    variables. An override of ``None`` removes that variable."""
    env = {name: os.environ[name] for name in PASS_THROUGH if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="absolutt.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),  # 67 characters
        DJANGO_ALLOWED_HOSTS="absolutt.example.no",
        SITE_URL="https://absolutt.example.no",
        DATABASE_URL="postgres://u:p@localhost/db",
        EMAIL_URL="smtp://localhost:25",
        # As in docker-compose.yml; also keeps the settings from creating the filesystem-broker
        # folders under var/. Nothing connects to it.
        REDIS_URL="redis://localhost:6379/0",
        PYTHONDONTWRITEBYTECODE="1",
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", RUN_MANAGE_WITHOUT_DOTENV, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# --- Production settings -------------------------------------------------------------------------


def test_production_settings_pass_check_deploy():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in result.stdout, output
    assert "warning" not in output.lower(), output


PRODUCTION_REQUIRED = ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "EMAIL_URL", "SITE_URL"]


@pytest.mark.parametrize("variable", PRODUCTION_REQUIRED)
def test_production_settings_refuse_to_load_without_required_variable(variable):
    result = run_manage("check", env=production_env(**{variable: None}))
    assert result.returncode != 0, result.stdout + result.stderr
    assert "ImproperlyConfigured" in result.stderr, result.stderr
    assert variable in result.stderr, result.stderr


# --- docker-compose.yml ----------------------------------------------------------------------------

# Variables docker-compose.yml requires (${NAME:?message}), with values for `docker-compose config`.
COMPOSE_REQUIRED = {
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "absolutt.example.no",
    "SITE_URL": "https://absolutt.example.no",
    "EMAIL_URL": "smtp://localhost:25",
    "POSTGRES_PASSWORD": "compose-config-test",
}


def compose_services() -> dict[str, str]:
    """Service name -> the text of its block under the top-level ``services:`` key."""
    services: dict[str, list[str]] = {}
    current = None
    in_services = False
    for line in COMPOSE_FILE.read_text(encoding="utf-8").splitlines():
        if re.match(r"^\S", line):  # a top-level key (or a comment at column 0)
            if not line.startswith("#"):
                in_services = line.rstrip() == "services:"
                current = None
            continue
        if not in_services:
            continue
        match = re.match(r"^  ([A-Za-z0-9][\w.-]*):\s*$", line)
        if match:
            current = match.group(1)
            services[current] = []
        elif current is not None:
            services[current].append(line)
    return {name: "\n".join(lines) for name, lines in services.items()}


def test_compose_defines_every_service_with_a_healthcheck():
    try:
        import yaml
    except ImportError:
        yaml = None

    if yaml is not None:
        services = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))["services"]
        for name in SERVICES:
            assert name in services, f"service {name!r} missing"
            assert services[name].get("healthcheck", {}).get("test"), f"service {name!r} has no healthcheck"
        tests = {name: services[name]["healthcheck"]["test"] for name in ("web", "worker")}
        web_check, worker_check = (t if isinstance(t, str) else " ".join(t) for t in tests.values())
    else:
        services = compose_services()
        for name in SERVICES:
            assert name in services, f"service {name!r} missing"
            block = services[name]
            assert re.search(r"^    healthcheck:\s*$", block, re.M), f"service {name!r} has no healthcheck"
            assert re.search(r"^      test:", block, re.M), f"service {name!r} healthcheck has no test"
        web_check, worker_check = services["web"], services["worker"]

    assert "/helse/" in web_check
    assert "inspect ping" in worker_check


def test_compose_uses_production_settings_and_waits_for_healthy_services():
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert "DJANGO_SETTINGS_MODULE: absolutt.settings.production" in text
    assert "condition: service_healthy" in text
    assert "migrate --noinput" in compose_services()["web"]
    for variable in COMPOSE_REQUIRED:
        assert "${" + variable + ":?" in text, f"{variable} should be required (${{{variable}:?...}})"


# --- docker-compose config ---------------------------------------------------------------------------


def docker_compose() -> str:
    binary = shutil.which("docker-compose")
    if binary is None:
        message = "docker-compose is not installed"
        if CI:
            pytest.fail(message + " (CI=true)")
        pytest.skip(message)
    return binary


def run_compose_config(binary: str, env_file: Path, **variables: str) -> subprocess.CompletedProcess:
    env = {name: os.environ[name] for name in PASS_THROUGH if name in os.environ}
    env.update(variables)
    # An empty --env-file keeps a developer's .env out of the result.
    return subprocess.run(
        [binary, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config", "-q"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def empty_env_file(tmp_path) -> Path:
    path = tmp_path / "empty.env"
    path.write_text("")
    return path


def test_compose_config_is_valid(empty_env_file):
    result = run_compose_config(docker_compose(), empty_env_file, **COMPOSE_REQUIRED)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("variable", sorted(COMPOSE_REQUIRED))
def test_compose_config_names_a_missing_required_variable(empty_env_file, variable):
    variables = {name: value for name, value in COMPOSE_REQUIRED.items() if name != variable}
    result = run_compose_config(docker_compose(), empty_env_file, **variables)
    assert result.returncode != 0, result.stdout + result.stderr
    assert f"set {variable}" in result.stderr, result.stderr


def test_compose_keeps_uploaded_files_on_a_named_volume(empty_env_file):
    """Uploads survive recreating the containers: web, worker and beat mount the "media" volume where the
    settings store them (DJANGO_MEDIA_ROOT); the client address is counted behind the proxy."""
    import yaml

    env = {name: os.environ[name] for name in PASS_THROUGH if name in os.environ}
    env.update(COMPOSE_REQUIRED)
    result = subprocess.run([docker_compose(), "--env-file", str(empty_env_file), "-f", str(COMPOSE_FILE), "config"],
                            cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    assert "media" in config["volumes"]
    for name in ("web", "worker", "beat"):
        service = config["services"][name]
        targets = [v["target"] if isinstance(v, dict) else v.split(":")[1] for v in service.get("volumes", [])]
        assert "/app/media" in targets, name
        assert service["environment"]["DJANGO_MEDIA_ROOT"] == "/app/media"
        assert str(service["environment"]["ALLAUTH_TRUSTED_PROXY_COUNT"]) == "1"
