"""Settings read from the environment, checked in fresh interpreters so each starts clean."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_with_env(code: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        # A checkout's own .env.local (a generated SECRET_KEY) must not fill in what a test leaves unset.
        env={**base, "DJANGO_SETTINGS_MODULE": "assessor.settings", "LOCAL_ENV_FILE": str(ROOT / "no-such.env"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_secret_key_is_required_when_debug_is_off():
    result = run_with_env("import django; django.setup()")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_defaults_are_sqlite_and_the_embedded_broker(tmp_path):
    code = "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.DEBUG)"
    result = run_with_env(code, SECRET_KEY="x", DATA_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    engine, broker, debug = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert broker == f"sqla+sqlite:///{tmp_path}/celery-broker.sqlite3"
    assert debug == "False"


def test_database_and_broker_urls_select_postgresql_and_redis():
    code = (
        "from django.conf import settings as s; db = s.DATABASES['default']; print(db['ENGINE'], db['NAME'], s.CELERY_BROKER_URL)"
    )
    result = run_with_env(
        code,
        SECRET_KEY="x",
        DATABASE_URL="postgres://u:p@127.0.0.1:5432/assess",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "assess", "redis://127.0.0.1:6379/3"]


def test_a_bad_number_is_reported_by_name():
    result = run_with_env("import django; django.setup()", SECRET_KEY="x", SECURE_HSTS_SECONDS="a year")
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS must be a whole number" in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}},
            "DJANGO_SETTINGS_MODULE": "assessor.settings",
            "SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-value-0123456789",
            "ALLOWED_HOSTS": "assess.example.com",
            "SECURE_COOKIES": "1",
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_HSTS_SECONDS": "31536000",
            "SECURE_HSTS_PRELOAD": "1",
            "CACHE_URL": "redis://127.0.0.1:6379/1",
            "DATA_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_missing_data_directory_is_created(tmp_path):
    data_dir = tmp_path / "fresh" / "var"
    result = run_with_env("import django; django.setup()", SECRET_KEY="x", DATA_DIR=str(data_dir))
    assert result.returncode == 0, result.stderr
    assert data_dir.is_dir()


def test_sign_in_limits_of_zero_are_refused_by_name():
    result = run_with_env("import django; django.setup()", SECRET_KEY="x", LOGIN_FAILURE_WINDOW="0")
    assert result.returncode != 0
    assert "LOGIN_FAILURE_WINDOW must be 1 or more" in result.stderr


def test_sign_in_settings_reach_django_axes():
    code = (
        "from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), s.TRUSTED_PROXY_COUNT)"
    )
    result = run_with_env(code, SECRET_KEY="x", LOGIN_MAX_FAILURES="7", LOGIN_FAILURE_WINDOW="120", BEHIND_TLS_PROXY="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["7", "120.0", "1"]
