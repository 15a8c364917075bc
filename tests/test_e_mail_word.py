"""The portal writes "E-mail", never "Email": in its strings, on every page a person can
reach (allauth's own pages and messages included) and in the e-mails it sends."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import NoReverseMatch, get_resolver, reverse

from accounts.tests.conftest import NEW_PASSWORD, PASSWORD, signup_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
EMAIL = re.compile(r"\bEmails?\b")


def seen(html: str) -> str:
    """What a person reads or hears: text, and the alt, title, aria-label, placeholder."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    spoken = re.findall(r'\b(?:alt|title|aria-label|placeholder|value)="([^"]*)"', html)
    return " ".join([re.sub(r"<[^>]+>", " ", html), *spoken])


def test_no_string_of_the_portal_says_email():
    found = []
    for catalogue in ROOT.glob("*/locale/fr/LC_MESSAGES/django.po"):
        if ".venv" in catalogue.parts:
            continue
        for msgid in re.findall(r'^msgid "(.*)"', catalogue.read_text(), re.M):
            if EMAIL.search(msgid):
                found.append(f"{catalogue.relative_to(ROOT)}: {msgid}")
    assert found == []


def account_pages():
    resolver = get_resolver()
    for name in sorted(n for n in resolver.reverse_dict if isinstance(n, str)):
        if name.startswith(("account_", "mfa_")):
            try:
                yield reverse(name)
            except NoReverseMatch:  # pages that need a key
                continue


def test_no_page_of_allauth_that_a_person_can_reach_says_email(client, applicant):
    pages = {}
    for logged_in in (False, True):
        if logged_in:
            client.force_login(applicant)
        for url in account_pages():
            response = client.get(url, follow=True)
            pages[f"{url} ({'logged in' if logged_in else 'anonymous'})"] = response
    client.logout()
    pages["log-in, wrong password"] = client.post(
        "/accounts/login/", {"login": applicant.email, "password": "nope"}
    )
    pages["log-in, empty"] = client.post("/accounts/login/", {})
    pages["forgot password, empty"] = client.post("/accounts/password/reset/", {})
    pages["sign-up, empty"] = client.post("/accounts/signup/", {})
    saying_email = {
        name: EMAIL.findall(seen(response.content.decode()))
        for name, response in pages.items()
        if EMAIL.search(seen(response.content.decode()))
    }
    assert saying_email == {}


def test_no_e_mail_the_portal_sends_says_email(client, applicant, outsider):
    client.post("/accounts/signup/", signup_data())
    client.post("/accounts/password/reset/", {"email": applicant.email})
    client.post("/accounts/password/reset/", {"email": "nobody@example.eu"})
    client.force_login(outsider)
    client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert len(mail.outbox) >= 4
    for message in mail.outbox:
        for part in (message.subject, message.body, message.alternatives[0][0]):
            assert not EMAIL.search(seen(part)), (message.subject, EMAIL.findall(seen(part)))
