"""The profile's time-zone chooser: by country, the person's likely zones first."""

import re

import pytest

from core.widgets import CachedOptionsSelect

pytestmark = pytest.mark.django_db


def time_zone_select(client) -> str:
    html = client.get("/profile/").content.decode()
    return re.search(r'<select name="time_zone".*?</select>', html, re.S).group(0)


def suggested(select: str) -> list[str]:
    group = re.search(r'<optgroup label="(?:Suggested|Suggestions)">(.*?)</optgroup>', select, re.S)
    return re.findall(r'<option value="([^"]+)"', group.group(1))


def test_the_zones_are_grouped_by_country_in_the_persons_language(client, applicant):
    client.force_login(applicant)
    select = time_zone_select(client)
    assert '<optgroup label="France">' in select
    assert '<optgroup label="Germany">' in select
    applicant.interface_language = "fr"
    applicant.save()
    select = time_zone_select(client)
    assert '<optgroup label="Allemagne">' in select
    assert '<optgroup label="Sans pays">' in select
    # About 420 zones where people live, not the 597 names of the IANA database.
    assert 400 < select.count("<option ") < 450


def test_the_persons_zone_comes_first_then_the_portals(client, applicant):
    applicant.time_zone = "America/New_York"
    applicant.save()
    client.force_login(applicant)
    select = time_zone_select(client)
    assert re.findall(r'<optgroup label="([^"]+)"', select)[:2] == ["Suggested", "Afghanistan"]
    assert suggested(select) == ["America/New_York", "Europe/Paris"]
    assert (
        '<option value="America/New_York" selected>New York (United States of America)</option>'
        in select
    )
    assert select.count(" selected") == 1


def test_in_french_the_zone_of_france_is_suggested_once(client, applicant):
    applicant.interface_language = "fr"
    applicant.time_zone = "Europe/Paris"
    applicant.save()
    client.force_login(applicant)
    select = time_zone_select(client)
    assert suggested(select) == ["Europe/Paris"]
    assert '<option value="Europe/Paris" selected>Paris (France)</option>' in select


def test_an_older_alias_is_kept_and_can_be_saved_again(client, applicant):
    applicant.time_zone = "US/Eastern"
    applicant.save()
    client.force_login(applicant)
    select = time_zone_select(client)
    assert '<option value="US/Eastern" selected>US/Eastern</option>' in select
    response = client.post(
        "/profile/",
        {
            "first_name": "Marie",
            "last_name": "Curie",
            "email_language": "en",
            "interface_language": "en",
            "time_zone": "US/Eastern",
        },
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.time_zone == "US/Eastern"


def test_the_countries_are_rendered_once_per_language_and_shared_by_everyone(
    client, applicant, outsider
):
    CachedOptionsSelect._cache.pop(("accounts.profile_time_zone", "en"), None)
    client.force_login(applicant)
    first = time_zone_select(client)
    cached = CachedOptionsSelect._cache[("accounts.profile_time_zone", "en")]
    outsider.time_zone = "Asia/Tokyo"
    outsider.save()
    client.force_login(outsider)
    second = time_zone_select(client)
    assert CachedOptionsSelect._cache[("accounts.profile_time_zone", "en")] is cached
    # Only the suggested group differs between the two people.
    assert first.split("</optgroup>", 1)[1] == second.split("</optgroup>", 1)[1]
    assert suggested(first) != suggested(second)
