"""Every time a person reads is in their zone, and names it: pages, e-mails and the admin."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from accounts.tests.conftest import NEW_PASSWORD, PASSWORD

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
WINTER = dt.datetime(2026, 12, 1, 15, 53, tzinfo=dt.UTC)


def test_the_profile_writes_the_last_log_in_with_its_zone_in_both_languages(client, applicant):
    applicant.last_login = WINTER
    applicant.time_zone = "Europe/Paris"
    applicant.save()
    client.force_login(applicant)
    # force_login moves last_login to now: put it back.
    type(applicant).objects.filter(pk=applicant.pk).update(last_login=WINTER)
    assert "1 December 2026, 16:53 CET" in client.get("/profile/").content.decode()
    applicant.refresh_from_db()
    applicant.interface_language = "fr"
    applicant.save(update_fields=["interface_language"])
    html = client.get("/profile/").content.decode()
    assert f"1 décembre 2026 à 16{NBSP}h{NBSP}53 CET" in html


def test_a_security_notice_says_when_in_the_owners_zone_with_the_zone_named(client, applicant):
    applicant.time_zone = "America/New_York"
    applicant.save()
    with time_machine.travel(WINTER, tick=False):
        client.force_login(applicant)
        client.post(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    [notice] = mail.outbox
    assert "1 December 2026, 10:53 EST" in notice.body
    assert "1 December 2026, 10:53 EST" in notice.alternatives[0][0]


def test_the_admin_shows_times_with_the_same_formats(client, superuser, applicant):
    applicant.date_joined = WINTER
    applicant.save()
    superuser.time_zone = "Europe/Paris"
    superuser.save()
    client.force_login(superuser)
    changelist = client.get("/admin/accounts/user/").content.decode()
    assert "1 December 2026, 16:53 CET" in changelist
    superuser.interface_language = "fr"
    superuser.save()
    change = client.get(f"/admin/accounts/user/{applicant.pk}/change/").content.decode()
    assert f"1 décembre 2026 à 16{NBSP}h{NBSP}53 CET" in change
