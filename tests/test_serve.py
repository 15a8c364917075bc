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


def test_serve_answers_with_its_workers_and_serves_static_files_compressed(tmp_path):
    """The production way to run, end to end: sync workers behind a free loopback port."""
    import http.client
    import signal
    import socket
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Only what a production start would have: the test run's own variables
    # (DJANGO_ALLOW_ASYNC_UNSAFE, set for the browser tests) fail `check --deploy`.
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(
        ENV_FILE="/dev/null",
        DEBUG="off",
        PORT=str(port),
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="127.0.0.1",
        HTTPS_ONLY="off",
        EMAIL_URL="smtp://127.0.0.1:1025",
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        WEB_CONCURRENCY="2",
        ACCESS_LOG="off",
    )
    server = subprocess.Popen(
        [str(SERVE)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, server.stdout.read()
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                health = connection.getresponse()
                break
            except OSError:
                assert time.monotonic() < deadline, "scripts/serve did not answer within 90 s"
                time.sleep(0.5)
        assert health.status == 200
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/", headers={"Accept-Encoding": "gzip"})
        page = connection.getresponse().read().decode()
        stylesheet = page.split('rel="stylesheet" href="')[1].split('"')[0]
        assert ".css" in stylesheet and stylesheet != "/static/css/portal.css"  # hashed name
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", stylesheet, headers={"Accept-Encoding": "gzip"})
        static = connection.getresponse()
        assert static.status == 200
        assert static.getheader("Content-Encoding") == "gzip"
        assert "immutable" in static.getheader("Cache-Control")
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
