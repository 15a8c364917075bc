"""The second factor's forms say what to type, in both languages (accounts/forms.py, MFA_FORMS)."""

import pytest

from accounts.tests.conftest import PASSWORD, activate_totp

pytestmark = pytest.mark.django_db

WRONG = "000000"


def at_the_code_step(client, user):
    activate_totp(user)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"


def ready_to_activate(client, user):
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})


def field_says(html: str, message: str) -> None:
    assert html.count(message) == 2  # in the summary and beside the field
    assert '<a href="#id_code">' in html
    assert "This field is required" not in html
    assert "Incorrect code" not in html


def test_at_log_in_an_empty_code_says_what_to_type(client, applicant):
    at_the_code_step(client, applicant)
    html = client.post("/accounts/2fa/authenticate/", {"code": ""}).content.decode()
    field_says(
        html, "Enter the 6-digit code from your authenticator app, or one of your recovery codes"
    )


def test_at_log_in_a_wrong_code_says_which_code_to_type(client, applicant):
    at_the_code_step(client, applicant)
    html = client.post("/accounts/2fa/authenticate/", {"code": WRONG}).content.decode()
    field_says(
        html,
        "The code is not right: type the code your authenticator app shows now, "
        "or one of your unused recovery codes",
    )


def test_the_code_field_brings_a_numeric_keyboard_and_a_received_code(client, applicant):
    at_the_code_step(client, applicant)
    html = client.get("/accounts/2fa/authenticate/").content.decode()
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    assert "placeholder" not in html
    assert '<label for="id_code">Code</label>' in html


def test_confirming_it_is_you_with_a_code_says_what_to_type(client, applicant):
    activate_totp(applicant)
    client.force_login(applicant)
    html = client.post("/accounts/2fa/reauthenticate/", {"code": ""}).content.decode()
    field_says(html, "Enter the 6-digit code from your authenticator app")


def test_activating_the_app_says_what_to_type_and_what_to_check(client, applicant):
    ready_to_activate(client, applicant)
    client.get("/accounts/2fa/totp/activate/")
    html = client.post("/accounts/2fa/totp/activate/", {"code": ""}).content.decode()
    field_says(html, "Enter the 6-digit code from your authenticator app")
    assert '<label for="id_code">Code shown by the app</label>' in html
    html = client.post("/accounts/2fa/totp/activate/", {"code": WRONG}).content.decode()
    field_says(
        html,
        "The code is not right: type the 6-digit code the app shows now (if it is refused "
        "again, check that your phone&#x27;s clock is set automatically)",
    )


def test_the_messages_are_in_french_too(client, applicant):
    client.cookies["django_language"] = "fr"  # not logged in yet: the browser's language
    at_the_code_step(client, applicant)
    html = client.post("/accounts/2fa/authenticate/", {"code": ""}).content.decode()
    field_says(
        html,
        "Saisissez le code à 6 chiffres de votre application d&#x27;authentification, "
        "ou l&#x27;un de vos codes de récupération",
    )
    html = client.post("/accounts/2fa/authenticate/", {"code": WRONG}).content.decode()
    assert "Le code n&#x27;est pas le bon\u00a0: saisissez celui" in html
