"""ASVS 5.0 V6 Authentication: password rules, throttling, second factor, enumeration.

The breached-password check (6.2.12) is tested with a fake range API in
accounts/tests/test_password_policy.py; the set-password link (6.4.x: single
use, 90 minutes) in accounts/tests/test_set_password.py.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import CommonPasswordValidator, validate_password
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.tests.conftest import link_in, path_of, signup_data, totp_code
from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and quiet river 2024"


def _refused(password: str, user=None) -> bool:
    try:
        validate_password(password, user)
    except ValidationError:
        return True
    return False


def log_in(client, email, password=PASSWORD, **kwargs):
    return client.post("/accounts/login/", {"login": email, "password": password}, **kwargs)


def change_password(client, old, new):
    return client.post(
        "/accounts/password/change/",
        {"oldpassword": old, "password1": new, "password2": new},
    )


# --- 6.2.x passwords -----------------------------------------------------------------


def test_v6_2_1_passwords_of_fewer_than_12_characters_are_refused():
    assert _refused("eleven char")
    assert not _refused("twelve chars")


def test_v6_2_2_a_person_can_change_their_password(client, applicant):
    client.force_login(applicant)
    response = change_password(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.check_password(NEW_PASSWORD)


def test_v6_2_3_changing_the_password_needs_the_current_one(client, applicant):
    client.force_login(applicant)
    response = change_password(client, "not the current password", NEW_PASSWORD)
    assert response.status_code == 200
    applicant.refresh_from_db()
    assert applicant.check_password(PASSWORD)


def test_v6_2_4_common_passwords_are_refused():
    common = next(p for p in CommonPasswordValidator().passwords if 12 <= len(p) <= 128)
    assert _refused(common)


@pytest.mark.parametrize(
    "password",
    ["a long and quiet river", "ПАРОЛЬДЛЯВХОДА", "🌍" * 12, "    spaces count    "],
)
def test_v6_2_5_any_characters_and_no_composition_rules(password):
    assert not _refused(password)


def test_v6_2_6_password_fields_are_masked(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'type="password" name="password"' in html or 'name="password" type="password"' in (
        html.replace('autocomplete="current-password" ', "")
    )


def test_v6_2_7_paste_and_password_managers_are_allowed(client):
    html = client.get("/accounts/login/").content.decode()
    assert "onpaste" not in html
    assert 'autocomplete="off"' not in html


def test_v6_2_8_the_password_is_checked_exactly_as_typed(client, applicant):
    for variant in (PASSWORD.upper(), PASSWORD[:-1], PASSWORD + " ", PASSWORD[:12]):
        assert not log_in(client, applicant.email, variant).wsgi_request.user.is_authenticated


def test_v6_2_9_passwords_of_64_and_up_to_128_characters_are_allowed():
    assert not _refused("horse battery " * 4 + "staple42")  # 64
    assert not _refused("q" * 60 + " long passphrase " * 4)  # 128
    assert _refused("q" * 129)


def test_v6_2_11_passwords_like_the_persons_name_or_address_are_refused(applicant):
    assert _refused("anne.applicant@example.eu", applicant)
    assert _refused("AnneApplicant", applicant)


def test_v11_4_2_passwords_are_stored_with_argon2(applicant, settings):
    import traces.settings as production

    # The test settings hash with MD5 for speed: put production's list back.
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    applicant.set_password(NEW_PASSWORD)
    assert applicant.password.startswith("argon2$argon2id$")


# --- 6.1.1, 6.3.1: throttling without locking the owner out ----------------------------


def test_v6_3_1_repeated_failed_logins_are_throttled(client, applicant):
    for _attempt in range(5):
        log_in(client, applicant.email, "a wrong password, again")
    response = log_in(client, applicant.email)  # even the right password waits now
    assert not response.wsgi_request.user.is_authenticated
    assert "Too many failed login attempts" in response.content.decode()


def test_v6_1_1_an_attacker_cannot_lock_the_owner_out_the_reset_link_still_works(client, applicant):
    """The throttle delays guesses; the owner, through their mailbox, gets straight back in."""
    for _attempt in range(6):
        log_in(client, applicant.email, "a wrong password, again")
    client.post("/accounts/password/reset/", {"email": applicant.email})
    assert len(mail.outbox) == 1
    response = client.get(path_of(link_in(mail.outbox[0])), follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.wsgi_request.user == applicant


def test_v6_1_1_the_throttle_is_per_address_other_people_log_in(client, applicant, outsider):
    for _attempt in range(6):
        log_in(client, applicant.email, "a wrong password, again")
    assert log_in(client, outsider.email).wsgi_request.user == outsider


def test_v6_3_1_rate_limits_live_in_a_store_shared_by_every_worker(settings):
    from django.conf import settings as live

    # The test settings swap in a local memory cache; production's is shared.
    import traces.settings as production

    backend = production.CACHES["default"]["BACKEND"]
    assert "locmem" not in backend.lower()
    assert live.ACCOUNT_RATE_LIMITS["login_failed"]
    assert live.ACCOUNT_RATE_LIMITS["signup"]
    assert live.ACCOUNT_RATE_LIMITS["reset_password"]


# --- 6.3.3: second factor for staff -----------------------------------------------------


@pytest.fixture
def mfa_required(settings):
    settings.REQUIRE_VALIDATOR_MFA = True


@pytest.mark.parametrize("who", ["validator_inao", "superuser"])
def test_v6_3_3_staff_without_a_second_factor_reach_nothing_but_its_set_up(
    client, cast, mfa_required, who
):
    client.force_login(cast[who])
    for path in ("/home/", "/admin/", "/requests/to-decide/", "/profile/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/2fa/totp/activate/")


def test_v6_3_3_staff_with_a_second_factor_must_give_the_code_to_log_in(
    client, validator_inao, mfa_required
):
    from accounts.tests.conftest import activate_totp

    secret = activate_totp(validator_inao)
    response = log_in(client, validator_inao.email, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/2fa/authenticate/"
    assert not response.wsgi_request.user.is_authenticated
    assert client.get("/admin/").status_code == 302
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert client.get("/admin/").status_code == 200


def test_v6_3_3_the_second_factor_is_required_by_default_in_production():
    import traces.settings as production

    # DEBUG on in the development .env; the default follows DEBUG.
    assert (not production.DEBUG) == production.REQUIRE_VALIDATOR_MFA or (
        "REQUIRE_VALIDATOR_MFA" in __import__("os").environ
    )


# --- 6.3.8: no answer reveals whether an address has an account -----------------------


def _page(response, typed: str = "") -> tuple:
    """What a visitor can compare: where they end up, the status, the page's words.

    The address the visitor typed is echoed in the form: it is set aside.
    """
    import re

    html = response.content.decode()
    if typed:
        html = html.replace(typed, "ADDRESS")
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    csp = response.headers.get("Content-Security-Policy", "")
    for nonce in re.findall(r"'nonce-([^']+)'", csp):
        html = html.replace(nonce, "NONCE")
    html = re.sub(r'captcha/image/\w+/|captcha_0" value="\w+', "", html)
    return getattr(response, "redirect_chain", []), response.status_code, html


def test_v6_3_8_sign_up_answers_alike_for_a_known_and_a_new_address(client, applicant):
    known = client.post(
        "/accounts/signup/",
        signup_data(email=applicant.email, email2=applicant.email),
        follow=True,
    )
    client.logout()
    new = client.post("/accounts/signup/", signup_data(), follow=True)
    assert _page(known, applicant.email) == _page(new, "ada.lovelace@example.eu")
    assert User.objects.filter(email__iexact=applicant.email).count() == 1


def test_v6_3_8_log_in_answers_alike_for_a_wrong_password_and_an_unknown_address(client, applicant):
    wrong = log_in(client, applicant.email, "not the password at all", follow=True)
    unknown = log_in(client, "nobody@example.eu", "not the password at all", follow=True)
    assert _page(wrong, applicant.email) == _page(unknown, "nobody@example.eu")


def test_v6_3_8_forgot_password_answers_alike_for_a_known_and_an_unknown_address(client, applicant):
    known = client.post("/accounts/password/reset/", {"email": applicant.email}, follow=True)
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.eu"}, follow=True)
    assert _page(known, applicant.email) == _page(unknown, "nobody@example.eu")


def test_v6_3_8_the_throttle_answers_alike_for_a_known_and_an_unknown_address(client, applicant):
    for _attempt in range(6):
        known = log_in(client, applicant.email, "a wrong password, again")
        unknown = log_in(client, "nobody@example.eu", "a wrong password, again")
    assert _page(known, applicant.email) == _page(unknown, "nobody@example.eu")
