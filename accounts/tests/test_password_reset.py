"""Forgot password: a 90-minute link, and answers that never reveal an account."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from accounts.tests.conftest import NEW_PASSWORD, link_in, path_of

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def ask_for_a_link(client, email):
    return client.post("/accounts/password/reset/", {"email": email}, follow=True)


def use_link(client, link, password=NEW_PASSWORD):
    response = client.get(link, follow=True)
    if response.context.get("token_fail"):
        return response
    return client.post(
        response.redirect_chain[-1][0],
        {"password1": password, "password2": password},
        follow=True,
    )


def test_known_and_unknown_addresses_get_the_same_page(client, applicant):
    known = ask_for_a_link(client, "marie.curie@example.eu")
    unknown = ask_for_a_link(client, "nobody@example.eu")
    assert (
        known.redirect_chain == unknown.redirect_chain == [("/accounts/password/reset/done/", 302)]
    )
    assert known.templates[0].name == unknown.templates[0].name
    assert "If an account uses this address" in known.content.decode()


def test_the_owner_gets_a_link_and_an_unknown_address_a_hint_to_sign_up(client, applicant):
    ask_for_a_link(client, "Marie.Curie@example.eu")
    ask_for_a_link(client, "nobody@example.eu")
    owner, stranger = mail.outbox
    assert owner.to == ["marie.curie@example.eu"]
    assert owner.subject == "[TRACES] Set or reset your TRACES password"
    assert "expires after 90 minutes" in owner.body
    assert stranger.to == ["nobody@example.eu"]
    assert stranger.subject == "[TRACES] No TRACES account uses this address"
    assert "/accounts/signup/" in stranger.body


def test_the_link_works_at_89_minutes_and_logs_the_person_in(client, applicant):
    with time_machine.travel(START, tick=False):
        ask_for_a_link(client, "marie.curie@example.eu")
    link = path_of(link_in(mail.outbox[-1]))
    with time_machine.travel(START + dt.timedelta(minutes=89), tick=False):
        response = use_link(client, link)
    assert response.redirect_chain[-1][0] == "/home/"
    applicant.refresh_from_db()
    assert applicant.check_password(NEW_PASSWORD)


def test_the_link_has_expired_at_91_minutes(client, applicant):
    with time_machine.travel(START, tick=False):
        ask_for_a_link(client, "marie.curie@example.eu")
    link = path_of(link_in(mail.outbox[-1]))
    with time_machine.travel(START + dt.timedelta(minutes=91), tick=False):
        response = use_link(client, link)
    assert response.context["token_fail"]
    applicant.refresh_from_db()
    assert not applicant.check_password(NEW_PASSWORD)


def test_the_link_works_once(client, applicant):
    ask_for_a_link(client, "marie.curie@example.eu")
    link = path_of(link_in(mail.outbox[-1]))
    use_link(client, link)
    client.post("/accounts/logout/")
    assert use_link(client, link, "yet another long passphrase").context["token_fail"]


def test_an_invalid_address_gets_a_message_not_an_error(client):
    for value in ("not-an-address", "a" * 400 + "@example.eu", "x@example.eu\x00"):
        response = client.post("/accounts/password/reset/", {"email": value})
        assert response.status_code == 200
        assert "email" in response.context["form"].errors
    assert mail.outbox == []


def test_asking_too_often_for_one_address_is_rate_limited_the_same_way_for_all(client, applicant):
    answers = {}
    for email in ("marie.curie@example.eu", "nobody@example.eu"):
        for _attempt in range(5):
            ask_for_a_link(client, email)
        answers[email] = client.post("/accounts/password/reset/", {"email": email})
    known, unknown = answers["marie.curie@example.eu"], answers["nobody@example.eu"]
    assert known.status_code == unknown.status_code == 429
    assert "Too many attempts" in known.content.decode()
