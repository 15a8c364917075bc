"""ASVS 5.0 V7 Session Management: new session on log-in, timeouts, termination."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
COOKIE = settings.SESSION_COOKIE_NAME


def log_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return response


def logged_in(client) -> bool:
    return client.get("/home/").status_code == 200


def test_v7_2_4_log_in_gives_a_new_session_id(client, applicant):
    anonymous = client.session  # an anonymous visitor's session, as a page would make
    anonymous["seen_the_welcome_page"] = True
    anonymous.save()
    before = client.cookies[COOKIE].value
    log_in(client, applicant)
    after = client.cookies[COOKIE].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_v7_2_4_a_session_id_planted_before_log_in_is_not_kept(client, applicant):
    """Session fixation: an attacker's known id must not become the victim's session."""
    client.cookies[COOKIE] = "attackerchosenid0000000000000000"
    log_in(client, applicant)
    assert client.cookies[COOKIE].value != "attackerchosenid0000000000000000"


def test_v7_4_1_log_out_ends_the_session_on_the_server(client, applicant):
    log_in(client, applicant)
    stolen = client.cookies[COOKIE].value
    client.post("/accounts/logout/")
    thief = Client()
    thief.cookies[COOKIE] = stolen
    assert not logged_in(thief)
    assert not Session.objects.filter(session_key=stolen).exists()


def test_v7_4_2_deactivating_an_account_ends_its_sessions(client, applicant):
    log_in(client, applicant)
    assert logged_in(client)
    applicant.is_active = False
    applicant.save()
    assert not logged_in(client)


def test_v7_4_3_changing_the_password_ends_the_other_sessions(applicant):
    laptop, phone = Client(), Client()
    log_in(laptop, applicant)
    log_in(phone, applicant)
    laptop.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a long and quiet river 2024",
            "password2": "a long and quiet river 2024",
        },
    )
    assert logged_in(laptop)  # the person who changed it stays in
    assert not logged_in(phone)


def test_v7_3_1_a_session_idle_for_longer_than_the_idle_timeout_ends(client, applicant):
    idle = settings.SESSION_IDLE_TIMEOUT
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, applicant)
        clock.shift(idle - 60)
        assert logged_in(client)  # a request inside the window keeps it alive
        clock.shift(idle - 60)
        assert logged_in(client)
        clock.shift(idle + 1)
        response = client.get("/home/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_v7_3_2_a_session_ends_at_the_absolute_timeout_however_active(client, applicant):
    step = settings.SESSION_IDLE_TIMEOUT - 60
    with time_machine.travel(START, tick=False) as clock:
        log_in(client, applicant)
        elapsed = 0
        while elapsed + step < settings.SESSION_ABSOLUTE_TIMEOUT:
            clock.shift(step)
            elapsed += step
            assert logged_in(client), elapsed
        clock.shift(settings.SESSION_ABSOLUTE_TIMEOUT - elapsed + 1)
        assert not logged_in(client)


def test_v7_3_timeouts_are_documented_values():
    assert settings.SESSION_IDLE_TIMEOUT <= 30 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT <= 12 * 60 * 60
    assert not settings.ACCOUNT_SESSION_REMEMBER


def test_v7_5_1_changing_the_password_asks_for_the_current_one(client, applicant):
    client.force_login(applicant)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "", "password1": "x" * 20, "password2": "x" * 20},
    )
    assert response.status_code == 200
    applicant.refresh_from_db()
    assert applicant.check_password(PASSWORD)


def test_v14_3_2_pages_with_personal_data_are_never_stored(client, applicant):
    log_in(client, applicant)
    for path in ("/home/", "/profile/", "/notifications/", "/directory/operators/"):
        cache_control = client.get(path).headers.get("Cache-Control", "")
        assert "no-store" in cache_control, path
        assert "private" in cache_control, path


def test_v14_3_2_public_pages_may_be_cached(client):
    assert "no-store" not in client.get("/help/").headers.get("Cache-Control", "")
