"""`make serve` (scripts/serve) refuses to start without its required settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVE = ROOT / "scripts" / "serve"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="scripts/serve is a bash script")


def run_serve(**overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    # ENV_FILE=/dev/null: a developer's .env (DEBUG on, a SECRET_KEY) must not help.
    env.update({"ENV_FILE": "/dev/null", "DEBUG": "off", "PORT": "1"}, **overrides)
    return subprocess.run(
        [str(SERVE)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_serve_refuses_to_start_without_a_secret_key():
    result = run_serve(ALLOWED_HOSTS="traces.example.eu")

    assert result.returncode != 0
    assert "DEBUG is off and SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Listening at" not in result.stderr


def test_serve_names_every_missing_setting_in_one_line():
    result = run_serve()

    assert result.returncode != 0
    assert "SECRET_KEY and ALLOWED_HOSTS are not set" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
