"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

Playwright cannot download its own browsers here, so it is pointed at
/usr/bin/chromium. Without Chromium the tests are skipped with a plain reason
on a developer's machine, and fail in CI (CI=true), where .ci/run installs it.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make there (reading the outbox, creating the cast) are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: `apt-get install -y chromium`")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, settings):
    """Open a page on the live server; `new_page(locale="fr", viewport=PHONE)`."""
    contexts = []

    def make(locale="en", viewport=None):
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport=viewport or {"width": 1280, "height": 900},
            extra_http_headers={"Accept-Language": locale},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def link_in_last_email(outbox, to: str) -> str:
    """The first portal link in the newest e-mail sent to `to`."""
    messages = [m for m in outbox if to in m.to]
    assert messages, f"no e-mail was sent to {to}"
    match = re.search(r"https?://\S+", messages[-1].body)
    assert match, messages[-1].body
    return match.group(0)
