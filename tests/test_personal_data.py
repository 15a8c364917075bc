"""Download my data: one JSON file, streamed, with everything the portal holds about a person.

Each app contributes its part through the identity app's hook (accounts.slots.personal_data);
the format is docs/data-export.md.
"""

import json

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from accounts.tests.factories import PASSWORD
from requests_app.services import request_reject, request_submit

pytestmark = pytest.mark.django_db


def download(client) -> dict:
    response = client.get("/profile/my-data/")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="traces-my-data-')
    return json.loads(b"".join(response.streaming_content))


@pytest.fixture
def story(applicant, operator, operator_admin, colleague, validator_inao, inao):
    """Anne asked to join Bio Import Lyon and was rejected; she is a member elsewhere."""
    from entities.tests.factories import MembershipFactory, OperatorFactory

    rejected = request_submit(
        applicant=applicant,
        organisation=operator,
        message="I import lentils for Bio Import Lyon",
        contact_email="anne.work@example.eu",
        contact_phone="+33 6 12 34 56 78",
    )
    request_reject(request=rejected, decided_by=validator_inao, reason="No contract with us")
    MembershipFactory(user=applicant, organisation=OperatorFactory(name="Lentilles du Puy"))
    return rejected


def test_the_profile_offers_the_download(client, applicant):
    client.force_login(applicant)
    html = client.get("/profile/").content.decode()
    assert 'href="/profile/my-data/" download>Download my data</a>' in html


def test_it_holds_the_identity_preferences_and_format(client, applicant):
    client.force_login(applicant)
    data = download(client)
    assert data["format"] == "traces-personal-data"
    assert data["version"] == 1
    assert data["identity"]["email"] == "anne@example.eu"
    assert data["identity"]["first_name"] == "Anne"
    assert data["preferences"]["time_zone"] == "Europe/Paris"
    assert data["email_addresses"] == [
        {"email": "anne@example.eu", "verified": True, "primary": True}
    ]
    assert data["exported_at"].endswith("Z")


def test_it_holds_the_requests_with_their_history_and_the_memberships(client, applicant, story):
    client.force_login(applicant)
    data = download(client)
    [req] = data["requests"]
    assert req["reference"] == story.reference
    assert req["organisation"] == "Bio Import Lyon"
    assert req["status"] == "rejected"
    assert req["message"] == "I import lentils for Bio Import Lyon"
    assert req["contact_email"] == "anne.work@example.eu"
    assert req["contact_phone"] == "+33612345678"
    assert req["reason"] == "No contract with us"
    assert req["decided_by"] == "Victor Inao"
    assert [(e["what"], e["by"]) for e in req["history"]] == [
        ("submitted", "Anne Applicant"),
        ("rejected", "Victor Inao"),
    ]
    assert [m["organisation"] for m in data["memberships"]] == ["Lentilles du Puy"]
    assert data["validator"] is None


def test_it_holds_the_notifications_and_the_security_records(client, applicant, story):
    browser = Client(HTTP_USER_AGENT="Firefox/133.0 (Windows)")
    browser.post("/accounts/login/", {"login": applicant.email, "password": PASSWORD})
    Authenticator.objects.create(user=applicant, type=Authenticator.Type.TOTP, data={"secret": "x"})
    data = download(browser)
    texts = [n["text"] for n in data["notifications"]]
    assert "Your request to join Bio Import Lyon has been rejected." in texts
    assert [f["type"] for f in data["security"]["second_factors"]] == ["totp"]
    assert "secret" not in json.dumps(data["security"])
    [session] = data["security"]["sessions"]
    assert session["user_agent"] == "Firefox/133.0 (Windows)"
    assert data["security"]["password_set"] is True


def test_a_validator_finds_their_decisions_and_role(client, validator_inao, story):
    client.force_login(validator_inao)
    data = download(client)
    assert data["validator"] == {"authority": "Institut national de l'origine et de la qualité"}
    assert [(d["reference"], d["status"]) for d in data["decisions"]] == [
        (story.reference, "rejected")
    ]


def test_it_holds_nothing_of_anyone_elses_requests(client, outsider, story):
    client.force_login(outsider)
    data = download(client)
    assert data["requests"] == [] and data["memberships"] == []
    assert "lentils" not in json.dumps(data)


def test_it_needs_a_log_in(client):
    response = client.get("/profile/my-data/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_is_rate_limited(client, applicant):
    client.force_login(applicant)
    for _ in range(5):
        assert client.get("/profile/my-data/").status_code == 200
    assert client.get("/profile/my-data/").status_code == 429


def test_it_answers_get_only(client, applicant):
    client.force_login(applicant)
    assert client.post("/profile/my-data/").status_code == 405


def test_the_documented_format_names_every_top_level_key(client, applicant, story):
    from pathlib import Path

    client.force_login(applicant)
    data = download(client)
    doc = (Path(__file__).resolve().parent.parent / "docs" / "data-export.md").read_text()
    for key in data:
        assert f"`{key}`" in doc, key
