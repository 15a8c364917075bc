"""The password policy (OWASP ASVS 5.0, NIST SP 800-63B) and the breached-password check."""

import hashlib
import io
from unittest import mock

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.validators import BreachedPasswordValidator

BREACHED = "correct horse battery"


def range_answer(password: str, count: int = 3):
    """What the k-anonymity range API answers: suffixes of the prefix's hashes, with counts."""
    digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
    body = f"0000000000000000000000000000000000A:2\r\n{digest[5:]}:{count}\r\n"
    response = mock.MagicMock()
    response.__enter__.return_value = io.BytesIO(body.encode())
    return response


@pytest.fixture
def breach_check(settings):
    settings.PASSWORD_BREACH_CHECK = True
    settings.PASSWORD_BREACH_API = "https://range.example/range/"


def test_a_breached_password_is_refused_and_only_a_hash_prefix_leaves(breach_check):
    with (
        mock.patch("urllib.request.urlopen", return_value=range_answer(BREACHED)) as urlopen,
        pytest.raises(ValidationError, match="appeared in a data breach"),
    ):
        BreachedPasswordValidator().validate(BREACHED)
    request = urlopen.call_args.args[0]
    prefix = hashlib.sha1(BREACHED.encode(), usedforsecurity=False).hexdigest().upper()[:5]
    assert request.full_url == f"https://range.example/range/{prefix}"
    assert BREACHED not in request.full_url


def test_a_password_absent_from_breaches_is_accepted(breach_check):
    with mock.patch("urllib.request.urlopen", return_value=range_answer("something else")):
        BreachedPasswordValidator().validate("a fresh and quiet passphrase")


def test_an_unreachable_api_lets_the_password_through(breach_check):
    with mock.patch("urllib.request.urlopen", side_effect=OSError("no network")):
        BreachedPasswordValidator().validate(BREACHED)


def test_no_request_leaves_when_the_check_is_off(settings):
    settings.PASSWORD_BREACH_CHECK = False
    with mock.patch("urllib.request.urlopen") as urlopen:
        BreachedPasswordValidator().validate(BREACHED)
    urlopen.assert_not_called()


def test_the_help_text_mentions_breaches_only_when_the_check_is_on(settings):
    settings.PASSWORD_BREACH_CHECK = False
    assert BreachedPasswordValidator().get_help_text() == ""
    settings.PASSWORD_BREACH_CHECK = True
    assert "data breach" in BreachedPasswordValidator().get_help_text()


@pytest.mark.parametrize(
    "password",
    [
        "x" * 12,  # no rules on kinds of character
        "twelve chars",
        "é" * 128,
    ],
)
def test_length_not_composition_decides(password):
    validate_password(password)


@pytest.mark.parametrize("password", ["eleven char", "x" * 129, "password1234"])
def test_too_short_too_long_and_common_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)
