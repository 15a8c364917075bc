"""Accounts unused for INACTIVE_ACCOUNT_YEARS: a warning by e-mail, deletion a month later
unless the person logs in (delete_inactive_accounts, run daily; idempotent)."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LAST_LOGIN = dt.datetime(2023, 3, 1, 9, 0, tzinfo=dt.UTC)


def run() -> str:
    out = StringIO()
    call_command("delete_inactive_accounts", stdout=out)
    return out.getvalue()


@pytest.fixture
def sleeper(db):
    return UserFactory(email="sleeper@example.eu", first_name="Rip", last_login=LAST_LOGIN)


def test_nobody_is_warned_before_three_years(sleeper):
    with time_machine.travel("2026-02-28 12:00 +00:00", tick=False):
        assert "0 warned" in run()
    assert not mail.outbox


def test_after_three_years_the_person_is_warned_once(sleeper):
    with time_machine.travel("2026-03-02 12:00 +00:00", tick=False):
        assert "1 warned" in run()
        assert "0 warned" in run()  # idempotent
    [warning] = mail.outbox
    assert warning.to == ["sleeper@example.eu"]
    assert "for 3 years" in warning.body
    assert "1 April 2026" in warning.body
    assert "/accounts/login/" in warning.body
    sleeper.refresh_from_db()
    assert sleeper.inactivity_warned_at is not None


def test_a_month_later_the_account_is_deleted(sleeper):
    with time_machine.travel("2026-03-02 12:00 +00:00", tick=False) as clock:
        run()
        clock.shift(dt.timedelta(days=29))
        assert "0 deleted" in run()
        clock.shift(dt.timedelta(days=1, minutes=1))
        assert "1 deleted" in run()
        assert "0 deleted" in run()  # idempotent
    sleeper.refresh_from_db()
    assert sleeper.is_deleted and sleeper.first_name == ""
    last = mail.outbox[-1]
    assert last.to == ["sleeper@example.eu"]
    assert "Nobody had logged in to your TRACES account for years" in last.body


def test_logging_in_after_the_warning_keeps_the_account(client, sleeper):
    with time_machine.travel("2026-03-02 12:00 +00:00", tick=False) as clock:
        run()
        clock.shift(dt.timedelta(days=10))
        client.post("/accounts/login/", {"login": sleeper.email, "password": PASSWORD})
        clock.shift(dt.timedelta(days=25))
        assert "1 back" in run()
    sleeper.refresh_from_db()
    assert not sleeper.is_deleted
    assert sleeper.inactivity_warned_at is None


def test_a_person_who_never_logged_in_counts_from_sign_up(db):
    UserFactory(email="never@example.eu", date_joined=LAST_LOGIN, last_login=None)
    with time_machine.travel("2026-03-02 12:00 +00:00", tick=False):
        assert "1 warned" in run()


def test_an_account_that_may_not_go_is_kept(operator_admin, operator):
    User.objects.filter(pk=operator_admin.pk).update(last_login=LAST_LOGIN)
    with time_machine.travel("2026-03-02 12:00 +00:00", tick=False) as clock:
        run()
        clock.shift(dt.timedelta(days=31))
        assert "1 kept" in run()
    operator_admin.refresh_from_db()
    assert not operator_admin.is_deleted


def test_the_delay_comes_from_the_settings(sleeper, settings):
    settings.INACTIVE_ACCOUNT_YEARS = 5
    with time_machine.travel("2026-03-02 12:00 +00:00", tick=False):
        assert "0 warned" in run()


def test_the_warning_is_in_the_persons_language(sleeper):
    sleeper.email_language = "fr"
    sleeper.save()
    with time_machine.travel("2026-03-02 12:00 +00:00", tick=False):
        run()
    assert "1 avril 2026" in mail.outbox[0].body


def test_the_command_is_run_daily(settings):
    assert "delete_inactive_accounts" in settings.DAILY_COMMANDS
