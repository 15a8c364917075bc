"""Check your mailbox: the address just typed at sign-up is there, for that browser only."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client

from accounts.tests.conftest import link_in, path_of, signup_data

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
ADA = "ada.lovelace@example.eu"


def resend_value(html: str) -> str | None:
    field = re.search(r'<input type="email" name="email" id="id_resend_email"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', field)
    return value.group(1) if value else None


def sign_up(client, **data):
    return client.post("/accounts/signup/", signup_data(**data), follow=True)


def test_after_sign_up_the_page_holds_the_address_just_typed(client):
    response = sign_up(client)
    assert response.redirect_chain[-1][0] == "/accounts/confirm-email/"
    html = response.content.decode()
    assert resend_value(html) == ADA
    assert f"Check the address you typed, <strong>{ADA}</strong>" in html


def test_an_address_that_has_an_account_gets_the_same_page(client, applicant):
    new = sign_up(Client()).content.decode()
    taken = sign_up(client, email=applicant.email, email2=applicant.email).content.decode()
    assert resend_value(taken) == applicant.email
    # The same page but for the per-request tokens (CSRF, CSP nonce).
    tokens = re.compile(r'(value=|Nonce": |nonce=)"[^"]+"')
    assert tokens.sub("", new).replace(ADA, "@") == tokens.sub("", taken).replace(
        applicant.email, "@"
    )


def test_another_browser_sees_an_empty_field(client):
    sign_up(client)
    html = Client().get("/accounts/confirm-email/").content.decode()
    assert resend_value(html) is None
    assert ADA not in html
    assert "Check that you typed your address correctly" in html


def test_the_address_is_forgotten_once_the_link_would_have_expired(client):
    with time_machine.travel(START, tick=False):
        sign_up(client)
    with time_machine.travel(START + dt.timedelta(minutes=89), tick=False):
        assert resend_value(client.get("/accounts/confirm-email/").content.decode()) == ADA
    with time_machine.travel(START + dt.timedelta(minutes=91), tick=False):
        assert resend_value(client.get("/accounts/confirm-email/").content.decode()) is None


def test_sending_the_link_again_from_the_page_replaces_the_first_one(client):
    sign_up(client)
    first = path_of(link_in(mail.outbox[-1]))
    client.post("/accounts/password/reset/", {"email": ADA})
    second = path_of(link_in(mail.outbox[-1]))
    assert mail.outbox[-1].to == [ADA]
    assert client.get(first, follow=True).context.get("token_fail")
    assert not client.get(second, follow=True).context.get("token_fail")


def test_logging_out_forgets_the_address(client, applicant):
    sign_up(client)
    client.force_login(applicant)
    client.post("/accounts/logout/")
    assert resend_value(client.get("/accounts/confirm-email/").content.decode()) is None
