"""Passkeys and security keys (allauth MFA, WebAuthn) beside the authenticator app.

The ceremony itself needs a browser: tests/browser/test_own_account.py registers a
passkey with Chromium's virtual authenticator and logs in with it. Here: the pages,
the advice to register two, a validator's access, and nobody else's keys.
"""

import pytest
from allauth.mfa.models import Authenticator
from django.test import override_settings

from accounts.tests.conftest import activate_totp
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def passkey(user, name="My phone"):
    return Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": name, "credential": {"clientExtensionResults": {"credProps": {"rk": True}}}},
    )


def reauthenticated(client, user):
    client.force_login(user)
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    return client


def test_the_second_factor_page_offers_passkeys_and_advises_two(client, applicant):
    client.force_login(applicant)
    html = client.get("/accounts/2fa/").content.decode()
    assert ">Passkeys and security keys</h2>" in html
    assert 'href="/accounts/2fa/webauthn/add/">Add a passkey or security key</a>' in html
    assert "Register two" in html


def test_the_profile_advises_two_second_factors_until_there_are_two(client, applicant):
    client.force_login(applicant)
    advice = "Register two second factors"
    assert advice in client.get("/profile/").content.decode()
    activate_totp(applicant)
    assert advice in client.get("/profile/").content.decode()
    passkey(applicant)
    assert advice not in client.get("/profile/").content.decode()


def test_a_passkey_alone_counts_as_a_second_factor_on_the_profile(client, applicant):
    passkey(applicant)
    client.force_login(applicant)
    html = client.get("/profile/").content.decode()
    line = html[html.index("passkeys and security keys)</a>") :][:120]
    assert "status-approved" in line and "Active" in line


def test_the_add_page_asks_for_the_password_then_offers_the_ceremony(client, applicant):
    client.force_login(applicant)
    assert client.get("/accounts/2fa/webauthn/add/")["Location"].startswith(
        "/accounts/reauthenticate/"
    )
    reauthenticated(client, applicant)
    html = client.get("/accounts/2fa/webauthn/add/").content.decode()
    assert "<h1>Add a passkey or security key</h1>" in html
    assert ">Name of the key</label>" in html
    assert "Use it as a passkey, to log in without a password" in html
    assert 'id="mfa_webauthn_add"' in html and '"creation_options"' in html
    # Scripts from the portal's own origin only: the data blocks are JSON, not code.
    assert "<script>" not in html


def test_the_list_names_each_key_and_advises_a_second(client, applicant):
    passkey(applicant)
    client.force_login(applicant)
    html = client.get("/accounts/2fa/webauthn/").content.decode()
    assert ">My phone</td>" in html and ">Passkey</td>" in html
    assert "register a second one" in html


def test_the_log_in_page_offers_a_passkey(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'id="passkey_login"' in html and ">Log in with a passkey</button>" in html
    assert 'action="/accounts/2fa/webauthn/login/"' in html


@override_settings(REQUIRE_VALIDATOR_MFA=True)
def test_a_validator_with_a_passkey_alone_is_let_in(client, validator):
    reauthenticated(client, validator)
    assert client.get("/profile/")["Location"] == "/accounts/2fa/totp/activate/?required=1"
    html = client.get("/accounts/2fa/totp/activate/?required=1").content.decode()
    assert 'href="/accounts/2fa/webauthn/add/">Use a passkey or security key instead</a>' in html
    passkey(validator)
    assert client.get("/profile/").status_code == 200


@pytest.mark.parametrize("action", ["remove", "edit"])
def test_nobody_else_reaches_my_key(client, applicant, outsider, action):
    mine = passkey(applicant)
    reauthenticated(client, outsider)
    assert client.get(f"/accounts/2fa/webauthn/keys/{mine.pk}/{action}/").status_code == 404
    assert client.post(f"/accounts/2fa/webauthn/keys/{mine.pk}/{action}/").status_code == 404
    assert Authenticator.objects.filter(pk=mine.pk, data__name="My phone").exists()


def test_i_rename_and_remove_my_key(client, applicant):
    mine = passkey(applicant)
    reauthenticated(client, applicant)
    html = client.get(f"/accounts/2fa/webauthn/keys/{mine.pk}/edit/").content.decode()
    assert "<h1>Rename this key</h1>" in html
    client.post(f"/accounts/2fa/webauthn/keys/{mine.pk}/edit/", {"name": "Blue key"})
    mine.refresh_from_db()
    assert mine.data["name"] == "Blue key"
    html = client.get(f"/accounts/2fa/webauthn/keys/{mine.pk}/remove/").content.decode()
    assert "<h1>Remove this key</h1>" in html
    client.post(f"/accounts/2fa/webauthn/keys/{mine.pk}/remove/")
    assert not Authenticator.objects.filter(pk=mine.pk).exists()


def test_the_pages_in_french(client, applicant):
    applicant.interface_language = "fr"
    applicant.save()
    reauthenticated(client, applicant)
    html = client.get("/accounts/2fa/webauthn/add/").content.decode().replace("&#x27;", "'")
    assert "<h1>Ajouter une clé d'accès ou de sécurité</h1>" in html


def test_a_person_with_a_key_may_confirm_it_is_them_with_it(client, applicant):
    passkey(applicant)
    client.force_login(applicant)
    response = client.get("/profile/delete/")
    html = client.get(response["Location"]).content.decode()
    assert "<h1>Confirm it is you</h1>" in html
    assert ">Use a passkey or security key instead</a>" in html
    assert 'href="/accounts/2fa/webauthn/reauthenticate/?next=%2Fprofile%2Fdelete%2F"' in html
