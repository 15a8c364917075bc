"""Change e-mail: a link to the new address confirms it; the old one stays until then and is told.

allauth's e-mail management (ACCOUNT_CHANGE_EMAIL) with the portal's words, its
re-authentication, and an e-mail to the new address that never tells the person
asking whether it is taken.
"""

import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail

from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW = "marie.new@example.eu"


def log_in(client, user):
    """A real log-in, then the password again as the change asks (allauth counts only an
    explicit re-authentication, for 5 minutes)."""
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


def ask_change(client, email=NEW):
    mail.outbox.clear()
    return client.post("/accounts/email/", {"email": email, "action_add": ""})


def confirmation_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_profile_offers_change_e_mail(client, applicant):
    client.force_login(applicant)
    html = client.get("/profile/").content.decode()
    assert 'href="/accounts/email/">Change e-mail</a>' in html


def test_the_page_has_the_contracts_words(client, applicant):
    log_in(client, applicant)
    html = client.get("/accounts/email/").content.decode()
    assert "<h1>Change e-mail</h1>" in html
    assert ">New e-mail</label>" in html
    assert 'name="action_add" class="button-ok">Change e-mail</button>' in html


def test_a_link_goes_to_the_new_address_and_the_old_one_stays_in_force(client, applicant):
    log_in(client, applicant)
    response = ask_change(client)
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [NEW]
    assert "90 minutes" in message.body and "works once" in message.body
    applicant.refresh_from_db()
    assert applicant.email == "marie.curie@example.eu"
    html = client.get("/accounts/email/").content.decode()
    assert NEW in html and "Not confirmed" in html
    # The old address still logs in; the new one does not yet.
    client.logout()
    response = client.post("/accounts/login/", {"login": NEW, "password": PASSWORD})
    assert response["Location"] != "/home/"
    assert client.get("/profile/").status_code == 302
    log_in(client, applicant)
    assert client.get("/profile/").status_code == 200


def test_opening_the_link_moves_the_log_in_and_tells_the_old_address(client, applicant):
    log_in(client, applicant)
    ask_change(client)
    path = confirmation_path(mail.outbox[0])
    mail.outbox.clear()
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == "/profile/"
    applicant.refresh_from_db()
    assert applicant.email == NEW
    assert list(EmailAddress.objects.filter(user=applicant).values_list("email", "verified")) == [
        (NEW, True)
    ]
    [told] = mail.outbox
    assert told.to == ["marie.curie@example.eu"]
    assert "changed from marie.curie@example.eu to marie.new@example.eu" in told.body
    assert "Hello Marie," in told.body
    client.logout()
    assert (
        client.post(
            "/accounts/login/", {"login": "marie.curie@example.eu", "password": PASSWORD}
        ).status_code
        == 200
    )
    assert client.post("/accounts/login/", {"login": NEW, "password": PASSWORD}).status_code == 302


def test_the_link_works_once(client, applicant):
    log_in(client, applicant)
    ask_change(client)
    path = confirmation_path(mail.outbox[0])
    client.post(path)
    html = client.get(path).content.decode()
    assert "expired, was already used, or was replaced" in html
    assert (
        client.post(path).status_code == 404 or "Confirm" not in client.post(path).content.decode()
    )


def test_the_link_expires_after_90_minutes(client, applicant):
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        log_in(client, applicant)
        ask_change(client)
        path = confirmation_path(mail.outbox[0])
        clock.shift(91 * 60)
        client.post(path)
    applicant.refresh_from_db()
    assert applicant.email == "marie.curie@example.eu"


def test_a_newer_request_replaces_the_older_link(client, applicant):
    log_in(client, applicant)
    ask_change(client, "first.try@example.eu")
    old_path = confirmation_path(mail.outbox[0])
    ask_change(client, "second.try@example.eu")
    client.post(old_path)
    applicant.refresh_from_db()
    assert applicant.email == "marie.curie@example.eu"


