"""ASVS 5.0 V3 Web Frontend Security: headers, cookies, CSRF.

The tests run with DEBUG on (the development .env); what only applies with
DEBUG off (HTTPS redirect, HSTS, Secure `__Host-` cookies) is checked in a
subprocess with production settings, in test_v13_configuration.py.
"""

from __future__ import annotations

import pytest
from django.test import Client

from requests_app.models import AuthorisationRequest, RequestStatus
from tests.security.urlwalk import routes

pytestmark = pytest.mark.django_db

PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/help/"]


def _csp(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    directives = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives}


@pytest.mark.parametrize("path", PAGES)
def test_v3_4_3_every_page_has_a_content_security_policy_without_inline_code(client, path):
    csp = _csp(client.get(path))
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-inline'" not in csp["style-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["default-src"] == "'self'"


@pytest.mark.parametrize("path", PAGES)
def test_v3_4_6_no_other_site_may_frame_the_portal(client, path):
    response = client.get(path)
    assert _csp(response)["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", PAGES)
def test_v3_4_4_and_3_4_5_nosniff_and_a_strict_referrer_policy(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", PAGES)
def test_v3_4_8_cross_origin_opener_policy_isolates_the_window(client, path):
    assert client.get(path).headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_v3_2_1_json_answers_say_their_content_type(client):
    response = client.get("/healthz")
    assert response.headers["Content-Type"] == "application/json"


def test_v3_4_3_the_nonce_changes_with_every_answer(client):
    first = _csp(client.get("/"))["script-src"]
    second = _csp(client.get("/"))["script-src"]
    assert "'nonce-" in first
    assert first != second


def test_v3_3_1_and_3_3_4_the_session_cookie_is_http_only_and_same_site(client, applicant):
    from accounts.tests.factories import PASSWORD

    client.post("/accounts/login/", {"login": applicant.email, "password": PASSWORD})
    cookie = client.cookies["sessionid"]  # __Host-sessionid when DEBUG is off
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert not cookie["domain"]


def test_v3_3_2_the_csrf_and_language_cookies_are_same_site(client):
    client.get("/accounts/login/")
    assert client.cookies["csrftoken"]["samesite"] == "Lax"
    client.post("/language/", {"language": "fr", "next": "/"})
    language = client.cookies["django_language"]
    assert language["samesite"] == "Lax"
    assert language["httponly"]


# --- 3.5.x: every state change needs the CSRF token ------------------------------------


def _concrete_path(route) -> str | None:
    if route.name == "admin:app_list":
        return "/admin/requests_app/"
    if route.route.startswith("admin/(?P<url>"):
        return None
    return route.path(**dict.fromkeys(route.parameters, "1"))


def test_v3_5_1_no_view_is_exempt_from_csrf_protection():
    exempt = [
        route.route
        for route in routes()
        if getattr(route.callback, "csrf_exempt", False)
        # django-simple-captcha's image and audio are GET-only and change nothing.
        and not route.route.startswith("captcha/")
    ]
    assert exempt == []


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "superuser"])
def test_v3_5_1_every_url_refuses_a_post_without_the_csrf_token(logged_in, superuser):
    """Each URL pattern of the resolver, POSTed without a token, answers 403."""
    client = Client(enforce_csrf_checks=True)
    if logged_in:
        client.force_login(superuser)
    accepted = []
    for route in routes():
        path = _concrete_path(route)
        if path is None or route.route.startswith("captcha/"):
            continue
        response = client.post(path, {"anything": "x"})
        if response.status_code != 403:
            accepted.append((path, response.status_code))
    assert accepted == []


def test_v3_5_1_a_decision_without_the_token_changes_nothing(pending_request, validator_inao):
    client = Client(enforce_csrf_checks=True)
    client.force_login(validator_inao)
    response = client.post(f"/requests/{pending_request.pk}/approve/")
    assert response.status_code == 403
    pending_request.refresh_from_db()
    assert pending_request.status == RequestStatus.PENDING
    assert AuthorisationRequest.objects.filter(status=RequestStatus.APPROVED).count() == 0


def test_v3_5_1_the_csrf_refusal_page_shows_nothing_internal(client):
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post("/accounts/login/", {"login": "a@b.eu", "password": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "The form has expired" in html
    assert "CSRF_" not in html and "Traceback" not in html and "settings" not in html


def test_v3_5_3_state_never_changes_on_get(client, applicant, pending_request):
    client.force_login(applicant)
    # GET shows what withdrawing means and a Confirm button (a POST form).
    response = client.get(f"/requests/{pending_request.pk}/withdraw/")
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert client.get("/accounts/logout/").wsgi_request.user.is_authenticated
    pending_request.refresh_from_db()
    assert pending_request.status == RequestStatus.PENDING
