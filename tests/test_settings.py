"""Start-up safeguards and the `kiban` command, run as a newcomer or an operator would run them."""

import os
import subprocess
import sys

import pytest

CHECK = [sys.executable, "-m", "kiban.cli", "check", "--deploy", "--fail-level", "ERROR"]


def _run(env_overrides: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIBAN_")}
    env.update({"KIBAN_DATA_DIR": str(tmp_path), **env_overrides})
    return subprocess.run(CHECK, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"KIBAN_ENV": "production"}, "KIBAN_SECRET_KEY"),
        ({"KIBAN_ENV": "production", "KIBAN_SECRET_KEY": "x" * 50, "KIBAN_DEBUG": "1"}, "KIBAN_DEBUG"),
        ({"KIBAN_ENV": "production", "KIBAN_SECRET_KEY": "too-short"}, "at least 32 characters"),
    ],
)
def test_production_refuses_unsafe_settings(tmp_path, overrides, message):
    # Given production mode with a default or short secret key, or DEBUG on; when Kiban starts
    result = _run(overrides, tmp_path)
    # Then it refuses, naming the setting to fix
    assert result.returncode != 0
    assert message in result.stderr


def test_production_starts_with_a_real_secret_key(tmp_path):
    result = _run(
        {"KIBAN_ENV": "production", "KIBAN_SECRET_KEY": "q7Hk2-vL9xPz0RmT4wYc8NbE1sJfA6uGdK3iOe5"}, tmp_path
    )
    assert result.returncode == 0, result.stderr


def test_production_passes_every_deployment_check(tmp_path):
    # Given production mode with a long random key (as the README's `secrets.token_urlsafe(50)` makes)
    key = "q7Hk2-vL9xPz0RmT4wYc8NbE1sJfA6uGdK3iOe5-Wm4Zr8Tn2Qx6Ys0Vb"
    result = _run({"KIBAN_ENV": "production", "KIBAN_SECRET_KEY": key}, tmp_path)
    # Then `kiban check --deploy` has nothing to say: HSTS, the HTTPS redirect and secure cookies are on
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_embedded_default_uses_wal_and_immediate_transactions(settings):
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("runs on the embedded SQLite default only")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
