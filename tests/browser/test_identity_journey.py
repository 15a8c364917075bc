"""Issue 2: sign-up, the e-mailed link, set password, log out, log in, by the contract's labels."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import link_in_last_email

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long and quiet river 2026"


def sign_up(page, email, first="Camille", last="Martin"):
    page.goto("/")
    page.get_by_role("link", name="Sign up for TRACES").click()
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Confirm e-mail").fill(email)
    page.get_by_label("E-mail language").select_option("fr")
    page.get_by_label("Code").fill("PASSED")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Create an account").click()


def test_a_person_signs_up_sets_a_password_logs_out_and_logs_in(page):
    sign_up(page, "camille.martin@example.fr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("mailbox")

    page.goto(link_in_last_email(mail.outbox, "camille.martin@example.fr"))
    password_fields = page.locator("input[type=password]")
    expect(password_fields).to_have_count(2)
    password_fields.nth(0).fill(PASSWORD)
    password_fields.nth(1).fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("link", name="My profile")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    page.goto("/")
    page.get_by_role("button", name="Log in to TRACES").click()
    page.get_by_label("E-mail").fill("camille.martin@example.fr")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("link", name="My profile")).to_be_visible()
