"""Shared by the ASVS 5.0 level-2 tests. The cast comes from tests/cast.py."""

import pytest


@pytest.fixture(autouse=True)
def _captcha_test_mode(monkeypatch):
    # django-simple-captcha copies CAPTCHA_TEST_MODE at import time.
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)


@pytest.fixture
def fast_hashing(settings):
    """For tests about access, not passwords: the cast is made in milliseconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
