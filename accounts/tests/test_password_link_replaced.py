"""A newer password link replaces the older ones (accounts/tokens.py), as the help page says."""

import datetime as dt

import pytest
import time_machine
from allauth.account.forms import EmailAwarePasswordResetTokenGenerator
from django.core import mail

from accounts.models import User
from accounts.tests.conftest import NEW_PASSWORD, link_in, path_of, signup_data
from accounts.tokens import PasswordLinkTokenGenerator

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.UTC)
ADA = "ada.lovelace@example.eu"


def newest_link() -> str:
    return path_of(link_in(mail.outbox[-1]))


def ask_for_a_link(client, email=ADA) -> str:
    client.post("/accounts/password/reset/", {"email": email})
    return newest_link()


def works(client, link) -> bool:
    """Whether the link opens the set-password form (without using it)."""
    return not client.get(link, follow=True).context.get("token_fail")


def use(client, link, password=NEW_PASSWORD):
    response = client.get(link, follow=True)
    if response.context.get("token_fail"):
        return response
    return client.post(
        response.redirect_chain[-1][0], {"password1": password, "password2": password}, follow=True
    )


def test_the_sign_up_link_stops_working_once_a_new_link_is_sent(client):
    with time_machine.travel(START, tick=False):
        client.post("/accounts/signup/", signup_data())
        first = newest_link()
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
        second = ask_for_a_link(client)
        assert not works(client, first)
        response = use(client, second)
    assert response.redirect_chain[-1][0] == "/home/"
    assert User.objects.get().check_password(NEW_PASSWORD)


def test_of_two_forgot_password_links_only_the_newest_works(client, applicant):
    with time_machine.travel(START, tick=False):
        first = ask_for_a_link(client, applicant.email)
        second = ask_for_a_link(client, applicant.email)
        assert first != second
        refused = use(client, first)
        assert refused.context.get("token_fail")
        assert "This link has expired or was already used" in refused.content.decode()
        applicant.refresh_from_db()
        assert not applicant.check_password(NEW_PASSWORD)
        assert use(client, second).redirect_chain[-1][0] == "/home/"
    applicant.refresh_from_db()
    assert applicant.check_password(NEW_PASSWORD)


def test_the_newest_link_works_once(client, applicant):
    with time_machine.travel(START, tick=False):
        ask_for_a_link(client, applicant.email)
        link = ask_for_a_link(client, applicant.email)
        use(client, link)
        client.post("/accounts/logout/")
        assert use(client, link, "yet another long passphrase").context.get("token_fail")
    applicant.refresh_from_db()
    assert applicant.check_password(NEW_PASSWORD)


def test_the_newest_link_still_expires_after_90_minutes(client, applicant):
    with time_machine.travel(START, tick=False):
        ask_for_a_link(client, applicant.email)
    with time_machine.travel(START + dt.timedelta(minutes=30), tick=False):
        link = ask_for_a_link(client, applicant.email)
    with time_machine.travel(START + dt.timedelta(minutes=30 + 89), tick=False):
        assert works(client, link)
    with time_machine.travel(START + dt.timedelta(minutes=30 + 91), tick=False):
        assert not works(client, link)


def test_a_link_sent_to_someone_else_leaves_mine_working(client, applicant, outsider):
    with time_machine.travel(START, tick=False):
        mine = ask_for_a_link(client, applicant.email)
        ask_for_a_link(client, outsider.email)
        client.post("/accounts/password/reset/", {"email": "nobody@example.eu"})  # no account
        assert works(client, mine)


def test_a_link_made_before_this_generator_still_works_until_it_expires(applicant):
    # Links already in mailboxes when this was deployed were made by allauth's generator.
    old = EmailAwarePasswordResetTokenGenerator().make_token(applicant)
    assert applicant.password_link_nonce == ""
    assert PasswordLinkTokenGenerator().check_token(applicant, old)


def test_each_new_token_renews_the_persons_value_in_the_database(applicant):
    generator = PasswordLinkTokenGenerator()
    first = generator.make_token(applicant)
    nonce = User.objects.get(pk=applicant.pk).password_link_nonce
    second = generator.make_token(applicant)
    fresh = User.objects.get(pk=applicant.pk)
    assert nonce and fresh.password_link_nonce != nonce
    assert not generator.check_token(fresh, first)
    assert generator.check_token(fresh, second)


def test_the_e_mail_and_the_page_say_that_only_the_newest_link_works(client, applicant):
    response = client.post("/accounts/password/reset/", {"email": applicant.email}, follow=True)
    assert "only the newest link works" in response.content.decode()
    assert "only the newest one works" in mail.outbox[-1].body
    assert "only the newest one works" in mail.outbox[-1].alternatives[0][0]
