"""The profile lists a person's sessions (allauth.usersessions) and ends any or all others."""

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.test import Client

from accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
PHONE = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Mobile Safari/537.36"
)


def logged_in(user, user_agent, ip="127.0.0.1") -> Client:
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_the_profile_lists_each_session_with_its_device_place_and_times(applicant):
    laptop = logged_in(applicant, FIREFOX, ip="192.0.2.10")
    logged_in(applicant, PHONE, ip="198.51.100.7")
    html = laptop.get("/profile/").content.decode()
    assert ">Firefox on Windows</td>" in html
    assert ">Chrome on Android</td>" in html
    assert "192.0.2.10" in html and "198.51.100.7" in html
    assert ">This session</span>" in html
    assert html.count(">End this session<") == 1
    assert ">End all my other sessions</button>" in html


def test_ending_another_session_makes_its_cookie_useless(applicant):
    laptop = logged_in(applicant, FIREFOX)
    phone = logged_in(applicant, PHONE)
    assert phone.get("/profile/").status_code == 200
    other = UserSession.objects.get(user=applicant, user_agent=PHONE)
    response = laptop.post(f"/profile/sessions/{other.pk}/end/")
    assert response.status_code == 302
    assert "The session on Chrome on Android has ended." in laptop.get("/profile/").content.decode()
    response = phone.get("/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert laptop.get("/profile/").status_code == 200


def test_ending_all_the_others_keeps_this_one(applicant):
    laptop = logged_in(applicant, FIREFOX)
    phones = [logged_in(applicant, PHONE) for _ in range(2)]
    laptop.post("/profile/sessions/end-others/")
    for phone in phones:
        assert phone.get("/profile/").status_code == 302
    assert laptop.get("/profile/").status_code == 200
    assert UserSession.objects.filter(user=applicant).count() == 1


def test_this_session_is_not_ended_from_the_list(applicant):
    laptop = logged_in(applicant, FIREFOX)
    mine = UserSession.objects.get(user=applicant)
    laptop.post(f"/profile/sessions/{mine.pk}/end/")
    html = laptop.get("/profile/").content.decode()
    assert "This is the session you are using: to end it, log out." in html


def test_someone_elses_session_is_not_found(applicant, outsider):
    logged_in(outsider, PHONE)
    theirs = UserSession.objects.get(user=outsider)
    laptop = logged_in(applicant, FIREFOX)
    assert laptop.post(f"/profile/sessions/{theirs.pk}/end/").status_code == 404
    assert UserSession.objects.filter(pk=theirs.pk).exists()


def test_ending_needs_a_post_and_a_log_in(client, applicant):
    logged_in(applicant, PHONE)
    session = UserSession.objects.get(user=applicant)
    response = client.post(f"/profile/sessions/{session.pk}/end/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    laptop = logged_in(applicant, FIREFOX)
    assert laptop.get(f"/profile/sessions/{session.pk}/end/").status_code == 405
    assert laptop.get("/profile/sessions/end-others/").status_code == 405


def test_ending_needs_the_csrf_token(applicant):
    logged_in(applicant, PHONE)
    session = UserSession.objects.get(user=applicant)
    strict = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=FIREFOX)
    strict.post("/accounts/login/", {"login": applicant.email, "password": PASSWORD})
    assert strict.post(f"/profile/sessions/{session.pk}/end/").status_code == 403


def test_a_logged_out_session_leaves_the_list(applicant):
    laptop = logged_in(applicant, FIREFOX)
    phone = logged_in(applicant, PHONE)
    phone.post("/accounts/logout/")
    html = laptop.get("/profile/").content.decode()
    assert "Chrome on Android" not in html


def test_last_seen_moves_once_a_minute(applicant):
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        laptop = logged_in(applicant, FIREFOX)
        clock.shift(5 * 60)
        laptop.get("/profile/")
        session = UserSession.objects.get(user=applicant)
        assert session.last_seen_at.isoformat() == "2026-03-02T09:05:00+00:00"


def test_a_session_past_its_idle_limit_is_not_listed(applicant, settings):
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        logged_in(applicant, PHONE)
        clock.shift(settings.SESSION_IDLE_TIMEOUT + 5 * 60)
        laptop = logged_in(applicant, FIREFOX)
        html = laptop.get("/profile/").content.decode()
    assert "Chrome on Android" not in html


def test_the_list_in_french(applicant):
    applicant.interface_language = "fr"
    applicant.save()
    laptop = logged_in(applicant, FIREFOX)
    logged_in(applicant, PHONE)
    html = laptop.get("/profile/").content.decode()
    assert ">Firefox sous Windows</td>" in html
    assert "Mettre fin à cette session" in html


def test_each_end_button_carries_the_csrf_token(applicant):
    laptop = logged_in(applicant, FIREFOX)
    logged_in(applicant, PHONE)
    html = laptop.get("/profile/").content.decode()
    row = html[html.index("/end/") :]
    assert 'name="csrfmiddlewaretoken"' in row[: row.index("</form>")]


def test_a_session_whose_password_changed_elsewhere_leaves_the_list(applicant):
    """Its cookie no longer logs in (Django checks the password's hash): not listed, row gone."""
    phone = logged_in(applicant, PHONE)
    applicant.set_password("Another long passphrase 2026")
    applicant.save()
    laptop = Client(HTTP_USER_AGENT=FIREFOX)
    laptop.post(
        "/accounts/login/", {"login": applicant.email, "password": "Another long passphrase 2026"}
    )
    html = laptop.get("/profile/").content.decode()
    assert "Chrome on Android" not in html and ">Firefox on Windows</td>" in html
    assert not UserSession.objects.filter(user=applicant, user_agent=PHONE).exists()
    assert phone.get("/profile/").status_code == 302


def test_an_expired_session_leaves_the_list(applicant):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    logged_in(applicant, PHONE)
    laptop = logged_in(applicant, FIREFOX)
    phone_key = UserSession.objects.get(user=applicant, user_agent=PHONE).session_key
    Session.objects.filter(session_key=phone_key).update(expire_date=timezone.now())
    assert "Chrome on Android" not in laptop.get("/profile/").content.decode()
    assert not UserSession.objects.filter(session_key=phone_key).exists()


def test_allauths_page_of_sessions_lists_what_the_profile_lists(applicant):
    laptop = logged_in(applicant, FIREFOX, ip="192.0.2.10")
    phone = logged_in(applicant, PHONE, ip="198.51.100.7")
    logged_in(applicant, PHONE, ip="203.0.113.5").post("/accounts/logout/")
    html = laptop.get("/accounts/sessions/").content.decode()
    assert html.count('<tr class="session">') == 2
    assert "192.0.2.10" in html and "198.51.100.7" in html and "203.0.113.5" not in html
    assert ">This session</span>" in html and html.count(">End this session<") == 1
    assert ">End all my other sessions</button>" in html
    laptop.post("/profile/sessions/end-others/")
    assert phone.get("/accounts/sessions/").status_code == 302
    assert laptop.get("/accounts/sessions/").content.decode().count('<tr class="session">') == 1


def test_allauths_page_of_sessions_needs_a_log_in(client):
    response = client.get("/accounts/sessions/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_daily_purge_deletes_what_is_left_of_gone_sessions(applicant, outsider, settings):
    from django.contrib.sessions.models import Session
    from django.core.management import call_command

    assert "purge_sessions" in settings.DAILY_COMMANDS
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        logged_in(applicant, PHONE)  # left to expire at 17:00: nobody logs it out
        busy = logged_in(outsider, PHONE)  # in use all day: its row outlives the 8 hours
        for _ in range(18):  # until 16:30
            clock.shift(25 * 60)
            busy.get("/profile/")
        laptop = logged_in(applicant, FIREFOX)
        logged_in(applicant, "Tablet")
        clock.shift(25 * 60)
        laptop.get("/profile/")
        clock.shift(25 * 60)  # 17:20
        # A session whose row went without allauth being told (an engine's own clean-up).
        tablet = UserSession.objects.get(user_agent="Tablet")
        Session.objects.filter(session_key=tablet.session_key).delete()
        call_command("purge_sessions")
        mine = UserSession.objects.get(user=applicant)
        assert mine.user_agent == FIREFOX
        assert not UserSession.objects.filter(user=outsider).exists()
        # Django's clearsessions too: the phone's expired row has gone.
        assert Session.objects.count() == 2
        assert laptop.get("/profile/").status_code == 200
        call_command("purge_sessions")
        assert list(UserSession.objects.all()) == [mine]
