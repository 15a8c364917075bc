"""ASVS 5.0 V13 Configuration and V12/V3 settings that only apply with DEBUG off.

The tests run with the development .env (DEBUG on). Production settings are
checked in a subprocess started with DEBUG=off and nothing from .env.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def production_env(**overrides) -> dict:
    # Nothing of the test run leaks in (the browser tests allow async-unsafe calls).
    ignored = {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in ignored}
    env.update(
        ENV_FILE="/dev/null",
        DEBUG="off",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="traces.example.eu",
        # Not the test database, which this run holds locked: an empty file of its own.
        DATABASE_URL=os.environ.get("DATABASE_URL")
        or f"sqlite:///{Path(tempfile.gettempdir()) / 'traces-production-probe.sqlite3'}",
        DJANGO_SETTINGS_MODULE="traces.settings",
        **overrides,
    )
    return env


def run_python(code: str, **overrides) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_v13_4_2_check_deploy_finds_nothing_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="traces.example.eu")
plain = client.get("/help/")
secure = client.get("/accounts/login/", secure=True)
missing = client.get("/no-such-page/", secure=True)
csrf = client.cookies[settings.CSRF_COOKIE_NAME]
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location"),
    "hsts": secure.get("Strict-Transport-Security"),
    "csrf_cookie": settings.CSRF_COOKIE_NAME,
    "csrf_secure": bool(csrf["secure"]),
    "csrf_samesite": csrf["samesite"],
    "session_cookie": settings.SESSION_COOKIE_NAME,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "session_samesite": settings.SESSION_COOKIE_SAMESITE,
    "language_cookie": settings.LANGUAGE_COOKIE_NAME,
    "language_secure": settings.LANGUAGE_COOKIE_SECURE,
    "mfa_required": settings.REQUIRE_VALIDATOR_MFA,
    "not_found_status": missing.status_code,
    "not_found_html": missing.content.decode(),
    "email_backend": settings.MAILERS["default"]["BACKEND"],
}))
"""


@pytest.fixture(scope="module")
def production():
    result = run_python(PRODUCTION_PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_v12_2_1_plain_http_is_redirected_to_https(production):
    assert production["plain_status"] == 301
    assert production["plain_location"] == "https://traces.example.eu/help/"


def test_v3_4_1_https_answers_carry_hsts_for_a_year_with_subdomains(production):
    hsts = production["hsts"]
    assert "max-age=31536000" in hsts
    assert "includeSubDomains" in hsts


def test_v3_3_1_cookies_are_secure_and_host_prefixed(production):
    assert production["session_cookie"] == "__Host-sessionid"
    assert production["csrf_cookie"] == "__Host-csrftoken"
    assert production["language_cookie"] == "__Host-language"
    assert production["session_secure"] and production["csrf_secure"]
    assert production["language_secure"]
    assert production["session_httponly"]


def test_v3_3_2_cookies_are_same_site_lax(production):
    assert production["session_samesite"] == production["csrf_samesite"] == "Lax"


def test_v6_3_3_validators_need_a_second_factor_in_production(production):
    assert production["mfa_required"] is True


def test_v13_4_x_production_mail_is_a_real_mail_server(production):
    assert production["email_backend"].endswith("smtp.EmailBackend")


def test_v13_4_2_the_404_page_shows_nothing_internal(production):
    assert production["not_found_status"] == 404
    html = production["not_found_html"]
    assert "Page not found" in html
    for leak in ("urlpatterns", "Traceback", "DEBUG", "traces.urls", "Request Method"):
        assert leak not in html


# --- error pages in-process (pytest-django runs views with DEBUG off) -------------------


def test_v13_4_2_the_500_page_shows_nothing_internal(client, settings):
    settings.ROOT_URLCONF = "tests.security.urls_failing"
    client.raise_request_exception = False
    response = client.get("/fail/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in html
    assert "Une erreur s'est produite" in html
    for leak in ("hunter2", "RuntimeError", "Traceback", "secret internal detail"):
        assert leak not in html
    # It is self-contained: no inline script or style for the CSP to block.
    assert "<script" not in html and "style=" not in html
    assert "Content-Security-Policy" in response.headers


def test_v13_4_2_the_400_page_is_the_portals_own(client):
    response = client.get("/help/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bad request" in html
    assert "evil.example" not in html and "ALLOWED_HOSTS" not in html


def test_v13_4_2_the_403_page_is_the_portals_own(client, applicant, operator):
    from django.core.exceptions import PermissionDenied
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.views.defaults import permission_denied

    request = RequestFactory().get("/")
    request.user = applicant
    response = permission_denied(request, PermissionDenied("internal reason 42"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Access denied" in html
    assert "internal reason 42" not in html
    assert render_to_string("403.html")


def test_v13_4_2_the_404_page_tells_nothing_about_whose_object_it_is(client, applicant):
    client.force_login(applicant)
    response = client.get("/requests/999999/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html
    assert "AuthorisationRequest" not in html and "No " not in html
