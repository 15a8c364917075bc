import pytest


@pytest.fixture(autouse=True)
def _captcha_test_mode(monkeypatch):
    # django-simple-captcha copies CAPTCHA_TEST_MODE at import time.
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
