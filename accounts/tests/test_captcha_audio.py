"""People who cannot see the captcha image can listen to the code (WCAG 1.1.1)."""

import shutil

import pytest

pytestmark = pytest.mark.django_db


def test_the_sign_up_page_offers_the_code_as_audio_where_flite_is_installed(client, settings):
    settings.CAPTCHA_FLITE_PATH = "/usr/bin/flite"
    from captcha.conf import settings as captcha_settings

    captcha_settings.CAPTCHA_FLITE_PATH = settings.CAPTCHA_FLITE_PATH
    try:
        response = client.get("/accounts/signup/")
    finally:
        captcha_settings.CAPTCHA_FLITE_PATH = shutil.which("flite")
    assert b"Listen to the code" in response.content