def test_a_taken_address_is_not_revealed_its_owner_is_told_instead(client, applicant, outsider):
    log_in(client, applicant)
    response = ask_change(client, outsider.email)
    # The person asking sees what they would see for a free address.
    assert response.status_code == 302
    html = client.get("/accounts/email/").content.decode()
    assert outsider.email in html and "Not confirmed" in html
    [message] = mail.outbox
    assert message.to == [outsider.email]
    assert "An account already uses this address, so nothing has changed" in message.body
    assert "/accounts/confirm-email/" not in message.body
    assert "Hello Oscar," in message.body
    applicant.refresh_from_db()
    assert applicant.email == "marie.curie@example.eu"


def test_free_and_taken_addresses_answer_the_same(client, applicant, outsider):
    log_in(client, applicant)
    free = ask_change(client, "nobody.yet@example.eu")
    taken = ask_change(client, outsider.email)
    assert (free.status_code, free["Location"]) == (taken.status_code, taken["Location"])


def test_cancelling_keeps_the_address_and_kills_the_link(client, applicant):
    log_in(client, applicant)
    ask_change(client)
    path = confirmation_path(mail.outbox[0])
    client.post("/accounts/email/", {"email": NEW, "action_remove": ""})
    client.post(path)
    applicant.refresh_from_db()
    assert applicant.email == "marie.curie@example.eu"
    assert not EmailAddress.objects.filter(email=NEW).exists()


def test_a_fresh_log_in_is_not_enough_it_asks_for_the_password(client, applicant):
    client.post("/accounts/login/", {"login": applicant.email, "password": PASSWORD})
    response = ask_change(client)
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not mail.outbox


def test_it_asks_for_the_password_again_after_five_minutes(client, applicant):
    with time_machine.travel("2026-03-02 09:00 +00:00", tick=False) as clock:
        log_in(client, applicant)
        clock.shift(6 * 60)
        mail.outbox.clear()
        response = ask_change(client)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/reauthenticate/")
        assert not mail.outbox
        # The password again, and the change goes on where it stopped.
        client.post(response["Location"], {"password": PASSWORD})
        assert [m.to for m in mail.outbox] == [[NEW]]


def test_it_needs_a_log_in(client):
    response = client.get("/accounts/email/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_malformed_address_is_refused_with_what_to_do(client, applicant):
    log_in(client, applicant)
    response = ask_change(client, "not-an-address")
    assert response.status_code == 200
    assert "Enter an e-mail address in the right format" in response.content.decode()


def test_in_french(client, applicant):
    applicant.interface_language = "fr"
    applicant.save()
    log_in(client, applicant)
    html = client.get("/accounts/email/").content.decode().replace("&#x27;", "'")
    assert "<h1>Modifier l'adresse e-mail</h1>" in html
    html = client.get("/profile/").content.decode().replace("&#x27;", "'")
    assert ">Modifier l'adresse e-mail</a>" in html


def test_the_other_person_is_not_touched(client, applicant, outsider):
    log_in(client, applicant)
    ask_change(client, outsider.email)
    outsider.refresh_from_db()
    assert outsider.email == "oscar@example.eu"
    assert EmailAddress.objects.get(user=outsider).verified


def test_an_address_someone_signs_up_with_meanwhile_cannot_be_confirmed(client, applicant):
    log_in(client, applicant)
    ask_change(client)
    path = confirmation_path(mail.outbox[0])
    UserFactory(email=NEW)
    client.post(path)
    applicant.refresh_from_db()
    assert applicant.email == "marie.curie@example.eu"


def test_the_link_also_works_in_another_browser_not_logged_in(client, applicant):
    from django.test import Client

    log_in(client, applicant)
    ask_change(client)
    path = confirmation_path(mail.outbox[0])
    phone = Client()
    assert "Please confirm that marie.new@example.eu is your e-mail address" in (
        phone.get(path).content.decode()
    )
    response = phone.post(path)
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.email == NEW
