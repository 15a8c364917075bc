"""The e-mailed link to set the password: 90 minutes, once, and it proves the address."""

import datetime as dt

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import User
from accounts.tests.conftest import NEW_PASSWORD, link_in, path_of, signup_data

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def sign_up(client) -> str:
    client.post("/accounts/signup/", signup_data())
    return path_of(link_in(mail.outbox[-1]))


def open_link(client, link):
    """Following the link moves the key into the session and shows the form."""
    return client.get(link, follow=True)


def set_password(client, link, password=NEW_PASSWORD, password2=None):
    response = open_link(client, link)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    return client.post(
        form_url, {"password1": password, "password2": password2 or password}, follow=True
    )


def test_the_link_shows_two_password_fields_and_a_set_password_button(client):
    link = sign_up(client)
    html = open_link(client, link).content.decode()
    assert html.count('type="password"') == 2
    assert ">Set password</button>" in html
    assert "at least 12 characters" in html  # the policy beside the field
    assert "up to 128 characters" in html


def test_setting_the_password_verifies_the_address_logs_in_and_lands_on_home(client):
    link = sign_up(client)
    response = set_password(client, link)
    assert response.redirect_chain[-1][0] == "/home/"
    assert response.wsgi_request.user.is_authenticated
    user = User.objects.get()
    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.get(user=user).verified


def test_the_link_still_works_at_89_minutes(client):
    with time_machine.travel(START, tick=False):
        link = sign_up(client)
    with time_machine.travel(START + dt.timedelta(minutes=89), tick=False):
        response = set_password(client, link)
    assert response.redirect_chain[-1][0] == "/home/"
    assert User.objects.get().check_password(NEW_PASSWORD)


def test_the_link_has_expired_at_91_minutes_and_the_page_offers_a_new_one(client):
    with time_machine.travel(START, tick=False):
        link = sign_up(client)
    with time_machine.travel(START + dt.timedelta(minutes=91), tick=False):
        response = open_link(client, link)
    html = response.content.decode()
    assert response.context["token_fail"]
    assert "This link has expired or was already used" in html
    assert 'action="/accounts/password/reset/"' in html
    assert not User.objects.get().has_usable_password()


def test_the_link_works_only_once(client):
    link = sign_up(client)
    set_password(client, link)
    client.post("/accounts/logout/")
    response = open_link(client, link)
    assert response.context["token_fail"]
    assert "already used" in response.content.decode()


def test_the_expired_link_page_sends_a_new_link_that_works(client):
    with time_machine.travel(START, tick=False):
        link = sign_up(client)
    with time_machine.travel(START + dt.timedelta(hours=3), tick=False):
        assert open_link(client, link).context["token_fail"]
        client.post("/accounts/password/reset/", {"email": "ada.lovelace@example.eu"})
        new_link = path_of(link_in(mail.outbox[-1]))
        assert new_link != link
        response = set_password(client, new_link)
    assert response.redirect_chain[-1][0] == "/home/"
    assert EmailAddress.objects.get().verified


@pytest.mark.parametrize(
    "tamper",
    [
        lambda link: link[:-3] + "abc/",
        lambda link: link.replace("/key/", "/key/zz"),
        lambda link: "/accounts/password/reset/key/1-set-password/",
        lambda link: "/accounts/password/reset/key/zzzzzzzzzzzzzzzzzzzzzzzz-" + "k" * 500 + "/",
    ],
)
def test_a_tampered_link_gives_the_expired_link_page_not_an_error(client, tamper):
    link = sign_up(client)
    response = client.get(tamper(link), follow=True)
    assert response.status_code == 200
    assert response.context["token_fail"]


def test_mismatched_passwords_are_refused(client):
    link = sign_up(client)
    response = set_password(client, link, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert "password2" in response.context["form"].errors
    assert not User.objects.get().has_usable_password()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "at least 12 characters"),
        ("x" * 129, "at most 128 characters"),
        ("password1234", "too common"),
        ("ada.lovelace@example.eu", "too similar"),
    ],
)
def test_the_password_policy_is_enforced(client, password, message):
    link = sign_up(client)
    response = set_password(client, link, password)
    errors = " ".join(response.context["form"].errors["password1"])
    assert message in errors
    assert not User.objects.get().has_usable_password()


def test_a_128_character_passphrase_without_any_special_kind_of_character_is_fine(client):
    link = sign_up(client)
    passphrase = ("many quiet words " * 10)[:128]
    response = set_password(client, link, passphrase)
    assert response.redirect_chain[-1][0] == "/home/"
    assert User.objects.get().check_password(passphrase)


def test_a_link_with_a_control_character_is_not_found_rather_than_an_error(client):
    response = client.get("/accounts/password/reset/key/%00-x/")
    assert response.status_code == 404


def test_a_breached_password_is_refused_on_the_set_password_page(client, settings):
    import hashlib
    import io
    from unittest import mock

    settings.PASSWORD_BREACH_CHECK = True
    digest = hashlib.sha1(NEW_PASSWORD.encode(), usedforsecurity=False).hexdigest().upper()
    answer = mock.MagicMock()
    answer.__enter__.return_value = io.BytesIO(f"{digest[5:]}:12\r\n".encode())
    link = sign_up(client)
    with mock.patch("urllib.request.urlopen", return_value=answer):
        response = set_password(client, link)
    assert "appeared in a data breach" in " ".join(response.context["form"].errors["password1"])
    assert not User.objects.get().has_usable_password()
