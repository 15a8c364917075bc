import pytest
from django.core import mail

from accounts.tests.conftest import NEW_PASSWORD, PASSWORD, totp_code

pytestmark = pytest.mark.django_db


def change(client, old=PASSWORD, new=NEW_PASSWORD, new2=None):
    return client.post(
        "/accounts/password/change/",
        {"oldpassword": old, "password1": new, "password2": new2 or new},
        follow=True,
    )


def test_a_person_changes_the_password_and_stays_logged_in(client, applicant):
    client.force_login(applicant)
    response = change(client)
    assert response.wsgi_request.user.is_authenticated
    applicant.refresh_from_db()
    assert applicant.check_password(NEW_PASSWORD)


def test_a_wrong_current_password_is_refused(client, applicant):
    client.force_login(applicant)
    response = change(client, old="not my password at all")
    assert "oldpassword" in response.context["form"].errors
    applicant.refresh_from_db()
    assert applicant.check_password(PASSWORD)


def test_the_new_password_follows_the_policy(client, applicant):
    client.force_login(applicant)
    response = change(client, new="short")
    assert "password1" in response.context["form"].errors


def test_security_notices_are_sent_in_the_owners_language(client, applicant, settings):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    applicant.email_language = "fr"
    applicant.save()
    client.force_login(applicant)
    change(client)
    notice = mail.outbox[-1]
    assert notice.to == ["marie.curie@example.eu"]
    assert notice.subject == "[TRACES] Votre mot de passe TRACES a été modifié"
    assert "Bonjour Marie" in notice.body


def test_turning_on_the_second_factor_sends_a_notice_when_notices_are_on(
    client, applicant, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    client.post("/accounts/login/", {"login": applicant.email, "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.get("/accounts/2fa/totp/activate/")
    secret = response.context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    subjects = [message.subject for message in mail.outbox]
    assert "[TRACES] Second factor activated on your TRACES account" in subjects
