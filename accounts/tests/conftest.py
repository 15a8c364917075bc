"""The people of the identity story, and helpers to walk through its pages."""

import re

import pytest
from django.core import mail

from accounts.tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "a long and quiet river 2024"


@pytest.fixture(autouse=True)
def _english_outside_requests():
    # A request leaves its language active in the thread; tests that call
    # code directly must not inherit the previous test's French.
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def applicant(db):
    return UserFactory(email="marie.curie@example.eu", first_name="Marie", last_name="Curie")


@pytest.fixture
def validator(db):
    """A validator of INAO: staff who may decide requests."""
    return UserFactory(email="validator@inao.example.fr", is_staff=True)


def signup_data(**overrides):
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada.lovelace@example.eu",
        "email2": "ada.lovelace@example.eu",
        "email_language": "en",
        "captcha_0": "anything",
        "captcha_1": "PASSED",
        "accept_privacy": "on",
    }
    data.update(overrides)
    return data


def link_in(message) -> str:
    """The first portal link in an e-mail's text."""
    match = re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.body)
    assert match, message.body
    return match.group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def outbox():
    return mail.outbox


__all__ = ["NEW_PASSWORD", "PASSWORD", "link_in", "path_of", "signup_data"]


def totp_code(secret: str) -> str:
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def activate_totp(user) -> str:
    """Give a person an authenticator app; returns its secret."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret
