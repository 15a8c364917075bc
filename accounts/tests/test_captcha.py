"""The sign-up code: large enough to read, a new image on demand, the audio where available."""

import io
import json
import re

import pytest
from captcha.models import CaptchaStore
from PIL import Image

from accounts.captcha import READABLE, readable_challenge
from accounts.models import User
from accounts.tests.conftest import signup_data

pytestmark = pytest.mark.django_db

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


def sign_up_page(client) -> str:
    return client.get("/accounts/signup/").content.decode()


@pytest.fixture
def flite(tmp_path, monkeypatch):
    """A stand-in for the flite speech synthesiser: writes a tiny WAV file where told."""
    script = tmp_path / "flite"
    script.write_text('#!/bin/sh\nprintf "RIFF\\044\\000\\000\\000WAVEfmt " > "$4"\n')
    script.chmod(0o755)
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_FLITE_PATH", str(script))
    return script


@pytest.fixture
def no_flite(monkeypatch):
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_FLITE_PATH", None)


def test_the_image_is_drawn_and_shown_at_240_by_80_pixels(client):
    html = sign_up_page(client)
    img = re.search(r'<img src="(/captcha/image/\w+/)"[^>]*>', html)
    assert 'width="240" height="80"' in img.group(0)
    image = Image.open(io.BytesIO(client.get(img.group(1)).content))
    assert image.size == (240, 80)


def test_the_code_never_uses_characters_that_look_alike():
    for _ in range(200):
        shown, answer = readable_challenge()
        assert len(shown) == 5 and set(shown) <= set(READABLE)
        assert answer == shown.lower()
    assert not set("0OQD1IL2Z5S8B") & set(READABLE)


def test_without_javascript_the_new_image_link_reloads_the_page(client):
    html = sign_up_page(client)
    assert '<a href="" class="captcha-refresh">Show a new image</a>' in html
    assert 'data-refresh-url="/captcha/refresh/"' in html
    first = re.search(r'name="captcha_0" value="(\w+)"', html).group(1)
    again = re.search(r'name="captcha_0" value="(\w+)"', sign_up_page(client)).group(1)
    assert again != first


def test_the_new_image_fetched_in_place_is_the_one_the_form_accepts(client, settings, monkeypatch):
    settings.CAPTCHA_TEST_MODE = False
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", False)
    sign_up_page(client)
    data = json.loads(client.get("/captcha/refresh/", **XHR).content)
    assert data["image_url"] == f"/captcha/image/{data['key']}/"
    answer = CaptchaStore.objects.get(hashkey=data["key"]).response
    response = client.post(
        "/accounts/signup/", signup_data(captcha_0=data["key"], captcha_1=answer.upper())
    )
    assert response.status_code == 302
    assert User.objects.filter(email="ada.lovelace@example.eu").exists()


def test_the_code_is_read_aloud_where_flite_is_installed(client, flite):
    html = sign_up_page(client)
    audio = re.search(
        r'<a href="(/captcha/audio/\w+\.wav)" class="captcha-audio">([^<]+)</a>', html
    )
    assert audio.group(2) == "Listen to the code (in English)"
    response = client.get(audio.group(1))
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert b"".join(response.streaming_content).startswith(b"RIFF")
    data = json.loads(client.get("/captcha/refresh/", **XHR).content)
    assert data["audio_url"] == f"/captcha/audio/{data['key']}.wav"


def test_without_flite_the_image_alone_is_offered(client, no_flite):
    html = sign_up_page(client)
    assert "captcha-audio" not in html
    assert "Show a new image" in html
    assert json.loads(client.get("/captcha/refresh/", **XHR).content)["audio_url"] is None


def test_the_controls_speak_french(client, flite):
    client.cookies["django_language"] = "fr"
    html = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Afficher une nouvelle image" in html
    assert "Écouter le code (en anglais)" in html
