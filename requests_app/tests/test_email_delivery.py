"""A mail server that is down delays mail but loses none: deliver_email retries."""

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from requests_app.services import request_submit


class FlakyBackend(EmailBackend):
    """Refuses the first message, then delivers like the test backend."""

    failures_left = 1

    def send_messages(self, messages):
        if FlakyBackend.failures_left:
            FlakyBackend.failures_left -= 1
            raise ConnectionRefusedError("mail server down")
        return super().send_messages(messages)


def test_a_receipt_refused_once_by_the_mail_server_is_delivered_on_retry(
    settings, applicant, operator, caplog
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.FlakyBackend", "OPTIONS": {}}}
    FlakyBackend.failures_left = 1
    mail.outbox = []

    request = request_submit(applicant=applicant, organisation=operator)

    assert FlakyBackend.failures_left == 0
    receipts = [m for m in mail.outbox if m.to == [applicant.email]]
    assert len(receipts) == 1
    assert "has been received" in receipts[0].subject
    assert request.is_pending
    assert "retrying" in caplog.text


def test_the_receipt_is_in_the_applicants_language_and_time_zone(applicant, operator, time_machine):
    import datetime

    time_machine.move_to(datetime.datetime(2026, 4, 2, 13, 30, tzinfo=datetime.UTC), tick=False)
    applicant.email_language = "fr"
    applicant.time_zone = "Europe/Paris"
    applicant.save()
    request_submit(applicant=applicant, organisation=operator)
    [receipt] = [m for m in mail.outbox if m.to == [applicant.email]]
    assert receipt.subject == "[TRACES] Votre demande pour Bio Import Lyon a été reçue"
    assert "Bonjour Anne," in receipt.body
    assert "2 avril 2026 à 15\u00a0h\u00a030 CEST" in receipt.body  # Paris time, named
    assert "7 avril 2026" in receipt.body  # due after Easter Monday
    html = receipt.alternatives[0][0]
    assert "Nous avons bien reçu votre demande" in html
