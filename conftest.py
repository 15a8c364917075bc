"""Settings shared by every test. The cast of the story lives in tests/cast.py."""

from pathlib import Path

import pytest

# Importing the settings creates no folder: the SQLite test database and
# whitenoise's static root live under var/, made here for a run from a fresh clone.
(Path(__file__).resolve().parent / "var" / "static").mkdir(parents=True, exist_ok=True)

# The cast (applicant, colleague, validators...) serves every app's tests.
pytest_plugins = ["tests.cast"]


@pytest.fixture(autouse=True)
def _portal_test_settings(settings, monkeypatch):
    # Run tasks (e-mail delivery) at once, so mail.outbox shows what was sent.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CAPTCHA_TEST_MODE = True
    # django-simple-captcha copies CAPTCHA_TEST_MODE when it is imported: its
    # copy is what accepts the code PASSED.
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
    settings.PASSWORD_BREACH_CHECK = False
    # Argon2 takes a quarter of a second per hash, and every factory user is hashed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REQUIRE_VALIDATOR_MFA = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
    # A French page leaves French active in this thread (the locale middleware
    # activates, nothing deactivates): the next test would read French messages.
    from django.utils import translation

    translation.deactivate()


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL: skipped, with a reason, on SQLite.

    They never skip silently in CI: `.ci/run` runs the suite on PostgreSQL too,
    where they run, and `-rs` prints every skip with its reason.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
