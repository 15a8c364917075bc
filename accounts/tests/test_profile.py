import datetime as dt

import pytest

from accounts.tests.conftest import activate_totp

pytestmark = pytest.mark.django_db


def profile_data(**overrides):
    data = {
        "first_name": "Marie",
        "last_name": "Skłodowska-Curie",
        "email_language": "pl",
        "interface_language": "fr",
        "time_zone": "America/New_York",
        "notify_decisions_by_email": "on",
    }
    data.update(overrides)
    return data


def test_the_profile_needs_a_login(client):
    response = client.get("/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_profile_shows_the_fields_and_the_security_links(client, applicant):
    client.force_login(applicant)
    html = client.get("/profile/").content.decode()
    assert "<h1>My profile</h1>" in html
    for field_id in (
        "first_name",
        "last_name",
        "email_language",
        "interface_language",
        "time_zone",
    ):
        assert f'<label for="id_{field_id}">' in html
    assert 'href="/accounts/password/change/"' in html
    assert 'href="/accounts/2fa/"' in html
    assert "marie.curie@example.eu" in html


def test_a_person_edits_names_languages_time_zone_and_notifications(client, applicant):
    client.force_login(applicant)
    response = client.post("/profile/", profile_data(), follow=True)
    assert response.redirect_chain == [("/profile/", 302)]
    applicant.refresh_from_db()
    assert applicant.last_name == "Skłodowska-Curie"
    assert applicant.email_language == "pl"
    assert applicant.interface_language == "fr"
    assert applicant.time_zone == "America/New_York"
    assert applicant.notify_decisions_by_email is True
    assert applicant.notify_new_requests_by_email is False
    # The new interface language applies at once.
    assert "Mon profil" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time_zone", "Mars/Olympus_Mons"),
        ("interface_language", "de"),
        ("email_language", "xx"),
        ("first_name", ""),
        ("first_name", "M" * 101),
        ("last_name", "Curie\x07"),
        ("last_name", "Cu\u202erie"),
    ],
)
def test_bad_values_get_a_message_beside_their_field(client, applicant, field, value):
    client.force_login(applicant)
    response = client.post("/profile/", profile_data(**{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.last_name == "Curie"


def test_dates_are_shown_in_the_persons_time_zone(client, applicant):
    applicant.date_joined = dt.datetime(2025, 1, 15, 23, 30, tzinfo=dt.UTC)
    applicant.time_zone = "Asia/Tokyo"  # UTC+9: already the 16th, 08:30
    applicant.save()
    client.force_login(applicant)
    html = client.get("/profile/").content.decode()
    assert "16 January 2025, 08:30 JST" in html

    applicant.time_zone = "America/New_York"  # UTC-5: still the 15th, 18:30
    applicant.save()
    html = client.get("/profile/").content.decode()
    assert "15 January 2025, 18:30 EST" in html


def test_the_profile_says_whether_the_second_factor_is_active(client, applicant):
    client.force_login(applicant)
    assert "Not active" in client.get("/profile/").content.decode()
    activate_totp(applicant)
    html = client.get("/profile/").content.decode()
    assert "Not active" not in html
    assert "Active" in html


def test_the_password_change_page_uses_the_portal_words(client, applicant):
    client.force_login(applicant)
    html = client.get("/accounts/password/change/").content.decode()
    assert ">Change password</button>" in html
    assert "at least 12 characters" in html
