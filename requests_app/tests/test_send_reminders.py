"""`manage.py send_reminders` under frozen time: weekends, French public holidays,
escalation to INAO, one e-mail per decider per day, corrections that expire."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.tests.factories import UserFactory
from entities.models import Status
from entities.tests.factories import OperatorFactory
from requests_app.models import AuthorisationRequest, ReminderSent, RequestEvent, RequestStatus
from requests_app.reminders import reminders_send
from requests_app.services import request_ask_correction, request_submit

UTC = datetime.UTC


@pytest.fixture(autouse=True)
def _in_english():
    """Services' messages in English, whatever language a page before left active."""
    from django.utils import translation

    with translation.override("en"):
        yield


def at(day: str, hour: int = 7) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=UTC)


def mails_to(user):
    return [m for m in mail.outbox if user.email in m.to]


@pytest.fixture
def frozen(time_machine):
    def move(day: str, hour: int = 7):
        time_machine.move_to(at(day, hour), tick=False)

    return move


@pytest.fixture
def easter_week(frozen, inao, validator_inao, outsider):
    """Requests to INAO sent in the week before Easter Monday (6 April 2026, a French holiday)."""
    sent = {}
    for day, name in [
        ("2026-03-30", "Overdue Bio"),  # Monday: due Wednesday 1 April
        ("2026-04-01", "Due Today Bio"),  # Wednesday: due Friday 3 April
        ("2026-04-02", "Due Tuesday Bio"),  # Thursday: due Tuesday 7 April (Easter Monday off)
    ]:
        frozen(day, 9)
        operator = OperatorFactory(name=name, country="FR")
        sent[name] = request_submit(applicant=outsider, organisation=operator)
    frozen("2026-04-03", 9)  # Friday
    operator = OperatorFactory(name="Due Wednesday Bio", country="FR")
    sent["Due Wednesday Bio"] = request_submit(applicant=outsider, organisation=operator)
    mail.outbox.clear()
    return sent


def test_on_the_friday_before_easter_monday_a_validator_gets_what_is_due_by_tuesday(
    easter_week, frozen, validator_inao
):
    assert easter_week["Due Tuesday Bio"].due_date == datetime.date(2026, 4, 7)
    frozen("2026-04-03", 16)
    done = reminders_send()
    assert done.reminded == 1
    (message,) = mails_to(validator_inao)
    body = message.body
    overdue, due_soon = body.split("Due by the next working day")
    assert "Overdue Bio" in overdue and "Due Today Bio" not in overdue
    assert "Due Today Bio" in due_soon and "Due Tuesday Bio" in due_soon
    assert "Due Wednesday Bio" not in body  # due after the next working day
    assert "1 overdue authorisation request to decide" in message.subject
    admin_path = reverse(
        "admin:requests_app_authorisationrequest_change", args=[easter_week["Overdue Bio"].pk]
    )
    assert admin_path in body
    assert message.alternatives[0][1] == "text/html"


def test_run_twice_in_a_day_it_sends_one_e_mail(easter_week, frozen, validator_inao):
    frozen("2026-04-03", 7)
    call_command("send_reminders")
    frozen("2026-04-03", 18)
    call_command("send_reminders")
    assert len(mails_to(validator_inao)) == 1
    assert ReminderSent.objects.filter(user=validator_inao).count() == 1


def test_nobody_is_reminded_on_a_weekend_or_a_public_holiday(easter_week, frozen, validator_inao):
    for day in ("2026-04-04", "2026-04-05", "2026-04-06"):  # Saturday, Sunday, Easter Monday
        frozen(day)
        reminders_send()
    assert mails_to(validator_inao) == []
    frozen("2026-04-07")  # Tuesday: the next working day, one reminder again
    reminders_send()
    (message,) = mails_to(validator_inao)
    overdue, due_soon = message.body.split("Due by the next working day")
    assert "Overdue Bio" in overdue and "Due Today Bio" in overdue
    # Due today (Tuesday) is not overdue yet; Wednesday is the next working day.
    assert "Due Tuesday Bio" in due_soon and "Due Wednesday Bio" in due_soon


def test_a_german_validator_is_not_reminded_on_good_friday(
    frozen, other_authority, validator_other, outsider
):
    frozen("2026-03-31", 9)  # Tuesday: due Thursday 2 April in Germany
    german = OperatorFactory(country="DE", eori="", is_importer=False, is_first_consignee=True)
    request_submit(applicant=outsider, organisation=german)
    mail.outbox.clear()
    frozen("2026-04-03")  # Good Friday: a holiday in Germany, not in France
    reminders_send()
    assert mails_to(validator_other) == []
    frozen("2026-04-07")
    reminders_send()
    assert len(mails_to(validator_other)) == 1


def test_each_decider_gets_one_e_mail_a_day_in_their_language(
    easter_week, frozen, inao, validator_inao
):
    from tests.cast import _validator

    french = _validator(inao, first_name="Valérie", last_name="Inao", email_language="fr")
    frozen("2026-04-03")
    reminders_send()
    reminders_send()
    assert len(mails_to(validator_inao)) == 1
    (message,) = mails_to(french)
    assert "en retard" in message.subject
    assert "Bonjour" in message.body


def test_a_decider_who_asked_for_no_e_mail_gets_none(easter_week, frozen, validator_inao):
    validator_inao.notify_new_requests_by_email = False
    validator_inao.save()
    frozen("2026-04-03")
    done = reminders_send()
    assert mails_to(validator_inao) == []
    assert done.skipped == 1


# --- Escalation ----------------------------------------------------------------------


