"""Settings fail loudly: with DEBUG off a missing or dangerous value stops start-up
with one line that says what to do; importing them writes nothing to disk."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start(**variables) -> subprocess.CompletedProcess:
    ignored = {"DEBUG", "DATABASE_URL", "CAPTCHA_TEST_MODE", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    env.update(ENV_FILE="/dev/null", DJANGO_SETTINGS_MODULE="traces.settings", **variables)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def production(**variables) -> dict:
    return {
        "DEBUG": "off",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "traces.example.eu",
        **variables,
    }


def last_line(result) -> str:
    return result.stderr.strip().splitlines()[-1]


def test_without_a_database_url_production_does_not_fall_back_to_sqlite():
    result = start(**production())
    assert result.returncode != 0
    assert "DEBUG is off and DATABASE_URL is not set" in last_line(result)


def test_the_captcha_test_mode_refuses_to_start_in_production():
    result = start(**production(DATABASE_URL="sqlite:////tmp/x.sqlite3", CAPTCHA_TEST_MODE="on"))
    assert result.returncode != 0
    assert "CAPTCHA_TEST_MODE is on and DEBUG is off" in last_line(result)


def test_production_starts_when_everything_is_set():
    result = start(**production(DATABASE_URL="sqlite:////tmp/x.sqlite3"))
    assert result.returncode == 0, result.stderr


def test_development_defaults_to_sqlite_and_may_use_the_test_code():
    assert start(DEBUG="on", CAPTCHA_TEST_MODE="on").returncode == 0


def test_importing_the_settings_creates_no_folder():
    code = (
        "import os, pathlib\n"
        "def refuse(*args, **kwargs): raise SystemExit(f'created {args[0]}')\n"
        "pathlib.Path.mkdir = refuse\n"
        "os.mkdir = os.makedirs = refuse\n"
        "import traces.settings\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(ENV_FILE="/dev/null", DEBUG="on")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
