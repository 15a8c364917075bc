"""Faults (issue 7 §5): the database going away, the mail server refusing.

- The database down: /healthz answers 503 while it is, 200 again as soon as
  it is back, with nobody restarting the app. On PostgreSQL the fault is real
  (the app's backend is terminated; the app's port is pointed at a closed
  one); on SQLite, where a test database cannot be taken away, the driver's
  connect is made to fail.
- The mail server refusing for a while: every notification is delivered once
  it is back, none twice. The real queue (django-tasks-db's DatabaseBackend)
  and its real worker (`db_worker --batch`) run, with the clock moved past
  each retry delay.
"""

from __future__ import annotations

import datetime as dt
import socket
from unittest import mock

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import OperationalError, close_old_connections, connection
from django.test import Client

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


# --- The database ------------------------------------------------------------------------


@pytest.fixture
def health():
    client = Client()

    def status() -> int:
        # The WSGI handler recycles broken connections at each request's
        # start and end (close_old_connections, with CONN_HEALTH_CHECKS); the
        # test client leaves that out to keep its transaction, so do it here.
        recycle = not connection.in_atomic_block  # not inside a test's transaction
        if recycle:
            close_old_connections()
        code = client.get("/healthz").status_code
        if recycle:
            close_old_connections()
        return code

    return status


@pytest.mark.django_db
def test_healthz_answers_503_while_the_database_cannot_be_reached_and_recovers(health):
    assert health() == 200
    down = OperationalError("could not connect to server: Connection refused")
    with (
        mock.patch.object(connection, "ensure_connection", side_effect=down),
        mock.patch.object(connection, "connection", None),
    ):
        assert health() == 503
        assert health() == 503
    assert health() == 200


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # free now, and nothing listens on it


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_terminated_database_connection_is_replaced_without_an_error(health):
    import psycopg

    assert health() == 200
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**{**params, "autocommit": True}) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    # CONN_HEALTH_CHECKS: the dead connection is noticed and replaced.
    assert health() == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_while_postgresql_is_unreachable_and_recovers_alone(health):
    assert health() == 200
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = _closed_port()
    try:
        assert health() == 503
        assert health() == 503
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port
    assert health() == 200


# --- The mail server -----------------------------------------------------------------------


class FlakyMailServer(BaseEmailBackend):
    """Refuses every message while `refusing` is set; records what it accepts."""

    refusing = True
    delivered: list = []
    refused = 0

    def send_messages(self, email_messages):
        if FlakyMailServer.refusing:
            FlakyMailServer.refused += 1
            raise ConnectionRefusedError("421 try again later")
        FlakyMailServer.delivered.extend(email_messages)
        return len(email_messages)


@pytest.fixture
def flaky_mail(settings):
    FlakyMailServer.refusing = True
    FlakyMailServer.delivered = []
    FlakyMailServer.refused = 0
    settings.MAILERS = {"default": {"BACKEND": "tests.test_faults.FlakyMailServer"}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return FlakyMailServer


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


# transaction=True: the worker recycles connections between tasks, as it
# should, which a test wrapped in one transaction would not survive.
@pytest.mark.django_db(transaction=True)
def test_every_notification_is_sent_once_the_mail_server_is_back_and_none_twice(
    flaky_mail, applicant, operator, colleague, operator_admin, validator_inao
):
    from django_tasks_db.models import DBTaskResult

    from requests_app.services import request_submit

    with time_machine.travel(START, tick=False) as clock:
        request_submit(
            applicant=applicant, organisation=operator, message="Please.", contact_phone=""
        )
        queued = DBTaskResult.objects.count()
        assert queued >= 1  # the receipt, and the deciders' notices
        # The mail server refuses for about ten minutes: four rounds of retries.
        for _round in range(4):
            run_worker()
            clock.shift(dt.timedelta(minutes=3))
        assert flaky_mail.refused >= queued
        assert flaky_mail.delivered == []
        flaky_mail.refusing = False
        for _round in range(10):
            clock.shift(dt.timedelta(hours=1))
            run_worker()
    recipients = sorted(tuple(message.to) for message in flaky_mail.delivered)
    assert len(recipients) == queued  # each message once
    assert len(set(zip(recipients, (m.subject for m in flaky_mail.delivered), strict=True))) == (
        queued
    )
    assert ("anne@example.eu",) in recipients
    pending = DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"])
    assert not pending.exists()


@pytest.mark.django_db(transaction=True)
def test_a_sign_up_while_the_mail_server_refuses_still_gets_its_link(
    flaky_mail, client, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    from accounts.tests.conftest import signup_data

    with time_machine.travel(START, tick=False) as clock:
        response = client.post("/accounts/signup/", signup_data())
        assert response.status_code == 302  # the page does not wait for, nor fail with, the mail
        run_worker()
        flaky_mail.refusing = False
        for _round in range(6):
            clock.shift(dt.timedelta(hours=1))
            run_worker()
    [message] = flaky_mail.delivered
    assert message.to == ["ada.lovelace@example.eu"]
    assert "/accounts/password/reset/key/" in message.body
    assert DBTaskResult.objects.filter(status="FAILED").count() == 0
