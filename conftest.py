"""Settings shared by every test. The cast of the story lives in tests/conftest.py."""

import pytest


@pytest.fixture(autouse=True)
def _portal_test_settings(settings):
    # Run tasks (e-mail delivery) at once, so mail.outbox shows what was sent.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CAPTCHA_TEST_MODE = True
    settings.PASSWORD_BREACH_CHECK = False
    settings.REQUIRE_VALIDATOR_MFA = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