def test_an_overdue_request_to_an_operator_administrator_goes_to_inao_as_well(
    client, frozen, applicant, operator, operator_admin, validator_inao
):
    frozen("2026-03-30", 9)  # Monday: due Wednesday 1 April
    req = request_submit(applicant=applicant, organisation=operator)
    assert req.to_operator_admins
    mail.outbox.clear()
    frozen("2026-04-01")  # due today: the administrator is reminded, INAO is not
    reminders_send()
    assert len(mails_to(operator_admin)) == 1
    assert mails_to(validator_inao) == []
    assert reverse("requests:detail", args=[req.pk]) in mails_to(operator_admin)[0].body

    frozen("2026-04-02")  # overdue: escalated to INAO
    done = reminders_send()
    assert done.escalated == 1
    req.refresh_from_db()
    assert req.escalated_at == at("2026-04-02")
    event = RequestEvent.objects.filter(request=req, action="escalated").get()
    assert (event.note, event.to_status) == ("INAO", RequestStatus.PENDING)
    (message,) = mails_to(validator_inao)
    assert operator.name in message.body
    assert len(mails_to(operator_admin)) == 2  # the administrator is still reminded daily

    # The applicant's page and the history say so.
    client.force_login(applicant)
    page = client.get(reverse("requests:detail", args=[req.pk])).content.decode()
    assert "Overdue: sent to INAO as well on" in page
    assert "Overdue: sent to the competent authority as well" in page
    # The validator sees it in the queue and may decide it.
    client.force_login(validator_inao)
    queue = client.get(reverse("admin:requests_app_authorisationrequest_changelist"))
    assert operator.name in queue.content.decode()

    frozen("2026-04-03")  # escalated once only
    assert reminders_send().escalated == 0
    assert RequestEvent.objects.filter(request=req, action="escalated").count() == 1


# --- Corrections left 30 days --------------------------------------------------------


def test_a_correction_left_30_days_is_warned_a_week_before_then_closed_as_withdrawn(
    frozen, applicant, pending_request, validator_inao
):
    frozen("2026-03-02", 9)
    req = request_ask_correction(
        request=pending_request, decided_by=validator_inao, reason="Your role?"
    )
    mail.outbox.clear()
    frozen("2026-03-24")  # 22 days: nothing yet
    reminders_send()
    assert mails_to(applicant) == []
    frozen("2026-03-25", 10)  # 23 days: the warning, once
    reminders_send()
    reminders_send()
    (warning,) = mails_to(applicant)
    assert "closes in a week" in warning.subject
    assert "Your role?" in warning.body
    assert reverse("requests:correct", args=[req.pk]) in warning.body
    frozen("2026-04-01", 10)  # 30 days
    done = reminders_send()
    assert done.expired == 1
    req.refresh_from_db()
    assert req.status == RequestStatus.WITHDRAWN
    assert req.decided_at is not None and req.decided_by is None
    assert RequestEvent.objects.filter(request=req).order_by("pk").last().action == "expired"
    closed = mails_to(applicant)[-1]
    assert "has been closed" in closed.subject
    assert reminders_send().expired == 0


def test_an_expired_new_operator_frees_its_eori(frozen, applicant, inao, validator_inao):
    frozen("2026-03-02", 9)
    operator = OperatorFactory(name="Jamais Corrigé", country="FR", status=Status.NEW)
    req = AuthorisationRequest.objects.create(
        applicant=applicant,
        organisation=operator,
        kind="new_operator",
        routed_to=inao,
        due_date=datetime.date(2026, 3, 4),
    )
    request_ask_correction(request=req, decided_by=validator_inao, reason="EORI?")
    frozen("2026-04-02")
    reminders_send()
    operator.refresh_from_db()
    assert operator.status == Status.REJECTED


def test_a_corrected_request_is_neither_warned_nor_closed(
    frozen, applicant, pending_request, validator_inao
):
    from requests_app.services import request_resubmit

    frozen("2026-03-02", 9)
    req = request_ask_correction(request=pending_request, decided_by=validator_inao, reason="?")
    frozen("2026-03-20", 9)
    request_resubmit(request=req, by=applicant, message="ok", contact_email="", contact_phone="")
    mail.outbox.clear()
    frozen("2026-04-10")
    reminders_send()
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING
    assert mails_to(applicant) == []


def test_the_daily_commands_run_send_reminders(easter_week, frozen, validator_inao, settings):
    assert "send_reminders" in settings.DAILY_COMMANDS
    frozen("2026-04-03")
    call_command("run_daily")
    assert len(mails_to(validator_inao)) == 1


def test_a_failing_daily_command_does_not_stop_the_others(
    easter_week, frozen, validator_inao, settings, capsys
):
    settings.DAILY_COMMANDS = ["no_such_command", "send_reminders"]
    frozen("2026-04-03")
    call_command("run_daily")
    assert len(mails_to(validator_inao)) == 1
    assert "1 command(s) failed" in capsys.readouterr().err


def test_the_digests_are_built_in_the_same_queries_for_few_or_many_requests(
    frozen, inao, validator_inao
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from requests_app.reminders import digests_build

    def queries_for(count):
        frozen("2026-03-30", 9)
        for _ in range(count):
            request_submit(applicant=UserFactory(), organisation=OperatorFactory(country="FR"))
        frozen("2026-04-03")
        with CaptureQueriesContext(connection) as captured:
            digests = digests_build(today=datetime.date(2026, 4, 3))
        return len(captured), digests

    few, digests = queries_for(2)
    many, digests = queries_for(8)
    assert few == many <= 4
    assert len(digests[validator_inao.pk].overdue) == 10
