"""E-mails are written in the recipient's e-mail language where the portal has it, else English."""

import pytest
from django.core import mail

from accounts.tests.conftest import signup_data
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_french_email_language_gets_the_set_password_email_in_french(client):
    client.post("/accounts/signup/", signup_data(email_language="fr"))
    message = mail.outbox[0]
    assert message.subject == "[TRACES] Définissez le mot de passe de votre compte TRACES"
    assert "Bonjour Ada" in message.body
    assert "expire au bout de 90 minutes" in message.body
    assert "expire au bout de 90 minutes" in message.alternatives[0][0]


def test_a_german_email_language_gets_english_as_no_german_translation_exists(client):
    client.post("/accounts/signup/", signup_data(email_language="de"))
    message = mail.outbox[0]
    assert message.subject == "[TRACES] Set the password of your TRACES account"
    assert "expires after 90 minutes" in message.body


def test_the_email_language_wins_over_the_interface_language(client):
    client.post("/language/", {"language": "fr", "next": "/"})
    client.post("/accounts/signup/", signup_data(email_language="en"))
    assert mail.outbox[0].subject == "[TRACES] Set the password of your TRACES account"


def test_a_forgotten_password_email_follows_the_owners_language(client):
    UserFactory(email="jean@example.fr", first_name="Jean", email_language="fr")
    client.post("/accounts/password/reset/", {"email": "jean@example.fr"})
    message = mail.outbox[0]
    assert message.subject == "[TRACES] Définissez ou réinitialisez votre mot de passe TRACES"
    assert "Bonjour Jean" in message.body


def test_the_already_exists_email_follows_the_owners_language(client):
    UserFactory(email="jean@example.fr", first_name="Jean", email_language="fr")
    client.post(
        "/accounts/signup/",
        signup_data(email="jean@example.fr", email2="jean@example.fr", email_language="en"),
    )
    assert mail.outbox[0].subject == "[TRACES] Vous avez déjà un compte TRACES"


def test_the_interface_language_is_back_to_normal_after_an_email(client):
    client.post("/accounts/signup/", signup_data(email_language="fr"))
    response = client.get("/accounts/signup/")
    assert "Create an account" in response.content.decode()


def test_an_email_sent_outside_a_request_links_to_the_portal_url(settings):
    from accounts.adapter import AccountAdapter

    settings.PORTAL_URL = "https://traces.example.eu"
    user = UserFactory(email="jean@example.fr", first_name="Jean")
    AccountAdapter(request=None).send_mail(
        "account/email/unknown_account", user.email, {"signup_url": "x"}
    )
    assert "https://traces.example.eu/help/" in mail.outbox[0].body
