"""The second factor: open to everyone, required for validators when REQUIRE_VALIDATOR_MFA is on."""

import pytest
from allauth.mfa.models import Authenticator

from accounts.tests.conftest import PASSWORD, activate_totp, totp_code

pytestmark = pytest.mark.django_db


def log_in(client, user, secret=None):
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    if secret:
        client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})


def reauthenticate(client):
    """Changing the second factor asks for the password again (allauth's reauthentication)."""
    return client.post("/accounts/reauthenticate/", {"password": PASSWORD})


@pytest.fixture
def mfa_required(settings):
    settings.REQUIRE_VALIDATOR_MFA = True


def test_a_validator_without_an_authenticator_app_is_sent_to_set_one_up(
    client, validator, mfa_required
):
    client.force_login(validator)
    for url in ("/home/", "/profile/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/accounts/2fa/totp/activate/?required=1"


def test_the_set_up_pages_tell_the_validator_why(client, validator, mfa_required):
    log_in(client, validator)
    response = client.get("/home/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    assert "must protect your account with a second factor" in response.content.decode()
    reauthenticate(client)
    response = client.get("/accounts/2fa/totp/activate/?required=1")
    assert "must protect your account with a second factor" in response.content.decode()


def test_a_validator_can_still_log_out_and_read_the_help(client, validator, mfa_required):
    client.force_login(validator)
    assert client.get("/help/").status_code == 200
    assert client.post("/accounts/logout/")["Location"] == "/"


def test_a_validator_with_an_authenticator_app_goes_through(client, validator, mfa_required):
    activate_totp(validator)
    client.force_login(validator)
    assert client.get("/home/").status_code == 200


def test_people_who_are_not_staff_are_not_asked(client, applicant, mfa_required):
    client.force_login(applicant)
    assert client.get("/home/").status_code == 200


def test_nobody_is_asked_when_the_setting_is_off(client, validator, settings):
    settings.REQUIRE_VALIDATOR_MFA = False
    client.force_login(validator)
    assert client.get("/home/").status_code == 200


def test_a_validator_activates_the_app_and_then_reaches_the_portal(client, validator, mfa_required):
    log_in(client, validator)
    reauthenticate(client)
    response = client.get("/accounts/2fa/totp/activate/?required=1")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_code">' in html
    secret = response.context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)}, follow=True)
    assert Authenticator.objects.filter(user=validator, type="totp").exists()
    assert response.redirect_chain[-1][0] == "/accounts/2fa/recovery-codes/"
    assert "Recovery codes" in response.content.decode()
    assert client.get("/home/").status_code == 200


def test_anyone_can_turn_the_second_factor_on_from_the_profile(client, applicant):
    log_in(client, applicant)
    html = client.get("/accounts/2fa/").content.decode()
    assert 'href="/accounts/2fa/totp/activate/"' in html


def test_the_second_factor_can_be_deactivated(client, applicant):
    secret = activate_totp(applicant)
    log_in(client, applicant, secret)
    reauthenticate(client)
    response = client.get("/accounts/2fa/totp/deactivate/")
    assert ">Deactivate</button>" in response.content.decode()
    client.post("/accounts/2fa/totp/deactivate/")
    assert not Authenticator.objects.filter(user=applicant, type="totp").exists()


def test_the_admin_login_cannot_skip_the_second_factor(client, validator):
    activate_totp(validator)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": validator.email, "password": PASSWORD}
    )
    assert not response.wsgi_request.user.is_authenticated
    assert client.get("/admin/").status_code == 302
    response = client.get("/admin/login/?next=/admin/")
    assert response["Location"].startswith("/accounts/login/")
