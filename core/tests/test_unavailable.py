"""The database away, Redis away, PgBouncer's settings, and e-mail retries."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def failing_client(settings):
    settings.ROOT_URLCONF = "core.tests.urls_unavailable"
    return Client(raise_request_exception=False)


def test_a_database_away_answers_try_again_in_a_moment(failing_client):
    response = failing_client.get("/away/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "<h1>Try again in a moment</h1>" in html
    assert "port 15432" not in html  # nothing internal


def test_the_try_again_page_is_in_the_persons_language(failing_client):
    response = failing_client.get("/away/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 503
    assert "<h1>Réessayez dans un instant</h1>" in response.content.decode()


def test_any_other_error_is_still_the_plain_500(failing_client):
    response = failing_client.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_redis_away_is_a_miss_and_refuses_the_rate_limits_lock():
    from core.cache import RedisCache

    # Nothing listens on port 1: every command fails at once.
    cache = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    assert cache.get("key") is None
    assert cache.get("key", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("lock", True) is False  # allauth's rate limits then refuse: fail closed
    cache.set("key", "value")
    assert cache.delete("key") is False


def settings_value(expression: str, **variables) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update(ENV_FILE="/dev/null", DJANGO_SETTINGS_MODULE="traces.settings", DEBUG="on")
    env.update(variables)
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_behind_pgbouncer_no_server_side_cursor_and_redis_from_its_url():
    value = settings_value(
        "settings.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS'), "
        "settings.DATABASES['default']['CONN_HEALTH_CHECKS'], "
        "settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE, "
        "settings.DATABASE_ROUTERS, settings.DATABASES['replica']['PORT']",
        DATABASE_URL="postgres://traces@127.0.0.1:16432/traces",
        DATABASE_POOLER="pgbouncer",
        REDIS_URL="redis://127.0.0.1:16379/0",
        REPLICA_DATABASE_URL="postgres://traces@127.0.0.1:15433/traces",
    )
    assert value == (
        "True True core.cache.RedisCache django.contrib.sessions.backends.db "
        "['core.router.ReplicaRouter'] 15433"
    )


def test_without_a_pooler_server_side_cursors_stay():
    value = settings_value(
        "settings.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS'), "
        "getattr(settings, 'DATABASE_ROUTERS', [])",
        DATABASE_URL="postgres://traces@127.0.0.1:5432/traces",
    )
    assert value == "None []"


class RefusesOnce(BaseEmailBackend):
    attempts: list = []

    def send_messages(self, email_messages):
        for message in email_messages:
            RefusesOnce.attempts.append(message.message()["Message-ID"])
        if len(RefusesOnce.attempts) == 1:
            raise ConnectionRefusedError("421 try again later")
        return len(email_messages)


@pytest.mark.django_db
def test_every_attempt_at_one_e_mail_carries_the_same_message_id(settings, mailoutbox):
    from accounts.services import email_send

    RefusesOnce.attempts = []
    settings.MAILERS = {"default": {"BACKEND": "core.tests.test_unavailable.RefusesOnce"}}
    email_send(
        to="anne@example.eu",
        template_prefix="account/email/account_already_exists",
        context={"email": "anne@example.eu"},
        language="en",
    )
    first, second = RefusesOnce.attempts
    assert first == second and first.endswith("@traces.localhost>")


def test_the_retry_delays_follow_the_settings(settings):
    from datetime import timedelta

    from accounts.tasks import retry_delay

    assert [retry_delay(n) for n in (1, 2, 8)] == [
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(hours=1),
    ]
    settings.EMAIL_RETRY_FIRST_SECONDS = 2
    settings.EMAIL_RETRY_MAX_SECONDS = 10
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(seconds=2),
        timedelta(seconds=4),
        timedelta(seconds=8),
        timedelta(seconds=10),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_sign_up_that_loses_the_database_half_way_keeps_nothing(monkeypatch):
    from django.contrib.auth import get_user_model
    from django.db import OperationalError

    from accounts.tests.conftest import signup_data

    def database_gone(*args, **kwargs):
        # After the person and their address are written, the link's e-mail fails.
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("accounts.adapter.AccountAdapter.send_mail", database_gone)
    response = Client(raise_request_exception=False).post("/accounts/signup/", signup_data())
    assert response.status_code == 503
    assert "Try again in a moment" in response.content.decode()
    assert not get_user_model().objects.filter(email="ada.lovelace@example.eu").exists()


def test_a_commit_whose_answer_pgbouncer_garbled_is_also_try_again(failing_client):
    response = failing_client.get("/garbled/")
    assert response.status_code == 503
    assert "Try again in a moment" in response.content.decode()
