"""Commands as the README writes them work in a checkout without DEBUG or SECRET_KEY, reading the local env
file; without that file they stop with one clear line instead of a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Variables that would point the command elsewhere than a fresh checkout's defaults.
UNSET = {
    "DEBUG",
    "SECRET_KEY",
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_TASK_ALWAYS_EAGER",
    "CACHE_URL",
    "DATA_DIR",
    "LOCAL_ENV_FILE",
}


def manage(*args: str, env_file: Path, data_dir: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in UNSET}
    env.update(LOCAL_ENV_FILE=str(env_file), DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    """A checkout after `make setup-demo`: the env file with a generated key, and a migrated database."""
    folder = tmp_path_factory.mktemp("checkout")
    env_file = folder / ".env.local"
    env_file.write_text("SECRET_KEY=generated-for-this-checkout-0123456789-abcdefghijklmnopqrstuvwxyz\n")
    data_dir = folder / "var"
    migrated = manage("migrate", "--no-input", env_file=env_file, data_dir=data_dir)
    assert migrated.returncode == 0, migrated.stderr
    return env_file, data_dir


def test_commands_work_with_the_local_env_file(checkout):
    env_file, data_dir = checkout
    helped = manage("serve", "--help", env_file=env_file, data_dir=data_dir)
    assert helped.returncode == 0, helped.stderr
    assert "--addr" in helped.stdout
    admin = manage("ensure_admin", env_file=env_file, data_dir=data_dir)
    assert admin.returncode == 0, admin.stderr
    token = manage("drf_create_token", "admin", "--name", "readme", env_file=env_file, data_dir=data_dir)
    assert token.returncode == 0, token.stderr
    assert len(token.stdout.strip()) >= 40
    assert "Traceback" not in token.stderr


def test_the_environment_wins_over_the_file(checkout, tmp_path):
    env_file, data_dir = checkout
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    env = {key: value for key, value in os.environ.items() if key not in UNSET}
    env.update(LOCAL_ENV_FILE=str(env_file), DATA_DIR=str(data_dir), SECRET_KEY="from-the-environment")
    env["DJANGO_SETTINGS_MODULE"] = "assessor.settings"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "from-the-environment", result.stderr


@pytest.mark.parametrize("command", [["serve", "--help"], ["drf_create_token", "admin"], ["collect", "--all"]])
def test_without_the_file_a_missing_secret_is_one_clear_line(command, tmp_path):
    result = manage(*command, env_file=tmp_path / "absent.env", data_dir=tmp_path / "var")
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "SECRET_KEY must be set" in lines[0]
    assert "make setup-demo" in lines[0]
