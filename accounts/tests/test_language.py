import pytest

pytestmark = pytest.mark.django_db


def test_the_language_chooser_switches_an_anonymous_visitor_to_french(client):
    response = client.post("/language/", {"language": "fr", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "S'inscrire à TRACES" in html or "S&#x27;inscrire à TRACES" in html
    assert "Se connecter à TRACES" in html


def test_the_chosen_language_is_remembered_on_the_profile(client, applicant):
    client.force_login(applicant)
    client.post("/language/", {"language": "fr", "next": "/profile/"})
    applicant.refresh_from_db()
    assert applicant.interface_language == "fr"
    client.logout()
    client.cookies.clear()
    client.force_login(applicant)  # a new session on another device
    assert "Mon profil" in client.get("/profile/").content.decode()


def test_an_unknown_language_changes_nothing(client, applicant):
    client.force_login(applicant)
    response = client.post("/language/", {"language": "xx", "next": "/profile/"})
    assert response.status_code in (200, 302)
    applicant.refresh_from_db()
    assert applicant.interface_language == "en"


def test_the_language_chooser_needs_a_post(client):
    assert client.get("/language/?language=fr").status_code == 405


def test_the_language_chooser_does_not_redirect_to_another_site(client):
    response = client.post("/language/", {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/"
