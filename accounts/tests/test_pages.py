"""Welcome, help and privacy pages."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_the_welcome_page_has_the_links_of_the_interface_contract(client):
    html = client.get("/").content.decode()
    assert 'href="/accounts/signup/">Sign up for TRACES</a>' in html
    assert ">Log in to TRACES</button>" in html


def test_the_welcome_page_sends_a_logged_in_person_home(client, applicant):
    client.force_login(applicant)
    assert client.get("/")["Location"] == "/home/"


def test_home_shows_my_profile_at_the_top_right(client, applicant):
    client.force_login(applicant)
    html = client.get("/home/").content.decode()
    assert 'href="/profile/">My profile</a>' in html


@override_settings(HELPDESK_EMAILS=["help@example.eu", "bio@example.eu"])
def test_the_help_page_gives_the_steps_the_delay_and_the_helpdesk(client):
    html = client.get("/help/").content.decode()
    assert "two working days" in html
    assert "INAO" in html
    assert 'href="/accounts/confirm-email/"' in html  # resend from "check your mailbox"
    assert 'href="mailto:help@example.eu"' in html
    assert 'href="mailto:bio@example.eu"' in html


def test_the_help_page_names_the_guides_helpdesk_by_default(client):
    html = client.get("/help/").content.decode()
    assert "SANTE-TRACES@ec.europa.eu" in html
    assert "AGRI-E-COIORGANIC@ec.europa.eu" in html


def test_every_page_links_to_help_and_privacy(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'href="/help/"' in html
    assert 'href="/privacy/"' in html


def test_the_privacy_page_says_what_is_kept_and_the_rights(client):
    html = client.get("/privacy/").content.decode()
    assert "<h1>Privacy statement</h1>" in html
    assert "Your rights" in html


def test_the_check_your_mailbox_page_can_send_the_link_again(client):
    html = client.get("/accounts/confirm-email/").content.decode()
    assert "Check your mailbox" in html
    assert 'action="/accounts/password/reset/"' in html
    assert ">Send a new link</button>" in html


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/help/",
        "/privacy/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/confirm-email/",
    ],
)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_public_pages_answer_in_both_languages(client, url, language):
    client.post("/language/", {"language": language, "next": "/"})
    response = client.get(url)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
